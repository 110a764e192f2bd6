//! Attribute access: CPython's generic `__getattribute__` (data descriptors, instance dict,
//! non-data descriptors, `__getattr__`), `type.__getattribute__` for classes, `setattr` and
//! `delattr`, method loading for calls, and descriptor binding.

use crate::object::*;
use crate::vm::Vm;

impl Vm {
    /// Whether a class attribute is a data descriptor (defines `__set__` or `__delete__`).
    pub fn is_data_descriptor(&self, descr: ObjRef) -> bool {
        match self.kind(descr) {
            Kind::Property(_) => true,
            Kind::Function(_) | Kind::Native(_) | Kind::ClassMethod(_) | Kind::StaticMethod(_) => {
                false
            }
            _ => {
                let c = self.class_of(descr);
                !self.type_obj(c).builtin
                    && (self.type_lookup(c, self.n.set).is_some()
                        || self.type_lookup(c, self.n.delete).is_some())
            }
        }
    }

    /// Whether an object has a `__get__` (binds when found on a class).
    fn has_get(&self, descr: ObjRef) -> bool {
        match self.kind(descr) {
            Kind::Function(_)
            | Kind::ClassMethod(_)
            | Kind::StaticMethod(_)
            | Kind::Property(_) => true,
            Kind::Native(n) => n.kind != NativeKind::Function,
            _ => {
                let c = self.class_of(descr);
                !self.type_obj(c).builtin && self.type_lookup(c, self.n.get).is_some()
            }
        }
    }

    /// `descr.__get__(obj, class)`; `obj` NULL means access through the class.
    pub fn bind_descriptor(&mut self, descr: ObjRef, obj: ObjRef, class: ObjRef) -> PyResult {
        match self.kind(descr) {
            Kind::Function(_) => {
                if obj.is_null() {
                    return Ok(self.share(descr));
                }
                self.incref(descr);
                self.incref(obj);
                Ok(self.alloc(self.t.method, Kind::BoundMethod(descr, obj)))
            }
            Kind::Native(n) => {
                let n = (**n).clone();
                match n.kind {
                    NativeKind::Function => Ok(self.share(descr)),
                    NativeKind::Method if obj.is_null() => Ok(self.share(descr)),
                    NativeKind::Method => {
                        self.incref(obj);
                        let owner = n.owner;
                        let class = self.t.builtin_function;
                        Ok(self.alloc(
                            class,
                            Kind::Native(Box::new(NativeObj {
                                receiver: obj,
                                owner,
                                ..n
                            })),
                        ))
                    }
                    NativeKind::ClassMethod => {
                        let cls = if class.is_null() {
                            self.class_of(obj)
                        } else {
                            class
                        };
                        self.incref(cls);
                        let class = self.t.builtin_function;
                        Ok(self.alloc(
                            class,
                            Kind::Native(Box::new(NativeObj {
                                receiver: cls,
                                kind: NativeKind::Function,
                                ..n
                            })),
                        ))
                    }
                    NativeKind::StaticMethod => Ok(self.share(descr)),
                }
            }
            Kind::StaticMethod(f) => Ok(self.share(*f)),
            Kind::ClassMethod(f) => {
                let f = *f;
                let cls = if class.is_null() {
                    self.class_of(obj)
                } else {
                    class
                };
                self.incref(f);
                self.incref(cls);
                Ok(self.alloc(self.t.method, Kind::BoundMethod(f, cls)))
            }
            Kind::Property(p) => {
                if obj.is_null() {
                    return Ok(self.share(descr));
                }
                let fget = p.fget;
                if fget.is_null() || fget == self.none {
                    let msg = format!("property of '{}' object has no getter", self.type_name(obj));
                    return Err(self.attribute_error(msg));
                }
                self.incref(fget);
                let r = self.call(fget, &[obj], &[]);
                self.decref(fget);
                r
            }
            _ => {
                let dc = self.class_of(descr);
                if !self.type_obj(dc).builtin {
                    if let Some(get) = self.type_lookup(dc, self.n.get) {
                        let o = if obj.is_null() { self.none } else { obj };
                        let cls = if class.is_null() {
                            self.class_of(obj)
                        } else {
                            class
                        };
                        return self.call_dunder(get, descr, &[o, cls]);
                    }
                }
                Ok(self.share(descr))
            }
        }
    }

