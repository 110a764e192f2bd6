//! Exception handling: `try`/`except`/`finally`, `except*`, `with` and `async with`, laid out
//! as CPython 3.11 does with `SETUP_*`/`POP_BLOCK` pseudo-instructions that the assembler turns
//! into the exception table.

use ruff_python_ast::{self as ast, Stmt};

use super::{CResult, Compiler, FBlock, Label, NameCtx, ScopeType};
use crate::code::Constant;
use crate::opcode::Opcode;

impl<'a> Compiler<'a> {
    pub(super) fn try_stmt(&mut self, t: &'a ast::StmtTry) -> CResult {
        match (t.is_star, t.finalbody.is_empty()) {
            (false, false) => self.try_finally(t),
            (false, true) => self.try_except(t),
            (true, false) => self.try_finally(t),
            (true, true) => self.try_star_except(t),
        }
    }

    fn try_finally(&mut self, t: &'a ast::StmtTry) -> CResult {
        let body = self.new_block();
        let end = self.new_block();
        let exit = self.new_block();
        let cleanup = self.new_block();
        self.addop_j(Opcode::SETUP_FINALLY, end);
        self.use_next(body);
        self.unit()
            .fblocks
            .push(FBlock::FinallyTry { body: &t.finalbody });
        match (t.handlers.is_empty(), t.is_star) {
            (true, _) => self.body_seq(&t.body)?,
            (false, false) => self.try_except(t)?,
            (false, true) => self.try_star_except(t)?,
        }
        self.addop_noline(Opcode::POP_BLOCK);
        self.unit().fblocks.pop();
        self.body_seq(&t.finalbody)?;
        self.addop_j_noline(Opcode::JUMP, exit);
        self.use_next(end);
        self.unset_loc();
        self.addop_j(Opcode::SETUP_CLEANUP, cleanup);
        self.addop(Opcode::PUSH_EXC_INFO);
        self.unit().fblocks.push(FBlock::FinallyEnd);
        self.body_seq(&t.finalbody)?;
        self.unit().fblocks.pop();
        self.addop_i(Opcode::RERAISE, 0);
        self.use_next(cleanup);
        self.pop_except_and_reraise();
        self.use_next(exit);
        Ok(())
    }

    fn try_except(&mut self, t: &'a ast::StmtTry) -> CResult {
        let body = self.new_block();
        let except = self.new_block();
        let end = self.new_block();
        let cleanup = self.new_block();
        self.addop_j(Opcode::SETUP_FINALLY, except);
        self.use_next(body);
        self.unit().fblocks.push(FBlock::TryExcept);
        self.body_seq(&t.body)?;
        self.unit().fblocks.pop();
        self.addop_noline(Opcode::POP_BLOCK);
        self.body_seq(&t.orelse)?;
        self.addop_j_noline(Opcode::JUMP, end);
        self.use_next(except);
        self.unset_loc();
        self.addop_j(Opcode::SETUP_CLEANUP, cleanup);
        self.addop(Opcode::PUSH_EXC_INFO);
        self.unit().fblocks.push(FBlock::ExceptionHandler);
        let n = t.handlers.len();
        for (i, h) in t.handlers.iter().enumerate() {
            let ast::ExceptHandler::ExceptHandler(h) = h;
            self.set_loc(self.block_range(h.range));
            if h.type_.is_none() && i + 1 < n {
                return Err(self.error("default 'except:' must be last", h.range));
            }
            let next = self.new_block();
            if let Some(ty) = &h.type_ {
                self.visit_expr(ty)?;
                self.addop(Opcode::CHECK_EXC_MATCH);
                self.addop_j(Opcode::POP_JUMP_IF_FALSE, next);
            }
            match &h.name {
                Some(name) => self.named_handler_body(name, &h.body, end)?,
                None => {
                    let cleanup_body = self.new_block();
                    self.addop(Opcode::POP_TOP);
                    self.use_next(cleanup_body);
                    self.unit()
                        .fblocks
                        .push(FBlock::HandlerCleanup { name: None });
                    self.body_seq(&h.body)?;
                    self.unit().fblocks.pop();
                    self.unset_loc();
                    self.addop(Opcode::POP_BLOCK);
                    self.addop(Opcode::POP_EXCEPT);
                    self.addop_j(Opcode::JUMP, end);
                }
            }
            self.use_next(next);
        }
        self.unset_loc();
        self.unit().fblocks.pop();
        self.addop_i(Opcode::RERAISE, 0);
        self.use_next(cleanup);
        self.pop_except_and_reraise();
        self.use_next(end);
        Ok(())
    }

