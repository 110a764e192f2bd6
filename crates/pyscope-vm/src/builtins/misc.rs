//! The remaining built-in types: functions and methods, `property`, `classmethod`,
//! `staticmethod`, `super`, generators and coroutines, the iterator types, exceptions,
//! `slice`, and the singletons' types.

use super::{M, S};
use crate::interp::GenStep;
use crate::object::*;
use crate::vm::Vm;

pub(super) fn install(vm: &mut Vm) {
    let t = vm.t.clone();
    vm.register(
        t.function,
        &[("__get__", function_get, M), ("__call__", call_self, M)],
    );
    vm.register(
        t.method,
        &[
            ("__call__", call_self, M),
            ("__eq__", method_eq, M),
            ("__hash__", method_hash, M),
        ],
    );
    vm.register(t.builtin_function, &[("__call__", call_self, M)]);
    vm.register(
        t.property,
        &[
            ("__new__", property_new, S),
            ("__init__", property_init, M),
            ("getter", property_getter, M),
            ("setter", property_setter, M),
            ("deleter", property_deleter, M),
            ("__get__", property_get, M),
            ("__set__", property_set, M),
            ("__delete__", property_delete, M),
        ],
    );
    vm.register(
        t.classmethod,
        &[("__new__", classmethod_new, S), ("__get__", wrapper_get, M)],
    );
    vm.register(
        t.staticmethod,
        &[
            ("__new__", staticmethod_new, S),
            ("__get__", wrapper_get, M),
            ("__call__", staticmethod_call, M),
        ],
    );
    vm.register(t.super_, &[("__new__", super_new, S)]);
    for g in [t.generator, t.coroutine] {
        vm.register(
            g,
            &[
                ("__iter__", return_self, M),
                ("__next__", gen_next, M),
                ("send", gen_send, M),
                ("throw", gen_throw, M),
                ("close", gen_close, M),
                ("__await__", return_self, M),
            ],
        );
    }
    for it in [
        t.list_iterator,
        t.list_reverseiterator,
        t.tuple_iterator,
        t.str_ascii_iterator,
        t.str_iterator,
        t.bytes_iterator,
        t.range_iterator,
        t.dict_keyiterator,
        t.dict_valueiterator,
        t.dict_itemiterator,
        t.dict_reversekeyiterator,
        t.set_iterator,
        t.reversed,
        t.enumerate,
        t.zip,
        t.map,
        t.filter,
        t.callable_iterator,
        t.seq_iterator,
    ] {
        vm.register(
            it,
            &[
                ("__iter__", return_self, M),
                ("__next__", iter_next, M),
                ("__length_hint__", length_hint, M),
            ],
        );
    }
    let base = vm.e.base_exception;
    vm.register(
        base,
        &[
            ("__new__", exc_new, S),
            ("__init__", exc_init, M),
            ("__str__", exc_str, M),
            ("__repr__", exc_repr, M),
            ("add_note", exc_add_note, M),
            ("with_traceback", return_self, M),
        ],
    );
    vm.register(
        t.slice,
        &[("__new__", slice_new, S), ("indices", slice_indices, M)],
    );
    vm.register(
        t.none_type,
        &[("__bool__", false_method, M), ("__new__", none_new, S)],
    );
}

fn call_self(vm: &mut Vm, a: &Args) -> PyResult {
    let f = a.args[0];
    let rest: Vec<ObjRef> = a.args[1..].to_vec();
    vm.call(f, &rest, &a.kwnames)
}

fn function_get(vm: &mut Vm, a: &Args) -> PyResult {
    let f = a.args[0];
    let obj = a.args.get(1).copied().unwrap_or(vm.none);
    if obj == vm.none {
        return Ok(vm.share(f));
    }
    vm.bind_descriptor(f, obj, vm.class_of(obj))
}

fn method_eq(vm: &mut Vm, a: &Args) -> PyResult {
    let (x, y) = (a.args[0], a.args[1]);
    let r = match (vm.kind(x), vm.kind(y)) {
        (Kind::BoundMethod(f1, s1), Kind::BoundMethod(f2, s2)) => f1 == f2 && s1 == s2,
        _ => return Ok(vm.not_implemented()),
    };
    Ok(vm.bool_obj(r))
}

