//! Code generation: walks the AST with the symbol table and emits CPython 3.11-shaped bytecode,
//! one `Unit` per code object, then hands each unit to the assembler.

mod control;
mod expr;
mod func;
mod pattern;
mod stmt;

use std::collections::HashMap;
use std::rc::Rc;

use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::{Ranged, TextRange};

use crate::assemble;
use crate::code::{Anchor, CodeObject, Constant, flags};
use crate::error::{CompileError, ErrorKind};
use crate::lines::LineIndex;
use crate::opcode::Opcode;
use crate::symtable::{self, Binding, ScopeKind, SymbolTable};

/// The deepest expression or statement nesting the compiler accepts before raising
/// `RecursionError`, which keeps the native and the wasm stack safe.
const MAX_NESTING: usize = 400;

/// A jump target inside the unit being compiled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Label(pub u32);

/// An instruction before assembly: jump arguments are label numbers.
#[derive(Clone, Debug)]
pub struct PInstr {
    pub op: Opcode,
    pub arg: u32,
    pub range: TextRange,
    /// Whether the instruction has no source position of its own (CPython's artificial code).
    pub no_location: bool,
    pub anchor: Option<Anchor>,
}

/// What a `break`, `continue` or `return` must unwind (CPython's frame blocks).
#[derive(Clone, Debug)]
pub enum FBlock {
    WhileLoop { start: Label, end: Label },
    ForLoop { start: Label, end: Label },
    TryExcept,
    FinallyTry { body: Vec<Stmt> },
    FinallyEnd,
    With { range: TextRange, is_async: bool },
    HandlerCleanup { name: Option<String> },
    ExceptionHandler,
    PopValue,
}

/// One code object under construction.
pub struct Unit {
    pub scope: usize,
    pub kind: ScopeKind,
    pub name: String,
    pub qualname: String,
    pub instrs: Vec<PInstr>,
    pub labels: Vec<Option<u32>>,
    pub consts: Vec<Constant>,
    pub names: Vec<Rc<str>>,
    name_index: HashMap<String, u32>,
    pub varnames: Vec<String>,
    var_index: HashMap<String, u32>,
    pub cellvars: Vec<String>,
    pub freevars: Vec<String>,
    pub fblocks: Vec<FBlock>,
    pub loc: TextRange,
    /// Set by `unset_loc`: instructions get no line until the next node sets one.
    pub loc_unset: bool,
    pub anchor: Option<Anchor>,
    pub firstlineno: u32,
    pub argcount: u32,
    pub posonlyargcount: u32,
    pub kwonlyargcount: u32,
    pub flags: u32,
    /// The class whose body encloses this unit, for name mangling.
    pub private: Option<String>,
    /// Whether a `try`/`with` handler of this unit is being compiled (for `return` in finally).
    pub in_handler: usize,
}

/// The compiler state shared by all units of one module.
pub struct Compiler<'a> {
    pub source: std::marker::PhantomData<&'a str>,
    pub filename: Rc<str>,
    pub table: SymbolTable,
    pub lines: LineIndex,
    pub units: Vec<Unit>,
    pub nesting: usize,
    /// Set while compiling an interactive line: expression statements are printed.
    pub interactive: bool,
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
    let mut c = Compiler {
        source: std::marker::PhantomData,
        filename: Rc::from(filename),
        table,
        lines: LineIndex::new(source),
        units: Vec::new(),
        nesting: 0,
        interactive,
    };
    c.enter_unit(0, "<module>", "<module>", module.range, None);
    c.unit().firstlineno = 1;
    c.emit_at(Opcode::RESUME, 0, TextRange::default());
    if let Some(i) = c.unit().instrs.last_mut() {
        i.no_location = true;
    }
    if Compiler::needs_annotations(&module.body) {
        c.emit_at(Opcode::SETUP_ANNOTATIONS, 0, module.body[0].range());
    }
    c.body_with_docstring(&module.body, false)?;
    c.unset_loc();
    c.emit_const(Constant::None);
    c.emit(Opcode::RETURN_VALUE, 0);
    let unit = c.units.pop().expect("module unit");
    Ok(Rc::new(c.assemble_unit(unit)?))
}

