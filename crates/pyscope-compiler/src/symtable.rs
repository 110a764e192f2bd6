//! The symbol table: classifies every name of every scope as local, global, cell or free, the
//! way CPython's `symtable.c` does, before any bytecode is generated.

use std::collections::{HashMap, HashSet};

use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::{Ranged, TextRange};

use crate::error::CompileError;

/// A name's use within one scope, as bit flags (CPython's `DEF_*`).
pub mod def {
    pub const GLOBAL: u16 = 1;
    pub const LOCAL: u16 = 2;
    pub const PARAM: u16 = 4;
    pub const NONLOCAL: u16 = 8;
    pub const USE: u16 = 16;
    pub const IMPORT: u16 = 32;
    pub const ANNOT: u16 = 64;
    pub const COMP_ITER: u16 = 128;
    pub const BOUND: u16 = LOCAL | PARAM | IMPORT;
}

/// How the compiler must access a name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Binding {
    Local,
    GlobalExplicit,
    GlobalImplicit,
    Free,
    Cell,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScopeKind {
    Module,
    Class,
    Function,
    Lambda,
    Comprehension,
}

/// One scope's symbols, in order of first appearance.
#[derive(Debug)]
pub struct Scope {
    pub kind: ScopeKind,
    pub name: String,
    pub names: Vec<String>,
    pub flags: HashMap<String, u16>,
    pub bindings: HashMap<String, Binding>,
    /// Free variables of a class scope that are also bound in it (`LOAD_CLASSDEREF`).
    pub free_class: HashSet<String>,
    pub params: Vec<String>,
    pub children: Vec<usize>,
    pub is_generator: bool,
    pub is_coroutine: bool,
    /// The class body needs a `__class__` cell (a method uses `super()` or `__class__`).
    pub needs_class_closure: bool,
    pub has_varargs: bool,
    pub has_varkw: bool,
    /// Whether this scope is nested inside a function (CPython's `CO_NESTED`).
    pub nested: bool,
    pub range: TextRange,
}

impl Scope {
    fn new(kind: ScopeKind, name: &str, range: TextRange, nested: bool) -> Scope {
        Scope {
            kind,
            name: name.to_string(),
            names: Vec::new(),
            flags: HashMap::new(),
            bindings: HashMap::new(),
            free_class: HashSet::new(),
            params: Vec::new(),
            children: Vec::new(),
            is_generator: false,
            is_coroutine: false,
            needs_class_closure: false,
            has_varargs: false,
            has_varkw: false,
            nested,
            range,
        }
    }

    /// The binding of `name`; names the scope never saw are implicit globals.
    pub fn binding(&self, name: &str) -> Binding {
        self.bindings
            .get(name)
            .copied()
            .unwrap_or(Binding::GlobalImplicit)
    }

    /// Whether `name` is a function-like scope (its locals are fast locals).
    pub fn is_function_like(&self) -> bool {
        matches!(
            self.kind,
            ScopeKind::Function | ScopeKind::Lambda | ScopeKind::Comprehension
        )
    }

    fn add(&mut self, name: &str, flag: u16) {
        match self.flags.get_mut(name) {
            Some(f) => *f |= flag,
            None => {
                self.names.push(name.to_string());
                self.flags.insert(name.to_string(), flag);
            }
        }
    }

    /// Cell variables, sorted by name as CPython's `dictbytype` does.
    pub fn cellvars(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .bindings
            .iter()
            .filter(|(_, b)| **b == Binding::Cell)
            .map(|(n, _)| n.clone())
            .collect();
        v.sort();
        v
    }

    /// Free variables, sorted by name.
    pub fn freevars(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .bindings
            .iter()
            .filter(|(n, b)| **b == Binding::Free || (self.free_class.contains(*n)))
            .map(|(n, _)| n.clone())
            .collect();
        v.sort();
        v.dedup();
        v
    }
}

/// All scopes of a module; scope 0 is the module itself.
#[derive(Debug)]
pub struct SymbolTable {
    pub scopes: Vec<Scope>,
    /// Maps the address of a function, class, lambda or comprehension node to its scope.
    by_node: HashMap<usize, usize>,
}

impl SymbolTable {
    /// The scope created for the AST node at `node` (a pointer used only as a key).
    pub fn scope_of<T>(&self, node: &T) -> usize {
        self.by_node.get(&node_key(node)).copied().unwrap_or(0)
    }
}

fn node_key<T>(node: &T) -> usize {
    std::ptr::from_ref(node) as usize
}

