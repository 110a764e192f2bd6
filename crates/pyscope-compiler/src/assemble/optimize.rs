//! CPython 3.11's CFG optimizer: constant conditional jumps, tuple folding, jump threading,
//! `is None` jumps, SWAP elimination, exit-block extension, unreachable-code removal and
//! redundant-jump removal (`optimize_cfg` and `optimize_basic_block`).

use std::rc::Rc;

use super::Graph;
use super::lines::clean_block;
use crate::cfg::{BlockId, Ins};
use crate::code::Constant;
use crate::fold;
use crate::opcode::Opcode;

/// Maximum size of a block that may be copied into its predecessor.
const MAX_COPY_SIZE: usize = 4;

/// Marks exits and no-fall-through blocks and points jumps past empty blocks
/// (CPython's `normalize_basic_block`).
pub fn normalize_block(g: &mut Graph, b: BlockId) {
    for i in 0..g.blocks[b].instrs.len() {
        let op = g.blocks[b].instrs[i].op;
        match op {
            Opcode::RETURN_VALUE | Opcode::RAISE_VARARGS | Opcode::RERAISE => {
                g.blocks[b].exit = true;
                g.blocks[b].nofallthrough = true;
            }
            Opcode::JUMP | Opcode::JUMP_NO_INTERRUPT => g.blocks[b].nofallthrough = true,
            _ => {}
        }
        if matches!(
            op,
            Opcode::JUMP
                | Opcode::JUMP_NO_INTERRUPT
                | Opcode::POP_JUMP_IF_NOT_NONE
                | Opcode::POP_JUMP_IF_NONE
                | Opcode::POP_JUMP_IF_FALSE
                | Opcode::POP_JUMP_IF_TRUE
                | Opcode::JUMP_IF_FALSE_OR_POP
                | Opcode::JUMP_IF_TRUE_OR_POP
                | Opcode::FOR_ITER
        ) && let Some(t) = g.blocks[b].instrs[i].target
        {
            g.blocks[b].instrs[i].target = Some(g.skip_empty(t));
        }
    }
}

/// A block ending in an unconditional jump to a small exit block without line numbers gets
/// a copy of that block instead (CPython's `extend_block`).
pub fn extend_block(g: &mut Graph, b: BlockId) {
    let Some(last) = g.blocks[b].instrs.last() else {
        return;
    };
    if !matches!(
        last.op,
        Opcode::JUMP | Opcode::JUMP_FORWARD | Opcode::JUMP_BACKWARD
    ) {
        return;
    }
    let Some(t) = last.target else { return };
    let target = &g.blocks[t];
    if !target.exit || target.instrs.len() > MAX_COPY_SIZE {
        return;
    }
    if target.instrs.iter().any(|i| i.loc.line > 0) {
        return;
    }
    let copy = target.instrs.clone();
    let block = &mut g.blocks[b];
    if let Some(l) = block.instrs.last_mut() {
        l.op = Opcode::NOP;
    }
    block.instrs.extend(copy);
    block.exit = true;
}

/// CPython's `optimize_cfg`.
pub fn optimize_cfg(g: &mut Graph, consts: &mut Vec<Constant>) {
    for b in g.chain() {
        optimize_block(g, b, consts);
        clean_block(g, b);
    }
    for b in g.all_rev() {
        extend_block(g, b);
    }
    mark_reachable(g);
    for b in g.chain() {
        if g.blocks[b].predecessors == 0 {
            g.blocks[b].instrs.clear();
            g.blocks[b].nofallthrough = false;
        }
    }
    eliminate_empty_blocks(g);
    for b in g.chain() {
        clean_block(g, b);
    }
    let mut maybe_empty = false;
    for b in g.chain() {
        let next = g.blocks[b].next;
        let Some(last) = g.blocks[b].instrs.last_mut() else {
            continue;
        };
        if matches!(last.op, Opcode::JUMP | Opcode::JUMP_NO_INTERRUPT) && last.target == next {
            last.op = Opcode::NOP;
            g.blocks[b].nofallthrough = false;
            maybe_empty = true;
        }
    }
    if maybe_empty {
        eliminate_empty_blocks(g);
    }
}

