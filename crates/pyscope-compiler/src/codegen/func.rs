//! Definitions that create new code objects: functions, lambdas, classes and comprehensions.

use std::rc::Rc;

use ruff_python_ast::{self as ast, Expr};
use ruff_text_size::{Ranged, TextRange};

use super::{CResult, Compiler, NameCtx};
use crate::code::{CodeObject, Constant};
use crate::opcode::Opcode;
use crate::symtable::{Binding, ScopeKind};

/// MAKE_FUNCTION flags.
const DEFAULTS: u32 = 0x01;
const KWDEFAULTS: u32 = 0x02;
const ANNOTATIONS: u32 = 0x04;
const CLOSURE: u32 = 0x08;

impl<'a> Compiler<'a> {
    /// The qualified name of a new scope named `name` inside the current unit.
    fn qualname_for(&self, name: &str, kind: ScopeKind) -> String {
        if self.units.len() <= 1 {
            return name.to_string();
        }
        let parent = self.unit_ref();
        if matches!(kind, ScopeKind::Function | ScopeKind::Class) {
            let mangled = self.mangle(name);
            if self.table.scopes[parent.scope].binding(&mangled) == Binding::GlobalExplicit {
                return name.to_string();
            }
        }
        let base = match parent.kind {
            ScopeKind::Function | ScopeKind::Lambda => format!("{}.<locals>", parent.qualname),
            _ => parent.qualname.clone(),
        };
        format!("{base}.{name}")
    }

    pub(super) fn function_def(&mut self, f: &ast::StmtFunctionDef) -> CResult {
        for d in &f.decorator_list {
            self.expr(&d.expression)?;
        }
        let mut flags = self.default_arguments(&f.parameters)?;
        if self.annotations(&f.parameters, f.returns.as_deref())? {
            flags |= ANNOTATIONS;
        }
        let scope = self.table.scope_of(f);
        let qualname = self.qualname_for(&f.name, ScopeKind::Function);
        let private = self.unit_ref().private.clone();
        self.enter_unit(scope, &f.name, &qualname, f.range, private);
        if let Some(first) = f.decorator_list.first() {
            self.unit().firstlineno = self.lines.line_of(first.range.start());
        }
        self.set_arg_counts(&f.parameters);
        let doc = super::docstring(&f.body);
        self.add_const(match &doc {
            Some(d) => Constant::Str(Rc::from(d.as_str())),
            None => Constant::None,
        });
        let def_line = TextRange::at(f.range.start(), 0.into());
        self.emit_at(Opcode::RESUME, 0, def_line);
        self.body_with_docstring(&f.body, true)?;
        self.implicit_return(&f.body);
        let code = self.exit_unit()?;
        self.make_closure(code, flags)?;
        for _ in &f.decorator_list {
            self.emit(Opcode::PRECALL, 0);
            self.emit(Opcode::CALL, 0);
        }
        self.name_op(&f.name, NameCtx::Store);
        Ok(())
    }

    fn implicit_return(&mut self, body: &[ast::Stmt]) {
        let ends_with_return = self
            .unit_ref()
            .instrs
            .last()
            .is_some_and(|i| i.op == Opcode::RETURN_VALUE);
        let _ = body;
        if !ends_with_return {
            self.unset_loc();
            self.emit_const(Constant::None);
            self.emit(Opcode::RETURN_VALUE, 0);
        }
    }

    fn set_arg_counts(&mut self, p: &ast::Parameters) {
        let unit = self.unit();
        unit.posonlyargcount = p.posonlyargs.len() as u32;
        unit.argcount = (p.posonlyargs.len() + p.args.len()) as u32;
        unit.kwonlyargcount = p.kwonlyargs.len() as u32;
    }

