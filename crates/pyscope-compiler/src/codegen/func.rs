//! Definitions that create new code objects: functions, lambdas, classes and comprehensions
//! (CPython's `compiler_function`, `compiler_lambda`, `compiler_class`,
//! `compiler_comprehension`).

use std::rc::Rc;

use ruff_python_ast::{self as ast, Expr};
use ruff_text_size::{Ranged, TextRange};

use super::{CResult, Compiler, FBlock, NameCtx, ScopeType};
use crate::code::{CodeObject, Constant};
use crate::fold;
use crate::opcode::Opcode;

/// MAKE_FUNCTION flags.
const DEFAULTS: u32 = 0x01;
const KWDEFAULTS: u32 = 0x02;
const ANNOTATIONS: u32 = 0x04;
const CLOSURE: u32 = 0x08;

/// The kind of comprehension being compiled.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Comp {
    Gen,
    List,
    Set,
    Dict,
}

/// What a comprehension produces per iteration.
struct CompBody<'a> {
    kind: Comp,
    elt: &'a Expr,
    val: Option<&'a Expr>,
}

impl<'a> Compiler<'a> {
    pub(super) fn function_def(&mut self, f: &'a ast::StmtFunctionDef) -> CResult {
        self.check_debug_params(&f.parameters)?;
        for d in &f.decorator_list {
            self.visit_expr(&d.expression)?;
        }
        let firstlineno = match f.decorator_list.first() {
            Some(d) => self.lines.line_of(d.expression.range().start()),
            None => self.unit_ref().loc.line as u32,
        };
        let mut flags = self.default_arguments(&f.parameters)?;
        if self.annotations(&f.parameters, f.returns.as_deref())? {
            flags |= ANNOTATIONS;
        }
        let scope_type = if f.is_async {
            ScopeType::AsyncFunction
        } else {
            ScopeType::Function
        };
        let scope = self.table.scope_of(f);
        self.enter_scope(scope, &f.name, scope_type, firstlineno);
        let doc = super::docstring(&f.body);
        self.add_const(match &doc {
            Some(d) => Constant::Str(Rc::from(d.as_str())),
            None => Constant::None,
        });
        self.set_arg_counts(&f.parameters);
        let skip = usize::from(doc.is_some());
        for s in &f.body[skip..] {
            self.visit_stmt(s)?;
        }
        let code = self.finish_unit(true)?;
        self.make_closure(Rc::new(code), flags);
        self.apply_decorators(&f.decorator_list);
        self.name_op(&f.name, NameCtx::Store);
        Ok(())
    }

    fn check_debug_params(&self, p: &ast::Parameters) -> CResult {
        for param in p.iter() {
            let name = param.name();
            if name.as_str() == "__debug__" {
                return Err(self.error("cannot assign to __debug__", name.range));
            }
        }
        Ok(())
    }

    /// Calls the decorators innermost first, each at its own position.
    fn apply_decorators(&mut self, decorators: &'a [ast::Decorator]) {
        let saved = self.unit_ref().loc;
        for d in decorators.iter().rev() {
            self.set_loc(d.expression.range());
            self.addop_i(Opcode::PRECALL, 0);
            self.addop_i(Opcode::CALL, 0);
        }
        self.unit().loc = saved;
    }

    fn set_arg_counts(&mut self, p: &ast::Parameters) {
        let unit = self.unit();
        unit.posonlyargcount = p.posonlyargs.len() as u32;
        unit.argcount = (p.posonlyargs.len() + p.args.len()) as u32;
        unit.kwonlyargcount = p.kwonlyargs.len() as u32;
    }

