//! Instructions that load, store and delete names: fast locals, cells, namespaces, globals,
//! attributes and imports.

use crate::object::*;
use crate::vm::Vm;

impl Vm {
    /// The str object for `co_names[i]` (interned when the code was loaded); a new reference.
    #[inline]
    pub(crate) fn name_at(&mut self, i: u32) -> ObjRef {
        let name = self.frame_ref().code.names[i as usize];
        self.share(name)
    }

    fn local_name(&self, i: u32) -> String {
        self.frame_ref().code.code.localsplus_names[i as usize].to_string()
    }

    pub(super) fn op_load_fast(&mut self, arg: u32) -> PyResult<()> {
        let v = self.frame_ref().fast[arg as usize];
        if v.is_null() {
            let name = self.local_name(arg);
            return Err(self.new_exc(
                self.e.unbound_local_error,
                &format!("local variable '{name}' referenced before assignment"),
            ));
        }
        self.incref(v);
        self.push(v);
        Ok(())
    }

    pub(super) fn op_delete_fast(&mut self, arg: u32) -> PyResult<()> {
        let old = std::mem::replace(&mut self.frame().fast[arg as usize], ObjRef::NULL);
        if old.is_null() {
            let name = self.local_name(arg);
            return Err(self.new_exc(
                self.e.unbound_local_error,
                &format!("local variable '{name}' referenced before assignment"),
            ));
        }
        self.decref(old);
        Ok(())
    }

    fn name_error(&mut self, name: ObjRef) -> Flow {
        let text = format!("name '{}' is not defined", self.str_of(name));
        self.decref(name);
        self.new_exc(self.e.name_error, &text)
    }

