//! Final layout: flattens the blocks in order, picks forward or backward jump forms, inserts
//! `EXTENDED_ARG` prefixes for wide arguments, converts locations to positions as CPython's
//! location table would round-trip them, and builds the exception table.

use super::Graph;
use crate::cfg::{BlockId, Ins, Loc};
use crate::code::{Anchor, ExceptionEntry, Position};
use crate::opcode::{Instr, Opcode};

pub struct Layout {
    pub instrs: Vec<Instr>,
    pub positions: Vec<Position>,
    pub columnless: Vec<bool>,
    pub anchors: Vec<Option<Anchor>>,
    pub exception_table: Vec<ExceptionEntry>,
}

/// One instruction in final order; `target` is a position in the flattened list.
struct Flat<'g> {
    ins: &'g Ins,
    op: Opcode,
    target: Option<usize>,
    handler: Option<BlockId>,
}

/// The forward or backward form of a jump.
fn directional(op: Opcode, forward: bool) -> Opcode {
    use Opcode::*;
    match (op, forward) {
        (JUMP, true) | (JUMP_NO_INTERRUPT, true) => JUMP_FORWARD,
        (JUMP, false) => JUMP_BACKWARD,
        (JUMP_NO_INTERRUPT, false) => JUMP_BACKWARD_NO_INTERRUPT,
        (POP_JUMP_IF_FALSE, true) => POP_JUMP_FORWARD_IF_FALSE,
        (POP_JUMP_IF_FALSE, false) => POP_JUMP_BACKWARD_IF_FALSE,
        (POP_JUMP_IF_TRUE, true) => POP_JUMP_FORWARD_IF_TRUE,
        (POP_JUMP_IF_TRUE, false) => POP_JUMP_BACKWARD_IF_TRUE,
        (POP_JUMP_IF_NONE, true) => POP_JUMP_FORWARD_IF_NONE,
        (POP_JUMP_IF_NONE, false) => POP_JUMP_BACKWARD_IF_NONE,
        (POP_JUMP_IF_NOT_NONE, true) => POP_JUMP_FORWARD_IF_NOT_NONE,
        (POP_JUMP_IF_NOT_NONE, false) => POP_JUMP_BACKWARD_IF_NOT_NONE,
        (other, _) => other,
    }
}

/// Number of `EXTENDED_ARG` prefixes an argument needs.
fn extended_args(arg: u32) -> usize {
    usize::from(arg > 0xFF) + usize::from(arg > 0xFFFF) + usize::from(arg > 0xFF_FFFF)
}

pub fn layout(g: &Graph) -> Layout {
    let chain = g.chain();
    let mut block_start = vec![usize::MAX; g.blocks.len()];
    let mut flat: Vec<Flat<'_>> = Vec::new();
    for &b in &chain {
        block_start[b] = flat.len();
        for ins in &g.blocks[b].instrs {
            flat.push(Flat {
                ins,
                op: ins.op,
                target: None,
                handler: ins.except,
            });
        }
    }
    let resolve = |b: BlockId| -> usize {
        let mut id = b;
        loop {
            if block_start[id] != usize::MAX && !g.blocks[id].instrs.is_empty() {
                return block_start[id];
            }
            match g.blocks[id].next {
                Some(n) => id = n,
                None => return block_start[id].min(usize::MAX - 1),
            }
        }
    };
    let first: Vec<usize> = (0..g.blocks.len()).map(resolve).collect();
    for (k, f) in flat.iter_mut().enumerate() {
        if f.ins.is_jump()
            && let Some(t) = f.ins.target
        {
            let target = first[t];
            f.target = Some(target);
            f.op = directional(f.op, target > k);
        }
    }
    let exts = jump_extended_args(&flat);
    emit(g, &flat, &exts, &first)
}