/// Compiles a single expression (for `eval`).
pub fn compile_expression(source: &str, filename: &str, expr: &Expr) -> CResult<Rc<CodeObject>> {
    let module = ast::ModModule {
        range: expr.range(),
        node_index: Default::default(),
        body: Default::default(),
    };
    let table = symtable::build(&module)?;
    let mut c = Compiler {
        source: std::marker::PhantomData,
        filename: Rc::from(filename),
        table,
        lines: LineIndex::new(source),
        units: Vec::new(),
        nesting: 0,
        interactive: false,
    };
    // Expressions that create scopes need their own symbol table entries.
    let wrapper = ast::StmtExpr {
        range: expr.range(),
        node_index: Default::default(),
        value: Box::new(expr.clone()),
    };
    let module = ast::ModModule {
        range: expr.range(),
        node_index: Default::default(),
        body: vec![Stmt::Expr(wrapper)].into(),
    };
    c.table = symtable::build(&module)?;
    c.enter_unit(0, "<module>", "<module>", module.range, None);
    c.unit().firstlineno = 1;
    c.emit_at(Opcode::RESUME, 0, TextRange::default());
    let Stmt::Expr(e) = &module.body[0] else {
        unreachable!("built above")
    };
    c.expr(&e.value)?;
    c.emit(Opcode::RETURN_VALUE, 0);
    let unit = c.units.pop().expect("module unit");
    Ok(Rc::new(c.assemble_unit(unit)?))
}

impl<'a> Compiler<'a> {
    pub fn unit(&mut self) -> &mut Unit {
        self.units.last_mut().expect("a unit is always active")
    }

    pub fn unit_ref(&self) -> &Unit {
        self.units.last().expect("a unit is always active")
    }

    pub fn enter_unit(
        &mut self,
        scope: usize,
        name: &str,
        qualname: &str,
        range: TextRange,
        private: Option<String>,
    ) {
        let sym = &self.table.scopes[scope];
        let mut unit = Unit {
            scope,
            kind: sym.kind,
            name: name.to_string(),
            qualname: qualname.to_string(),
            instrs: Vec::new(),
            labels: Vec::new(),
            consts: Vec::new(),
            names: Vec::new(),
            name_index: HashMap::new(),
            varnames: Vec::new(),
            var_index: HashMap::new(),
            cellvars: sym.cellvars(),
            freevars: sym.freevars(),
            fblocks: Vec::new(),
            loc: range,
            loc_unset: false,
            anchor: None,
            firstlineno: self.lines.line_of(range.start()),
            argcount: 0,
            posonlyargcount: 0,
            kwonlyargcount: 0,
            flags: 0,
            private,
            in_handler: 0,
        };
        if sym.kind == ScopeKind::Class && sym.needs_class_closure {
            unit.cellvars = vec!["__class__".to_string()];
        }
        for p in &sym.params {
            let i = unit.varnames.len() as u32;
            unit.var_index.insert(p.clone(), i);
            unit.varnames.push(p.clone());
        }
        if sym.is_function_like() {
            unit.flags |= flags::OPTIMIZED | flags::NEWLOCALS;
            if sym.has_varargs {
                unit.flags |= flags::VARARGS;
            }
            if sym.has_varkw {
                unit.flags |= flags::VARKEYWORDS;
            }
            if sym.is_generator && sym.is_coroutine {
                unit.flags |= flags::ASYNC_GENERATOR;
            } else if sym.is_generator {
                unit.flags |= flags::GENERATOR;
            } else if sym.is_coroutine {
                unit.flags |= flags::COROUTINE;
            }
        }
        if sym.nested {
            unit.flags |= flags::NESTED;
        }
        self.units.push(unit);
    }

    /// Finishes the innermost unit and returns its code object.
    pub fn exit_unit(&mut self) -> CResult<Rc<CodeObject>> {
        let unit = self.units.pop().expect("unit to exit");
        Ok(Rc::new(self.assemble_unit(unit)?))
    }

    fn assemble_unit(&self, unit: Unit) -> CResult<CodeObject> {
        assemble::assemble(unit, &self.filename, &self.lines)
            .map_err(|msg| CompileError::new(msg, TextRange::default()))
    }

    // ----- emission -----

    pub fn emit(&mut self, op: Opcode, arg: u32) {
        let unit = self.unit();
        let instr = PInstr {
            op,
            arg,
            range: unit.loc,
            no_location: unit.loc_unset,
            anchor: unit.anchor,
        };
        unit.instrs.push(instr);
    }

    pub fn emit_at(&mut self, op: Opcode, arg: u32, range: TextRange) {
        let saved = (self.unit().loc, self.unit().loc_unset);
        self.unit().loc = range;
        self.unit().loc_unset = false;
        self.emit(op, arg);
        (self.unit().loc, self.unit().loc_unset) = saved;
    }

    /// Following instructions are artificial (CPython's `UNSET_LOC`) until a node sets a location.
    pub fn unset_loc(&mut self) {
        self.unit().loc_unset = true;
    }