fn method_hash(vm: &mut Vm, a: &Args) -> PyResult {
    let Kind::BoundMethod(f, s) = vm.kind(a.args[0]) else {
        return Ok(vm.new_int(0));
    };
    let (f, s) = (*f, *s);
    let h = vm.hash(s)? ^ crate::hash::hash_pointer(crate::heap::address_of(f));
    Ok(vm.new_int(h))
}

fn property_new(vm: &mut Vm, a: &Args) -> PyResult {
    let cls = a.args[0];
    let p = PropertyObj {
        fget: ObjRef::NULL,
        fset: ObjRef::NULL,
        fdel: ObjRef::NULL,
        doc: ObjRef::NULL,
    };
    Ok(vm.alloc(cls, Kind::Property(Box::new(p))))
}

fn property_init(vm: &mut Vm, a: &Args) -> PyResult {
    let p = vm.bind_native("property", a, &["self", "fget", "fset", "fdel", "doc"], 1)?;
    let norm = |vm: &Vm, x: ObjRef| {
        if x.is_null() || x == vm.none {
            ObjRef::NULL
        } else {
            x
        }
    };
    let (fget, fset, fdel) = (norm(vm, p[1]), norm(vm, p[2]), norm(vm, p[3]));
    let mut doc = norm(vm, p[4]);
    if doc.is_null() && !fget.is_null() {
        if let Kind::Function(f) = vm.kind(fget) {
            if f.doc != vm.none {
                doc = f.doc;
            }
        }
    }
    for x in [fget, fset, fdel, doc] {
        vm.incref(x);
    }
    let old = match &mut vm.heap.get_mut(p[0]).kind {
        Kind::Property(prop) => std::mem::replace(
            &mut **prop,
            PropertyObj {
                fget,
                fset,
                fdel,
                doc,
            },
        ),
        _ => return Ok(vm.none()),
    };
    vm.decref_all(&[old.fget, old.fset, old.fdel, old.doc]);
    Ok(vm.none())
}

fn property_copy(vm: &mut Vm, a: &Args, which: usize) -> PyResult {
    vm.check_method_args("property", a, 1, 1)?;
    let Kind::Property(p) = vm.kind(a.args[0]) else {
        return Err(vm.type_error("expected a property"));
    };
    let mut parts = [p.fget, p.fset, p.fdel, p.doc];
    parts[which] = a.args[1];
    for x in parts {
        vm.incref(x);
    }
    let class = vm.class_of(a.args[0]);
    let np = PropertyObj {
        fget: parts[0],
        fset: parts[1],
        fdel: parts[2],
        doc: parts[3],
    };
    Ok(vm.alloc(class, Kind::Property(Box::new(np))))
}

fn property_getter(vm: &mut Vm, a: &Args) -> PyResult {
    property_copy(vm, a, 0)
}
fn property_setter(vm: &mut Vm, a: &Args) -> PyResult {
    property_copy(vm, a, 1)
}
fn property_deleter(vm: &mut Vm, a: &Args) -> PyResult {
    property_copy(vm, a, 2)
}

fn property_get(vm: &mut Vm, a: &Args) -> PyResult {
    let obj = a.args.get(1).copied().unwrap_or(vm.none);
    if obj == vm.none {
        return Ok(vm.share(a.args[0]));
    }
    vm.bind_descriptor(a.args[0], obj, vm.class_of(obj))
}

fn property_set(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_method_args("__set__", a, 2, 2)?;
    let Kind::Property(p) = vm.kind(a.args[0]) else {
        return Err(vm.type_error("expected a property"));
    };
    let fset = p.fset;
    if fset.is_null() {
        return Err(vm.attribute_error("can't set attribute"));
    }
    let r = vm.call(fset, &[a.args[1], a.args[2]], &[])?;
    vm.decref(r);
    Ok(vm.none())
}

