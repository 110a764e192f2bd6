//! Name resolution (CPython's `analyze_block`): decides for every name of every scope whether
//! it is local, global, free or a cell, walking the scopes top-down with the names the
//! enclosing functions bind.

use std::collections::HashSet;

use super::{Binding, ScopeKind, SymbolTable, def};
use crate::error::CompileError;

/// Resolves bindings for every scope.
pub fn analyze(table: &mut SymbolTable) -> Result<(), CompileError> {
    let mut free = HashSet::new();
    analyze_block(table, 0, &HashSet::new(), &HashSet::new(), &mut free)
}

/// The names a scope binds locally and those it uses freely, from its own flags.
struct Own {
    local: HashSet<String>,
    free: HashSet<String>,
    global: HashSet<String>,
}

fn analyze_block(
    table: &mut SymbolTable,
    id: usize,
    bound: &HashSet<String>,
    global: &HashSet<String>,
    free_out: &mut HashSet<String>,
) -> Result<(), CompileError> {
    let own = bind_names(table, id, bound, global)?;
    let kind = table.scopes[id].kind;
    let is_function = table.scopes[id].is_function_like();
    // Names visible to nested function scopes.
    let mut newbound = if kind == ScopeKind::Module {
        HashSet::new()
    } else {
        bound.clone()
    };
    let mut newglobal = own.global.clone();
    if is_function {
        newbound.extend(own.local.iter().cloned());
        for l in &own.local {
            newglobal.remove(l);
        }
    }
    if kind == ScopeKind::Class {
        newbound.insert("__class__".into());
    }
    let mut child_free = HashSet::new();
    for child in table.scopes[id].children.clone() {
        let mut cf = HashSet::new();
        analyze_block(table, child, &newbound, &newglobal, &mut cf)?;
        child_free.extend(cf);
    }
    if is_function {
        // Locals captured by nested scopes become cells.
        for name in &own.local {
            if child_free.remove(name) {
                table.scopes[id]
                    .bindings
                    .insert(name.clone(), Binding::Cell);
            }
        }
    } else if kind == ScopeKind::Class && child_free.remove("__class__") {
        table.scopes[id].needs_class_closure = true;
    }
    pass_through_free(table, id, &child_free);
    let mut free = own.free;
    if kind != ScopeKind::Module {
        free.extend(child_free);
    }
    free_out.extend(free);
    Ok(())
}

/// Classifies the names a scope mentions itself.
fn bind_names(
    table: &mut SymbolTable,
    id: usize,
    bound: &HashSet<String>,
    global: &HashSet<String>,
) -> Result<Own, CompileError> {
    let mut own = Own {
        local: HashSet::new(),
        free: HashSet::new(),
        global: global.clone(),
    };
    for name in table.scopes[id].names.clone() {
        let flags = table.scopes[id].flags[&name];
        let binding = if flags & def::GLOBAL != 0 {
            own.global.insert(name.clone());
            Binding::GlobalExplicit
        } else if flags & def::NONLOCAL != 0 {
            if !bound.contains(&name) {
                return Err(CompileError::new(
                    format!("no binding for nonlocal '{name}' found"),
                    table.scopes[id].range,
                ));
            }
            own.free.insert(name.clone());
            Binding::Free
        } else if flags & def::BOUND != 0 {
            own.local.insert(name.clone());
            own.global.remove(&name);
            Binding::Local
        } else if bound.contains(&name) {
            own.free.insert(name.clone());
            Binding::Free
        } else {
            Binding::GlobalImplicit
        };
        table.scopes[id].bindings.insert(name, binding);
    }
    Ok(own)
}

/// Free variables of children that this scope does not bind pass through it.
fn pass_through_free(table: &mut SymbolTable, id: usize, child_free: &HashSet<String>) {
    let kind = table.scopes[id].kind;
    for name in child_free {
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
}
