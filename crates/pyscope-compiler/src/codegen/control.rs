//! Control flow: `if`, loops, `return`/`break`/`continue` and the unwinding of frame blocks,
//! conditional jumps, following the block structure of CPython 3.11's compiler.

use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::{Ranged, TextRange};

use super::expr::{CmpView, folded_not};
use super::{CResult, Compiler, FBlock, Label, NameCtx, ScopeType};
use crate::code::Constant;
use crate::fold;
use crate::opcode::Opcode;

impl<'a> Compiler<'a> {
    /// Compiles a statement list.
    pub fn body_seq(&mut self, body: &'a [Stmt]) -> CResult {
        body.iter().try_for_each(|s| self.visit_stmt(s))
    }

    pub(super) fn if_stmt(&mut self, i: &'a ast::StmtIf) -> CResult {
        self.if_chain(&i.test, &i.body, &i.elif_else_clauses)
    }

    /// One `if`/`elif` with the clauses that follow it as its `else` (CPython nests them).
    fn if_chain(
        &mut self,
        test: &'a Expr,
        body: &'a [Stmt],
        rest: &'a [ast::ElifElseClause],
    ) -> CResult {
        let end = self.new_block();
        let next = if rest.is_empty() {
            end
        } else {
            self.new_block()
        };
        self.jump_if(test, next, false)?;
        self.body_seq(body)?;
        if let Some(first) = rest.first() {
            self.addop_j_noline(Opcode::JUMP, end);
            self.use_next(next);
            match &first.test {
                Some(elif_test) => {
                    let last = rest.last().map_or(first.range, |c| c.range);
                    let range = TextRange::new(first.range.start(), self.block_end(last.end()));
                    self.nest(range, |c| {
                        c.set_loc(range);
                        c.if_chain(elif_test, &first.body, &rest[1..])
                    })?;
                }
                None => self.body_seq(&first.body)?,
            }
        }
        self.use_next(end);
        Ok(())
    }

    pub(super) fn while_stmt(&mut self, w: &'a ast::StmtWhile) -> CResult {
        let lp = self.new_block();
        let body = self.new_block();
        let anchor = self.new_block();
        let end = self.new_block();
        self.use_next(lp);
        self.unit().fblocks.push(FBlock::WhileLoop {
            start: lp,
            exit: end,
        });
        self.jump_if(&w.test, anchor, false)?;
        self.use_next(body);
        self.body_seq(&w.body)?;
        self.set_loc(self.block_range(w.range));
        self.jump_if(&w.test, body, true)?;
        self.unit().fblocks.pop();
        self.use_next(anchor);
        self.body_seq(&w.orelse)?;
        self.use_next(end);
        Ok(())
    }

    pub(super) fn for_stmt(&mut self, f: &'a ast::StmtFor) -> CResult {
        let start = self.new_block();
        let body = self.new_block();
        let cleanup = self.new_block();
        let end = self.new_block();
        self.unit()
            .fblocks
            .push(FBlock::ForLoop { start, exit: end });
        self.visit_iter(&f.iter)?;
        self.addop(Opcode::GET_ITER);
        self.use_next(start);
        self.addop_j(Opcode::FOR_ITER, cleanup);
        self.use_next(body);
        self.visit_expr(&f.target)?;
        self.body_seq(&f.body)?;
        self.unset_loc();
        self.addop_j(Opcode::JUMP, start);
        self.use_next(cleanup);
        self.unit().fblocks.pop();
        self.body_seq(&f.orelse)?;
        self.use_next(end);
        Ok(())
    }

    pub(super) fn async_for(&mut self, f: &'a ast::StmtFor) -> CResult {
        if self.unit_ref().scope_type != ScopeType::AsyncFunction {
            return Err(self.error("'async for' outside async function", f.range));
        }
        let start = self.new_block();
        let except = self.new_block();
        let end = self.new_block();
        self.visit_expr(&f.iter)?;
        self.addop(Opcode::GET_AITER);
        self.use_next(start);
        self.unit()
            .fblocks
            .push(FBlock::ForLoop { start, exit: end });
        self.addop_j(Opcode::SETUP_FINALLY, except);
        self.addop(Opcode::GET_ANEXT);
        self.load_const(Constant::None);
        self.add_yield_from(true);
        self.addop(Opcode::POP_BLOCK);
        self.visit_expr(&f.target)?;
        self.body_seq(&f.body)?;
        self.unset_loc();
        self.addop_j(Opcode::JUMP, start);
        self.unit().fblocks.pop();
        self.use_next(except);
        self.set_loc(f.iter.range());
        self.addop(Opcode::END_ASYNC_FOR);
        self.body_seq(&f.orelse)?;
        self.use_next(end);
        Ok(())
    }

