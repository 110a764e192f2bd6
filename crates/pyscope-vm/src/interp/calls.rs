//! Calls: the `CALL` family of instructions, binding arguments to parameters with CPython's
//! error messages, making function objects, and calling any object from native code.

use std::rc::Rc;

use super::Ctl;
use crate::frame::Frame;
use crate::object::*;
use crate::vm::Vm;

impl Vm {
    /// `CALL argc`: plain calls (`NULL, f, args`) and method calls (`method, self, args`).
    pub(super) fn op_call(&mut self, argc: u32) -> PyResult<Ctl> {
        let kwnames_tuple = std::mem::replace(&mut self.frame().kw_names, ObjRef::NULL);
        let kwnames: Vec<ObjRef> = self.tuple_items(kwnames_tuple).to_vec();
        let n = argc as usize;
        let len = self.frame_ref().stack.len();
        let is_method = !self.frame_ref().stack[len - n - 2].is_null();
        let args = self.pop_n(if is_method { n + 1 } else { n });
        let callable = self.pop();
        if !is_method {
            let null = self.pop();
            debug_assert!(null.is_null());
        }
        self.call_from_bytecode(callable, args, &kwnames)
    }

    /// Calls `callable` with owned `args`; Python functions continue in this loop.
    pub(super) fn call_from_bytecode(
        &mut self,
        callable: ObjRef,
        args: Vec<ObjRef>,
        kwnames: &[ObjRef],
    ) -> PyResult<Ctl> {
        match self.kind(callable) {
            Kind::Function(_) => {
                let frame = self.frame_for_call(callable, args, kwnames);
                self.decref(callable);
                self.push_frame(frame?)?;
                Ok(Ctl::Continue)
            }
            Kind::BoundMethod(f, s) if matches!(self.kind(*f), Kind::Function(_)) => {
                let (f, s) = (*f, *s);
                let mut full = Vec::with_capacity(args.len() + 1);
                full.push(self.share(s));
                full.extend(args);
                self.incref(f);
                self.decref(callable);
                self.call_from_bytecode(f, full, kwnames)
            }
            Kind::Type(_) if self.can_construct_in_loop(callable) => {
                self.construct_in_loop(callable, args, kwnames)
            }
            _ => {
                let r = self.call(callable, &args, kwnames);
                self.decref_all(&args);
                self.decref(callable);
                let v = r?;
                self.push(v);
                Ok(Ctl::Continue)
            }
        }
    }

    /// Whether calling this class can run `__init__` as an ordinary frame of the loop: a
    /// plain metaclass, `object.__new__`, and a Python `__init__`.
    fn can_construct_in_loop(&self, class: ObjRef) -> bool {
        if self.class_of(class) != self.t.type_ {
            return false;
        }
        let t = self.type_obj(class);
        if t.builtin || t.layout != Layout::Object {
            return false;
        }
        let new_ok = self
            .type_lookup(class, self.n.new)
            .is_none_or(|n| self.is_object_new(n));
        let init = self.type_lookup(class, self.n.init);
        new_ok && init.is_some_and(|i| matches!(self.kind(i), Kind::Function(_)))
    }

    fn is_object_new(&self, f: ObjRef) -> bool {
        matches!(self.kind(f), Kind::StaticMethod(inner) if matches!(self.kind(*inner), Kind::Native(n) if n.name == "__new__" && n.owner == self.t.object))
            || matches!(self.kind(f), Kind::Native(n) if n.name == "__new__" && n.owner == self.t.object)
    }

    /// Creates the instance and pushes a frame for `__init__` that returns the instance.
    fn construct_in_loop(
        &mut self,
        class: ObjRef,
        args: Vec<ObjRef>,
        kwnames: &[ObjRef],
    ) -> PyResult<Ctl> {
        let init = self
            .type_lookup(class, self.n.init)
            .expect("checked by can_construct_in_loop");
        let inst = match self.new_instance(class) {
            Ok(i) => i,
            Err(e) => {
                self.decref_all(&args);
                self.decref(class);
                return Err(e);
            }
        };
        self.decref(class);
        let mut full = Vec::with_capacity(args.len() + 1);
        full.push(self.share(inst));
        full.extend(args);
        self.incref(init);
        let frame = self.frame_for_call(init, full, kwnames);
        self.decref(init);
        let mut frame = match frame {
            Ok(f) => f,
            Err(e) => {
                self.decref(inst);
                return Err(e);
            }
        };
        frame.init_instance = inst;
        self.push_frame(frame)?;
        Ok(Ctl::Continue)
    }

