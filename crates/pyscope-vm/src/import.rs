//! The import system as Day 6 teaches it: look in `sys.modules`, then the built-in modules,
//! then each `sys.path` entry (the main file's folder or the editor's files); create the
//! module, cache it in `sys.modules` before running it once (so circular imports see a
//! partial module), and bind names with CPython's error messages. Also `exec`/`eval`.

use pyscope_compiler::Mode;

use crate::frame::Frame;
use crate::object::*;
use crate::vm::{SourceText, Vm};

/// Where a module's source was found.
struct Found {
    file: String,
    source: String,
    is_package: bool,
}

impl Vm {
    /// `IMPORT_NAME`: imports `name` (relative to the current package when `level > 0`).
    pub fn import_module(&mut self, name: &str, fromlist: ObjRef, level: u32) -> PyResult {
        let full = if level > 0 {
            self.resolve_relative(name, level)?
        } else {
            name.to_string()
        };
        if full.is_empty() {
            return Err(self.value_error("Empty module name"));
        }
        let parts: Vec<&str> = full.split('.').collect();
        let mut prefix = String::new();
        let mut top = ObjRef::NULL;
        let mut last = ObjRef::NULL;
        for (i, p) in parts.iter().enumerate() {
            if i > 0 {
                prefix.push('.');
            }
            prefix.push_str(p);
            let m = self.import_one(&prefix, last)?;
            if i == 0 {
                top = m;
            } else {
                self.decref(last);
                if i + 1 < parts.len() || !fromlist_empty(self, fromlist) {
                    // keep last
                }
            }
            if i > 0 && last != top {
                // nothing: `last` was released above
            }
            last = m;
        }
        let want_leaf = !fromlist_empty(self, fromlist) || level > 0 && name.is_empty();
        if want_leaf {
            if top != last {
                self.decref(top);
            }
            return Ok(last);
        }
        if top != last {
            self.decref(last);
        }
        if parts.len() > 1 || level > 0 {
            let top_name = full.split('.').next().unwrap_or("").to_string();
            if level > 0 {
                self.decref(top);
                return self.import_one(&top_name, ObjRef::NULL);
            }
        }
        Ok(top)
    }

    /// The absolute name of a relative import.
    fn resolve_relative(&mut self, name: &str, level: u32) -> PyResult<String> {
        let globals = self.frames.last().map_or(ObjRef::NULL, |f| f.globals);
        let package = self
            .dict_get_by_name(globals, "__package__")
            .filter(|p| self.is_str(*p))
            .map(|p| self.str_of(p).to_string());
        let package = match package {
            Some(p) if !p.is_empty() => p,
            _ => {
                let modname = self
                    .dict_get_by_name(globals, "__name__")
                    .map(|n| self.str_of(n).to_string())
                    .unwrap_or_default();
                let is_pkg = self.dict_get_by_name(globals, "__path__").is_some();
                if is_pkg {
                    modname
                } else {
                    modname
                        .rsplit_once('.')
                        .map(|(a, _)| a.to_string())
                        .unwrap_or_default()
                }
            }
        };
        if package.is_empty() {
            return Err(self.new_exc(
                self.e.import_error,
                "attempted relative import with no known parent package",
            ));
        }
        let mut base: Vec<&str> = package.split('.').collect();
        for _ in 1..level {
            if base.pop().is_none() {
                return Err(self.new_exc(
                    self.e.import_error,
                    "attempted relative import beyond top-level package",
                ));
            }
        }
        if base.is_empty() {
            return Err(self.new_exc(
                self.e.import_error,
                "attempted relative import beyond top-level package",
            ));
        }
        let mut full = base.join(".");
        if !name.is_empty() {
            full.push('.');
            full.push_str(name);
        }
        Ok(full)
    }

    /// Imports one dotted name whose parent (if any) is already imported.
    fn import_one(&mut self, full: &str, parent: ObjRef) -> PyResult {
        if let Some(m) = self.dict_get_by_name(self.sys_modules, full) {
            return Ok(self.share(m));
        }
        if let Some(m) = self.native_module(full)? {
            self.incref(m);
            self.dict_set_name(self.sys_modules, full, m);
            return Ok(m);
        }
        let found = self.find_source(full, parent);
        let Some(found) = found else {
            let e = self.new_exc(
                self.e.module_not_found_error,
                &format!("No module named '{full}'"),
            );
            if let Flow::Exc(x) = e {
                let n = self.new_str(full);
                self.set_exc_attr(x, "name", n);
                self.decref(n);
            }
            return Err(e);
        };
        self.exec_module_source(full, found, parent)
    }

