//! Running a program: starting the `__main__` module, resuming it in slices, and ending it
//! the way `python3` does (tracebacks on stderr, `SystemExit` codes, module teardown).

use pyscope_compiler::Mode;
use pyscope_trace::{LimitKind, Outcome};

use crate::frame::Frame;
use crate::object::*;
use crate::vm::{HaltReason, Vm};

impl Vm {
    /// Compiles `source` as the `__main__` module and prepares its frame. A syntax error is
    /// reported on stderr (as `python3` does, without a traceback header) and ends the run.
    pub fn start_main(&mut self, filename: &str, source: &str) -> Outcome {
        self.main_file = filename.to_string();
        if !self.files.iter().any(|f| f.name == filename) {
            self.files.insert(
                0,
                crate::vm::SourceText {
                    name: filename.to_string(),
                    text: source.into(),
                },
            );
        }
        let code = match pyscope_compiler::compile(source, filename, Mode::Exec) {
            Ok(code) => code,
            Err(err) => {
                let text = self.format_compile_error(&err, filename, source);
                let _ = self.write_output(&text, true);
                self.flush_output();
                let at = err.location(source);
                let message = text.lines().last().unwrap_or_default().to_string();
                return Outcome::SyntaxError {
                    message,
                    line: at.line,
                    col: at.offset,
                    end_line: at.end_line,
                    end_col: at.end_offset,
                };
            }
        };
        let module = self.new_module("__main__", Some(filename.to_string()), true);
        let globals = self.heap.get(module).dict;
        let b = self.share(self.builtins);
        self.dict_set_name(globals, "__builtins__", b);
        let none = self.none();
        self.dict_set_name(globals, "__spec__", none);
        self.dict_set_name(self.sys_modules, "__main__", module);
        let loaded = self.load_code(&code);
        let id = self.new_frame_id();
        self.incref(globals);
        self.incref(globals);
        let builtins = self.share(self.builtins_dict);
        let mut frame = Frame::new(loaded, globals, builtins, globals, id);
        frame.boundary = true;
        self.frames.push(frame);
        Outcome::Running
    }

    /// The text `python3` prints for a file that does not compile.
    pub fn format_compile_error(
        &mut self,
        err: &pyscope_compiler::CompileError,
        filename: &str,
        source: &str,
    ) -> String {
        let e = self.syntax_error_from(err, filename, source);
        let text = self.format_exception(e);
        self.decref(e);
        text
    }

    /// Runs the program for at most `budget` more instructions. Returns `Outcome::Running`
    /// when the budget ran out and the run can be resumed.
    pub fn resume(&mut self, budget: u64) -> Outcome {
        if self.frames.is_empty() {
            return Outcome::Finished { exit_status: 0 };
        }
        self.halt = None;
        self.halt_at = self.steps.saturating_add(budget).min(self.limits.max_steps);
        let result = self.run_frames(0);
        self.halt_at = u64::MAX;
        let outcome = match result {
            Ok(v) => {
                self.decref(v);
                self.capture_end_state(true);
                self.finish_main(0)
            }
            Err(Flow::Exc(e)) => self.uncaught(e),
            Err(Flow::Halt) => self.halted(),
        };
        self.flush_output();
        outcome
    }

    /// The outcome of a run that stopped with `Flow::Halt`.
    fn halted(&mut self) -> Outcome {
        match self.halt.take() {
            Some(HaltReason::Budget) | Some(HaltReason::Target) | None => Outcome::Running,
            Some(HaltReason::Exit(code)) => self.finish_main(code),
            Some(HaltReason::Stopped) => self.stop_here(),
            Some(HaltReason::NeedInput(prompt)) => {
                self.abandon_frames();
                Outcome::WaitingForInput { prompt }
            }
            Some(HaltReason::Limit(limit, message)) => {
                self.capture_end_state(limit == LimitKind::Steps);
                self.abandon_frames();
                let text = match limit {
                    LimitKind::HeapObjects => format!("{message}\n"),
                    _ => format!("Stopped: {message}\n"),
                };
                self.out.bytes = 0;
                let _ = self.write_output(&text, true);
                Outcome::Limit { limit, message }
            }
        }
    }

