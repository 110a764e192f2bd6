//! Builds the trace's plain-data view of the VM: frames with their locals, cells and value
//! stacks, and the heap graph the program can reach (built-ins and library modules appear as
//! named leaves), with each dict's and set's real table and each list's capacity.

use std::collections::{HashSet, VecDeque};

use pyscope_trace as tr;

use crate::dict::DKIX_EMPTY;
use crate::frame::Frame;
use crate::heap::address_of;
use crate::object::*;
use crate::vm::Vm;

/// The most objects one state lists (larger heaps are cut, deepest objects first).
const MAX_VIEW_OBJECTS: usize = 20_000;

fn binding(vm: &Vm, name: &str, v: ObjRef) -> tr::Binding {
    tr::Binding {
        name: name.to_string(),
        value: v.opt().map(|r| vm.heap.trace_id(r)),
    }
}

impl Vm {
    /// Whether a frame runs library code that the trace hides.
    pub fn is_hidden_code(code: &LoadedCode) -> bool {
        code.code.filename.starts_with("<frozen")
    }

    /// The trace state of the VM right now (output, events and step counts are filled in by
    /// the caller, which owns the recorder). `at_loop_top` says the top frame is between
    /// instructions, about to run the one at its `pc`; otherwise it is inside `lasti`.
    /// When no frame is left (the program ended), the `__main__` namespace is shown as
    /// the finished module frame.
    pub fn build_state(&self, at_loop_top: bool) -> tr::State {
        let mut roots: Vec<ObjRef> = Vec::new();
        let mut frames = Vec::new();
        let top = self.frames.len().wrapping_sub(1);
        for (i, f) in self.frames.iter().enumerate() {
            if Self::is_hidden_code(&f.code) {
                continue;
            }
            let instr = if i == top && at_loop_top {
                f.pc
            } else {
                f.lasti
            };
            let view = self.frame_view(f, frames.len() as u32, &mut roots, instr);
            frames.push(view);
        }
        if self.frames.is_empty() {
            if let Some(view) = self.finished_main_view(&mut roots) {
                frames.push(view);
            }
        }
        if !self.exc_info.is_null() {
            roots.push(self.exc_info);
        }
        let mut modules = Vec::new();
        for (k, v) in self.dict_items(self.sys_modules) {
            let name = self.str_of(k).to_string();
            let user = matches!(self.kind(v), Kind::Module(m) if m.user);
            if user {
                roots.push(v);
            }
            modules.push(tr::ModuleEntry {
                name,
                id: user.then(|| self.heap.trace_id(v)),
            });
        }
        let location = self.current_location(at_loop_top);
        tr::State {
            step: self.steps,
            location,
            frames,
            heap: self.heap_view(&roots),
            exception: self.exc_info.opt().map(|e| self.heap.trace_id(e)),
            modules,
            ..Default::default()
        }
    }

    /// The `<module>` frame of a program that has finished: its globals, no stack.
    fn finished_main_view(&self, roots: &mut Vec<ObjRef>) -> Option<tr::FrameView> {
        let main = self.dict_get_by_name(self.sys_modules, "__main__")?;
        let globals = self.heap.get(main).dict;
        if globals.is_null() {
            return None;
        }
        let locals = self
            .dict_items(globals)
            .into_iter()
            .filter(|(k, _)| {
                !(self.str_of(*k).starts_with("__") && self.str_of(*k).ends_with("__"))
            })
            .map(|(k, v)| {
                roots.push(v);
                binding(self, self.str_of(k), v)
            })
            .collect();
        Some(tr::FrameView {
            name: "<module>".into(),
            qualname: "<module>".into(),
            file: self.main_file.clone(),
            locals,
            ..Default::default()
        })
    }

