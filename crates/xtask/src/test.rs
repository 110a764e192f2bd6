//! `cargo xtask test`: every check CI runs, in order, each timed, with a summary table.

use std::fs;
use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

use crate::shell::{Result, cargo, e2e, root, run, tool_path};
use crate::{server, site, tools};

/// The crates that are built for the browser.
const WEB_CRATES: [&str; 3] = ["pyscope-web", "pyscope-worker", "pyscope-protocol"];
/// The crates with wasm-bindgen tests.
const WASM_TEST_CRATES: [&str; 1] = ["pyscope-protocol"];
/// Packages the page must never depend on: they would pull the interpreter into its wasm.
const NOT_IN_PAGE: [&str; 4] = [
    "pyscope",
    "pyscope-compiler",
    "pyscope-vm",
    "ruff_python_parser",
];

enum Status {
    Passed,
    Failed,
    /// Ran, and its result is only reported (it does not fail the run yet).
    Reported(String),
    Skipped(String),
}

/// The steps run so far, with their wall times.
#[derive(Default)]
struct Log {
    rows: Vec<(String, f64, Status)>,
}

impl Log {
    /// Runs a gating step; its failure stops the run.
    fn step(&mut self, name: &str, f: impl FnOnce() -> Result<()>) -> Result<()> {
        eprintln!("\n== {name}");
        let start = Instant::now();
        let result = f();
        let secs = start.elapsed().as_secs_f64();
        let status = if result.is_ok() {
            Status::Passed
        } else {
            Status::Failed
        };
        eprintln!(
            "-- {name}: {} in {secs:.1} s",
            if result.is_ok() { "ok" } else { "FAILED" }
        );
        self.rows.push((name.to_string(), secs, status));
        result.map_err(|e| format!("{name}: {e}"))
    }

    /// Runs a step whose outcome is reported but does not gate.
    fn report(&mut self, name: &str, f: impl FnOnce() -> Status) {
        eprintln!("\n== {name}");
        let start = Instant::now();
        let status = f();
        let secs = start.elapsed().as_secs_f64();
        eprintln!("-- {name}: done in {secs:.1} s");
        self.rows.push((name.to_string(), secs, status));
    }

    fn print(&self) {
        println!("\n{:<44} {:>9}  result", "step", "seconds");
        println!("{}", "-".repeat(72));
        let (mut passed, mut failed, mut other) = (0, 0, 0);
        for (name, secs, status) in &self.rows {
            let text = match status {
                Status::Passed => {
                    passed += 1;
                    "ok".to_string()
                }
                Status::Failed => {
                    failed += 1;
                    "FAILED".to_string()
                }
                Status::Reported(s) => {
                    other += 1;
                    format!("reported: {s}")
                }
                Status::Skipped(s) => {
                    other += 1;
                    format!("skipped: {s}")
                }
            };
            println!("{name:<44} {secs:>9.1}  {text}");
        }
        let total: f64 = self.rows.iter().map(|r| r.1).sum();
        println!("{}", "-".repeat(72));
        println!("{:<44} {total:>9.1}", "total");
        println!("xtask: {passed} passed, {failed} failed, {other} skipped");
    }
}

/// Runs every check; prints the table whatever happens.
pub fn test() -> Result<()> {
    let mut log = Log::default();
    let result = checks(&mut log);
    log.print();
    result
}

