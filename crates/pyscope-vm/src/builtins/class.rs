//! Class creation and instantiation: `__build_class__` (metaclass choice, `__prepare__`,
//! running the body), `type.__new__` (bases, layout, MRO, `__slots__`, `__set_name__`,
//! `__init_subclass__`, `__classcell__`) and `type.__call__`.

use crate::frame::Frame;
use crate::object::*;
use crate::vm::Vm;

/// `builtins.__build_class__(func, name, *bases, metaclass=None, **kwds)`.
pub(crate) fn build_class_native(vm: &mut Vm, a: &Args) -> PyResult {
    let pos = a.positional();
    if pos.len() < 2 {
        return Err(vm.type_error("__build_class__: not enough arguments"));
    }
    let (func, name) = (pos[0], pos[1]);
    if !matches!(vm.kind(func), Kind::Function(_)) {
        return Err(vm.type_error("__build_class__: func must be a function"));
    }
    let orig_bases: Vec<ObjRef> = pos[2..].to_vec();
    let bases = vm.resolve_mro_entries(&orig_bases)?;
    let mut meta = ObjRef::NULL;
    let mut kwargs = Vec::new();
    for (k, v) in a.keywords() {
        if vm.str_of(k) == "metaclass" {
            meta = v;
        } else {
            kwargs.push((k, v));
        }
    }
    let bases_tuple = {
        let items: Vec<ObjRef> = bases.iter().map(|b| vm.share(*b)).collect();
        vm.new_tuple(items)
    };
    let r = build_class_inner(
        vm,
        func,
        name,
        meta,
        bases_tuple,
        &orig_bases,
        &bases,
        &kwargs,
    );
    vm.decref(bases_tuple);
    for b in bases {
        vm.decref(b);
    }
    r
}

#[allow(clippy::too_many_arguments)]
fn build_class_inner(
    vm: &mut Vm,
    func: ObjRef,
    name: ObjRef,
    meta: ObjRef,
    bases_tuple: ObjRef,
    orig_bases: &[ObjRef],
    bases: &[ObjRef],
    kwargs: &[(ObjRef, ObjRef)],
) -> PyResult {
    let mut meta = if meta.is_null() {
        match bases.first() {
            Some(b) => vm.class_of(*b),
            None => vm.t.type_,
        }
    } else {
        meta
    };
    if vm.is_type(meta) {
        meta = vm.calculate_metaclass(meta, bases)?;
    }
    let kwnames: Vec<ObjRef> = kwargs.iter().map(|(k, _)| *k).collect();
    let kwvalues: Vec<ObjRef> = kwargs.iter().map(|(_, v)| *v).collect();
    let ns = match vm.getattr_str(meta, "__prepare__") {
        Ok(prep) => {
            let mut args = vec![name, bases_tuple];
            args.extend(kwvalues.iter().copied());
            let r = vm.call(prep, &args, &kwnames);
            vm.decref(prep);
            r?
        }
        Err(Flow::Exc(e)) if vm.exc_matches(e, vm.e.attribute_error) => {
            vm.decref(e);
            vm.new_dict()
        }
        Err(e) => return Err(e),
    };
    if orig_bases != bases {
        let items: Vec<ObjRef> = orig_bases.iter().map(|b| vm.share(*b)).collect();
        let t = vm.new_tuple(items);
        let key = vm.intern("__orig_bases__");
        let r = vm.setitem(ns, key, t);
        vm.decref(key);
        vm.decref(t);
        r?;
    }
    let cell = match vm.run_class_body(func, ns) {
        Ok(c) => c,
        Err(e) => {
            vm.decref(ns);
            return Err(e);
        }
    };
    let mut args = vec![name, bases_tuple, ns];
    args.extend(kwvalues.iter().copied());
    let cls = vm.call(meta, &args, &kwnames);
    vm.decref(ns);
    let cls = match cls {
        Ok(c) => c,
        Err(e) => {
            vm.decref(cell);
            return Err(e);
        }
    };
    if let Kind::Cell(contents) = vm.kind(cell) {
        if *contents != cls && vm.is_type(cls) {
            let contents = *contents;
            let old = vm.repr_string(contents)?;
            let new = vm.repr_string(cls)?;
            let msg = format!(
                "__class__ set to {} defining {} as {}",
                old,
                vm.str_of(name),
                new
            );
            vm.decref(cell);
            return Err(vm.runtime_error(msg));
        }
    }
    vm.decref(cell);
    Ok(cls)
}

