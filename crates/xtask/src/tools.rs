//! Installs what the build and the tests need, each only when missing or at the wrong version.
//!
//! Everything comes from the package registries: rustup for the wasm target, crates.io for
//! Trunk and wasm-bindgen, npm for JavaScript tools, Debian's apt for Chromium. Nothing
//! downloads a browser or a prebuilt binary from elsewhere.

use std::fs;
use std::path::Path;
use std::process::Command;

use crate::shell::{Result, cargo, cargo_bin, e2e, output, run, web_js};

/// Must match `[tools] wasm_bindgen` in Trunk.toml and the `=0.2.130` pin in Cargo.toml.
pub const WASM_BINDGEN: &str = "0.2.130";
/// Trunk 0.22 needs a newer rustc than the one this project pins.
pub const TRUNK: &str = "0.21.14";
const WASM_TARGET: &str = "wasm32-unknown-unknown";
const CHROMIUM: &str = "/usr/bin/chromium";

/// The version a tool prints (`trunk 0.21.14` → `0.21.14`), if it runs.
fn version_of(tool: &str) -> Option<String> {
    let path = cargo_bin().join(tool);
    let program = if path.exists() {
        path.into_os_string()
    } else {
        tool.into()
    };
    let out = output(Command::new(program).arg("--version"))?;
    out.split_whitespace().nth(1).map(str::to_string)
}

fn ensure_wasm_target() -> Result<()> {
    let installed =
        output(Command::new("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    if installed.lines().any(|l| l.trim() == WASM_TARGET) {
        return Ok(());
    }
    run(Command::new("rustup").args(["target", "add", WASM_TARGET]))
}

fn ensure_cargo_tool(binary: &str, krate: &str, version: &str, locked: bool) -> Result<()> {
    if version_of(binary).as_deref() == Some(version) {
        return Ok(());
    }
    let mut cmd = cargo();
    cmd.args(["install", krate, "--version", version]);
    if locked {
        cmd.arg("--locked");
    }
    run(&mut cmd)
}

/// Runs `npm ci` in `dir` unless its installed tree already matches its lockfile.
pub fn ensure_npm(dir: &Path) -> Result<()> {
    let lock =
        fs::read(dir.join("package-lock.json")).map_err(|e| format!("{}: {e}", dir.display()))?;
    let stamp = dir.join("node_modules").join(".pyscope-lock-stamp");
    if fs::read(&stamp).is_ok_and(|s| s == lock) {
        return Ok(());
    }
    run(Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(dir)
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1"))?;
    fs::write(&stamp, lock).map_err(|e| format!("{}: {e}", stamp.display()))
}

/// Installs Debian's Chromium and its WebDriver when Chromium is absent.
fn ensure_chromium() -> Result<()> {
    if Path::new(CHROMIUM).exists() {
        return Ok(());
    }
    let is_root = output(Command::new("id").arg("-u")).as_deref() == Some("0");
    let apt = |args: &[&str]| {
        let mut cmd = if is_root {
            Command::new("apt-get")
        } else {
            Command::new("sudo")
        };
        if !is_root {
            cmd.arg("apt-get");
        }
        cmd.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        run(&mut cmd)
    };
    apt(&["update"])?;
    apt(&["install", "-y", "chromium", "chromium-driver"])
}

/// What `serve` and `dist` need: the wasm target, Trunk, wasm-bindgen and the page's npm tools.
pub fn ensure_build_tools() -> Result<()> {
    ensure_wasm_target()?;
    ensure_cargo_tool("trunk", "trunk", TRUNK, true)?;
    // `--locked` fails for this version: its lockfile names a webpki-roots release that the
    // registry does not have, so let cargo resolve the dependencies afresh.
    ensure_cargo_tool("wasm-bindgen", "wasm-bindgen-cli", WASM_BINDGEN, false)?;
    ensure_npm(&web_js())
}

/// What `test` needs beyond the build tools: Chromium and the end-to-end test packages.
pub fn ensure_test_tools() -> Result<()> {
    ensure_build_tools()?;
    ensure_chromium()?;
    ensure_npm(&e2e())
}