fn checks(log: &mut Log) -> Result<()> {
    log.step("install missing tools", tools::ensure_test_tools)?;
    log.step("cargo fmt --check", || {
        run(cargo().args(["fmt", "--all", "--check"]))
    })?;
    log.step("cargo clippy (native)", || {
        run(cargo().args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--locked",
            "--",
            "-D",
            "warnings",
        ]))
    })?;
    log.step("cargo clippy (wasm32 web crates)", || {
        let mut cmd = cargo();
        cmd.args([
            "clippy",
            "--target",
            "wasm32-unknown-unknown",
            "--all-targets",
            "--locked",
        ]);
        for c in WEB_CRATES {
            cmd.args(["-p", c]);
        }
        run(cmd.args(["--", "-D", "warnings"]))
    })?;
    log.step("cargo test (native)", || {
        run(cargo().args(["test", "--workspace", "--locked"]))
    })?;
    log.step("page does not link the interpreter", page_deps)?;
    log.step("build pyscope CLI (release)", || {
        run(cargo().args(["build", "--release", "-p", "pyscope-cli", "--locked"]))
    })?;
    log.report("conformance (reported, not gating)", conformance);
    log.step("wasm tests (wasm-bindgen-test, node)", wasm_tests)?;
    log.step("web release build (dist/)", site::build)?;
    log.step("end-to-end tests (Playwright, Chromium)", end_to_end)?;
    Ok(())
}

fn page_deps() -> Result<()> {
    let out = cargo()
        .args([
            "tree",
            "-p",
            "pyscope-web",
            "-e",
            "normal",
            "--prefix",
            "none",
            "--locked",
        ])
        .args(["--target", "wasm32-unknown-unknown"])
        .output()
        .map_err(|e| format!("cargo tree: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "cargo tree failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let bad: Vec<&str> = text
        .lines()
        .filter(|l| NOT_IN_PAGE.iter().any(|p| l.split(' ').next() == Some(*p)))
        .collect();
    if bad.is_empty() {
        eprintln!("pyscope-web depends on none of {NOT_IN_PAGE:?}");
        Ok(())
    } else {
        Err(format!("the page depends on the interpreter: {bad:?}"))
    }
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root().join("target"), PathBuf::from)
}

/// Runs the shared conformance programs against `target/release/pyscope run`.
fn conformance() -> Status {
    let Some(shared) = root().parent().map(|p| p.join("shared")) else {
        return Status::Skipped("no parent folder".into());
    };
    let script = shared.join("conformance").join("run.sh");
    if !script.exists() {
        return Status::Skipped(format!(
            "{} is absent (a plain clone has no ../shared)",
            script.display()
        ));
    }
    let interpreter = format!(
        "{} run",
        target_dir().join("release").join("pyscope").display()
    );
    let out = match Command::new("bash").arg(&script).arg(&interpreter).output() {
        Ok(o) => o,
        Err(e) => return Status::Reported(format!("could not run: {e}")),
    };
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let details = target_dir().join("conformance.txt");
    let _ = fs::write(&details, &text);
    for line in text
        .lines()
        .filter(|l| l.trim_end().ends_with(" passed") && l.contains('/'))
    {
        eprintln!("  {line}");
    }
    let last = text
        .lines()
        .rev()
        .find(|l| l.contains(" passed, "))
        .unwrap_or("no summary line");
    let counts: Vec<u64> = last
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|w| w.parse().ok())
        .collect();
    let summary = match counts[..] {
        [pass, fail] => format!("{pass} of {} programs match CPython", pass + fail),
        _ => last.to_string(),
    };
    eprintln!("  conformance: {summary} (details: {})", details.display());
    Status::Reported(summary)
}

fn wasm_tests() -> Result<()> {
    // No `-q`: cargo would pass `--quiet` on to wasm-bindgen-test-runner, which rejects it.
    let mut cmd = cargo();
    cmd.args(["test", "--target", "wasm32-unknown-unknown", "--locked"]);
    for c in WASM_TEST_CRATES {
        cmd.args(["-p", c]);
    }
    run(cmd
        .env(
            "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
            "wasm-bindgen-test-runner",
        )
        .env("PATH", tool_path()?))
}

fn end_to_end() -> Result<()> {
    let server = server::start(&site::dist(), 0)?;
    let base = format!("http://127.0.0.1:{}", server.port);
    eprintln!("serving dist/ at {base}");
    let playwright = e2e().join("node_modules").join(".bin").join("playwright");
    run(Command::new(playwright)
        .arg("test")
        .current_dir(e2e())
        .env("BASE_URL", &base)
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
        .env("SCREENSHOTS", target_dir().join("e2e")))
}
