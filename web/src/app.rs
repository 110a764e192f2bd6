//! The page: editor, controls, memory graph and output, wired to the recording worker.

use leptos::prelude::*;
use pyscope_layout::{GraphLayout, Options, layout};
use pyscope_protocol::{At, Reply, Request, RunId};
use pyscope_trace::{Outcome, State};

use crate::client::{Client, ClientEvent};
use crate::controls::{RunBar, StepBar};
use crate::editor::Editor;
use crate::keys::install_step_keys;
use crate::memory::MemoryGraph;
use crate::nav::Timeline;
use crate::output::Output;
use crate::source::code_from_address;

/// The program shown when the address names none.
const DEFAULT_CODE: &str = "a = [1, 2]\nb = a\nb.append(3)\nprint(a)\n";

/// Where the current run is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Nothing has been run yet.
    Idle,
    /// The worker is recording; `steps` instruction steps so far.
    Recording { steps: u64 },
    /// The trace is complete and browsable.
    Ready,
}

/// The page's shared state, provided as context to every component.
#[derive(Clone, Copy)]
pub struct Viewer {
    pub source: RwSignal<String>,
    pub phase: RwSignal<Phase>,
    pub timeline: RwSignal<Timeline>,
    /// The 0-based position shown (see [`Timeline`]).
    pub position: RwSignal<u64>,
    pub state: RwSignal<Option<State>>,
    /// The one-line message that ended the run, if it did not finish normally.
    pub error: RwSignal<Option<String>>,
    run: RwSignal<RunId>,
    /// The latest state query; older answers are dropped.
    query: RwSignal<u32>,
    /// Set when the worker was replaced during this run: the step the trace was cut at.
    cut_at: RwSignal<Option<u64>>,
    client: StoredValue<Option<Client>, LocalStorage>,
}

impl Viewer {
    fn new(source: String) -> Viewer {
        Viewer {
            source: RwSignal::new(source),
            phase: RwSignal::new(Phase::Idle),
            timeline: RwSignal::new(Timeline::default()),
            position: RwSignal::new(0),
            state: RwSignal::new(None),
            error: RwSignal::new(None),
            run: RwSignal::new(0),
            query: RwSignal::new(0),
            cut_at: RwSignal::new(None),
            client: StoredValue::new_local(None),
        }
    }

    fn send(&self, request: Request) {
        self.client.with_value(|c| {
            if let Some(c) = c {
                c.send(request);
            }
        });
    }

    /// Records the editor's code from the start.
    pub fn run_code(&self) {
        let run = self.run.get_untracked() + 1;
        self.run.set(run);
        self.phase.set(Phase::Recording { steps: 0 });
        self.timeline.set(Timeline::default());
        self.position.set(0);
        self.state.set(None);
        self.error.set(None);
        self.cut_at.set(None);
        self.send(Request::Run {
            run,
            source: self.source.get_untracked(),
            max_steps: None,
        });
    }

    /// Ends the recording, keeping what was recorded.
    pub fn stop(&self) {
        if matches!(self.phase.get_untracked(), Phase::Recording { .. }) {
            self.send(Request::Stop {
                run: self.run.get_untracked(),
            });
        }
    }

    fn fetch(&self, at: At) {
        let query = self.query.get_untracked().wrapping_add(1);
        self.query.set(query);
        self.send(Request::State {
            run: self.run.get_untracked(),
            query,
            at,
        });
    }

    /// Shows the 0-based line position `position` (clamped to the run).
    pub fn go(&self, position: u64) {
        let t = self.timeline.get_untracked();
        if self.phase.get_untracked() != Phase::Ready || t.positions() == 0 {
            return;
        }
        let p = position.min(t.last());
        self.position.set(p);
        self.fetch(t.at(p));
    }

    /// Moves by `delta` line positions.
    pub fn step_lines(&self, delta: i64) {
        self.go(self.position.get_untracked().saturating_add_signed(delta));
    }

    /// Moves by `delta` instructions from the state shown.
    pub fn step_instructions(&self, delta: i64) {
        let Some(step) = self.state.with_untracked(|s| s.as_ref().map(|s| s.step)) else {
            return;
        };
        if self.phase.get_untracked() != Phase::Ready {
            return;
        }
        if let Some(at) = self.timeline.get_untracked().instruction(step, delta) {
            self.fetch(at);
        }
    }

    fn handle(&self, event: ClientEvent) {
        match event {
            ClientEvent::Reply(reply) => self.on_reply(reply),
            ClientEvent::Restarted { run, steps } => {
                if run == Some(self.run.get_untracked()) {
                    self.cut_at.set(Some(steps));
                }
            }
            ClientEvent::Error(message) => self.error.set(Some(message)),
        }
    }

    fn on_reply(&self, reply: Reply) {
        let current = self.run.get_untracked();
        match reply {
            Reply::Ready => {}
            Reply::Progress { run, steps, .. } if run == current => {
                self.phase.set(Phase::Recording { steps })
            }
            Reply::Finished { run, summary } if run == current => {
                let message = match self.cut_at.get_untracked() {
                    Some(n) => Some(format!(
                        "The worker stopped answering during a long step; the trace ends after {n} steps"
                    )),
                    None => outcome_message(&summary.outcome),
                };
                self.error.set(message);
                self.timeline.set(Timeline::new(&summary));
                self.phase.set(Phase::Ready);
                self.go(0);
            }
            Reply::State { run, query, state }
                if run == current && query == self.query.get_untracked() =>
            {
                let t = self.timeline.get_untracked();
                self.position
                    .set(t.position_of(state.step, state.line_step));
                self.state.set(Some(*state));
            }
            Reply::Failed { run, message } if run == current => self.error.set(Some(message)),
            _ => {}
        }
    }
}

/// The one-line message for how a run ended, if it did not simply finish.
fn outcome_message(outcome: &Outcome) -> Option<String> {
    match outcome {
        Outcome::Running | Outcome::Finished { .. } => None,
        Outcome::Exception { message, .. }
        | Outcome::SyntaxError { message, .. }
        | Outcome::Limit { message, .. } => Some(message.clone()),
        Outcome::Stopped => Some("Stopped by the user".to_string()),
        Outcome::WaitingForInput { .. } => {
            Some("The program waits for input(), which this page cannot provide yet".into())
        }
    }
}

fn initial_code() -> String {
    let location = window().location();
    let search = location.search().unwrap_or_default();
    let hash = location.hash().unwrap_or_default();
    code_from_address(&search, &hash).unwrap_or_else(|| DEFAULT_CODE.to_string())
}

/// The whole page.
#[component]
pub fn App() -> impl IntoView {
    let viewer = Viewer::new(initial_code());
    provide_context(viewer);
    match Client::start(move |event| viewer.handle(event)) {
        Ok(client) => viewer.client.set_value(Some(client)),
        Err(e) => viewer.error.set(Some(e)),
    }
    install_step_keys(viewer);
    viewer.run_code();
    let graph: Memo<Option<GraphLayout>> = Memo::new(move |_| {
        viewer
            .state
            .with(|s| s.as_ref().map(|s| layout(s, &Options::default())))
    });
    view! {
        <header class="top">
            <h1>"Pyscope"</h1>
            <span class="tagline">"Python 3.11, step by step, in your browser"</span>
        </header>
        <main class="page">
            <section class="left">
                <Editor />
                <RunBar />
                <StepBar />
                <Output />
            </section>
            <section class="right">
                <MemoryGraph graph=graph />
            </section>
        </main>
    }
}