fn property_delete(vm: &mut Vm, a: &Args) -> PyResult {
    let Kind::Property(p) = vm.kind(a.args[0]) else {
        return Err(vm.type_error("expected a property"));
    };
    let fdel = p.fdel;
    if fdel.is_null() {
        return Err(vm.attribute_error("can't delete attribute"));
    }
    let r = vm.call(fdel, &[a.args[1]], &[])?;
    vm.decref(r);
    Ok(vm.none())
}

fn classmethod_new(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_method_args("classmethod", a, 1, 1)?;
    let f = vm.share(a.args[1]);
    Ok(vm.alloc(a.args[0], Kind::ClassMethod(f)))
}

fn staticmethod_new(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_method_args("staticmethod", a, 1, 1)?;
    let f = vm.share(a.args[1]);
    Ok(vm.alloc(a.args[0], Kind::StaticMethod(f)))
}

fn wrapper_get(vm: &mut Vm, a: &Args) -> PyResult {
    let obj = a.args.get(1).copied().unwrap_or(vm.none);
    let class = a.args.get(2).copied().filter(|c| *c != vm.none);
    let (obj, class) = match class {
        Some(c) => (if obj == vm.none { ObjRef::NULL } else { obj }, c),
        None => (obj, vm.class_of(obj)),
    };
    vm.bind_descriptor(a.args[0], obj, class)
}

fn staticmethod_call(vm: &mut Vm, a: &Args) -> PyResult {
    let Kind::StaticMethod(f) = vm.kind(a.args[0]) else {
        return Err(vm.type_error("expected a staticmethod"));
    };
    let f = *f;
    vm.call(f, &a.args[1..], &a.kwnames)
}

fn super_new(vm: &mut Vm, a: &Args) -> PyResult {
    let pos = &a.args[1..];
    let (start, obj) = match pos.len() {
        0 => vm.super_from_frame()?,
        1 => (pos[0], ObjRef::NULL),
        _ => (pos[0], pos[1]),
    };
    if !vm.is_type(start) {
        return Err(vm.type_error(format!(
            "super() argument 1 must be a type, not {}",
            vm.type_name(start)
        )));
    }
    if !obj.is_null() {
        let ok = vm.isinstance_of(obj, start) || (vm.is_type(obj) && vm.is_subtype(obj, start));
        if !ok {
            return Err(
                vm.type_error("super(type, obj): obj must be an instance or subtype of type")
            );
        }
    }
    vm.incref(start);
    vm.incref(obj);
    Ok(vm.alloc(vm.t.super_, Kind::Super(Box::new([start, obj]))))
}

impl Vm {
    /// Zero-argument `super()`: the `__class__` cell and first argument of the caller.
    fn super_from_frame(&mut self) -> PyResult<(ObjRef, ObjRef)> {
        let Some(f) = self.frames.last() else {
            return Err(self.runtime_error("super(): no current frame"));
        };
        let code = &f.code.code;
        if code.argcount == 0 && code.flags & pyscope_compiler::code::flags::VARARGS == 0 {
            return Err(self.runtime_error("super(): no arguments"));
        }
        let first = f.fast[0];
        let first = match self.kind(first) {
            Kind::Cell(c)
                if code.localsplus_kinds[0] & pyscope_compiler::code::slot_kind::CELL != 0 =>
            {
                *c
            }
            _ => first,
        };
        let idx = code
            .localsplus_names
            .iter()
            .position(|n| &**n == "__class__");
        let Some(idx) = idx else {
            return Err(self.runtime_error("super(): __class__ cell not found"));
        };
        let cell = f.fast[idx];
        let cls = match self.kind(cell) {
            Kind::Cell(c) => *c,
            _ => ObjRef::NULL,
        };
        if cls.is_null() {
            return Err(self.runtime_error("super(): empty __class__ cell"));
        }
        if first.is_null() {
            return Err(self.runtime_error("super(): arg[0] deleted"));
        }
        Ok((cls, first))
    }