    /// `getattr(obj, name)` (a new reference).
    pub fn getattr(&mut self, obj: ObjRef, name: ObjRef) -> PyResult {
        let class = self.class_of(obj);
        if let Some(ga) = self.type_lookup(class, self.n.getattribute) {
            if !self.is_native_named(ga, "__getattribute__") {
                let r = self.call_dunder(ga, obj, &[name]);
                return self.getattr_fallback(obj, name, r);
            }
        }
        let r = if self.is_type(obj) {
            self.type_getattr(obj, name)
        } else {
            self.generic_getattr(obj, name)
        };
        self.getattr_fallback(obj, name, r)
    }

    fn is_native_named(&self, f: ObjRef, name: &str) -> bool {
        matches!(self.kind(f), Kind::Native(n) if n.name == name)
    }

    /// On AttributeError, tries the class's `__getattr__`.
    fn getattr_fallback(&mut self, obj: ObjRef, name: ObjRef, r: PyResult) -> PyResult {
        match r {
            Err(Flow::Exc(e)) if self.exc_matches(e, self.e.attribute_error) => {
                let class = self.class_of(obj);
                match self.type_lookup(class, self.n.getattr) {
                    Some(f) => {
                        self.decref(e);
                        self.call_dunder(f, obj, &[name])
                    }
                    None => Err(Flow::Exc(e)),
                }
            }
            other => other,
        }
    }

    /// `object.__getattribute__`.
    pub fn generic_getattr(&mut self, obj: ObjRef, name: ObjRef) -> PyResult {
        let class = self.class_of(obj);
        let descr = self.type_lookup(class, name);
        if let Some(d) = descr {
            if self.is_data_descriptor(d) {
                self.incref(d);
                let r = self.bind_descriptor(d, obj, class);
                self.decref(d);
                return r;
            }
        }
        if let Some(v) = self.builtin_attr(obj, name)? {
            return Ok(v);
        }
        let dict = self.heap.get(obj).dict;
        if !dict.is_null() {
            if let Some(v) = self.dict_get(dict, name)? {
                return Ok(self.share(v));
            }
        }
        if let Some(d) = descr {
            self.incref(d);
            let r = if self.has_get(d) {
                self.bind_descriptor(d, obj, class)
            } else {
                Ok(self.share(d))
            };
            self.decref(d);
            return r;
        }
        Err(self.no_attribute(obj, name))
    }

    /// The AttributeError for a missing attribute, worded as CPython words it.
    pub fn no_attribute(&mut self, obj: ObjRef, name: ObjRef) -> Flow {
        let n = self.str_of(name).to_string();
        let msg = match self.kind(obj) {
            Kind::Module(m) => format!("module '{}' has no attribute '{n}'", m.name),
            Kind::Type(t) => format!("type object '{}' has no attribute '{n}'", t.name),
            _ => format!("'{}' object has no attribute '{n}'", self.type_name(obj)),
        };
        let e = self.attribute_error(msg);
        if let Flow::Exc(ex) = e {
            self.set_exc_attr(ex, "name", name);
            self.set_exc_attr(ex, "obj", obj);
        }
        e
    }

    /// Stores an attribute on an exception object's `__dict__` (borrowed value).
    pub fn set_exc_attr(&mut self, e: ObjRef, name: &str, value: ObjRef) {
        let mut d = self.heap.get(e).dict;
        if d.is_null() {
            d = self.new_dict();
            self.heap.get_mut(e).dict = d;
        }
        self.incref(value);
        self.dict_set_name(d, name, value);
    }

    /// `type.__getattribute__`: attributes of a class (and of its metaclass).
    fn type_getattr(&mut self, cls: ObjRef, name: ObjRef) -> PyResult {
        let meta = self.class_of(cls);
        let meta_attr = self.type_lookup(meta, name);
        if let Some(m) = meta_attr {
            if self.is_data_descriptor(m) {
                self.incref(m);
                let r = self.bind_descriptor(m, cls, meta);
                self.decref(m);
                return r;
            }
        }
        if let Some(v) = self.builtin_attr(cls, name)? {
            return Ok(v);
        }
        if let Some(a) = self.type_lookup(cls, name) {
            self.incref(a);
            let r = if self.has_get(a) {
                self.bind_descriptor(a, ObjRef::NULL, cls)
            } else {
                Ok(self.share(a))
            };
            self.decref(a);
            return r;
        }
        if let Some(m) = meta_attr {
            self.incref(m);
            let r = if self.has_get(m) {
                self.bind_descriptor(m, cls, meta)
            } else {
                Ok(self.share(m))
            };
            self.decref(m);
            return r;
        }
        Err(self.no_attribute(cls, name))
    }