impl Vm {
    /// `getattr(obj, name)` for a Rust name.
    pub fn getattr_str(&mut self, obj: ObjRef, name: &str) -> PyResult {
        let key = self.intern(name);
        let r = self.getattr(obj, key);
        self.decref(key);
        r
    }

    /// Replaces non-class bases by the result of their `__mro_entries__` (new references).
    fn resolve_mro_entries(&mut self, bases: &[ObjRef]) -> PyResult<Vec<ObjRef>> {
        let mut out = Vec::new();
        for &b in bases {
            if self.is_type(b) {
                out.push(self.share(b));
                continue;
            }
            let class = self.class_of(b);
            match self.type_lookup(class, self.n.mro_entries) {
                Some(f) => {
                    let items: Vec<ObjRef> = bases.iter().map(|x| self.share(*x)).collect();
                    let t = self.new_tuple(items);
                    let r = self.call_dunder(f, b, &[t]);
                    self.decref(t);
                    let r = r?;
                    let entries = self.collect_iter(r);
                    self.decref(r);
                    out.extend(entries?);
                }
                None => out.push(self.share(b)),
            }
        }
        Ok(out)
    }

    /// The most derived metaclass of `meta` and the bases' metaclasses.
    fn calculate_metaclass(&mut self, meta: ObjRef, bases: &[ObjRef]) -> PyResult<ObjRef> {
        let mut winner = meta;
        for &b in bases {
            let t = self.class_of(b);
            if self.is_subtype(winner, t) {
                continue;
            }
            if self.is_subtype(t, winner) {
                winner = t;
                continue;
            }
            return Err(self.type_error(
                "metaclass conflict: the metaclass of a derived class must be a (non-strict) subclass of the metaclasses of all its bases",
            ));
        }
        Ok(winner)
    }

    /// Runs a class body function with `ns` as its namespace; returns the `__class__` cell
    /// or None (a new reference).
    fn run_class_body(&mut self, func: ObjRef, ns: ObjRef) -> PyResult {
        let (code, globals) = match self.kind(func) {
            Kind::Function(f) => (f.code.clone(), f.globals),
            _ => unreachable!("checked by __build_class__"),
        };
        let id = self.new_frame_id();
        self.incref(globals);
        self.incref(ns);
        let builtins = self.share(self.builtins_dict);
        let mut frame = Frame::new(code, globals, builtins, ns, id);
        frame.func = self.share(func);
        self.run_nested(frame)
    }