    /// Pushes the defaults tuple and keyword-only defaults dict; returns the MAKE_FUNCTION flags.
    fn default_arguments(&mut self, p: &ast::Parameters) -> CResult<u32> {
        let mut flags = 0;
        let defaults: Vec<&Expr> = p
            .posonlyargs
            .iter()
            .chain(p.args.iter())
            .filter_map(|a| a.default.as_deref())
            .collect();
        if !defaults.is_empty() {
            for d in &defaults {
                self.expr(d)?;
            }
            self.emit(Opcode::BUILD_TUPLE, defaults.len() as u32);
            flags |= DEFAULTS;
        }
        let kw: Vec<(&ast::Identifier, &Expr)> = p
            .kwonlyargs
            .iter()
            .filter_map(|a| a.default.as_deref().map(|d| (&a.parameter.name, d)))
            .collect();
        if !kw.is_empty() {
            let mut keys = Vec::new();
            for (name, d) in &kw {
                let mangled = self.mangle(name);
                keys.push(Constant::Str(Rc::from(mangled.as_str())));
                self.expr(d)?;
            }
            self.emit_const(Constant::Tuple(Rc::from(keys)));
            self.emit(Opcode::BUILD_CONST_KEY_MAP, kw.len() as u32);
            flags |= KWDEFAULTS;
        }
        Ok(flags)
    }

    /// Pushes the annotations tuple `(name, value, ...)`; returns whether there was any.
    fn annotations(&mut self, p: &ast::Parameters, returns: Option<&Expr>) -> CResult<bool> {
        let mut n = 0;
        let params = p
            .posonlyargs
            .iter()
            .chain(p.args.iter())
            .map(|a| &a.parameter)
            .chain(p.vararg.as_deref())
            .chain(p.kwonlyargs.iter().map(|a| &a.parameter))
            .chain(p.kwarg.as_deref());
        let mut pairs: Vec<(String, &Expr)> = Vec::new();
        for param in params {
            if let Some(ann) = &param.annotation {
                pairs.push((self.mangle(&param.name), ann));
            }
        }
        if let Some(r) = returns {
            pairs.push(("return".to_string(), r));
        }
        for (name, ann) in pairs {
            self.emit_const(Constant::Str(Rc::from(name.as_str())));
            self.expr(ann)?;
            n += 2;
        }
        if n > 0 {
            self.emit(Opcode::BUILD_TUPLE, n);
        }
        Ok(n > 0)
    }

    /// Loads the closure cells (if any) and the code object, then emits MAKE_FUNCTION.
    fn make_closure(&mut self, code: Rc<CodeObject>, mut flags: u32) -> CResult {
        let frees: Vec<Rc<str>> = code.freevars().cloned().collect();
        if !frees.is_empty() {
            for name in &frees {
                let i = self.deref_index(name);
                self.emit(Opcode::LOAD_CLOSURE, i);
            }
            self.emit(Opcode::BUILD_TUPLE, frees.len() as u32);
            flags |= CLOSURE;
        }
        self.emit_const(Constant::Code(code));
        self.emit(Opcode::MAKE_FUNCTION, flags);
        Ok(())
    }

    pub(super) fn lambda(&mut self, l: &ast::ExprLambda) -> CResult {
        let mut flags = 0;
        if let Some(p) = &l.parameters {
            flags = self.default_arguments(p)?;
        }
        let scope = self.table.scope_of(l);
        let qualname = self.qualname_for("<lambda>", ScopeKind::Lambda);
        let private = self.unit_ref().private.clone();
        self.enter_unit(scope, "<lambda>", &qualname, l.range, private);
        if let Some(p) = &l.parameters {
            self.set_arg_counts(p);
        }
        self.add_const(Constant::None);
        self.emit_at(Opcode::RESUME, 0, TextRange::at(l.range.start(), 0.into()));
        self.expr(&l.body)?;
        if self.table.scopes[scope].is_generator {
            self.emit(Opcode::POP_TOP, 0);
            self.emit_const(Constant::None);
        }
        self.emit(Opcode::RETURN_VALUE, 0);
        let code = self.exit_unit()?;
        self.make_closure(code, flags)
    }