    /// Looks a name up in a namespace that may be any mapping (class bodies with
    /// `__prepare__`); returns a new reference.
    fn namespace_get(&mut self, ns: ObjRef, key: ObjRef) -> PyResult<Option<ObjRef>> {
        if matches!(self.kind(ns), Kind::Dict(_)) && self.class_of(ns) == self.t.dict {
            return Ok(self.dict_get(ns, key)?.map(|v| self.share(v)));
        }
        match self.getitem(ns, key) {
            Ok(v) => Ok(Some(v)),
            Err(Flow::Exc(e)) if self.exc_matches(e, self.e.key_error) => {
                self.decref(e);
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    /// Globals, then builtins (a new reference).
    fn global_get(&mut self, key: ObjRef) -> PyResult<Option<ObjRef>> {
        let (globals, builtins) = {
            let f = self.frame_ref();
            (f.globals, f.builtins)
        };
        if let Some(v) = self.dict_get(globals, key)? {
            return Ok(Some(self.share(v)));
        }
        self.namespace_get(builtins, key)
    }

    pub(super) fn op_load_name(&mut self, arg: u32) -> PyResult<()> {
        let key = self.name_at(arg);
        let locals = self.frame_ref().locals;
        if !locals.is_null() {
            if let Some(v) = self.namespace_get(locals, key)? {
                self.decref(key);
                self.push(v);
                return Ok(());
            }
        }
        match self.global_get(key)? {
            Some(v) => {
                self.decref(key);
                self.push(v);
                Ok(())
            }
            None => Err(self.name_error(key)),
        }
    }

    pub(super) fn op_store_name(&mut self, arg: u32) -> PyResult<()> {
        let key = self.name_at(arg);
        let v = self.pop();
        let locals = self.frame_ref().locals;
        let r = if self.class_of(locals) == self.t.dict {
            self.dict_set(locals, key, v)
        } else {
            self.setitem(locals, key, v)
        };
        self.decref(key);
        self.decref(v);
        r
    }

    pub(super) fn op_delete_name(&mut self, arg: u32) -> PyResult<()> {
        let key = self.name_at(arg);
        let locals = self.frame_ref().locals;
        let removed = if self.class_of(locals) == self.t.dict {
            self.dict_pop(locals, key)?
        } else {
            self.delitem(locals, key)?;
            Some(self.none())
        };
        match removed {
            Some(v) => {
                self.decref(v);
                self.decref(key);
                Ok(())
            }
            None => Err(self.name_error(key)),
        }
    }

    pub(super) fn op_load_global(&mut self, arg: u32) -> PyResult<()> {
        let key = self.name_at(arg >> 1);
        match self.global_get(key)? {
            Some(v) => {
                self.decref(key);
                if arg & 1 == 1 {
                    self.push(ObjRef::NULL);
                }
                self.push(v);
                Ok(())
            }
            None => Err(self.name_error(key)),
        }
    }

    pub(super) fn op_store_global(&mut self, arg: u32) -> PyResult<()> {
        let key = self.name_at(arg);
        let v = self.pop();
        let globals = self.frame_ref().globals;
        let r = self.dict_set(globals, key, v);
        self.decref(key);
        self.decref(v);
        r
    }

    pub(super) fn op_delete_global(&mut self, arg: u32) -> PyResult<()> {
        let key = self.name_at(arg);
        let globals = self.frame_ref().globals;
        match self.dict_pop(globals, key)? {
            Some(v) => {
                self.decref(v);
                self.decref(key);
                Ok(())
            }
            None => Err(self.name_error(key)),
        }
    }

    pub(super) fn op_make_cell(&mut self, arg: u32) {
        let v = self.frame_ref().fast[arg as usize];
        let cell = self.new_cell(v);
        self.frame().fast[arg as usize] = cell;
    }

    pub(super) fn op_copy_free_vars(&mut self, n: u32) {
        let func = self.frame_ref().func;
        let closure = match self.kind(func) {
            Kind::Function(f) => f.closure,
            _ => ObjRef::NULL,
        };
        let cells: Vec<ObjRef> = self.tuple_items(closure).to_vec();
        let nfast = self.frame_ref().fast.len();
        let start = nfast - n as usize;
        for (i, c) in cells.into_iter().enumerate().take(n as usize) {
            self.incref(c);
            let old = std::mem::replace(&mut self.frame().fast[start + i], c);
            self.decref(old);
        }
    }

    fn cell_contents(&self, cell: ObjRef) -> ObjRef {
        match self.kind(cell) {
            Kind::Cell(v) => *v,
            _ => ObjRef::NULL,
        }
    }

    fn free_var_error(&mut self, arg: u32) -> Flow {
        let name = self.local_name(arg);
        let code = &self.frame_ref().code.code;
        let is_free =
            code.localsplus_kinds[arg as usize] & pyscope_compiler::code::slot_kind::FREE != 0;
        if is_free {
            self.new_exc(
                self.e.name_error,
                &format!("free variable '{name}' referenced before assignment in enclosing scope"),
            )
        } else {
            self.new_exc(
                self.e.unbound_local_error,
                &format!("local variable '{name}' referenced before assignment"),
            )
        }
    }

    pub(super) fn op_load_deref(&mut self, arg: u32) -> PyResult<()> {
        let cell = self.frame_ref().fast[arg as usize];
        let v = self.cell_contents(cell);
        if v.is_null() {
            return Err(self.free_var_error(arg));
        }
        self.incref(v);
        self.push(v);
        Ok(())
    }

    pub(super) fn op_load_classderef(&mut self, arg: u32) -> PyResult<()> {
        let name = self.local_name(arg);
        let key = self.intern(&name);
        let locals = self.frame_ref().locals;
        if !locals.is_null() {
            if let Some(v) = self.namespace_get(locals, key)? {
                self.decref(key);
                self.push(v);
                return Ok(());
            }
        }
        self.decref(key);
        self.op_load_deref(arg)
    }

    pub(super) fn op_store_deref(&mut self, arg: u32) {
        let v = self.pop();
        let cell = self.frame_ref().fast[arg as usize];
        if let Kind::Cell(c) = &mut self.heap.get_mut(cell).kind {
            let old = std::mem::replace(c, v);
            self.decref(old);
        }
    }

    pub(super) fn op_delete_deref(&mut self, arg: u32) -> PyResult<()> {
        let cell = self.frame_ref().fast[arg as usize];
        let old = match &mut self.heap.get_mut(cell).kind {
            Kind::Cell(c) => std::mem::replace(c, ObjRef::NULL),
            _ => ObjRef::NULL,
        };
        if old.is_null() {
            return Err(self.free_var_error(arg));
        }
        self.decref(old);
        Ok(())
    }

    pub(super) fn op_load_attr(&mut self, arg: u32) -> PyResult<()> {
        let name = self.name_at(arg);
        let obj = self.pop();
        let r = self.getattr(obj, name);
        self.decref(obj);
        self.decref(name);
        let v = r?;
        self.push(v);
        Ok(())
    }

    pub(super) fn op_store_attr(&mut self, arg: u32) -> PyResult<()> {
        let name = self.name_at(arg);
        let obj = self.pop();
        let value = self.pop();
        let r = self.setattr(obj, name, value);
        self.decref(obj);
        self.decref(value);
        self.decref(name);
        r
    }

    pub(super) fn op_delete_attr(&mut self, arg: u32) -> PyResult<()> {
        let name = self.name_at(arg);
        let obj = self.pop();
        let r = self.delattr(obj, name);
        self.decref(obj);
        self.decref(name);
        r
    }

    /// `LOAD_METHOD`: pushes `method, self` when the attribute is a plain method found on
    /// the type, else `NULL, attribute`.
    pub(super) fn op_load_method(&mut self, arg: u32) -> PyResult<()> {
        let name = self.name_at(arg);
        let obj = self.pop();
        let r = self.load_method(obj, name);
        self.decref(name);
        match r {
            Ok(Some(method)) => {
                self.push(method);
                self.push(obj);
                Ok(())
            }
            Ok(None) => {
                let name = self.name_at(arg);
                let r = self.getattr(obj, name);
                self.decref(name);
                self.decref(obj);
                let v = r?;
                self.push(ObjRef::NULL);
                self.push(v);
                Ok(())
            }
            Err(e) => {
                self.decref(obj);
                Err(e)
            }
        }
    }

    pub(super) fn op_import_name(&mut self, arg: u32) -> PyResult<()> {
        let name = self.frame_ref().code.code.names[arg as usize].to_string();
        let fromlist = self.pop();
        let level = self.pop();
        let lvl = self.int_value(level).unwrap_or(0);
        let r = self.import_module(&name, fromlist, lvl as u32);
        self.decref(fromlist);
        self.decref(level);
        let m = r?;
        self.push(m);
        Ok(())
    }

    pub(super) fn op_import_from(&mut self, arg: u32) -> PyResult<()> {
        let name = self.name_at(arg);
        let module = self.top();
        let r = self.import_from(module, name);
        self.decref(name);
        let v = r?;
        self.push(v);
        Ok(())
    }

    pub(super) fn op_import_star(&mut self) -> PyResult<()> {
        let module = self.pop();
        let locals = self.frame_ref().locals;
        let r = self.import_star(module, locals);
        self.decref(module);
        r
    }

    pub(super) fn op_setup_annotations(&mut self) -> PyResult<()> {
        let locals = self.frame_ref().locals;
        let key = self.share(self.n.annotations);
        if self.dict_get(locals, key)?.is_none() {
            let d = self.new_dict();
            self.dict_set(locals, key, d)?;
            self.decref(d);
        }
        self.decref(key);
        Ok(())
    }

    /// A builtin by name (a new reference), for `LOAD_BUILD_CLASS`.
    pub(crate) fn builtin_named(&mut self, name: &str) -> PyResult {
        let builtins = self.frame_ref().builtins;
        match self.dict_get_by_name(builtins, name) {
            Some(v) => Ok(self.share(v)),
            None => Err(self.new_exc(self.e.name_error, &format!("{name} not found"))),
        }
    }
}