    /// Emits an instruction that CPython gives no line number.
    pub fn emit_artificial(&mut self, op: Opcode, arg: u32) {
        self.emit(op, arg);
        if let Some(i) = self.unit().instrs.last_mut() {
            i.no_location = true;
        }
    }

    pub fn emit_jump(&mut self, op: Opcode, target: Label) {
        self.emit(op, target.0);
    }

    pub fn new_label(&mut self) -> Label {
        let unit = self.unit();
        unit.labels.push(None);
        Label(unit.labels.len() as u32 - 1)
    }

    pub fn bind(&mut self, label: Label) {
        let unit = self.unit();
        unit.labels[label.0 as usize] = Some(unit.instrs.len() as u32);
    }

    pub fn add_const(&mut self, c: Constant) -> u32 {
        let unit = self.unit();
        if let Some(i) = unit.consts.iter().position(|x| x.same(&c)) {
            return i as u32;
        }
        unit.consts.push(c);
        unit.consts.len() as u32 - 1
    }

    pub fn emit_const(&mut self, c: Constant) {
        let i = self.add_const(c);
        self.emit(Opcode::LOAD_CONST, i);
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

    /// Index of a cell or free variable in CPython's pre-fixup numbering (cells, then frees).
    fn deref_index(&self, name: &str) -> u32 {
        let unit = self.unit_ref();
        if let Some(i) = unit.cellvars.iter().position(|c| c == name) {
            return i as u32;
        }
        let i = unit.freevars.iter().position(|c| c == name).unwrap_or(0);
        (unit.cellvars.len() + i) as u32
    }

    /// Runs `f` with the current location set to `range`, as CPython's `SET_LOC` does.
    pub fn with_loc<T>(
        &mut self,
        range: TextRange,
        f: impl FnOnce(&mut Self) -> CResult<T>,
    ) -> CResult<T> {
        let saved = (self.unit().loc, self.unit().anchor, self.unit().loc_unset);
        self.unit().loc = range;
        self.unit().anchor = None;
        self.unit().loc_unset = false;
        let r = f(self);
        let unit = self.unit();
        unit.loc = saved.0;
        unit.anchor = saved.1;
        unit.loc_unset = saved.2;
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

    pub fn set_loc_last_stmt(&mut self, body: &[Stmt]) {
        if let Some(last) = body.last() {
            self.unit().loc = last_line_range(last);
            self.unit().loc_unset = false;
        }
    }

    // ----- names -----

    pub fn mangle(&self, name: &str) -> String {
        symtable::mangle(self.unit_ref().private.as_deref(), name)
    }

    pub fn scope_binding(&self, name: &str) -> Binding {
        self.table.scopes[self.unit_ref().scope].binding(name)
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
                let i = self.deref_index(&mangled);
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
        self.emit(op, arg);
    }

    /// Compiles a statement list whose first statement may be a docstring.
    pub fn body_with_docstring(&mut self, body: &[Stmt], is_function: bool) -> CResult {
        let mut rest = body;
        if let Some(doc) = docstring(body) {
            if !is_function {
                let first = &body[0];
                self.with_loc(first.range(), |c| {
                    c.emit_const(Constant::Str(Rc::from(doc.as_str())));
                    c.name_op("__doc__", NameCtx::Store);
                    Ok(())
                })?;
            }
            rest = &body[1..];
        }
        for s in rest {
            self.stmt(s)?;
        }
        Ok(())
    }

    pub fn error(&self, msg: impl Into<String>, range: TextRange) -> CompileError {
        CompileError::new(msg.into(), range)
    }
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

/// The range CPython attributes to the implicit `return None` after a body: the last line of
/// the last statement.
fn last_line_range(stmt: &Stmt) -> TextRange {
    match stmt {
        Stmt::If(i) => match i.elif_else_clauses.last() {
            Some(c) => c.body.last().map_or(stmt.range(), last_line_range),
            None => i.body.last().map_or(stmt.range(), last_line_range),
        },
        Stmt::For(f) => f
            .orelse
            .last()
            .or(f.body.last())
            .map_or(stmt.range(), last_line_range),
        Stmt::While(w) => w
            .orelse
            .last()
            .or(w.body.last())
            .map_or(stmt.range(), last_line_range),
        Stmt::With(w) => w.body.last().map_or(stmt.range(), last_line_range),
        Stmt::Try(t) => t
            .finalbody
            .last()
            .or(t.orelse.last())
            .or(t.body.last())
            .map_or(stmt.range(), last_line_range),
        _ => stmt.range(),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameCtx {
    Load,
    Store,
    Del,
}
