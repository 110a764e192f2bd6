//! Statements other than the control-flow ones: assignments, imports, `assert`, `raise`,
//! expression statements (CPython's `compiler_visit_stmt` and friends).

use std::rc::Rc;

use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::{Ranged, TextRange, TextSize};

use super::{CResult, Compiler, NameCtx, ScopeType};
use crate::code::Constant;
use crate::fold;
use crate::opcode::{INPLACE_OFFSET, Opcode};

impl<'a> Compiler<'a> {
    /// Compiles one statement; it sets the current location and leaves it behind.
    pub fn visit_stmt(&mut self, s: &'a Stmt) -> CResult {
        self.nest(s.range(), |c| {
            let range = c.stmt_range(s);
            c.set_loc(range);
            c.stmt_inner(s)
        })
    }

    /// CPython's position of a statement: definitions start at `def`/`class`, after their
    /// decorators.
    pub fn stmt_range(&self, s: &Stmt) -> TextRange {
        let start = match s {
            Stmt::FunctionDef(f) if !f.decorator_list.is_empty() => {
                let kw = if f.is_async {
                    &["def", "async"][..]
                } else {
                    &["def"]
                };
                self.keyword_before(f.name.range.start(), kw)
            }
            Stmt::ClassDef(cd) if !cd.decorator_list.is_empty() => {
                self.keyword_before(cd.name.range.start(), &["class"])
            }
            _ => s.range().start(),
        };
        let compound = matches!(
            s,
            Stmt::FunctionDef(_)
                | Stmt::ClassDef(_)
                | Stmt::If(_)
                | Stmt::For(_)
                | Stmt::While(_)
                | Stmt::With(_)
                | Stmt::Try(_)
                | Stmt::Match(_)
        );
        let end = if compound {
            self.block_end(s.range().end())
        } else {
            s.range().end()
        };
        TextRange::new(start, end)
    }

    /// The range of a construct that ends with a block.
    pub fn block_range(&self, r: TextRange) -> TextRange {
        TextRange::new(r.start(), self.block_end(r.end()))
    }

    /// CPython ends a block at its last token other than the newline, which includes a
    /// trailing `;` after the last simple statement.
    pub fn block_end(&self, end: TextSize) -> TextSize {
        let bytes = self.source.as_bytes();
        let mut i = usize::from(end);
        while i < bytes.len() && matches!(bytes[i], b' ' | b'\t' | b'\x0c') {
            i += 1;
        }
        if bytes.get(i) == Some(&b';') {
            TextSize::from(i as u32 + 1)
        } else {
            end
        }
    }

    /// The start of the keywords that precede `at` (separated by whitespace), innermost first.
    fn keyword_before(&self, at: TextSize, keywords: &[&str]) -> TextSize {
        let bytes = self.source.as_bytes();
        let mut i = usize::from(at);
        for kw in keywords {
            while i > 0 && matches!(bytes[i - 1], b' ' | b'\t' | b'\\' | b'\n' | b'\r' | b'\x0c') {
                i -= 1;
            }
            if i >= kw.len() && &self.source[i - kw.len()..i] == *kw {
                i -= kw.len();
            }
        }
        TextSize::from(i as u32)
    }

    fn stmt_inner(&mut self, s: &'a Stmt) -> CResult {
        match s {
            Stmt::FunctionDef(f) => self.function_def(f),
            Stmt::ClassDef(cd) => self.class_def(cd),
            Stmt::Return(r) => self.return_stmt(r),
            Stmt::Delete(d) => d.targets.iter().try_for_each(|t| self.visit_expr(t)),
            Stmt::Assign(a) => {
                self.visit_expr(&a.value)?;
                let n = a.targets.len();
                for (i, t) in a.targets.iter().enumerate() {
                    if i + 1 < n {
                        self.addop_i(Opcode::COPY, 1);
                    }
                    self.visit_expr(t)?;
                }
                Ok(())
            }
            Stmt::AugAssign(a) => self.aug_assign(a),
            Stmt::AnnAssign(a) => self.ann_assign(a),
            Stmt::For(f) if f.is_async => self.async_for(f),
            Stmt::For(f) => self.for_stmt(f),
            Stmt::While(w) => self.while_stmt(w),
            Stmt::If(i) => self.if_stmt(i),
            Stmt::With(w) if w.is_async => self.async_with(w, 0),
            Stmt::With(w) => self.with_stmt(w, 0),
            Stmt::Match(m) => self.match_stmt(m),
            Stmt::Raise(r) => self.raise_stmt(r),
            Stmt::Try(t) => self.try_stmt(t),
            Stmt::Assert(a) => self.assert_stmt(a),
            Stmt::Import(i) => self.import(i),
            Stmt::ImportFrom(i) => self.import_from(i),
            Stmt::Global(_) | Stmt::Nonlocal(_) => Ok(()),
            Stmt::Expr(e) => self.expr_stmt(&e.value),
            Stmt::Pass(_) => {
                self.addop(Opcode::NOP);
                Ok(())
            }
            Stmt::Break(b) => self.break_stmt(b.range()),
            Stmt::Continue(c) => self.continue_stmt(c.range()),
            Stmt::TypeAlias(t) => Err(self.error("invalid syntax", t.range)),
            Stmt::IpyEscapeCommand(c) => Err(self.error("invalid syntax", c.range)),
        }
    }

