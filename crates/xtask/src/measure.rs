//! `cargo xtask measure`: the figures the README quotes, measured on the release site.
//!
//! It builds `dist/`, prints the gzipped sizes of the page (HTML, JS, CSS and its wasm) and of
//! the worker (loader, glue and the interpreter's wasm), then runs the timing specs in
//! `tests/e2e/measure/` in headless Chromium against `dist/` served on 127.0.0.1, which print
//! the time to the first diagram and the edit-to-redraw time. It is not part of `test`.

use std::fs;
use std::process::Command;

use crate::shell::{Result, e2e, run};
use crate::{server, site, tools};

/// The README's targets, in bytes.
const PAGE_TARGET: u64 = 300 * 1024;
const WORKER_TARGET: u64 = 700 * 1024;

/// The gzip -9 size of a file.
fn gzipped(path: &std::path::Path) -> Result<u64> {
    let out = Command::new("gzip")
        .args(["-9", "-c"])
        .arg(path)
        .output()
        .map_err(|e| format!("gzip: {e}"))?;
    if !out.status.success() {
        return Err(format!("gzip failed on {}", path.display()));
    }
    Ok(out.stdout.len() as u64)
}

/// Whether a file of `dist/` belongs to the worker rather than the page.
fn is_worker(name: &str) -> bool {
    name.starts_with("worker")
}

fn sizes() -> Result<()> {
    let mut files: Vec<String> = fs::read_dir(site::dist())
        .map_err(|e| format!("dist/: {e}"))?
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let (mut page, mut worker) = (0, 0);
    println!("{:<44} {:>10} {:>10}", "dist/ file", "bytes", "gzip -9");
    for name in &files {
        let path = site::dist().join(name);
        let raw = fs::metadata(&path).map_err(|e| e.to_string())?.len();
        let gz = gzipped(&path)?;
        println!("{name:<44} {raw:>10} {gz:>10}");
        if is_worker(name) {
            worker += gz;
        } else {
            page += gz;
        }
    }
    let kb = |b: u64| b as f64 / 1024.0;
    println!(
        "MEASURE page-gzip {:.1} KB (target <= {:.0} KB)",
        kb(page),
        kb(PAGE_TARGET)
    );
    println!(
        "MEASURE worker-gzip {:.1} KB (target <= {:.0} KB)",
        kb(worker),
        kb(WORKER_TARGET)
    );
    Ok(())
}

/// Builds the site, prints its sizes, then runs the timing specs.
pub fn measure() -> Result<()> {
    tools::ensure_test_tools()?;
    site::build()?;
    sizes()?;
    let server = server::start(&site::dist(), 0)?;
    let playwright = e2e().join("node_modules").join(".bin").join("playwright");
    run(Command::new(playwright)
        .args(["test", "--config", "playwright.measure.config.mjs"])
        .current_dir(e2e())
        .env("BASE_URL", format!("http://127.0.0.1:{}", server.port))
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1"))
}