    /// `type.__new__(meta, name, bases, ns, **kwargs)`: creates a class.
    pub fn create_class(
        &mut self,
        meta: ObjRef,
        name: ObjRef,
        bases: ObjRef,
        ns: ObjRef,
        kwargs: &[(ObjRef, ObjRef)],
    ) -> PyResult {
        if !self.is_str(name) {
            return Err(self.type_error("type.__new__() argument 1 must be str"));
        }
        let mut base_list: Vec<ObjRef> = self.tuple_items(bases).to_vec();
        for &b in &base_list {
            if !self.is_type(b) {
                return Err(
                    self.type_error(format!("bases must be types, not {}", self.type_name(b)))
                );
            }
            if self.type_obj(b).builtin
                && [
                    self.t.bool_,
                    self.t.range,
                    self.t.slice,
                    self.t.function,
                    self.t.none_type,
                    self.t.generator,
                ]
                .contains(&b)
            {
                let msg = format!(
                    "type '{}' is not an acceptable base type",
                    self.type_obj(b).name
                );
                return Err(self.type_error(msg));
            }
        }
        if base_list.is_empty() {
            base_list.push(self.t.object);
        }
        let layout = self.solid_layout(&base_list)?;
        let dict = self.new_dict();
        if self.class_of(ns) == self.t.dict || matches!(self.kind(ns), Kind::Dict(_)) {
            self.dict_merge(dict, ns, 1)?;
        } else {
            let keys = self.call_method_by_name(ns, "keys", &[])?;
            let keys_v = self.collect_iter(keys);
            self.decref(keys);
            for k in keys_v? {
                let v = self.getitem(ns, k)?;
                self.dict_set(dict, k, v)?;
                self.decref(v);
                self.decref(k);
            }
        }
        let qualname = match self.dict_pop_name(dict, "__qualname__")? {
            Some(q) => {
                let s = self.str_of(q).to_string();
                self.decref(q);
                s
            }
            None => self.str_of(name).to_string(),
        };
        if self.dict_get_by_name(dict, "__module__").is_none() {
            let module = self
                .frames
                .last()
                .and_then(|f| self.dict_get_by_name(f.globals, "__name__"));
            if let Some(m) = module {
                self.incref(m);
                self.dict_set_name(dict, "__module__", m);
            }
        }
        let module = self
            .dict_get_by_name(dict, "__module__")
            .map(|m| self.str_of(m).to_string())
            .unwrap_or_default();
        if self.dict_get_by_name(dict, "__doc__").is_none() {
            let none = self.none();
            self.dict_set_name(dict, "__doc__", none);
        }
        self.wrap_implicit_methods(dict)?;
        if self.dict_get_by_name(dict, "__eq__").is_some()
            && self.dict_get_by_name(dict, "__hash__").is_none()
        {
            let none = self.none();
            self.dict_set_name(dict, "__hash__", none);
        }
        let (slots, has_dict) =
            self.class_slots(dict, &base_list, self.str_of(name).to_string())?;
        let classcell = self.dict_pop_name(dict, "__classcell__")?;
        for &b in &base_list {
            self.incref(b);
        }
        let t = TypeObj {
            name: self.str_of(name).to_string(),
            qualname,
            module,
            bases: base_list.clone(),
            mro: Vec::new(),
            dict,
            layout,
            slots,
            has_dict,
            builtin: false,
            has_finalizer: false,
        };
        let cls = self.alloc(meta, Kind::Type(Box::new(t)));
        let mro = match self.c3_mro(cls, &base_list) {
            Ok(m) => m,
            Err(msg) => {
                self.decref(cls);
                if let Some(c) = classcell {
                    self.decref(c);
                }
                return Err(self.type_error(msg));
            }
        };
        for &c in &mro[1..] {
            self.incref(c);
        }
        let has_finalizer = mro.iter().any(|c| {
            self.dict_get_by_name(self.type_obj(*c).dict, "__del__")
                .is_some()
        });
        if let Kind::Type(t) = &mut self.heap.get_mut(cls).kind {
            t.mro = mro;
            t.has_finalizer = has_finalizer;
        }
        // The class refers to itself through its MRO; that reference is not counted.
        if let Some(cell) = classcell {
            if let Kind::Cell(c) = &mut self.heap.get_mut(cell).kind {
                let old = std::mem::replace(c, cls);
                self.incref(cls);
                self.decref(old);
            }
            self.decref(cell);
        }
        if let Err(e) = self.class_set_names(cls, dict) {
            self.decref(cls);
            return Err(e);
        }
        if let Err(e) = self.init_subclass(cls, kwargs) {
            self.decref(cls);
            return Err(e);
        }
        Ok(cls)
    }

    /// Removes `name` from a dict; the value is owned by the caller.
    pub fn dict_pop_name(&mut self, d: ObjRef, name: &str) -> PyResult<Option<ObjRef>> {
        let key = self.intern(name);
        let r = self.dict_pop(d, key);
        self.decref(key);
        r
    }

    /// The built-in layout instances of a new class need; conflicting layouts are an error.
    fn solid_layout(&mut self, bases: &[ObjRef]) -> PyResult<Layout> {
        let mut layout = Layout::Object;
        for &b in bases {
            let l = self.type_obj(b).layout;
            if matches!(l, Layout::Object | Layout::Other) {
                continue;
            }
            if layout == Layout::Object {
                layout = l;
            } else if layout != l {
                return Err(self.type_error("multiple bases have instance lay-out conflict"));
            }
        }
        Ok(layout)
    }

    /// `__new__` becomes a staticmethod; `__init_subclass__` and `__class_getitem__`
    /// become classmethods.
    fn wrap_implicit_methods(&mut self, dict: ObjRef) -> PyResult<()> {
        for (name, is_class) in [
            ("__new__", false),
            ("__init_subclass__", true),
            ("__class_getitem__", true),
        ] {
            if let Some(f) = self.dict_get_by_name(dict, name) {
                if matches!(self.kind(f), Kind::Function(_)) {
                    self.incref(f);
                    let wrapped = if is_class {
                        self.alloc(self.t.classmethod, Kind::ClassMethod(f))
                    } else {
                        self.alloc(self.t.staticmethod, Kind::StaticMethod(f))
                    };
                    self.dict_set_name(dict, name, wrapped);
                }
            }
        }
        Ok(())
    }

