//! `pyscope trace`: records a file and prints its trace as JSON (see
//! `docs/trace-format.md`), Python Tutor's format, readable text, one state, or a summary.

use std::io::Write;

use pyscope::trace::{self, Outcome, State};
use pyscope::{Limits, Program, Session};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    PyTutor,
    Text,
}

struct Options {
    format: Format,
    at: Option<u64>,
    summary: bool,
    limits: Limits,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut o = Options {
        format: Format::Json,
        at: None,
        summary: false,
        limits: Limits::default(),
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match a.as_str() {
            "--format" => {
                o.format = match value("--format")?.as_str() {
                    "json" => Format::Json,
                    "pytutor" => Format::PyTutor,
                    "text" => Format::Text,
                    other => {
                        return Err(format!("unknown format '{other}' (json, pytutor or text)"));
                    }
                }
            }
            "--at" => o.at = Some(number(&value("--at")?)?),
            "--summary" => o.summary = true,
            "--max-steps" => o.limits.max_steps = number(&value("--max-steps")?)?,
            other => return Err(format!("unknown option '{other}'")),
        }
    }
    Ok(o)
}

fn number(s: &str) -> Result<u64, String> {
    s.parse().map_err(|_| format!("'{s}' is not a step number"))
}

pub fn trace(path: &str, args: &[String]) -> i32 {
    let options = match parse(args) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("pyscope trace: {e}");
            return 2;
        }
    };
    let file = match crate::read_source(path) {
        Ok(f) => f,
        Err(code) => return code,
    };
    let search_path = vec![crate::script_dir(&file.name)];
    let program = Program {
        main: file.name.clone(),
        files: vec![file.clone()],
    };
    let mut session = Session::new_on_disk(program, options.limits.clone(), search_path);
    let summary = session.record_to_end();
    let out = std::io::stdout();
    let mut out = std::io::BufWriter::new(out.lock());
    let result = if options.summary {
        print_summary(&mut out, &summary)
    } else if let Some(n) = options.at {
        if n > summary.steps {
            eprintln!(
                "pyscope trace: the run has {} steps (0 to {})",
                summary.steps, summary.steps
            );
            return 2;
        }
        let state = session.state_at(n);
        match options.format {
            Format::Text => write!(out, "{}", trace::render_text(&state)),
            _ => writeln!(out, "{}", trace::json::to_string_pretty(&state)),
        }
    } else {
        match options.format {
            Format::Json => print_json(&mut out, &mut session, &summary),
            Format::PyTutor => print_pytutor(&mut out, &mut session, &summary, &file.text),
            Format::Text => print_text(&mut out, &mut session, &summary),
        }
    };
    if let Err(e) = result.and_then(|_| out.flush()) {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("pyscope trace: {e}");
        }
        return 1;
    }
    0
}

fn print_summary(out: &mut impl Write, s: &trace::TraceSummary) -> std::io::Result<()> {
    writeln!(out, "steps: {}", s.steps)?;
    writeln!(out, "line steps: {}", s.line_steps)?;
    writeln!(out, "recording: {:.1} ms", s.record_ms)?;
    writeln!(out, "trace bytes: {}", s.trace_bytes)?;
    writeln!(out, "outcome: {}", outcome_text(&s.outcome))
}

fn outcome_text(o: &Outcome) -> String {
    match o {
        Outcome::Running => "running".into(),
        Outcome::Finished { exit_status } => format!("finished (exit status {exit_status})"),
        Outcome::Exception {
            message,
            exit_status,
        } => format!("{message} (exit status {exit_status})"),
        Outcome::SyntaxError { message, .. } => message.clone(),
        Outcome::Limit { message, .. } => format!("stopped: {message}"),
        Outcome::Stopped => "stopped".into(),
        Outcome::WaitingForInput { prompt } => format!("waiting for input {prompt:?}"),
    }
}

/// The states at every line step, then the state the run ended in.
fn line_states(session: &mut Session, summary: &trace::TraceSummary) -> Vec<State> {
    let mut states: Vec<State> = (0..summary.line_steps)
        .map(|k| session.state_at_line_step(k))
        .collect();
    states.push(session.state_at(summary.steps));
    states
}

fn print_json(
    out: &mut impl Write,
    session: &mut Session,
    summary: &trace::TraceSummary,
) -> std::io::Result<()> {
    write!(
        out,
        "{{\"format\":\"pyscope-trace\",\"version\":1,\"summary\":{}",
        trace::json::to_string(summary)
    )?;
    let lines: Vec<_> = (0..summary.line_steps)
        .map(|k| session.line_step_info(k))
        .collect();
    write!(out, ",\"line_steps\":{}", trace::json::to_string(&lines))?;
    let mut codes = Vec::new();
    let mut id = 0;
    while let Some(c) = session.code_view(id) {
        codes.push(c);
        id += 1;
    }
    write!(out, ",\"codes\":{}", trace::json::to_string(&codes))?;
    write!(out, ",\"states\":[")?;
    for (i, k) in (0..=summary.line_steps).enumerate() {
        let state = if k < summary.line_steps {
            session.state_at_line_step(k)
        } else {
            session.state_at(summary.steps)
        };
        if i > 0 {
            write!(out, ",")?;
        }
        write!(out, "{}", trace::json::to_string(&state))?;
    }
    writeln!(out, "]}}")
}

fn print_pytutor(
    out: &mut impl Write,
    session: &mut Session,
    summary: &trace::TraceSummary,
    code: &str,
) -> std::io::Result<()> {
    let states = line_states(session, summary);
    let uncaught = match &summary.outcome {
        Outcome::Exception { message, .. } => Some(message.as_str()),
        _ => None,
    };
    let t = trace::pytutor::from_states(code, &states, uncaught);
    writeln!(out, "{}", trace::json::to_string(&t))
}

fn print_text(
    out: &mut impl Write,
    session: &mut Session,
    summary: &trace::TraceSummary,
) -> std::io::Result<()> {
    for state in line_states(session, summary) {
        write!(out, "{}", trace::render_text(&state))?;
        writeln!(out)?;
    }
    writeln!(out, "outcome: {}", outcome_text(&summary.outcome))
}
