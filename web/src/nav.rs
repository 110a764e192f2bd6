//! The step positions the controls move through, and how they map to trace steps.
//!
//! Positions are the run's line steps, plus one final position: the state the run ended in
//! (for a finished program, the module's return, where `<module>` and its globals are still
//! shown; for a failed one, with the traceback written). A run with no steps at all (a
//! syntax error) has no positions.

use std::collections::BTreeSet;

use pyscope_protocol::At;
use pyscope_trace::{LineStep, TraceSummary};

/// A move that needs to know where every line step is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Seek {
    /// To the next line step in this frame or a caller (calls are run through).
    Over,
    /// To the next line step in a caller.
    Out,
    /// To the next line step that runs `line` of file `file` (an index into the files).
    ToLine { file: usize, line: u32 },
    /// To the next line step on a breakpoint, or the end.
    Continue,
    /// To the previous line step on a breakpoint, or the start.
    ContinueBack,
}

/// Where `how` goes from `position`, given the line-step `index`, the file names and the
/// breakpoints; `None` when it goes nowhere.
pub fn seek(
    index: &[LineStep],
    t: &Timeline,
    position: u64,
    how: &Seek,
    files: &[String],
    breakpoints: &BTreeSet<(String, u32)>,
) -> Option<u64> {
    let p = position as usize;
    let here = index.get(p)?;
    let later = || index.iter().enumerate().skip(p + 1);
    let on_bp = |l: &LineStep| {
        files
            .get(l.file as usize)
            .is_some_and(|f| breakpoints.contains(&(f.clone(), l.line)))
    };
    let found = match how {
        Seek::Over => later().find(|(_, l)| l.depth <= here.depth).map(|(k, _)| k),
        Seek::Out => later().find(|(_, l)| l.depth < here.depth).map(|(k, _)| k),
        Seek::ToLine { file, line } => {
            return later()
                .find(|(_, l)| l.file as usize == *file && l.line == *line)
                .map(|(k, _)| k as u64);
        }
        Seek::Continue => later().find(|(_, l)| on_bp(l)).map(|(k, _)| k),
        Seek::ContinueBack => {
            return Some(index[..p].iter().rposition(on_bp).map_or(0, |k| k as u64));
        }
    };
    Some(found.map_or(t.last(), |k| k as u64))
}

/// The positions whose line has a breakpoint, for the slider's ticks.
pub fn breakpoint_positions(
    index: &[LineStep],
    files: &[String],
    breakpoints: &BTreeSet<(String, u32)>,
) -> Vec<u64> {
    index
        .iter()
        .enumerate()
        .filter(|(_, l)| {
            files
                .get(l.file as usize)
                .is_some_and(|f| breakpoints.contains(&(f.clone(), l.line)))
        })
        .map(|(k, _)| k as u64)
        .collect()
}

/// The browsable extent of one recorded run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Timeline {
    /// Instruction steps recorded; the end state is at this step number.
    pub steps: u64,
    /// Line steps recorded.
    pub line_steps: u64,
}

impl Timeline {
    /// The timeline of a recording that has ended.
    pub fn new(summary: &TraceSummary) -> Timeline {
        Timeline {
            steps: summary.steps,
            line_steps: summary.line_steps,
        }
    }

    /// How many positions there are.
    pub fn positions(&self) -> u64 {
        if self.steps == 0 {
            0
        } else {
            self.line_steps + 1
        }
    }

    /// The last position (0 when there are none).
    pub fn last(&self) -> u64 {
        self.positions().saturating_sub(1)
    }

    /// Which step to fetch for a 0-based position (clamped to the timeline).
    pub fn at(&self, position: u64) -> At {
        if position < self.line_steps {
            At::LineStep(position)
        } else {
            At::Step(self.steps)
        }
    }

    /// The position that shows a state taken at instruction `step` inside line step `line_step`.
    pub fn position_of(&self, step: u64, line_step: u64) -> u64 {
        if step >= self.steps {
            self.last()
        } else {
            line_step.min(self.last())
        }
    }

