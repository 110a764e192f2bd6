//! Methods of `object` and `type`: construction, the default comparison, hashing, repr and
//! attribute protocols every class inherits.

use super::{C, M, S};
use crate::object::*;
use crate::vm::Vm;

pub(super) fn install(vm: &mut Vm) {
    let object = vm.t.object;
    vm.register(
        object,
        &[
            ("__new__", object_new, S),
            ("__init__", object_init, M),
            ("__repr__", object_repr, M),
            ("__str__", object_str, M),
            ("__eq__", object_eq, M),
            ("__ne__", object_ne, M),
            ("__lt__", not_implemented, M),
            ("__le__", not_implemented, M),
            ("__gt__", not_implemented, M),
            ("__ge__", not_implemented, M),
            ("__hash__", object_hash, M),
            ("__getattribute__", object_getattribute, M),
            ("__setattr__", object_setattr, M),
            ("__delattr__", object_delattr, M),
            ("__format__", object_format, M),
            ("__init_subclass__", object_init_subclass, C),
            ("__subclasshook__", not_implemented_cls, C),
            ("__dir__", object_dir, M),
            ("__sizeof__", object_sizeof, M),
            ("__reduce_ex__", object_reduce_ex, M),
        ],
    );
    let type_ = vm.t.type_;
    vm.register(
        type_,
        &[
            ("__new__", type_new, S),
            ("__init__", type_init, M),
            ("__call__", type_call_method, M),
            ("__repr__", object_repr, M),
            ("mro", type_mro, M),
            ("__subclasses__", type_subclasses, M),
            ("__instancecheck__", type_instancecheck, M),
            ("__subclasscheck__", type_subclasscheck, M),
            ("__prepare__", type_prepare, C),
        ],
    );
}

fn object_new(vm: &mut Vm, a: &Args) -> PyResult {
    let Some(&cls) = a.args.first() else {
        return Err(vm.type_error("object.__new__(): not enough arguments"));
    };
    if !vm.is_type(cls) {
        return Err(vm.type_error(format!(
            "object.__new__(X): X is not a type object ({})",
            vm.type_name(cls)
        )));
    }
    if a.args.len() > 1 {
        let init = vm.type_lookup(cls, vm.n.init);
        let init_is_object =
            init.is_none_or(|i| matches!(vm.kind(i), Kind::Native(n) if n.owner == vm.t.object));
        if init_is_object {
            return Err(vm.type_error(format!("{}() takes no arguments", vm.type_obj(cls).name)));
        }
    }
    vm.instantiate(cls)
}

impl Vm {
    /// A new, uninitialised instance of `cls` with the payload its layout needs.
    pub fn instantiate(&mut self, cls: ObjRef) -> PyResult {
        let layout = self.type_obj(cls).layout;
        let obj = match layout {
            Layout::Object | Layout::Other => return self.new_instance(cls),
            Layout::Exception => {
                let e = self.make_exc(cls, &[]);
                return Ok(e);
            }
            Layout::List => self.alloc(
                cls,
                Kind::List(Box::new(ListObj {
                    items: Vec::new(),
                    allocated: 0,
                })),
            ),
            Layout::Dict => self.alloc(cls, Kind::Dict(Box::new(crate::dict::DictObj::new()))),
            Layout::Set | Layout::FrozenSet => {
                self.alloc(cls, Kind::Set(Box::new(crate::set::SetObj::new())))
            }
            Layout::Int => self.alloc(cls, Kind::Int(0)),
            Layout::Float => self.alloc(cls, Kind::Float(0.0)),
            Layout::Str => self.alloc(cls, Kind::Str(Box::new(StrObj::new("")))),
            Layout::Tuple => self.alloc(cls, Kind::Tuple(Box::new([]))),
            _ => return self.new_instance(cls),
        };
        if self.type_obj(cls).has_dict && self.heap.get(obj).dict.is_null() {
            let d = self.new_dict();
            self.heap.get_mut(obj).dict = d;
        }
        Ok(obj)
    }
}

