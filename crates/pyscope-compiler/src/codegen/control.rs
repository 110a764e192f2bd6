//! Control flow: `if`, loops, `try`, `with`, and unwinding for `break`, `continue` and `return`,
//! following the block structure of CPython 3.11's compiler.

use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::{Ranged, TextRange};

use super::{CResult, Compiler, FBlock, Label, NameCtx};
use crate::code::Constant;
use crate::fold;
use crate::opcode::Opcode;

impl<'a> Compiler<'a> {
    pub(super) fn if_stmt(&mut self, i: &ast::StmtIf) -> CResult {
        let end = self.new_label();
        let mut next = self.new_label();
        let has_more = !i.elif_else_clauses.is_empty();
        self.jump_if(&i.test, next, false)?;
        self.body(&i.body)?;
        if has_more {
            self.emit_artificial(Opcode::JUMP, end.0);
        }
        for (k, clause) in i.elif_else_clauses.iter().enumerate() {
            self.bind(next);
            next = self.new_label();
            let last = k + 1 == i.elif_else_clauses.len();
            match &clause.test {
                Some(test) => {
                    self.with_loc(clause.range, |c| c.jump_if(test, next, false))?;
                    self.body(&clause.body)?;
                    if !last {
                        self.emit_artificial(Opcode::JUMP, end.0);
                    }
                }
                None => self.body(&clause.body)?,
            }
        }
        self.bind(next);
        self.bind(end);
        Ok(())
    }

    pub fn body(&mut self, body: &[Stmt]) -> CResult {
        body.iter().try_for_each(|s| self.stmt(s))
    }

    pub(super) fn while_stmt(&mut self, w: &ast::StmtWhile) -> CResult {
        let lp = self.new_label();
        let body = self.new_label();
        let anchor = self.new_label();
        let end = self.new_label();
        self.bind(lp);
        self.unit()
            .fblocks
            .push(FBlock::WhileLoop { start: lp, end });
        self.jump_if(&w.test, anchor, false)?;
        self.bind(body);
        self.body(&w.body)?;
        self.with_loc(w.test.range(), |c| c.jump_if(&w.test, body, true))?;
        self.unit().fblocks.pop();
        self.bind(anchor);
        self.body(&w.orelse)?;
        self.bind(end);
        Ok(())
    }

    pub(super) fn for_stmt(&mut self, f: &ast::StmtFor) -> CResult {
        if f.is_async {
            return self.async_for(f);
        }
        let start = self.new_label();
        let cleanup = self.new_label();
        let end = self.new_label();
        self.unit().fblocks.push(FBlock::ForLoop { start, end });
        self.iterable(&f.iter)?;
        self.emit(Opcode::GET_ITER, 0);
        self.bind(start);
        self.emit_jump(Opcode::FOR_ITER, cleanup);
        self.store_target(&f.target)?;
        self.body(&f.body)?;
        self.emit_artificial(Opcode::JUMP, start.0);
        self.bind(cleanup);
        self.unit().fblocks.pop();
        self.body(&f.orelse)?;
        self.bind(end);
        Ok(())
    }

    fn async_for(&mut self, f: &ast::StmtFor) -> CResult {
        self.check_async_allowed(f.range, "'async for' outside async function")?;
        let start = self.new_label();
        let except = self.new_label();
        let end = self.new_label();
        self.expr(&f.iter)?;
        self.emit(Opcode::GET_AITER, 0);
        self.bind(start);
        self.unit().fblocks.push(FBlock::ForLoop { start, end });
        self.emit_jump(Opcode::SETUP_FINALLY, except);
        self.emit(Opcode::GET_ANEXT, 0);
        self.emit_const(Constant::None);
        self.yield_from_await(f.range)?;
        self.emit(Opcode::POP_BLOCK, 0);
        self.store_target(&f.target)?;
        self.body(&f.body)?;
        self.emit_artificial(Opcode::JUMP, start.0);
        self.unit().fblocks.pop();
        self.bind(except);
        self.emit(Opcode::END_ASYNC_FOR, 0);
        self.body(&f.orelse)?;
        self.bind(end);
        Ok(())
    }

