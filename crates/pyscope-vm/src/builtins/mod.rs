//! The `builtins` module and the methods of the built-in types, plus the argument-parsing
//! helpers native functions share.

mod bytes;
mod class;
mod funcs;
mod mapping;
mod misc;
mod numeric;
pub use numeric::MAX_STR_DIGITS;
mod object;
mod seq;
mod strings;

use crate::object::*;
use crate::vm::Vm;

pub(crate) use class::build_class_native;

/// A native method table entry.
pub(crate) type MethodDef = (&'static str, NativeFn, NativeKind);

pub(crate) const M: NativeKind = NativeKind::Method;
pub(crate) const C: NativeKind = NativeKind::ClassMethod;
pub(crate) const S: NativeKind = NativeKind::StaticMethod;

impl Vm {
    /// Creates the `builtins` module with its functions, types and exceptions.
    pub(crate) fn install_builtins(&mut self) {
        let m = self.new_module("builtins", None, false);
        let d = self.heap.get(m).dict;
        self.builtins = m;
        self.builtins_dict = self.share(d);
        object::install(self);
        numeric::install(self);
        strings::install(self);
        bytes::install(self);
        seq::install(self);
        mapping::install(self);
        misc::install(self);
        funcs::install(self, d);
        let t = self.t.clone();
        for (name, ty) in [
            ("object", t.object),
            ("type", t.type_),
            ("int", t.int),
            ("bool", t.bool_),
            ("float", t.float),
            ("complex", t.complex),
            ("str", t.str),
            ("bytes", t.bytes),
            ("bytearray", t.bytearray),
            ("tuple", t.tuple),
            ("list", t.list),
            ("dict", t.dict),
            ("set", t.set),
            ("frozenset", t.frozenset),
            ("range", t.range),
            ("slice", t.slice),
            ("property", t.property),
            ("classmethod", t.classmethod),
            ("staticmethod", t.staticmethod),
            ("super", t.super_),
            ("enumerate", t.enumerate),
            ("zip", t.zip),
            ("map", t.map),
            ("filter", t.filter),
            ("reversed", t.reversed),
        ] {
            self.incref(ty);
            self.dict_set_name(d, name, ty);
        }
        for (name, ty) in crate::types::exception_names(&self.e.clone()) {
            self.incref(ty);
            self.dict_set_name(d, name, ty);
        }
        self.dict_set_name(d, "EnvironmentError", self.e.os_error);
        self.incref(self.e.os_error);
        self.dict_set_name(d, "IOError", self.e.os_error);
        self.incref(self.e.os_error);
        let none = self.none();
        self.dict_set_name(d, "None", none);
        let e = self.share(self.ellipsis);
        self.dict_set_name(d, "Ellipsis", e);
        let ni = self.not_implemented();
        self.dict_set_name(d, "NotImplemented", ni);
        let t = self.bool_obj(true);
        self.dict_set_name(d, "True", t);
        let f = self.bool_obj(false);
        self.dict_set_name(d, "False", f);
        let dbg = self.bool_obj(true);
        self.dict_set_name(d, "__debug__", dbg);
        let n = self.new_str("builtins");
        self.dict_set_name(d, "__name__", n);
    }

    /// A new module object with an empty namespace holding `__name__`.
    pub fn new_module(&mut self, name: &str, file: Option<String>, user: bool) -> ObjRef {
        let m = self.alloc(
            self.t.module,
            Kind::Module(Box::new(ModuleObj {
                name: name.into(),
                file: file.clone(),
                user,
            })),
        );
        let d = self.new_dict();
        self.heap.get_mut(m).dict = d;
        let n = self.new_str(name);
        self.dict_set_name(d, "__name__", n);
        let none = self.none();
        self.dict_set_name(d, "__doc__", none);
        if let Some(f) = file {
            let fo = self.new_string(f);
            self.dict_set_name(d, "__file__", fo);
        }
        m
    }

    /// Registers native functions in a module namespace.
    pub(crate) fn add_functions(&mut self, ns: ObjRef, defs: &[(&'static str, NativeFn)]) {
        for &(name, func) in defs {
            let f = self.new_native(name, func, ObjRef::NULL, NativeKind::Function);
            self.dict_set_name(ns, name, f);
        }
    }

    /// Binds native-call arguments to parameter names. `names` lists the parameters; the
    /// first `required` must be given. Keyword-only parameters start after a `"*"` entry.
    /// Returns borrowed references (NULL for absent optional parameters).
    pub fn bind_native(
        &mut self,
        fname: &str,
        a: &Args,
        names: &[&str],
        required: usize,
    ) -> PyResult<Vec<ObjRef>> {
        let star = names.iter().position(|n| *n == "*");
        let positional_names: Vec<&str> = names[..star.unwrap_or(names.len())].to_vec();
        let all_names: Vec<&str> = names.iter().copied().filter(|n| *n != "*").collect();
        let pos = a.positional();
        if pos.len() > positional_names.len() {
            let msg = if positional_names.len() == required {
                format!(
                    "{fname}() takes {} positional argument{} but {} were given",
                    required,
                    if required == 1 { "" } else { "s" },
                    pos.len()
                )
            } else {
                format!(
                    "{fname}() takes at most {} arguments ({} given)",
                    positional_names.len(),
                    pos.len()
                )
            };
            return Err(self.type_error(msg));
        }
        let mut out = vec![ObjRef::NULL; all_names.len()];
        out[..pos.len()].copy_from_slice(pos);
        for (k, v) in a.keywords() {
            let key = self.str_of(k).to_string();
            match all_names.iter().position(|n| *n == key) {
                Some(i) if i < pos.len() => {
                    return Err(self.type_error(format!(
                        "argument for {fname}() given by name ('{key}') and position ({})",
                        i + 1
                    )));
                }
                Some(i) => out[i] = v,
                None => {
                    return Err(self.type_error(format!(
                        "{fname}() got an unexpected keyword argument '{key}'"
                    )));
                }
            }
        }
        for (i, v) in out.iter().enumerate().take(required) {
            if v.is_null() {
                let msg = format!(
                    "{fname}() missing required argument '{}' (pos {})",
                    all_names[i],
                    i + 1
                );
                return Err(self.type_error(msg));
            }
        }
        Ok(out)
    }

    /// Checks the positional argument count of a native function that takes no keywords.
    pub fn check_positional(
        &mut self,
        fname: &str,
        a: &Args,
        min: usize,
        max: usize,
    ) -> PyResult<()> {
        if !a.kwnames.is_empty() {
            return Err(self.type_error(format!("{fname}() takes no keyword arguments")));
        }
        let n = a.args.len();
        if n < min || n > max {
            let msg = if min == max {
                match min {
                    0 => format!("{fname}() takes no arguments ({n} given)"),
                    1 => format!("{fname}() takes exactly one argument ({n} given)"),
                    _ => format!("{fname} expected {min} arguments, got {n}"),
                }
            } else if n < min {
                format!(
                    "{fname} expected at least {min} argument{}, got {n}",
                    if min == 1 { "" } else { "s" }
                )
            } else {
                format!(
                    "{fname} expected at most {max} argument{}, got {n}",
                    if max == 1 { "" } else { "s" }
                )
            };
            return Err(self.type_error(msg));
        }
        Ok(())
    }

    /// For methods: checks the argument count after `self`.
    pub fn check_method_args(
        &mut self,
        fname: &str,
        a: &Args,
        min: usize,
        max: usize,
    ) -> PyResult<()> {
        if !a.kwnames.is_empty() {
            return Err(self.type_error(format!("{fname}() takes no keyword arguments")));
        }
        let n = a.args.len().saturating_sub(1);
        if n < min || n > max {
            let msg = if min == max {
                match min {
                    0 => format!("{fname}() takes no arguments ({n} given)"),
                    1 => format!("{fname}() takes exactly one argument ({n} given)"),
                    _ => format!("{fname} expected {min} arguments, got {n}"),
                }
            } else if n < min {
                format!(
                    "{fname} expected at least {min} argument{}, got {n}",
                    if min == 1 { "" } else { "s" }
                )
            } else {
                format!(
                    "{fname} expected at most {max} argument{}, got {n}",
                    if max == 1 { "" } else { "s" }
                )
            };
            return Err(self.type_error(msg));
        }
        Ok(())
    }

    /// Registers the methods of a built-in type.
    pub(crate) fn register(&mut self, class: ObjRef, defs: &[MethodDef]) {
        self.add_methods(class, defs);
    }
}