    /// `except E as name:` — the body runs in a nested cleanup that unbinds `name`.
    fn named_handler_body(&mut self, name: &str, body: &'a [Stmt], end: Label) -> CResult {
        let cleanup_end = self.new_block();
        let cleanup_body = self.new_block();
        self.name_op(name, NameCtx::Store);
        self.addop_j(Opcode::SETUP_CLEANUP, cleanup_end);
        self.use_next(cleanup_body);
        self.unit().fblocks.push(FBlock::HandlerCleanup {
            name: Some(name.to_string()),
        });
        self.body_seq(body)?;
        self.unit().fblocks.pop();
        self.unset_loc();
        self.addop(Opcode::POP_BLOCK);
        self.addop(Opcode::POP_BLOCK);
        self.addop(Opcode::POP_EXCEPT);
        self.unbind(name);
        self.addop_j(Opcode::JUMP, end);
        self.use_next(cleanup_end);
        self.unset_loc();
        self.unbind(name);
        self.addop_i(Opcode::RERAISE, 1);
        Ok(())
    }

    /// `name = None; del name`
    fn unbind(&mut self, name: &str) {
        self.load_const(Constant::None);
        self.name_op(name, NameCtx::Store);
        self.name_op(name, NameCtx::Del);
    }

    fn try_star_except(&mut self, t: &'a ast::StmtTry) -> CResult {
        let body = self.new_block();
        let except = self.new_block();
        let orelse = self.new_block();
        let end = self.new_block();
        let cleanup = self.new_block();
        let reraise_star = self.new_block();
        self.addop_j(Opcode::SETUP_FINALLY, except);
        self.use_next(body);
        self.unit().fblocks.push(FBlock::TryExcept);
        self.body_seq(&t.body)?;
        self.unit().fblocks.pop();
        self.addop_noline(Opcode::POP_BLOCK);
        self.addop_j_noline(Opcode::JUMP, orelse);
        self.use_next(except);
        self.unset_loc();
        self.addop_j(Opcode::SETUP_CLEANUP, cleanup);
        self.addop(Opcode::PUSH_EXC_INFO);
        self.unit().fblocks.push(FBlock::ExceptionGroupHandler);
        let n = t.handlers.len();
        for (i, h) in t.handlers.iter().enumerate() {
            let ast::ExceptHandler::ExceptHandler(h) = h;
            self.star_handler(h, i == 0, i + 1 == n, reraise_star)?;
        }
        self.unset_loc();
        self.unit().fblocks.pop();
        let reraise = self.new_block();
        self.use_next(reraise_star);
        self.addop(Opcode::PREP_RERAISE_STAR);
        self.addop_i(Opcode::COPY, 1);
        self.addop_j(Opcode::POP_JUMP_IF_NOT_NONE, reraise);
        self.addop(Opcode::POP_TOP);
        self.addop(Opcode::POP_BLOCK);
        self.addop(Opcode::POP_EXCEPT);
        self.addop_j(Opcode::JUMP, end);
        self.use_next(reraise);
        self.addop(Opcode::POP_BLOCK);
        self.addop_i(Opcode::SWAP, 2);
        self.addop(Opcode::POP_EXCEPT);
        self.addop_i(Opcode::RERAISE, 0);
        self.use_next(cleanup);
        self.pop_except_and_reraise();
        self.use_next(orelse);
        self.body_seq(&t.orelse)?;
        self.use_next(end);
        Ok(())
    }

    /// One `except*` clause (CPython's loop body in `compiler_try_star_except`).
    fn star_handler(
        &mut self,
        h: &'a ast::ExceptHandlerExceptHandler,
        first: bool,
        last: bool,
        reraise_star: Label,
    ) -> CResult {
        self.set_loc(self.block_range(h.range));
        let except = self.new_block();
        let except_with_error = self.new_block();
        let no_match = self.new_block();
        if first {
            self.addop_i(Opcode::COPY, 1);
            self.addop_i(Opcode::BUILD_LIST, 0);
            self.addop_i(Opcode::SWAP, 2);
        }
        if let Some(ty) = &h.type_ {
            self.visit_expr(ty)?;
            self.addop(Opcode::CHECK_EG_MATCH);
            self.addop_i(Opcode::COPY, 1);
            self.addop_j(Opcode::POP_JUMP_IF_NONE, no_match);
        }
        let cleanup_end = self.new_block();
        let cleanup_body = self.new_block();
        match &h.name {
            Some(name) => self.name_op(name, NameCtx::Store),
            None => self.addop(Opcode::POP_TOP),
        }
        self.addop_j(Opcode::SETUP_CLEANUP, cleanup_end);
        self.use_next(cleanup_body);
        let name = h.name.as_ref().map(|n| n.to_string());
        self.unit()
            .fblocks
            .push(FBlock::HandlerCleanup { name: name.clone() });
        self.body_seq(&h.body)?;
        self.unit().fblocks.pop();
        self.unset_loc();
        self.addop(Opcode::POP_BLOCK);
        if let Some(n) = &name {
            self.unbind(n);
        }
        self.addop_j(Opcode::JUMP, except);
        self.use_next(cleanup_end);
        self.unset_loc();
        if let Some(n) = &name {
            self.unbind(n);
        }
        self.addop_i(Opcode::LIST_APPEND, 3);
        self.addop(Opcode::POP_TOP);
        self.addop_j(Opcode::JUMP, except_with_error);
        self.use_next(except);
        self.addop(Opcode::NOP);
        self.addop_j(Opcode::JUMP, except_with_error);
        self.use_next(no_match);
        self.addop(Opcode::POP_TOP);
        self.use_next(except_with_error);
        if last {
            self.addop_i(Opcode::LIST_APPEND, 1);
            self.addop_j(Opcode::JUMP, reraise_star);
        }
        Ok(())
    }