    /// Compiles the iterable of a `for`: like CPython's AST optimizer, a list display becomes a
    /// tuple and a set display of constants a frozenset constant.
    pub(super) fn iterable(&mut self, e: &Expr) -> CResult {
        match e {
            Expr::List(l) if !l.elts.iter().any(|x| matches!(x, Expr::Starred(_))) => {
                let t = ast::ExprTuple {
                    range: l.range,
                    node_index: Default::default(),
                    elts: l.elts.clone(),
                    ctx: ast::ExprContext::Load,
                    parenthesized: true,
                };
                self.expr(&Expr::Tuple(t))
            }
            Expr::Set(s) => {
                let items: Option<Vec<Constant>> = s.elts.iter().map(fold::constant_of).collect();
                match items {
                    Some(items) => self.with_loc(e.range(), |c| {
                        c.emit_const(Constant::FrozenSet(std::rc::Rc::from(items)));
                        Ok(())
                    }),
                    None => self.expr(e),
                }
            }
            _ => self.expr(e),
        }
    }

    pub(super) fn check_async_allowed(&self, range: TextRange, msg: &str) -> CResult {
        let scope = &self.table.scopes[self.unit_ref().scope];
        if !scope.is_coroutine {
            return Err(self.error(msg, range));
        }
        Ok(())
    }

    /// Emits a conditional jump to `target` when `e` is truthy (`cond`) or falsy (`!cond`),
    /// using CPython 3.11's short-circuit shapes for `not`, `and`/`or`, `x if c else y` and
    /// chained comparisons.
    pub fn jump_if(&mut self, e: &Expr, target: Label, cond: bool) -> CResult {
        self.nest(e.range(), |c| c.jump_if_inner(e, target, cond))
    }

    fn jump_if_inner(&mut self, e: &Expr, target: Label, cond: bool) -> CResult {
        if let Some(k) = fold::constant_of(e)
            && let Some(truth) = fold::truthiness(&k)
        {
            if truth == cond {
                self.with_loc(e.range(), |c| {
                    c.emit(Opcode::JUMP, target.0);
                    Ok(())
                })?;
            } else {
                self.with_loc(e.range(), |c| {
                    c.emit(Opcode::NOP, 0);
                    Ok(())
                })?;
            }
            return Ok(());
        }
        match e {
            Expr::UnaryOp(u) if u.op == ast::UnaryOp::Not => {
                return self.jump_if(&u.operand, target, !cond);
            }
            Expr::BoolOp(b) => {
                let is_or = b.op == ast::BoolOp::Or;
                let next2 = if is_or != cond {
                    self.new_label()
                } else {
                    target
                };
                let n = b.values.len() - 1;
                for v in &b.values[..n] {
                    self.jump_if(v, next2, is_or)?;
                }
                self.jump_if(&b.values[n], target, cond)?;
                if next2 != target {
                    self.bind(next2);
                }
                return Ok(());
            }
            Expr::If(i) => {
                let end = self.new_label();
                let next2 = self.new_label();
                self.jump_if(&i.test, next2, false)?;
                self.jump_if(&i.body, target, cond)?;
                self.emit_artificial(Opcode::JUMP, end.0);
                self.bind(next2);
                self.jump_if(&i.orelse, target, cond)?;
                self.bind(end);
                return Ok(());
            }
            Expr::Compare(cmp) if cmp.ops.len() > 1 => {
                return self.with_loc(e.range(), |c| c.jump_if_chain(cmp, target, cond));
            }
            _ => {}
        }
        self.expr(e)?;
        let op = if cond {
            Opcode::POP_JUMP_IF_TRUE
        } else {
            Opcode::POP_JUMP_IF_FALSE
        };
        self.with_loc(e.range(), |c| {
            c.emit_jump(op, target);
            Ok(())
        })
    }

    fn jump_if_chain(&mut self, cmp: &ast::ExprCompare, target: Label, cond: bool) -> CResult {
        let cleanup = self.new_label();
        self.expr(&cmp.left)?;
        let n = cmp.ops.len() - 1;
        for i in 0..n {
            self.expr(&cmp.comparators[i])?;
            self.emit(Opcode::SWAP, 2);
            self.emit(Opcode::COPY, 2);
            self.compare_op(cmp.ops[i]);
            self.emit_jump(Opcode::POP_JUMP_IF_FALSE, cleanup);
        }
        self.comparator(cmp.ops[n], &cmp.comparators[n])?;
        self.compare_op(cmp.ops[n]);
        let op = if cond {
            Opcode::POP_JUMP_IF_TRUE
        } else {
            Opcode::POP_JUMP_IF_FALSE
        };
        self.emit_jump(op, target);
        let end = self.new_label();
        self.emit_artificial(Opcode::JUMP, end.0);
        self.bind(cleanup);
        self.emit(Opcode::POP_TOP, 0);
        if !cond {
            self.emit_artificial(Opcode::JUMP, target.0);
        }
        self.bind(end);
        Ok(())
    }

