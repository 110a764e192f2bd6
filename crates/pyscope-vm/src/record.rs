//! Trace recording. While a run is recorded the VM logs, per executed instruction, only its
//! run-wide instruction number (4 bytes); line events, calls, returns, exceptions and output
//! go to small side logs. Every so often (when no native code is on the Rust stack) the VM
//! clones itself into a checkpoint. Because the VM is deterministic, any step can later be
//! rebuilt by cloning the nearest earlier checkpoint and replaying up to that step.

use std::rc::Rc;

use pyscope_trace::Event;

use crate::frame::Frame;
use crate::object::*;
use crate::vm::{HaltReason, Vm};

/// The fewest instructions between two checkpoints.
const MIN_CHECKPOINT_INTERVAL: u64 = 40_000;
/// Extra instructions between checkpoints per live heap object, so the amortized cost of
/// cloning stays constant per step however large the heap grows.
const STEPS_PER_LIVE_OBJECT: u64 = 8;

/// One entry of the line-step index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineRec {
    pub step: u32,
    pub line: u32,
    pub code: u32,
    pub depth: u16,
    pub thread: u16,
}

/// A chunk of program output and the step that wrote it.
#[derive(Clone, Debug)]
pub struct OutputRec {
    pub step: u64,
    pub err: bool,
    pub text: String,
}

/// A full copy of the VM at a step (recorder excluded).
#[derive(Debug)]
pub struct Checkpoint {
    pub step: u64,
    pub vm: Box<Vm>,
}

#[derive(Debug, Default)]
pub struct Recorder {
    /// The run-wide instruction number executed at each step.
    pub steps: Vec<u32>,
    pub lines: Vec<LineRec>,
    pub events: Vec<(u64, Event)>,
    pub output: Vec<OutputRec>,
    pub checkpoints: Vec<Checkpoint>,
    next_checkpoint: u64,
}

impl Recorder {
    pub fn new() -> Recorder {
        Recorder::default()
    }

    pub fn output(&mut self, step: u64, text: &str, err: bool) {
        if let Some(last) = self.output.last_mut() {
            if last.step == step && last.err == err {
                last.text.push_str(text);
                return;
            }
        }
        self.output.push(OutputRec {
            step,
            err,
            text: text.to_string(),
        });
    }

    /// Bytes held by the recorder (logs plus an estimate of checkpoint sizes).
    pub fn bytes(&self) -> u64 {
        let logs = self.steps.capacity() * 4
            + self.lines.capacity() * std::mem::size_of::<LineRec>()
            + self.events.capacity() * std::mem::size_of::<(u64, Event)>()
            + self
                .output
                .iter()
                .map(|o| o.text.capacity() + 32)
                .sum::<usize>();
        let cps: usize = self.checkpoints.iter().map(|c| c.vm.approx_bytes()).sum();
        (logs + cps) as u64
    }

    /// Index of the last line step at or before instruction step `step`.
    pub fn line_step_of(&self, step: u64) -> u64 {
        let i = self.lines.partition_point(|l| u64::from(l.step) <= step);
        i.saturating_sub(1) as u64
    }

    /// Stdout and stderr written before step `step` executed.
    pub fn output_before(&self, step: u64) -> (String, String) {
        let mut out = String::new();
        let mut err = String::new();
        for o in &self.output {
            if o.step >= step {
                break;
            }
            if o.err {
                err.push_str(&o.text);
            } else {
                out.push_str(&o.text);
            }
        }
        (out, err)
    }

    /// Events recorded at exactly `step`.
    pub fn events_at(&self, step: u64) -> Vec<Event> {
        let i = self.events.partition_point(|(s, _)| *s < step);
        self.events[i..]
            .iter()
            .take_while(|(s, _)| *s == step)
            .map(|(_, e)| e.clone())
            .collect()
    }

    /// The nearest checkpoint at or before `step`.
    pub fn checkpoint_before(&self, step: u64) -> Option<&Checkpoint> {
        let i = self.checkpoints.partition_point(|c| c.step <= step);
        if i == 0 {
            None
        } else {
            Some(&self.checkpoints[i - 1])
        }
    }
}

impl Vm {
    /// A rough size of this VM's heap, frames and code, for trace-size reports.
    pub fn approx_bytes(&self) -> usize {
        self.heap.slots.capacity() * std::mem::size_of::<crate::heap::Slot>() + self.heap.live * 48
    }

    /// Copies the VM for a checkpoint (the recorder itself is not copied).
    pub fn snapshot(&mut self) -> Box<Vm> {
        Box::new(self.clone())
    }

    /// Called before each instruction while recording.
    pub(crate) fn record_step(&mut self, fi: usize) -> PyResult<()> {
        let step = self.steps;
        let (instr_id, line, code_id, jumped_back, lasti, hidden) = {
            let f = &self.frames[fi];
            let code = &f.code;
            let hidden = Vm::is_hidden_code(code);
            let lasti = f.lasti;
            let line = code.code.positions[lasti as usize].line;
            let op = code.code.instrs[lasti as usize].op;
            let back =
                f.pc_prev != u32::MAX && lasti < f.pc_prev && op != pyscope_compiler::Opcode::SEND;
            (code.base + lasti, line, code.id, back, lasti, hidden)
        };
        let new_line = {
            let f = &mut self.frames[fi];
            let changed = line != 0 && (line != f.last_line || jumped_back);
            f.last_line = line;
            f.pc_prev = lasti;
            changed
        };
        let depth = (self.frames.len() - 1) as u16;
        let live = self.heap.live as u64;
        let Some(rec) = self.rec.as_mut() else {
            return Ok(());
        };
        rec.steps.push(instr_id);
        if new_line && !hidden {
            rec.lines.push(LineRec {
                step: step as u32,
                line,
                code: code_id,
                depth,
                thread: 0,
            });
        }
        if live > self.limits.max_heap_objects {
            let msg = format!(
                "MemoryError: more than {} live objects",
                self.limits.max_heap_objects
            );
            return Err(self.halt_with(HaltReason::Limit(
                pyscope_trace::LimitKind::HeapObjects,
                msg,
            )));
        }
        Ok(())
    }