    /// Looks for `full` along `sys.path`, or in the parent package's folder.
    fn find_source(&mut self, full: &str, parent: ObjRef) -> Option<Found> {
        let leaf = full.rsplit('.').next().unwrap_or(full);
        let dirs: Vec<String> = if parent.is_null() {
            let path = self.dict_get_by_name(self.heap.get(self.sys).dict, "path");
            let items: Vec<ObjRef> = path
                .map(|p| self.list_items(p).to_vec())
                .unwrap_or_default();
            items
                .iter()
                .filter(|x| self.is_str(**x))
                .map(|x| self.str_of(*x).to_string())
                .collect()
        } else {
            let pd = self.heap.get(parent).dict;
            let path = self.dict_get_by_name(pd, "__path__");
            let items: Vec<ObjRef> = path
                .map(|p| self.list_items(p).to_vec())
                .unwrap_or_default();
            items.iter().map(|x| self.str_of(*x).to_string()).collect()
        };
        for dir in dirs {
            let join = |d: &str, f: &str| {
                if d.is_empty() {
                    f.to_string()
                } else {
                    format!("{}/{f}", d.trim_end_matches('/'))
                }
            };
            let pkg_init = join(&join(&dir, leaf), "__init__.py");
            let module = join(&dir, &format!("{leaf}.py"));
            for (file, is_package) in [(pkg_init, true), (module, false)] {
                if let Some(source) = self.read_source(&file) {
                    return Some(Found {
                        file,
                        source,
                        is_package,
                    });
                }
            }
        }
        crate::stdlib::python_source(full).map(|src| Found {
            file: format!("<frozen {full}>"),
            source: src.to_string(),
            is_package: false,
        })
    }

    /// Reads a source file from the editor's files or, when allowed, the disk.
    fn read_source(&mut self, file: &str) -> Option<String> {
        let normalized = file.trim_start_matches("./");
        if let Some(f) = self
            .files
            .iter()
            .find(|f| f.name == normalized || f.name == file)
        {
            return Some(f.text.to_string());
        }
        if self.filesystem {
            if let Ok(text) = std::fs::read_to_string(file) {
                let abs = std::fs::canonicalize(file)
                    .map(|p| p.to_string_lossy().into_owned())
                    .unwrap_or_else(|_| file.to_string());
                self.files.push(SourceText {
                    name: file.to_string(),
                    text: text.clone().into(),
                });
                if abs != file {
                    self.files.push(SourceText {
                        name: abs,
                        text: text.clone().into(),
                    });
                }
                return Some(text);
            }
        }
        None
    }

    fn exec_module_source(&mut self, full: &str, found: Found, parent: ObjRef) -> PyResult {
        let file = if found.file.starts_with("<frozen") || !self.filesystem {
            found.file.clone()
        } else {
            std::fs::canonicalize(&found.file)
                .map(|p| p.to_string_lossy().into_owned())
                .unwrap_or(found.file.clone())
        };
        let user = !file.starts_with("<frozen");
        let m = self.new_module(full, Some(file.clone()), user);
        let d = self.heap.get(m).dict;
        let package = if found.is_package {
            full.to_string()
        } else {
            full.rsplit_once('.')
                .map(|(a, _)| a.to_string())
                .unwrap_or_default()
        };
        let p = self.new_string(package);
        self.dict_set_name(d, "__package__", p);
        if found.is_package {
            let dir = file
                .rsplit_once('/')
                .map(|(a, _)| a.to_string())
                .unwrap_or_default();
            let item = self.new_string(dir);
            let l = self.new_list(vec![item]);
            self.dict_set_name(d, "__path__", l);
        }
        let b = self.share(self.builtins);
        self.dict_set_name(d, "__builtins__", b);
        let none = self.none();
        self.dict_set_name(d, "__spec__", none);
        self.incref(m);
        self.dict_set_name(self.sys_modules, full, m);
        if user {
            self.user_modules.push(full.to_string());
        }
        self.record_import(full, false);
        let r = self.run_source_in(&found.source, &file, d, d, Mode::Exec);
        self.record_import(full, true);
        match r {
            Ok(v) => self.decref(v),
            Err(e) => {
                if let Some(v) = self.dict_pop_name(self.sys_modules, full)? {
                    self.decref(v);
                }
                self.decref(m);
                return Err(e);
            }
        }
        if !parent.is_null() {
            let leaf = full.rsplit('.').next().unwrap_or(full);
            let key = self.intern(leaf);
            let r = self.setattr(parent, key, m);
            self.decref(key);
            r?;
        }
        // A module may replace itself in sys.modules while it runs.
        let cached = self.dict_get_by_name(self.sys_modules, full);
        if let Some(c) = cached {
            if c != m {
                self.decref(m);
                return Ok(self.share(c));
            }
        }
        Ok(m)
    }