    /// An exception left the main module: `SystemExit` sets the exit status, anything else
    /// prints its traceback.
    fn uncaught(&mut self, e: ObjRef) -> Outcome {
        let handled = std::mem::replace(&mut self.exc_info, e);
        self.capture_end_state(true);
        self.exc_info = handled;
        if self.exc_matches(e, self.e.system_exit) {
            let code = self.system_exit_code(e);
            self.decref(e);
            return self.finish_main(code);
        }
        let text = self.format_exception(e);
        let _ = self.write_output(&text, true);
        let message = text.lines().last().unwrap_or_default().to_string();
        self.decref(e);
        let exit_status = match self.finish_main(1) {
            Outcome::Finished { exit_status } => exit_status,
            _ => 1,
        };
        Outcome::Exception {
            message,
            exit_status,
        }
    }

    /// The exit status a `SystemExit` asks for; a non-integer code is printed to stderr.
    fn system_exit_code(&mut self, e: ObjRef) -> i32 {
        let args = self.tuple_items(self.exc_obj(e).args).to_vec();
        let code = match args.as_slice() {
            [] => return 0,
            [c] => *c,
            _ => self.exc_obj(e).args,
        };
        if code == self.none {
            return 0;
        }
        if let Kind::Int(i) = self.kind(code) {
            return *i as i32;
        }
        if let Ok(text) = self.str_string(code) {
            let _ = self.write_output(&format!("{text}\n"), true);
        }
        1
    }

    /// Ends the run as the interpreter shuts down: drops leftover frames and clears the
    /// `__main__` namespace (names starting with `_` first, as CPython's module teardown
    /// does), so finalizers of objects still referenced there run.
    fn finish_main(&mut self, exit_status: i32) -> Outcome {
        self.abandon_frames();
        let main = self.dict_get_by_name(self.sys_modules, "__main__");
        let Some(main) = main else {
            return Outcome::Finished { exit_status };
        };
        let d = self.heap.get(main).dict;
        if d.is_null() {
            return Outcome::Finished { exit_status };
        }
        for underscore_pass in [true, false] {
            for (k, _) in self.dict_items(d) {
                let name = self.str_of(k).to_string();
                if name == "__builtins__" || name.starts_with('_') != underscore_pass {
                    continue;
                }
                let none = self.none();
                self.dict_set_name(d, &name, none);
                if !self.heap.pending_finalize.is_empty() && self.run_finalizers().is_err() {
                    return Outcome::Finished { exit_status };
                }
            }
        }
        Outcome::Finished { exit_status }
    }

    /// Runs this copy of a recorded VM (a checkpoint, or an earlier replay) up to `target`
    /// and returns the state there, and whether this copy can continue to a later step
    /// (not when the target fell inside native code, whose Rust frames the halt unwound).
    pub fn replay_to(&mut self, target: u64) -> (Option<pyscope_trace::State>, bool) {
        self.out.stream = false;
        self.stdin_live = false;
        self.replay_target = Some(target);
        self.halt_at = target;
        self.halt = None;
        self.captured = None;
        let result = self.run_frames(0);
        self.replay_target = None;
        let state = self.captured.take().map(|s| *s);
        let resumable = matches!(result, Err(Flow::Halt))
            && self.halt == Some(HaltReason::Target)
            && !self.replay_nested;
        if let Ok(v) = result {
            self.decref(v);
        }
        let resumable = resumable && state.is_some();
        (state, resumable)
    }

    /// Ends a paused run at the user's request, keeping the state it stopped in.
    pub fn stop_here(&mut self) -> Outcome {
        self.capture_end_state(true);
        self.abandon_frames();
        Outcome::Stopped
    }

    /// While recording, keeps the state the run ends in (taken before teardown).
    fn capture_end_state(&mut self, at_loop_top: bool) {
        if self.rec.is_some() {
            self.capture_state(at_loop_top);
        }
    }

    /// Releases every frame still on the stack (a run that ended early).
    fn abandon_frames(&mut self) {
        while let Some(f) = self.frames.pop() {
            self.release_frame(f);
        }
    }
}