    pub(super) fn class_def(&mut self, cd: &ast::StmtClassDef) -> CResult {
        for d in &cd.decorator_list {
            self.expr(&d.expression)?;
        }
        let scope = self.table.scope_of(cd);
        let qualname = self.qualname_for(&cd.name, ScopeKind::Class);
        self.enter_unit(
            scope,
            &cd.name,
            &qualname,
            cd.range,
            Some(cd.name.to_string()),
        );
        if let Some(first) = cd.decorator_list.first() {
            self.unit().firstlineno = self.lines.line_of(first.range.start());
        }
        let class_line = TextRange::at(cd.range.start(), 0.into());
        self.emit_at(Opcode::RESUME, 0, class_line);
        self.with_loc(class_line, |c| {
            c.name_op("__name__", NameCtx::Load);
            c.name_op("__module__", NameCtx::Store);
            c.emit_const(Constant::Str(Rc::from(qualname.as_str())));
            c.name_op("__qualname__", NameCtx::Store);
            if Self::needs_annotations(&cd.body) {
                c.emit(Opcode::SETUP_ANNOTATIONS, 0);
            }
            Ok(())
        })?;
        self.body_with_docstring(&cd.body, false)?;
        self.set_loc_last_stmt(&cd.body);
        if self.table.scopes[scope].needs_class_closure {
            self.emit_artificial(Opcode::LOAD_CLOSURE, 0);
            self.emit_artificial(Opcode::COPY, 1);
            self.name_op("__classcell__", NameCtx::Store);
        } else {
            self.emit_const(Constant::None);
        }
        self.emit(Opcode::RETURN_VALUE, 0);
        let code = self.exit_unit()?;
        self.emit(Opcode::PUSH_NULL, 0);
        self.emit(Opcode::LOAD_BUILD_CLASS, 0);
        self.make_closure(code, 0)?;
        self.emit_const(Constant::Str(Rc::from(cd.name.as_str())));
        let (bases, keywords): (&[Expr], &[ast::Keyword]) = match &cd.arguments {
            Some(a) => (&a.args, &a.keywords),
            None => (&[], &[]),
        };
        self.call_helper(2, bases, keywords)?;
        for _ in &cd.decorator_list {
            self.emit(Opcode::PRECALL, 0);
            self.emit(Opcode::CALL, 0);
        }
        self.name_op(&cd.name, NameCtx::Store);
        Ok(())
    }

    pub(super) fn comprehension(&mut self, e: &Expr) -> CResult {
        let (name, generators, elt, val, build): (
            &str,
            &[ast::Comprehension],
            &Expr,
            Option<&Expr>,
            Option<Opcode>,
        ) = match e {
            Expr::ListComp(c) => (
                "<listcomp>",
                &c.generators,
                &c.elt,
                None,
                Some(Opcode::BUILD_LIST),
            ),
            Expr::SetComp(c) => (
                "<setcomp>",
                &c.generators,
                &c.elt,
                None,
                Some(Opcode::BUILD_SET),
            ),
            Expr::DictComp(c) => match &c.key {
                Some(k) => (
                    "<dictcomp>",
                    &c.generators,
                    k,
                    Some(&c.value),
                    Some(Opcode::BUILD_MAP),
                ),
                None => {
                    return Err(self.error(
                        "dict unpacking cannot be used in dict comprehension",
                        c.range,
                    ));
                }
            },
            Expr::Generator(c) => ("<genexpr>", &c.generators, &c.elt, None, None),
            _ => unreachable!("only comprehensions reach here"),
        };
        let scope = self.table.scope_of(e);
        let is_async = self.table.scopes[scope].is_coroutine;
        if is_async && build.is_some() {
            let outer = &self.table.scopes[self.unit_ref().scope];
            if !outer.is_coroutine {
                return Err(self.error(
                    "asynchronous comprehension outside of an asynchronous function",
                    e.range(),
                ));
            }
        }
        let qualname = self.qualname_for(name, ScopeKind::Comprehension);
        let private = self.unit_ref().private.clone();
        self.enter_unit(scope, name, &qualname, e.range(), private);
        self.unit().argcount = 1;
        self.emit_at(
            Opcode::RESUME,
            0,
            TextRange::at(e.range().start(), 0.into()),
        );
        if let Some(op) = build {
            self.emit(op, 0);
        }
        self.comprehension_generator(generators, 0, 0, elt, val, build)?;
        if build.is_some() {
            self.emit(Opcode::RETURN_VALUE, 0);
        } else {
            self.emit_const(Constant::None);
            self.emit(Opcode::RETURN_VALUE, 0);
        }
        let code = self.exit_unit()?;
        self.make_closure(code, 0)?;
        let first = &generators[0];
        self.iterable(&first.iter)?;
        self.emit(
            if first.is_async {
                Opcode::GET_AITER
            } else {
                Opcode::GET_ITER
            },
            0,
        );
        self.emit(Opcode::PRECALL, 0);
        self.emit(Opcode::CALL, 0);
        if is_async && build.is_some() {
            self.emit(Opcode::GET_AWAITABLE, 0);
            self.emit_const(Constant::None);
            self.yield_from_await(e.range())?;
        }
        Ok(())
    }

