//! Code objects: the compiler's output and the VM's input, shaped like CPython's `PyCodeObject`.

use std::fmt;
use std::rc::Rc;

use num_bigint::BigInt;

use crate::opcode::Instr;

/// Flags of a code object, with CPython's bit values (`co_flags`).
pub mod flags {
    pub const OPTIMIZED: u32 = 0x0001;
    pub const NEWLOCALS: u32 = 0x0002;
    pub const VARARGS: u32 = 0x0004;
    pub const VARKEYWORDS: u32 = 0x0008;
    pub const NESTED: u32 = 0x0010;
    pub const GENERATOR: u32 = 0x0020;
    pub const NOFREE: u32 = 0x0040;
    pub const COROUTINE: u32 = 0x0080;
    pub const ITERABLE_COROUTINE: u32 = 0x0100;
    pub const ASYNC_GENERATOR: u32 = 0x0200;
}

/// The kind of each slot in a frame's "fast locals plus cells plus free variables" array.
pub mod slot_kind {
    /// A plain local variable.
    pub const LOCAL: u8 = 0x20;
    /// A local that nested scopes capture: the slot holds a cell (a captured parameter is
    /// `LOCAL | CELL`).
    pub const CELL: u8 = 0x40;
    /// A variable captured from an enclosing scope.
    pub const FREE: u8 = 0x80;
}

/// A compile-time constant, as stored in `co_consts`.
#[derive(Clone, Debug)]
pub enum Constant {
    None,
    Ellipsis,
    Bool(bool),
    Int(BigInt),
    Float(f64),
    Complex(f64, f64),
    Str(Rc<str>),
    Bytes(Rc<[u8]>),
    Tuple(Rc<[Constant]>),
    FrozenSet(Rc<[Constant]>),
    Code(Rc<CodeObject>),
}

impl Constant {
    /// Identity for constant merging: equal constants of the same type share one object,
    /// as CPython's `_PyCode_ConstantKey` arranges (so `0.0` and `-0.0`, or `1` and `True`,
    /// stay apart).
    pub fn same(&self, other: &Constant) -> bool {
        use Constant::*;
        match (self, other) {
            (None, None) | (Ellipsis, Ellipsis) => true,
            (Bool(a), Bool(b)) => a == b,
            (Int(a), Int(b)) => a == b,
            // A NaN is only ever equal to the very same object, which CPython never reuses.
            (Float(a), Float(b)) => !a.is_nan() && a.to_bits() == b.to_bits(),
            (Complex(a, b), Complex(c, d)) => {
                !(a.is_nan() || b.is_nan())
                    && a.to_bits() == c.to_bits()
                    && b.to_bits() == d.to_bits()
            }
            (Str(a), Str(b)) => a == b,
            (Bytes(a), Bytes(b)) => a == b,
            (Tuple(a), Tuple(b)) | (FrozenSet(a), FrozenSet(b)) => {
                a.len() == b.len() && a.iter().zip(b.iter()).all(|(x, y)| x.same(y))
            }
            (Code(a), Code(b)) => Rc::ptr_eq(a, b) || a.same_code(b),
            _ => false,
        }
    }
}

/// Source position of one instruction: 1-based lines, 0-based UTF-8 byte columns.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Position {
    pub line: u32,
    pub end_line: u32,
    pub col: u32,
    pub end_col: u32,
}

/// What CPython 3.11's traceback needs, beyond the position, to draw `~~~^^^` carets: the
/// failing expression's shape, as absolute UTF-8 byte offsets into the source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Anchor {
    /// A binary operation: the end of the left operand and the start of the right one.
    BinOp { left_end: u32, right_start: u32 },
    /// A subscript: the end of the container expression and the end of the index expression.
    Subscript { value_end: u32, slice_end: u32 },
}

/// One row of the exception table: instructions `start..end` unwind to `target`, popping the
/// value stack to `depth`, and push the offset of the raising instruction first if `lasti`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExceptionEntry {
    pub start: u32,
    pub end: u32,
    pub target: u32,
    pub depth: u32,
    pub lasti: bool,
}