    /// Attribute lookup on a `super` object: the MRO after the start class.
    pub fn super_getattr(&mut self, sup: ObjRef, name: ObjRef) -> PyResult {
        let Kind::Super(parts) = self.kind(sup) else {
            unreachable!("super_getattr on super")
        };
        let [start, obj] = **parts;
        let n = self.str_of(name).to_string();
        if n == "__class__" {
            return Ok(self.share(self.t.super_));
        }
        if !obj.is_null() {
            let starttype = if self.is_type(obj) && self.is_subtype(obj, start) {
                obj
            } else {
                self.class_of(obj)
            };
            let mro = self.type_obj(starttype).mro.clone();
            if let Some(pos) = mro.iter().position(|c| *c == start) {
                for &c in &mro[pos + 1..] {
                    let ns = self.type_obj(c).dict;
                    if let Some(v) = self.dict_get_str_fast(ns, name) {
                        self.incref(v);
                        let inst = if obj == starttype { ObjRef::NULL } else { obj };
                        let r = self.bind_descriptor(v, inst, starttype);
                        self.decref(v);
                        return r;
                    }
                }
            }
        }
        self.generic_getattr(sup, name)
    }
}

fn return_self(vm: &mut Vm, a: &Args) -> PyResult {
    Ok(vm.share(a.args[0]))
}

fn gen_next(vm: &mut Vm, a: &Args) -> PyResult {
    match vm.next(a.args[0])? {
        Some(v) => Ok(v),
        None => {
            let v = vm.last_stop_value();
            let e = if v == vm.none {
                vm.make_exc(vm.e.stop_iteration, &[])
            } else {
                vm.make_exc(vm.e.stop_iteration, &[v])
            };
            vm.decref(v);
            Err(Flow::Exc(e))
        }
    }
}

fn step_result(vm: &mut Vm, r: GenStep) -> PyResult {
    match r {
        GenStep::Yielded(v) => Ok(v),
        GenStep::Returned(v) => {
            let e = if v == vm.none {
                vm.make_exc(vm.e.stop_iteration, &[])
            } else {
                vm.make_exc(vm.e.stop_iteration, &[v])
            };
            vm.decref(v);
            Err(Flow::Exc(e))
        }
    }
}

fn gen_send(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_method_args("send", a, 1, 1)?;
    let r = vm.gen_resume(a.args[0], a.args[1], None)?;
    step_result(vm, r)
}

fn gen_throw(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_method_args("throw", a, 1, 3)?;
    let typ = a.args[1];
    let e = if vm.is_type(typ) {
        let args: Vec<ObjRef> = a
            .args
            .get(2)
            .filter(|v| **v != vm.none)
            .copied()
            .into_iter()
            .collect();
        let e = vm.call(typ, &args, &[])?;
        if !vm.is_exception(e) {
            vm.decref(e);
            return Err(vm.type_error("exceptions must derive from BaseException"));
        }
        e
    } else if vm.is_exception(typ) {
        vm.share(typ)
    } else {
        return Err(vm.type_error(
            "exceptions must be classes or instances deriving from BaseException, not str",
        ));
    };
    let r = vm.gen_resume(a.args[0], vm.none, Some(e))?;
    step_result(vm, r)
}

fn gen_close(vm: &mut Vm, a: &Args) -> PyResult {
    let g = a.args[0];
    let (started, finished) = match vm.kind(g) {
        Kind::Generator(x) => (x.started, x.finished),
        _ => (false, true),
    };
    if finished {
        return Ok(vm.none());
    }
    if !started {
        let frame = match &mut vm.heap.get_mut(g).kind {
            Kind::Generator(x) => x.frame.take(),
            _ => None,
        };
        if let Some(f) = frame {
            vm.release_frame(*f);
        }
        vm.finish_generator(g);
        return Ok(vm.none());
    }
    let e = vm.make_exc(vm.e.generator_exit, &[]);
    match vm.gen_resume(g, vm.none, Some(e)) {
        Ok(GenStep::Yielded(v)) => {
            vm.decref(v);
            Err(vm.runtime_error("generator ignored GeneratorExit"))
        }
        Ok(GenStep::Returned(v)) => {
            vm.decref(v);
            Ok(vm.none())
        }
        Err(Flow::Exc(x))
            if vm.exc_matches(x, vm.e.generator_exit) || vm.exc_matches(x, vm.e.stop_iteration) =>
        {
            vm.decref(x);
            Ok(vm.none())
        }
        Err(e) => Err(e),
    }
}

