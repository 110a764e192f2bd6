//! The symbol-table pass over expressions and patterns: name uses and bindings, lambdas and
//! comprehensions (which open scopes), generators, and PEP 572 assignment expressions.

use ruff_python_ast::{self as ast, Expr};
use ruff_text_size::{Ranged, TextRange};

use super::{Builder, ScopeKind, comprehension_noun, def};
use crate::error::CompileError;

impl Builder {
    pub(super) fn visit_expr(&mut self, expr: &Expr) -> Result<(), CompileError> {
        match expr {
            Expr::Name(n) => {
                let flag = match n.ctx {
                    ast::ExprContext::Load => def::USE,
                    _ => def::LOCAL,
                };
                self.add_def(&n.id, flag, n.range)?;
                if n.ctx == ast::ExprContext::Load
                    && n.id.as_str() == "super"
                    && self.cur().is_function_like()
                {
                    self.add_def("__class__", def::USE, n.range)?;
                }
                if n.ctx == ast::ExprContext::Load && n.id.as_str() == "__class__" {
                    self.add_def("__class__", def::USE, n.range)?;
                }
                Ok(())
            }
            Expr::Lambda(l) => {
                if let Some(p) = &l.parameters {
                    self.visit_param_defaults(p)?;
                }
                self.enter(ScopeKind::Lambda, "lambda", l, l.range);
                if let Some(p) = &l.parameters {
                    self.visit_params(p)?;
                }
                self.visit_expr(&l.body)?;
                self.leave();
                Ok(())
            }
            Expr::ListComp(c) => {
                self.visit_comprehension(expr, "listcomp", &c.generators, &[&c.elt])
            }
            Expr::SetComp(c) => self.visit_comprehension(expr, "setcomp", &c.generators, &[&c.elt]),
            Expr::Generator(c) => {
                self.visit_comprehension(expr, "genexpr", &c.generators, &[&c.elt])
            }
            Expr::DictComp(c) => match &c.key {
                Some(k) => {
                    self.visit_comprehension(expr, "dictcomp", &c.generators, &[k, &c.value])
                }
                None => self.visit_comprehension(expr, "dictcomp", &c.generators, &[&c.value]),
            },
            Expr::Named(n) => self.visit_named(n),
            Expr::Yield(y) => {
                self.mark_generator(y.range)?;
                self.visit_opt(y.value.as_deref())
            }
            Expr::YieldFrom(y) => {
                self.mark_generator(y.range)?;
                self.visit_expr(&y.value)
            }
            Expr::Await(a) => {
                if self.cur().kind == ScopeKind::Comprehension {
                    self.cur().is_coroutine = true;
                }
                self.visit_expr(&a.value)
            }
            _ => self.visit_children(expr),
        }
    }

    fn mark_generator(&mut self, range: TextRange) -> Result<(), CompileError> {
        let scope = self.cur();
        match scope.kind {
            ScopeKind::Module | ScopeKind::Class => {
                Err(CompileError::new("'yield' outside function".into(), range))
            }
            ScopeKind::Comprehension => Err(CompileError::new(
                format!("'yield' inside {}", comprehension_noun(&scope.name)),
                range,
            )),
            _ => {
                scope.is_generator = true;
                Ok(())
            }
        }
    }

    fn visit_named(&mut self, n: &ast::ExprNamed) -> Result<(), CompileError> {
        self.visit_expr(&n.value)?;
        let Expr::Name(target) = &*n.target else {
            return self.visit_expr(&n.target);
        };
        // Inside a comprehension the target binds in the nearest enclosing non-comprehension
        // scope (PEP 572).
        let mut depth = self.stack.len() - 1;
        while self.scopes[self.stack[depth]].kind == ScopeKind::Comprehension {
            let scope = &self.scopes[self.stack[depth]];
            if scope
                .flags
                .get(target.id.as_str())
                .is_some_and(|f| f & def::COMP_ITER != 0)
            {
                return Err(CompileError::new(
                    format!(
                        "assignment expression cannot rebind comprehension iteration variable '{}'",
                        target.id
                    ),
                    target.range,
                ));
            }
            depth -= 1;
        }
        if depth == self.stack.len() - 1 {
            return self.visit_expr(&n.target);
        }
        let outer = self.stack[depth];
        if self.scopes[outer].kind == ScopeKind::Class {
            return Err(CompileError::new(
                "assignment expression within a comprehension cannot be used in a class body"
                    .into(),
                n.range,
            ));
        }
        let name = target.id.to_string();
        // As CPython's symtable does: the innermost comprehension declares the name global
        // (module level, or declared global in the function) or nonlocal; the enclosing
        // function binds it locally, the module globally. Comprehensions in between see it
        // as free through the normal analysis.
        let inner = self.stack[self.stack.len() - 1];
        let outer_flags = self.scopes[outer].flags.get(&name).copied().unwrap_or(0);
        if self.scopes[outer].kind == ScopeKind::Module {
            self.scopes[inner].add(&name, def::GLOBAL);
            self.scopes[outer].add(&name, def::GLOBAL);
        } else {
            let how = if outer_flags & def::GLOBAL != 0 {
                def::GLOBAL
            } else {
                def::NONLOCAL
            };
            self.scopes[inner].add(&name, how);
            self.scopes[outer].add(&name, def::LOCAL);
        }
        Ok(())
    }