    /// Compiles and runs source with the given namespaces; returns the code's result.
    pub fn run_source_in(
        &mut self,
        source: &str,
        filename: &str,
        globals: ObjRef,
        locals: ObjRef,
        mode: Mode,
    ) -> PyResult {
        if !self.files.iter().any(|f| f.name == filename) {
            self.files.push(SourceText {
                name: filename.to_string(),
                text: source.into(),
            });
        }
        let code = match pyscope_compiler::compile(source, filename, mode) {
            Ok(c) => c,
            Err(err) => {
                let e = self.syntax_error_from(&err, filename, source);
                return Err(Flow::Exc(e));
            }
        };
        let loaded = self.load_code(&code);
        let id = self.new_frame_id();
        self.incref(globals);
        self.incref(locals);
        let builtins = self.share(self.builtins_dict);
        let frame = Frame::new(loaded, globals, builtins, locals, id);
        self.run_nested(frame)
    }

    /// `exec(source, globals, locals)` and `eval(...)`.
    pub fn exec_source(
        &mut self,
        source: ObjRef,
        globals: ObjRef,
        locals: ObjRef,
        mode: Mode,
    ) -> PyResult {
        let (g, l) = {
            let f = self.frames.last();
            let cur_g = f.map_or(ObjRef::NULL, |f| f.globals);
            let cur_l = f.map_or(ObjRef::NULL, |f| {
                if f.locals.is_null() {
                    f.globals
                } else {
                    f.locals
                }
            });
            let g = if globals.is_null() || globals == self.none {
                cur_g
            } else {
                globals
            };
            let l = if !locals.is_null() && locals != self.none {
                locals
            } else if globals.is_null() || globals == self.none {
                cur_l
            } else {
                g
            };
            (g, l)
        };
        if !matches!(self.kind(g), Kind::Dict(_)) {
            return Err(
                self.type_error(format!("globals must be a dict, not {}", self.type_name(g)))
            );
        }
        if self.dict_get_by_name(g, "__builtins__").is_none() {
            let b = self.share(self.builtins);
            self.dict_set_name(g, "__builtins__", b);
        }
        if let Kind::Code(code) = self.kind(source) {
            let code = code.clone();
            let id = self.new_frame_id();
            self.incref(g);
            self.incref(l);
            let builtins = self.share(self.builtins_dict);
            let frame = Frame::new(code, g, builtins, l, id);
            return self.run_nested(frame);
        }
        let text = if self.is_str(source) {
            self.str_of(source).to_string()
        } else if let Kind::Bytes(b) = self.kind(source) {
            String::from_utf8_lossy(&b.data).into_owned()
        } else {
            let what = if mode == Mode::Eval { "eval" } else { "exec" };
            return Err(self.type_error(format!(
                "{what}() arg 1 must be a string, bytes or code object"
            )));
        };
        let filename = "<string>";
        self.run_source_in(&text, filename, g, l, mode)
    }

    /// `compile(source, filename, mode)`: a code object.
    pub fn compile_source(&mut self, source: &str, filename: &str, mode: Mode) -> PyResult {
        match pyscope_compiler::compile(source, filename, mode) {
            Ok(code) => {
                if !self.files.iter().any(|f| f.name == filename) {
                    self.files.push(SourceText {
                        name: filename.to_string(),
                        text: source.into(),
                    });
                }
                let loaded = self.load_code(&code);
                Ok(self.alloc(self.t.code, Kind::Code(loaded)))
            }
            Err(err) => {
                let e = self.syntax_error_from(&err, filename, source);
                Err(Flow::Exc(e))
            }
        }
    }

