//! The assembler: turns a unit's labelled pseudo-instructions into a finished code object.
//!
//! It works on basic blocks, as CPython 3.11's assembler does: insert the prologue (cells,
//! free variables, generator start), apply the same peephole rules (tuple folding, jump
//! threading, `is None` jumps), drop unreachable blocks and redundant `NOP`s, propagate line
//! numbers to artificial instructions, find each instruction's stack depth and exception
//! handler by following control flow, and lay the blocks out with forward or backward jumps.

use std::rc::Rc;

use crate::code::{Anchor, CodeObject, Constant, ExceptionEntry, Position, flags, slot_kind};
use crate::codegen::{PInstr, Unit};
use crate::lines::LineIndex;
use crate::opcode::{Instr, Opcode};

/// One instruction inside a block; jump arguments are block indices.
#[derive(Clone, Debug)]
struct BInstr {
    op: Opcode,
    arg: u32,
    line: Option<u32>,
    pos: Option<Position>,
    anchor: Option<Anchor>,
    /// The innermost exception handler covering this instruction: (handler block, lasti).
    handler: Option<(u32, bool)>,
}

#[derive(Clone, Debug, Default)]
struct Block {
    instrs: Vec<BInstr>,
    predecessors: u32,
    /// Stack depth on entry, once known.
    depth: Option<u32>,
}

impl Block {
    fn last(&self) -> Option<&BInstr> {
        self.instrs.last()
    }

    fn falls_through(&self) -> bool {
        self.last().is_none_or(|i| !i.op.is_terminator())
    }
}

pub(crate) fn assemble(
    mut unit: Unit,
    filename: &Rc<str>,
    lines: &LineIndex,
) -> Result<CodeObject, String> {
    let (localsplus_names, localsplus_kinds, cell_offsets) = localsplus(&unit);
    fix_deref_args(&mut unit, &cell_offsets);
    insert_prologue(&mut unit, &cell_offsets);
    let mut blocks = split_blocks(&unit, lines);
    let mut consts = std::mem::take(&mut unit.consts);
    for b in blocks.iter_mut() {
        optimize_block(b, &mut consts);
    }
    thread_jumps(&mut blocks);
    for i in 0..blocks.len() {
        extend_block(&mut blocks, i);
    }
    let max_depth = analyze_flow(&mut blocks)?;
    for b in blocks.iter_mut() {
        for ins in b.instrs.iter_mut() {
            if matches!(
                ins.op,
                Opcode::SETUP_FINALLY
                    | Opcode::SETUP_CLEANUP
                    | Opcode::SETUP_WITH
                    | Opcode::POP_BLOCK
            ) {
                ins.op = Opcode::NOP;
                ins.arg = 0;
            }
        }
    }
    for i in 0..blocks.len() {
        clean_block(&mut blocks, i);
    }
    remove_jumps_to_next(&mut blocks);
    count_predecessors(&mut blocks);
    propagate_lines(&mut blocks);
    guarantee_lines_for_exits(&mut blocks, unit.firstlineno);
    let (instrs, positions, anchors, exception_table) = layout(&blocks);
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
        instrs,
        positions,
        anchors,
        consts,
        names: unit.names.clone(),
        localsplus_names,
        localsplus_kinds,
        exception_table,
        stacksize: max_depth,
    })
}

