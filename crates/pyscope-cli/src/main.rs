//! The `pyscope` command: `run` a file as `python3` would, `trace` it (JSON, Python Tutor
//! format, readable text, one step, or a summary), or `dis` it as `python3 -m dis` does.

mod trace_cmd;

use std::path::Path;
use std::process::ExitCode;

use pyscope::trace::SourceFile;

const USAGE: &str = "\
usage: pyscope run FILE [ARG...]
       pyscope trace FILE [--format json|pytutor|text] [--at N] [--summary] [--max-steps N]
       pyscope dis [--positions] FILE

  run     run FILE as python3 would (output streamed, input() reads stdin)
  trace   record every instruction of FILE and print the trace
  dis     disassemble FILE as `python3 -m dis` does";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let code = match args.first().map(String::as_str) {
        Some("run") if args.len() >= 2 => run(&args[1], &args[2..]),
        Some("trace") if args.len() >= 2 => trace_cmd::trace(&args[1], &args[2..]),
        Some("dis") if args.len() == 2 => dis(&args[1], false),
        Some("dis") if args.len() == 3 && args[1] == "--positions" => dis(&args[2], true),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            0
        }
        Some("-V" | "--version") => {
            println!("pyscope {} (Python 3.11)", env!("CARGO_PKG_VERSION"));
            0
        }
        _ => {
            eprintln!("{USAGE}");
            2
        }
    };
    ExitCode::from(code.clamp(0, 255) as u8)
}

/// Reads a source file the way `python3 FILE` names it: by its absolute path.
pub(crate) fn read_source(path: &str) -> Result<SourceFile, i32> {
    let abs = std::fs::canonicalize(path)
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_else(|_| path.to_string());
    match std::fs::read(path) {
        Ok(bytes) => {
            let text = String::from_utf8_lossy(&bytes).into_owned();
            Ok(SourceFile { name: abs, text })
        }
        Err(e) => {
            let errno = e.raw_os_error().unwrap_or(2);
            eprintln!(
                "pyscope: can't open file '{abs}': [Errno {errno}] {}",
                describe(&e)
            );
            Err(2)
        }
    }
}

fn describe(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "No such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "Permission denied".into(),
        _ => e.to_string(),
    }
}

/// The folder of a script, which `python3` puts first on `sys.path`.
pub(crate) fn script_dir(abs: &str) -> String {
    Path::new(abs)
        .parent()
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn run(path: &str, rest: &[String]) -> i32 {
    let file = match read_source(path) {
        Ok(f) => f,
        Err(code) => return code,
    };
    let mut argv = vec![path.to_string()];
    argv.extend(rest.iter().cloned());
    let search_path = vec![script_dir(&file.name)];
    pyscope::run_streaming(&file, pyscope::RunOptions { argv, search_path })
}

fn dis(path: &str, positions: bool) -> i32 {
    let file = match read_source(path) {
        Ok(f) => f,
        Err(code) => return code,
    };
    // `python3 -m dis FILE` names code objects after FILE as given, not its absolute path.
    match pyscope::compile(&file.text, path, pyscope::Mode::Exec) {
        Ok(code) if positions => {
            print!("{}", pyscope::dis::positions(&code));
            0
        }
        Ok(code) => {
            print!("{}", pyscope::dis::disassemble(&code));
            0
        }
        Err(e) => {
            eprintln!("{}", pyscope::syntax_error_text(&e, &file.name, &file.text));
            1
        }
    }
}
