//! `repr()`, `str()` and `ascii()` of objects: built-in types render as CPython renders them
//! (including `[...]` for self-containing containers), other classes through `__repr__` and
//! `__str__`.

use pyscope_compiler::dis::complex_repr;
use pyscope_compiler::pyrepr::{bytes_repr, float_repr, str_repr};

use crate::heap::address_of;
use crate::object::*;
use crate::vm::Vm;

impl Vm {
    /// `repr(obj)` as a str object.
    pub fn repr(&mut self, obj: ObjRef) -> PyResult {
        let s = self.repr_string(obj)?;
        Ok(self.new_string(s))
    }

    /// `ascii(obj)`.
    pub fn ascii(&mut self, obj: ObjRef) -> PyResult {
        let s = self.repr_string(obj)?;
        Ok(self.new_string(str_ascii_escape(&s)))
    }

    /// `str(obj)` as a str object.
    pub fn to_str(&mut self, obj: ObjRef) -> PyResult {
        let class = self.class_of(obj);
        if class == self.t.str {
            return Ok(self.share(obj));
        }
        if let Some(f) = self.type_lookup(class, self.n.str_) {
            if !self.is_native_str_fallback(f) {
                let r = self.call_dunder(f, obj, &[])?;
                if !self.is_str(r) {
                    let msg = format!("__str__ returned non-string (type {})", self.type_name(r));
                    self.decref(r);
                    return Err(self.type_error(msg));
                }
                return Ok(r);
            }
        }
        if self.is_exception(obj)
            && self
                .type_lookup(class, self.n.str_)
                .is_some_and(|f| self.is_native_str_fallback(f))
        {
            let s = self.exception_str(obj)?;
            return Ok(self.new_string(s));
        }
        self.repr(obj)
    }

    /// `str(obj)` as a Rust string.
    pub fn str_string(&mut self, obj: ObjRef) -> PyResult<String> {
        if self.class_of(obj) == self.t.str {
            return Ok(self.str_of(obj).to_string());
        }
        let s = self.to_str(obj)?;
        let out = self.str_of(s).to_string();
        self.decref(s);
        Ok(out)
    }

    /// Whether a `__str__` is the built-in `object.__str__` (which falls back to repr) or
    /// `BaseException.__str__`.
    fn is_native_str_fallback(&self, f: ObjRef) -> bool {
        matches!(self.kind(f), Kind::Native(n) if n.name == "__str__" && (n.owner == self.t.object || n.owner == self.e.base_exception))
    }

    /// `BaseException.__str__`.
    pub fn exception_str(&mut self, e: ObjRef) -> PyResult<String> {
        let args = self.tuple_items(self.exc_obj(e).args).to_vec();
        if self.isinstance_of(e, self.e.key_error) && args.len() == 1 {
            return self.repr_string(args[0]);
        }
        match args.len() {
            0 => Ok(String::new()),
            1 => self.str_string(args[0]),
            _ => {
                let t = self.exc_obj(e).args;
                self.repr_string(t)
            }
        }
    }

    /// The default `<module.Class object at 0x...>` form.
    pub fn default_repr(&self, obj: ObjRef) -> String {
        let t = self.type_obj(self.class_of(obj));
        let prefix = if t.module == "builtins" {
            String::new()
        } else {
            format!("{}.", t.module)
        };
        format!(
            "<{}{} object at {:#x}>",
            prefix,
            t.qualname,
            address_of(obj)
        )
    }

    /// `repr(obj)` as a Rust string.
    pub fn repr_string(&mut self, obj: ObjRef) -> PyResult<String> {
        let class = self.class_of(obj);
        if let Some(s) = self.repr_scalar(obj, class) {
            return Ok(s);
        }
        if let Some(f) = self.type_lookup(class, self.n.repr) {
            if !matches!(self.kind(f), Kind::Native(_)) {
                self.enter_recursion(" while getting the repr of an object")?;
                let r = self.call_dunder(f, obj, &[]);
                self.leave_recursion();
                let r = r?;
                if !self.is_str(r) {
                    let msg = format!("__repr__ returned non-string (type {})", self.type_name(r));
                    self.decref(r);
                    return Err(self.type_error(msg));
                }
                let s = self.str_of(r).to_string();
                self.decref(r);
                return Ok(s);
            }
        }
        if self.repr_stack.contains(&obj) {
            return Ok(match self.kind(obj) {
                Kind::List(_) => "[...]".into(),
                Kind::Dict(_) => "{...}".into(),
                Kind::Tuple(_) => "(...)".into(),
                _ => format!("{}(...)", self.type_name(obj)),
            });
        }
        self.enter_recursion(" while getting the repr of an object")?;
        self.repr_stack.push(obj);
        let r = self.repr_container(obj, class);
        self.repr_stack.pop();
        self.leave_recursion();
        r
    }