    /// Whether `getattr(obj, name)` would succeed (errors other than AttributeError count
    /// as success).
    pub fn has_attr_name(&mut self, obj: ObjRef, name: &str) -> bool {
        let key = self.intern(name);
        let r = self.getattr(obj, key);
        self.decref(key);
        match r {
            Ok(v) => {
                self.decref(v);
                true
            }
            Err(Flow::Exc(e)) => {
                self.decref(e);
                false
            }
            Err(Flow::Halt) => false,
        }
    }

    /// For `LOAD_METHOD`: the unbound function when `obj.name` is a plain method of its
    /// class, so the call can pass `obj` without creating a bound method.
    pub fn load_method(&mut self, obj: ObjRef, name: ObjRef) -> PyResult<Option<ObjRef>> {
        let class = self.class_of(obj);
        if self.is_type(obj) {
            return Ok(None);
        }
        if let Some(ga) = self.type_lookup(class, self.n.getattribute) {
            if !self.is_native_named(ga, "__getattribute__") {
                return Ok(None);
            }
        }
        let Some(descr) = self.type_lookup(class, name) else {
            return Ok(None);
        };
        let plain = match self.kind(descr) {
            Kind::Function(_) => true,
            Kind::Native(n) => n.kind == NativeKind::Method,
            _ => false,
        };
        if !plain {
            return Ok(None);
        }
        let dict = self.heap.get(obj).dict;
        if !dict.is_null() && self.dict_get(dict, name)?.is_some() {
            return Ok(None);
        }
        Ok(Some(self.share(descr)))
    }

    /// `setattr(obj, name, value)`.
    pub fn setattr(&mut self, obj: ObjRef, name: ObjRef, value: ObjRef) -> PyResult<()> {
        let class = self.class_of(obj);
        if let Some(sa) = self.type_lookup(class, self.n.setattr) {
            if !self.is_native_named(sa, "__setattr__") {
                let r = self.call_dunder(sa, obj, &[name, value])?;
                self.decref(r);
                return Ok(());
            }
        }
        self.generic_setattr(obj, name, value)
    }

    /// `object.__setattr__`.
    pub fn generic_setattr(&mut self, obj: ObjRef, name: ObjRef, value: ObjRef) -> PyResult<()> {
        let class = self.class_of(obj);
        if self.is_type(obj) {
            return self.type_setattr(obj, name, value);
        }
        if let Some(d) = self.type_lookup(class, name) {
            if self.is_data_descriptor(d) {
                return self.descriptor_set(d, obj, name, value);
            }
        }
        if self.set_builtin_attr(obj, name, value)? {
            return Ok(());
        }
        if let Some(i) = self.slot_index(class, name) {
            if let Kind::Instance(slots) = &mut self.heap.get_mut(obj).kind {
                let old = std::mem::replace(&mut slots[i], value);
                self.incref(value);
                self.decref(old);
                return Ok(());
            }
        }
        let mut dict = self.heap.get(obj).dict;
        if dict.is_null() {
            if !self.type_obj(class).has_dict {
                let n = self.str_of(name).to_string();
                let t = self.type_obj(class);
                let msg = format!("'{}' object has no attribute '{n}'", t.name);
                return Err(self.attribute_error(msg));
            }
            dict = self.new_dict();
            self.heap.get_mut(obj).dict = dict;
        }
        self.dict_set(dict, name, value)
    }

    fn descriptor_set(
        &mut self,
        d: ObjRef,
        obj: ObjRef,
        name: ObjRef,
        value: ObjRef,
    ) -> PyResult<()> {
        if let Kind::Property(p) = self.kind(d) {
            let fset = p.fset;
            if fset.is_null() || fset == self.none {
                let msg = format!(
                    "property '{}' of '{}' object has no setter",
                    self.str_of(name),
                    self.type_name(obj)
                );
                return Err(self.attribute_error(msg));
            }
            self.incref(fset);
            let r = self.call(fset, &[obj, value], &[]);
            self.decref(fset);
            let r = r?;
            self.decref(r);
            return Ok(());
        }
        let dc = self.class_of(d);
        match self.type_lookup(dc, self.n.set) {
            Some(set) => {
                let r = self.call_dunder(set, d, &[obj, value])?;
                self.decref(r);
                Ok(())
            }
            None => Err(self.attribute_error("can't set attribute")),
        }
    }

