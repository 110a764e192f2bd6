//! The plain-data types of a Pyscope execution trace, and pure functions over them.
//!
//! This crate is the contract between the VM and everything that shows a run: the CLI's JSON,
//! the web worker's messages and the UI. Nothing here knows about the VM; the VM builds these
//! values, and the UI only reads them. It is the only crate below the wasm layer that uses
//! serde.

mod diff;
pub mod json;
pub mod pytutor;
mod render;

use serde::{Deserialize, Serialize};

pub use diff::{StateDiff, diff};
pub use render::render_text;

/// A heap object's identity within one run: stable for the object's life and never reused.
pub type ObjectId = u64;

/// Identifies a code object within one run (see [`CodeView`]).
pub type CodeId = u32;

/// What a whole recorded run looks like, without any state.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TraceSummary {
    /// Executed bytecode instructions (instruction steps are numbered from 0).
    pub steps: u64,
    /// Line steps: the first instruction of each new line event.
    pub line_steps: u64,
    /// The source files of the run, main file first.
    pub files: Vec<SourceFile>,
    pub outcome: Outcome,
    /// Milliseconds spent recording.
    pub record_ms: f64,
    /// Bytes held by the recorder (step log, checkpoints, output log).
    pub trace_bytes: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceFile {
    pub name: String,
    pub text: String,
}

/// How a run ended (or why it is paused).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Outcome {
    /// Still recording.
    #[default]
    Running,
    /// The program finished normally (exit status 0 unless `sys.exit` said otherwise).
    Finished { exit_status: i32 },
    /// An uncaught exception ended the program; `message` is its last traceback line.
    Exception { message: String, exit_status: i32 },
    /// The source did not compile; `message` is the `SyntaxError: ...` line.
    SyntaxError {
        message: String,
        line: u32,
        col: u32,
        end_line: u32,
        end_col: u32,
    },
    /// A limit stopped the run; the trace up to here is still browsable.
    Limit { limit: LimitKind, message: String },
    /// The user pressed Stop.
    Stopped,
    /// `input()` is waiting for a line.
    WaitingForInput { prompt: String },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LimitKind {
    Steps,
    HeapObjects,
    Recursion,
    Output,
}

/// One entry of the line-step index.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineStep {
    /// The instruction step where the line event happens.
    pub step: u64,
    pub file: u32,
    pub line: u32,
    /// Number of Python frames active (the module frame is depth 0).
    pub depth: u32,
    pub thread: u32,
}

/// Something notable that happened at a step, beyond executing its instruction.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Event {
    /// A new line starts here.
    Line,
    /// A Python function was entered.
    Call {
        function: String,
    },
    /// A frame returned a value.
    Return {
        function: String,
        value: Option<ObjectId>,
    },
    /// An exception was raised here.
    Exception {
        type_name: String,
        message: String,
    },
    /// A handler caught the exception.
    ExceptionCaught {
        type_name: String,
    },
    /// A frame was left because an exception passed through it.
    Unwind {
        function: String,
    },
    /// A generator or coroutine suspended itself.
    Yield {
        function: String,
    },
    /// A generator or coroutine was resumed.
    Resume {
        function: String,
    },
    ImportStart {
        module: String,
    },
    ImportEnd {
        module: String,
    },
    ThreadSwitch {
        from: u32,
        to: u32,
    },
    TaskSwitch {
        task: String,
    },
    /// `input()` read a line.
    Input {
        line: String,
    },
    /// A limit stopped the run at this step.
    Limit {
        message: String,
    },
}

/// A source range, 1-based lines and 0-based character columns.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    pub file: String,
    pub line: u32,
    pub col: u32,
    pub end_line: u32,
    pub end_col: u32,
}

