//! Code generation: walks the AST with the symbol table and emits CPython 3.11-shaped bytecode
//! into a control-flow graph, one `Unit` per code object, then hands each unit to the
//! assembler.
//!
//! Locations follow CPython's model exactly: the unit has a *current location* that statements
//! set (and leave behind), expressions set and restore, and `unset_loc` clears so that the
//! assembler can propagate neighbouring locations to artificial instructions.

mod call;
mod control;
mod emit;
mod exc;
mod expr;
mod format;
mod func;
mod pattern;
mod stmt;

use std::collections::HashMap;
use std::rc::Rc;

use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::{Ranged, TextRange};

pub use emit::Label;

use crate::assemble;
use crate::cfg::{Block, BlockId, Loc};
use crate::code::{CodeObject, Constant, flags};
use crate::error::{CompileError, ErrorKind};
use crate::lines::LineIndex;
use crate::opcode::Opcode;
use crate::symtable::{self, Binding, ScopeKind, SymbolTable};

/// The deepest expression or statement nesting the compiler accepts before raising
/// `RecursionError`, which keeps the native and the wasm stack safe.
const MAX_NESTING: usize = 400;

/// CPython's compiler scope types (`COMPILER_SCOPE_*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScopeType {
    Module,
    Class,
    Function,
    AsyncFunction,
    Lambda,
    Comprehension,
}

/// What a `break`, `continue` or `return` must unwind (CPython's frame blocks).
#[derive(Clone, Debug)]
pub enum FBlock<'a> {
    WhileLoop { start: Label, exit: Label },
    ForLoop { start: Label, exit: Label },
    TryExcept,
    FinallyTry { body: &'a [Stmt] },
    FinallyEnd,
    With { range: TextRange, is_async: bool },
    HandlerCleanup { name: Option<String> },
    ExceptionHandler,
    ExceptionGroupHandler,
    PopValue,
    AsyncComprehensionGenerator,
}

/// One code object under construction.
pub struct Unit<'a> {
    pub scope: usize,
    pub kind: ScopeKind,
    pub scope_type: ScopeType,
    pub name: String,
    pub qualname: String,
    pub blocks: Vec<Block>,
    pub cur: BlockId,
    need_new_block: bool,
    pub consts: Vec<Constant>,
    pub names: Vec<Rc<str>>,
    name_index: HashMap<String, u32>,
    pub varnames: Vec<String>,
    var_index: HashMap<String, u32>,
    pub cellvars: Vec<String>,
    pub freevars: Vec<String>,
    pub fblocks: Vec<FBlock<'a>>,
    pub loc: Loc,
    pub firstlineno: u32,
    pub argcount: u32,
    pub posonlyargcount: u32,
    pub kwonlyargcount: u32,
    pub flags: u32,
    /// The class whose body encloses this unit, for name mangling.
    pub private: Option<String>,
}

/// The compiler state shared by all units of one module.
pub struct Compiler<'a> {
    pub source: &'a str,
    pub filename: Rc<str>,
    pub table: SymbolTable,
    pub lines: LineIndex,
    pub units: Vec<Unit<'a>>,
    pub nesting: usize,
    /// Set while compiling an interactive line: expression statements are printed.
    pub interactive: bool,
    /// `from __future__ import annotations`: annotations are compiled as strings.
    pub future_annotations: bool,
}

pub type CResult<T = ()> = Result<T, CompileError>;

/// Compiles a parsed module into its code object.
pub fn compile_module(
    source: &str,
    filename: &str,
    module: &ast::ModModule,
    interactive: bool,
) -> CResult<Rc<CodeObject>> {
    let table = symtable::build(module)?;
    let mut c = Compiler::new(source, filename, table, interactive);
    c.future_annotations = symtable::future_annotations(&module.body);
    c.enter_scope(0, "<module>", ScopeType::Module, 1);
    c.unit().loc.line = 1;
    if interactive {
        if stmt::find_ann(&module.body) {
            c.addop(Opcode::SETUP_ANNOTATIONS);
        }
        for s in &module.body {
            c.visit_stmt(s)?;
        }
    } else {
        c.body(&module.body)?;
    }
    c.finish_unit(true).map(Rc::new)
}