    /// `IMPORT_FROM`: an attribute of the module, or its submodule.
    pub fn import_from(&mut self, module: ObjRef, name: ObjRef) -> PyResult {
        match self.getattr(module, name) {
            Ok(v) => return Ok(v),
            Err(Flow::Exc(e)) if self.exc_matches(e, self.e.attribute_error) => self.decref(e),
            Err(e) => return Err(e),
        }
        let modname = match self.kind(module) {
            Kind::Module(m) => m.name.clone(),
            _ => "?".into(),
        };
        let sub = format!("{modname}.{}", self.str_of(name));
        if let Some(m) = self.dict_get_by_name(self.sys_modules, &sub) {
            return Ok(self.share(m));
        }
        let d = self.heap.get(module).dict;
        if !d.is_null() && self.dict_get_by_name(d, "__path__").is_some() {
            match self.import_one(&sub, module) {
                Ok(m) => return Ok(m),
                Err(Flow::Exc(e)) if self.exc_matches(e, self.e.module_not_found_error) => {
                    self.decref(e)
                }
                Err(e) => return Err(e),
            }
        }
        let file = if d.is_null() {
            None
        } else {
            self.dict_get_by_name(d, "__file__")
                .map(|f| self.str_of(f).to_string())
        };
        let location = file.unwrap_or_else(|| "unknown location".into());
        let partial = self.frames.iter().any(|f| f.globals == d);
        let n = self.str_of(name).to_string();
        let msg = if partial {
            format!(
                "cannot import name '{n}' from partially initialized module '{modname}' (most likely due to a circular import) ({location})"
            )
        } else {
            format!("cannot import name '{n}' from '{modname}' ({location})")
        };
        Err(self.new_exc(self.e.import_error, &msg))
    }

    /// `from module import *` into the namespace `ns`.
    pub fn import_star(&mut self, module: ObjRef, ns: ObjRef) -> PyResult<()> {
        let d = self.heap.get(module).dict;
        if d.is_null() {
            return Ok(());
        }
        let names: Vec<ObjRef> = match self.dict_get_by_name(d, "__all__") {
            Some(all) => self.collect_iter(all)?,
            None => {
                let keys: Vec<ObjRef> = self
                    .dict_items(d)
                    .into_iter()
                    .map(|(k, _)| k)
                    .filter(|k| !self.str_of(*k).starts_with('_'))
                    .collect();
                self.share_all(keys)
            }
        };
        let mut r = Ok(());
        for &k in &names {
            if r.is_ok() {
                r = self.getattr(module, k).and_then(|v| {
                    let x = self.dict_set(ns, k, v);
                    self.decref(v);
                    x
                });
            }
        }
        self.decref_all(&names);
        r
    }

    /// `open(file, mode)`: real files only when the filesystem is enabled.
    pub fn open_file(&mut self, file: ObjRef, mode: ObjRef) -> PyResult {
        let _ = mode;
        if !self.filesystem {
            return Err(self.new_exc(self.e.os_error, "files are not available in the playground"));
        }
        let name = self.str_string(file)?;
        match std::fs::read_to_string(&name) {
            Ok(text) => {
                let io = self.import_module("io", self.none, 0)?;
                let cls = self.getattr_str(io, "StringIO");
                self.decref(io);
                let cls = cls?;
                let t = self.new_string(text);
                let r = self.call(cls, &[t], &[]);
                self.decref(cls);
                self.decref(t);
                r
            }
            Err(_) => {
                let msg = format!("[Errno 2] No such file or directory: '{name}'");
                Err(self.new_exc(self.e.file_not_found_error, &msg))
            }
        }
    }
}

fn fromlist_empty(vm: &Vm, fromlist: ObjRef) -> bool {
    fromlist.is_null()
        || fromlist == vm.none
        || vm.tuple_items(fromlist).is_empty() && matches!(vm.kind(fromlist), Kind::Tuple(_))
}
