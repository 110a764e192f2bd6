//! The page's shared state and what it asks of the recording worker.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use leptos::prelude::*;
use pyscope_layout::HeapMode;
use pyscope_protocol::{At, MAX_INDEX, Reply, Request, RunId};
use pyscope_trace::{CodeId, CodeView, LineStep, ObjectId, Outcome, SourceFile, State};

use crate::client::{Client, ClientEvent};
use crate::nav::{Seek, Timeline, seek};
use crate::shell::mark;

/// The file that runs as `__main__`; it is always the first file.
pub const MAIN_FILE: &str = "main.py";

/// Where the current run is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Nothing has been run yet.
    Idle,
    /// The worker is recording; `steps` instruction steps so far.
    Recording { steps: u64 },
    /// The trace is complete and browsable.
    Ready,
}

/// A source range to underline in the editor, with its message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ErrorMark {
    pub file: String,
    pub line: u32,
    pub col: u32,
    pub end_line: u32,
    pub end_col: u32,
    pub message: String,
}

/// The page's shared state, provided as context to every component.
#[derive(Clone, Copy)]
pub struct Viewer {
    /// The program's files, `main.py` first.
    pub files: RwSignal<Vec<SourceFile>>,
    /// The file shown in the editor.
    pub active: RwSignal<usize>,
    pub phase: RwSignal<Phase>,
    pub timeline: RwSignal<Timeline>,
    /// The 0-based position shown (see [`Timeline`]).
    pub position: RwSignal<u64>,
    pub state: RwSignal<Option<State>>,
    /// The line step before the state shown (the line just executed).
    pub previous_line: RwSignal<Option<LineStep>>,
    /// How the run ended, once it has.
    pub outcome: RwSignal<Option<Outcome>>,
    /// The one-line message that ended the run, if it did not finish normally.
    pub error: RwSignal<Option<String>>,
    /// Where the error happened, to underline.
    pub error_mark: RwSignal<Option<ErrorMark>>,
    /// Objects created or changed since the state shown before.
    pub changed: RwSignal<BTreeSet<ObjectId>>,
    pub heap_mode: RwSignal<HeapMode>,
    pub collapsed: RwSignal<BTreeSet<ObjectId>>,
    pub show_ids: RwSignal<bool>,
    /// Disassembled code objects of the current run.
    pub codes: RwSignal<BTreeMap<CodeId, Arc<CodeView>>>,
    /// Where each line step is, once asked for.
    pub index: RwSignal<Option<Arc<Vec<LineStep>>>>,
    /// Breakpoints: (file name, 1-based line).
    pub breakpoints: RwSignal<BTreeSet<(String, u32)>>,
    /// Re-run on every edit.
    pub live: RwSignal<bool>,
    /// Stepping forwards on a timer.
    pub playing: RwSignal<bool>,
    /// Steps per second while playing.
    pub speed: RwSignal<u32>,
    /// A line of the editor to flash (a traceback link): (file index, line).
    pub target: RwSignal<Option<(usize, u32)>>,
    pub(crate) run: RwSignal<RunId>,
    /// The latest state query; older answers are dropped.
    query: RwSignal<u32>,
    /// The query whose answer only locates the error.
    error_query: RwSignal<Option<u32>>,
    /// Set when the worker was replaced during this run: the step the trace was cut at.
    cut_at: RwSignal<Option<u64>>,
    /// Where to go when the recording ends (live re-runs and input keep the position).
    resume_at: RwSignal<Option<u64>>,
    /// A move that waits for the line-step index.
    pending: RwSignal<Option<Seek>>,
    /// Bumped by every run, so a live re-run scheduled before it is dropped.
    pub(crate) generation: RwSignal<u32>,
    /// Code objects asked for and not yet received.
    asked: RwSignal<BTreeSet<CodeId>>,
    /// The slices of the line-step index received so far.
    index_parts: StoredValue<RefCell<Vec<LineStep>>, LocalStorage>,
    client: StoredValue<Option<Client>, LocalStorage>,
}

impl Viewer {
    pub fn new(files: Vec<SourceFile>, heap_mode: HeapMode) -> Viewer {
        Viewer {
            files: RwSignal::new(files),
            active: RwSignal::new(0),
            phase: RwSignal::new(Phase::Idle),
            timeline: RwSignal::new(Timeline::default()),
            position: RwSignal::new(0),
            state: RwSignal::new(None),
            previous_line: RwSignal::new(None),
            outcome: RwSignal::new(None),
            error: RwSignal::new(None),
            error_mark: RwSignal::new(None),
            changed: RwSignal::new(BTreeSet::new()),
            heap_mode: RwSignal::new(heap_mode),
            collapsed: RwSignal::new(BTreeSet::new()),
            show_ids: RwSignal::new(false),
            codes: RwSignal::new(BTreeMap::new()),
            index: RwSignal::new(None),
            breakpoints: RwSignal::new(BTreeSet::new()),
            live: RwSignal::new(true),
            playing: RwSignal::new(false),
            speed: RwSignal::new(4),
            target: RwSignal::new(None),
            run: RwSignal::new(0),
            query: RwSignal::new(0),
            error_query: RwSignal::new(None),
            cut_at: RwSignal::new(None),
            resume_at: RwSignal::new(None),
            pending: RwSignal::new(None),
            generation: RwSignal::new(0),
            asked: RwSignal::new(BTreeSet::new()),
            index_parts: StoredValue::new_local(RefCell::new(Vec::new())),
            client: StoredValue::new_local(None),
        }
    }