/// Finds how many `EXTENDED_ARG`s each instruction needs, iterating until jump distances
/// (which depend on those prefixes) settle, as CPython's `assemble_jump_offsets` does.
fn jump_extended_args(flat: &[Flat<'_>]) -> Vec<usize> {
    let mut exts: Vec<usize> = flat
        .iter()
        .map(|f| {
            if f.target.is_some() || !f.op.has_arg() {
                0
            } else {
                extended_args(f.ins.arg)
            }
        })
        .collect();
    loop {
        let offsets = unit_offsets(flat, &exts);
        let mut changed = false;
        for (k, f) in flat.iter().enumerate() {
            let Some(t) = f.target else { continue };
            let need = extended_args(relative(&offsets, k, t));
            if need != exts[k] {
                exts[k] = need;
                changed = true;
            }
        }
        if !changed {
            return exts;
        }
    }
}

/// Code-unit offset where each instruction (with its prefixes) starts.
fn unit_offsets(flat: &[Flat<'_>], exts: &[usize]) -> Vec<u32> {
    let mut out = Vec::with_capacity(flat.len() + 1);
    let mut off = 0u32;
    for (f, e) in flat.iter().zip(exts) {
        out.push(off);
        off += (*e + 1) as u32 + f.op.cache_entries();
    }
    out.push(off);
    out
}

/// The relative jump argument from instruction `k` to instruction `t`.
fn relative(offsets: &[u32], k: usize, t: usize) -> u32 {
    let after = offsets[k + 1];
    let to = offsets[t];
    to.abs_diff(after)
}

fn emit(g: &Graph, flat: &[Flat<'_>], exts: &[usize], first: &[usize]) -> Layout {
    let offsets = unit_offsets(flat, exts);
    let mut index_of = Vec::with_capacity(flat.len() + 1);
    let mut n = 0;
    for e in exts {
        index_of.push(n);
        n += e + 1;
    }
    index_of.push(n);
    let mut out = Layout {
        instrs: Vec::with_capacity(n),
        positions: Vec::with_capacity(n),
        columnless: Vec::with_capacity(n),
        anchors: Vec::with_capacity(n),
        exception_table: Vec::new(),
    };
    let mut handlers = Vec::with_capacity(n);
    for (k, f) in flat.iter().enumerate() {
        let (arg, full) = match f.target {
            Some(t) => (index_of[t] as u32, relative(&offsets, k, t)),
            None if f.op.has_arg() => (f.ins.arg, f.ins.arg),
            None => (0, 0),
        };
        let (pos, columnless) = position(f.ins.loc);
        for e in (1..=exts[k]).rev() {
            out.instrs.push(Instr {
                op: Opcode::EXTENDED_ARG,
                arg: (full >> (8 * e)) & 0xFF,
            });
            out.positions.push(pos);
            out.columnless.push(columnless);
            out.anchors.push(None);
            handlers.push(f.handler);
        }
        out.instrs.push(Instr { op: f.op, arg });
        out.positions.push(pos);
        out.columnless.push(columnless);
        out.anchors.push(f.ins.anchor);
        handlers.push(f.handler);
    }
    out.exception_table = exception_table(g, &handlers, |b| index_of[first[b]] as u32);
    out
}

/// The position `dis` reports for a location, after CPython's location-table encoding.
fn position(loc: Loc) -> (Position, bool) {
    if loc.line < 0 {
        return (Position::default(), false);
    }
    let line = loc.line as u32;
    if loc.col < 0 || loc.end_col < 0 {
        let end_line = if loc.end_line < 0 {
            line
        } else {
            loc.end_line as u32
        };
        return (
            Position {
                line,
                end_line,
                col: 0,
                end_col: 0,
            },
            true,
        );
    }
    (
        Position {
            line,
            end_line: loc.end_line.max(0) as u32,
            col: loc.col as u32,
            end_col: loc.end_col as u32,
        },
        false,
    )
}

fn exception_table(
    g: &Graph,
    handlers: &[Option<BlockId>],
    handler_index: impl Fn(BlockId) -> u32,
) -> Vec<ExceptionEntry> {
    let mut table: Vec<ExceptionEntry> = Vec::new();
    let mut k = 0;
    while k < handlers.len() {
        let Some(h) = handlers[k] else {
            k += 1;
            continue;
        };
        let start = k;
        while k < handlers.len() && handlers[k] == Some(h) {
            k += 1;
        }
        let block = &g.blocks[h];
        let lasti = block.preserve_lasti;
        let depth = block
            .startdepth
            .unwrap_or(1)
            .saturating_sub(1 + u32::from(lasti));
        table.push(ExceptionEntry {
            start: start as u32,
            end: k as u32,
            target: handler_index(h),
            depth,
            lasti,
        });
    }
    table
}