    /// Called at the top of the loop, before an instruction is fetched: clones the VM into
    /// a checkpoint when one is due (never while native code is on the Rust stack, because
    /// a replay can only restart the flat interpreter loop).
    pub(crate) fn maybe_checkpoint(&mut self) {
        let step = self.steps;
        let due = self.rec.as_ref().is_some_and(|r| step >= r.next_checkpoint);
        if !due || self.native_depth != 0 {
            return;
        }
        let interval = MIN_CHECKPOINT_INTERVAL.max(self.heap.live as u64 * STEPS_PER_LIVE_OBJECT);
        let snapshot = self.snapshot();
        if let Some(rec) = self.rec.as_mut() {
            rec.checkpoints.push(Checkpoint { step, vm: snapshot });
            rec.next_checkpoint = step + interval;
        }
    }

    fn push_event(&mut self, at: u64, e: Event) {
        if let Some(rec) = self.rec.as_mut() {
            rec.events.push((at, e));
        }
    }

    fn frame_label(f: &Frame) -> String {
        f.code.code.qualname.to_string()
    }

    pub(crate) fn record_call(&mut self, f: &Frame) {
        if self.rec.is_some() {
            let at = self.steps;
            self.push_event(
                at,
                Event::Call {
                    function: Self::frame_label(f),
                },
            );
        }
    }

    pub(crate) fn record_return(&mut self, value: ObjRef) {
        if self.rec.is_some() {
            let at = self.steps.saturating_sub(1);
            let function = Self::frame_label(self.frame_ref());
            let v = Some(self.heap.trace_id(value));
            self.push_event(at, Event::Return { function, value: v });
        }
    }

    /// A message for the trace that never runs Python code.
    fn safe_exc_message(&self, e: ObjRef) -> String {
        if !self.is_exception(e) {
            return String::new();
        }
        let args = self.tuple_items(self.exc_obj(e).args);
        match args {
            [] => String::new(),
            [a] => match self.kind(*a) {
                Kind::Str(s) if self.isinstance_of(e, self.e.key_error) => {
                    pyscope_compiler::pyrepr::str_repr(&s.s)
                }
                Kind::Str(s) => s.s.to_string(),
                Kind::Int(i) => i.to_string(),
                _ => self.default_repr(*a),
            },
            _ => String::new(),
        }
    }

    pub(crate) fn record_exception(&mut self, e: ObjRef) {
        if self.rec.is_some() {
            let at = self.steps.saturating_sub(1);
            let type_name = self.type_name(e);
            let message = self.safe_exc_message(e);
            self.push_event(at, Event::Exception { type_name, message });
        }
    }

    pub(crate) fn record_caught(&mut self, e: ObjRef) {
        if self.rec.is_some() {
            let at = self.steps.saturating_sub(1);
            let type_name = self.type_name(e);
            self.push_event(at, Event::ExceptionCaught { type_name });
        }
    }

    pub(crate) fn record_unwind(&mut self) {
        if self.rec.is_some() {
            let at = self.steps.saturating_sub(1);
            let function = Self::frame_label(self.frame_ref());
            self.push_event(at, Event::Unwind { function });
        }
    }

    pub(crate) fn record_yield(&mut self, f: &Frame) {
        if self.rec.is_some() {
            let at = self.steps.saturating_sub(1);
            self.push_event(
                at,
                Event::Yield {
                    function: Self::frame_label(f),
                },
            );
        }
    }

    pub(crate) fn record_resume(&mut self, f: &Frame) {
        if self.rec.is_some() {
            let at = self.steps;
            self.push_event(
                at,
                Event::Resume {
                    function: Self::frame_label(f),
                },
            );
        }
    }

    pub(crate) fn record_import(&mut self, module: &str, end: bool) {
        if self.rec.is_some() {
            let at = self.steps;
            let e = if end {
                Event::ImportEnd {
                    module: module.to_string(),
                }
            } else {
                Event::ImportStart {
                    module: module.to_string(),
                }
            };
            self.push_event(at, e);
        }
    }

    /// Builds the trace state at this exact point of a replay.
    pub(crate) fn capture_state(&mut self, at_loop_top: bool) {
        let state = self.build_state(at_loop_top);
        self.captured = Some(Box::new(state));
    }

    /// The code object with a run-wide id.
    pub fn code_by_id(&self, id: u32) -> Option<&Rc<LoadedCode>> {
        self.codes.get(id as usize)
    }

    /// The code object and index of a run-wide instruction number.
    pub fn locate_instr(&self, instr: u32) -> Option<(&Rc<LoadedCode>, u32)> {
        let i = self.codes.partition_point(|c| c.base <= instr);
        let code = self.codes.get(i.checked_sub(1)?)?;
        Some((code, instr - code.base))
    }
}