/// Everything the program's memory holds at one instruction step.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct State {
    /// The instruction step (0-based) this state is taken at, before it executes.
    pub step: u64,
    /// The line step (0-based) that contains `step`.
    pub line_step: u64,
    pub total_steps: u64,
    pub total_line_steps: u64,
    pub location: Location,
    pub thread: u32,
    /// Events at this step.
    pub events: Vec<Event>,
    /// Active frames of the current thread, outermost (`<module>`) first.
    pub frames: Vec<FrameView>,
    /// Objects the program can reach, by ascending id.
    pub heap: Vec<HeapObject>,
    pub stdout: String,
    pub stderr: String,
    /// The exception being raised or handled, if any.
    pub exception: Option<ObjectId>,
    /// `sys.modules` in import order: user modules as objects, the rest as named leaves.
    pub modules: Vec<ModuleEntry>,
    /// Threads other than the current one, with their frames.
    pub other_threads: Vec<ThreadView>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ThreadView {
    pub id: u32,
    pub name: String,
    pub frames: Vec<FrameView>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModuleEntry {
    pub name: String,
    /// The module object, when it is user code shown in the heap.
    pub id: Option<ObjectId>,
}

/// A name and what it is bound to (`None`: unbound).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Binding {
    pub name: String,
    pub value: Option<ObjectId>,
}

/// One frame: locals, cells and the value stack, as references into the heap.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FrameView {
    /// Stable identity of the frame for the run.
    pub id: u64,
    pub name: String,
    pub qualname: String,
    /// 0 for `<module>` (or the bottom frame of a thread), then one more per call.
    pub depth: u32,
    pub file: String,
    pub line: u32,
    pub code: CodeId,
    /// Index of the current instruction in the code object.
    pub instr: u32,
    /// Local variables in `co_varnames` order (globals, for module frames).
    pub locals: Vec<Binding>,
    /// Cell and free variables: names bound to cell objects.
    pub cells: Vec<Binding>,
    /// The value stack, bottom first; `None` is CPython's NULL marker.
    pub stack: Vec<Option<ObjectId>>,
    /// The value being returned, at a return step.
    pub return_value: Option<ObjectId>,
    /// The function or generator object this frame runs, if any.
    pub function: Option<ObjectId>,
}

/// One object of the heap graph.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HeapObject {
    pub id: ObjectId,
    pub type_name: String,
    /// The object's class, when it is itself in the heap (user classes).
    pub class: Option<ObjectId>,
    pub refcount: u64,
    /// `id(obj)` as the program sees it.
    pub address: u64,
    /// `sys.getsizeof(obj)`.
    pub size: u64,
    pub value: ObjectValue,
}

/// The contents of an object, by kind.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ObjectValue {
    None,
    Bool {
        value: bool,
    },
    Int {
        repr: String,
    },
    Float {
        repr: String,
    },
    Complex {
        repr: String,
    },
    Str {
        value: String,
    },
    Bytes {
        repr: String,
    },
    List {
        items: Vec<ObjectId>,
        allocated: u64,
    },
    Tuple {
        items: Vec<ObjectId>,
    },
    Dict {
        entries: Vec<(ObjectId, ObjectId)>,
        table: Option<DictTable>,
    },
    Set {
        items: Vec<ObjectId>,
        frozen: bool,
        table: SetTable,
    },
    Range {
        start: String,
        stop: String,
        step: String,
    },
    Function {
        name: String,
        qualname: String,
        signature: String,
        defaults: Vec<ObjectId>,
        kwdefaults: Vec<Binding>,
        closure: Vec<Binding>,
        code: CodeId,
    },
    BuiltinFunction {
        name: String,
    },
    BoundMethod {
        function: ObjectId,
        receiver: ObjectId,
    },
    Class {
        name: String,
        qualname: String,
        bases: Vec<ObjectId>,
        mro: Vec<String>,
        attrs: Vec<Binding>,
    },
    Instance {
        attrs: Vec<Binding>,
    },
    Module {
        name: String,
        attrs: Vec<Binding>,
    },
    Cell {
        contents: Option<ObjectId>,
    },
    Generator {
        name: String,
        status: String,
        frame: Option<Box<FrameView>>,
    },
    Exception {
        args: Vec<ObjectId>,
        message: String,
        cause: Option<ObjectId>,
        context: Option<ObjectId>,
    },
    Iterator {
        over: Option<ObjectId>,
        position: u64,
    },
    /// A named leaf that is not drawn further (builtins, `sys`, stdlib internals).
    Leaf {
        name: String,
    },
    Other {
        repr: String,
    },
}