    /// Starts the worker; its replies update this viewer.
    pub fn connect(self) {
        match Client::start(move |event| self.handle(event)) {
            Ok(client) => self.client.set_value(Some(client)),
            Err(e) => self.error.set(Some(e)),
        }
    }

    fn send(&self, request: Request) {
        self.client.with_value(|c| {
            if let Some(c) = c {
                c.send(request);
            }
        });
    }

    /// Records the program from the start, showing the first step when it ends.
    pub fn run_code(&self) {
        self.record(None);
    }

    /// Records the program again and comes back to the position shown (live mode).
    pub fn rerun_keeping_position(&self) {
        let keep =
            (self.phase.get_untracked() == Phase::Ready).then(|| self.position.get_untracked());
        self.record(keep.or(self.resume_at.get_untracked()));
    }

    fn record(&self, resume_at: Option<u64>) {
        let run = self.run.get_untracked() + 1;
        self.run.set(run);
        self.generation.update(|g| *g = g.wrapping_add(1));
        self.playing.set(false);
        self.phase.set(Phase::Recording { steps: 0 });
        self.timeline.set(Timeline::default());
        self.outcome.set(None);
        self.error.set(None);
        self.error_mark.set(None);
        self.cut_at.set(None);
        self.resume_at.set(resume_at);
        self.index.set(None);
        self.pending.set(None);
        self.codes.set(BTreeMap::new());
        self.asked.set(BTreeSet::new());
        self.collapsed.set(BTreeSet::new());
        mark("pyscope-run");
        self.send(Request::Run {
            run,
            files: self.files.get_untracked(),
            main: MAIN_FILE.into(),
            inputs: Vec::new(),
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

    /// Answers the `input()` the run waits for; the page keeps its position.
    pub fn provide_input(&self, line: String) {
        if !matches!(
            self.outcome.get_untracked(),
            Some(Outcome::WaitingForInput { .. })
        ) {
            return;
        }
        self.resume_at
            .set(Some(self.timeline.get_untracked().last()));
        self.outcome.set(None);
        self.error.set(None);
        self.phase.set(Phase::Recording { steps: 0 });
        self.send(Request::Input {
            run: self.run.get_untracked(),
            line,
        });
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

    /// Moves as `how` says; asks for the line-step index first if it is not here yet.
    pub fn seek(&self, how: Seek) {
        if self.phase.get_untracked() != Phase::Ready {
            return;
        }
        let Some(index) = self.index.get_untracked() else {
            self.pending.set(Some(how));
            self.send(Request::Index {
                run: self.run.get_untracked(),
            });
            return;
        };
        let t = self.timeline.get_untracked();
        let files = self
            .files
            .with_untracked(|f| f.iter().map(|f| f.name.clone()).collect::<Vec<_>>());
        let bps = self.breakpoints.get_untracked();
        if let Some(p) = seek(
            &index,
            &t,
            self.position.get_untracked(),
            &how,
            &files,
            &bps,
        ) {
            self.go(p);
        }
    }

    /// Asks for the line-step index unless it is here.
    pub fn want_index(&self) {
        if self.index.with_untracked(Option::is_none) {
            self.send(Request::Index {
                run: self.run.get_untracked(),
            });
        }
    }

    /// Asks for the disassembly of `code` unless it is here or on its way.
    pub fn want_code(&self, code: CodeId) {
        if self.codes.with_untracked(|c| c.contains_key(&code))
            || self.asked.with_untracked(|a| a.contains(&code))
        {
            return;
        }
        self.asked.update(|a| {
            a.insert(code);
        });
        self.send(Request::Code {
            run: self.run.get_untracked(),
            code,
        });
    }

    fn handle(&self, event: ClientEvent) {
        match event {
            ClientEvent::Reply(reply) => self.on_reply(reply),
            ClientEvent::Restarted { run, steps } => {
                if run == Some(self.run.get_untracked()) {
                    self.cut_at.set(Some(steps));
                } else {
                    // The finished run is recorded again; come back to the step shown.
                    self.resume_at.set(Some(self.position.get_untracked()));
                    self.index.set(None);
                    self.asked.set(BTreeSet::new());
                }
            }
            ClientEvent::Error(message) => self.error.set(Some(message)),
        }
    }

    fn on_reply(&self, reply: Reply) {
        let current = self.run.get_untracked();
        match reply {
            Reply::Ready => mark("pyscope-ready"),
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
                self.locate_error(&summary.outcome, summary.steps);
                self.outcome.set(Some(summary.outcome));
                self.go(self.resume_at.get_untracked().unwrap_or(0));
            }
            Reply::State {
                run,
                query,
                state,
                previous_line,
            } if run == current => self.on_state(query, *state, previous_line),
            Reply::Code { run, code } if run == current => {
                self.codes.update(|c| {
                    c.insert(code.id, Arc::new(*code));
                });
            }
            Reply::Index {
                run, from, lines, ..
            } if run == current => self.on_index(from, lines),
            Reply::Failed { run, message } if run == current => self.error.set(Some(message)),
            _ => {}
        }
    }

    /// Gathers the slices of the line-step index; the last one makes it usable.
    fn on_index(&self, from: u64, lines: Vec<LineStep>) {
        let done = self.index_parts.with_value(|parts| {
            let mut parts = parts.borrow_mut();
            if from == 0 {
                parts.clear();
            }
            if from as usize == parts.len() {
                parts.extend(lines);
            }
            let want = self
                .timeline
                .get_untracked()
                .line_steps
                .min(MAX_INDEX as u64);
            (parts.len() as u64 >= want).then(|| std::mem::take(&mut *parts))
        });
        let Some(index) = done else { return };
        self.index.set(Some(Arc::new(index)));
        if let Some(how) = self.pending.get_untracked() {
            self.pending.set(None);
            self.seek(how);
        }
    }

    fn on_state(&self, query: u32, state: State, previous_line: Option<LineStep>) {
        if Some(query) == self.error_query.get_untracked() {
            let message = self.error.get_untracked().unwrap_or_default();
            let l = &state.location;
            let file = state
                .frames
                .last()
                .map(|f| f.file.clone())
                .unwrap_or_default();
            self.error_mark.set((l.line > 0).then(|| ErrorMark {
                file: if l.file.is_empty() {
                    file
                } else {
                    l.file.clone()
                },
                line: l.line,
                col: l.col,
                end_line: l.end_line,
                end_col: l.end_col,
                message,
            }));
            return;
        }
        if query != self.query.get_untracked() {
            return;
        }
        let t = self.timeline.get_untracked();
        let position = t.position_of(state.step, state.line_step);
        self.position.set(position);
        // Only a single step forwards (a line or an instruction) highlights what it changed.
        let changed = self.state.with_untracked(|old| match old {
            Some(old)
                if old.total_steps == state.total_steps
                    && old.step < state.step
                    && position <= t.position_of(old.step, old.line_step) + 1 =>
            {
                changed_objects(old, &state)
            }
            _ => BTreeSet::new(),
        });
        self.changed.set(changed);
        if let Some(f) = state.frames.last() {
            self.want_code(f.code);
        }
        self.previous_line.set(previous_line);
        self.state.set(Some(state));
    }

    /// Underlines where the run failed: a syntax error's range, or the instruction that raised.
    fn locate_error(&self, outcome: &Outcome, steps: u64) {
        match outcome {
            Outcome::SyntaxError {
                message,
                line,
                col,
                end_line,
                end_col,
            } => self.error_mark.set(Some(ErrorMark {
                file: MAIN_FILE.into(),
                line: *line,
                col: *col,
                end_line: *end_line,
                end_col: *end_col,
                message: message.clone(),
            })),
            Outcome::Exception { .. } if steps > 0 => {
                let query = self.query.get_untracked().wrapping_add(1);
                self.query.set(query);
                self.error_query.set(Some(query));
                self.send(Request::State {
                    run: self.run.get_untracked(),
                    query,
                    at: At::Step(steps - 1),
                });
            }
            _ => {}
        }
    }
}

/// The objects of `after` that `before` lacks or holds with other contents (both heaps are
/// sorted by id).
fn changed_objects(before: &State, after: &State) -> BTreeSet<ObjectId> {
    after
        .heap
        .iter()
        .filter(|o| before.object(o.id).is_none_or(|old| old.value != o.value))
        .map(|o| o.id)
        .collect()
}

/// The one-line message for how a run ended, if it did not simply finish.
fn outcome_message(outcome: &Outcome) -> Option<String> {
    match outcome {
        Outcome::Running | Outcome::Finished { .. } | Outcome::WaitingForInput { .. } => None,
        Outcome::Exception { message, .. }
        | Outcome::SyntaxError { message, .. }
        | Outcome::Limit { message, .. } => Some(message.clone()),
        Outcome::Stopped => Some("Stopped by the user".to_string()),
    }
}