    /// The slot names and whether instances get a `__dict__`.
    fn class_slots(
        &mut self,
        dict: ObjRef,
        bases: &[ObjRef],
        class_name: String,
    ) -> PyResult<(Vec<String>, bool)> {
        let mut inherited: Vec<String> = Vec::new();
        let mut base_has_dict = false;
        for &b in bases {
            let t = self.type_obj(b);
            inherited.extend(t.slots.iter().cloned());
            base_has_dict |= t.has_dict || (!t.builtin && t.slots.is_empty());
        }
        let Some(slots_obj) = self.dict_get_by_name(dict, "__slots__") else {
            return Ok((inherited, true));
        };
        let names: Vec<ObjRef> = if self.is_str(slots_obj) {
            vec![self.share(slots_obj)]
        } else {
            self.collect_iter(slots_obj)?
        };
        let mut has_dict = base_has_dict;
        for n in &names {
            if !self.is_str(*n) {
                let msg = format!(
                    "__slots__ items must be strings, not '{}'",
                    self.type_name(*n)
                );
                self.decref_all(&names);
                return Err(self.type_error(msg));
            }
            let s = self.str_of(*n).to_string();
            if s == "__dict__" {
                has_dict = true;
                continue;
            }
            if s == "__weakref__" {
                continue;
            }
            let mangled = pyscope_compiler::symtable::mangle(Some(&class_name), &s);
            if self.dict_get_by_name(dict, &mangled).is_some() {
                self.decref_all(&names);
                return Err(
                    self.value_error(format!("'{s}' in __slots__ conflicts with class variable"))
                );
            }
            inherited.push(mangled);
        }
        self.decref_all(&names);
        Ok((inherited, has_dict))
    }

    /// Calls `__set_name__(owner, name)` on class attributes that define it.
    fn class_set_names(&mut self, cls: ObjRef, dict: ObjRef) -> PyResult<()> {
        for (k, v) in self.dict_items(dict) {
            let vc = self.class_of(v);
            if self.type_obj(vc).builtin {
                continue;
            }
            if let Some(f) = self.type_lookup(vc, self.n.set_name) {
                self.incref(k);
                self.incref(v);
                let r = self.call_dunder(f, v, &[cls, k]);
                self.decref(k);
                self.decref(v);
                let r = r?;
                self.decref(r);
            }
        }
        Ok(())
    }

    /// `super(cls, cls).__init_subclass__(**kwargs)`.
    fn init_subclass(&mut self, cls: ObjRef, kwargs: &[(ObjRef, ObjRef)]) -> PyResult<()> {
        let mro = self.type_obj(cls).mro.clone();
        for &c in &mro[1..] {
            let ns = self.type_obj(c).dict;
            if let Some(f) = self.dict_get_str_fast(ns, self.n.init_subclass) {
                self.incref(f);
                let bound = self.bind_descriptor(f, ObjRef::NULL, cls);
                self.decref(f);
                let bound = bound?;
                let names: Vec<ObjRef> = kwargs.iter().map(|(k, _)| *k).collect();
                let values: Vec<ObjRef> = kwargs.iter().map(|(_, v)| *v).collect();
                let r = self.call(bound, &values, &names);
                self.decref(bound);
                let r = r?;
                self.decref(r);
                return Ok(());
            }
        }
        Ok(())
    }

    /// `type.__call__(cls, *args, **kwargs)`: `__new__`, then `__init__`.
    pub fn type_call(&mut self, cls: ObjRef, args: &[ObjRef], kwnames: &[ObjRef]) -> PyResult {
        if cls == self.t.type_ && args.len() == 1 && kwnames.is_empty() {
            let c = self.class_of(args[0]);
            return Ok(self.share(c));
        }
        let Some(new) = self.type_lookup(cls, self.n.new) else {
            return Err(self.type_error(format!(
                "cannot create '{}' instances",
                self.type_obj(cls).name
            )));
        };
        self.incref(new);
        let new_f = self.bind_descriptor(new, ObjRef::NULL, cls);
        self.decref(new);
        let new_f = new_f?;
        let mut full = Vec::with_capacity(args.len() + 1);
        full.push(cls);
        full.extend_from_slice(args);
        let obj = self.call(new_f, &full, kwnames);
        self.decref(new_f);
        let obj = obj?;
        if !self.isinstance_of(obj, cls) {
            return Ok(obj);
        }
        let oc = self.class_of(obj);
        if let Some(init) = self.type_lookup(oc, self.n.init) {
            let mut full = Vec::with_capacity(args.len() + 1);
            full.push(obj);
            full.extend_from_slice(args);
            self.incref(init);
            let r = self.call(init, &full, kwnames);
            self.decref(init);
            match r {
                Ok(r) => {
                    let none = r == self.none;
                    let tn = self.type_name(r);
                    self.decref(r);
                    if !none {
                        self.decref(obj);
                        return Err(
                            self.type_error(format!("__init__() should return None, not '{tn}'"))
                        );
                    }
                }
                Err(e) => {
                    self.decref(obj);
                    return Err(e);
                }
            }
        }
        Ok(obj)
    }
}
