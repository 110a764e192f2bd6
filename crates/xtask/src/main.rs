//! Project automation for Pyscope, run as `cargo xtask <command>` (see `.cargo/config.toml`).
//!
//! - `serve [--port N]`: install missing tools, build the release site, serve it on
//!   http://127.0.0.1:8080 (or port N) until interrupted.
//! - `dist`: install missing tools and build the release site into `dist/`.
//! - `test`: install missing tools (including Chromium), then run every check CI runs.
//! - `measure`: build the release site and print its gzipped sizes and browser timings
//!   (the README's figures; not part of `test`).
//!
//! The tasks only use the standard library: they start cargo, rustup, npm, apt-get, Trunk and
//! Playwright as processes.

mod measure;
mod server;
mod shell;
mod site;
mod test;
mod tools;

use std::process::ExitCode;

use shell::Result;

const USAGE: &str = "usage: cargo xtask <command>

commands:
  serve [--port N]   build the release site and serve it on http://127.0.0.1:8080 (or port N)
  dist               build the release site into dist/
  test               run every check: fmt, clippy, native and wasm tests, conformance
                     (reported), the release web build and the browser end-to-end tests
  measure            build the release site, print its gzipped sizes and browser timings";

fn serve(args: &[String]) -> Result<()> {
    let port = match args {
        [] => 8080,
        [flag, n] if flag == "--port" => n.parse().map_err(|_| format!("bad port: {n}"))?,
        _ => return Err(USAGE.to_string()),
    };
    tools::ensure_build_tools()?;
    site::build()?;
    let server = server::start(&site::dist(), port)?;
    println!(
        "Pyscope is served at http://127.0.0.1:{}/ (Ctrl+C stops it)",
        server.port
    );
    loop {
        std::thread::park();
    }
}

fn dispatch(args: &[String]) -> Result<()> {
    match args {
        [cmd, rest @ ..] if cmd == "serve" => serve(rest),
        [cmd] if cmd == "dist" => {
            tools::ensure_build_tools()?;
            site::build()
        }
        [cmd] if cmd == "test" => test::test(),
        [cmd] if cmd == "measure" => measure::measure(),
        _ => Err(USAGE.to_string()),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match dispatch(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}