    pub(super) fn break_stmt(&mut self, range: TextRange) -> CResult {
        let Some(end) = self.unwind_to_loop(range, true)? else {
            return Err(self.error("'break' outside loop", range));
        };
        self.emit(Opcode::JUMP, end.0);
        Ok(())
    }

    pub(super) fn continue_stmt(&mut self, range: TextRange) -> CResult {
        let Some(start) = self.unwind_to_loop(range, false)? else {
            return Err(self.error("'continue' not properly in loop", range));
        };
        self.emit(Opcode::JUMP, start.0);
        Ok(())
    }

    /// Unwinds frame blocks up to the innermost loop; returns its end (`break`) or start.
    fn unwind_to_loop(&mut self, range: TextRange, is_break: bool) -> CResult<Option<Label>> {
        let saved = self.unit().fblocks.clone();
        let mut result = None;
        while let Some(block) = self.unit().fblocks.pop() {
            match block {
                FBlock::WhileLoop { start, end } | FBlock::ForLoop { start, end } => {
                    if is_break {
                        self.unwind_block(&block, false, range)?;
                        result = Some(end);
                    } else {
                        result = Some(start);
                    }
                    break;
                }
                other => self.unwind_block(&other, false, range)?,
            }
        }
        self.unit().fblocks = saved;
        Ok(result)
    }

    pub(super) fn return_stmt(&mut self, r: &ast::StmtReturn) -> CResult {
        let scope = &self.table.scopes[self.unit_ref().scope];
        if !scope.is_function_like() {
            return Err(self.error("'return' outside function", r.range));
        }
        if r.value.is_some() && scope.is_generator && scope.is_coroutine {
            return Err(self.error("'return' with value in async generator", r.range));
        }
        let preserve = r.value.is_some();
        if let Some(v) = &r.value {
            self.expr(v)?;
        }
        let saved = self.unit().fblocks.clone();
        while let Some(block) = self.unit().fblocks.pop() {
            self.unwind_block(&block, preserve, r.range)?;
        }
        self.unit().fblocks = saved;
        if !preserve {
            self.emit_const(Constant::None);
        }
        self.emit(Opcode::RETURN_VALUE, 0);
        Ok(())
    }

    /// Emits the code that leaves one frame block early (CPython's `compiler_unwind_fblock`).
    fn unwind_block(&mut self, block: &FBlock, preserve_tos: bool, range: TextRange) -> CResult {
        use Opcode::*;
        match block {
            FBlock::WhileLoop { .. } | FBlock::ExceptionHandler => {}
            FBlock::ForLoop { .. } => {
                if preserve_tos {
                    self.emit(SWAP, 2);
                }
                self.emit(POP_TOP, 0);
            }
            FBlock::TryExcept => self.emit(POP_BLOCK, 0),
            FBlock::FinallyTry { body } => {
                self.emit(POP_BLOCK, 0);
                if preserve_tos {
                    self.unit().fblocks.push(FBlock::PopValue);
                }
                let body = body.clone();
                self.body(&body)?;
                if preserve_tos {
                    self.unit().fblocks.pop();
                }
                self.unit().loc = range;
            }
            FBlock::FinallyEnd => {
                if preserve_tos {
                    self.emit(SWAP, 2);
                }
                self.emit(POP_TOP, 0);
                if preserve_tos {
                    self.emit(SWAP, 2);
                }
                self.emit(POP_BLOCK, 0);
                self.emit(POP_EXCEPT, 0);
            }
            FBlock::With {
                range: with_range,
                is_async,
            } => {
                let with_range = *with_range;
                self.with_loc(with_range, |c| {
                    c.emit(POP_BLOCK, 0);
                    if preserve_tos {
                        c.emit(SWAP, 2);
                    }
                    c.call_exit_with_nones();
                    if *is_async {
                        c.emit(GET_AWAITABLE, 2);
                        c.emit_const(Constant::None);
                        c.yield_from_await(with_range)?;
                    }
                    c.emit(POP_TOP, 0);
                    Ok(())
                })?;
            }
            FBlock::HandlerCleanup { name } => {
                if name.is_some() {
                    self.emit(POP_BLOCK, 0);
                }
                if preserve_tos {
                    self.emit(SWAP, 2);
                }
                self.emit(POP_BLOCK, 0);
                self.emit(POP_EXCEPT, 0);
                if let Some(n) = name {
                    self.emit_const(Constant::None);
                    self.name_op(n, NameCtx::Store);
                    self.name_op(n, NameCtx::Del);
                }
            }
            FBlock::PopValue => {
                if preserve_tos {
                    self.emit(SWAP, 2);
                }
                self.emit(POP_TOP, 0);
            }
        }
        Ok(())
    }