/// Builds and analyses the symbol table of a module.
pub fn build(module: &ast::ModModule) -> Result<SymbolTable, CompileError> {
    let mut b = Builder {
        scopes: vec![Scope::new(ScopeKind::Module, "top", module.range, false)],
        stack: vec![0],
        by_node: HashMap::new(),
        class_names: Vec::new(),
    };
    b.visit_body(&module.body)?;
    let mut table = SymbolTable {
        scopes: b.scopes,
        by_node: b.by_node,
    };
    analyze(&mut table)?;
    Ok(table)
}

struct Builder {
    scopes: Vec<Scope>,
    stack: Vec<usize>,
    by_node: HashMap<usize, usize>,
    /// Names of the enclosing classes, for name mangling.
    class_names: Vec<String>,
}

/// Mangles `__private` names inside a class body, as CPython's `_Py_Mangle` does.
pub fn mangle(class_name: Option<&str>, name: &str) -> String {
    let Some(class) = class_name else {
        return name.to_string();
    };
    if !name.starts_with("__") || name.ends_with("__") || name.contains('.') {
        return name.to_string();
    }
    let stripped = class.trim_start_matches('_');
    if stripped.is_empty() {
        return name.to_string();
    }
    format!("_{stripped}{name}")
}

impl Builder {
    fn cur(&mut self) -> &mut Scope {
        let i = *self.stack.last().unwrap_or(&0);
        &mut self.scopes[i]
    }

    fn add_def(&mut self, name: &str, flag: u16, range: TextRange) -> Result<(), CompileError> {
        let name = mangle(self.class_names.last().map(String::as_str), name);
        let scope = self.cur();
        if flag & def::PARAM != 0 && scope.flags.get(&name).is_some_and(|f| f & def::PARAM != 0) {
            return Err(CompileError::new(
                format!("duplicate argument '{name}' in function definition"),
                range,
            ));
        }
        scope.add(&name, flag);
        Ok(())
    }

    fn enter<T>(&mut self, kind: ScopeKind, name: &str, node: &T, range: TextRange) {
        let parent = *self.stack.last().unwrap_or(&0);
        let nested = self.scopes[parent].nested || self.scopes[parent].is_function_like();
        let id = self.scopes.len();
        self.scopes.push(Scope::new(kind, name, range, nested));
        self.scopes[parent].children.push(id);
        self.by_node.insert(node_key(node), id);
        self.stack.push(id);
    }

    fn leave(&mut self) {
        self.stack.pop();
    }

    fn visit_body(&mut self, body: &[Stmt]) -> Result<(), CompileError> {
        for s in body {
            self.visit_stmt(s)?;
        }
        Ok(())
    }

