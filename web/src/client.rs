//! The page's side of the recording worker: sending requests, and replacing a worker that
//! stopped answering.
//!
//! A Python program can make one instruction run for a very long time (`10 ** 10 ** 8`), and
//! then the worker cannot even read a Stop message. A watchdog notices when an answer is owed
//! but nothing has arrived for [`SILENCE_LIMIT_MS`], terminates the worker, starts a fresh one
//! and re-records the run up to the last step the old worker reported, so the trace so far
//! stays browsable.

use std::cell::RefCell;
use std::rc::Rc;

use pyscope_protocol::{Reply, Request, RunId, decode_reply, encode};
use pyscope_trace::SourceFile;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;
use web_sys::{MessageEvent, Worker};

/// How long the worker may stay silent while it owes an answer.
pub const SILENCE_LIMIT_MS: f64 = 2000.0;
/// How often the watchdog looks.
const WATCHDOG_PERIOD_MS: i32 = 250;
/// The worker's entry script, next to the page.
const WORKER_URL: &str = "./worker_loader.js";

/// What the client tells the page.
#[derive(Debug)]
pub enum ClientEvent {
    /// A reply from the worker.
    Reply(Reply),
    /// The worker was replaced; `run` is being re-recorded up to `steps` instruction steps.
    Restarted { run: Option<RunId>, steps: u64 },
    /// Something went wrong outside any run (the worker script failed to load, ...).
    Error(String),
}

/// A run the worker is recording, kept so it can be recorded again after a restart.
struct Recording {
    run: RunId,
    files: Vec<SourceFile>,
    main: String,
    /// Answers given to `input()` so far.
    inputs: Vec<String>,
    /// The step limit it was recorded with.
    max_steps: Option<u64>,
    steps: u64,
}

/// The request that records `r` again, up to `max_steps`.
fn rerun(r: &Recording, max_steps: Option<u64>) -> Request {
    Request::Run {
        run: r.run,
        files: r.files.clone(),
        main: r.main.clone(),
        inputs: r.inputs.clone(),
        max_steps,
    }
}

struct Inner {
    worker: Worker,
    ready: bool,
    /// Requests made before the worker was ready.
    queue: Vec<Request>,
    recording: Option<Recording>,
    /// The last run recorded to its end, kept so a restart can record it again.
    finished: Option<Recording>,
    /// State requests still unanswered.
    queries: u32,
    last_heard: f64,
    on_event: Rc<dyn Fn(ClientEvent)>,
    /// Keeps the handlers of the current worker alive.
    handlers: Vec<Closure<dyn FnMut(MessageEvent)>>,
}

/// A handle on the recording worker; clones share it.
#[derive(Clone)]
pub struct Client {
    inner: Rc<RefCell<Inner>>,
}

fn now() -> f64 {
    js_sys::Date::now()
}

impl Client {
    /// Starts the worker and the watchdog; `on_event` receives every reply and restart.
    pub fn start(on_event: impl Fn(ClientEvent) + 'static) -> Result<Client, String> {
        let (worker, ready) = match adopt() {
            Some(early) => early,
            None => (spawn()?, false),
        };
        let inner = Rc::new(RefCell::new(Inner {
            worker,
            ready,
            queue: Vec::new(),
            recording: None,
            finished: None,
            queries: 0,
            last_heard: now(),
            on_event: Rc::new(on_event),
            handlers: Vec::new(),
        }));
        let client = Client { inner };
        client.listen();
        client.start_watchdog()?;
        Ok(client)
    }

    /// Sends a request now, or once the worker is ready.
    pub fn send(&self, request: Request) {
        let mut inner = self.inner.borrow_mut();
        match &request {
            Request::Run {
                run,
                files,
                main,
                inputs,
                max_steps,
            } => {
                inner.recording = Some(Recording {
                    run: *run,
                    files: files.clone(),
                    main: main.clone(),
                    inputs: inputs.clone(),
                    max_steps: *max_steps,
                    steps: 0,
                });
                inner.last_heard = now();
            }
            Request::Input { .. } => inner.last_heard = now(),
            Request::State { .. } | Request::Code { .. } | Request::Index { .. } => {
                if inner.queries == 0 {
                    inner.last_heard = now();
                }
                inner.queries += 1;
            }
            Request::Stop { .. } => {}
        }
        if let Request::Input { run, line } = &request {
            // An answer makes the worker record again (a restart re-records with it).
            if let Some(mut r) = inner.finished.take().filter(|r| r.run == *run) {
                r.inputs.push(line.clone());
                inner.recording = Some(r);
            }
        }
        if inner.ready {
            post(&inner.worker, &request, &inner.on_event);
        } else {
            inner.queue.push(request);
        }
    }

