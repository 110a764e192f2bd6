//! Line-number passes of CPython 3.11's assembler: `NOP` removal, duplication of exit blocks
//! without a line, propagation of locations to artificial instructions, and the guarantee
//! that every `return` has a line.

use super::Graph;
use crate::cfg::{BlockId, Loc};
use crate::opcode::Opcode;

/// Removes `NOP`s that carry no line of their own or whose line a neighbour already reports
/// (CPython's `clean_basic_block`).
pub fn clean_block(g: &mut Graph, b: BlockId) {
    let next_first_line = {
        let mut n = g.blocks[b].next;
        while let Some(id) = n
            && g.blocks[id].instrs.is_empty()
        {
            n = g.blocks[id].next;
        }
        n.and_then(|id| g.blocks[id].instrs.first())
            .map(|i| i.loc.line)
    };
    let instrs = &mut g.blocks[b].instrs;
    let mut dest = 0;
    let mut prev_line = -1;
    for src in 0..instrs.len() {
        let line = instrs[src].loc.line;
        if instrs[src].op == Opcode::NOP {
            if line < 0 || prev_line == line {
                continue;
            }
            if src + 1 < instrs.len() {
                let next_line = instrs[src + 1].loc.line;
                if next_line == line {
                    continue;
                }
                if next_line < 0 {
                    instrs[src + 1].loc = instrs[src].loc;
                    continue;
                }
            } else if next_first_line == Some(line) {
                continue;
            }
        }
        if dest != src {
            instrs[dest] = instrs[src].clone();
        }
        dest += 1;
        prev_line = line;
    }
    instrs.truncate(dest);
}

fn is_exit_without_lineno(g: &Graph, b: BlockId) -> bool {
    g.blocks[b].exit && g.blocks[b].instrs.iter().all(|i| i.loc.line < 0)
}

/// Gives every jump to a shared exit block without a line its own copy, so that the copy can
/// take the jump's line (CPython's `duplicate_exits_without_lineno`).
pub fn duplicate_exits_without_lineno(g: &mut Graph) {
    for b in g.all_rev() {
        let Some(last) = g.blocks[b].instrs.last() else {
            continue;
        };
        if !last.is_jump() {
            continue;
        }
        let Some(t) = last.target else { continue };
        if !is_exit_without_lineno(g, t) || g.blocks[t].predecessors <= 1 {
            continue;
        }
        let loc = last.loc;
        let mut copy = g.blocks[t].clone();
        copy.has_return = false;
        copy.nofallthrough = true;
        copy.predecessors = 1;
        copy.next = g.blocks[t].next;
        if let Some(first) = copy.instrs.first_mut() {
            first.loc = loc;
        }
        g.blocks.push(copy);
        let new = g.blocks.len() - 1;
        if let Some(l) = g.blocks[b].instrs.last_mut() {
            l.target = Some(new);
        }
        g.blocks[t].predecessors -= 1;
        g.blocks[t].next = Some(new);
    }
    for b in g.all_rev() {
        while let Some(n) = g.blocks[b].next
            && g.blocks[n].instrs.is_empty()
        {
            g.blocks[b].next = g.blocks[n].next;
        }
    }
    for b in g.all_rev() {
        if g.blocks[b].nofallthrough || g.blocks[b].instrs.is_empty() {
            continue;
        }
        let Some(n) = g.blocks[b].next else { continue };
        if is_exit_without_lineno(g, n) {
            let loc = g.blocks[b].instrs.last().map_or(Loc::NONE, |i| i.loc);
            if let Some(first) = g.blocks[n].instrs.first_mut() {
                first.loc = loc;
            }
        }
    }
}

/// Artificial instructions take the location before them in their block, and a block's first
/// instruction takes its only predecessor's last location (CPython's
/// `propagate_line_numbers`).
pub fn propagate_line_numbers(g: &mut Graph) {
    for b in g.chain() {
        if g.blocks[b].instrs.is_empty() {
            continue;
        }
        let mut prev = Loc::NONE;
        for ins in g.blocks[b].instrs.iter_mut() {
            if ins.loc.line < 0 {
                ins.loc = prev;
            } else {
                prev = ins.loc;
            }
        }
        if !g.blocks[b].nofallthrough
            && let Some(n) = g.blocks[b].next
            && g.blocks[n].predecessors == 1
            && let Some(first) = g.blocks[n].instrs.first_mut()
            && first.loc.line < 0
        {
            first.loc = prev;
        }
        let last = g.blocks[b].instrs.last().cloned();
        if let Some(last) = last
            && last.is_jump()
            && let Some(t) = last.target
            && g.blocks[t].predecessors == 1
            && let Some(first) = g.blocks[t].instrs.first_mut()
            && first.loc.line < 0
        {
            first.loc = prev;
        }
    }
}

/// A `return` still without a line takes the line of the last block that had one (CPython's
/// `guarantee_lineno_for_exits`; only the line is set, not the columns).
pub fn guarantee_lineno_for_exits(g: &mut Graph, firstlineno: u32) {
    let mut line = firstlineno as i32;
    for b in g.chain() {
        let Some(last) = g.blocks[b].instrs.last() else {
            continue;
        };
        if last.loc.line >= 0 {
            line = last.loc.line;
            continue;
        }
        if last.op == Opcode::RETURN_VALUE {
            for i in g.blocks[b].instrs.iter_mut() {
                i.loc.line = line;
            }
        }
    }
}
