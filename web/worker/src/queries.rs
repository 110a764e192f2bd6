//! Answers to the page's questions about a recorded run: states, code objects, line steps.

use pyscope::Session;
use pyscope::trace::CodeId;
use pyscope_protocol::{At, MAX_INDEX, Reply, RunId};

/// The state at `at`, with the line step before it (the line just executed).
pub fn state(session: &mut Session, run: RunId, query: u32, at: At) -> Reply {
    let summary = session.summary();
    let state = match at {
        // Step `summary.steps` itself is the state the run ended in.
        At::Step(n) if n <= summary.steps => session.state_at(n),
        At::LineStep(n) if n < summary.line_steps => session.state_at_line_step(n),
        _ => {
            return Reply::Failed {
                run,
                message: format!("no state at {at:?} in this run"),
            };
        }
    };
    // The end state follows the last line step; otherwise the line step before this one.
    let previous = if state.step >= summary.steps {
        summary.line_steps.checked_sub(1)
    } else {
        state.line_step.checked_sub(1)
    };
    Reply::State {
        run,
        query,
        previous_line: previous.map(|k| session.line_step_info(k)),
        state: Box::new(state),
    }
}

/// The disassembly of code object `code`.
pub fn code(session: &mut Session, run: RunId, code: CodeId) -> Reply {
    match session.code_view(code) {
        Some(view) => Reply::Code {
            run,
            code: Box::new(view),
        },
        None => Reply::Failed {
            run,
            message: format!("this run has no code object {code}"),
        },
    }
}

/// Where the line steps from `from` on are, for about `budget_ms`, up to [`MAX_INDEX`] of
/// them in all; also where to go on from, unless this slice ends the list.
pub fn index_slice(
    session: &mut Session,
    run: RunId,
    from: u64,
    budget_ms: f64,
) -> (Reply, Option<u64>) {
    let total = session.summary().line_steps;
    let shown = total.min(MAX_INDEX as u64);
    let start = js_sys::Date::now();
    let mut lines = Vec::new();
    let mut k = from;
    while k < shown {
        lines.push(session.line_step_info(k));
        k += 1;
        if k.is_multiple_of(256) && js_sys::Date::now() - start > budget_ms {
            break;
        }
    }
    let reply = Reply::Index {
        run,
        from,
        lines,
        complete: k >= total,
    };
    (reply, (k < shown).then_some(k))
}