    fn comprehension_generator(
        &mut self,
        generators: &[ast::Comprehension],
        index: usize,
        mut depth: u32,
        elt: &Expr,
        val: Option<&Expr>,
        build: Option<Opcode>,
    ) -> CResult {
        let generator = &generators[index];
        if generator.is_async {
            return self.async_comprehension_generator(generators, index, depth, elt, val, build);
        }
        let start = self.new_label();
        let if_cleanup = self.new_label();
        let anchor = self.new_label();
        let mut looping = true;
        if index == 0 {
            self.emit(Opcode::LOAD_FAST, 0);
        } else {
            let single = match &generator.iter {
                Expr::List(l) if l.elts.len() == 1 => Some(&l.elts[0]),
                Expr::Tuple(t) if t.elts.len() == 1 => Some(&t.elts[0]),
                _ => None,
            };
            match single {
                Some(one) if !matches!(one, Expr::Starred(_)) => {
                    self.expr(one)?;
                    looping = false;
                }
                _ => {
                    self.iterable(&generator.iter)?;
                    self.emit(Opcode::GET_ITER, 0);
                }
            }
        }
        if looping {
            depth += 1;
            self.bind(start);
            self.emit_jump(Opcode::FOR_ITER, anchor);
        }
        self.store_target(&generator.target)?;
        for cond in &generator.ifs {
            self.jump_if(cond, if_cleanup, false)?;
        }
        if index + 1 < generators.len() {
            self.comprehension_generator(generators, index + 1, depth, elt, val, build)?;
        } else {
            self.comprehension_element(depth, elt, val, build)?;
        }
        self.bind(if_cleanup);
        if looping {
            self.emit_artificial(Opcode::JUMP, start.0);
            self.bind(anchor);
        }
        Ok(())
    }

    fn comprehension_element(
        &mut self,
        depth: u32,
        elt: &Expr,
        val: Option<&Expr>,
        build: Option<Opcode>,
    ) -> CResult {
        match build {
            None => {
                self.expr(elt)?;
                if self.table.scopes[self.unit_ref().scope].is_coroutine {
                    self.emit(Opcode::ASYNC_GEN_WRAP, 0);
                }
                self.emit(Opcode::YIELD_VALUE, 0);
                self.emit(Opcode::RESUME, 1);
                self.emit(Opcode::POP_TOP, 0);
            }
            Some(Opcode::BUILD_LIST) => {
                self.expr(elt)?;
                self.emit(Opcode::LIST_APPEND, depth + 1);
            }
            Some(Opcode::BUILD_SET) => {
                self.expr(elt)?;
                self.emit(Opcode::SET_ADD, depth + 1);
            }
            Some(_) => {
                self.expr(elt)?;
                if let Some(v) = val {
                    self.expr(v)?;
                }
                self.emit(Opcode::MAP_ADD, depth + 1);
            }
        }
        Ok(())
    }

    fn async_comprehension_generator(
        &mut self,
        generators: &[ast::Comprehension],
        index: usize,
        mut depth: u32,
        elt: &Expr,
        val: Option<&Expr>,
        build: Option<Opcode>,
    ) -> CResult {
        let generator = &generators[index];
        let start = self.new_label();
        let except = self.new_label();
        let if_cleanup = self.new_label();
        if index == 0 {
            self.emit(Opcode::LOAD_FAST, 0);
        } else {
            self.expr(&generator.iter)?;
            self.emit(Opcode::GET_AITER, 0);
        }
        self.bind(start);
        self.emit_jump(Opcode::SETUP_FINALLY, except);
        self.emit(Opcode::GET_ANEXT, 0);
        self.emit_const(Constant::None);
        self.yield_from_await(generator.range)?;
        self.emit(Opcode::POP_BLOCK, 0);
        self.store_target(&generator.target)?;
        for cond in &generator.ifs {
            self.jump_if(cond, if_cleanup, false)?;
        }
        depth += 1;
        if index + 1 < generators.len() {
            self.comprehension_generator(generators, index + 1, depth, elt, val, build)?;
        } else {
            self.comprehension_element(depth, elt, val, build)?;
        }
        self.bind(if_cleanup);
        self.emit_artificial(Opcode::JUMP, start.0);
        self.bind(except);
        self.emit(Opcode::END_ASYNC_FOR, 0);
        Ok(())
    }
}