    /// The `SEND`/`YIELD_VALUE` loop of `await` and `yield from` (CPython's `ADD_YIELD_FROM`).
    pub(super) fn add_yield_from(&mut self, is_await: bool) {
        let start = self.new_block();
        let resume = self.new_block();
        let exit = self.new_block();
        self.use_next(start);
        self.addop_j(Opcode::SEND, exit);
        self.use_next(resume);
        self.addop(Opcode::YIELD_VALUE);
        self.addop_i(Opcode::RESUME, if is_await { 3 } else { 2 });
        self.addop_j(Opcode::JUMP_NO_INTERRUPT, start);
        self.use_next(exit);
    }

    /// Compiles the iterable of a `for` or comprehension, or the right operand of `in`: as
    /// CPython's AST optimizer does, a list display becomes a tuple and a set display of
    /// constants a frozenset constant.
    pub(super) fn visit_iter(&mut self, e: &'a Expr) -> CResult {
        let starred = |elts: &[Expr]| elts.iter().any(|x| matches!(x, Expr::Starred(_)));
        match e {
            Expr::List(l) if !starred(&l.elts) => self.keeping_loc(|c| {
                c.set_loc(l.range);
                let items: Option<Vec<Constant>> = l.elts.iter().map(fold::constant_of).collect();
                match items {
                    Some(items) => c.load_const(Constant::Tuple(items.into())),
                    None => c.starunpack(&l.elts, 0, &super::expr::TUPLE)?,
                }
                Ok(())
            }),
            Expr::Set(s) => {
                let items: Option<Vec<Constant>> = s.elts.iter().map(fold::constant_of).collect();
                match items {
                    Some(items) => self.keeping_loc(|c| {
                        c.set_loc(e.range());
                        c.load_const(Constant::FrozenSet(fold::frozenset_items(items).into()));
                        Ok(())
                    }),
                    None => self.visit_expr(e),
                }
            }
            _ => self.visit_expr(e),
        }
    }

    /// Emits a conditional jump to `target` when `e` is truthy (`cond`) or falsy (`!cond`),
    /// using CPython 3.11's short-circuit shapes for `not`, `and`/`or`, `x if c else y` and
    /// comparisons (CPython's `compiler_jump_if`).
    pub fn jump_if(&mut self, e: &'a Expr, target: Label, cond: bool) -> CResult {
        self.nest(e.range(), |c| c.jump_if_inner(e, target, cond))
    }

    fn jump_if_inner(&mut self, e: &'a Expr, target: Label, cond: bool) -> CResult {
        if fold::constant_of(e).is_none() {
            if let Some(view) = folded_not(e) {
                return self.jump_if_compare(&view, target, cond);
            }
            match e {
                Expr::UnaryOp(u) if u.op == ast::UnaryOp::Not => {
                    return self.jump_if(&u.operand, target, !cond);
                }
                Expr::BoolOp(b) => return self.jump_if_boolop(b, target, cond),
                Expr::If(i) => {
                    let end = self.new_block();
                    let next2 = self.new_block();
                    self.jump_if(&i.test, next2, false)?;
                    self.jump_if(&i.body, target, cond)?;
                    self.addop_j_noline(Opcode::JUMP, end);
                    self.use_next(next2);
                    self.jump_if(&i.orelse, target, cond)?;
                    self.use_next(end);
                    return Ok(());
                }
                Expr::Compare(cmp) => return self.jump_if_compare(&CmpView::of(cmp), target, cond),
                _ => {}
            }
        }
        self.visit_expr(e)?;
        let op = if cond {
            Opcode::POP_JUMP_IF_TRUE
        } else {
            Opcode::POP_JUMP_IF_FALSE
        };
        self.addop_j(op, target);
        Ok(())
    }

