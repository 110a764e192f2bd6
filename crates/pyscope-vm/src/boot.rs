//! Creating a VM: built-in types, singletons and caches, the `builtins` and `sys` modules,
//! and loading compiled code (materialising constants, merged per compile unit as CPython
//! does).

use std::collections::HashMap;
use std::rc::Rc;

use pyscope_compiler::{CodeObject, Constant};

use crate::extra::Extra;
use crate::heap::Heap;
use crate::object::*;
use crate::vm::{Limits, Output, SourceText, Vm};

/// How a VM is set up for a run.
#[derive(Clone, Debug, Default)]
pub struct Config {
    pub limits: Limits,
    /// Write output straight to the process (the CLI's `run`).
    pub stream_output: bool,
    /// `input()` reads the process's stdin.
    pub stdin_live: bool,
    /// `open()` may use the real filesystem.
    pub filesystem: bool,
    pub argv: Vec<String>,
    /// Source files the program may import (the editor's tabs).
    pub files: Vec<SourceText>,
    /// Folders searched for modules on disk, in order.
    pub search_path: Vec<String>,
    /// Answers to `input()` given in advance.
    pub inputs: Vec<String>,
}

impl Vm {
    pub fn new(config: Config) -> Vm {
        let mut vm = Vm {
            heap: Heap::new(),
            t: Default::default(),
            e: Default::default(),
            n: Default::default(),
            none: ObjRef::NULL,
            true_: ObjRef::NULL,
            false_: ObjRef::NULL,
            not_implemented: ObjRef::NULL,
            ellipsis: ObjRef::NULL,
            empty_tuple: ObjRef::NULL,
            empty_str: ObjRef::NULL,
            empty_bytes: ObjRef::NULL,
            small_ints: Vec::new(),
            latin1: vec![ObjRef::NULL; 256],
            bytes1: vec![ObjRef::NULL; 256],
            interned: HashMap::new(),
            builtins: ObjRef::NULL,
            builtins_dict: ObjRef::NULL,
            sys: ObjRef::NULL,
            sys_modules: ObjRef::NULL,
            frames: Vec::new(),
            exc_info: ObjRef::NULL,
            codes: Vec::new(),
            next_code_base: 0,
            next_frame_id: 0,
            steps: 0,
            halt_at: u64::MAX,
            halt: None,
            native_depth: 0,
            native_recursion: 0,
            recursion_limit: config.limits.max_recursion,
            limits: config.limits.clone(),
            out: Output {
                stream: config.stream_output,
                ..Default::default()
            },
            files: config.files.clone(),
            search_path: config.search_path.clone(),
            inputs: Rc::new(config.inputs.clone()),
            inputs_used: 0,
            stdin_live: config.stdin_live,
            filesystem: config.filesystem,
            rec: Default::default(),
            main_file: String::new(),
            user_modules: Vec::new(),
            clock_ns: 0,
            random: Default::default(),
            captured: None,
            reraising: false,
            replay_target: None,
            replay_nested: false,
            last_exit: crate::interp::ExitKind::Return,
            stop_value: ObjRef::NULL,
            repr_stack: Vec::new(),
            stdout_obj: ObjRef::NULL,
            stderr_obj: ObjRef::NULL,
        };
        Vm::bootstrap_types(&mut vm);
        vm.create_singletons();
        Vm::bootstrap_names(&mut vm);
        vm.install_builtins();
        vm.install_sys(&config.argv);
        vm
    }

    fn create_singletons(&mut self) {
        let t = self.t.clone();
        self.none = self.alloc(t.none_type, Kind::None);
        self.true_ = self.alloc(t.bool_, Kind::Bool(true));
        self.false_ = self.alloc(t.bool_, Kind::Bool(false));
        self.not_implemented = self.alloc(t.not_implemented_type, Kind::NotImplemented);
        self.ellipsis = self.alloc(t.ellipsis_type, Kind::Ellipsis);
        self.empty_tuple = self.alloc(t.tuple, Kind::Tuple(Box::new([])));
        self.empty_str = self.alloc(t.str, Kind::Str(Box::new(StrObj::new(""))));
        self.empty_bytes = self.alloc(
            t.bytes,
            Kind::Bytes(Box::new(BytesObj {
                data: Box::new([]),
                hash: std::cell::Cell::new(-1),
            })),
        );
        for v in -5..=256 {
            let r = self.alloc(t.int, Kind::Int(v));
            self.small_ints.push(r);
        }
    }

