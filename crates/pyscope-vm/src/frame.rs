//! Frames: one per running code object, holding its value stack and fast locals. Frames
//! live in the thread's frame stack (never on the Rust stack), so a run can stop after any
//! instruction and generators can keep their frame while suspended.

use std::rc::Rc;

use crate::object::{LoadedCode, ObjRef};

/// What to do when a generator frame yields or returns, depending on who resumed it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resume {
    /// Not a resumed generator frame.
    None,
    /// A native caller (`next()`, `list()`, `send()`) waits in a nested run.
    Native,
    /// `FOR_ITER` in the caller: push the value, or jump to `target` when exhausted.
    ForIter { target: u32 },
    /// `SEND` in the caller: push the value, or replace the receiver and jump to `target`.
    Send { target: u32 },
}

#[derive(Clone, Debug)]
pub struct Frame {
    pub code: Rc<LoadedCode>,
    /// Index of the next instruction.
    pub pc: u32,
    /// Index of the instruction being executed (for tracebacks and traces).
    pub lasti: u32,
    pub stack: Vec<ObjRef>,
    /// Locals, cells and free variables (CPython's localsplus); NULL means unbound.
    pub fast: Vec<ObjRef>,
    pub globals: ObjRef,
    pub builtins: ObjRef,
    /// The namespace of module and class frames (NULL for function frames).
    pub locals: ObjRef,
    /// The function being run (NULL for modules and class bodies).
    pub func: ObjRef,
    /// Keyword names set by `KW_NAMES` for the next call (a constant; not owned).
    pub kw_names: ObjRef,
    /// Run-wide frame id, for traces.
    pub id: u64,
    /// The generator this frame belongs to (NULL otherwise; not owned).
    pub generator: ObjRef,
    /// A native caller waits for this frame: returning from it ends a nested run.
    pub boundary: bool,
    pub resume: Resume,
    /// The exception being handled when a generator frame was suspended.
    pub saved_exc: ObjRef,
    /// The line of the previously executed instruction of this frame (0: none yet).
    pub last_line: u32,
    /// The index of the previously executed instruction (`u32::MAX`: none yet).
    pub pc_prev: u32,
    /// For an `__init__` frame run by a class call: the new instance, returned in place of
    /// `__init__`'s None (owned).
    pub init_instance: ObjRef,
}

impl Frame {
    pub fn new(
        code: Rc<LoadedCode>,
        globals: ObjRef,
        builtins: ObjRef,
        locals: ObjRef,
        id: u64,
    ) -> Frame {
        let nlocals = code.code.localsplus_names.len();
        let stack = Vec::with_capacity(code.code.stacksize as usize + 1);
        Frame {
            code,
            pc: 0,
            lasti: 0,
            stack,
            fast: vec![ObjRef::NULL; nlocals],
            globals,
            builtins,
            locals,
            func: ObjRef::NULL,
            kw_names: ObjRef::NULL,
            id,
            generator: ObjRef::NULL,
            boundary: false,
            resume: Resume::None,
            saved_exc: ObjRef::NULL,
            last_line: 0,
            pc_prev: u32::MAX,
            init_instance: ObjRef::NULL,
        }
    }

    /// The references this frame owns.
    pub fn children(&self, out: &mut Vec<ObjRef>) {
        out.extend(self.stack.iter().copied());
        out.extend(self.fast.iter().copied());
        out.extend([
            self.globals,
            self.builtins,
            self.locals,
            self.func,
            self.saved_exc,
            self.init_instance,
        ]);
    }

    /// The current source line.
    pub fn line(&self) -> u32 {
        self.code.code.line_of(self.lasti as usize)
    }
}