/// Lays out fast locals, cells and free variables as CPython 3.11 does; returns the names,
/// kinds, and the slot of every deref index (cells first, then frees).
fn localsplus(unit: &Unit) -> (Vec<Rc<str>>, Vec<u8>, Vec<u32>) {
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

fn fix_deref_args(unit: &mut Unit, offsets: &[u32]) {
    for i in &mut unit.instrs {
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

/// Inserts `COPY_FREE_VARS`, `MAKE_CELL`s and the generator prologue before the first
/// instruction, shifting every label.
fn insert_prologue(unit: &mut Unit, cell_offsets: &[u32]) {
    let range = unit.instrs.first().map(|i| i.range).unwrap_or_default();
    let mk = |op, arg| PInstr {
        op,
        arg,
        range,
        no_location: true,
        anchor: None,
    };
    let mut prologue = Vec::new();
    if !unit.freevars.is_empty() {
        prologue.push(mk(Opcode::COPY_FREE_VARS, unit.freevars.len() as u32));
    }
    let mut cells: Vec<u32> = cell_offsets[..unit.cellvars.len()].to_vec();
    cells.sort_unstable();
    for c in cells {
        prologue.push(mk(Opcode::MAKE_CELL, c));
    }
    if unit.flags & (flags::GENERATOR | flags::COROUTINE | flags::ASYNC_GENERATOR) != 0 {
        let at = ruff_text_size::TextRange::at(range.start(), 1.into());
        let located = |op| PInstr {
            op,
            arg: 0,
            range: at,
            no_location: false,
            anchor: None,
        };
        prologue.push(located(Opcode::RETURN_GENERATOR));
        prologue.push(located(Opcode::POP_TOP));
    }
    if prologue.is_empty() {
        return;
    }
    let k = prologue.len() as u32;
    for l in unit.labels.iter_mut().flatten() {
        *l += k;
    }
    prologue.append(&mut unit.instrs);
    unit.instrs = prologue;
}

/// Cuts the instruction list into basic blocks: a block starts at every label and after
/// every jump or terminator; jump arguments become block indices.
fn split_blocks(unit: &Unit, lines: &LineIndex) -> Vec<Block> {
    let n = unit.instrs.len();
    let mut starts = vec![false; n + 1];
    starts[0] = true;
    for l in unit.labels.iter().flatten() {
        starts[*l as usize] = true;
    }
    for (i, ins) in unit.instrs.iter().enumerate() {
        if ins.op.is_jump() || ins.op.is_terminator() {
            starts[i + 1] = true;
        }
    }
    let mut block_of = vec![0u32; n + 1];
    let mut count = 0u32;
    for i in 0..=n {
        if starts[i] && i > 0 {
            count += 1;
        }
        block_of[i] = count;
    }
    let mut blocks = vec![Block::default(); count as usize + 1];
    for (i, ins) in unit.instrs.iter().enumerate() {
        let arg = if ins.op.is_jump() {
            let pos = unit.labels[ins.arg as usize].unwrap_or(n as u32) as usize;
            block_of[pos]
        } else {
            ins.arg
        };
        let located = !(ins.no_location || ins.range.is_empty() && ins.op != Opcode::RESUME);
        let pos = located.then(|| lines.position(ins.range.start(), ins.range.end()));
        let line = match (located, ins.op) {
            (true, Opcode::RESUME) if ins.range.is_empty() && unit.kind_is_module() => Some(0),
            (true, _) => pos.map(|p| p.line),
            (false, _) => None,
        };
        blocks[block_of[i] as usize].instrs.push(BInstr {
            op: ins.op,
            arg,
            line,
            pos,
            anchor: ins.anchor,
            handler: None,
        });
    }
    blocks
}

impl Unit {
    fn kind_is_module(&self) -> bool {
        self.kind == crate::symtable::ScopeKind::Module
    }
}

/// Per-block peephole rules of CPython 3.11's `optimize_basic_block`.
fn optimize_block(b: &mut Block, consts: &mut Vec<Constant>) {
    let mut i = 0;
    while i < b.instrs.len() {
        let op = b.instrs[i].op;
        let arg = b.instrs[i].arg;
        match op {
            Opcode::BUILD_TUPLE => {
                if let Some(next) = b.instrs.get(i + 1)
                    && next.op == Opcode::UNPACK_SEQUENCE
                    && next.arg == arg
                    && (1..=3).contains(&arg)
                {
                    match arg {
                        1 => {
                            b.instrs[i].op = Opcode::NOP;
                            b.instrs[i + 1].op = Opcode::NOP;
                        }
                        _ => {
                            b.instrs[i].op = Opcode::NOP;
                            b.instrs[i + 1].op = Opcode::SWAP;
                        }
                    }
                    i += 1;
                    continue;
                }
                let n = arg as usize;
                if n <= i
                    && b.instrs[i - n..i]
                        .iter()
                        .all(|x| x.op == Opcode::LOAD_CONST)
                {
                    let items: Vec<Constant> = b.instrs[i - n..i]
                        .iter()
                        .map(|x| consts[x.arg as usize].clone())
                        .collect();
                    let folded = Constant::Tuple(Rc::from(items));
                    let index = match consts.iter().position(|c| c.same(&folded)) {
                        Some(k) => k,
                        None => {
                            consts.push(folded);
                            consts.len() - 1
                        }
                    };
                    for x in &mut b.instrs[i - n..i] {
                        x.op = Opcode::NOP;
                    }
                    b.instrs[i].op = Opcode::LOAD_CONST;
                    b.instrs[i].arg = index as u32;
                }
            }
            Opcode::IS_OP => {
                let prev_none = i > 0
                    && b.instrs[i - 1].op == Opcode::LOAD_CONST
                    && matches!(consts[b.instrs[i - 1].arg as usize], Constant::None);
                let next = b.instrs.get(i + 1).map(|x| x.op);
                if prev_none
                    && matches!(
                        next,
                        Some(Opcode::POP_JUMP_IF_FALSE | Opcode::POP_JUMP_IF_TRUE)
                    )
                {
                    let jump_if_true = next == Some(Opcode::POP_JUMP_IF_TRUE);
                    let is_not = arg == 1;
                    b.instrs[i - 1].op = Opcode::NOP;
                    b.instrs[i].op = Opcode::NOP;
                    b.instrs[i + 1].op = if jump_if_true != is_not {
                        Opcode::POP_JUMP_IF_NONE
                    } else {
                        Opcode::POP_JUMP_IF_NOT_NONE
                    };
                }
            }
            _ => {}
        }
        i += 1;
    }
}

/// Jump threading, as CPython 3.11's `optimize_basic_block` does it: a jump to an
/// unconditional jump on the same line goes straight to its target, and `and`/`or` chains
/// whose short-circuit lands on the opposite test skip past it.
fn thread_jumps(blocks: &mut [Block]) {
    use Opcode::*;
    for bi in 0..blocks.len() {
        for _ in 0..8 {
            let Some(last) = blocks[bi].instrs.last().cloned() else {
                break;
            };
            let Some((tb, _)) = first_real(blocks, last.arg as usize) else {
                break;
            };
            let Some(target) = blocks[tb].instrs.first().cloned() else {
                break;
            };
            if !last.op.is_jump() || target.line.is_none() || target.line != last.line || tb == bi {
                break;
            }
            let (op, arg) = match (last.op, target.op) {
                (
                    JUMP | POP_JUMP_IF_FALSE | POP_JUMP_IF_TRUE | POP_JUMP_IF_NONE
                    | POP_JUMP_IF_NOT_NONE,
                    JUMP,
                ) => (last.op, target.arg),
                (JUMP_IF_FALSE_OR_POP, JUMP | JUMP_IF_FALSE_OR_POP) => (last.op, target.arg),
                (JUMP_IF_TRUE_OR_POP, JUMP | JUMP_IF_TRUE_OR_POP) => (last.op, target.arg),
                (JUMP_IF_FALSE_OR_POP, POP_JUMP_IF_FALSE) => (POP_JUMP_IF_FALSE, target.arg),
                (JUMP_IF_TRUE_OR_POP, POP_JUMP_IF_TRUE) => (POP_JUMP_IF_TRUE, target.arg),
                (JUMP_IF_FALSE_OR_POP, JUMP_IF_TRUE_OR_POP | POP_JUMP_IF_TRUE) => {
                    (POP_JUMP_IF_FALSE, tb as u32 + 1)
                }
                (JUMP_IF_TRUE_OR_POP, JUMP_IF_FALSE_OR_POP | POP_JUMP_IF_FALSE) => {
                    (POP_JUMP_IF_TRUE, tb as u32 + 1)
                }
                _ => break,
            };
            if arg == last.arg && op == last.op {
                break;
            }
            let l = blocks[bi].instrs.last_mut().expect("checked above");
            l.op = op;
            l.arg = arg;
        }
    }
}

/// CPython's `extend_block`: an unconditional jump to a small block that leaves the scope
/// (return or raise) is replaced by a copy of that block.
fn extend_block(blocks: &mut [Block], bi: usize) {
    const MAX_COPY_SIZE: usize = 4;
    let Some(last) = blocks[bi].instrs.last() else {
        return;
    };
    if last.op != Opcode::JUMP {
        return;
    }
    let Some((tb, _)) = first_real(blocks, last.arg as usize) else {
        return;
    };
    let target = &blocks[tb];
    let is_exit = target.last().is_some_and(|i| {
        matches!(
            i.op,
            Opcode::RETURN_VALUE | Opcode::RAISE_VARARGS | Opcode::RERAISE
        )
    });
    // Copying a block that has line numbers would duplicate line events, so only artificial
    // exits (the implicit `return None`) are copied.
    let artificial = target.instrs.iter().all(|i| i.line.is_none());
    if !is_exit || !artificial || target.instrs.len() > MAX_COPY_SIZE || tb == bi {
        return;
    }
    let copy = target.instrs.clone();
    let block = &mut blocks[bi];
    if let Some(l) = block.instrs.last_mut() {
        l.op = Opcode::NOP;
        l.arg = 0;
    }
    block.instrs.extend(copy);
}

/// The first instruction at or after the start of block `b`, skipping empty blocks.
fn first_real(blocks: &[Block], mut b: usize) -> Option<(usize, usize)> {
    while b < blocks.len() {
        if !blocks[b].instrs.is_empty() {
            return Some((b, 0));
        }
        b += 1;
    }
    None
}

/// CPython's `clean_basic_block`: drops `NOP`s (and block pseudo-instructions) that carry no
/// line of their own, moving a `NOP`'s line onto a following instruction that has none.
fn clean_block(blocks: &mut [Block], bi: usize) {
    let next_first_line = {
        let mut n = bi + 1;
        while n < blocks.len() && blocks[n].instrs.is_empty() {
            n += 1;
        }
        blocks
            .get(n)
            .and_then(|b| b.instrs.first())
            .and_then(|i| i.line)
    };
    let b = &mut blocks[bi];
    let mut out: Vec<BInstr> = Vec::with_capacity(b.instrs.len());
    let mut prev_line: Option<u32> = None;
    let mut k = 0;
    while k < b.instrs.len() {
        let ins = b.instrs[k].clone();
        if ins.op == Opcode::NOP {
            let Some(line) = ins.line else {
                k += 1;
                continue;
            };
            if prev_line == Some(line) {
                k += 1;
                continue;
            }
            if let Some(next) = b.instrs.get_mut(k + 1) {
                if next.line.is_none() || next.line == Some(line) {
                    if next.line.is_none() {
                        next.line = Some(line);
                        next.pos = ins.pos;
                    }
                    k += 1;
                    continue;
                }
            } else if next_first_line == Some(line) {
                k += 1;
                continue;
            }
        }
        prev_line = ins.line;
        out.push(ins);
        k += 1;
    }
    b.instrs = out;
}

/// An unconditional jump to the block that follows anyway becomes a `NOP`.
fn remove_jumps_to_next(blocks: &mut [Block]) {
    for bi in 0..blocks.len() {
        let Some(last) = blocks[bi].instrs.last() else {
            continue;
        };
        if !matches!(last.op, Opcode::JUMP | Opcode::JUMP_NO_INTERRUPT) {
            continue;
        }
        let next = first_real(blocks, bi + 1).map(|(b, _)| b);
        let target = first_real(blocks, last.arg as usize).map(|(b, _)| b);
        if next.is_some() && next == target || next.is_none() && target.is_none() {
            let l = blocks[bi].instrs.last_mut().expect("checked");
            l.op = Opcode::NOP;
            clean_block(blocks, bi);
        }
    }
}

/// Follows control flow from the entry: marks reachable blocks, records entry depths and
/// each instruction's exception handler, and returns the maximum stack depth.
fn analyze_flow(blocks: &mut [Block]) -> Result<u32, String> {
    type Handlers = Rc<Vec<(u32, bool)>>;
    let mut max_depth = 0u32;
    let mut work: Vec<(usize, u32, Handlers)> = vec![(0, 0, Rc::new(Vec::new()))];
    while let Some((bi, depth, handlers)) = work.pop() {
        if bi >= blocks.len() || blocks[bi].depth.is_some() {
            continue;
        }
        blocks[bi].depth = Some(depth);
        let mut d = depth as i64;
        let mut hs = handlers;
        let mut terminated = false;
        for k in 0..blocks[bi].instrs.len() {
            let ins = blocks[bi].instrs[k].clone();
            blocks[bi].instrs[k].handler = hs.last().copied();
            if matches!(
                ins.op,
                Opcode::SETUP_FINALLY
                    | Opcode::SETUP_CLEANUP
                    | Opcode::SETUP_WITH
                    | Opcode::POP_BLOCK
            ) {
                blocks[bi].instrs[k].handler = None;
            }
            match ins.op {
                Opcode::SETUP_FINALLY | Opcode::SETUP_CLEANUP | Opcode::SETUP_WITH => {
                    let jump_depth = d + i64::from(ins.op.stack_effect(0, true));
                    work.push((ins.arg as usize, jump_depth.max(0) as u32, hs.clone()));
                    let mut inner = (*hs).clone();
                    inner.push((ins.arg, ins.op != Opcode::SETUP_FINALLY));
                    hs = Rc::new(inner);
                    continue;
                }
                Opcode::POP_BLOCK => {
                    let mut inner = (*hs).clone();
                    inner.pop();
                    hs = Rc::new(inner);
                    continue;
                }
                _ => {}
            }
            if ins.op.is_jump() {
                let jd = d + i64::from(ins.op.stack_effect(ins.arg, true));
                if jd < 0 {
                    return Err(format!("stack underflow at {}", ins.op.name()));
                }
                max_depth = max_depth.max(jd as u32);
                work.push((ins.arg as usize, jd as u32, hs.clone()));
            }
            if ins.op.is_terminator() {
                terminated = true;
                break;
            }
            d += i64::from(ins.op.stack_effect(ins.arg, false));
            if d < 0 {
                return Err(format!("stack underflow at {}", ins.op.name()));
            }
            max_depth = max_depth.max(d as u32);
        }
        if !terminated {
            work.push((bi + 1, d as u32, hs));
        }
    }
    Ok(max_depth)
}

fn count_predecessors(blocks: &mut [Block]) {
    for b in blocks.iter_mut() {
        b.predecessors = 0;
    }
    for bi in 0..blocks.len() {
        if blocks[bi].depth.is_none() {
            continue;
        }
        let targets: Vec<usize> = blocks[bi]
            .instrs
            .iter()
            .filter(|i| i.op.is_jump())
            .map(|i| i.arg as usize)
            .collect();
        for t in targets {
            if t < blocks.len() {
                blocks[t].predecessors += 1;
            }
        }
        if blocks[bi].falls_through() && bi + 1 < blocks.len() {
            blocks[bi + 1].predecessors += 1;
        }
    }
}

/// CPython's `propagate_line_numbers`: artificial instructions take the line before them in
/// their block, and a block's first instruction takes its only predecessor's last line.
fn propagate_lines(blocks: &mut [Block]) {
    for bi in 0..blocks.len() {
        if blocks[bi].depth.is_none() || blocks[bi].instrs.is_empty() {
            continue;
        }
        let mut prev: (Option<u32>, Option<Position>) = (None, None);
        for ins in blocks[bi].instrs.iter_mut() {
            if ins.line.is_none() {
                ins.line = prev.0;
                ins.pos = prev.1;
            } else {
                prev = (ins.line, ins.pos);
            }
        }
        let falls = blocks[bi].falls_through();
        if falls
            && bi + 1 < blocks.len()
            && blocks[bi + 1].predecessors == 1
            && let Some(first) = blocks[bi + 1].instrs.first_mut()
            && first.line.is_none()
        {
            first.line = prev.0;
            first.pos = prev.1;
        }
        let last = blocks[bi].instrs.last().cloned();
        if let Some(last) = last
            && last.op.is_jump()
        {
            let t = last.arg as usize;
            if t < blocks.len()
                && blocks[t].predecessors == 1
                && let Some(first) = blocks[t].instrs.first_mut()
                && first.line.is_none()
            {
                first.line = prev.0;
                first.pos = prev.1;
            }
        }
    }
}

/// CPython's `guarantee_lineno_for_exits`: a return without a line takes the line of the
/// last block that ended with one.
fn guarantee_lines_for_exits(blocks: &mut [Block], firstlineno: u32) {
    let mut line = firstlineno;
    for b in blocks.iter_mut().filter(|b| b.depth.is_some()) {
        let Some(last) = b.instrs.last() else {
            continue;
        };
        match last.line {
            Some(l) => line = l,
            None if last.op == Opcode::RETURN_VALUE => {
                for i in b.instrs.iter_mut() {
                    i.line = Some(line);
                }
            }
            None => {}
        }
    }
}

type Layout = (
    Vec<Instr>,
    Vec<Position>,
    Vec<Option<Anchor>>,
    Vec<ExceptionEntry>,
);

/// Flattens the reachable blocks, resolving jumps and building the exception table.
fn layout(blocks: &[Block]) -> Layout {
    let mut start = vec![0u32; blocks.len() + 1];
    let mut n = 0u32;
    for (bi, b) in blocks.iter().enumerate() {
        start[bi] = n;
        if b.depth.is_some() {
            n += b.instrs.len() as u32;
        }
    }
    start[blocks.len()] = n;
    let resolve = |b: u32| start[(b as usize).min(blocks.len())];
    let mut instrs = Vec::with_capacity(n as usize);
    let mut positions = Vec::with_capacity(n as usize);
    let mut anchors = Vec::with_capacity(n as usize);
    let mut table: Vec<ExceptionEntry> = Vec::new();
    for b in blocks.iter().filter(|b| b.depth.is_some()) {
        for ins in &b.instrs {
            let k = instrs.len() as u32;
            let (op, arg) = if ins.op.is_jump() {
                let target = resolve(ins.arg);
                (directional(ins.op, target <= k), target)
            } else {
                (ins.op, ins.arg)
            };
            instrs.push(Instr { op, arg });
            let mut pos = ins.pos.unwrap_or_default();
            pos.line = ins.line.unwrap_or(0);
            positions.push(pos);
            anchors.push(ins.anchor);
            if let Some((hb, lasti)) = ins.handler {
                let target = resolve(hb);
                let depth = handler_depth(blocks, hb, lasti);
                match table.last_mut() {
                    Some(e)
                        if e.end == k
                            && e.target == target
                            && e.depth == depth
                            && e.lasti == lasti =>
                    {
                        e.end = k + 1
                    }
                    _ => table.push(ExceptionEntry {
                        start: k,
                        end: k + 1,
                        target,
                        depth,
                        lasti,
                    }),
                }
            }
        }
    }
    (instrs, positions, anchors, table)
}

/// The depth the exception table records for a handler: its entry depth minus the values the
/// unwinder pushes (the exception, and `lasti` when requested).
fn handler_depth(blocks: &[Block], handler: u32, lasti: bool) -> u32 {
    let entry = blocks
        .get(handler as usize)
        .and_then(|b| b.depth)
        .unwrap_or(1);
    entry.saturating_sub(1 + u32::from(lasti))
}

/// The forward or backward form of a jump.
fn directional(op: Opcode, backward: bool) -> Opcode {
    use Opcode::*;
    match (op, backward) {
        (JUMP, false) | (JUMP_NO_INTERRUPT, false) => JUMP_FORWARD,
        (JUMP, true) => JUMP_BACKWARD,
        (JUMP_NO_INTERRUPT, true) => JUMP_BACKWARD_NO_INTERRUPT,
        (POP_JUMP_IF_FALSE, false) => POP_JUMP_FORWARD_IF_FALSE,
        (POP_JUMP_IF_FALSE, true) => POP_JUMP_BACKWARD_IF_FALSE,
        (POP_JUMP_IF_TRUE, false) => POP_JUMP_FORWARD_IF_TRUE,
        (POP_JUMP_IF_TRUE, true) => POP_JUMP_BACKWARD_IF_TRUE,
        (POP_JUMP_IF_NONE, false) => POP_JUMP_FORWARD_IF_NONE,
        (POP_JUMP_IF_NONE, true) => POP_JUMP_BACKWARD_IF_NONE,
        (POP_JUMP_IF_NOT_NONE, false) => POP_JUMP_FORWARD_IF_NOT_NONE,
        (POP_JUMP_IF_NOT_NONE, true) => POP_JUMP_BACKWARD_IF_NOT_NONE,
        (other, _) => other,
    }
}
