//! The recording worker: runs the interpreter off the page's thread, in short slices.
//!
//! Each slice records about [`budget::TARGET_MS`] worth of instructions, then yields to the
//! event loop through a `MessageChannel` (which, unlike `setTimeout`, is not clamped to 4 ms),
//! so a Stop or state request from the page is read within one slice. The page's watchdog
//! covers the case where a single instruction runs far longer than a slice.

mod budget;

use std::cell::RefCell;

use budget::Budget;
use pyscope::trace::{Outcome, SourceFile};
use pyscope::{Limits, Program, Session};
use pyscope_protocol::{At, Reply, Request, RunId, decode, encode};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{DedicatedWorkerGlobalScope, MessageChannel, MessageEvent};

/// The file name the page's code runs as (tracebacks show it).
const MAIN_FILE: &str = "main.py";
/// Progress is reported at most this often, so a fast run cannot flood the page.
const PROGRESS_EVERY_MS: f64 = 25.0;

/// The run being recorded or browsed.
struct Recorder {
    run: RunId,
    session: Session,
    budget: Budget,
    /// When progress was last reported.
    reported_at: f64,
}

thread_local! {
    static RECORDER: RefCell<Option<Recorder>> = const { RefCell::new(None) };
    /// Posting to this channel's second port runs the next slice.
    static TICKER: RefCell<Option<MessageChannel>> = const { RefCell::new(None) };
}

fn now() -> f64 {
    js_sys::Date::now()
}

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

fn post(reply: &Reply) {
    let sent = encode(reply).and_then(|v| scope().post_message(&v).map_err(|e| format!("{e:?}")));
    if let Err(e) = sent {
        web_sys::console::error_1(&format!("pyscope worker: cannot post a reply: {e}").into());
    }
}

/// Queues the next recording slice behind any messages already waiting.
fn schedule() {
    TICKER.with(|t| {
        if let Some(channel) = t.borrow().as_ref() {
            let _ = channel.port2().post_message(&JsValue::NULL);
        }
    });
}

fn finished(r: &Recorder) -> Reply {
    Reply::Finished {
        run: r.run,
        summary: r.session.summary(),
    }
}

/// Records one slice of the current run and reports progress or the end.
fn tick() {
    let reply = RECORDER.with(|cell| {
        let mut slot = cell.borrow_mut();
        let r = slot.as_mut()?;
        if r.session.is_done() {
            return None;
        }
        let start = now();
        let summary = r.session.record(r.budget.size());
        r.budget.update(now() - start);
        if summary.outcome != Outcome::Running {
            return Some(finished(r));
        }
        schedule();
        // If a later slice never ends, the page's watchdog re-records up to the last step
        // reported, so report often, but not so often that the page drowns in messages.
        if now() - r.reported_at < PROGRESS_EVERY_MS {
            return None;
        }
        r.reported_at = now();
        Some(Reply::Progress {
            run: r.run,
            steps: summary.steps,
            line_steps: summary.line_steps,
        })
    });
    if let Some(reply) = reply {
        post(&reply);
    }
}

fn start(run: RunId, source: String, max_steps: Option<u64>) {
    let mut limits = Limits::default();
    if let Some(max) = max_steps {
        limits.max_steps = limits.max_steps.min(max);
    }
    let program = Program {
        files: vec![SourceFile {
            name: MAIN_FILE.into(),
            text: source,
        }],
        main: MAIN_FILE.into(),
    };
    let recorder = Recorder {
        run,
        session: Session::new(program, limits),
        budget: Budget::default(),
        reported_at: now(),
    };
    // A program that does not compile is done before it starts.
    let first = if recorder.session.is_done() {
        finished(&recorder)
    } else {
        schedule();
        Reply::Progress {
            run,
            steps: 0,
            line_steps: 0,
        }
    };
    RECORDER.with(|cell| *cell.borrow_mut() = Some(recorder));
    post(&first);
}

fn stop(run: RunId) {
    let reply = RECORDER.with(|cell| {
        let mut slot = cell.borrow_mut();
        let r = slot
            .as_mut()
            .filter(|r| r.run == run && !r.session.is_done())?;
        r.session.stop();
        Some(finished(r))
    });
    if let Some(reply) = reply {
        post(&reply);
    }
}

fn state(run: RunId, query: u32, at: At) -> Reply {
    RECORDER.with(|cell| {
        let mut slot = cell.borrow_mut();
        let Some(r) = slot.as_mut().filter(|r| r.run == run) else {
            return Reply::Failed {
                run,
                message: "that run is no longer in the worker".into(),
            };
        };
        let summary = r.session.summary();
        let state = match at {
            // Step `summary.steps` itself is the state the run ended in.
            At::Step(n) if n <= summary.steps => r.session.state_at(n),
            At::LineStep(n) if n < summary.line_steps => r.session.state_at_line_step(n),
            _ => {
                return Reply::Failed {
                    run,
                    message: format!("no state at {at:?} in this run"),
                };
            }
        };
        Reply::State {
            run,
            query,
            state: Box::new(state),
        }
    })
}

fn handle(request: Request) {
    match request {
        Request::Run {
            run,
            source,
            max_steps,
        } => start(run, source, max_steps),
        Request::Stop { run } => stop(run),
        Request::State { run, query, at } => post(&state(run, query, at)),
    }
}

fn main() -> Result<(), JsValue> {
    console_error_panic_hook::set_once();
    let channel = MessageChannel::new()?;
    let on_tick = Closure::<dyn FnMut()>::new(tick);
    channel
        .port1()
        .set_onmessage(Some(on_tick.as_ref().unchecked_ref()));
    TICKER.with(|t| *t.borrow_mut() = Some(channel));
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(|ev: MessageEvent| {
        match decode::<Request>(ev.data()) {
            Ok(request) => handle(request),
            Err(e) => post(&Reply::Failed {
                run: 0,
                message: format!("unreadable request: {e}"),
            }),
        }
    });
    scope().set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // Both handlers serve for the worker's whole life.
    on_tick.forget();
    on_message.forget();
    post(&Reply::Ready);
    Ok(())
}