/// Compiles a single expression (for `eval`).
pub fn compile_expression(source: &str, filename: &str, expr: &Expr) -> CResult<Rc<CodeObject>> {
    // Expressions that create scopes need their own symbol table entries.
    let module = ast::ModModule {
        range: expr.range(),
        node_index: Default::default(),
        body: vec![Stmt::Expr(ast::StmtExpr {
            range: expr.range(),
            node_index: Default::default(),
            value: Box::new(expr.clone()),
        })]
        .into(),
    };
    let table = symtable::build(&module)?;
    let mut c = Compiler::new(source, filename, table, false);
    c.enter_scope(0, "<module>", ScopeType::Module, 1);
    c.unit().loc.line = 1;
    let Stmt::Expr(e) = &module.body[0] else {
        unreachable!("built above")
    };
    c.visit_expr(&e.value)?;
    c.finish_unit(false).map(Rc::new)
}

impl<'a> Compiler<'a> {
    fn new(source: &'a str, filename: &str, table: SymbolTable, interactive: bool) -> Self {
        Compiler {
            source,
            filename: Rc::from(filename),
            table,
            lines: LineIndex::new(source),
            units: Vec::new(),
            nesting: 0,
            interactive,
            future_annotations: false,
        }
    }

    pub fn unit(&mut self) -> &mut Unit<'a> {
        self.units.last_mut().expect("a unit is always active")
    }

    pub fn unit_ref(&self) -> &Unit<'a> {
        self.units.last().expect("a unit is always active")
    }

    /// Opens a new code object (CPython's `compiler_enter_scope`): emits its `RESUME` at
    /// `lineno`, columns 0 (line 0 for a module).
    pub fn enter_scope(&mut self, scope: usize, name: &str, scope_type: ScopeType, lineno: u32) {
        let qualname = self.qualname_for(name, scope_type);
        let private = self.units.last().and_then(|u| u.private.clone());
        let sym = &self.table.scopes[scope];
        let line = lineno as i32;
        let mut unit = Unit {
            scope,
            kind: sym.kind,
            scope_type,
            name: name.to_string(),
            qualname,
            blocks: vec![Block::default()],
            cur: 0,
            need_new_block: false,
            consts: Vec::new(),
            names: Vec::new(),
            name_index: HashMap::new(),
            varnames: Vec::new(),
            var_index: HashMap::new(),
            cellvars: sym.cellvars(),
            freevars: sym.freevars(),
            fblocks: Vec::new(),
            loc: Loc {
                line,
                end_line: line,
                col: 0,
                end_col: 0,
            },
            firstlineno: lineno,
            argcount: 0,
            posonlyargcount: 0,
            kwonlyargcount: 0,
            flags: code_flags(sym),
            private,
        };
        if sym.kind == ScopeKind::Class && sym.needs_class_closure {
            unit.cellvars = vec!["__class__".to_string()];
        }
        for p in &sym.params {
            let i = unit.varnames.len() as u32;
            unit.var_index.insert(p.clone(), i);
            unit.varnames.push(p.clone());
        }
        self.units.push(unit);
        if scope_type == ScopeType::Module {
            self.unit().loc.line = 0;
        }
        self.addop_i(Opcode::RESUME, 0);
        if scope_type == ScopeType::Module {
            self.unit().loc.line = -1;
        }
    }

    /// The qualified name of a new scope named `name` inside the current unit.
    fn qualname_for(&self, name: &str, scope_type: ScopeType) -> String {
        if self.units.len() <= 1 {
            return name.to_string();
        }
        let parent = self.unit_ref();
        if matches!(
            scope_type,
            ScopeType::Function | ScopeType::AsyncFunction | ScopeType::Class
        ) {
            let mangled = self.mangle(name);
            if self.table.scopes[parent.scope].binding(&mangled) == Binding::GlobalExplicit {
                return name.to_string();
            }
        }
        let base = match parent.scope_type {
            ScopeType::Function | ScopeType::AsyncFunction | ScopeType::Lambda => {
                format!("{}.<locals>", parent.qualname)
            }
            _ => parent.qualname.clone(),
        };
        format!("{base}.{name}")
    }

    /// Adds the implicit `return None` if needed, assembles the innermost unit and closes it.
    pub fn finish_unit(&mut self, add_none: bool) -> CResult<CodeObject> {
        if !self.unit_ref().blocks[self.unit_ref().cur].has_return {
            self.unset_loc();
            if add_none {
                self.load_const(Constant::None);
            }
            self.addop(Opcode::RETURN_VALUE);
        }
        let unit = self.units.pop().expect("unit to finish");
        assemble::assemble(unit, &self.filename)
            .map_err(|msg| CompileError::new(msg, TextRange::default()))
    }

    /// Runs `f` with the location saved and restored around it, as `compiler_visit_expr` does.
    pub fn keeping_loc<T>(&mut self, f: impl FnOnce(&mut Self) -> CResult<T>) -> CResult<T> {
        let saved = self.unit_ref().loc;
        let r = f(self);
        self.unit().loc = saved;
        r
    }

    /// Guards recursion depth over the AST.
    pub fn nest<T>(
        &mut self,
        range: TextRange,
        f: impl FnOnce(&mut Self) -> CResult<T>,
    ) -> CResult<T> {
        self.nesting += 1;
        if self.nesting > MAX_NESTING {
            self.nesting -= 1;
            return Err(CompileError::new(
                "maximum recursion depth exceeded during compilation".into(),
                range,
            )
            .with_kind(ErrorKind::RecursionError));
        }
        let r = f(self);
        self.nesting -= 1;
        r
    }

    // ----- names -----

    pub fn mangle(&self, name: &str) -> String {
        symtable::mangle(self.unit_ref().private.as_deref(), name)
    }

    pub fn scope_binding(&self, name: &str) -> Binding {
        self.table.scopes[self.unit_ref().scope].binding(name)
    }

    pub fn add_name(&mut self, name: &str) -> u32 {
        let unit = self.unit();
        if let Some(i) = unit.name_index.get(name) {
            return *i;
        }
        let i = unit.names.len() as u32;
        unit.names.push(Rc::from(name));
        unit.name_index.insert(name.to_string(), i);
        i
    }

    pub fn varname_index(&mut self, name: &str) -> u32 {
        let unit = self.unit();
        if let Some(i) = unit.var_index.get(name) {
            return *i;
        }
        let i = unit.varnames.len() as u32;
        unit.varnames.push(name.to_string());
        unit.var_index.insert(name.to_string(), i);
        i
    }

    /// Index of a cell or free variable in CPython's pre-fixup numbering (cells, then frees);
    /// `free` picks the free variable when a class has both (its `__class__` cell and a
    /// `__class__` from an enclosing function).
    fn deref_index(&self, name: &str, free: bool) -> u32 {
        let unit = self.unit_ref();
        let cell = unit.cellvars.iter().position(|c| c == name);
        let freevar = unit.freevars.iter().position(|c| c == name);
        match (cell, freevar) {
            (Some(i), None) => i as u32,
            (Some(i), Some(_)) if !free => i as u32,
            (_, Some(i)) => (unit.cellvars.len() + i) as u32,
            (None, None) => unit.cellvars.len() as u32,
        }
    }

    /// The deref index `LOAD_CLOSURE` uses for `name` (CPython's `get_ref_type`).
    pub fn closure_index(&self, name: &str) -> u32 {
        let class_cell = self.unit_ref().kind == ScopeKind::Class && name == "__class__";
        let free = !class_cell && self.scope_binding(name) != Binding::Cell;
        self.deref_index(name, free)
    }

    /// Emits the load, store or delete of a name, choosing the opcode from its binding.
    pub fn name_op(&mut self, name: &str, ctx: NameCtx) {
        let mangled = self.mangle(name);
        let binding = self.scope_binding(&mangled);
        let unit_kind = self.unit_ref().kind;
        let function_like = matches!(
            unit_kind,
            ScopeKind::Function | ScopeKind::Lambda | ScopeKind::Comprehension
        );
        let free_in_class = unit_kind == ScopeKind::Class
            && self.table.scopes[self.unit_ref().scope]
                .free_class
                .contains(&mangled);
        use Opcode::*;
        let (op, arg) = match binding {
            Binding::Free | Binding::Cell if !free_in_class => {
                let i = self.deref_index(&mangled, binding == Binding::Free);
                let op = match ctx {
                    NameCtx::Load if unit_kind == ScopeKind::Class => LOAD_CLASSDEREF,
                    NameCtx::Load => LOAD_DEREF,
                    NameCtx::Store => STORE_DEREF,
                    NameCtx::Del => DELETE_DEREF,
                };
                (op, i)
            }
            Binding::Local if function_like => {
                let i = self.varname_index(&mangled);
                let op = match ctx {
                    NameCtx::Load => LOAD_FAST,
                    NameCtx::Store => STORE_FAST,
                    NameCtx::Del => DELETE_FAST,
                };
                (op, i)
            }
            Binding::GlobalExplicit | Binding::GlobalImplicit
                if function_like || binding == Binding::GlobalExplicit =>
            {
                let i = self.add_name(&mangled);
                match ctx {
                    NameCtx::Load => (LOAD_GLOBAL, i << 1),
                    NameCtx::Store => (STORE_GLOBAL, i),
                    NameCtx::Del => (DELETE_GLOBAL, i),
                }
            }
            _ => {
                let i = self.add_name(&mangled);
                let op = match ctx {
                    NameCtx::Load => LOAD_NAME,
                    NameCtx::Store => STORE_NAME,
                    NameCtx::Del => DELETE_NAME,
                };
                (op, i)
            }
        };
        self.addop_i(op, arg);
    }

    /// Whether `e` is a name that an import statement binds at module level (CPython's
    /// `is_import_originated`, which then keeps `e.m()` from becoming a method call).
    pub fn is_import_originated(&self, e: &Expr) -> bool {
        let Expr::Name(n) = e else { return false };
        self.table.scopes[0]
            .flags
            .get(n.id.as_str())
            .is_some_and(|f| f & symtable::def::IMPORT != 0)
    }

    /// Compiles a module or class body (CPython's `compiler_body`): `SETUP_ANNOTATIONS` when
    /// anything is annotated, then the docstring, then the statements.
    pub fn body(&mut self, stmts: &'a [Stmt]) -> CResult {
        if self.unit_ref().scope_type == ScopeType::Module
            && let Some(first) = stmts.first()
        {
            self.set_loc(first.range());
        }
        if stmt::find_ann(stmts) {
            self.addop(Opcode::SETUP_ANNOTATIONS);
        }
        let mut rest = stmts;
        if let Some(Stmt::Expr(e)) = stmts.first()
            && docstring(stmts).is_some()
        {
            self.visit_expr(&e.value)?;
            self.unset_loc();
            self.name_op("__doc__", NameCtx::Store);
            rest = &stmts[1..];
        }
        for s in rest {
            self.visit_stmt(s)?;
        }
        Ok(())
    }

    /// An annotation's value: the expression, or its text under `from __future__ import
    /// annotations` (loaded at the current location).
    pub fn annotation_value(&mut self, e: &'a Expr) -> CResult {
        if self.future_annotations {
            let text = crate::unparse::annotation(e, self.source);
            self.load_const(Constant::Str(Rc::from(text.as_str())));
            return Ok(());
        }
        match e {
            Expr::Starred(s) => {
                self.visit_expr(&s.value)?;
                self.addop_i(Opcode::UNPACK_SEQUENCE, 1);
                Ok(())
            }
            other => self.visit_expr(other),
        }
    }

    pub fn error(&self, msg: impl Into<String>, range: TextRange) -> CompileError {
        CompileError::new(msg.into(), range)
    }
}

/// The `co_flags` a scope starts with.
fn code_flags(sym: &symtable::Scope) -> u32 {
    let mut f = 0;
    if sym.is_function_like() {
        f |= flags::OPTIMIZED | flags::NEWLOCALS;
        if sym.has_varargs {
            f |= flags::VARARGS;
        }
        if sym.has_varkw {
            f |= flags::VARKEYWORDS;
        }
        if sym.is_generator && sym.is_coroutine {
            f |= flags::ASYNC_GENERATOR;
        } else if sym.is_generator {
            f |= flags::GENERATOR;
        } else if sym.is_coroutine {
            f |= flags::COROUTINE;
        }
        if sym.nested {
            f |= flags::NESTED;
        }
    }
    f
}

/// The docstring of a body, if its first statement is a plain string literal.
pub fn docstring(body: &[Stmt]) -> Option<String> {
    match body.first()? {
        Stmt::Expr(e) => match &*e.value {
            Expr::StringLiteral(s) => Some(s.value.to_str().to_string()),
            _ => None,
        },
        _ => None,
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameCtx {
    Load,
    Store,
    Del,
}