    fn current_location(&self, at_loop_top: bool) -> tr::Location {
        let Some(f) = self
            .frames
            .iter()
            .rev()
            .find(|f| !Self::is_hidden_code(&f.code))
        else {
            return tr::Location::default();
        };
        let top = self.frames.last().is_some_and(|t| std::ptr::eq(t, f));
        let i = if top && at_loop_top { f.pc } else { f.lasti } as usize;
        let i = i.min(f.code.code.positions.len().saturating_sub(1));
        let p = f.code.code.positions.get(i).copied().unwrap_or_default();
        tr::Location {
            file: f.code.code.filename.to_string(),
            line: p.line,
            col: p.col,
            end_line: p.end_line,
            end_col: p.end_col,
        }
    }

    /// The view of one frame; its references are added to `roots`.
    pub fn frame_view(
        &self,
        f: &Frame,
        depth: u32,
        roots: &mut Vec<ObjRef>,
        instr: u32,
    ) -> tr::FrameView {
        let code = &f.code.code;
        let mut locals = Vec::new();
        let mut cells = Vec::new();
        if !f.locals.is_null() && f.func.is_null() {
            for (k, v) in self.dict_items(f.locals) {
                let name = self.str_of(k);
                if name.starts_with("__") && name.ends_with("__") {
                    continue;
                }
                roots.push(v);
                locals.push(binding(self, name, v));
            }
        }
        use pyscope_compiler::code::slot_kind;
        for (i, name) in code.localsplus_names.iter().enumerate() {
            let v = f.fast.get(i).copied().unwrap_or(ObjRef::NULL);
            let kind = code.localsplus_kinds[i];
            if v.is_null() {
                continue;
            }
            roots.push(v);
            if kind & (slot_kind::CELL | slot_kind::FREE) != 0
                && matches!(self.kind(v), Kind::Cell(_))
            {
                cells.push(binding(self, name, v));
                if kind & slot_kind::LOCAL != 0 || kind & slot_kind::CELL != 0 {
                    if let Kind::Cell(c) = self.kind(v) {
                        if !c.is_null() {
                            locals.push(binding(self, name, *c));
                            roots.push(*c);
                        }
                    }
                }
            } else {
                locals.push(binding(self, name, v));
            }
        }
        let stack: Vec<Option<u64>> = f
            .stack
            .iter()
            .map(|v| v.opt().map(|r| self.heap.trace_id(r)))
            .collect();
        roots.extend(f.stack.iter().filter(|v| !v.is_null()));
        let at = instr as usize;
        let return_value = match code.instrs.get(at) {
            Some(i) if i.op == pyscope_compiler::Opcode::RETURN_VALUE && !f.stack.is_empty() => {
                f.stack.last().map(|v| self.heap.trace_id(*v))
            }
            _ => None,
        };
        if !f.func.is_null() {
            roots.push(f.func);
        }
        tr::FrameView {
            id: f.id,
            name: code.name.to_string(),
            qualname: code.qualname.to_string(),
            depth,
            file: code.filename.to_string(),
            line: code.line_of(at),
            code: f.code.id,
            instr,
            locals,
            cells,
            stack,
            return_value,
            function: f.func.opt().map(|r| self.heap.trace_id(r)),
        }
    }

    /// Whether an object is drawn only as a named leaf.
    fn is_leaf(&self, r: ObjRef) -> Option<String> {
        match self.kind(r) {
            Kind::Native(n) => Some(format!("built-in {}", n.name)),
            Kind::Type(t) if t.builtin => Some(format!("class {}", t.name)),
            Kind::Module(m) if !m.user => Some(format!("module {}", m.name)),
            Kind::Code(c) => Some(format!("code {}", c.code.name)),
            Kind::NotImplemented => Some("NotImplemented".into()),
            Kind::Ellipsis => Some("Ellipsis".into()),
            _ => None,
        }
    }

