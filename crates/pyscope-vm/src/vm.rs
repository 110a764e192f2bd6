//! The virtual machine's state and its basic services: allocation with CPython's caches
//! (small ints, 1-character strings, singletons), reference counting with finalizers, and
//! constructors for common objects.

use std::collections::HashMap;
use std::rc::Rc;

use num_bigint::BigInt;
use num_traits::ToPrimitive;

use crate::dict::DictObj;
use crate::frame::Frame;
use crate::heap::Heap;
use crate::object::*;
use crate::record::Recorder;
use crate::set::SetObj;
use crate::types::{ExcTypes, Names, Types};

/// Limits a run obeys; exceeding one ends the run with a Python-style error.
#[derive(Clone, Debug)]
pub struct Limits {
    pub max_steps: u64,
    pub max_heap_objects: u64,
    pub max_recursion: u32,
    pub max_output_bytes: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_steps: 10_000_000,
            max_heap_objects: 2_000_000,
            max_recursion: 1000,
            max_output_bytes: 1 << 20,
        }
    }
}

/// Why the VM stopped running Python code before the program ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HaltReason {
    /// The instruction budget of a slice is spent; the run can continue.
    Budget,
    /// A replay reached the step it was asked for.
    Target,
    /// A limit was exceeded.
    Limit(pyscope_trace::LimitKind, String),
    /// The user asked to stop.
    Stopped,
    /// `input()` needs a line that is not available yet.
    NeedInput(String),
    /// `sys.exit()` or `SystemExit` ended the program.
    Exit(i32),
}

/// Where program output goes.
#[derive(Clone, Debug, Default)]
pub struct Output {
    /// Write straight to the process's stdout/stderr (the CLI's `run`).
    pub stream: bool,
    pub stdout: String,
    pub stderr: String,
    pub bytes: u64,
}

/// A source file known to the VM (for tracebacks and imports).
#[derive(Clone, Debug)]
pub struct SourceText {
    pub name: String,
    pub text: Rc<str>,
}

#[derive(Clone, Debug)]
pub struct Vm {
    pub heap: Heap,
    pub t: Types,
    pub e: ExcTypes,
    pub n: Names,
    pub none: ObjRef,
    pub true_: ObjRef,
    pub false_: ObjRef,
    pub not_implemented: ObjRef,
    pub ellipsis: ObjRef,
    pub empty_tuple: ObjRef,
    pub empty_str: ObjRef,
    pub empty_bytes: ObjRef,
    pub(crate) small_ints: Vec<ObjRef>,
    pub(crate) latin1: Vec<ObjRef>,
    pub(crate) bytes1: Vec<ObjRef>,
    pub(crate) interned: HashMap<Box<str>, ObjRef>,
    pub builtins: ObjRef,
    pub builtins_dict: ObjRef,
    pub sys: ObjRef,
    pub sys_modules: ObjRef,
    pub frames: Vec<Frame>,
    /// The exception being handled (`sys.exc_info()`), NULL when none.
    pub exc_info: ObjRef,
    pub codes: Vec<Rc<LoadedCode>>,
    pub(crate) next_code_base: u32,
    pub next_frame_id: u64,
    /// Instructions executed so far.
    pub steps: u64,
    /// Stop with `HaltReason::Budget` when `steps` reaches this.
    pub halt_at: u64,
    pub halt: Option<HaltReason>,
    /// Nested runs started by native code (sorting keys, `__eq__` in dict lookups, ...).
    pub native_depth: u32,
    pub recursion_limit: u32,
    pub limits: Limits,
    pub out: Output,
    pub files: Vec<SourceText>,
    /// Folders searched for user modules (the main file's folder, or "" for the editor).
    pub search_path: Vec<String>,
    /// Answers given to `input()`, in order, and how many were used.
    pub inputs: Rc<Vec<String>>,
    pub inputs_used: usize,
    /// Read `input()` from the process's stdin (the CLI).
    pub stdin_live: bool,
    /// Set by `record.rs` when recording; never part of a checkpoint.
    pub rec: RecorderSlot,
    /// The main module's file name.
    pub main_file: String,
    /// Modules the learner's program imported (names), for the trace.
    pub user_modules: Vec<String>,
    /// The virtual clock of the `time` module, in nanoseconds.
    pub clock_ns: u64,
    /// Mersenne Twister state of the `random` module.
    pub random: crate::extra::RandomState,
    /// A captured trace state (replays stop here).
    pub captured: Option<Box<pyscope_trace::State>>,
    /// Native recursion depth counted against the recursion limit (repr, eq, hash of nested containers).
    pub native_recursion: u32,
    /// `open()` may use the real filesystem.
    pub filesystem: bool,
    /// A bare `raise` is re-raising: keep the traceback as it is.
    pub reraising: bool,
    /// When replaying, the step at which to capture a state.
    pub replay_target: Option<u64>,
    /// The replay target was reached inside native code (that replay cannot continue).
    pub replay_nested: bool,
    /// How the most recent frame left the interpreter loop.
    pub last_exit: crate::interp::ExitKind,
    /// The value a finished generator returned (`StopIteration.value`).
    pub stop_value: ObjRef,
    /// Containers whose repr is being computed (for `[...]`).
    pub repr_stack: Vec<ObjRef>,
    pub stdout_obj: ObjRef,
    pub stderr_obj: ObjRef,
}