    pub(super) fn with_stmt(&mut self, w: &'a ast::StmtWith, pos: usize) -> CResult {
        let item = &w.items[pos];
        let block = self.new_block();
        let final_ = self.new_block();
        let exit = self.new_block();
        let cleanup = self.new_block();
        self.visit_expr(&item.context_expr)?;
        self.addop(Opcode::BEFORE_WITH);
        self.addop_j(Opcode::SETUP_WITH, final_);
        self.use_next(block);
        let range = self.block_range(w.range);
        self.unit().fblocks.push(FBlock::With {
            range,
            is_async: false,
        });
        match &item.optional_vars {
            Some(target) => self.visit_expr(target)?,
            None => self.addop(Opcode::POP_TOP),
        }
        if pos + 1 == w.items.len() {
            self.body_seq(&w.body)?;
        } else {
            self.with_stmt(w, pos + 1)?;
        }
        self.unset_loc();
        self.addop(Opcode::POP_BLOCK);
        self.unit().fblocks.pop();
        self.set_loc(self.block_range(w.range));
        self.call_exit_with_nones();
        self.addop(Opcode::POP_TOP);
        self.addop_j(Opcode::JUMP, exit);
        self.use_next(final_);
        self.addop_j(Opcode::SETUP_CLEANUP, cleanup);
        self.addop(Opcode::PUSH_EXC_INFO);
        self.addop(Opcode::WITH_EXCEPT_START);
        self.with_except_finish(cleanup);
        self.use_next(exit);
        Ok(())
    }

    pub(super) fn async_with(&mut self, w: &'a ast::StmtWith, pos: usize) -> CResult {
        if self.unit_ref().scope_type != ScopeType::AsyncFunction {
            return Err(self.error("'async with' outside async function", w.range));
        }
        let item = &w.items[pos];
        let block = self.new_block();
        let final_ = self.new_block();
        let exit = self.new_block();
        let cleanup = self.new_block();
        self.visit_expr(&item.context_expr)?;
        self.addop(Opcode::BEFORE_ASYNC_WITH);
        self.addop_i(Opcode::GET_AWAITABLE, 1);
        self.load_const(Constant::None);
        self.add_yield_from(true);
        self.addop_j(Opcode::SETUP_WITH, final_);
        self.use_next(block);
        let range = self.block_range(w.range);
        self.unit().fblocks.push(FBlock::With {
            range,
            is_async: true,
        });
        match &item.optional_vars {
            Some(target) => self.visit_expr(target)?,
            None => self.addop(Opcode::POP_TOP),
        }
        if pos + 1 == w.items.len() {
            self.body_seq(&w.body)?;
        } else {
            self.async_with(w, pos + 1)?;
        }
        self.unit().fblocks.pop();
        self.addop(Opcode::POP_BLOCK);
        self.set_loc(self.block_range(w.range));
        self.call_exit_with_nones();
        self.addop_i(Opcode::GET_AWAITABLE, 2);
        self.load_const(Constant::None);
        self.add_yield_from(true);
        self.addop(Opcode::POP_TOP);
        self.addop_j(Opcode::JUMP, exit);
        self.use_next(final_);
        self.addop_j(Opcode::SETUP_CLEANUP, cleanup);
        self.addop(Opcode::PUSH_EXC_INFO);
        self.addop(Opcode::WITH_EXCEPT_START);
        self.addop_i(Opcode::GET_AWAITABLE, 2);
        self.load_const(Constant::None);
        self.add_yield_from(true);
        self.with_except_finish(cleanup);
        self.use_next(exit);
        Ok(())
    }

    fn with_except_finish(&mut self, cleanup: Label) {
        self.unset_loc();
        let exit = self.new_block();
        self.addop_j(Opcode::POP_JUMP_IF_TRUE, exit);
        self.addop_i(Opcode::RERAISE, 2);
        self.use_next(cleanup);
        self.pop_except_and_reraise();
        self.use_next(exit);
        self.addop(Opcode::POP_TOP);
        self.addop(Opcode::POP_BLOCK);
        self.addop(Opcode::POP_EXCEPT);
        self.addop(Opcode::POP_TOP);
        self.addop(Opcode::POP_TOP);
    }
}