    fn listen(&self) {
        let weak = Rc::downgrade(&self.inner);
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
            if let Some(inner) = weak.upgrade() {
                receive(&inner, ev);
            }
        });
        let weak = Rc::downgrade(&self.inner);
        let on_error = Closure::<dyn FnMut(MessageEvent)>::new(move |_ev: MessageEvent| {
            if let Some(inner) = weak.upgrade() {
                let notify = inner.borrow().on_event.clone();
                notify(ClientEvent::Error(
                    "the worker failed to load or crashed".into(),
                ));
            }
        });
        let mut inner = self.inner.borrow_mut();
        inner
            .worker
            .set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        inner
            .worker
            .set_onerror(Some(on_error.as_ref().unchecked_ref()));
        inner.handlers = vec![on_message, on_error];
    }

    fn start_watchdog(&self) -> Result<(), String> {
        let weak = Rc::downgrade(&self.inner);
        let tick = Closure::<dyn FnMut()>::new(move || {
            if let Some(inner) = weak.upgrade() {
                Client { inner }.check();
            }
        });
        let window = web_sys::window().ok_or("no window")?;
        window
            .set_interval_with_callback_and_timeout_and_arguments_0(
                tick.as_ref().unchecked_ref(),
                WATCHDOG_PERIOD_MS,
            )
            .map_err(|e| format!("{e:?}"))?;
        // The page keeps one client for its whole life, so the tick lives as long as the page.
        tick.forget();
        Ok(())
    }

    /// Restarts the worker if it owes an answer and has been silent too long.
    fn check(&self) {
        let silent = {
            let inner = self.inner.borrow();
            let owes = inner.recording.is_some() || inner.queries > 0;
            inner.ready && owes && now() - inner.last_heard > SILENCE_LIMIT_MS
        };
        if silent {
            self.restart();
        }
    }

    fn restart(&self) {
        let worker = match spawn() {
            Ok(w) => w,
            Err(e) => {
                let notify = self.inner.borrow().on_event.clone();
                notify(ClientEvent::Error(e));
                return;
            }
        };
        let (notify, event) = {
            let mut inner = self.inner.borrow_mut();
            inner.worker.terminate();
            inner.worker = worker;
            inner.ready = false;
            inner.queries = 0;
            inner.queue.clear();
            inner.last_heard = now();
            let again = inner
                .recording
                .as_ref()
                .map(|r| (r.run, r.steps.max(1), rerun(r, Some(r.steps.max(1)))));
            let event = if let Some((run, steps, request)) = again {
                inner.queue.push(request);
                ClientEvent::Restarted {
                    run: Some(run),
                    steps,
                }
            } else {
                // A recorded run stays browsable: record it again, as it was.
                if let Some(request) = inner.finished.as_ref().map(|r| rerun(r, r.max_steps)) {
                    inner.queue.push(request);
                }
                ClientEvent::Restarted {
                    run: None,
                    steps: 0,
                }
            };
            (inner.on_event.clone(), event)
        };
        self.listen();
        notify(event);
    }
}

/// Takes the worker that `index.html` started before the page's wasm loaded (so both load at
/// once), and whether it has already said it is ready (the only message it sends unasked).
fn adopt() -> Option<(Worker, bool)> {
    let window = web_sys::window()?;
    let key = wasm_bindgen::JsValue::from_str("pyscopeWorker");
    let worker = js_sys::Reflect::get(&window, &key)
        .ok()?
        .dyn_into::<Worker>()
        .ok()?;
    let _ = js_sys::Reflect::delete_property(&window, &key);
    worker.set_onmessage(None);
    let ready = js_sys::Reflect::get(&window, &"pyscopeWorkerReady".into())
        .ok()
        .is_some_and(|v| v.is_truthy());
    Some((worker, ready))
}

fn spawn() -> Result<Worker, String> {
    Worker::new(WORKER_URL).map_err(|e| format!("cannot start the worker: {e:?}"))
}

fn post(worker: &Worker, request: &Request, notify: &Rc<dyn Fn(ClientEvent)>) {
    let sent = encode(request).and_then(|v| worker.post_message(&v).map_err(|e| format!("{e:?}")));
    if let Err(e) = sent {
        notify(ClientEvent::Error(format!(
            "cannot send to the worker: {e}"
        )));
    }
}

fn receive(inner: &Rc<RefCell<Inner>>, ev: MessageEvent) {
    let reply: Reply = match decode_reply(ev.data()) {
        Ok(r) => r,
        Err(e) => {
            let notify = inner.borrow().on_event.clone();
            notify(ClientEvent::Error(format!(
                "unreadable message from the worker: {e}"
            )));
            return;
        }
    };
    let notify = {
        let mut i = inner.borrow_mut();
        i.last_heard = now();
        match &reply {
            Reply::Ready => {
                i.ready = true;
                let queued = std::mem::take(&mut i.queue);
                for request in &queued {
                    post(&i.worker, request, &i.on_event);
                }
            }
            Reply::Progress { run, steps, .. } => {
                if let Some(r) = i.recording.as_mut().filter(|r| r.run == *run) {
                    r.steps = *steps;
                }
            }
            Reply::Finished { run, .. } => {
                if i.recording.as_ref().is_some_and(|r| r.run == *run) {
                    i.finished = i.recording.take();
                }
            }
            Reply::State { .. }
            | Reply::Code { .. }
            | Reply::Index { .. }
            | Reply::Failed { .. } => i.queries = i.queries.saturating_sub(1),
        }
        i.on_event.clone()
    };
    notify(ClientEvent::Reply(reply));
}