    fn heap_view(&self, roots: &[ObjRef]) -> Vec<tr::HeapObject> {
        let mut seen: HashSet<ObjRef> = HashSet::new();
        let mut queue: VecDeque<ObjRef> = roots.iter().copied().filter(|r| !r.is_null()).collect();
        let mut out = Vec::new();
        while let Some(r) = queue.pop_front() {
            if r.is_null() || !self.heap.is_live(r) || !seen.insert(r) {
                continue;
            }
            if out.len() >= MAX_VIEW_OBJECTS {
                break;
            }
            let (value, children) = self.object_value(r);
            for c in children {
                if !c.is_null() && !seen.contains(&c) {
                    queue.push_back(c);
                }
            }
            let class = self.class_of(r);
            let user_class = !self.type_obj(class).builtin;
            if user_class {
                queue.push_back(class);
            }
            out.push(tr::HeapObject {
                id: self.heap.trace_id(r),
                type_name: self.type_obj(class).name.clone(),
                class: user_class.then(|| self.heap.trace_id(class)),
                refcount: u64::from(self.heap.refcount(r)),
                address: address_of(r),
                size: self.sizeof(r) as u64,
                value,
            });
        }
        out.sort_by_key(|o| o.id);
        out
    }

    fn ids(&self, refs: &[ObjRef]) -> Vec<u64> {
        refs.iter()
            .filter(|r| !r.is_null())
            .map(|r| self.heap.trace_id(*r))
            .collect()
    }

    fn dict_bindings(&self, d: ObjRef, out: &mut Vec<ObjRef>) -> Vec<tr::Binding> {
        if d.is_null() {
            return Vec::new();
        }
        self.dict_items(d)
            .into_iter()
            .filter(|(k, _)| self.is_str(*k))
            .map(|(k, v)| {
                out.push(v);
                binding(self, self.str_of(k), v)
            })
            .collect()
    }