/// A dict's real index table and entries (CPython's compact dict layout).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DictTable {
    /// `general`, `unicode` or `split`.
    pub kind: String,
    pub log2_size: u8,
    /// `dk_usable`: insertions left before a resize.
    pub usable: i64,
    pub nentries: u64,
    pub used: u64,
    /// -1 empty, -2 dummy, otherwise an entry index.
    pub indices: Vec<i64>,
    pub entries: Vec<Option<DictEntry>>,
    /// Slots visited by the last lookup or insertion, in order.
    pub last_probe: Vec<u64>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DictEntry {
    pub hash: i64,
    pub key: ObjectId,
    pub value: ObjectId,
}

/// A set's real hash table.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetTable {
    pub mask: u64,
    pub fill: u64,
    pub used: u64,
    pub slots: Vec<SetSlot>,
    pub last_probe: Vec<u64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SetSlot {
    Empty,
    Dummy,
    Entry { hash: i64, key: ObjectId },
}

/// A code object's disassembly, for the bytecode panel.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeView {
    pub id: CodeId,
    pub name: String,
    pub qualname: String,
    pub file: String,
    pub first_line: u32,
    pub instrs: Vec<InstrView>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstrView {
    pub index: u32,
    /// CPython's byte offset, as `dis` shows it.
    pub offset: u32,
    /// The line this instruction starts, if it starts one.
    pub starts_line: Option<u32>,
    pub line: u32,
    pub opname: String,
    pub arg: Option<u32>,
    pub argrepr: String,
    pub is_jump_target: bool,
}

impl State {
    /// The heap object with this id, if it is in the state.
    pub fn object(&self, id: ObjectId) -> Option<&HeapObject> {
        self.heap
            .binary_search_by_key(&id, |o| o.id)
            .ok()
            .map(|i| &self.heap[i])
    }

    /// The innermost frame.
    pub fn current_frame(&self) -> Option<&FrameView> {
        self.frames.last()
    }
}

impl ObjectValue {
    /// The ids this object refers to, with a label for each edge (index, key, attribute).
    pub fn references(&self) -> Vec<(String, ObjectId)> {
        let mut out = Vec::new();
        let bindings = |out: &mut Vec<(String, ObjectId)>, b: &[Binding]| {
            for x in b {
                if let Some(v) = x.value {
                    out.push((x.name.clone(), v));
                }
            }
        };
        match self {
            ObjectValue::List { items, .. } | ObjectValue::Tuple { items } => {
                for (i, id) in items.iter().enumerate() {
                    out.push((i.to_string(), *id));
                }
            }
            ObjectValue::Set { items, .. } => {
                for (i, id) in items.iter().enumerate() {
                    out.push((i.to_string(), *id));
                }
            }
            ObjectValue::Dict { entries, .. } => {
                for (k, v) in entries {
                    out.push((format!("key{k}"), *k));
                    out.push((format!("value{k}"), *v));
                }
            }
            ObjectValue::Function {
                defaults,
                kwdefaults,
                closure,
                ..
            } => {
                for (i, d) in defaults.iter().enumerate() {
                    out.push((format!("default{i}"), *d));
                }
                bindings(&mut out, kwdefaults);
                bindings(&mut out, closure);
            }
            ObjectValue::BoundMethod { function, receiver } => {
                out.push(("__func__".into(), *function));
                out.push(("__self__".into(), *receiver));
            }
            ObjectValue::Class { bases, attrs, .. } => {
                for (i, b) in bases.iter().enumerate() {
                    out.push((format!("base{i}"), *b));
                }
                bindings(&mut out, attrs);
            }
            ObjectValue::Instance { attrs } | ObjectValue::Module { attrs, .. } => {
                bindings(&mut out, attrs)
            }
            ObjectValue::Cell { contents: Some(c) } => out.push(("cell_contents".into(), *c)),
            ObjectValue::Generator { frame: Some(f), .. } => {
                for b in f.locals.iter().chain(f.cells.iter()) {
                    if let Some(v) = b.value {
                        out.push((b.name.clone(), v));
                    }
                }
            }
            ObjectValue::Exception {
                args,
                cause,
                context,
                ..
            } => {
                for (i, a) in args.iter().enumerate() {
                    out.push((format!("arg{i}"), *a));
                }
                if let Some(c) = cause {
                    out.push(("__cause__".into(), *c));
                }
                if let Some(c) = context {
                    out.push(("__context__".into(), *c));
                }
            }
            ObjectValue::Iterator { over: Some(o), .. } => out.push(("over".into(), *o)),
            _ => {}
        }
        out
    }
}