    /// Reprs that never run Python code.
    fn repr_scalar(&self, obj: ObjRef, class: ObjRef) -> Option<String> {
        let builtin = self.type_obj(class).builtin;
        Some(match self.kind(obj) {
            Kind::None => "None".into(),
            Kind::NotImplemented => "NotImplemented".into(),
            Kind::Ellipsis => "Ellipsis".into(),
            Kind::Bool(b) => if *b { "True" } else { "False" }.into(),
            Kind::Int(i) if builtin => i.to_string(),
            Kind::BigInt(b) if builtin => b.to_string(),
            Kind::Float(f) if builtin => float_repr(*f),
            Kind::Complex(c) if builtin => complex_repr(c.0, c.1),
            Kind::Str(s) if builtin => str_repr(&s.s),
            Kind::Bytes(b) if builtin => bytes_repr(&b.data),
            Kind::ByteArray(b) if builtin => format!("bytearray({})", bytes_repr(b)),
            Kind::Range(r) if builtin => {
                if r.step == 1 {
                    format!("range({}, {})", r.start, r.stop)
                } else {
                    format!("range({}, {}, {})", r.start, r.stop, r.step)
                }
            }
            Kind::Function(f) => format!(
                "<function {} at {:#x}>",
                self.str_of(f.qualname),
                address_of(obj)
            ),
            Kind::Native(n) => {
                if n.receiver.is_null() || matches!(self.kind(n.receiver), Kind::Module(_)) {
                    format!("<built-in function {}>", n.name)
                } else if n.kind == NativeKind::Method && n.receiver.is_null() {
                    format!(
                        "<method '{}' of '{}' objects>",
                        n.name,
                        self.type_obj(n.owner).name
                    )
                } else {
                    format!(
                        "<built-in method {} of {} object at {:#x}>",
                        n.name,
                        self.type_name(n.receiver),
                        address_of(n.receiver)
                    )
                }
            }
            Kind::Type(t) => {
                if t.module == "builtins" {
                    format!("<class '{}'>", t.qualname)
                } else {
                    format!("<class '{}.{}'>", t.module, t.qualname)
                }
            }
            Kind::Module(m) => match &m.file {
                Some(f) => format!("<module '{}' from '{}'>", m.name, f),
                None => format!("<module '{}' (built-in)>", m.name),
            },
            Kind::Generator(g) => {
                let what = match g.kind {
                    GenKind::Generator => "generator",
                    GenKind::Coroutine => "coroutine",
                    GenKind::AsyncGenerator => "async_generator",
                };
                format!(
                    "<{} object {} at {:#x}>",
                    what,
                    self.str_of(g.qualname),
                    address_of(obj)
                )
            }
            Kind::Code(c) => pyscope_compiler::dis::code_repr(&c.code),
            Kind::Cell(c) => {
                if c.is_null() {
                    format!("<cell at {:#x}: empty>", address_of(obj))
                } else {
                    format!(
                        "<cell at {:#x}: {} object at {:#x}>",
                        address_of(obj),
                        self.type_name(*c),
                        address_of(*c)
                    )
                }
            }
            Kind::Iter(_)
            | Kind::Property(_)
            | Kind::ClassMethod(_)
            | Kind::StaticMethod(_)
            | Kind::Super(_) => self.default_repr(obj),
            _ => return None,
        })
    }

    fn repr_list(&mut self, items: &[ObjRef]) -> PyResult<String> {
        let items = items.to_vec();
        for &i in &items {
            self.incref(i);
        }
        let mut parts = Vec::with_capacity(items.len());
        let mut err = None;
        for &i in &items {
            match self.repr_string(i) {
                Ok(s) => parts.push(s),
                Err(e) => {
                    err = Some(e);
                    break;
                }
            }
        }
        self.decref_all(&items);
        match err {
            Some(e) => Err(e),
            None => Ok(parts.join(", ")),
        }
    }