    /// The value view of an object and the objects it refers to.
    fn object_value(&self, r: ObjRef) -> (tr::ObjectValue, Vec<ObjRef>) {
        use tr::ObjectValue as V;
        if let Some(name) = self.is_leaf(r) {
            return (V::Leaf { name }, Vec::new());
        }
        let mut kids = Vec::new();
        let v = match self.kind(r) {
            Kind::None => V::None,
            Kind::Bool(b) => V::Bool { value: *b },
            Kind::Int(_) | Kind::BigInt(_) => V::Int {
                repr: self.scalar_repr(r),
            },
            Kind::Float(_) => V::Float {
                repr: self.scalar_repr(r),
            },
            Kind::Complex(_) => V::Complex {
                repr: self.scalar_repr(r),
            },
            Kind::Str(s) => V::Str {
                value: s.s.to_string(),
            },
            Kind::Bytes(_) | Kind::ByteArray(_) => V::Bytes {
                repr: self.scalar_repr(r),
            },
            Kind::List(l) => {
                kids.extend(l.items.iter().copied());
                V::List {
                    items: self.ids(&l.items),
                    allocated: l.allocated as u64,
                }
            }
            Kind::Tuple(t) => {
                kids.extend(t.iter().copied());
                V::Tuple { items: self.ids(t) }
            }
            Kind::Dict(d) => {
                let entries: Vec<(u64, u64)> = d
                    .iter()
                    .map(|e| (self.heap.trace_id(e.key), self.heap.trace_id(e.value)))
                    .collect();
                d.children(&mut kids);
                V::Dict {
                    entries,
                    table: Some(self.dict_table(d)),
                }
            }
            Kind::Set(s) => {
                let items: Vec<ObjRef> = s.keys().collect();
                kids.extend(items.iter().copied());
                V::Set {
                    items: self.ids(&items),
                    frozen: self.class_of(r) == self.t.frozenset,
                    table: self.set_table(s),
                }
            }
            Kind::Range(x) => V::Range {
                start: x.start.to_string(),
                stop: x.stop.to_string(),
                step: x.step.to_string(),
            },
            Kind::Function(f) => {
                let defaults = self.tuple_items(f.defaults).to_vec();
                kids.extend(defaults.iter().copied());
                let kwdefaults = self.dict_bindings(f.kwdefaults, &mut kids);
                let cells = self.tuple_items(f.closure).to_vec();
                kids.extend(cells.iter().copied());
                let frees: Vec<String> = f.code.code.freevars().map(|n| n.to_string()).collect();
                let closure = frees
                    .iter()
                    .zip(cells.iter())
                    .map(|(n, c)| binding(self, n, *c))
                    .collect();
                V::Function {
                    name: self.str_of(f.name).to_string(),
                    qualname: self.str_of(f.qualname).to_string(),
                    signature: self.signature_text(f),
                    defaults: self.ids(&defaults),
                    kwdefaults,
                    closure,
                    code: f.code.id,
                }
            }
            Kind::BoundMethod(f, s) => {
                kids.extend([*f, *s]);
                V::BoundMethod {
                    function: self.heap.trace_id(*f),
                    receiver: self.heap.trace_id(*s),
                }
            }
            Kind::Type(t) => {
                kids.extend(t.bases.iter().copied());
                let attrs = self
                    .dict_bindings(t.dict, &mut kids)
                    .into_iter()
                    .filter(|b| {
                        !(b.name.starts_with("__") && b.name.ends_with("__"))
                            || b.name == "__init__"
                    })
                    .collect();
                V::Class {
                    name: t.name.clone(),
                    qualname: t.qualname.clone(),
                    bases: self.ids(&t.bases),
                    mro: t
                        .mro
                        .iter()
                        .map(|c| self.type_obj(*c).name.clone())
                        .collect(),
                    attrs,
                }
            }
            Kind::Instance(slots) => {
                let mut attrs = self.dict_bindings(self.heap.get(r).dict, &mut kids);
                let names = &self.type_obj(self.class_of(r)).slots;
                for (n, v) in names.iter().zip(slots.iter()) {
                    if !v.is_null() {
                        kids.push(*v);
                        attrs.push(binding(self, n, *v));
                    }
                }
                V::Instance { attrs }
            }
            Kind::Module(m) => {
                let attrs = self
                    .dict_bindings(self.heap.get(r).dict, &mut kids)
                    .into_iter()
                    .filter(|b| !(b.name.starts_with("__") && b.name.ends_with("__")))
                    .collect();
                V::Module {
                    name: m.name.clone(),
                    attrs,
                }
            }
            Kind::Cell(c) => {
                kids.push(*c);
                V::Cell {
                    contents: c.opt().map(|x| self.heap.trace_id(x)),
                }
            }
            Kind::Generator(g) => {
                let status = if g.running {
                    "running"
                } else if g.finished {
                    "closed"
                } else if g.started {
                    "suspended"
                } else {
                    "created"
                };
                let frame = g.frame.as_ref().map(|f| {
                    let mut roots = Vec::new();
                    let view = self.frame_view(f, 0, &mut roots, f.lasti);
                    kids.extend(roots);
                    Box::new(view)
                });
                V::Generator {
                    name: self.str_of(g.qualname).to_string(),
                    status: status.into(),
                    frame,
                }
            }
            Kind::Exception(e) => {
                let args = self.tuple_items(e.args).to_vec();
                kids.extend(args.iter().copied());
                kids.extend([e.cause, e.context]);
                V::Exception {
                    args: self.ids(&args),
                    message: self.safe_message(r),
                    cause: e.cause.opt().map(|x| self.heap.trace_id(x)),
                    context: e.context.opt().map(|x| self.heap.trace_id(x)),
                }
            }
            Kind::Iter(it) => {
                let (over, pos) = match &**it {
                    IterObj::Seq { seq, index } => (Some(*seq), *index as u64),
                    IterObj::Dict { dict, seen, .. } => (Some(*dict), *seen as u64),
                    IterObj::Set { set, seen, .. } => (Some(*set), *seen as u64),
                    _ => (None, 0),
                };
                if let Some(o) = over {
                    kids.push(o);
                }
                V::Iterator {
                    over: over.map(|o| self.heap.trace_id(o)),
                    position: pos,
                }
            }
            _ => V::Other {
                repr: self.default_repr(r),
            },
        };
        (v, kids)
    }