/// The recorder attached to a VM. Copies of a VM (checkpoints, replays) never carry it.
#[derive(Debug, Default)]
pub struct RecorderSlot(pub Option<Box<Recorder>>);

impl Clone for RecorderSlot {
    fn clone(&self) -> RecorderSlot {
        RecorderSlot(None)
    }
}

impl std::ops::Deref for RecorderSlot {
    type Target = Option<Box<Recorder>>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl std::ops::DerefMut for RecorderSlot {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

impl Vm {
    /// Allocates an object with a fresh reference.
    #[inline]
    pub fn alloc(&mut self, class: ObjRef, kind: Kind) -> ObjRef {
        self.heap.incref(class);
        self.heap.alloc(Object {
            class,
            dict: ObjRef::NULL,
            kind,
        })
    }

    #[inline]
    pub fn incref(&mut self, r: ObjRef) {
        self.heap.incref(r);
    }

    #[inline]
    pub fn decref(&mut self, r: ObjRef) {
        self.heap.decref(r);
    }

    /// Returns a new reference to `r`.
    #[inline]
    pub fn share(&mut self, r: ObjRef) -> ObjRef {
        self.heap.incref(r);
        r
    }

    /// Takes a new reference to each of `refs`.
    pub fn share_all(&mut self, refs: Vec<ObjRef>) -> Vec<ObjRef> {
        for r in &refs {
            self.heap.incref(*r);
        }
        refs
    }

    pub fn decref_all(&mut self, refs: &[ObjRef]) {
        for r in refs {
            self.heap.decref(*r);
        }
    }

    #[inline]
    pub fn kind(&self, r: ObjRef) -> &Kind {
        self.heap.kind(r)
    }

    #[inline]
    pub fn class_of(&self, r: ObjRef) -> ObjRef {
        self.heap.class_of(r)
    }

    // ----- singletons and constants -----

    pub fn none(&mut self) -> ObjRef {
        self.share(self.none)
    }

    pub fn bool_obj(&mut self, b: bool) -> ObjRef {
        let r = if b { self.true_ } else { self.false_ };
        self.share(r)
    }

    pub fn not_implemented(&mut self) -> ObjRef {
        self.share(self.not_implemented)
    }

    /// An int, using the small-int cache for -5..=256.
    #[inline]
    pub fn new_int(&mut self, v: i64) -> ObjRef {
        if (-5..=256).contains(&v) {
            let r = self.small_ints[(v + 5) as usize];
            return self.share(r);
        }
        self.alloc(self.t.int, Kind::Int(v))
    }

    /// An int from a big value, normalised to the small form when it fits.
    pub fn new_bigint(&mut self, v: BigInt) -> ObjRef {
        match v.to_i64() {
            Some(i) => self.new_int(i),
            None => self.alloc(self.t.int, Kind::BigInt(Box::new(v))),
        }
    }

    pub fn new_float(&mut self, v: f64) -> ObjRef {
        self.alloc(self.t.float, Kind::Float(v))
    }

    pub fn new_complex(&mut self, re: f64, im: f64) -> ObjRef {
        self.alloc(self.t.complex, Kind::Complex(Box::new((re, im))))
    }

    /// A new str; the empty string and 1-character Latin-1 strings are cached singletons.
    pub fn new_str(&mut self, s: &str) -> ObjRef {
        if s.is_empty() {
            return self.share(self.empty_str);
        }
        let mut chars = s.chars();
        if let (Some(c), None) = (chars.next(), chars.next()) {
            if (c as u32) < 256 {
                return self.latin1_char(c as u32 as u8);
            }
        }
        self.alloc(self.t.str, Kind::Str(Box::new(StrObj::new(s))))
    }

    pub fn new_string(&mut self, s: String) -> ObjRef {
        self.new_str(&s)
    }

    fn latin1_char(&mut self, b: u8) -> ObjRef {
        let cached = self.latin1[b as usize];
        if !cached.is_null() {
            return self.share(cached);
        }
        let s = char::from(b).to_string();
        let r = self.alloc(self.t.str, Kind::Str(Box::new(StrObj::new(&s))));
        self.latin1[b as usize] = r;
        self.share(r)
    }

    /// The interned str for `s` (identifier-like constants, attribute names, `sys.intern`).
    pub fn intern(&mut self, s: &str) -> ObjRef {
        if let Some(&r) = self.interned.get(s) {
            return self.share(r);
        }
        let r = self.alloc(self.t.str, Kind::Str(Box::new(StrObj::new(s))));
        self.interned.insert(s.into(), r);
        self.share(r)
    }

    /// Interns an existing str object (`sys.intern`): returns the canonical object.
    pub fn intern_obj(&mut self, r: ObjRef) -> ObjRef {
        let s = self.str_of(r).to_string();
        if let Some(&existing) = self.interned.get(s.as_str()) {
            return self.share(existing);
        }
        self.incref(r);
        self.interned.insert(s.into(), r);
        self.share(r)
    }

    pub fn new_bytes(&mut self, data: &[u8]) -> ObjRef {
        if data.is_empty() {
            return self.share(self.empty_bytes);
        }
        if data.len() == 1 {
            let cached = self.bytes1[data[0] as usize];
            if !cached.is_null() {
                return self.share(cached);
            }
            let r = self.alloc(
                self.t.bytes,
                Kind::Bytes(Box::new(BytesObj {
                    data: data.into(),
                    hash: Default::default(),
                })),
            );
            self.bytes1[data[0] as usize] = r;
            return self.share(r);
        }
        let obj = BytesObj {
            data: data.into(),
            hash: std::cell::Cell::new(-1),
        };
        self.alloc(self.t.bytes, Kind::Bytes(Box::new(obj)))
    }

    /// A tuple taking ownership of `items`; `()` is a singleton.
    pub fn new_tuple(&mut self, items: Vec<ObjRef>) -> ObjRef {
        if items.is_empty() {
            return self.share(self.empty_tuple);
        }
        self.alloc(self.t.tuple, Kind::Tuple(items.into_boxed_slice()))
    }

    /// A list taking ownership of `items`, with exactly that capacity (`PyList_New(n)`).
    pub fn new_list(&mut self, items: Vec<ObjRef>) -> ObjRef {
        let allocated = items.len();
        self.alloc(
            self.t.list,
            Kind::List(Box::new(ListObj { items, allocated })),
        )
    }

    pub fn new_list_with_capacity(&mut self, items: Vec<ObjRef>, allocated: usize) -> ObjRef {
        self.alloc(
            self.t.list,
            Kind::List(Box::new(ListObj { items, allocated })),
        )
    }

    pub fn new_dict(&mut self) -> ObjRef {
        self.alloc(self.t.dict, Kind::Dict(Box::new(DictObj::new())))
    }

    pub fn new_set(&mut self) -> ObjRef {
        self.alloc(self.t.set, Kind::Set(Box::new(SetObj::new())))
    }

    pub fn new_frozenset(&mut self) -> ObjRef {
        self.alloc(self.t.frozenset, Kind::Set(Box::new(SetObj::new())))
    }

    pub fn new_cell(&mut self, contents: ObjRef) -> ObjRef {
        self.alloc(self.t.cell, Kind::Cell(contents))
    }

    /// A native function object.
    pub fn new_native(
        &mut self,
        name: &'static str,
        func: NativeFn,
        receiver: ObjRef,
        kind: NativeKind,
    ) -> ObjRef {
        self.incref(receiver);
        let class = self.t.builtin_function;
        self.alloc(
            class,
            Kind::Native(Box::new(NativeObj {
                name,
                func,
                receiver,
                kind,
                owner: ObjRef::NULL,
            })),
        )
    }

    // ----- reading objects -----

    /// The text of a str object (empty for non-strings).
    pub fn str_of(&self, r: ObjRef) -> &str {
        match self.kind(r) {
            Kind::Str(s) => &s.s,
            _ => "",
        }
    }

    pub fn is_str(&self, r: ObjRef) -> bool {
        matches!(self.kind(r), Kind::Str(_))
    }

    /// The i64 value of an int or bool object, if it has one.
    pub fn int_value(&self, r: ObjRef) -> Option<i64> {
        match self.kind(r) {
            Kind::Int(i) => Some(*i),
            Kind::Bool(b) => Some(i64::from(*b)),
            _ => None,
        }
    }

    /// Items of a tuple (empty slice for other objects).
    pub fn tuple_items(&self, r: ObjRef) -> &[ObjRef] {
        match self.kind(r) {
            Kind::Tuple(items) => items,
            _ => &[],
        }
    }

    pub fn list_items(&self, r: ObjRef) -> &[ObjRef] {
        match self.kind(r) {
            Kind::List(l) => &l.items,
            _ => &[],
        }
    }

    pub fn dict_obj(&self, r: ObjRef) -> &DictObj {
        match self.kind(r) {
            Kind::Dict(d) => d,
            other => panic!("dict_obj on {other:?}"),
        }
    }

    pub fn dict_mut(&mut self, r: ObjRef) -> &mut DictObj {
        match &mut self.heap.get_mut(r).kind {
            Kind::Dict(d) => d,
            _ => panic!("dict_mut on a non-dict"),
        }
    }

    pub fn type_obj(&self, r: ObjRef) -> &TypeObj {
        match self.kind(r) {
            Kind::Type(t) => t,
            other => panic!("type_obj on {other:?}"),
        }
    }

    pub fn is_type(&self, r: ObjRef) -> bool {
        matches!(self.kind(r), Kind::Type(_))
    }

    /// The name of an object's type, as error messages show it.
    pub fn type_name(&self, r: ObjRef) -> String {
        let c = self.class_of(r);
        self.type_obj(c).name.clone()
    }

    /// Writes program output (stdout when `err` is false).
    pub fn write_output(&mut self, text: &str, err: bool) -> PyResult<()> {
        self.out.bytes += text.len() as u64;
        if let Some(rec) = self.rec.as_mut() {
            // Output belongs to the instruction that wrote it (the counter already moved on).
            rec.output(self.steps.saturating_sub(1), text, err);
        }
        if self.out.stream {
            let buf = if err {
                &mut self.out.stderr
            } else {
                &mut self.out.stdout
            };
            buf.push_str(text);
            if buf.len() > 1 << 13 {
                self.flush_output();
            }
        } else if self.rec.is_none() {
            let buf = if err {
                &mut self.out.stderr
            } else {
                &mut self.out.stdout
            };
            buf.push_str(text);
        }
        if self.out.bytes > self.limits.max_output_bytes {
            let msg = format!(
                "output limit of {} bytes exceeded",
                self.limits.max_output_bytes
            );
            return Err(self.halt_with(HaltReason::Limit(pyscope_trace::LimitKind::Output, msg)));
        }
        Ok(())
    }

    /// Sends buffered output to the process's stdout and stderr (streaming mode).
    pub fn flush_output(&mut self) {
        use std::io::Write;
        if !self.out.stream {
            return;
        }
        if !self.out.stdout.is_empty() {
            let mut o = std::io::stdout();
            let _ = o.write_all(self.out.stdout.as_bytes());
            let _ = o.flush();
            self.out.stdout.clear();
        }
        if !self.out.stderr.is_empty() {
            let mut e = std::io::stderr();
            let _ = e.write_all(self.out.stderr.as_bytes());
            self.out.stderr.clear();
        }
    }

    /// Records why the run halts and returns the flow that unwinds native frames.
    pub fn halt_with(&mut self, reason: HaltReason) -> Flow {
        if self.halt.is_none() {
            self.halt = Some(reason);
        }
        Flow::Halt
    }

    /// Source text of a file known to the VM.
    pub fn source_of(&self, name: &str) -> Option<Rc<str>> {
        self.files
            .iter()
            .find(|f| f.name == name)
            .map(|f| f.text.clone())
    }

    pub fn new_frame_id(&mut self) -> u64 {
        self.next_frame_id += 1;
        self.next_frame_id
    }

    /// Runs `__del__` for objects whose count reached zero, then frees them.
    pub fn run_finalizers(&mut self) -> PyResult<()> {
        while let Some(obj) = self.heap.pending_finalize.pop() {
            self.heap.slots[obj.0 as usize].rc = 1;
            let result = self.call_method_by_name(obj, "__del__", &[]);
            match result {
                Ok(r) => self.decref(r),
                Err(Flow::Halt) => return Err(Flow::Halt),
                Err(Flow::Exc(e)) => {
                    self.report_unraisable(e, obj)?;
                }
            }
            let slot = &mut self.heap.slots[obj.0 as usize];
            slot.rc -= 1;
            if slot.rc == 0 {
                self.heap.free_finalized(obj);
            }
        }
        Ok(())
    }
}
