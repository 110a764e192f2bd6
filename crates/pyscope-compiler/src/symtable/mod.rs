//! The symbol table: classifies every name of every scope as local, global, cell or free, the
//! way CPython's `symtable.c` does, before any bytecode is generated.

use std::collections::{HashMap, HashSet};

use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::TextRange;

use crate::error::CompileError;

mod analyze;
mod exprs;

use analyze::analyze;

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

/// Whether the module starts with `from __future__ import annotations` (after its docstring
/// and other future imports), which turns annotations into strings.
pub fn future_annotations(body: &[Stmt]) -> bool {
    let mut rest = body;
    if let Some(Stmt::Expr(e)) = rest.first()
        && matches!(&*e.value, Expr::StringLiteral(_))
    {
        rest = &rest[1..];
    }
    for s in rest {
        let Stmt::ImportFrom(i) = s else { break };
        if i.module.as_ref().is_none_or(|m| m.as_str() != "__future__") {
            break;
        }
        if i.names.iter().any(|a| a.name.as_str() == "annotations") {
            return true;
        }
    }
    false
}

/// Builds and analyses the symbol table of a module.
pub fn build(module: &ast::ModModule) -> Result<SymbolTable, CompileError> {
    let mut b = Builder {
        scopes: vec![Scope::new(ScopeKind::Module, "top", module.range, false)],
        stack: vec![0],
        by_node: HashMap::new(),
        class_names: Vec::new(),
        future_annotations: future_annotations(&module.body),
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
    /// Annotations are strings (`from __future__ import annotations`): their names are not
    /// uses of the scope.
    future_annotations: bool,
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
            Stmt::For(_) | Stmt::While(_) | Stmt::If(_) | Stmt::With(_) | Stmt::Match(_) => {
                self.visit_compound(stmt)
            }
            Stmt::Raise(r) => {
                self.visit_opt(r.exc.as_deref())?;
                self.visit_opt(r.cause.as_deref())
            }
            Stmt::Try(_) => self.visit_compound(stmt),
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

    /// Statements with bodies.
    fn visit_compound(&mut self, stmt: &Stmt) -> Result<(), CompileError> {
        match stmt {
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
            _ => Ok(()),
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
        if !self.future_annotations {
            self.visit_expr(&a.annotation)?;
        }
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
        if self.future_annotations {
            return Ok(());
        }
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