    /// The instruction step `delta` instructions away from `step`, kept inside the run (the
    /// end state counts as the step after the last instruction).
    pub fn instruction(&self, step: u64, delta: i64) -> Option<At> {
        if self.steps == 0 {
            return None;
        }
        Some(At::Step(step.saturating_add_signed(delta).min(self.steps)))
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

    fn timeline(steps: u64, line_steps: u64) -> Timeline {
        Timeline::new(&TraceSummary {
            steps,
            line_steps,
            ..Default::default()
        })
    }

    #[test]
    fn the_end_state_follows_the_last_line() {
        let t = timeline(12, 4);
        assert_eq!(t.positions(), 5);
        assert_eq!(t.at(0), At::LineStep(0));
        assert_eq!(t.at(3), At::LineStep(3));
        assert_eq!(t.at(4), At::Step(12));
        assert_eq!(t.at(99), At::Step(12));
        assert_eq!(t.counter(4), "Step 5 of 5");
        assert_eq!(t.counter(0), "Step 1 of 5");
        assert_eq!(t.position_of(12, 3), 4);
        assert_eq!(t.position_of(9, 3), 3);
    }

    #[test]
    fn runs_without_steps_have_no_positions() {
        let t = timeline(0, 0);
        assert_eq!(
            (t.positions(), t.counter(0)),
            (0, "Step 0 of 0".to_string())
        );
        assert_eq!(t.instruction(0, 1), None);
        let only_end = timeline(3, 0);
        assert_eq!((only_end.positions(), only_end.at(0)), (1, At::Step(3)));
    }

    fn line(line: u32, depth: u32) -> LineStep {
        LineStep {
            line,
            depth,
            ..Default::default()
        }
    }

    #[test]
    fn seeks_over_out_to_lines_and_breakpoints() {
        // def f(): (lines 2, 3 at depth 1) called from line 5 twice, then line 6.
        let index = [
            line(1, 0),
            line(5, 0),
            line(2, 1),
            line(3, 1),
            line(5, 0),
            line(2, 1),
            line(3, 1),
            line(6, 0),
        ];
        let t = timeline(40, index.len() as u64);
        let files = vec!["main.py".to_string()];
        let none = BTreeSet::new();
        let go =
            |p, how: Seek, bps: &BTreeSet<(String, u32)>| seek(&index, &t, p, &how, &files, bps);
        assert_eq!(go(1, Seek::Over, &none), Some(4));
        assert_eq!(go(2, Seek::Over, &none), Some(3));
        assert_eq!(go(2, Seek::Out, &none), Some(4));
        assert_eq!(go(7, Seek::Over, &none), Some(8));
        assert_eq!(go(8, Seek::Over, &none), None);
        assert_eq!(go(0, Seek::ToLine { file: 0, line: 3 }, &none), Some(3));
        assert_eq!(go(3, Seek::ToLine { file: 0, line: 3 }, &none), Some(6));
        assert_eq!(go(6, Seek::ToLine { file: 0, line: 3 }, &none), None);
        let bps: BTreeSet<_> = [("main.py".to_string(), 2)].into();
        assert_eq!(go(0, Seek::Continue, &bps), Some(2));
        assert_eq!(go(2, Seek::Continue, &bps), Some(5));
        assert_eq!(go(5, Seek::Continue, &bps), Some(8));
        assert_eq!(go(5, Seek::ContinueBack, &bps), Some(2));
        assert_eq!(go(2, Seek::ContinueBack, &bps), Some(0));
        assert_eq!(breakpoint_positions(&index, &files, &bps), [2, 5]);
    }

    #[test]
    fn instruction_steps_stay_inside_the_run() {
        let t = timeline(12, 4);
        assert_eq!(t.instruction(0, -1), Some(At::Step(0)));
        assert_eq!(t.instruction(5, 1), Some(At::Step(6)));
        assert_eq!(t.instruction(11, 1), Some(At::Step(12)));
        assert_eq!(t.instruction(12, 1), Some(At::Step(12)));
    }
}
