//! The step positions the controls move through, and how they map to trace steps.
//!
//! Positions are the run's line steps, plus one final position at the last recorded
//! instruction (the module's `return`, where `<module>` and its globals are still shown) when
//! that instruction is not already the start of the last line step.

use pyscope_protocol::At;
use pyscope_trace::{LineStep, TraceSummary};

/// The browsable extent of one recorded run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Timeline {
    /// Instruction steps recorded.
    pub steps: u64,
    /// Line steps recorded.
    pub line_steps: u64,
    /// The instruction step of the extra final position, if there is one.
    pub end_step: Option<u64>,
}

impl Timeline {
    /// The timeline of a finished recording; `last_line` is the last line step's entry.
    pub fn new(summary: &TraceSummary, last_line: Option<LineStep>) -> Timeline {
        let last_instr = summary.steps.checked_sub(1);
        let end_step = match (last_instr, last_line) {
            (Some(end), Some(l)) if l.step < end => Some(end),
            (Some(end), None) => Some(end),
            _ => None,
        };
        Timeline {
            steps: summary.steps,
            line_steps: summary.line_steps,
            end_step,
        }
    }

    /// How many positions there are.
    pub fn positions(&self) -> u64 {
        self.line_steps + u64::from(self.end_step.is_some())
    }

    /// The last position (0 when there are none).
    pub fn last(&self) -> u64 {
        self.positions().saturating_sub(1)
    }

    /// Which step to fetch for a 0-based position (clamped to the timeline).
    pub fn at(&self, position: u64) -> At {
        let p = position.min(self.last());
        match self.end_step {
            Some(end) if p >= self.line_steps => At::Step(end),
            _ => At::LineStep(p),
        }
    }

    /// The position that shows a state taken at instruction `step` inside line step `line_step`.
    pub fn position_of(&self, step: u64, line_step: u64) -> u64 {
        match self.end_step {
            Some(end) if step >= end => self.last(),
            _ => line_step.min(self.last()),
        }
    }

    /// The instruction step `delta` instructions away from `step`, kept inside the run.
    pub fn instruction(&self, step: u64, delta: i64) -> Option<At> {
        if self.steps == 0 {
            return None;
        }
        let target = step.saturating_add_signed(delta).min(self.steps - 1);
        Some(At::Step(target))
    }

    /// The counter's text for a position: `Step 3 of 12`, counted from 1.
    pub fn counter(&self, position: u64) -> String {
        if self.positions() == 0 {
            return "Step 0 of 0".to_string();
        }
        format!(
            "Step {} of {}",
            position.min(self.last()) + 1,
            self.positions()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(steps: u64, line_steps: u64) -> TraceSummary {
        TraceSummary {
            steps,
            line_steps,
            ..Default::default()
        }
    }

    fn line(step: u64) -> Option<LineStep> {
        Some(LineStep {
            step,
            file: 0,
            line: 4,
            depth: 0,
            thread: 0,
        })
    }

    #[test]
    fn adds_the_module_return_after_the_last_line() {
        let t = Timeline::new(&summary(12, 4), line(8));
        assert_eq!(t.positions(), 5);
        assert_eq!(t.at(0), At::LineStep(0));
        assert_eq!(t.at(3), At::LineStep(3));
        assert_eq!(t.at(4), At::Step(11));
        assert_eq!(t.at(99), At::Step(11));
        assert_eq!(t.counter(4), "Step 5 of 5");
        assert_eq!(t.position_of(11, 3), 4);
        assert_eq!(t.position_of(9, 3), 3);
    }

    #[test]
    fn no_extra_position_when_the_last_line_is_the_last_instruction() {
        let t = Timeline::new(&summary(12, 4), line(11));
        assert_eq!(t.positions(), 4);
        assert_eq!(t.at(7), At::LineStep(3));
        assert_eq!(t.counter(0), "Step 1 of 4");
    }

    #[test]
    fn empty_runs_have_no_positions() {
        let t = Timeline::new(&summary(0, 0), None);
        assert_eq!(
            (t.positions(), t.counter(0)),
            (0, "Step 0 of 0".to_string())
        );
        assert_eq!(t.instruction(0, 1), None);
    }

    #[test]
    fn instruction_steps_stay_inside_the_run() {
        let t = Timeline::new(&summary(12, 4), line(8));
        assert_eq!(t.instruction(0, -1), Some(At::Step(0)));
        assert_eq!(t.instruction(5, 1), Some(At::Step(6)));
        assert_eq!(t.instruction(11, 1), Some(At::Step(11)));
    }
}