    /// Pushes the defaults tuple and keyword-only defaults dict; returns the MAKE_FUNCTION flags.
    fn default_arguments(&mut self, p: &'a ast::Parameters) -> CResult<u32> {
        let mut flags = 0;
        let defaults: Vec<&'a Expr> = p
            .posonlyargs
            .iter()
            .chain(p.args.iter())
            .filter_map(|a| a.default.as_deref())
            .collect();
        if !defaults.is_empty() {
            for d in &defaults {
                self.visit_expr(d)?;
            }
            self.addop_i(Opcode::BUILD_TUPLE, defaults.len() as u32);
            flags |= DEFAULTS;
        }
        let mut keys = Vec::new();
        for a in p.kwonlyargs.iter() {
            if let Some(d) = a.default.as_deref() {
                let mangled = self.mangle(&a.parameter.name);
                keys.push(Constant::Str(Rc::from(mangled.as_str())));
                self.visit_expr(d)?;
            }
        }
        if !keys.is_empty() {
            let n = keys.len() as u32;
            self.load_const(Constant::Tuple(Rc::from(keys)));
            self.addop_i(Opcode::BUILD_CONST_KEY_MAP, n);
            flags |= KWDEFAULTS;
        }
        Ok(flags)
    }

    /// Pushes the annotations tuple `(name, value, ...)` in CPython's order (plain parameters
    /// before positional-only ones); returns whether there was any.
    fn annotations(&mut self, p: &'a ast::Parameters, returns: Option<&'a Expr>) -> CResult<bool> {
        let params = p
            .args
            .iter()
            .chain(p.posonlyargs.iter())
            .map(|a| &a.parameter)
            .chain(p.vararg.as_deref())
            .chain(p.kwonlyargs.iter().map(|a| &a.parameter))
            .chain(p.kwarg.as_deref());
        let mut pairs: Vec<(String, &'a Expr)> = Vec::new();
        for param in params {
            if let Some(ann) = &param.annotation {
                pairs.push((self.mangle(&param.name), ann));
            }
        }
        if let Some(r) = returns {
            pairs.push(("return".to_string(), r));
        }
        let n = 2 * pairs.len() as u32;
        for (name, ann) in pairs {
            self.load_const(Constant::Str(Rc::from(name.as_str())));
            self.annotation_value(ann)?;
        }
        if n > 0 {
            self.addop_i(Opcode::BUILD_TUPLE, n);
        }
        Ok(n > 0)
    }

    /// Loads the closure cells (if any) and the code object, then emits MAKE_FUNCTION.
    fn make_closure(&mut self, code: Rc<CodeObject>, mut flags: u32) {
        let frees: Vec<Rc<str>> = code.freevars().cloned().collect();
        if !frees.is_empty() {
            for name in &frees {
                let i = self.closure_index(name);
                self.addop_i(Opcode::LOAD_CLOSURE, i);
            }
            self.addop_i(Opcode::BUILD_TUPLE, frees.len() as u32);
            flags |= CLOSURE;
        }
        self.load_const(Constant::Code(code));
        self.addop_i(Opcode::MAKE_FUNCTION, flags);
    }

    pub(super) fn lambda(&mut self, l: &'a ast::ExprLambda) -> CResult {
        let mut flags = 0;
        if let Some(p) = &l.parameters {
            self.check_debug_params(p)?;
            flags = self.default_arguments(p)?;
        }
        let scope = self.table.scope_of(l);
        let line = self.lines.line_of(l.range.start());
        self.enter_scope(scope, "<lambda>", ScopeType::Lambda, line);
        self.add_const(Constant::None);
        if let Some(p) = &l.parameters {
            self.set_arg_counts(p);
        }
        self.visit_expr(&l.body)?;
        let code = if self.table.scopes[scope].is_generator {
            self.finish_unit(false)?
        } else {
            self.addop(Opcode::RETURN_VALUE);
            self.finish_unit(true)?
        };
        self.make_closure(Rc::new(code), flags);
        Ok(())
    }

    pub(super) fn class_def(&mut self, cd: &'a ast::StmtClassDef) -> CResult {
        for d in &cd.decorator_list {
            self.visit_expr(&d.expression)?;
        }
        let firstlineno = match cd.decorator_list.first() {
            Some(d) => self.lines.line_of(d.expression.range().start()),
            None => self.unit_ref().loc.line as u32,
        };
        let scope = self.table.scope_of(cd);
        self.enter_scope(scope, &cd.name, ScopeType::Class, firstlineno);
        self.unit().private = Some(cd.name.to_string());
        self.name_op("__name__", NameCtx::Load);
        self.name_op("__module__", NameCtx::Store);
        let qualname = self.unit_ref().qualname.clone();
        self.load_const(Constant::Str(Rc::from(qualname.as_str())));
        self.name_op("__qualname__", NameCtx::Store);
        self.body(&cd.body)?;
        self.unset_loc();
        if self.table.scopes[scope].needs_class_closure {
            self.addop_i(Opcode::LOAD_CLOSURE, 0);
            self.addop_i(Opcode::COPY, 1);
            self.name_op("__classcell__", NameCtx::Store);
        } else {
            self.load_const(Constant::None);
        }
        self.addop(Opcode::RETURN_VALUE);
        let code = self.finish_unit(true)?;
        self.addop(Opcode::PUSH_NULL);
        self.addop(Opcode::LOAD_BUILD_CLASS);
        self.make_closure(Rc::new(code), 0);
        self.load_const(Constant::Str(Rc::from(cd.name.as_str())));
        match &cd.arguments {
            Some(a) => self.call_helper(2, a)?,
            None => {
                self.addop_i(Opcode::PRECALL, 2);
                self.addop_i(Opcode::CALL, 2);
            }
        }
        self.apply_decorators(&cd.decorator_list);
        self.name_op(&cd.name, NameCtx::Store);
        Ok(())
    }

    /// A comprehension; `range` is its CPython position (a lone generator argument owns the
    /// call's parentheses).
    pub(super) fn comprehension(&mut self, e: &'a Expr, range: TextRange) -> CResult {
        let (name, generators, body) = match e {
            Expr::ListComp(c) => ("<listcomp>", &c.generators, (Comp::List, &*c.elt, None)),
            Expr::SetComp(c) => ("<setcomp>", &c.generators, (Comp::Set, &*c.elt, None)),
            Expr::Generator(c) => ("<genexpr>", &c.generators, (Comp::Gen, &*c.elt, None)),
            Expr::DictComp(c) => match &c.key {
                Some(k) => (
                    "<dictcomp>",
                    &c.generators,
                    (Comp::Dict, &**k, Some(&*c.value)),
                ),
                None => {
                    return Err(self.error(
                        "dict unpacking cannot be used in dict comprehension",
                        c.range,
                    ));
                }
            },
            _ => unreachable!("only comprehensions reach here"),
        };
        let body = CompBody {
            kind: body.0,
            elt: body.1,
            val: body.2,
        };
        let scope = self.table.scope_of(e);
        let outer_type = self.unit_ref().scope_type;
        let line = self.lines.line_of(range.start());
        self.enter_scope(scope, name, ScopeType::Comprehension, line);
        self.set_loc(range);
        let is_async = self.table.scopes[scope].is_coroutine;
        if is_async
            && body.kind != Comp::Gen
            && !matches!(
                outer_type,
                ScopeType::AsyncFunction | ScopeType::Comprehension
            )
        {
            return Err(self.error(
                "asynchronous comprehension outside of an asynchronous function",
                e.range(),
            ));
        }
        let build = match body.kind {
            Comp::List => Some(Opcode::BUILD_LIST),
            Comp::Set => Some(Opcode::BUILD_SET),
            Comp::Dict => Some(Opcode::BUILD_MAP),
            Comp::Gen => None,
        };
        if let Some(op) = build {
            self.addop_i(op, 0);
        }
        self.comp_generator(generators, 0, 0, &body)?;
        if build.is_some() {
            self.addop(Opcode::RETURN_VALUE);
        }
        let code = self.finish_unit(true)?;
        self.make_closure(Rc::new(code), 0);
        let first = &generators[0];
        self.visit_iter(&first.iter)?;
        self.addop(if first.is_async {
            Opcode::GET_AITER
        } else {
            Opcode::GET_ITER
        });
        self.addop_i(Opcode::PRECALL, 0);
        self.addop_i(Opcode::CALL, 0);
        if is_async && body.kind != Comp::Gen {
            self.addop_i(Opcode::GET_AWAITABLE, 0);
            self.load_const(Constant::None);
            self.add_yield_from(true);
        }
        Ok(())
    }

    fn comp_generator(
        &mut self,
        generators: &'a [ast::Comprehension],
        index: usize,
        depth: u32,
        body: &CompBody<'a>,
    ) -> CResult {
        if generators[index].is_async {
            self.async_comp_generator(generators, index, depth, body)
        } else {
            self.sync_comp_generator(generators, index, depth, body)
        }
    }

    fn sync_comp_generator(
        &mut self,
        generators: &'a [ast::Comprehension],
        index: usize,
        mut depth: u32,
        body: &CompBody<'a>,
    ) -> CResult {
        let start = self.new_block();
        let if_cleanup = self.new_block();
        let anchor = self.new_block();
        let g = &generators[index];
        let mut looping = true;
        if index == 0 {
            self.unit().argcount = 1;
            self.addop_i(Opcode::LOAD_FAST, 0);
        } else {
            if let Some([one]) = iter_elts(&g.iter)
                && !matches!(one, Expr::Starred(_))
            {
                self.visit_expr(one)?;
                looping = false;
            }
            if looping {
                self.visit_iter(&g.iter)?;
                self.addop(Opcode::GET_ITER);
            }
        }
        if looping {
            depth += 1;
            self.use_next(start);
            self.addop_j(Opcode::FOR_ITER, anchor);
        }
        self.visit_expr(&g.target)?;
        for cond in &g.ifs {
            self.jump_if(cond, if_cleanup, false)?;
        }
        if index + 1 < generators.len() {
            self.comp_generator(generators, index + 1, depth, body)?;
        } else {
            self.comp_element(depth, body)?;
        }
        self.use_next(if_cleanup);
        if looping {
            self.addop_j(Opcode::JUMP, start);
            self.use_next(anchor);
        }
        Ok(())
    }

    fn comp_element(&mut self, depth: u32, body: &CompBody<'a>) -> CResult {
        self.visit_expr(body.elt)?;
        match body.kind {
            Comp::Gen => {
                self.add_yield();
                self.addop(Opcode::POP_TOP);
            }
            Comp::List => self.addop_i(Opcode::LIST_APPEND, depth + 1),
            Comp::Set => self.addop_i(Opcode::SET_ADD, depth + 1),
            Comp::Dict => {
                if let Some(v) = body.val {
                    self.visit_expr(v)?;
                }
                self.addop_i(Opcode::MAP_ADD, depth + 1);
            }
        }
        Ok(())
    }

    fn async_comp_generator(
        &mut self,
        generators: &'a [ast::Comprehension],
        index: usize,
        mut depth: u32,
        body: &CompBody<'a>,
    ) -> CResult {
        let start = self.new_block();
        let except = self.new_block();
        let if_cleanup = self.new_block();
        let g = &generators[index];
        if index == 0 {
            self.unit().argcount = 1;
            self.addop_i(Opcode::LOAD_FAST, 0);
        } else {
            self.visit_iter(&g.iter)?;
            self.addop(Opcode::GET_AITER);
        }
        self.use_next(start);
        self.unit()
            .fblocks
            .push(FBlock::AsyncComprehensionGenerator);
        self.addop_j(Opcode::SETUP_FINALLY, except);
        self.addop(Opcode::GET_ANEXT);
        self.load_const(Constant::None);
        self.add_yield_from(true);
        self.addop(Opcode::POP_BLOCK);
        self.visit_expr(&g.target)?;
        for cond in &g.ifs {
            self.jump_if(cond, if_cleanup, false)?;
        }
        depth += 1;
        if index + 1 < generators.len() {
            self.comp_generator(generators, index + 1, depth, body)?;
        } else {
            self.comp_element(depth, body)?;
        }
        self.use_next(if_cleanup);
        self.addop_j(Opcode::JUMP, start);
        self.unit().fblocks.pop();
        self.use_next(except);
        self.addop(Opcode::END_ASYNC_FOR);
        Ok(())
    }
}

/// The elements of a comprehension iterable that stays a list or tuple display after CPython's
/// AST optimizer (constant displays become constants).
fn iter_elts(e: &Expr) -> Option<&[Expr]> {
    match e {
        Expr::List(l) => {
            let starred = l.elts.iter().any(|x| matches!(x, Expr::Starred(_)));
            let all_const = l.elts.iter().all(|x| fold::constant_of(x).is_some());
            (starred || !all_const).then_some(&l.elts[..])
        }
        Expr::Tuple(t) if fold::constant_of(e).is_none() => Some(&t.elts),
        _ => None,
    }
}