    fn visit_stmt(&mut self, stmt: &Stmt) -> Result<(), CompileError> {
        match stmt {
            Stmt::FunctionDef(f) => self.visit_function_def(f),
            Stmt::ClassDef(c) => self.visit_class_def(c),
            Stmt::Return(r) => self.visit_opt(r.value.as_deref()),
            Stmt::Delete(d) => {
                for t in &d.targets {
                    self.visit_expr(t)?;
                }
                Ok(())
            }
            Stmt::Assign(a) => {
                self.visit_expr(&a.value)?;
                for t in &a.targets {
                    self.visit_expr(t)?;
                }
                Ok(())
            }
            Stmt::AugAssign(a) => {
                self.visit_expr(&a.target)?;
                if let Expr::Name(n) = &*a.target {
                    self.add_def(&n.id, def::USE, n.range)?;
                }
                self.visit_expr(&a.value)
            }
            Stmt::AnnAssign(a) => self.visit_ann_assign(a),
            Stmt::For(f) => {
                if f.is_async {
                    self.cur().is_coroutine = true;
                }
                self.visit_expr(&f.target)?;
                self.visit_expr(&f.iter)?;
                self.visit_body(&f.body)?;
                self.visit_body(&f.orelse)
            }
            Stmt::While(w) => {
                self.visit_expr(&w.test)?;
                self.visit_body(&w.body)?;
                self.visit_body(&w.orelse)
            }
            Stmt::If(i) => {
                self.visit_expr(&i.test)?;
                self.visit_body(&i.body)?;
                for clause in &i.elif_else_clauses {
                    self.visit_opt(clause.test.as_ref())?;
                    self.visit_body(&clause.body)?;
                }
                Ok(())
            }
            Stmt::With(w) => {
                for item in &w.items {
                    self.visit_expr(&item.context_expr)?;
                    self.visit_opt(item.optional_vars.as_deref())?;
                }
                self.visit_body(&w.body)
            }
            Stmt::Match(m) => {
                self.visit_expr(&m.subject)?;
                for case in &m.cases {
                    self.visit_pattern(&case.pattern)?;
                    self.visit_opt(case.guard.as_deref())?;
                    self.visit_body(&case.body)?;
                }
                Ok(())
            }
            Stmt::Raise(r) => {
                self.visit_opt(r.exc.as_deref())?;
                self.visit_opt(r.cause.as_deref())
            }
            Stmt::Try(t) => {
                self.visit_body(&t.body)?;
                for h in &t.handlers {
                    let ast::ExceptHandler::ExceptHandler(h) = h;
                    self.visit_opt(h.type_.as_deref())?;
                    if let Some(name) = &h.name {
                        self.add_def(name, def::LOCAL, name.range)?;
                    }
                    self.visit_body(&h.body)?;
                }
                self.visit_body(&t.orelse)?;
                self.visit_body(&t.finalbody)
            }
            Stmt::Assert(a) => {
                self.visit_expr(&a.test)?;
                self.visit_opt(a.msg.as_deref())
            }
            Stmt::Import(i) => {
                for alias in &i.names {
                    let stored = match &alias.asname {
                        Some(a) => a.id.to_string(),
                        None => alias.name.id.split('.').next().unwrap_or("").to_string(),
                    };
                    self.add_def(&stored, def::IMPORT, alias.range)?;
                }
                Ok(())
            }
            Stmt::ImportFrom(i) => {
                for alias in &i.names {
                    if alias.name.id.as_str() == "*" {
                        if self.cur().kind != ScopeKind::Module {
                            return Err(CompileError::new(
                                "import * only allowed at module level".into(),
                                i.range,
                            ));
                        }
                        continue;
                    }
                    let stored = alias.asname.as_ref().unwrap_or(&alias.name);
                    self.add_def(&stored.id, def::IMPORT, alias.range)?;
                }
                Ok(())
            }
            Stmt::Global(g) => self.visit_global(g),
            Stmt::Nonlocal(n) => self.visit_nonlocal(n),
            Stmt::Expr(e) => self.visit_expr(&e.value),
            Stmt::Pass(_) | Stmt::Break(_) | Stmt::Continue(_) => Ok(()),
            Stmt::TypeAlias(t) => Err(CompileError::new("invalid syntax".into(), t.range)),
            Stmt::IpyEscapeCommand(c) => Err(CompileError::new("invalid syntax".into(), c.range)),
        }
    }

    fn visit_ann_assign(&mut self, a: &ast::StmtAnnAssign) -> Result<(), CompileError> {
        if let Expr::Name(n) = &*a.target {
            let name = n.id.to_string();
            let cur = self.cur();
            if cur
                .flags
                .get(&name)
                .is_some_and(|f| f & (def::GLOBAL | def::NONLOCAL) != 0)
                && a.simple
            {
                let what = if cur.flags[&name] & def::GLOBAL != 0 {
                    "global"
                } else {
                    "nonlocal"
                };
                return Err(CompileError::new(
                    format!("annotated name '{name}' can't be {what}"),
                    n.range,
                ));
            }
            // As CPython: a simple name is an annotated local; a parenthesized one is only
            // bound when a value is assigned.
            if a.simple {
                self.add_def(&name, def::LOCAL | def::ANNOT, n.range)?;
            } else if a.value.is_some() {
                self.add_def(&name, def::LOCAL, n.range)?;
            }
        } else {
            self.visit_expr(&a.target)?;
        }
        // CPython visits the annotation in every scope (without `from __future__ import
        // annotations`), so its names count as uses even in functions.
        self.visit_expr(&a.annotation)?;
        self.visit_opt(a.value.as_deref())
    }

    fn visit_global(&mut self, g: &ast::StmtGlobal) -> Result<(), CompileError> {
        for name in &g.names {
            let n = name.id.to_string();
            if let Some(flags) = self.cur().flags.get(&n).copied() {
                let problem = if flags & def::PARAM != 0 {
                    Some(format!("name '{n}' is parameter and global"))
                } else if flags & def::NONLOCAL != 0 {
                    Some(format!("name '{n}' is nonlocal and global"))
                } else if flags & def::ANNOT != 0 {
                    Some(format!("annotated name '{n}' can't be global"))
                } else if flags & def::LOCAL != 0 {
                    Some(format!(
                        "name '{n}' is assigned to before global declaration"
                    ))
                } else if flags & def::USE != 0 {
                    Some(format!("name '{n}' is used prior to global declaration"))
                } else {
                    None
                };
                if let Some(msg) = problem {
                    return Err(CompileError::new(msg, g.range));
                }
            }
            self.add_def(&n, def::GLOBAL, name.range)?;
            // As CPython's `st_global`: the module scope sees the name as declared global.
            let mangled = mangle(self.class_names.last().map(String::as_str), &n);
            self.scopes[0].add(&mangled, def::GLOBAL);
        }
        Ok(())
    }

