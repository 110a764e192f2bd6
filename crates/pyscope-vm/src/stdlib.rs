//! The standard library Pyscope ships: modules implemented natively (`sys` and `builtins`
//! are created at boot) and modules written in Python, compiled from embedded source the
//! first time they are imported.

use crate::object::*;
use crate::vm::Vm;

/// Python source of a library module written in Python, if Pyscope has one.
pub fn python_source(name: &str) -> Option<&'static str> {
    let _ = name;
    None
}

impl Vm {
    /// Creates a natively implemented library module, or `None` when `name` is not one.
    pub(crate) fn native_module(&mut self, name: &str) -> PyResult<Option<ObjRef>> {
        let _ = name;
        Ok(None)
    }
}
