//! The Pyscope virtual machine: a CPython 3.11-faithful interpreter whose heap, frames and
//! internal tables can be observed, recorded step by step and rebuilt at any step.

pub mod attr;
pub mod attr_builtin;
pub mod audit;
pub mod boot;
pub mod builtins;
pub mod dict;
pub mod dictops;
pub mod exceptions;
pub mod extra;
pub mod format;
pub mod frame;
pub mod hash;
pub mod heap;
pub mod import;
pub mod interp;
pub mod iter;
pub mod list;
pub mod numbers;
pub mod object;
pub mod ops;
pub mod record;
pub mod repr;
pub mod run;
pub mod set;
pub mod sizeof;
pub mod stdlib;
pub mod strformat;
pub mod subscript;
pub mod sysmod;
pub mod types;
pub mod view;
pub mod vm;

pub use boot::Config;
pub use record::Recorder;
pub use vm::{HaltReason, Limits, SourceText, Vm};