    /// `CALL_FUNCTION_EX`: `f(*args, **kwargs)`.
    pub(super) fn op_call_function_ex(&mut self, flags: u32) -> PyResult<Ctl> {
        let kwargs = if flags & 1 != 0 {
            self.pop()
        } else {
            ObjRef::NULL
        };
        let callargs = self.pop();
        let func = self.pop();
        let null = self.pop();
        debug_assert!(null.is_null());
        let positional = if matches!(self.kind(callargs), Kind::Tuple(_)) {
            Ok(self.tuple_items(callargs).to_vec())
        } else if self.is_iterable(callargs) {
            self.collect_iter(callargs).map(|v| {
                let out = v.clone();
                self.decref_all(&v);
                out
            })
        } else {
            let fname = self.callable_name(func);
            let msg = format!(
                "{fname} argument after * must be an iterable, not {}",
                self.type_name(callargs)
            );
            Err(self.type_error(msg))
        };
        let positional = match positional {
            Ok(p) => p,
            Err(e) => {
                self.decref_all(&[kwargs, callargs, func]);
                return Err(e);
            }
        };
        let mut args: Vec<ObjRef> = positional.iter().map(|a| self.share(*a)).collect();
        let mut kwnames = Vec::new();
        if !kwargs.is_null() {
            for (k, v) in self.dict_items(kwargs) {
                kwnames.push(k);
                args.push(self.share(v));
            }
        }
        let kwnames_owned: Vec<ObjRef> = kwnames.iter().map(|k| self.share(*k)).collect();
        self.decref(callargs);
        self.decref(kwargs);
        let r = self.call_from_bytecode(func, args, &kwnames_owned);
        self.decref_all(&kwnames_owned);
        r
    }

    /// Calls any callable from native code with borrowed arguments; returns a new reference.
    pub fn call(&mut self, callable: ObjRef, args: &[ObjRef], kwnames: &[ObjRef]) -> PyResult {
        match self.kind(callable) {
            Kind::Function(_) => {
                let owned: Vec<ObjRef> = args.iter().map(|a| self.share(*a)).collect();
                self.incref(callable);
                let frame = self.frame_for_call(callable, owned, kwnames);
                self.decref(callable);
                self.run_nested(frame?)
            }
            Kind::Native(n) => {
                let (func, receiver) = (n.func, n.receiver);
                let mut full = Vec::with_capacity(args.len() + 1);
                if !receiver.is_null() {
                    full.push(receiver);
                }
                full.extend_from_slice(args);
                let a = Args {
                    args: full,
                    kwnames: kwnames.to_vec(),
                };
                func(self, &a)
            }
            Kind::BoundMethod(f, s) => {
                let (f, s) = (*f, *s);
                let mut full = Vec::with_capacity(args.len() + 1);
                full.push(s);
                full.extend_from_slice(args);
                self.call(f, &full, kwnames)
            }
            Kind::Type(_) if self.class_of(callable) == self.t.type_ => {
                self.type_call(callable, args, kwnames)
            }
            _ => {
                let class = self.class_of(callable);
                match self.type_lookup(class, self.n.call) {
                    Some(call) => {
                        let mut full = Vec::with_capacity(args.len() + 1);
                        full.push(callable);
                        full.extend_from_slice(args);
                        self.incref(call);
                        let r = self.call(call, &full, kwnames);
                        self.decref(call);
                        r
                    }
                    None => {
                        let msg = format!("'{}' object is not callable", self.type_name(callable));
                        Err(self.type_error(msg))
                    }
                }
            }
        }
    }

    /// Calls with positional arguments only.
    pub fn call0(&mut self, callable: ObjRef, args: &[ObjRef]) -> PyResult {
        self.call(callable, args, &[])
    }

    /// Looks a method up on the object's type and calls it (`obj.name(*args)`).
    pub fn call_method_by_name(&mut self, obj: ObjRef, name: &str, args: &[ObjRef]) -> PyResult {
        let key = self.intern(name);
        let f = self.getattr(obj, key);
        self.decref(key);
        let f = f?;
        let r = self.call(f, args, &[]);
        self.decref(f);
        r
    }

    /// The name a callable is shown by in error messages (`f()`, `Point.move()`).
    pub fn callable_name(&self, f: ObjRef) -> String {
        match self.kind(f) {
            Kind::Function(func) => format!("{}()", self.str_of(func.qualname)),
            Kind::Native(n) => {
                if n.owner.is_null() {
                    format!("{}()", n.name)
                } else {
                    format!("{}.{}()", self.type_obj(n.owner).name, n.name)
                }
            }
            Kind::BoundMethod(func, _) => self.callable_name(*func),
            Kind::Type(t) => format!("{}()", t.name),
            _ => format!("{} object", self.type_name(f)),
        }
    }