    fn repr_container(&mut self, obj: ObjRef, class: ObjRef) -> PyResult<String> {
        let type_name = self.type_obj(class).name.clone();
        let builtin = self.type_obj(class).builtin;
        match self.kind(obj) {
            Kind::List(l) => {
                let items = l.items.clone();
                let inner = self.repr_list(&items)?;
                Ok(format!("[{inner}]"))
            }
            Kind::Tuple(t) => {
                let items = t.to_vec();
                let inner = self.repr_list(&items)?;
                Ok(if items.len() == 1 {
                    format!("({inner},)")
                } else {
                    format!("({inner})")
                })
            }
            Kind::Dict(_) => {
                let items = self.dict_items(obj);
                let mut parts = Vec::with_capacity(items.len());
                for (k, v) in items {
                    self.incref(k);
                    self.incref(v);
                    let ks = self.repr_string(k);
                    let vs = ks.and_then(|ks| self.repr_string(v).map(|vs| format!("{ks}: {vs}")));
                    self.decref(k);
                    self.decref(v);
                    parts.push(vs?);
                }
                Ok(format!("{{{}}}", parts.join(", ")))
            }
            Kind::Set(s) => {
                let keys: Vec<ObjRef> = s.keys().collect();
                let frozen = self.is_subtype(class, self.t.frozenset);
                if keys.is_empty() {
                    return Ok(format!("{type_name}()"));
                }
                let inner = self.repr_list(&keys)?;
                Ok(if frozen || !builtin {
                    format!("{type_name}({{{inner}}})")
                } else {
                    format!("{{{inner}}}")
                })
            }
            Kind::Slice(s) => {
                let parts = s.to_vec();
                let inner = self.repr_list(&parts)?;
                Ok(format!("slice({inner})"))
            }
            Kind::BoundMethod(f, s) => {
                let (f, s) = (*f, *s);
                let qual = match self.kind(f) {
                    Kind::Function(func) => self.str_of(func.qualname).to_string(),
                    _ => self.repr_string(f)?,
                };
                let recv = self.repr_string(s)?;
                Ok(format!("<bound method {qual} of {recv}>"))
            }
            Kind::Exception(e) => {
                let args = self.tuple_items(e.args).to_vec();
                let inner = self.repr_list(&args)?;
                Ok(format!("{type_name}({inner})"))
            }
            Kind::DictView(d, k) => {
                let (d, k) = (*d, *k);
                let items: Vec<ObjRef> = match k {
                    DictViewKind::Keys => self.dict_items(d).iter().map(|e| e.0).collect(),
                    DictViewKind::Values => self.dict_items(d).iter().map(|e| e.1).collect(),
                    DictViewKind::Items => {
                        let pairs = self.dict_items(d);
                        let mut out = Vec::new();
                        for (a, b) in pairs {
                            out.push(format!(
                                "({}, {})",
                                self.repr_string(a)?,
                                self.repr_string(b)?
                            ));
                        }
                        return Ok(format!("dict_items([{}])", out.join(", ")));
                    }
                };
                let inner = self.repr_list(&items)?;
                let name = if k == DictViewKind::Keys {
                    "dict_keys"
                } else {
                    "dict_values"
                };
                Ok(format!("{name}([{inner}])"))
            }
            Kind::Int(_)
            | Kind::BigInt(_)
            | Kind::Float(_)
            | Kind::Str(_)
            | Kind::Complex(_)
            | Kind::Bytes(_) => {
                // A subclass of a built-in scalar without its own __repr__.
                let base = self.builtin_base_repr(obj);
                Ok(base)
            }
            Kind::Extra(_) => self.extra_repr(obj),
            _ => Ok(self.default_repr(obj)),
        }
    }

    /// The repr of a built-in scalar's value, ignoring the subclass.
    fn builtin_base_repr(&self, obj: ObjRef) -> String {
        match self.kind(obj) {
            Kind::Int(i) => i.to_string(),
            Kind::BigInt(b) => b.to_string(),
            Kind::Float(f) => float_repr(*f),
            Kind::Str(s) => str_repr(&s.s),
            Kind::Complex(c) => complex_repr(c.0, c.1),
            Kind::Bytes(b) => bytes_repr(&b.data),
            _ => self.default_repr(obj),
        }
    }
}

/// Escapes non-ASCII characters of an already-built repr (for `ascii()`).
fn str_ascii_escape(s: &str) -> String {
    if s.is_ascii() {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            pyscope_compiler::pyrepr::push_escape(&mut out, c);
        }
    }
    out
}