    fn jump_if_boolop(&mut self, b: &'a ast::ExprBoolOp, target: Label, cond: bool) -> CResult {
        let is_or = b.op == ast::BoolOp::Or;
        let next2 = if is_or != cond {
            self.new_block()
        } else {
            target
        };
        let n = b.values.len() - 1;
        for v in &b.values[..n] {
            self.jump_if(v, next2, is_or)?;
        }
        self.jump_if(&b.values[n], target, cond)?;
        if next2 != target {
            self.use_next(next2);
        }
        Ok(())
    }

    fn jump_if_compare(&mut self, cmp: &CmpView<'a>, target: Label, cond: bool) -> CResult {
        self.set_loc(cmp.range);
        let n = cmp.ops.len() - 1;
        if n == 0 {
            self.keeping_loc(|c| {
                c.set_loc(cmp.range);
                c.compare(cmp)
            })?;
            let op = if cond {
                Opcode::POP_JUMP_IF_TRUE
            } else {
                Opcode::POP_JUMP_IF_FALSE
            };
            self.addop_j(op, target);
            return Ok(());
        }
        let cleanup = self.new_block();
        self.visit_expr(cmp.left)?;
        for i in 0..n {
            self.visit_expr(&cmp.comparators[i])?;
            self.addop_i(Opcode::SWAP, 2);
            self.addop_i(Opcode::COPY, 2);
            self.compare_op(cmp.ops[i]);
            self.addop_j(Opcode::POP_JUMP_IF_FALSE, cleanup);
        }
        self.visit_comparator(cmp.ops[n], &cmp.comparators[n])?;
        self.compare_op(cmp.ops[n]);
        let op = if cond {
            Opcode::POP_JUMP_IF_TRUE
        } else {
            Opcode::POP_JUMP_IF_FALSE
        };
        self.addop_j(op, target);
        let end = self.new_block();
        self.addop_j_noline(Opcode::JUMP, end);
        self.use_next(cleanup);
        self.addop(Opcode::POP_TOP);
        if !cond {
            self.addop_j_noline(Opcode::JUMP, target);
        }
        self.use_next(end);
        Ok(())
    }

    pub(super) fn return_stmt(&mut self, r: &'a ast::StmtReturn) -> CResult {
        let scope = &self.table.scopes[self.unit_ref().scope];
        if !scope.is_function_like() {
            return Err(self.error("'return' outside function", r.range));
        }
        if r.value.is_some() && scope.is_generator && scope.is_coroutine {
            return Err(self.error("'return' with value in async generator", r.range));
        }
        let constant = r.value.as_deref().and_then(fold::constant_of);
        let preserve = r.value.is_some() && constant.is_none();
        match &r.value {
            Some(v) if preserve => self.visit_expr(v)?,
            Some(v) => {
                self.set_loc(v.range());
                self.addop(Opcode::NOP);
            }
            None => {}
        }
        let stmt_line = self.lines.line_of(r.range.start());
        if r.value
            .as_ref()
            .is_none_or(|v| self.lines.line_of(v.range().start()) != stmt_line)
        {
            self.set_loc(r.range);
            self.addop(Opcode::NOP);
        }
        self.unwind_fblock_stack(preserve, false, r.range)?;
        match constant {
            _ if r.value.is_none() => self.load_const(Constant::None),
            Some(k) => self.load_const(k),
            None => {}
        }
        self.addop(Opcode::RETURN_VALUE);
        Ok(())
    }

    pub(super) fn break_stmt(&mut self, range: TextRange) -> CResult {
        self.addop(Opcode::NOP);
        let Some(block) = self.unwind_fblock_stack(false, true, range)? else {
            return Err(self.error("'break' outside loop", range));
        };
        self.unwind_fblock(&block, false)?;
        match block {
            FBlock::WhileLoop { exit, .. } | FBlock::ForLoop { exit, .. } => {
                self.addop_j(Opcode::JUMP, exit);
            }
            _ => unreachable!("only loops stop the unwinding"),
        }
        Ok(())
    }