    fn visit_nonlocal(&mut self, g: &ast::StmtNonlocal) -> Result<(), CompileError> {
        if self.cur().kind == ScopeKind::Module {
            return Err(CompileError::new(
                "nonlocal declaration not allowed at module level".into(),
                g.range,
            ));
        }
        for name in &g.names {
            let n = name.id.to_string();
            if let Some(flags) = self.cur().flags.get(&n).copied() {
                let problem = if flags & def::PARAM != 0 {
                    Some(format!("name '{n}' is parameter and nonlocal"))
                } else if flags & def::GLOBAL != 0 {
                    Some(format!("name '{n}' is nonlocal and global"))
                } else if flags & def::LOCAL != 0 {
                    Some(format!(
                        "name '{n}' is assigned to before nonlocal declaration"
                    ))
                } else if flags & def::USE != 0 {
                    Some(format!("name '{n}' is used prior to nonlocal declaration"))
                } else {
                    None
                };
                if let Some(msg) = problem {
                    return Err(CompileError::new(msg, g.range));
                }
            }
            self.add_def(&n, def::NONLOCAL, name.range)?;
        }
        Ok(())
    }

    fn visit_function_def(&mut self, f: &ast::StmtFunctionDef) -> Result<(), CompileError> {
        self.add_def(&f.name, def::LOCAL, f.name.range)?;
        for d in &f.decorator_list {
            self.visit_expr(&d.expression)?;
        }
        self.visit_param_defaults(&f.parameters)?;
        self.visit_annotations(&f.parameters, f.returns.as_deref())?;
        self.enter(ScopeKind::Function, &f.name, f, f.range);
        if f.is_async {
            self.cur().is_coroutine = true;
        }
        self.visit_params(&f.parameters)?;
        self.visit_body(&f.body)?;
        self.leave();
        Ok(())
    }

    fn visit_class_def(&mut self, c: &ast::StmtClassDef) -> Result<(), CompileError> {
        self.add_def(&c.name, def::LOCAL, c.name.range)?;
        for d in &c.decorator_list {
            self.visit_expr(&d.expression)?;
        }
        if let Some(args) = &c.arguments {
            for a in args.args.iter() {
                self.visit_expr(a)?;
            }
            for k in args.keywords.iter() {
                self.visit_expr(&k.value)?;
            }
        }
        self.enter(ScopeKind::Class, &c.name, c, c.range);
        self.class_names.push(c.name.id.to_string());
        self.visit_body(&c.body)?;
        self.class_names.pop();
        self.leave();
        Ok(())
    }

    fn visit_param_defaults(&mut self, p: &ast::Parameters) -> Result<(), CompileError> {
        for arg in p
            .posonlyargs
            .iter()
            .chain(p.args.iter())
            .chain(p.kwonlyargs.iter())
        {
            self.visit_opt(arg.default.as_deref())?;
        }
        Ok(())
    }

    fn visit_annotations(
        &mut self,
        p: &ast::Parameters,
        returns: Option<&Expr>,
    ) -> Result<(), CompileError> {
        for arg in p
            .posonlyargs
            .iter()
            .chain(p.args.iter())
            .chain(p.kwonlyargs.iter())
        {
            self.visit_opt(arg.parameter.annotation.as_deref())?;
        }
        if let Some(v) = &p.vararg {
            self.visit_opt(v.annotation.as_deref())?;
        }
        if let Some(v) = &p.kwarg {
            self.visit_opt(v.annotation.as_deref())?;
        }
        self.visit_opt(returns)
    }

    fn visit_params(&mut self, p: &ast::Parameters) -> Result<(), CompileError> {
        let mut order: Vec<&ast::Identifier> = Vec::new();
        for arg in p.posonlyargs.iter().chain(p.args.iter()) {
            order.push(&arg.parameter.name);
        }
        for arg in p.kwonlyargs.iter() {
            order.push(&arg.parameter.name);
        }
        if let Some(v) = &p.vararg {
            // CPython lists *args after the keyword-only parameters in co_varnames.
            order.push(&v.name);
            self.cur().has_varargs = true;
        }
        if let Some(v) = &p.kwarg {
            order.push(&v.name);
            self.cur().has_varkw = true;
        }
        for name in order {
            self.add_def(name, def::PARAM, name.range)?;
            let mangled = mangle(self.class_names.last().map(String::as_str), name);
            self.cur().params.push(mangled);
        }
        Ok(())
    }