/// A compiled block of code: module, class body, function, lambda or comprehension.
#[derive(Clone, Debug)]
pub struct CodeObject {
    pub name: Rc<str>,
    pub qualname: Rc<str>,
    pub filename: Rc<str>,
    pub firstlineno: u32,
    pub flags: u32,
    pub argcount: u32,
    pub posonlyargcount: u32,
    pub kwonlyargcount: u32,
    pub instrs: Vec<Instr>,
    pub positions: Vec<Position>,
    /// Per instruction: whether its position has a line but no columns (CPython gives
    /// `RETURN_GENERATOR` and what inherits its location no column information).
    pub columnless: Vec<bool>,
    /// Caret anchors, per instruction, where CPython 3.11 draws `~` and `^` separately.
    pub anchors: Vec<Option<Anchor>>,
    pub consts: Vec<Constant>,
    pub names: Vec<Rc<str>>,
    /// Names of the fast locals, cells and free variables, in slot order.
    pub localsplus_names: Vec<Rc<str>>,
    /// `slot_kind` flags for each entry of `localsplus_names`.
    pub localsplus_kinds: Vec<u8>,
    pub exception_table: Vec<ExceptionEntry>,
    pub stacksize: u32,
}

impl CodeObject {
    /// CPython's code-object equality (`code_richcompare`), under which the compiler merges
    /// identical code objects, e.g. a function compiled twice as part of a `finally` body.
    pub fn same_code(&self, other: &CodeObject) -> bool {
        self.name == other.name
            && self.argcount == other.argcount
            && self.posonlyargcount == other.posonlyargcount
            && self.kwonlyargcount == other.kwonlyargcount
            && self.flags == other.flags
            && self.firstlineno == other.firstlineno
            && self.instrs == other.instrs
            && self.consts.len() == other.consts.len()
            && self
                .consts
                .iter()
                .zip(&other.consts)
                .all(|(a, b)| a.same(b))
            && self.names == other.names
            && self.localsplus_names == other.localsplus_names
            && self.positions == other.positions
            && self.columnless == other.columnless
            && self.exception_table == other.exception_table
    }

    /// The names of plain locals and parameters (`co_varnames`).
    pub fn varnames(&self) -> impl Iterator<Item = &Rc<str>> {
        self.slots_with(|k| k & slot_kind::LOCAL != 0)
    }

    /// The names of cell variables (`co_cellvars`).
    pub fn cellvars(&self) -> impl Iterator<Item = &Rc<str>> {
        self.slots_with(|k| k & slot_kind::CELL != 0)
    }

    /// The names of free variables (`co_freevars`).
    pub fn freevars(&self) -> impl Iterator<Item = &Rc<str>> {
        self.slots_with(|k| k & slot_kind::FREE != 0)
    }

    fn slots_with(&self, pred: impl Fn(u8) -> bool) -> impl Iterator<Item = &Rc<str>> {
        self.localsplus_names
            .iter()
            .zip(self.localsplus_kinds.iter())
            .filter(move |(_, k)| pred(**k))
            .map(|(n, _)| n)
    }

    /// Number of free variables, which sit at the end of the slot array.
    pub fn nfree(&self) -> usize {
        self.localsplus_kinds
            .iter()
            .filter(|k| *k & slot_kind::FREE != 0)
            .count()
    }

    /// Total number of positional and keyword-only parameters, plus `*args` and `**kwargs`.
    pub fn total_args(&self) -> usize {
        let mut n = (self.argcount + self.kwonlyargcount) as usize;
        if self.flags & flags::VARARGS != 0 {
            n += 1;
        }
        if self.flags & flags::VARKEYWORDS != 0 {
            n += 1;
        }
        n
    }

    /// Whether calling it creates a generator, coroutine or async generator.
    pub fn is_generator_like(&self) -> bool {
        self.flags & (flags::GENERATOR | flags::COROUTINE | flags::ASYNC_GENERATOR) != 0
    }

    /// The line of instruction `index` (0 when it has none).
    pub fn line_of(&self, index: usize) -> u32 {
        self.positions.get(index).map_or(0, |p| p.line)
    }

    /// The exception-table entry covering instruction `index`, if any.
    pub fn handler_for(&self, index: u32) -> Option<&ExceptionEntry> {
        self.exception_table
            .iter()
            .find(|e| e.start <= index && index < e.end)
    }

    /// Calls `f` on this code object and every code object nested in its constants.
    pub fn walk(self: &Rc<Self>, f: &mut dyn FnMut(&Rc<CodeObject>)) {
        f(self);
        for c in &self.consts {
            if let Constant::Code(inner) = c {
                inner.walk(f);
            }
        }
    }
}

impl fmt::Display for CodeObject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "<code object {}, file \"{}\", line {}>",
            self.name, self.filename, self.firstlineno
        )
    }
}
