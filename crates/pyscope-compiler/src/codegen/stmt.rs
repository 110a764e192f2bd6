//! Statements other than the control-flow ones: assignments, imports, `del`, `assert`,
//! `raise`, expression statements.

use std::rc::Rc;

use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::Ranged;

use super::{CResult, Compiler, NameCtx};
use crate::code::Constant;
use crate::opcode::{INPLACE_OFFSET, Opcode};
use crate::symtable::ScopeKind;

impl<'a> Compiler<'a> {
    /// Compiles one statement.
    pub fn stmt(&mut self, s: &Stmt) -> CResult {
        self.nest(s.range(), |c| c.with_loc(s.range(), |c| c.stmt_inner(s)))
    }

    fn stmt_inner(&mut self, s: &Stmt) -> CResult {
        match s {
            Stmt::FunctionDef(f) => self.function_def(f),
            Stmt::ClassDef(cd) => self.class_def(cd),
            Stmt::Return(r) => self.return_stmt(r),
            Stmt::Delete(d) => d.targets.iter().try_for_each(|t| self.delete_target(t)),
            Stmt::Assign(a) => self.assign(a),
            Stmt::AugAssign(a) => self.aug_assign(a),
            Stmt::AnnAssign(a) => self.ann_assign(a),
            Stmt::For(f) => self.for_stmt(f),
            Stmt::While(w) => self.while_stmt(w),
            Stmt::If(i) => self.if_stmt(i),
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
                self.emit(Opcode::NOP, 0);
                Ok(())
            }
            Stmt::Break(b) => self.break_stmt(b.range()),
            Stmt::Continue(c) => self.continue_stmt(c.range()),
            Stmt::TypeAlias(t) => Err(self.error("invalid syntax", t.range)),
            Stmt::IpyEscapeCommand(c) => Err(self.error("invalid syntax", c.range)),
        }
    }

    fn expr_stmt(&mut self, value: &Expr) -> CResult {
        if self.interactive && self.units.len() == 1 {
            self.expr(value)?;
            self.emit(Opcode::PRINT_EXPR, 0);
            return Ok(());
        }
        if crate::fold::constant_of(value).is_some() && !matches!(value, Expr::FString(_)) {
            // CPython drops constant expression statements, keeping a NOP for the line.
            self.emit(Opcode::NOP, 0);
            return Ok(());
        }
        self.expr(value)?;
        self.emit(Opcode::POP_TOP, 0);
        Ok(())
    }

    fn assign(&mut self, a: &ast::StmtAssign) -> CResult {
        self.expr(&a.value)?;
        let n = a.targets.len();
        for (i, t) in a.targets.iter().enumerate() {
            if i + 1 < n {
                self.emit(Opcode::COPY, 1);
            }
            self.store_target(t)?;
        }
        Ok(())
    }

    /// Stores the value on top of the stack into an assignment target.
    pub fn store_target(&mut self, t: &Expr) -> CResult {
        self.with_loc(t.range(), |c| match t {
            Expr::Name(n) => {
                c.check_forbidden_name(&n.id, n.range)?;
                c.name_op(&n.id, NameCtx::Store);
                Ok(())
            }
            Expr::Attribute(at) => {
                c.expr(&at.value)?;
                let i = c.add_name(&c.mangle(&at.attr));
                c.unit().loc = at.range;
                c.emit(Opcode::STORE_ATTR, i);
                Ok(())
            }
            Expr::Subscript(s) => {
                c.expr(&s.value)?;
                c.expr(&s.slice)?;
                c.emit(Opcode::STORE_SUBSCR, 0);
                Ok(())
            }
            Expr::Tuple(tu) => c.unpack_into(&tu.elts),
            Expr::List(l) => c.unpack_into(&l.elts),
            Expr::Starred(s) => Err(c.error(
                "starred assignment target must be in a list or tuple",
                s.range,
            )),
            other => Err(c.error("cannot assign to expression", other.range())),
        })
    }

    fn unpack_into(&mut self, elts: &[Expr]) -> CResult {
        let star = elts.iter().position(|e| matches!(e, Expr::Starred(_)));
        match star {
            Some(i) => {
                if elts
                    .iter()
                    .filter(|e| matches!(e, Expr::Starred(_)))
                    .count()
                    > 1
                {
                    return Err(self.error(
                        "multiple starred expressions in assignment",
                        elts[i].range(),
                    ));
                }
                let after = elts.len() - i - 1;
                if i >= 256 || after >= (1 << 24) {
                    return Err(self.error(
                        "too many expressions in star-unpacking assignment",
                        elts[i].range(),
                    ));
                }
                self.emit(Opcode::UNPACK_EX, (i as u32) | ((after as u32) << 8));
            }
            None => self.emit(Opcode::UNPACK_SEQUENCE, elts.len() as u32),
        }
        for e in elts {
            match e {
                Expr::Starred(s) => self.store_target(&s.value)?,
                other => self.store_target(other)?,
            }
        }
        Ok(())
    }

    pub fn check_forbidden_name(&self, name: &str, range: ruff_text_size::TextRange) -> CResult {
        if name == "__debug__" {
            return Err(self.error("cannot assign to __debug__", range));
        }
        Ok(())
    }

    fn delete_target(&mut self, t: &Expr) -> CResult {
        self.with_loc(t.range(), |c| match t {
            Expr::Name(n) => {
                c.name_op(&n.id, NameCtx::Del);
                Ok(())
            }
            Expr::Attribute(at) => {
                c.expr(&at.value)?;
                let i = c.add_name(&c.mangle(&at.attr));
                c.emit(Opcode::DELETE_ATTR, i);
                Ok(())
            }
            Expr::Subscript(s) => {
                c.expr(&s.value)?;
                c.expr(&s.slice)?;
                c.emit(Opcode::DELETE_SUBSCR, 0);
                Ok(())
            }
            Expr::Tuple(tu) => tu.elts.iter().try_for_each(|e| c.delete_target(e)),
            Expr::List(l) => l.elts.iter().try_for_each(|e| c.delete_target(e)),
            other => Err(c.error("cannot delete expression", other.range())),
        })
    }

    fn aug_assign(&mut self, a: &ast::StmtAugAssign) -> CResult {
        let op = super::expr::binop_arg(a.op) + INPLACE_OFFSET;
        match &*a.target {
            Expr::Name(n) => {
                self.with_loc(n.range, |c| {
                    c.name_op(&n.id, NameCtx::Load);
                    Ok(())
                })?;
                self.expr(&a.value)?;
                self.emit(Opcode::BINARY_OP, op);
                self.with_loc(n.range, |c| {
                    c.name_op(&n.id, NameCtx::Store);
                    Ok(())
                })
            }
            Expr::Attribute(at) => {
                self.expr(&at.value)?;
                let i = self.add_name(&self.mangle(&at.attr));
                self.with_loc(at.range, |c| {
                    c.emit(Opcode::COPY, 1);
                    c.emit(Opcode::LOAD_ATTR, i);
                    Ok(())
                })?;
                self.expr(&a.value)?;
                self.emit(Opcode::BINARY_OP, op);
                self.with_loc(at.range, |c| {
                    c.emit(Opcode::SWAP, 2);
                    c.emit(Opcode::STORE_ATTR, i);
                    Ok(())
                })
            }
            Expr::Subscript(s) => {
                self.expr(&s.value)?;
                self.expr(&s.slice)?;
                self.with_loc(s.range, |c| {
                    c.emit(Opcode::COPY, 2);
                    c.emit(Opcode::COPY, 2);
                    c.unit().anchor = Some(super::expr::subscript_anchor(s));
                    c.emit(Opcode::BINARY_SUBSCR, 0);
                    Ok(())
                })?;
                self.expr(&a.value)?;
                self.emit(Opcode::BINARY_OP, op);
                self.with_loc(s.range, |c| {
                    c.emit(Opcode::SWAP, 3);
                    c.emit(Opcode::SWAP, 2);
                    c.emit(Opcode::STORE_SUBSCR, 0);
                    Ok(())
                })
            }
            other => Err(self.error(
                "'expression' is an illegal expression for augmented assignment",
                other.range(),
            )),
        }
    }

    fn ann_assign(&mut self, a: &ast::StmtAnnAssign) -> CResult {
        if let Some(v) = &a.value {
            self.expr(v)?;
            self.store_target(&a.target)?;
        }
        let kind = self.unit_ref().kind;
        let at_module_or_class = matches!(kind, ScopeKind::Module | ScopeKind::Class);
        match &*a.target {
            Expr::Name(n) if a.simple && at_module_or_class => {
                self.expr(&a.annotation)?;
                self.name_op("__annotations__", NameCtx::Load);
                let mangled = self.mangle(&n.id);
                self.emit_const(Constant::Str(Rc::from(mangled.as_str())));
                self.emit(Opcode::STORE_SUBSCR, 0);
            }
            Expr::Attribute(at) if a.value.is_none() => {
                self.expr(&at.value)?;
                self.emit(Opcode::POP_TOP, 0);
            }
            Expr::Subscript(s) if a.value.is_none() => {
                self.expr(&s.value)?;
                self.emit(Opcode::POP_TOP, 0);
                self.expr(&s.slice)?;
                self.emit(Opcode::POP_TOP, 0);
            }
            _ => {
                if at_module_or_class && a.value.is_none() && !matches!(&*a.target, Expr::Name(_)) {
                    self.expr(&a.annotation)?;
                    self.emit(Opcode::POP_TOP, 0);
                }
            }
        }
        Ok(())
    }

    fn raise_stmt(&mut self, r: &ast::StmtRaise) -> CResult {
        let mut n = 0;
        if let Some(exc) = &r.exc {
            self.expr(exc)?;
            n = 1;
            if let Some(cause) = &r.cause {
                self.expr(cause)?;
                n = 2;
            }
        }
        self.emit(Opcode::RAISE_VARARGS, n);
        Ok(())
    }

    fn assert_stmt(&mut self, a: &ast::StmtAssert) -> CResult {
        if let Expr::Tuple(t) = &*a.test
            && !t.elts.is_empty()
        {
            // CPython only warns here; the assertion always passes.
        }
        let end = self.new_label();
        self.jump_if(&a.test, end, true)?;
        self.emit(Opcode::LOAD_ASSERTION_ERROR, 0);
        if let Some(msg) = &a.msg {
            self.expr(msg)?;
            self.emit(Opcode::PRECALL, 0);
            self.emit(Opcode::CALL, 0);
        }
        self.emit(Opcode::RAISE_VARARGS, 1);
        self.bind(end);
        Ok(())
    }

    fn import(&mut self, i: &ast::StmtImport) -> CResult {
        // CPython 3.11 gives every instruction of an import the statement's position.
        for alias in &i.names {
            self.with_loc(i.range, |c| {
                c.emit_const(Constant::Int(0.into()));
                c.emit_const(Constant::None);
                let ni = c.add_name(&alias.name.id);
                c.emit(Opcode::IMPORT_NAME, ni);
                match &alias.asname {
                    Some(asname) => c.import_as(&alias.name.id, asname),
                    None => {
                        let first = alias.name.id.split('.').next().unwrap_or("");
                        c.name_op(first, NameCtx::Store);
                        Ok(())
                    }
                }
            })?;
        }
        Ok(())
    }

    fn import_as(&mut self, dotted: &str, asname: &str) -> CResult {
        let parts: Vec<&str> = dotted.split('.').collect();
        if parts.len() > 1 {
            for (k, attr) in parts[1..].iter().enumerate() {
                let ni = self.add_name(attr);
                self.emit(Opcode::IMPORT_FROM, ni);
                if k + 2 < parts.len() {
                    self.emit(Opcode::SWAP, 2);
                    self.emit(Opcode::POP_TOP, 0);
                }
            }
            self.name_op(asname, NameCtx::Store);
            self.emit(Opcode::POP_TOP, 0);
            return Ok(());
        }
        self.name_op(asname, NameCtx::Store);
        Ok(())
    }

    fn import_from(&mut self, i: &ast::StmtImportFrom) -> CResult {
        self.emit_const(Constant::Int(i.level.into()));
        let names: Vec<Constant> = i
            .names
            .iter()
            .map(|a| Constant::Str(Rc::from(a.name.id.as_str())))
            .collect();
        self.emit_const(Constant::Tuple(Rc::from(names)));
        let module = i.module.as_ref().map_or("", |m| m.id.as_str());
        let ni = self.add_name(module);
        self.emit(Opcode::IMPORT_NAME, ni);
        for alias in &i.names {
            if alias.name.id.as_str() == "*" {
                self.emit(Opcode::IMPORT_STAR, 0);
                return Ok(());
            }
            let ni = self.add_name(&alias.name.id);
            self.emit(Opcode::IMPORT_FROM, ni);
            let store = alias.asname.as_ref().unwrap_or(&alias.name);
            self.name_op(store, NameCtx::Store);
        }
        self.emit(Opcode::POP_TOP, 0);
        Ok(())
    }

    /// Whether a body contains a simple annotated name (module and class bodies then create
    /// `__annotations__` first).
    pub fn needs_annotations(body: &[Stmt]) -> bool {
        body.iter().any(|s| match s {
            Stmt::AnnAssign(a) => a.simple && matches!(&*a.target, Expr::Name(_)),
            Stmt::If(i) => {
                Self::needs_annotations(&i.body)
                    || i.elif_else_clauses
                        .iter()
                        .any(|c| Self::needs_annotations(&c.body))
            }
            Stmt::For(f) => Self::needs_annotations(&f.body) || Self::needs_annotations(&f.orelse),
            Stmt::While(w) => {
                Self::needs_annotations(&w.body) || Self::needs_annotations(&w.orelse)
            }
            Stmt::With(w) => Self::needs_annotations(&w.body),
            Stmt::Try(t) => {
                Self::needs_annotations(&t.body)
                    || Self::needs_annotations(&t.orelse)
                    || Self::needs_annotations(&t.finalbody)
                    || t.handlers.iter().any(|h| {
                        let ast::ExceptHandler::ExceptHandler(h) = h;
                        Self::needs_annotations(&h.body)
                    })
            }
            _ => false,
        })
    }
}