    fn visit_opt(&mut self, e: Option<&Expr>) -> Result<(), CompileError> {
        match e {
            Some(e) => self.visit_expr(e),
            None => Ok(()),
        }
    }

    fn visit_expr(&mut self, expr: &Expr) -> Result<(), CompileError> {
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

    fn visit_pattern(&mut self, p: &ast::Pattern) -> Result<(), CompileError> {
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

/// The noun CPython uses for a comprehension in error messages.
pub fn comprehension_noun(name: &str) -> &'static str {
    match name {
        "listcomp" => "list comprehension",
        "setcomp" => "set comprehension",
        "dictcomp" => "dict comprehension",
        _ => "generator expression",
    }
}

/// Resolves bindings for every scope (CPython's `analyze_block`).
fn analyze(table: &mut SymbolTable) -> Result<(), CompileError> {
    let mut free = HashSet::new();
    analyze_block(table, 0, &HashSet::new(), &HashSet::new(), &mut free)
}

fn analyze_block(
    table: &mut SymbolTable,
    id: usize,
    bound: &HashSet<String>,
    global: &HashSet<String>,
    free_out: &mut HashSet<String>,
) -> Result<(), CompileError> {
    let mut local = HashSet::new();
    let mut free = HashSet::new();
    let mut global = global.clone();
    let mut bound_here = bound.clone();
    let kind = table.scopes[id].kind;
    let names = table.scopes[id].names.clone();
    for name in &names {
        let flags = table.scopes[id].flags[name];
        let binding = if flags & def::GLOBAL != 0 {
            global.insert(name.clone());
            bound_here.remove(name);
            Binding::GlobalExplicit
        } else if flags & def::NONLOCAL != 0 {
            if !bound.contains(name) {
                return Err(CompileError::new(
                    format!("no binding for nonlocal '{name}' found"),
                    table.scopes[id].range,
                ));
            }
            free.insert(name.clone());
            Binding::Free
        } else if flags & def::BOUND != 0 {
            local.insert(name.clone());
            global.remove(name);
            Binding::Local
        } else if bound.contains(name) {
            free.insert(name.clone());
            Binding::Free
        } else {
            Binding::GlobalImplicit
        };
        table.scopes[id].bindings.insert(name.clone(), binding);
    }

    // Names visible to nested function scopes.
    let mut newbound = if kind == ScopeKind::Module {
        HashSet::new()
    } else {
        bound.clone()
    };
    let is_function = table.scopes[id].is_function_like();
    if is_function {
        newbound.extend(local.iter().cloned());
    }
    if kind == ScopeKind::Class {
        newbound.insert("__class__".into());
    }
    let mut newglobal = global.clone();
    if is_function {
        for l in &local {
            newglobal.remove(l);
        }
    }

    let mut child_free = HashSet::new();
    for child in table.scopes[id].children.clone() {
        let mut cf = HashSet::new();
        analyze_block(table, child, &newbound, &newglobal, &mut cf)?;
        child_free.extend(cf);
    }

    if is_function {
        // Locals captured by nested scopes become cells.
        for name in &local {
            if child_free.remove(name) {
                table.scopes[id]
                    .bindings
                    .insert(name.clone(), Binding::Cell);
            }
        }
    } else if kind == ScopeKind::Class && child_free.remove("__class__") {
        table.scopes[id].needs_class_closure = true;
    }

    // Free variables of children that this scope does not bind pass through it.
    for name in &child_free {
        match table.scopes[id].bindings.get(name).copied() {
            Some(Binding::Local | Binding::Cell) if kind == ScopeKind::Class => {
                table.scopes[id].free_class.insert(name.clone());
            }
            Some(Binding::GlobalExplicit | Binding::GlobalImplicit) if kind == ScopeKind::Class => {
                table.scopes[id]
                    .bindings
                    .insert(name.clone(), Binding::Free);
            }
            Some(_) => {}
            None if kind != ScopeKind::Module => {
                table.scopes[id]
                    .bindings
                    .insert(name.clone(), Binding::Free);
            }
            None => {}
        }
    }
    if kind != ScopeKind::Module {
        free.extend(child_free);
    }
    free_out.extend(free);
    Ok(())
}
