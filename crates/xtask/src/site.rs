//! Builds the release site into `dist/` with Trunk, and checks what it produced.

use std::fs;
use std::path::PathBuf;
use std::process::Command;

use crate::shell::{Result, cargo_bin, root, run, tool_path};

/// The page's own wasm must stay small: the interpreter (with the ~1 MB parser) belongs in the
/// worker only. The page is ~0.4 MB today; the parser alone would add about 1.1 MB.
const PAGE_WASM_LIMIT: u64 = 700_000;

/// The release site's folder.
pub fn dist() -> PathBuf {
    root().join("dist")
}

fn trunk() -> Command {
    let installed = cargo_bin().join("trunk");
    Command::new(if installed.exists() {
        installed.into_os_string()
    } else {
        "trunk".into()
    })
}

/// Builds the release site into `dist/` (Trunk with the size-optimised `web` profile, the
/// CodeMirror bundle from the pre-build hook, and wasm-opt from npm).
pub fn build() -> Result<()> {
    let mut cmd = trunk();
    cmd.args(["build", "--release", "--locked"])
        .current_dir(root())
        .env("PATH", tool_path()?);
    run(&mut cmd)?;
    check()
}

/// Lists the built files and fails if the page's wasm grew past [`PAGE_WASM_LIMIT`].
fn check() -> Result<()> {
    let mut files: Vec<(String, u64)> = fs::read_dir(dist())
        .map_err(|e| format!("dist/: {e}"))?
        .flatten()
        .filter_map(|e| {
            Some((
                e.file_name().to_string_lossy().into_owned(),
                e.metadata().ok()?.len(),
            ))
        })
        .collect();
    files.sort();
    for (name, size) in &files {
        eprintln!("  dist/{name:<44} {size:>10} bytes");
    }
    let page = files
        .iter()
        .find(|(n, _)| n.starts_with("pyscope-web") && n.ends_with(".wasm"));
    let Some((name, size)) = page else {
        return Err("dist/ has no pyscope-web wasm module".into());
    };
    if !files.iter().any(|(n, _)| n == "worker_bg.wasm")
        || !files.iter().any(|(n, _)| n == "editor.js")
    {
        return Err("dist/ lacks worker_bg.wasm or editor.js".into());
    }
    if *size > PAGE_WASM_LIMIT {
        return Err(format!(
            "dist/{name} is {size} bytes (limit {PAGE_WASM_LIMIT}): does the page link the interpreter? Only the worker may."
        ));
    }
    Ok(())
}
