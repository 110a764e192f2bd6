//! Running external commands with a readable log line, and the paths the tasks share.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Errors are messages for a person; every task reports them and exits non-zero.
pub type Result<T> = std::result::Result<T, String>;

/// The repository root (two levels above this crate).
pub fn root() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.ancestors().nth(2).unwrap_or(here).to_path_buf()
}

/// The folder of the page's JavaScript tools (CodeMirror, esbuild, binaryen).
pub fn web_js() -> PathBuf {
    root().join("web")
}

/// The folder of the Playwright end-to-end tests.
pub fn e2e() -> PathBuf {
    root().join("tests").join("e2e")
}

/// The cargo that runs this task, so nested builds use the same toolchain.
pub fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// Where `cargo install` puts binaries.
pub fn cargo_bin() -> PathBuf {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from(".cargo"));
    home.join("bin")
}

/// A PATH with npm's tool folder of `web/` and cargo's bin folder first, so Trunk finds
/// wasm-opt 132 from npm rather than an older system one, and freshly installed tools.
pub fn tool_path() -> Result<OsString> {
    let mut dirs = vec![web_js().join("node_modules").join(".bin"), cargo_bin()];
    if let Some(old) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&old));
    }
    std::env::join_paths(dirs).map_err(|e| format!("cannot build PATH: {e}"))
}

fn describe(cmd: &Command) -> String {
    let mut words = vec![cmd.get_program().to_string_lossy().into_owned()];
    words.extend(cmd.get_args().map(|a| a.to_string_lossy().into_owned()));
    let line = words.join(" ");
    match cmd.get_current_dir() {
        Some(dir) => format!("{line}   (in {})", dir.display()),
        None => line,
    }
}

/// Runs `cmd` with inherited output; fails unless it exits with status 0.
pub fn run(cmd: &mut Command) -> Result<()> {
    let line = describe(cmd);
    eprintln!("$ {line}");
    let status = cmd
        .status()
        .map_err(|e| format!("cannot start `{line}`: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{line}` failed ({status})"))
    }
}

/// Runs `cmd` quietly and returns its trimmed stdout, or `None` if it cannot run or fails.
pub fn output(cmd: &mut Command) -> Option<String> {
    let out = cmd.stderr(Stdio::null()).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}
