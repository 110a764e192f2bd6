//! The assembler: turns a unit's control-flow graph into a finished code object, running the
//! passes of CPython 3.11's `assemble()` in the same order — block normalisation, exit-block
//! extension, prologue insertion, cell-offset fixing, the CFG optimizer, exit duplication,
//! constant trimming, line propagation, stack depth, exception labelling and jump layout.

mod flow;
mod layout;
mod lines;
mod optimize;

use std::rc::Rc;

use crate::cfg::{Block, BlockId, Ins, Loc};
use crate::code::{CodeObject, flags, slot_kind};
use crate::codegen::Unit;
use crate::opcode::Opcode;

/// The blocks of one unit; block 0 is the entry, `next` links give the layout order.
pub(crate) struct Graph {
    pub blocks: Vec<Block>,
}

impl Graph {
    /// Block ids in layout order, starting at the entry.
    pub fn chain(&self) -> Vec<BlockId> {
        let mut out = Vec::new();
        let mut b = Some(0);
        while let Some(id) = b {
            out.push(id);
            b = self.blocks[id].next;
        }
        out
    }

    /// Block ids in CPython's `b_list` order (most recently allocated first).
    pub fn all_rev(&self) -> Vec<BlockId> {
        (0..self.blocks.len()).rev().collect()
    }

    /// The first non-empty block at or after `b` in layout order.
    pub fn skip_empty(&self, mut b: BlockId) -> BlockId {
        while self.blocks[b].instrs.is_empty() {
            match self.blocks[b].next {
                Some(n) => b = n,
                None => break,
            }
        }
        b
    }
}

pub(crate) fn assemble(unit: Unit<'_>, filename: &Rc<str>) -> Result<CodeObject, String> {
    let (localsplus_names, localsplus_kinds, cell_offsets) = localsplus(&unit);
    let mut g = Graph {
        blocks: unit.blocks,
    };
    for b in g.all_rev() {
        optimize::normalize_block(&mut g, b);
    }
    for b in g.all_rev() {
        optimize::extend_block(&mut g, b);
    }
    insert_prologue(
        &mut g,
        &unit.cellvars,
        unit.freevars.len(),
        &cell_offsets,
        unit.flags,
        unit.firstlineno,
    );
    fix_cell_offsets(&mut g, &cell_offsets);
    let mut consts = unit.consts;
    optimize::optimize_cfg(&mut g, &mut consts);
    lines::duplicate_exits_without_lineno(&mut g);
    trim_unused_consts(&g, &mut consts);
    lines::propagate_line_numbers(&mut g);
    lines::guarantee_lineno_for_exits(&mut g, unit.firstlineno);
    let max_depth = flow::stackdepth(&mut g)?;
    flow::label_exception_targets(&mut g);
    for b in g.chain() {
        for ins in g.blocks[b].instrs.iter_mut() {
            if ins.is_block_push() || ins.op == Opcode::POP_BLOCK {
                ins.op = Opcode::NOP;
                ins.arg = 0;
            }
        }
    }
    for b in g.chain() {
        lines::clean_block(&mut g, b);
    }
    let out = layout::layout(&g);
    let mut code_flags = unit.flags;
    if unit.freevars.is_empty() && unit.cellvars.is_empty() {
        code_flags |= flags::NOFREE;
    }
    Ok(CodeObject {
        name: Rc::from(unit.name.as_str()),
        qualname: Rc::from(unit.qualname.as_str()),
        filename: filename.clone(),
        firstlineno: unit.firstlineno,
        flags: code_flags,
        argcount: unit.argcount,
        posonlyargcount: unit.posonlyargcount,
        kwonlyargcount: unit.kwonlyargcount,
        instrs: out.instrs,
        positions: out.positions,
        columnless: out.columnless,
        anchors: out.anchors,
        consts,
        names: unit.names.clone(),
        localsplus_names,
        localsplus_kinds,
        exception_table: out.exception_table,
        stacksize: max_depth,
    })
}