fn object_init(vm: &mut Vm, a: &Args) -> PyResult {
    if a.args.len() > 1 || !a.kwnames.is_empty() {
        let obj = a.args[0];
        let cls = vm.class_of(obj);
        let init_overridden = vm
            .type_lookup(cls, vm.n.init)
            .is_some_and(|i| !matches!(vm.kind(i), Kind::Native(n) if n.owner == vm.t.object));
        let new_overridden = vm
            .type_lookup(cls, vm.n.new)
            .is_some_and(|n| !is_object_new(vm, n));
        if init_overridden {
            return Err(vm.type_error(
                "object.__init__() takes exactly one argument (the instance to initialize)",
            ));
        }
        if !new_overridden {
            return Err(vm.type_error(format!("{}() takes no arguments", vm.type_obj(cls).name)));
        }
    }
    Ok(vm.none())
}

fn is_object_new(vm: &Vm, f: ObjRef) -> bool {
    match vm.kind(f) {
        Kind::Native(n) => n.name == "__new__" && n.owner == vm.t.object,
        Kind::StaticMethod(inner) => is_object_new(vm, *inner),
        _ => false,
    }
}

fn object_repr(vm: &mut Vm, a: &Args) -> PyResult {
    let s = vm.repr_string_builtin(a.args[0]);
    Ok(vm.new_string(s))
}

impl Vm {
    /// The built-in repr of an object, ignoring any `__repr__` of its class.
    pub fn repr_string_builtin(&mut self, obj: ObjRef) -> String {
        match self.kind(obj) {
            Kind::Type(_) | Kind::Function(_) | Kind::Module(_) | Kind::Native(_) => self
                .repr_string(obj)
                .unwrap_or_else(|_| self.default_repr(obj)),
            _ => self.default_repr(obj),
        }
    }
}

fn object_str(vm: &mut Vm, a: &Args) -> PyResult {
    vm.repr(a.args[0])
}

fn object_eq(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_method_args("__eq__", a, 1, 1)?;
    if a.args[0] == a.args[1] {
        return Ok(vm.bool_obj(true));
    }
    Ok(vm.not_implemented())
}

fn object_ne(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_method_args("__ne__", a, 1, 1)?;
    let (x, y) = (a.args[0], a.args[1]);
    let class = vm.class_of(x);
    let Some(eq) = vm.type_lookup(class, vm.n.eq) else {
        return Ok(vm.not_implemented());
    };
    let r = vm.call_dunder(eq, x, &[y])?;
    if r == vm.not_implemented {
        return Ok(r);
    }
    let t = vm.truthy(r);
    vm.decref(r);
    Ok(vm.bool_obj(!t?))
}

fn not_implemented(vm: &mut Vm, _a: &Args) -> PyResult {
    Ok(vm.not_implemented())
}

fn not_implemented_cls(vm: &mut Vm, _a: &Args) -> PyResult {
    Ok(vm.not_implemented())
}

fn object_hash(vm: &mut Vm, a: &Args) -> PyResult {
    let h = crate::hash::hash_pointer(crate::heap::address_of(a.args[0]));
    Ok(vm.new_int(h))
}

fn object_getattribute(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_method_args("__getattribute__", a, 1, 1)?;
    let (obj, name) = (a.args[0], a.args[1]);
    if !vm.is_str(name) {
        return Err(vm.type_error(format!(
            "attribute name must be string, not '{}'",
            vm.type_name(name)
        )));
    }
    vm.generic_getattr(obj, name)
}

fn object_setattr(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_method_args("__setattr__", a, 2, 2)?;
    vm.generic_setattr(a.args[0], a.args[1], a.args[2])?;
    Ok(vm.none())
}

fn object_delattr(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_method_args("__delattr__", a, 1, 1)?;
    let (obj, name) = (a.args[0], a.args[1]);
    let d = vm.heap.get(obj).dict;
    if !d.is_null() {
        if let Some(v) = vm.dict_pop(d, name)? {
            vm.decref(v);
            return Ok(vm.none());
        }
    }
    if let Some(i) = vm.slot_index(vm.class_of(obj), name) {
        if let Kind::Instance(slots) = &mut vm.heap.get_mut(obj).kind {
            let old = std::mem::replace(&mut slots[i], ObjRef::NULL);
            if !old.is_null() {
                vm.decref(old);
                return Ok(vm.none());
            }
        }
    }
    Err(vm.no_attribute(obj, name))
}

fn object_format(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_method_args("__format__", a, 1, 1)?;
    let spec = vm.str_of(a.args[1]).to_string();
    let s = vm.format_builtin(a.args[0], &spec)?;
    Ok(vm.new_string(s))
}