fn mark_reachable(g: &mut Graph) {
    g.blocks[0].predecessors = 1;
    let mut stack = vec![0];
    while let Some(b) = stack.pop() {
        if let Some(n) = g.blocks[b].next
            && !g.blocks[b].nofallthrough
        {
            if g.blocks[n].predecessors == 0 {
                stack.push(n);
            }
            g.blocks[n].predecessors += 1;
        }
        let targets: Vec<BlockId> = g.blocks[b]
            .instrs
            .iter()
            .filter(|i| i.is_jump() || i.is_block_push())
            .filter_map(|i| i.target)
            .collect();
        for t in targets {
            if g.blocks[t].predecessors == 0 {
                stack.push(t);
            }
            g.blocks[t].predecessors += 1;
        }
    }
}

/// Unlinks empty blocks from the layout and points jumps past them.
pub fn eliminate_empty_blocks(g: &mut Graph) {
    for b in g.chain() {
        if let Some(mut n) = g.blocks[b].next {
            while g.blocks[n].instrs.is_empty() {
                match g.blocks[n].next {
                    Some(nn) => n = nn,
                    None => break,
                }
            }
            g.blocks[b].next = Some(n);
        }
    }
    for b in g.chain() {
        let Some(last) = g.blocks[b].instrs.last() else {
            continue;
        };
        if last.is_jump()
            && let Some(t) = last.target
        {
            let t = g.skip_empty(t);
            if let Some(l) = g.blocks[b].instrs.last_mut() {
                l.target = Some(t);
            }
        }
    }
}

/// If `inst` and `target` are on the same line, jump straight to `target`'s target.
fn jump_thread(inst: &mut Ins, target: &Ins, op: Opcode) -> bool {
    if inst.loc.line == target.loc.line && inst.target != target.target {
        inst.target = target.target;
        inst.op = op;
        return true;
    }
    false
}

/// CPython's `optimize_basic_block`.
fn optimize_block(g: &mut Graph, b: BlockId, consts: &mut Vec<Constant>) {
    let mut i = 0isize;
    while (i as usize) < g.blocks[b].instrs.len() {
        let idx = i as usize;
        let has_target = {
            let ins = &g.blocks[b].instrs[idx];
            ins.is_jump() || ins.is_block_push()
        };
        let mut target: Option<(BlockId, Ins)> = None;
        if has_target && let Some(t) = g.blocks[b].instrs[idx].target {
            let t = g.skip_empty(t);
            g.blocks[b].instrs[idx].target = Some(t);
            target = g.blocks[t].instrs.first().cloned().map(|ins| (t, ins));
        }
        i -= optimize_instr(g, b, idx, target, consts);
        i += 1;
    }
}

/// Applies the rule for one instruction; returns 1 when it must be looked at again.
fn optimize_instr(
    g: &mut Graph,
    b: BlockId,
    i: usize,
    target: Option<(BlockId, Ins)>,
    consts: &mut Vec<Constant>,
) -> isize {
    use Opcode::*;
    let instrs = &mut g.blocks[b].instrs;
    let op = instrs[i].op;
    let arg = instrs[i].arg;
    let nextop = instrs.get(i + 1).map(|x| x.op);
    let top = target.as_ref().map(|(_, t)| t.op);
    let thread = |g: &mut Graph, new_op: Opcode| -> isize {
        let Some((_, t)) = &target else { return 0 };
        isize::from(jump_thread(&mut g.blocks[b].instrs[i], t, new_op))
    };
    match op {
        LOAD_CONST => {
            load_const_rule(g, b, i, consts);
            0
        }
        BUILD_TUPLE => {
            build_tuple_rule(g, b, i, consts);
            0
        }
        JUMP_IF_FALSE_OR_POP | JUMP_IF_TRUE_OR_POP => short_circuit_rule(g, b, i, target),
        POP_JUMP_IF_NOT_NONE | POP_JUMP_IF_NONE | POP_JUMP_IF_FALSE | POP_JUMP_IF_TRUE | JUMP
            if top == Some(JUMP) =>
        {
            thread(g, op)
        }
        SWAP => {
            if arg == 1 {
                instrs[i].op = NOP;
                return 0;
            }
            let end = swaptimize(&mut g.blocks[b].instrs, i);
            apply_static_swaps(&mut g.blocks[b].instrs, end as isize);
            i as isize - end as isize
        }
        PUSH_NULL => {
            if nextop == Some(LOAD_GLOBAL) {
                instrs[i].op = NOP;
                instrs[i].arg = 0;
                instrs[i + 1].arg |= 1;
            }
            0
        }
        _ => 0,
    }
}

