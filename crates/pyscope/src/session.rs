//! A recording session: one program, recorded in slices of instructions, with the state it
//! ended in. The worker drives it one slice at a time so the page never waits on user code.

use pyscope_trace::{Event, Outcome, SourceFile, State, TraceSummary};
use pyscope_vm::vm::RecorderSlot;
use pyscope_vm::{Config, Limits, Recorder, SourceText, Vm};

use crate::clock::now_ms;

/// The source files of a program and which one is `__main__`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Program {
    pub files: Vec<SourceFile>,
    pub main: String,
}

/// A program being recorded, or recorded and being browsed.
pub struct Session {
    pub(crate) program: Program,
    pub(crate) limits: Limits,
    /// The live VM, carrying the recorder (its checkpoints are what replays start from).
    pub(crate) vm: Box<Vm>,
    pub(crate) outcome: Outcome,
    /// Lines given to `input()` so far, in order; replays read the same answers.
    pub(crate) inputs: Vec<String>,
    pub(crate) record_ms: f64,
    /// The state the run ended in (after its last step), once it has ended.
    pub(crate) end_state: Option<Box<State>>,
    /// The VM of the latest replay, paused where it was asked for: stepping forwards from
    /// there continues it instead of starting again from a checkpoint.
    pub(crate) cursor: Option<Box<Vm>>,
    /// The search path when modules may be read from the disk.
    disk: Option<Vec<String>>,
}

impl Session {
    /// Prepares a recording of `program` (nothing runs until [`Session::record`]).
    pub fn new(program: Program, limits: Limits) -> Session {
        Session::start(program, limits, Vec::new(), None)
    }

    /// Like [`Session::new`], but imports may also read modules from the disk, along
    /// `search_path` (the CLI's `trace`).
    pub fn new_on_disk(program: Program, limits: Limits, search_path: Vec<String>) -> Session {
        Session::start(program, limits, Vec::new(), Some(search_path))
    }

    fn start(
        program: Program,
        limits: Limits,
        inputs: Vec<String>,
        disk: Option<Vec<String>>,
    ) -> Session {
        let files: Vec<SourceText> = program
            .files
            .iter()
            .map(|f| SourceText {
                name: f.name.clone(),
                text: f.text.as_str().into(),
            })
            .collect();
        let config = Config {
            limits: limits.clone(),
            argv: vec![program.main.clone()],
            files,
            filesystem: disk.is_some(),
            search_path: disk.clone().unwrap_or_else(|| vec![String::new()]),
            inputs: inputs.clone(),
            ..Config::default()
        };
        let mut vm = Box::new(Vm::new(config));
        vm.rec = RecorderSlot(Some(Box::new(Recorder::new())));
        let text = program
            .files
            .iter()
            .find(|f| f.name == program.main)
            .map(|f| f.text.clone())
            .unwrap_or_default();
        let outcome = vm.start_main(&program.main, &text);
        let mut session = Session {
            program,
            limits,
            vm,
            outcome: Outcome::Running,
            inputs,
            record_ms: 0.0,
            end_state: None,
            cursor: None,
            disk,
        };
        session.settle(outcome);
        session
    }

    /// Records up to `budget` more instructions and reports where the run is.
    pub fn record(&mut self, budget: u64) -> TraceSummary {
        if !self.is_done() {
            let start = now_ms();
            let outcome = self.vm.resume(budget.max(1));
            self.record_ms += now_ms() - start;
            self.settle(outcome);
        }
        self.summary()
    }

    /// Records until the program ends (or a limit stops it).
    pub fn record_to_end(&mut self) -> TraceSummary {
        while !self.is_done() {
            self.record(1 << 20);
        }
        self.summary()
    }

    /// Whether the run has ended (finished, failed, stopped, or waiting for input).
    pub fn is_done(&self) -> bool {
        self.outcome != Outcome::Running
    }

    /// Ends the recording where it is; the trace so far stays browsable.
    pub fn stop(&mut self) {
        if !self.is_done() {
            let outcome = self.vm.stop_here();
            self.settle(outcome);
        }
    }

    /// Answers the `input()` the run is waiting for. The run is recorded again from the
    /// start with all answers so far (the VM is deterministic, so the steps already seen
    /// are the same), and continues past the new answer.
    pub fn provide_input(&mut self, line: String) {
        if !matches!(self.outcome, Outcome::WaitingForInput { .. }) {
            return;
        }
        let mut inputs = std::mem::take(&mut self.inputs);
        inputs.push(line);
        let record_ms = self.record_ms;
        *self = Session::start(
            self.program.clone(),
            self.limits.clone(),
            inputs,
            self.disk.clone(),
        );
        self.record_ms = record_ms;
    }

    /// The answers given to `input()` so far.
    pub fn inputs(&self) -> &[String] {
        &self.inputs
    }

    pub fn summary(&self) -> TraceSummary {
        let rec = self.recorder();
        TraceSummary {
            steps: self.vm.steps,
            line_steps: rec.lines.len() as u64,
            files: self.files(),
            outcome: self.outcome.clone(),
            record_ms: self.record_ms,
            trace_bytes: rec.bytes(),
        }
    }

    /// The program's files and any user modules it read from disk, main file first.
    fn files(&self) -> Vec<SourceFile> {
        let mut out: Vec<SourceFile> = self.program.files.clone();
        for f in &self.vm.files {
            if !f.name.starts_with('<') && !out.iter().any(|o| o.name == f.name) {
                out.push(SourceFile {
                    name: f.name.clone(),
                    text: f.text.to_string(),
                });
            }
        }
        if let Some(i) = out.iter().position(|f| f.name == self.program.main) {
            let main = out.remove(i);
            out.insert(0, main);
        }
        out
    }

    pub(crate) fn recorder(&self) -> &Recorder {
        match self.vm.rec.as_ref() {
            Some(r) => r,
            None => unreachable!("a session's VM always records"),
        }
    }

    /// Takes note of how a slice ended; a finished run keeps the state it ended in.
    fn settle(&mut self, outcome: Outcome) {
        if outcome == Outcome::Running {
            return;
        }
        self.end_state = self.vm.captured.take();
        if let Outcome::Limit { message, .. } = &outcome {
            let at = self.vm.steps;
            if let Some(rec) = self.vm.rec.as_mut() {
                rec.events.push((
                    at,
                    Event::Limit {
                        message: message.clone(),
                    },
                ));
            }
        }
        self.outcome = outcome;
        self.cursor = None;
    }
}