    pub(super) fn continue_stmt(&mut self, range: TextRange) -> CResult {
        self.addop(Opcode::NOP);
        let Some(block) = self.unwind_fblock_stack(false, true, range)? else {
            return Err(self.error("'continue' not properly in loop", range));
        };
        match block {
            FBlock::WhileLoop { start, .. } | FBlock::ForLoop { start, .. } => {
                self.addop_j(Opcode::JUMP, start);
            }
            _ => unreachable!("only loops stop the unwinding"),
        }
        Ok(())
    }

    /// Unwinds the frame blocks (CPython's `compiler_unwind_fblock_stack`); with `to_loop` it
    /// stops at, and returns, the innermost loop.
    fn unwind_fblock_stack(
        &mut self,
        preserve_tos: bool,
        to_loop: bool,
        range: TextRange,
    ) -> CResult<Option<FBlock<'a>>> {
        let Some(top) = self.unit_ref().fblocks.last().cloned() else {
            return Ok(None);
        };
        if matches!(top, FBlock::ExceptionGroupHandler) {
            return Err(self.error(
                "'break', 'continue' and 'return' cannot appear in an except* block",
                range,
            ));
        }
        if to_loop && matches!(top, FBlock::WhileLoop { .. } | FBlock::ForLoop { .. }) {
            return Ok(Some(top));
        }
        self.unit().fblocks.pop();
        self.unwind_fblock(&top, preserve_tos)?;
        let found = self.unwind_fblock_stack(preserve_tos, to_loop, range)?;
        self.unit().fblocks.push(top);
        Ok(found)
    }

    /// Emits the code that leaves one frame block early (CPython's `compiler_unwind_fblock`).
    fn unwind_fblock(&mut self, block: &FBlock<'a>, preserve_tos: bool) -> CResult {
        use Opcode::*;
        match block {
            FBlock::WhileLoop { .. }
            | FBlock::ExceptionHandler
            | FBlock::ExceptionGroupHandler
            | FBlock::AsyncComprehensionGenerator => {}
            FBlock::ForLoop { .. } | FBlock::PopValue => {
                if preserve_tos {
                    self.addop_i(SWAP, 2);
                }
                self.addop(POP_TOP);
            }
            FBlock::TryExcept => self.addop(POP_BLOCK),
            FBlock::FinallyTry { body } => {
                self.addop(POP_BLOCK);
                if preserve_tos {
                    self.unit().fblocks.push(FBlock::PopValue);
                }
                self.body_seq(body)?;
                if preserve_tos {
                    self.unit().fblocks.pop();
                }
                self.unset_loc();
            }
            FBlock::FinallyEnd => {
                if preserve_tos {
                    self.addop_i(SWAP, 2);
                }
                self.addop(POP_TOP);
                if preserve_tos {
                    self.addop_i(SWAP, 2);
                }
                self.addop(POP_BLOCK);
                self.addop(POP_EXCEPT);
            }
            FBlock::With { range, is_async } => {
                self.set_loc(*range);
                self.addop(POP_BLOCK);
                if preserve_tos {
                    self.addop_i(SWAP, 2);
                }
                self.call_exit_with_nones();
                if *is_async {
                    self.addop_i(GET_AWAITABLE, 2);
                    self.load_const(Constant::None);
                    self.add_yield_from(true);
                }
                self.addop(POP_TOP);
                self.unset_loc();
            }
            FBlock::HandlerCleanup { name } => {
                if name.is_some() {
                    self.addop(POP_BLOCK);
                }
                if preserve_tos {
                    self.addop_i(SWAP, 2);
                }
                self.addop(POP_BLOCK);
                self.addop(POP_EXCEPT);
                if let Some(n) = name {
                    self.load_const(Constant::None);
                    self.name_op(n, NameCtx::Store);
                    self.name_op(n, NameCtx::Del);
                }
            }
        }
        Ok(())
    }

    pub(super) fn call_exit_with_nones(&mut self) {
        self.load_const(Constant::None);
        self.load_const(Constant::None);
        self.load_const(Constant::None);
        self.addop_i(Opcode::PRECALL, 2);
        self.addop_i(Opcode::CALL, 2);
    }

    pub(super) fn pop_except_and_reraise(&mut self) {
        self.addop_i(Opcode::COPY, 3);
        self.addop(Opcode::POP_EXCEPT);
        self.addop_i(Opcode::RERAISE, 1);
    }
}