fn iter_next(vm: &mut Vm, a: &Args) -> PyResult {
    gen_next(vm, a)
}

fn length_hint(vm: &mut Vm, a: &Args) -> PyResult {
    let n = vm.length_hint(a.args[0], 0)?;
    Ok(vm.new_int(n as i64))
}

fn exc_new(vm: &mut Vm, a: &Args) -> PyResult {
    let cls = a.args[0];
    let args = a.positional()[1..].to_vec();
    let e = vm.make_exc(cls, &args);
    if vm.type_obj(cls).has_dict && vm.heap.get(e).dict.is_null() && !vm.type_obj(cls).builtin {
        let d = vm.new_dict();
        vm.heap.get_mut(e).dict = d;
    }
    Ok(e)
}

fn exc_init(vm: &mut Vm, a: &Args) -> PyResult {
    let e = a.args[0];
    if !vm.is_exception(e) {
        return Ok(vm.none());
    }
    let args: Vec<ObjRef> = a.positional()[1..]
        .iter()
        .map(|x| vm.share(*x))
        .collect::<Vec<_>>();
    let t = vm.new_tuple(args);
    let old = std::mem::replace(&mut vm.exc_mut(e).args, t);
    vm.decref(old);
    for (k, v) in a.keywords() {
        if vm.isinstance_of(e, vm.e.import_error) {
            let name = vm.str_of(k).to_string();
            vm.set_exc_attr(e, &name, v);
        } else {
            let n = vm.type_name(e);
            return Err(vm.type_error(format!("{n}() takes no keyword arguments")));
        }
    }
    Ok(vm.none())
}

fn exc_str(vm: &mut Vm, a: &Args) -> PyResult {
    let s = vm.exception_str(a.args[0])?;
    Ok(vm.new_string(s))
}

fn exc_repr(vm: &mut Vm, a: &Args) -> PyResult {
    let e = a.args[0];
    let args = vm.exc_obj(e).args;
    let items = vm.tuple_items(args).to_vec();
    let mut parts = Vec::new();
    for i in items {
        parts.push(vm.repr_string(i)?);
    }
    let name = vm.type_obj(vm.class_of(e)).name.clone();
    Ok(vm.new_string(format!("{name}({})", parts.join(", "))))
}

fn exc_add_note(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_method_args("add_note", a, 1, 1)?;
    let note = a.args[1];
    if !vm.is_str(note) {
        return Err(vm.type_error(format!("note must be a str, not '{}'", vm.type_name(note))));
    }
    let s = vm.str_of(note).to_string();
    vm.exc_mut(a.args[0]).notes.push(s);
    Ok(vm.none())
}

fn slice_new(vm: &mut Vm, a: &Args) -> PyResult {
    let pos = &a.args[1..];
    let (start, stop, step) = match pos {
        [stop] => (vm.none, *stop, vm.none),
        [start, stop] => (*start, *stop, vm.none),
        [start, stop, step] => (*start, *stop, *step),
        _ => {
            return Err(vm.type_error(format!(
                "slice expected at least 1 argument, got {}",
                pos.len()
            )));
        }
    };
    for x in [start, stop, step] {
        vm.incref(x);
    }
    Ok(vm.alloc(vm.t.slice, Kind::Slice(Box::new([start, stop, step]))))
}

fn slice_indices(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_method_args("indices", a, 1, 1)?;
    let n = vm.index_value(a.args[1])?;
    let s = vm.slice_indices(a.args[0], n.max(0) as usize)?;
    let (x, y, z) = (vm.new_int(s.start), vm.new_int(s.stop), vm.new_int(s.step));
    Ok(vm.new_tuple(vec![x, y, z]))
}

fn false_method(vm: &mut Vm, _a: &Args) -> PyResult {
    Ok(vm.bool_obj(false))
}

fn none_new(vm: &mut Vm, _a: &Args) -> PyResult {
    Ok(vm.none())
}
