//! The recording worker: runs the interpreter off the page's thread, in short slices.
//!
//! Each slice records about [`budget::TARGET_MS`] worth of instructions, then yields to the
//! event loop through a `MessageChannel` (which, unlike `setTimeout`, is not clamped to 4 ms),
//! so a Stop or state request from the page is read within one slice. The page's watchdog
//! covers the case where a single instruction runs far longer than a slice.

mod budget;
mod queries;

use std::cell::RefCell;
use std::collections::VecDeque;

use budget::Budget;
use pyscope::trace::{Outcome, SourceFile};
use pyscope::{Limits, Program, Session};
use pyscope_protocol::{Reply, Request, RunId, decode, encode_reply};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{DedicatedWorkerGlobalScope, MessageChannel, MessageEvent};

/// Progress is reported at most this often, so a fast run cannot flood the page.
const PROGRESS_EVERY_MS: f64 = 25.0;

/// The run being recorded or browsed.
struct Recorder {
    run: RunId,
    session: Session,
    budget: Budget,
    /// When progress was last reported.
    reported_at: f64,
    /// Answers for `input()` calls the run has not reached yet.
    inputs: VecDeque<String>,
    /// The next line step to list, while the page's request for the index is being served.
    index_from: Option<u64>,
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
    let sent = scope()
        .post_message(&encode_reply(reply))
        .map_err(|e| format!("{e:?}"));
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
        if let Some(from) = r.index_from {
            // Listing line steps is served in slices too, so Stop and the watchdog see replies.
            let (reply, next) =
                queries::index_slice(&mut r.session, r.run, from, budget::TARGET_MS);
            r.index_from = next;
            schedule();
            return Some(reply);
        }
        answer_known_input(r);
        if r.session.is_done() {
            return None;
        }
        let start = now();
        let summary = r.session.record(r.budget.size());
        r.budget.update(now() - start);
        if answer_known_input(r) {
            schedule();
            return None;
        }
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

/// If the run waits for an `input()` the page already answered, gives it the answer (the
/// session then records again from the start, with every answer so far).
fn answer_known_input(r: &mut Recorder) -> bool {
    if !matches!(r.session.summary().outcome, Outcome::WaitingForInput { .. }) {
        return false;
    }
    match r.inputs.pop_front() {
        Some(line) => {
            r.session.provide_input(line);
            true
        }
        None => false,
    }
}

fn start(
    run: RunId,
    files: Vec<SourceFile>,
    main: String,
    inputs: Vec<String>,
    max_steps: Option<u64>,
) {
    let mut limits = Limits::default();
    if let Some(max) = max_steps {
        limits.max_steps = limits.max_steps.min(max);
    }
    let mut recorder = Recorder {
        run,
        session: Session::new(Program { files, main }, limits),
        budget: Budget::default(),
        reported_at: now(),
        inputs: inputs.into(),
        index_from: None,
    };
    answer_known_input(&mut recorder);
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

/// Answers the `input()` the run waits for and records on.
fn input(run: RunId, line: String) {
    let reply = RECORDER.with(|cell| {
        let mut slot = cell.borrow_mut();
        let r = slot.as_mut().filter(|r| r.run == run)?;
        r.inputs.push_back(line);
        answer_known_input(r);
        if r.session.is_done() {
            return Some(finished(r));
        }
        schedule();
        let summary = r.session.summary();
        Some(Reply::Progress {
            run,
            steps: summary.steps,
            line_steps: summary.line_steps,
        })
    });
    if let Some(reply) = reply {
        post(&reply);
    }
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

/// Starts listing the line steps of `run` for the page, one slice per tick.
fn index(run: RunId) {
    let started = RECORDER.with(|cell| {
        let mut slot = cell.borrow_mut();
        let r = slot.as_mut().filter(|r| r.run == run)?;
        if r.index_from.is_none() {
            r.index_from = Some(0);
            schedule();
        }
        Some(())
    });
    if started.is_none() {
        post(&Reply::Failed {
            run,
            message: "that run is no longer in the worker".into(),
        });
    }
}

/// Runs `f` on the session of `run`, or answers that the run is gone.
fn with_run(run: RunId, f: impl FnOnce(&mut Session) -> Reply) -> Reply {
    RECORDER.with(
        |cell| match cell.borrow_mut().as_mut().filter(|r| r.run == run) {
            Some(r) => f(&mut r.session),
            None => Reply::Failed {
                run,
                message: "that run is no longer in the worker".into(),
            },
        },
    )
}

fn handle(request: Request) {
    match request {
        Request::Run {
            run,
            files,
            main,
            inputs,
            max_steps,
        } => start(run, files, main, inputs, max_steps),
        Request::Stop { run } => stop(run),
        Request::Input { run, line } => input(run, line),
        Request::State { run, query, at } => {
            post(&with_run(run, |s| queries::state(s, run, query, at)))
        }
        Request::Code { run, code } => post(&with_run(run, |s| queries::code(s, run, code))),
        Request::Index { run } => index(run),
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
