//! Flow analyses of CPython 3.11's assembler: the maximum stack depth (with each block's
//! entry depth, which exception-table entries need) and the handler that protects every
//! instruction (`stackdepth` and `label_exception_targets`).

use super::Graph;
use crate::cfg::BlockId;
use crate::opcode::Opcode;

/// Computes every reachable block's entry depth and returns the maximum depth.
pub fn stackdepth(g: &mut Graph) -> Result<u32, String> {
    for b in g.blocks.iter_mut() {
        b.startdepth = None;
    }
    let mut max = 0i64;
    let mut stack: Vec<BlockId> = Vec::new();
    let push = |g: &mut Graph, stack: &mut Vec<BlockId>, b: BlockId, depth: i64| {
        if g.blocks[b].startdepth.is_none() {
            g.blocks[b].startdepth = Some(depth.max(0) as u32);
            stack.push(b);
        }
    };
    push(g, &mut stack, 0, 0);
    while let Some(b) = stack.pop() {
        let mut depth = i64::from(g.blocks[b].startdepth.unwrap_or(0));
        let mut next = g.blocks[b].next;
        for k in 0..g.blocks[b].instrs.len() {
            let ins = g.blocks[b].instrs[k].clone();
            let effect = i64::from(ins.op.stack_effect(ins.arg, false));
            let new_depth = depth + effect;
            if new_depth < 0 {
                return Err(format!("stack underflow at {}", ins.op.name()));
            }
            max = max.max(new_depth);
            if (ins.is_jump() || ins.is_block_push())
                && let Some(t) = ins.target
            {
                let target_depth = depth + i64::from(ins.op.stack_effect(ins.arg, true));
                max = max.max(target_depth);
                push(g, &mut stack, t, target_depth);
            }
            depth = new_depth;
            if matches!(
                ins.op,
                Opcode::JUMP
                    | Opcode::JUMP_NO_INTERRUPT
                    | Opcode::RETURN_VALUE
                    | Opcode::RAISE_VARARGS
                    | Opcode::RERAISE
            ) {
                next = None;
                break;
            }
        }
        if let Some(n) = next {
            push(g, &mut stack, n, depth);
        }
    }
    Ok(max as u32)
}

/// Records, for every instruction, the innermost handler protecting it, following control
/// flow with a stack of handlers that `SETUP_*` pushes and `POP_BLOCK` pops.
pub fn label_exception_targets(g: &mut Graph) {
    for b in g.blocks.iter_mut() {
        b.visited = false;
    }
    let mut stacks: Vec<Option<Vec<BlockId>>> = vec![None; g.blocks.len()];
    let mut todo = vec![0];
    g.blocks[0].visited = true;
    stacks[0] = Some(Vec::new());
    while let Some(b) = todo.pop() {
        let mut handlers = stacks[b].take().unwrap_or_default();
        for k in 0..g.blocks[b].instrs.len() {
            let ins = g.blocks[b].instrs[k].clone();
            if ins.is_block_push() {
                let t = ins.target.expect("SETUP_* has a handler");
                if !g.blocks[t].visited {
                    stacks[t] = Some(handlers.clone());
                    g.blocks[t].visited = true;
                    todo.push(t);
                }
                if matches!(ins.op, Opcode::SETUP_WITH | Opcode::SETUP_CLEANUP) {
                    g.blocks[t].preserve_lasti = true;
                }
                handlers.push(t);
            } else if ins.op == Opcode::POP_BLOCK {
                handlers.pop();
            } else {
                g.blocks[b].instrs[k].except = handlers.last().copied();
                if ins.is_jump()
                    && let Some(t) = ins.target
                    && !g.blocks[t].visited
                {
                    stacks[t] = Some(handlers.clone());
                    g.blocks[t].visited = true;
                    todo.push(t);
                }
            }
        }
        if !g.blocks[b].nofallthrough
            && let Some(n) = g.blocks[b].next
            && !g.blocks[n].visited
        {
            stacks[n] = Some(handlers);
            g.blocks[n].visited = true;
            todo.push(n);
        }
    }
}
