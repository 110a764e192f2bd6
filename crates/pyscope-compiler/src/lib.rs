//! The Pyscope compiler: Python 3.11 source in, CPython-shaped code objects out.
//!
//! `parse` wraps `ruff_python_parser` and rewords its errors as CPython does; `symtable`
//! classifies names; `codegen` emits bytecode per scope; `assemble` finishes code objects;
//! `dis` prints them like `python3 -m dis`.

mod assemble;
mod cfg;
pub mod code;
mod codegen;
pub mod dis;
pub mod error;
mod fold;
pub mod lines;
pub mod numeric;
pub mod opcode;
mod parse;
pub mod pyrepr;
mod scan;
mod sethash;
pub mod symtable;
pub mod unicode;
mod unparse;
mod visit;

use std::rc::Rc;

pub use code::{Anchor, CodeObject, Constant, ExceptionEntry, Position};
pub use error::{CompileError, ErrorKind, ErrorLocation};
pub use opcode::{Instr, Opcode};

/// How a piece of source is compiled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// A module or an `exec` string.
    Exec,
    /// A single expression, for `eval`.
    Eval,
    /// One interactive statement: expression values are printed.
    Single,
}

/// Parses and compiles `source`, reporting the first error as CPython would.
pub fn compile(source: &str, filename: &str, mode: Mode) -> Result<Rc<CodeObject>, CompileError> {
    match mode {
        Mode::Exec | Mode::Single => {
            let module = parse::parse_module(source)?;
            codegen::compile_module(source, filename, &module, mode == Mode::Single)
        }
        Mode::Eval => {
            let expr = parse::parse_expression(source)?;
            codegen::compile_expression(source, filename, &expr)
        }
    }
}