    /// Builds the frame for calling a Python function, binding `args` (owned) to its
    /// parameters. `func` is borrowed; the frame takes its own reference.
    pub(crate) fn frame_for_call(
        &mut self,
        func: ObjRef,
        args: Vec<ObjRef>,
        kwnames: &[ObjRef],
    ) -> PyResult<Frame> {
        let (code, globals, defaults, kwdefaults) = match self.kind(func) {
            Kind::Function(f) => (f.code.clone(), f.globals, f.defaults, f.kwdefaults),
            _ => unreachable!("frame_for_call on a function"),
        };
        let id = self.new_frame_id();
        self.incref(globals);
        let builtins = self.share(self.builtins_dict);
        let mut frame = Frame::new(code.clone(), globals, builtins, ObjRef::NULL, id);
        self.incref(func);
        frame.func = func;
        match self.bind_args(&mut frame, func, &code, args, kwnames, defaults, kwdefaults) {
            Ok(()) => Ok(frame),
            Err(e) => {
                self.release_frame(frame);
                Err(e)
            }
        }
    }

    #[allow(clippy::too_many_lines)]
    fn bind_args(
        &mut self,
        frame: &mut Frame,
        func: ObjRef,
        code: &Rc<LoadedCode>,
        mut args: Vec<ObjRef>,
        kwnames: &[ObjRef],
        defaults: ObjRef,
        kwdefaults: ObjRef,
    ) -> PyResult<()> {
        use pyscope_compiler::code::flags;
        let co = &code.code;
        let argcount = co.argcount as usize;
        let posonly = co.posonlyargcount as usize;
        let kwonly = co.kwonlyargcount as usize;
        let total = argcount + kwonly;
        let has_varargs = co.flags & flags::VARARGS != 0;
        let has_varkw = co.flags & flags::VARKEYWORDS != 0;
        let kwvalues = args.split_off(args.len() - kwnames.len());
        let npos = args.len();
        let fname = self.callable_name(func);

        let kwdict = if has_varkw {
            let d = self.new_dict();
            let slot = total + usize::from(has_varargs);
            frame.fast[slot] = d;
            d
        } else {
            ObjRef::NULL
        };
        let mut extra_pos = Vec::new();
        for (i, a) in args.into_iter().enumerate() {
            if i < argcount {
                frame.fast[i] = a;
            } else {
                extra_pos.push(a);
            }
        }
        if has_varargs {
            let t = self.new_tuple(std::mem::take(&mut extra_pos));
            frame.fast[total] = t;
        }
        let mut posonly_as_kw: Vec<String> = Vec::new();
        let mut error: Option<String> = None;
        for (k, v) in kwnames.iter().zip(kwvalues) {
            let name = self.str_of(*k).to_string();
            let j = co.localsplus_names[posonly..total]
                .iter()
                .position(|n| **n == *name)
                .map(|j| j + posonly);
            match j {
                Some(j) => {
                    if !frame.fast[j].is_null() {
                        error.get_or_insert(format!(
                            "{fname} got multiple values for argument '{name}'"
                        ));
                        self.decref(v);
                    } else {
                        frame.fast[j] = v;
                    }
                }
                None if has_varkw => {
                    let r = self.dict_set(kwdict, *k, v);
                    self.decref(v);
                    r?;
                }
                None => {
                    if co.localsplus_names[..posonly].iter().any(|n| **n == *name) {
                        posonly_as_kw.push(name);
                    } else {
                        error.get_or_insert(format!(
                            "{fname} got an unexpected keyword argument '{name}'"
                        ));
                    }
                    self.decref(v);
                }
            }
        }
        if !posonly_as_kw.is_empty() && error.is_none() {
            error = Some(format!(
                "{fname} got some positional-only arguments passed as keyword arguments: '{}'",
                posonly_as_kw.join(", ")
            ));
        }
        if let Some(msg) = error {
            self.decref_all(&extra_pos);
            return Err(self.type_error(msg));
        }
        if !extra_pos.is_empty() {
            self.decref_all(&extra_pos);
            let msg = too_many_positional(&fname, frame, co, defaults_len(self, defaults), npos);
            return Err(self.type_error(msg));
        }
        // Defaults for missing positional parameters.
        let defs: Vec<ObjRef> = self.tuple_items(defaults).to_vec();
        let first_default = argcount - defs.len().min(argcount);
        let mut missing = Vec::new();
        for i in npos.min(argcount)..argcount {
            if frame.fast[i].is_null() {
                if i >= first_default {
                    frame.fast[i] = self.share(defs[i - first_default]);
                } else {
                    missing.push(co.localsplus_names[i].to_string());
                }
            }
        }
        if !missing.is_empty() {
            return Err(self.type_error(missing_message(&fname, &missing, "positional")));
        }
        let mut missing_kw = Vec::new();
        for i in argcount..total {
            if frame.fast[i].is_null() {
                let name = co.localsplus_names[i].to_string();
                let d = if kwdefaults.is_null() {
                    None
                } else {
                    self.dict_get_by_name(kwdefaults, &name)
                };
                match d {
                    Some(v) => frame.fast[i] = self.share(v),
                    None => missing_kw.push(name),
                }
            }
        }
        if !missing_kw.is_empty() {
            return Err(self.type_error(missing_message(&fname, &missing_kw, "keyword-only")));
        }
        Ok(())
    }