    fn expr_stmt(&mut self, value: &'a Expr) -> CResult {
        if self.interactive && self.units.len() == 1 {
            self.visit_expr(value)?;
            self.addop(Opcode::PRINT_EXPR);
            return Ok(());
        }
        if fold::constant_of(value).is_some() {
            // CPython drops constant expression statements, keeping a NOP for the line.
            self.addop(Opcode::NOP);
            return Ok(());
        }
        self.visit_expr(value)?;
        self.unset_loc();
        self.addop(Opcode::POP_TOP);
        Ok(())
    }

    fn raise_stmt(&mut self, r: &'a ast::StmtRaise) -> CResult {
        let mut n = 0;
        if let Some(exc) = &r.exc {
            self.visit_expr(exc)?;
            n = 1;
            if let Some(cause) = &r.cause {
                self.visit_expr(cause)?;
                n = 2;
            }
        }
        self.addop_i(Opcode::RAISE_VARARGS, n);
        Ok(())
    }

    fn assert_stmt(&mut self, a: &'a ast::StmtAssert) -> CResult {
        let end = self.new_block();
        self.jump_if(&a.test, end, true)?;
        self.addop(Opcode::LOAD_ASSERTION_ERROR);
        if let Some(msg) = &a.msg {
            self.visit_expr(msg)?;
            self.addop_i(Opcode::PRECALL, 0);
            self.addop_i(Opcode::CALL, 0);
        }
        self.addop_i(Opcode::RAISE_VARARGS, 1);
        self.use_next(end);
        Ok(())
    }

    fn aug_assign(&mut self, a: &'a ast::StmtAugAssign) -> CResult {
        let op = super::expr::binop_arg(a.op) + INPLACE_OFFSET;
        let target = &*a.target;
        let saved = self.unit_ref().loc;
        self.set_loc(target.range());
        match target {
            Expr::Attribute(at) => {
                self.visit_expr(&at.value)?;
                self.addop_i(Opcode::COPY, 1);
                self.update_start_to_attr(at);
                let i = self.add_name(&self.mangle(&at.attr));
                self.addop_i(Opcode::LOAD_ATTR, i);
            }
            Expr::Subscript(s) => {
                self.visit_expr(&s.value)?;
                self.visit_expr(&s.slice)?;
                self.addop_i(Opcode::COPY, 2);
                self.addop_i(Opcode::COPY, 2);
                self.addop_anchored(Opcode::BINARY_SUBSCR, 0, super::expr::subscript_anchor(s));
            }
            Expr::Name(n) => self.name_op(&n.id, NameCtx::Load),
            other => {
                return Err(self.error(
                    "'expression' is an illegal expression for augmented assignment",
                    other.range(),
                ));
            }
        }
        self.unit().loc = saved;
        self.visit_expr(&a.value)?;
        self.addop_i(Opcode::BINARY_OP, op);
        self.set_loc(target.range());
        match target {
            Expr::Attribute(at) => {
                self.update_start_to_attr(at);
                self.addop_i(Opcode::SWAP, 2);
                let i = self.add_name(&self.mangle(&at.attr));
                self.addop_i(Opcode::STORE_ATTR, i);
            }
            Expr::Subscript(_) => {
                self.addop_i(Opcode::SWAP, 3);
                self.addop_i(Opcode::SWAP, 2);
                self.addop(Opcode::STORE_SUBSCR);
            }
            Expr::Name(n) => self.name_op(&n.id, NameCtx::Store),
            _ => {}
        }
        Ok(())
    }

    fn ann_assign(&mut self, a: &'a ast::StmtAnnAssign) -> CResult {
        if let Some(v) = &a.value {
            self.visit_expr(v)?;
            self.visit_expr(&a.target)?;
        }
        let at_module_or_class = matches!(
            self.unit_ref().scope_type,
            ScopeType::Module | ScopeType::Class
        );
        match &*a.target {
            Expr::Name(n) => {
                self.check_forbidden_name(&n.id, n.range)?;
                if a.simple && at_module_or_class {
                    self.annotation_value(&a.annotation)?;
                    let i = self.add_name("__annotations__");
                    self.addop_i(Opcode::LOAD_NAME, i);
                    let mangled = self.mangle(&n.id);
                    self.load_const(Constant::Str(Rc::from(mangled.as_str())));
                    self.addop(Opcode::STORE_SUBSCR);
                }
            }
            Expr::Attribute(at) => {
                if a.value.is_none() {
                    self.check_ann_expr(&at.value)?;
                }
            }
            Expr::Subscript(s) => {
                if a.value.is_none() {
                    self.check_ann_expr(&s.value)?;
                    self.check_ann_subscr(&s.slice)?;
                }
            }
            other => {
                return Err(self.error("illegal target for annotation", other.range()));
            }
        }
        if !a.simple && at_module_or_class && !self.future_annotations {
            self.check_ann_expr(&a.annotation)?;
        }
        Ok(())
    }

