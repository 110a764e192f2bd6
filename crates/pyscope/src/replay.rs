//! Time travel: the state at any step, rebuilt by copying the nearest checkpoint (or the
//! latest replay, when it is not past the step) and running the deterministic VM up to the
//! step. Also the line-step index and code views the UI steps and draws with.

use std::rc::Rc;

use pyscope_trace::{CodeId, CodeView, InstrView, LineStep, State};

use crate::session::Session;

impl Session {
    /// The state before instruction step `step` (counted from 0) executes. Asking for the
    /// step count itself, once the run has ended, gives the state it ended in.
    pub fn state_at(&mut self, step: u64) -> State {
        let total = self.vm.steps;
        let mut state = if step >= total {
            match (&self.end_state, total) {
                (Some(end), _) => (**end).clone(),
                (None, 0) => State::default(),
                (None, _) => self.replay(total - 1),
            }
        } else {
            self.replay(step)
        };
        let step = step.min(total);
        self.fill(&mut state, step);
        state
    }

    /// The state at the first instruction of line step `k`.
    pub fn state_at_line_step(&mut self, k: u64) -> State {
        let rec = self.recorder();
        match rec.lines.get(k as usize) {
            Some(l) => self.state_at(u64::from(l.step)),
            None => self.state_at(self.vm.steps),
        }
    }

    /// The line step that contains instruction step `step`.
    pub fn line_step_of(&self, step: u64) -> u64 {
        self.recorder().line_step_of(step)
    }

    /// Where line step `k` is.
    pub fn line_step_info(&self, k: u64) -> LineStep {
        let rec = self.recorder();
        let Some(l) = rec.lines.get(k as usize) else {
            return LineStep::default();
        };
        let file = self
            .vm
            .code_by_id(l.code)
            .map(|c| c.code.filename.clone())
            .unwrap_or_else(|| Rc::from(""));
        let file = self
            .summary()
            .files
            .iter()
            .position(|f| *f.name == *file)
            .unwrap_or(0) as u32;
        LineStep {
            step: u64::from(l.step),
            file,
            line: l.line,
            depth: u32::from(l.depth),
            thread: u32::from(l.thread),
        }
    }

    /// The disassembly of a code object of this run.
    pub fn code_view(&self, id: CodeId) -> Option<CodeView> {
        let code = self.vm.code_by_id(id)?;
        let code = &code.code;
        let instrs = pyscope_compiler::dis::instructions(code)
            .into_iter()
            .map(|i| InstrView {
                index: i.index,
                offset: i.offset,
                starts_line: i.starts_line,
                line: i.line,
                opname: i.opname.to_string(),
                arg: i.arg,
                argrepr: i.argrepr,
                is_jump_target: i.is_jump_target,
            })
            .collect();
        Some(CodeView {
            id,
            name: code.name.to_string(),
            qualname: code.qualname.to_string(),
            file: code.filename.to_string(),
            first_line: code.firstlineno,
            instrs,
        })
    }

    /// Runs a copy of the VM to `step` and returns what it saw there.
    fn replay(&mut self, step: u64) -> State {
        let reuse = self.cursor.as_ref().is_some_and(|c| {
            let from_checkpoint = self
                .recorder()
                .checkpoint_before(step)
                .map_or(0, |cp| cp.step);
            c.steps <= step && c.steps >= from_checkpoint
        });
        let mut vm = match (reuse, self.cursor.take()) {
            (true, Some(c)) => c,
            _ => match self.recorder().checkpoint_before(step) {
                Some(cp) => Box::new((*cp.vm).clone()),
                None => return State::default(),
            },
        };
        vm.inputs = Rc::new(self.inputs.clone());
        let (state, resumable) = vm.replay_to(step);
        if resumable {
            self.cursor = Some(vm);
        }
        state.unwrap_or_default()
    }

    /// Adds what only the recorder knows: step counts, events and output so far.
    fn fill(&self, state: &mut State, step: u64) {
        let rec = self.recorder();
        state.step = step;
        state.total_steps = self.vm.steps;
        state.total_line_steps = rec.lines.len() as u64;
        state.line_step = rec.line_step_of(step);
        state.events = rec.events_at(step);
        let (out, err) = rec.output_before(step.saturating_add(u64::from(step >= self.vm.steps)));
        state.stdout = out;
        state.stderr = err;
    }
}