    fn scalar_repr(&self, r: ObjRef) -> String {
        use pyscope_compiler::pyrepr;
        match self.kind(r) {
            Kind::Int(i) => i.to_string(),
            Kind::BigInt(b) => b.to_string(),
            Kind::Float(f) => pyrepr::float_repr(*f),
            Kind::Complex(c) => pyscope_compiler::dis::complex_repr(c.0, c.1),
            Kind::Bytes(b) => pyrepr::bytes_repr(&b.data),
            Kind::ByteArray(b) => format!("bytearray({})", pyrepr::bytes_repr(b)),
            _ => String::new(),
        }
    }

    fn safe_message(&self, e: ObjRef) -> String {
        let args = self.tuple_items(self.exc_obj(e).args);
        match args {
            [a] if self.is_str(*a) => self.str_of(*a).to_string(),
            [a] => self.scalar_repr(*a),
            _ => String::new(),
        }
    }

    /// The parameter list of a function, e.g. `(a, b=2, *args, k, **kw)`.
    pub fn signature_text(&self, f: &FunctionObj) -> String {
        use pyscope_compiler::code::flags;
        let co = &f.code.code;
        let names: Vec<&str> = co.localsplus_names.iter().map(|s| &**s).collect();
        let argc = co.argcount as usize;
        let kwc = co.kwonlyargcount as usize;
        let ndef = self.tuple_items(f.defaults).len();
        let mut parts = Vec::new();
        for (i, n) in names.iter().take(argc).enumerate() {
            parts.push(if i + ndef >= argc {
                format!("{n}=…")
            } else {
                n.to_string()
            });
            if co.posonlyargcount as usize == i + 1 {
                parts.push("/".into());
            }
        }
        let mut idx = argc + kwc;
        if co.flags & flags::VARARGS != 0 {
            parts.push(format!("*{}", names.get(idx).unwrap_or(&"args")));
            idx += 1;
        } else if kwc > 0 {
            parts.push("*".into());
        }
        for n in names.iter().skip(argc).take(kwc) {
            parts.push(n.to_string());
        }
        if co.flags & flags::VARKEYWORDS != 0 {
            parts.push(format!("**{}", names.get(idx).unwrap_or(&"kwargs")));
        }
        format!("({})", parts.join(", "))
    }

    /// The trace's view of a dict table.
    pub fn dict_table(&self, d: &crate::dict::DictObj) -> tr::DictTable {
        tr::DictTable {
            kind: d.kind_name().into(),
            log2_size: d.log2_size,
            usable: d.usable,
            nentries: d.entries.len() as u64,
            used: d.used as u64,
            indices: if d.shared_empty {
                vec![DKIX_EMPTY]
            } else {
                d.indices.clone()
            },
            entries: d
                .entries
                .iter()
                .map(|e| {
                    (!e.key.is_null()).then(|| tr::DictEntry {
                        hash: e.hash,
                        key: self.heap.trace_id(e.key),
                        value: self.heap.trace_id(e.value),
                    })
                })
                .collect(),
            last_probe: d.last_probe.iter().map(|s| u64::from(*s)).collect(),
        }
    }

    /// The trace's view of a set table.
    pub fn set_table(&self, s: &crate::set::SetObj) -> tr::SetTable {
        tr::SetTable {
            mask: s.mask() as u64,
            fill: s.fill as u64,
            used: s.used as u64,
            slots: s
                .table
                .iter()
                .map(|e| {
                    if e.is_active() {
                        tr::SetSlot::Entry {
                            hash: e.hash,
                            key: self.heap.trace_id(e.key),
                        }
                    } else if e.is_dummy() {
                        tr::SetSlot::Dummy
                    } else {
                        tr::SetSlot::Empty
                    }
                })
                .collect(),
            last_probe: s.last_probe.iter().map(|x| u64::from(*x)).collect(),
        }
    }
}
