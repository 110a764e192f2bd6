//! The control-flow graph shared by code generation and assembly: source locations, pseudo
//! instructions and basic blocks, shaped like CPython 3.11's `struct instr` and `basicblock`.

use crate::code::Anchor;
use crate::opcode::Opcode;

/// A source location in CPython's terms: 1-based lines, 0-based UTF-8 byte columns, and `-1`
/// for "unknown" (an instruction whose `line` is negative has no location at all).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Loc {
    pub line: i32,
    pub end_line: i32,
    pub col: i32,
    pub end_col: i32,
}

impl Loc {
    /// No location (CPython's `UNSET_LOC`): the assembler fills it in from neighbours.
    pub const NONE: Loc = Loc {
        line: -1,
        end_line: -1,
        col: -1,
        end_col: -1,
    };
}

/// Index of a basic block within its unit (allocation order, as CPython's `b_list` reversed).
pub type BlockId = usize;

/// One instruction of the graph; `target` is set for jumps and `SETUP_*` pseudo-instructions.
#[derive(Clone, Debug)]
pub struct Ins {
    pub op: Opcode,
    pub arg: u32,
    pub target: Option<BlockId>,
    pub loc: Loc,
    pub anchor: Option<Anchor>,
    /// The handler protecting this instruction, once exception targets are labelled.
    pub except: Option<BlockId>,
}

impl Ins {
    pub fn new(op: Opcode, arg: u32, loc: Loc) -> Ins {
        Ins {
            op,
            arg,
            target: None,
            loc,
            anchor: None,
            except: None,
        }
    }

    /// CPython's `is_jump`: the instruction transfers control to `target` (the `SETUP_*`
    /// block pushes are not jumps).
    pub fn is_jump(&self) -> bool {
        self.op.is_jump() && !self.is_block_push()
    }

    /// Whether the instruction is `SETUP_FINALLY`, `SETUP_CLEANUP` or `SETUP_WITH`.
    pub fn is_block_push(&self) -> bool {
        matches!(
            self.op,
            Opcode::SETUP_FINALLY | Opcode::SETUP_CLEANUP | Opcode::SETUP_WITH
        )
    }

    /// Whether the instruction leaves the scope (return or raise).
    pub fn is_exit(&self) -> bool {
        matches!(
            self.op,
            Opcode::RETURN_VALUE | Opcode::RAISE_VARARGS | Opcode::RERAISE
        )
    }

    /// Whether the instruction ends a basic block when it is emitted.
    pub fn ends_block(&self) -> bool {
        self.is_jump() || self.is_exit()
    }
}

/// A basic block; `next` is the block that follows in layout (and fall-through) order.
#[derive(Clone, Debug, Default)]
pub struct Block {
    pub instrs: Vec<Ins>,
    pub next: Option<BlockId>,
    /// A `RETURN_VALUE` was emitted into this block (CPython's `b_return`).
    pub has_return: bool,
    pub nofallthrough: bool,
    pub exit: bool,
    pub preserve_lasti: bool,
    pub predecessors: u32,
    pub startdepth: Option<u32>,
    pub visited: bool,
}
