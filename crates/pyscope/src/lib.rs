//! The one door into Pyscope for the CLI and the web worker: run a program as `python3`
//! would, or record it in slices and ask for the state at any step. Nothing above this
//! crate sees the VM's internals; everything it hands out is plain trace data.

mod clock;
mod replay;
mod session;

pub use pyscope_compiler::{CompileError, Mode, compile, dis};
pub use pyscope_trace as trace;
pub use pyscope_vm::Limits;
pub use session::{Program, Session};

use pyscope_trace::{Outcome, SourceFile};
use pyscope_vm::{Config, SourceText, Vm};

/// How the CLI's `run` sets up a program that reads and writes the real process streams.
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    /// `sys.argv`, the script's path first.
    pub argv: Vec<String>,
    /// Folders searched for imports (the script's folder first).
    pub search_path: Vec<String>,
}

/// Runs a program to the end without recording, streaming its output to the process's
/// stdout and stderr and reading `input()` from stdin, as `python3 FILE` does. Only the
/// recursion limit applies. Returns the exit status.
pub fn run_streaming(file: &SourceFile, options: RunOptions) -> i32 {
    let limits = Limits {
        max_steps: u64::MAX,
        max_heap_objects: u64::MAX,
        max_output_bytes: u64::MAX,
        ..Limits::default()
    };
    let config = Config {
        limits,
        stream_output: true,
        stdin_live: true,
        filesystem: true,
        argv: options.argv,
        files: vec![SourceText {
            name: file.name.clone(),
            text: file.text.as_str().into(),
        }],
        search_path: options.search_path,
        inputs: Vec::new(),
    };
    let mut vm = Vm::new(config);
    let mut outcome = vm.start_main(&file.name, &file.text);
    while outcome == Outcome::Running {
        outcome = vm.resume(u64::MAX);
    }
    exit_status(&outcome)
}

/// The text `python3` prints when `source` does not compile.
pub fn syntax_error_text(err: &CompileError, filename: &str, source: &str) -> String {
    let mut vm = Vm::new(Config::default());
    vm.format_compile_error(err, filename, source)
        .trim_end()
        .to_string()
}

/// The process exit status an outcome corresponds to.
pub fn exit_status(outcome: &Outcome) -> i32 {
    match outcome {
        Outcome::Finished { exit_status } | Outcome::Exception { exit_status, .. } => *exit_status,
        Outcome::Running => 0,
        Outcome::SyntaxError { .. }
        | Outcome::Limit { .. }
        | Outcome::Stopped
        | Outcome::WaitingForInput { .. } => 1,
    }
}