/// Lays out fast locals, cells and free variables as CPython 3.11 does; returns the names,
/// kinds, and the slot of every deref index (cells first, then frees).
fn localsplus(unit: &Unit<'_>) -> (Vec<Rc<str>>, Vec<u8>, Vec<u32>) {
    let mut names: Vec<Rc<str>> = unit.varnames.iter().map(|n| Rc::from(n.as_str())).collect();
    let mut kinds = vec![slot_kind::LOCAL; names.len()];
    let nlocals = names.len() as u32;
    let mut offsets = Vec::new();
    let mut extra = 0;
    for cell in &unit.cellvars {
        if let Some(i) = unit.varnames.iter().position(|v| v == cell) {
            kinds[i] |= slot_kind::CELL;
            offsets.push(i as u32);
        } else {
            names.push(Rc::from(cell.as_str()));
            kinds.push(slot_kind::CELL);
            offsets.push(nlocals + extra);
            extra += 1;
        }
    }
    for free in &unit.freevars {
        names.push(Rc::from(free.as_str()));
        kinds.push(slot_kind::FREE);
        offsets.push(nlocals + extra);
        extra += 1;
    }
    (names, kinds, offsets)
}

/// Inserts `COPY_FREE_VARS`, `MAKE_CELL`s and the generator prologue at the start of the
/// entry block (CPython's `insert_prefix_instructions`).
fn insert_prologue(
    g: &mut Graph,
    cellvars: &[String],
    nfree: usize,
    cell_offsets: &[u32],
    code_flags: u32,
    firstlineno: u32,
) {
    let mut prologue = Vec::new();
    if nfree > 0 {
        prologue.push(Ins::new(Opcode::COPY_FREE_VARS, nfree as u32, Loc::NONE));
    }
    let mut cells: Vec<(u32, u32)> = (0..cellvars.len())
        .map(|i| (cell_offsets[i], i as u32))
        .collect();
    cells.sort_unstable();
    for (_, old) in cells {
        prologue.push(Ins::new(Opcode::MAKE_CELL, old, Loc::NONE));
    }
    if code_flags & (flags::GENERATOR | flags::COROUTINE | flags::ASYNC_GENERATOR) != 0 {
        let line = firstlineno as i32;
        let loc = Loc {
            line,
            end_line: line,
            col: -1,
            end_col: -1,
        };
        prologue.push(Ins::new(Opcode::RETURN_GENERATOR, 0, loc));
        prologue.push(Ins::new(Opcode::POP_TOP, 0, Loc::NONE));
    }
    let entry = &mut g.blocks[0].instrs;
    prologue.append(entry);
    *entry = prologue;
}

/// Maps cell and free variable indices to their slots (CPython's `fix_cell_offsets`).
fn fix_cell_offsets(g: &mut Graph, offsets: &[u32]) {
    for b in g.blocks.iter_mut() {
        for i in b.instrs.iter_mut() {
            if matches!(
                i.op,
                Opcode::LOAD_DEREF
                    | Opcode::STORE_DEREF
                    | Opcode::DELETE_DEREF
                    | Opcode::LOAD_CLOSURE
                    | Opcode::LOAD_CLASSDEREF
                    | Opcode::MAKE_CELL
            ) {
                i.arg = offsets.get(i.arg as usize).copied().unwrap_or(i.arg);
            }
        }
    }
}

/// Drops constants after the last one any instruction uses; the first (the docstring slot)
/// always stays.
fn trim_unused_consts(g: &Graph, consts: &mut Vec<crate::code::Constant>) {
    let mut max = 0;
    for b in g.chain() {
        for i in &g.blocks[b].instrs {
            if matches!(i.op, Opcode::LOAD_CONST | Opcode::KW_NAMES) {
                max = max.max(i.arg as usize);
            }
        }
    }
    consts.truncate(max + 1);
}