    fn call_exit_with_nones(&mut self) {
        self.emit_const(Constant::None);
        self.emit_const(Constant::None);
        self.emit_const(Constant::None);
        self.emit(Opcode::PRECALL, 2);
        self.emit(Opcode::CALL, 2);
    }

    fn pop_except_and_reraise(&mut self) {
        self.emit_artificial(Opcode::COPY, 3);
        self.emit_artificial(Opcode::POP_EXCEPT, 0);
        self.emit_artificial(Opcode::RERAISE, 1);
    }

    pub(super) fn try_stmt(&mut self, t: &ast::StmtTry) -> CResult {
        if t.is_star {
            return Err(self.error("except* is not supported by Pyscope", t.range));
        }
        if !t.finalbody.is_empty() {
            self.try_finally(t)
        } else {
            self.try_except(t)
        }
    }

    fn try_finally(&mut self, t: &ast::StmtTry) -> CResult {
        let end = self.new_label();
        let exit = self.new_label();
        let cleanup = self.new_label();
        self.emit(Opcode::SETUP_FINALLY, end.0);
        self.unit().fblocks.push(FBlock::FinallyTry {
            body: t.finalbody.to_vec(),
        });
        if t.handlers.is_empty() {
            self.body(&t.body)?;
        } else {
            self.try_except(t)?;
        }
        self.emit_artificial(Opcode::POP_BLOCK, 0);
        self.unit().fblocks.pop();
        self.body(&t.finalbody)?;
        self.emit_artificial(Opcode::JUMP, exit.0);
        self.bind(end);
        self.unset_loc();
        self.unit().in_handler += 1;
        self.emit_artificial(Opcode::SETUP_CLEANUP, cleanup.0);
        self.emit_artificial(Opcode::PUSH_EXC_INFO, 0);
        self.unit().fblocks.push(FBlock::FinallyEnd);
        self.body(&t.finalbody)?;
        self.unit().fblocks.pop();
        self.emit_artificial(Opcode::RERAISE, 0);
        self.bind(cleanup);
        self.pop_except_and_reraise();
        self.unit().in_handler -= 1;
        self.bind(exit);
        Ok(())
    }

    fn try_except(&mut self, t: &ast::StmtTry) -> CResult {
        let except = self.new_label();
        let end = self.new_label();
        let cleanup = self.new_label();
        self.emit(Opcode::SETUP_FINALLY, except.0);
        self.unit().fblocks.push(FBlock::TryExcept);
        self.body(&t.body)?;
        self.unit().fblocks.pop();
        self.emit_artificial(Opcode::POP_BLOCK, 0);
        self.body(&t.orelse)?;
        self.emit_artificial(Opcode::JUMP, end.0);
        self.bind(except);
        self.unit().in_handler += 1;
        self.emit_artificial(Opcode::SETUP_CLEANUP, cleanup.0);
        self.emit_artificial(Opcode::PUSH_EXC_INFO, 0);
        self.unit().fblocks.push(FBlock::ExceptionHandler);
        let n = t.handlers.len();
        for (i, h) in t.handlers.iter().enumerate() {
            let ast::ExceptHandler::ExceptHandler(h) = h;
            if h.type_.is_none() && i + 1 < n {
                return Err(self.error("default 'except:' must be last", h.range));
            }
            let next = self.new_label();
            self.with_loc(h.range, |c| c.except_handler(h, next, end))?;
            self.bind(next);
        }
        self.unset_loc();
        self.unit().fblocks.pop();
        self.emit_artificial(Opcode::RERAISE, 0);
        self.bind(cleanup);
        self.pop_except_and_reraise();
        self.unit().in_handler -= 1;
        self.bind(end);
        Ok(())
    }