fn object_init_subclass(vm: &mut Vm, a: &Args) -> PyResult {
    if !a.kwnames.is_empty() {
        let cls = a.args[0];
        return Err(vm.type_error(format!(
            "{}.__init_subclass__() takes no keyword arguments",
            vm.type_obj(cls).name
        )));
    }
    Ok(vm.none())
}

fn object_dir(vm: &mut Vm, a: &Args) -> PyResult {
    let f = vm.builtin_named_global("dir")?;
    let r = vm.call(f, &[a.args[0]], &[]);
    vm.decref(f);
    r
}

fn object_sizeof(vm: &mut Vm, a: &Args) -> PyResult {
    let n = vm.sizeof(a.args[0]);
    let gc = match vm.kind(a.args[0]) {
        Kind::Tuple(_)
        | Kind::List(_)
        | Kind::Dict(_)
        | Kind::Set(_)
        | Kind::Instance(_)
        | Kind::Function(_)
        | Kind::Slice(_) => 16,
        _ => 0,
    };
    Ok(vm.new_int((n - gc) as i64))
}

fn object_reduce_ex(vm: &mut Vm, a: &Args) -> PyResult {
    let obj = a.args[0];
    let cls = vm.class_of(obj);
    vm.incref(cls);
    let args = vm.share(vm.empty_tuple);
    let d = vm.heap.get(obj).dict;
    let state = if d.is_null() { vm.none() } else { vm.share(d) };
    Ok(vm.new_tuple(vec![cls, args, state]))
}

impl Vm {
    /// A builtin by name from the builtins module (a new reference).
    pub fn builtin_named_global(&mut self, name: &str) -> PyResult {
        match self.dict_get_by_name(self.builtins_dict, name) {
            Some(v) => Ok(self.share(v)),
            None => Err(self.new_exc(self.e.name_error, &format!("name '{name}' is not defined"))),
        }
    }
}

fn type_new(vm: &mut Vm, a: &Args) -> PyResult {
    let pos = a.positional();
    if pos.len() == 2 {
        let c = vm.class_of(pos[1]);
        return Ok(vm.share(c));
    }
    if pos.len() != 4 {
        return Err(vm.type_error("type() takes 1 or 3 arguments"));
    }
    let (meta, name, bases, ns) = (pos[0], pos[1], pos[2], pos[3]);
    let kwargs: Vec<(ObjRef, ObjRef)> = a.keywords().collect();
    vm.create_class(meta, name, bases, ns, &kwargs)
}

fn type_init(vm: &mut Vm, _a: &Args) -> PyResult {
    Ok(vm.none())
}

fn type_call_method(vm: &mut Vm, a: &Args) -> PyResult {
    let cls = a.args[0];
    let rest = Args {
        args: a.args[1..].to_vec(),
        kwnames: a.kwnames.clone(),
    };
    let kwnames = rest.kwnames.clone();
    vm.type_call(cls, &rest.args, &kwnames)
}

fn type_mro(vm: &mut Vm, a: &Args) -> PyResult {
    let mro = vm.type_obj(a.args[0]).mro.clone();
    let items = vm.share_all(mro);
    Ok(vm.new_list(items))
}

fn type_subclasses(vm: &mut Vm, a: &Args) -> PyResult {
    let cls = a.args[0];
    let mut out = Vec::new();
    for i in 1..vm.heap.capacity() as u32 {
        let r = ObjRef(i);
        if vm.heap.is_live(r) && vm.is_type(r) && vm.type_obj(r).bases.contains(&cls) {
            out.push(vm.share(r));
        }
    }
    Ok(vm.new_list(out))
}

fn type_instancecheck(vm: &mut Vm, a: &Args) -> PyResult {
    let r = vm.isinstance_of(a.args[1], a.args[0]);
    Ok(vm.bool_obj(r))
}

fn type_subclasscheck(vm: &mut Vm, a: &Args) -> PyResult {
    let r = vm.is_type(a.args[1]) && vm.is_subtype(a.args[1], a.args[0]);
    Ok(vm.bool_obj(r))
}

fn type_prepare(vm: &mut Vm, _a: &Args) -> PyResult {
    Ok(vm.new_dict())
}