    fn check_ann_expr(&mut self, e: &'a Expr) -> CResult {
        self.visit_expr(e)?;
        self.addop(Opcode::POP_TOP);
        Ok(())
    }

    fn check_ann_subscr(&mut self, e: &'a Expr) -> CResult {
        match e {
            Expr::Slice(s) => {
                for part in [&s.lower, &s.upper, &s.step].into_iter().flatten() {
                    self.check_ann_expr(part)?;
                }
                Ok(())
            }
            Expr::Tuple(t) => t.elts.iter().try_for_each(|x| self.check_ann_subscr(x)),
            other => self.check_ann_expr(other),
        }
    }

    pub fn check_forbidden_name(&self, name: &str, range: TextRange) -> CResult {
        if name == "__debug__" {
            return Err(self.error("cannot assign to __debug__", range));
        }
        Ok(())
    }

    fn import(&mut self, i: &'a ast::StmtImport) -> CResult {
        for alias in &i.names {
            self.load_const(Constant::Int(0.into()));
            self.load_const(Constant::None);
            let ni = self.add_name(&self.mangle(&alias.name.id));
            self.addop_i(Opcode::IMPORT_NAME, ni);
            match &alias.asname {
                Some(asname) => self.import_as(&alias.name.id, asname),
                None => {
                    let first = alias.name.id.split('.').next().unwrap_or("");
                    self.name_op(first, NameCtx::Store);
                }
            }
        }
        Ok(())
    }

    fn import_as(&mut self, dotted: &str, asname: &str) {
        let parts: Vec<&str> = dotted.split('.').collect();
        if parts.len() > 1 {
            for (k, attr) in parts[1..].iter().enumerate() {
                let ni = self.add_name(attr);
                self.addop_i(Opcode::IMPORT_FROM, ni);
                if k + 2 < parts.len() {
                    self.addop_i(Opcode::SWAP, 2);
                    self.addop(Opcode::POP_TOP);
                }
            }
            self.name_op(asname, NameCtx::Store);
            self.addop(Opcode::POP_TOP);
            return;
        }
        self.name_op(asname, NameCtx::Store);
    }

    fn import_from(&mut self, i: &'a ast::StmtImportFrom) -> CResult {
        self.load_const(Constant::Int(i.level.into()));
        let names: Vec<Constant> = i
            .names
            .iter()
            .map(|a| Constant::Str(Rc::from(a.name.id.as_str())))
            .collect();
        self.load_const(Constant::Tuple(Rc::from(names)));
        let module = i.module.as_ref().map_or("", |m| m.id.as_str());
        let ni = self.add_name(&self.mangle(module));
        self.addop_i(Opcode::IMPORT_NAME, ni);
        for (k, alias) in i.names.iter().enumerate() {
            if k == 0 && alias.name.id.starts_with('*') {
                self.addop(Opcode::IMPORT_STAR);
                return Ok(());
            }
            let ni = self.add_name(&self.mangle(&alias.name.id));
            self.addop_i(Opcode::IMPORT_FROM, ni);
            let store = alias.asname.as_ref().unwrap_or(&alias.name);
            self.name_op(store, NameCtx::Store);
        }
        self.addop(Opcode::POP_TOP);
        Ok(())
    }
}

/// Whether a body contains an annotated assignment anywhere CPython's `find_ann` looks (module
/// and class bodies then create `__annotations__` first).
pub fn find_ann(stmts: &[Stmt]) -> bool {
    stmts.iter().any(|s| match s {
        Stmt::AnnAssign(_) => true,
        Stmt::For(f) => find_ann(&f.body) || find_ann(&f.orelse),
        Stmt::While(w) => find_ann(&w.body) || find_ann(&w.orelse),
        Stmt::If(i) => find_ann(&i.body) || i.elif_else_clauses.iter().any(|c| find_ann(&c.body)),
        Stmt::With(w) => find_ann(&w.body),
        Stmt::Try(t) => {
            t.handlers.iter().any(|h| {
                let ast::ExceptHandler::ExceptHandler(h) = h;
                find_ann(&h.body)
            }) || find_ann(&t.body)
                || find_ann(&t.finalbody)
                || find_ann(&t.orelse)
        }
        Stmt::Match(m) => m.cases.iter().any(|c| find_ann(&c.body)),
        _ => false,
    })
}