/// `BUILD_TUPLE` before `UNPACK_SEQUENCE` of the same size becomes SWAPs (or nothing);
/// a tuple of constants becomes one constant.
fn build_tuple_rule(g: &mut Graph, b: BlockId, i: usize, consts: &mut Vec<Constant>) {
    use Opcode::*;
    let instrs = &mut g.blocks[b].instrs;
    let arg = instrs[i].arg;
    if instrs
        .get(i + 1)
        .is_some_and(|n| n.op == UNPACK_SEQUENCE && n.arg == arg)
    {
        match arg {
            1 => {
                instrs[i].op = NOP;
                instrs[i + 1].op = NOP;
                return;
            }
            2 | 3 => {
                instrs[i].op = NOP;
                instrs[i + 1].op = SWAP;
                return;
            }
            _ => {}
        }
    }
    if i >= arg as usize {
        fold_tuple(g, b, i, consts);
    }
}

/// `JUMP_IF_FALSE_OR_POP`/`JUMP_IF_TRUE_OR_POP` whose target tests the same value again:
/// jump on past it (returns 1 when the instruction changed and must be looked at again).
fn short_circuit_rule(
    g: &mut Graph,
    b: BlockId,
    i: usize,
    target: Option<(BlockId, Ins)>,
) -> isize {
    use Opcode::*;
    let Some((tb, t)) = target else { return 0 };
    let op = g.blocks[b].instrs[i].op;
    let is_and = op == JUMP_IF_FALSE_OR_POP;
    let (same_pop, opposite_pop, opposite) = if is_and {
        (POP_JUMP_IF_FALSE, POP_JUMP_IF_TRUE, JUMP_IF_TRUE_OR_POP)
    } else {
        (POP_JUMP_IF_TRUE, POP_JUMP_IF_FALSE, JUMP_IF_FALSE_OR_POP)
    };
    let after = g.blocks[tb].next;
    let ins = &mut g.blocks[b].instrs[i];
    if t.op == same_pop {
        isize::from(jump_thread(ins, &t, same_pop))
    } else if t.op == JUMP || t.op == op {
        isize::from(jump_thread(ins, &t, op))
    } else if (t.op == opposite || t.op == opposite_pop) && ins.loc.line == t.loc.line {
        ins.op = same_pop;
        ins.target = after;
        1
    } else {
        0
    }
}

/// `LOAD_CONST` followed by a conditional jump, a short-circuit jump or `is`-`None` test.
fn load_const_rule(g: &mut Graph, b: BlockId, i: usize, consts: &[Constant]) {
    use Opcode::*;
    let block = &mut g.blocks[b];
    let Some(nextop) = block.instrs.get(i + 1).map(|x| x.op) else {
        return;
    };
    let value = &consts[block.instrs[i].arg as usize];
    match nextop {
        POP_JUMP_IF_FALSE | POP_JUMP_IF_TRUE => {
            let Some(is_true) = fold::truthiness(value) else {
                return;
            };
            block.instrs[i].op = NOP;
            if is_true == (nextop == POP_JUMP_IF_TRUE) {
                block.instrs[i + 1].op = JUMP;
                block.nofallthrough = true;
            } else {
                block.instrs[i + 1].op = NOP;
            }
        }
        JUMP_IF_FALSE_OR_POP | JUMP_IF_TRUE_OR_POP => {
            let Some(is_true) = fold::truthiness(value) else {
                return;
            };
            if is_true == (nextop == JUMP_IF_TRUE_OR_POP) {
                block.instrs[i + 1].op = JUMP;
                block.nofallthrough = true;
            } else {
                block.instrs[i].op = NOP;
                block.instrs[i + 1].op = NOP;
            }
        }
        IS_OP => {
            let jump_op = block.instrs.get(i + 2).map(|x| x.op);
            if matches!(value, Constant::None)
                && matches!(jump_op, Some(POP_JUMP_IF_FALSE | POP_JUMP_IF_TRUE))
            {
                let is_not = block.instrs[i + 1].arg != 0;
                block.instrs[i].op = NOP;
                block.instrs[i + 1].op = NOP;
                block.instrs[i + 2].op = if is_not ^ (jump_op == Some(POP_JUMP_IF_FALSE)) {
                    POP_JUMP_IF_NOT_NONE
                } else {
                    POP_JUMP_IF_NONE
                };
            }
        }
        _ => {}
    }
}