    fn install_sys(&mut self, argv: &[String]) {
        let sys = self.new_module("sys", None, false);
        let d = self.heap.get(sys).dict;
        self.sys = sys;
        self.sys_modules = self.new_dict();
        self.incref(self.sys_modules);
        self.dict_set_name(d, "modules", self.sys_modules);
        let b = self.share(self.builtins);
        self.dict_set_name(self.sys_modules, "builtins", b);
        let s = self.share(sys);
        self.dict_set_name(self.sys_modules, "sys", s);
        let path: Vec<ObjRef> = self
            .search_path
            .clone()
            .iter()
            .map(|p| self.new_str(p))
            .collect();
        let path = self.new_list(path);
        self.dict_set_name(d, "path", path);
        let args: Vec<ObjRef> = argv.iter().map(|a| self.new_str(a)).collect();
        let args = self.new_list(args);
        self.dict_set_name(d, "argv", args);
        let stream_class = self.make_builtin_type("TextIOWrapper", &[self.t.object], Layout::Other);
        if let Kind::Type(t) = &mut self.heap.get_mut(stream_class).kind {
            t.module = "_io".into();
        }
        crate::sysmod::install(self, d, stream_class);
        for (name, err) in [("stdout", false), ("stderr", true)] {
            let obj = self.alloc(
                stream_class,
                Kind::Extra(Box::new(Extra::StdStream { err })),
            );
            if err {
                self.stderr_obj = obj;
            } else {
                self.stdout_obj = obj;
            }
            self.incref(obj);
            self.dict_set_name(d, name, obj);
            self.incref(obj);
            self.dict_set_name(d, &format!("__{name}__"), obj);
        }
        self.decref(stream_class);
    }

    /// Registers compiled code with the VM: materialises constants (merged within the
    /// compile unit, identifier-like strings interned) and interns names.
    pub fn load_code(&mut self, code: &Rc<CodeObject>) -> Rc<LoadedCode> {
        let mut merged: HashMap<String, ObjRef> = HashMap::new();
        self.load_code_unit(code, &mut merged)
    }

    fn load_code_unit(
        &mut self,
        code: &Rc<CodeObject>,
        merged: &mut HashMap<String, ObjRef>,
    ) -> Rc<LoadedCode> {
        let consts: Vec<ObjRef> = code
            .consts
            .iter()
            .map(|c| self.materialize(c, merged))
            .collect();
        let names: Vec<ObjRef> = code.names.iter().map(|n| self.intern(n)).collect();
        let loaded = Rc::new(LoadedCode {
            code: code.clone(),
            consts,
            names,
            id: self.codes.len() as u32,
            base: self.next_code_base,
        });
        self.next_code_base += code.instrs.len() as u32;
        self.codes.push(loaded.clone());
        loaded
    }

    fn materialize(&mut self, c: &Constant, merged: &mut HashMap<String, ObjRef>) -> ObjRef {
        match c {
            Constant::None => return self.none(),
            Constant::Bool(b) => return self.bool_obj(*b),
            Constant::Ellipsis => return self.share(self.ellipsis),
            Constant::Code(inner) => {
                let loaded = self.load_code_unit(inner, merged);
                return self.alloc(self.t.code, Kind::Code(loaded));
            }
            Constant::Str(s)
                if s.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_') && !s.is_empty() =>
            {
                return self.intern(s);
            }
            _ => {}
        }
        let key = const_key(c);
        if let Some(&r) = merged.get(&key) {
            return self.share(r);
        }
        let r = match c {
            Constant::Int(i) => self.new_bigint(i.clone()),
            Constant::Float(f) => self.new_float(*f),
            Constant::Complex(r, i) => self.new_complex(*r, *i),
            Constant::Str(s) => self.new_str(s),
            Constant::Bytes(b) => self.new_bytes(b),
            Constant::Tuple(items) => {
                let v: Vec<ObjRef> = items.iter().map(|x| self.materialize(x, merged)).collect();
                self.new_tuple(v)
            }
            Constant::FrozenSet(items) => {
                let v: Vec<ObjRef> = items.iter().map(|x| self.materialize(x, merged)).collect();
                let s = self.new_frozenset();
                for x in &v {
                    let _ = self.set_add(s, *x);
                }
                self.decref_all(&v);
                s
            }
            _ => unreachable!("handled above"),
        };
        self.incref(r);
        merged.insert(key, r);
        r
    }
}

/// A key under which equal constants of the same type merge into one object.
fn const_key(c: &Constant) -> String {
    match c {
        Constant::None => "N".into(),
        Constant::Ellipsis => "E".into(),
        Constant::Bool(b) => format!("b{b}"),
        Constant::Int(i) => format!("i{i}"),
        Constant::Float(f) => format!("f{}", f.to_bits()),
        Constant::Complex(r, i) => format!("c{}:{}", r.to_bits(), i.to_bits()),
        Constant::Str(s) => format!("s{s}"),
        Constant::Bytes(b) => format!("y{b:?}"),
        Constant::Tuple(items) => format!(
            "t({})",
            items.iter().map(const_key).collect::<Vec<_>>().join(",")
        ),
        Constant::FrozenSet(items) => format!(
            "z({})",
            items.iter().map(const_key).collect::<Vec<_>>().join(",")
        ),
        Constant::Code(code) => format!("k{:p}", Rc::as_ptr(code)),
    }
}
