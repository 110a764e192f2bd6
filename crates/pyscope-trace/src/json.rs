//! JSON encoding of trace data (the schema is documented in `docs/trace-format.md`).

use serde::Serialize;

/// Compact JSON for any trace value.
pub fn to_string<T: Serialize>(value: &T) -> String {
    match serde_json::to_string(value) {
        Ok(s) => s,
        Err(e) => format!("{{\"error\":{:?}}}", e.to_string()),
    }
}

/// Indented JSON for any trace value.
pub fn to_string_pretty<T: Serialize>(value: &T) -> String {
    match serde_json::to_string_pretty(value) {
        Ok(s) => s,
        Err(e) => format!("{{\"error\":{:?}}}", e.to_string()),
    }
}