/// `LOAD_CONST c1 .. LOAD_CONST cn; BUILD_TUPLE n` becomes `LOAD_CONST (c1, .., cn)`.
fn fold_tuple(g: &mut Graph, b: BlockId, i: usize, consts: &mut Vec<Constant>) {
    let instrs = &mut g.blocks[b].instrs;
    let n = instrs[i].arg as usize;
    let items = &instrs[i - n..i];
    if !items.iter().all(|x| x.op == Opcode::LOAD_CONST) {
        return;
    }
    let values: Vec<Constant> = items
        .iter()
        .map(|x| consts[x.arg as usize].clone())
        .collect();
    let folded = Constant::Tuple(Rc::from(values));
    let index = match consts.iter().position(|c| c.same(&folded)) {
        Some(k) => k,
        None => {
            consts.push(folded);
            consts.len() - 1
        }
    };
    for x in &mut instrs[i - n..i] {
        x.op = Opcode::NOP;
    }
    instrs[i].op = Opcode::LOAD_CONST;
    instrs[i].arg = index as u32;
}

/// Replaces a run of SWAPs and NOPs starting at `start` by an optimal one with the same
/// effect; returns the index of the run's last instruction (CPython's `swaptimize`).
fn swaptimize(instrs: &mut [Ins], start: usize) -> usize {
    let mut depth = instrs[start].arg as usize;
    let mut len = 0;
    let mut more = false;
    let limit = instrs.len() - start;
    loop {
        len += 1;
        if len >= limit {
            break;
        }
        match instrs[start + len].op {
            Opcode::SWAP => {
                depth = depth.max(instrs[start + len].arg as usize);
                more = true;
            }
            Opcode::NOP => {}
            _ => break,
        }
    }
    if !more {
        return start;
    }
    let mut stack: Vec<isize> = (0..depth as isize).collect();
    for ins in &instrs[start..start + len] {
        if ins.op == Opcode::SWAP {
            stack.swap(0, ins.arg as usize - 1);
        }
    }
    const VISITED: isize = -1;
    let mut current = len as isize - 1;
    for i in 0..depth {
        if stack[i] == VISITED || stack[i] == i as isize {
            continue;
        }
        let mut j = i;
        loop {
            if j != 0 {
                let ins = &mut instrs[start + current as usize];
                ins.op = Opcode::SWAP;
                ins.arg = j as u32 + 1;
                current -= 1;
            }
            if stack[j] == VISITED {
                break;
            }
            let next_j = stack[j] as usize;
            stack[j] = VISITED;
            j = next_j;
        }
    }
    while current >= 0 {
        instrs[start + current as usize].op = Opcode::NOP;
        current -= 1;
    }
    start + len - 1
}

fn swappable(op: Opcode) -> bool {
    matches!(op, Opcode::STORE_FAST | Opcode::POP_TOP)
}

fn stores_to(ins: &Ins) -> Option<u32> {
    (ins.op == Opcode::STORE_FAST).then_some(ins.arg)
}

fn next_swappable(instrs: &[Ins], mut i: usize, lineno: Option<i32>) -> Option<usize> {
    loop {
        i += 1;
        let ins = instrs.get(i)?;
        if let Some(l) = lineno
            && ins.loc.line != l
        {
            return None;
        }
        if ins.op == Opcode::NOP {
            continue;
        }
        return swappable(ins.op).then_some(i);
    }
}

/// Applies SWAPs statically by reordering the swappable instructions that follow
/// (CPython's `apply_static_swaps`).
fn apply_static_swaps(instrs: &mut [Ins], mut i: isize) {
    while i >= 0 {
        let idx = i as usize;
        let op = instrs[idx].op;
        if op != Opcode::SWAP {
            if op == Opcode::NOP || swappable(op) {
                i -= 1;
                continue;
            }
            return;
        }
        let Some(j) = next_swappable(instrs, idx, None) else {
            return;
        };
        let mut k = j;
        let lineno = instrs[j].loc.line;
        for _ in 1..instrs[idx].arg {
            match next_swappable(instrs, k, Some(lineno)) {
                Some(n) => k = n,
                None => return,
            }
        }
        let (sj, sk) = (stores_to(&instrs[j]), stores_to(&instrs[k]));
        if sj.is_some() || sk.is_some() {
            if sj == sk {
                return;
            }
            for ins in &instrs[j + 1..k] {
                let s = stores_to(ins);
                if s.is_some() && (s == sj || s == sk) {
                    return;
                }
            }
        }
        instrs[idx].op = Opcode::NOP;
        instrs.swap(j, k);
        i -= 1;
    }
}
