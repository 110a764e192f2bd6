//! Emission primitives, after CPython 3.11's `ADDOP*` macros: every instruction takes the
//! unit's current location (or none), jumps and exits end the current basic block, and
//! blocks are linked in the order they are used.

use ruff_text_size::TextRange;

use super::Compiler;
use crate::cfg::{Block, Ins, Loc};
use crate::code::{Anchor, Constant};
use crate::opcode::Opcode;

/// A basic block that jumps can target (CPython's `basicblock *`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Label(pub usize);

impl<'a> Compiler<'a> {
    /// The location of a source range.
    pub fn loc_of(&self, range: TextRange) -> Loc {
        let p = self.lines.position(range.start(), range.end());
        Loc {
            line: p.line as i32,
            end_line: p.end_line as i32,
            col: p.col as i32,
            end_col: p.end_col as i32,
        }
    }

    /// CPython's `SET_LOC`.
    pub fn set_loc(&mut self, range: TextRange) {
        let loc = self.loc_of(range);
        self.unit().loc = loc;
    }

    /// CPython's `UNSET_LOC`: what follows is artificial until a node sets a location.
    pub fn unset_loc(&mut self) {
        self.unit().loc = Loc::NONE;
    }

    /// Allocates a new, unlinked block (CPython's `compiler_new_block`).
    pub fn new_block(&mut self) -> Label {
        let unit = self.unit();
        unit.blocks.push(Block::default());
        Label(unit.blocks.len() - 1)
    }

    /// Makes `label` the block that follows the current one and emits into it
    /// (CPython's `compiler_use_next_block`).
    pub fn use_next(&mut self, label: Label) {
        let unit = self.unit();
        let cur = unit.cur;
        unit.blocks[cur].next = Some(label.0);
        unit.cur = label.0;
        unit.need_new_block = false;
    }

    fn push(&mut self, ins: Ins) {
        if self.unit_ref().need_new_block {
            let b = self.new_block();
            self.use_next(b);
        }
        let ends = ins.ends_block();
        let is_return = ins.op == Opcode::RETURN_VALUE;
        let unit = self.unit();
        let cur = unit.cur;
        unit.blocks[cur].instrs.push(ins);
        if is_return {
            unit.blocks[cur].has_return = true;
        }
        if ends {
            unit.need_new_block = true;
        }
    }

    /// Emits an instruction without argument at the current location.
    pub fn addop(&mut self, op: Opcode) {
        self.addop_i(op, 0);
    }

    /// Emits an instruction at the current location.
    pub fn addop_i(&mut self, op: Opcode, arg: u32) {
        let loc = self.unit_ref().loc;
        self.push(Ins::new(op, arg, loc));
    }

    /// Emits an instruction with no location of its own.
    pub fn addop_noline(&mut self, op: Opcode) {
        self.push(Ins::new(op, 0, Loc::NONE));
    }

    /// Emits an instruction with an argument and no location of its own.
    pub fn addop_noline_i(&mut self, op: Opcode, arg: u32) {
        self.push(Ins::new(op, arg, Loc::NONE));
    }

    /// Emits an instruction that carries traceback caret anchors.
    pub fn addop_anchored(&mut self, op: Opcode, arg: u32, anchor: Anchor) {
        let loc = self.unit_ref().loc;
        let mut ins = Ins::new(op, arg, loc);
        ins.anchor = Some(anchor);
        self.push(ins);
    }

    /// Emits a jump (or `SETUP_*`) to `target` at the current location.
    pub fn addop_j(&mut self, op: Opcode, target: Label) {
        let loc = self.unit_ref().loc;
        let mut ins = Ins::new(op, 0, loc);
        ins.target = Some(target.0);
        self.push(ins);
    }

    /// Emits a jump with no location of its own.
    pub fn addop_j_noline(&mut self, op: Opcode, target: Label) {
        let mut ins = Ins::new(op, 0, Loc::NONE);
        ins.target = Some(target.0);
        self.push(ins);
    }

    /// Index of a constant, merging equal constants of the same type.
    pub fn add_const(&mut self, c: Constant) -> u32 {
        let unit = self.unit();
        if let Some(i) = unit.consts.iter().position(|x| x.same(&c)) {
            return i as u32;
        }
        unit.consts.push(c);
        unit.consts.len() as u32 - 1
    }

    /// `LOAD_CONST` at the current location.
    pub fn load_const(&mut self, c: Constant) {
        let i = self.add_const(c);
        self.addop_i(Opcode::LOAD_CONST, i);
    }
}