    fn visit_comprehension(
        &mut self,
        node: &Expr,
        name: &str,
        generators: &[ast::Comprehension],
        elts: &[&Expr],
    ) -> Result<(), CompileError> {
        let Some(first) = generators.first() else {
            return Ok(());
        };
        // The outermost iterable is evaluated in the enclosing scope.
        self.visit_expr(&first.iter)?;
        self.enter(ScopeKind::Comprehension, name, node, node.range());
        if first.is_async || generators.iter().any(|g| g.is_async) {
            self.cur().is_coroutine = true;
        }
        if name == "genexpr" {
            self.cur().is_generator = true;
        }
        self.cur().add(".0", def::PARAM);
        self.cur().params.push(".0".into());
        for (i, g) in generators.iter().enumerate() {
            self.visit_comp_target(&g.target)?;
            if i > 0 {
                self.visit_expr(&g.iter)?;
            }
            for cond in &g.ifs {
                self.visit_expr(cond)?;
            }
        }
        for e in elts {
            self.visit_expr(e)?;
        }
        let child = *self.stack.last().unwrap_or(&0);
        let is_async = self.scopes[child].is_coroutine && name != "genexpr";
        self.leave();
        // An async list, set or dict comprehension makes its enclosing scope a coroutine.
        if is_async {
            self.cur().is_coroutine = true;
        }
        Ok(())
    }

    fn visit_comp_target(&mut self, target: &Expr) -> Result<(), CompileError> {
        match target {
            Expr::Name(n) => self.add_def(&n.id, def::LOCAL | def::COMP_ITER, n.range),
            Expr::Tuple(t) => t.elts.iter().try_for_each(|e| self.visit_comp_target(e)),
            Expr::List(t) => t.elts.iter().try_for_each(|e| self.visit_comp_target(e)),
            Expr::Starred(s) => self.visit_comp_target(&s.value),
            other => self.visit_expr(other),
        }
    }

    pub(super) fn visit_pattern(&mut self, p: &ast::Pattern) -> Result<(), CompileError> {
        use ast::Pattern as P;
        match p {
            P::MatchValue(v) => self.visit_expr(&v.value),
            P::MatchSingleton(_) => Ok(()),
            P::MatchSequence(s) => s.patterns.iter().try_for_each(|p| self.visit_pattern(p)),
            P::MatchMapping(m) => {
                for k in m.keys.iter() {
                    self.visit_expr(k)?;
                }
                for p in m.patterns.iter() {
                    self.visit_pattern(p)?;
                }
                if let Some(rest) = &m.rest {
                    self.add_def(rest, def::LOCAL, rest.range)?;
                }
                Ok(())
            }
            P::MatchClass(c) => {
                self.visit_expr(&c.cls)?;
                for p in c.arguments.patterns.iter() {
                    self.visit_pattern(p)?;
                }
                for k in c.arguments.keywords.iter() {
                    self.visit_pattern(&k.pattern)?;
                }
                Ok(())
            }
            P::MatchStar(s) => match &s.name {
                Some(n) => self.add_def(n, def::LOCAL, n.range),
                None => Ok(()),
            },
            P::MatchAs(a) => {
                if let Some(p) = &a.pattern {
                    self.visit_pattern(p)?;
                }
                match &a.name {
                    Some(n) => self.add_def(n, def::LOCAL, n.range),
                    None => Ok(()),
                }
            }
            P::MatchOr(o) => o.patterns.iter().try_for_each(|p| self.visit_pattern(p)),
        }
    }

    fn visit_children(&mut self, expr: &Expr) -> Result<(), CompileError> {
        let mut err = None;
        crate::visit::for_each_child(expr, &mut |child| {
            if err.is_none()
                && let Err(e) = self.visit_expr(child)
            {
                err = Some(e);
            }
        });
        match err {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}