    /// `MAKE_FUNCTION flags`.
    pub(super) fn op_make_function(&mut self, flags: u32) -> PyResult<()> {
        let code_obj = self.pop();
        let closure = if flags & 0x08 != 0 {
            self.pop()
        } else {
            ObjRef::NULL
        };
        let annotations = if flags & 0x04 != 0 {
            self.pop()
        } else {
            ObjRef::NULL
        };
        let kwdefaults = if flags & 0x02 != 0 {
            self.pop()
        } else {
            ObjRef::NULL
        };
        let defaults = if flags & 0x01 != 0 {
            self.pop()
        } else {
            ObjRef::NULL
        };
        let globals = self.frame_ref().globals;
        let f = self.make_function(
            code_obj,
            globals,
            defaults,
            kwdefaults,
            closure,
            annotations,
        )?;
        self.decref(code_obj);
        self.push(f);
        Ok(())
    }

    /// A function object for a code object; takes ownership of the optional parts.
    pub fn make_function(
        &mut self,
        code_obj: ObjRef,
        globals: ObjRef,
        defaults: ObjRef,
        kwdefaults: ObjRef,
        closure: ObjRef,
        annotations_tuple: ObjRef,
    ) -> PyResult {
        let Kind::Code(code) = self.kind(code_obj) else {
            return Err(self.type_error("MAKE_FUNCTION needs a code object"));
        };
        let code = code.clone();
        let name = self.intern(&code.code.name);
        let qualname = self.new_str(&code.code.qualname);
        let doc = match code.consts.first() {
            Some(&c) if self.is_str(c) => self.share(c),
            _ => self.none(),
        };
        let module = match self.dict_get_by_name(globals, "__name__") {
            Some(m) => self.share(m),
            None => self.none(),
        };
        let annotations = if annotations_tuple.is_null() {
            ObjRef::NULL
        } else {
            let items = self.tuple_items(annotations_tuple).to_vec();
            let pairs: Vec<(ObjRef, ObjRef)> = items.chunks(2).map(|c| (c[0], c[1])).collect();
            let d = self.dict_from_pairs(&pairs)?;
            self.decref(annotations_tuple);
            d
        };
        self.incref(globals);
        let f = FunctionObj {
            code,
            globals,
            name,
            qualname,
            defaults,
            kwdefaults,
            closure,
            doc,
            annotations,
            module,
        };
        Ok(self.alloc(self.t.function, Kind::Function(Box::new(f))))
    }
}

fn defaults_len(vm: &Vm, defaults: ObjRef) -> usize {
    vm.tuple_items(defaults).len()
}

/// CPython's "takes N positional arguments but M were given" message.
fn too_many_positional(
    fname: &str,
    frame: &Frame,
    co: &pyscope_compiler::CodeObject,
    ndefaults: usize,
    given: usize,
) -> String {
    let argcount = co.argcount as usize;
    let kwonly_given = (argcount..argcount + co.kwonlyargcount as usize)
        .filter(|i| !frame.fast[*i].is_null())
        .count();
    let takes = if ndefaults > 0 {
        format!(
            "from {} to {} positional arguments",
            argcount - ndefaults.min(argcount),
            argcount
        )
    } else {
        format!(
            "{} positional argument{}",
            argcount,
            if argcount == 1 { "" } else { "s" }
        )
    };
    let was = if given == 1 && kwonly_given == 0 {
        "was"
    } else {
        "were"
    };
    if kwonly_given > 0 {
        let kw = format!(
            "{} keyword-only argument{}",
            kwonly_given,
            if kwonly_given == 1 { "" } else { "s" }
        );
        let pos = format!(
            "{} positional argument{}",
            given,
            if given == 1 { "" } else { "s" }
        );
        return format!("{fname} takes {takes} but {pos} (and {kw}) were given");
    }
    format!("{fname} takes {takes} but {given} {was} given")
}

/// CPython's "missing N required positional arguments: 'a', 'b', and 'c'" message.
fn missing_message(fname: &str, names: &[String], kind: &str) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("'{n}'")).collect();
    let list = match quoted.len() {
        1 => quoted[0].clone(),
        2 => format!("{} and {}", quoted[0], quoted[1]),
        n => format!("{}, and {}", quoted[..n - 1].join(", "), quoted[n - 1]),
    };
    let s = if names.len() == 1 { "" } else { "s" };
    format!(
        "{fname} missing {} required {kind} argument{s}: {list}",
        names.len()
    )
}