    fn type_setattr(&mut self, cls: ObjRef, name: ObjRef, value: ObjRef) -> PyResult<()> {
        if self.type_obj(cls).builtin {
            let msg = format!(
                "cannot set '{}' attribute of immutable type '{}'",
                self.str_of(name),
                self.type_obj(cls).name
            );
            return Err(self.type_error(msg));
        }
        let meta = self.class_of(cls);
        if let Some(d) = self.type_lookup(meta, name) {
            if self.is_data_descriptor(d) {
                return self.descriptor_set(d, cls, name, value);
            }
        }
        let n = self.str_of(name).to_string();
        match n.as_str() {
            "__name__" => {
                let s = self.str_of(value).to_string();
                if let Kind::Type(t) = &mut self.heap.get_mut(cls).kind {
                    t.name = s;
                }
                return Ok(());
            }
            "__qualname__" => {
                let s = self.str_of(value).to_string();
                if let Kind::Type(t) = &mut self.heap.get_mut(cls).kind {
                    t.qualname = s;
                }
                return Ok(());
            }
            _ => {}
        }
        let ns = self.type_obj(cls).dict;
        self.dict_set(ns, name, value)
    }

    /// `delattr(obj, name)`.
    pub fn delattr(&mut self, obj: ObjRef, name: ObjRef) -> PyResult<()> {
        let class = self.class_of(obj);
        if let Some(da) = self.type_lookup(class, self.n.delattr) {
            if !self.is_native_named(da, "__delattr__") {
                let r = self.call_dunder(da, obj, &[name])?;
                self.decref(r);
                return Ok(());
            }
        }
        let target_dict = if self.is_type(obj) {
            self.type_obj(obj).dict
        } else {
            self.heap.get(obj).dict
        };
        if !self.is_type(obj) {
            if let Some(d) = self.type_lookup(class, name) {
                if let Kind::Property(p) = self.kind(d) {
                    let fdel = p.fdel;
                    if fdel.is_null() || fdel == self.none {
                        let msg = format!(
                            "property '{}' of '{}' object has no deleter",
                            self.str_of(name),
                            self.type_name(obj)
                        );
                        return Err(self.attribute_error(msg));
                    }
                    self.incref(fdel);
                    let r = self.call(fdel, &[obj], &[]);
                    self.decref(fdel);
                    let r = r?;
                    self.decref(r);
                    return Ok(());
                }
                if self.is_data_descriptor(d) {
                    let dc = self.class_of(d);
                    if let Some(del) = self.type_lookup(dc, self.n.delete) {
                        let r = self.call_dunder(del, d, &[obj])?;
                        self.decref(r);
                        return Ok(());
                    }
                }
            }
            if let Some(i) = self.slot_index(class, name) {
                if let Kind::Instance(slots) = &mut self.heap.get_mut(obj).kind {
                    let old = std::mem::replace(&mut slots[i], ObjRef::NULL);
                    if !old.is_null() {
                        self.decref(old);
                        return Ok(());
                    }
                }
            }
        }
        if !target_dict.is_null() {
            if let Some(v) = self.dict_pop(target_dict, name)? {
                self.decref(v);
                return Ok(());
            }
        }
        Err(self.no_attribute(obj, name))
    }

    /// The slot index of a `__slots__` name in instances of `class`.
    pub(crate) fn slot_index(&self, class: ObjRef, name: ObjRef) -> Option<usize> {
        let n = self.str_of(name);
        self.type_obj(class).slots.iter().position(|s| s == n)
    }

    /// A new plain instance of a Python class (object layout).
    pub fn new_instance(&mut self, class: ObjRef) -> PyResult {
        let t = self.type_obj(class);
        let nslots = t.slots.len();
        let has_dict = t.has_dict;
        let obj = self.alloc(class, Kind::Instance(Box::new(vec![ObjRef::NULL; nslots])));
        if has_dict {
            let d = self.new_dict();
            self.heap.get_mut(obj).dict = d;
        }
        Ok(obj)
    }
}