    fn except_handler(
        &mut self,
        h: &ast::ExceptHandlerExceptHandler,
        next: Label,
        end: Label,
    ) -> CResult {
        if let Some(ty) = &h.type_ {
            self.expr(ty)?;
            self.emit(Opcode::CHECK_EXC_MATCH, 0);
            self.emit_jump(Opcode::POP_JUMP_IF_FALSE, next);
        }
        match &h.name {
            Some(name) => {
                let cleanup_end = self.new_label();
                self.name_op(name, NameCtx::Store);
                self.emit(Opcode::SETUP_CLEANUP, cleanup_end.0);
                self.unit().fblocks.push(FBlock::HandlerCleanup {
                    name: Some(name.to_string()),
                });
                self.body(&h.body)?;
                self.unit().fblocks.pop();
                self.unset_loc();
                self.emit_artificial(Opcode::POP_BLOCK, 0);
                self.emit_artificial(Opcode::POP_BLOCK, 0);
                self.emit_artificial(Opcode::POP_EXCEPT, 0);
                self.emit_const(Constant::None);
                self.name_op(name, NameCtx::Store);
                self.name_op(name, NameCtx::Del);
                self.emit_artificial(Opcode::JUMP, end.0);
                self.bind(cleanup_end);
                self.emit_const(Constant::None);
                self.name_op(name, NameCtx::Store);
                self.name_op(name, NameCtx::Del);
                self.emit_artificial(Opcode::RERAISE, 1);
            }
            None => {
                self.emit(Opcode::POP_TOP, 0);
                self.unit()
                    .fblocks
                    .push(FBlock::HandlerCleanup { name: None });
                self.body(&h.body)?;
                self.unit().fblocks.pop();
                self.unset_loc();
                self.emit_artificial(Opcode::POP_BLOCK, 0);
                self.emit_artificial(Opcode::POP_EXCEPT, 0);
                self.emit_artificial(Opcode::JUMP, end.0);
            }
        }
        Ok(())
    }

    pub(super) fn with_stmt(&mut self, w: &ast::StmtWith, pos: usize) -> CResult {
        if w.is_async {
            self.check_async_allowed(w.range, "'async with' outside async function")?;
        }
        let item = &w.items[pos];
        let block_end = self.new_label();
        let exit = self.new_label();
        let cleanup = self.new_label();
        self.expr(&item.context_expr)?;
        if w.is_async {
            self.emit(Opcode::BEFORE_ASYNC_WITH, 0);
            self.emit(Opcode::GET_AWAITABLE, 1);
            self.emit_const(Constant::None);
            self.yield_from_await(w.range)?;
        } else {
            self.emit(Opcode::BEFORE_WITH, 0);
        }
        self.emit(Opcode::SETUP_WITH, block_end.0);
        self.unit().fblocks.push(FBlock::With {
            range: w.range,
            is_async: w.is_async,
        });
        match &item.optional_vars {
            Some(target) => self.store_target(target)?,
            None => self.emit(Opcode::POP_TOP, 0),
        }
        if pos + 1 == w.items.len() {
            self.body(&w.body)?;
        } else {
            self.with_stmt(w, pos + 1)?;
        }
        self.unit().fblocks.pop();
        self.unit().loc = w.range;
        self.unit().loc_unset = false;
        self.emit(Opcode::POP_BLOCK, 0);
        self.call_exit_with_nones();
        if w.is_async {
            self.emit(Opcode::GET_AWAITABLE, 2);
            self.emit_const(Constant::None);
            self.yield_from_await(w.range)?;
        }
        self.emit(Opcode::POP_TOP, 0);
        self.emit(Opcode::JUMP, exit.0);
        self.bind(block_end);
        self.unit().in_handler += 1;
        self.emit(Opcode::SETUP_CLEANUP, cleanup.0);
        self.emit(Opcode::PUSH_EXC_INFO, 0);
        self.emit(Opcode::WITH_EXCEPT_START, 0);
        if w.is_async {
            self.emit(Opcode::GET_AWAITABLE, 2);
            self.emit_const(Constant::None);
            self.yield_from_await(w.range)?;
        }
        let suppress = self.new_label();
        self.emit_jump(Opcode::POP_JUMP_IF_TRUE, suppress);
        self.emit(Opcode::RERAISE, 2);
        self.bind(cleanup);
        self.pop_except_and_reraise();
        self.bind(suppress);
        self.emit(Opcode::POP_TOP, 0);
        self.emit(Opcode::POP_BLOCK, 0);
        self.emit(Opcode::POP_EXCEPT, 0);
        self.emit(Opcode::POP_TOP, 0);
        self.emit(Opcode::POP_TOP, 0);
        self.unit().in_handler -= 1;
        self.bind(exit);
        Ok(())
    }

    /// The `SEND`/`YIELD_VALUE` loop of `await` and `yield from` (3.11's `ADD_YIELD_FROM`).
    pub(super) fn yield_from_await(&mut self, _range: TextRange) -> CResult {
        let start = self.new_label();
        let exit = self.new_label();
        self.bind(start);
        self.emit_jump(Opcode::SEND, exit);
        self.emit(Opcode::YIELD_VALUE, 0);
        self.emit(Opcode::RESUME, 3);
        self.emit(Opcode::JUMP_NO_INTERRUPT, start.0);
        self.bind(exit);
        Ok(())
    }
}
