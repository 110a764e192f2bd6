//! The interpreter loop: fetches instructions from the frame on top of the frame stack and
//! dispatches them. Python-to-Python calls push a frame and continue the same loop, so the
//! Rust stack stays flat and a run can stop after any instruction.

mod build;
mod calls;
mod control;
mod names;

pub(crate) use control::GenStep;

use crate::frame::{Frame, Resume};
use crate::object::*;
use crate::vm::{HaltReason, Vm};
use pyscope_compiler::Opcode;

/// What an instruction asks the loop to do next.
pub(crate) enum Ctl {
    Continue,
    /// The boundary frame of this run finished; here is its result.
    Exit(ObjRef),
}

/// How the last nested run ended (a generator may yield instead of returning).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitKind {
    Return,
    Yield,
}

impl Vm {
    #[inline]
    pub(crate) fn frame(&mut self) -> &mut Frame {
        match self.frames.last_mut() {
            Some(f) => f,
            None => unreachable!("the loop only runs with a frame"),
        }
    }

    #[inline]
    pub(crate) fn frame_ref(&self) -> &Frame {
        match self.frames.last() {
            Some(f) => f,
            None => unreachable!("the loop only runs with a frame"),
        }
    }

    #[inline]
    pub(crate) fn push(&mut self, v: ObjRef) {
        self.frame().stack.push(v);
    }

    #[inline]
    pub(crate) fn pop(&mut self) -> ObjRef {
        self.frame().stack.pop().unwrap_or(ObjRef::NULL)
    }

    #[inline]
    pub(crate) fn top(&self) -> ObjRef {
        *self.frame_ref().stack.last().unwrap_or(&ObjRef::NULL)
    }

    /// The value `n` places below the top (0 = top).
    #[inline]
    pub(crate) fn peek(&self, n: usize) -> ObjRef {
        let s = &self.frame_ref().stack;
        s[s.len() - 1 - n]
    }

    /// Runs the frame stack until the frame at index `base` returns or yields.
    pub(crate) fn run_frames(&mut self, base: usize) -> PyResult {
        loop {
            if self.steps >= self.halt_at {
                self.halt_point()?;
            }
            if self.rec.is_some() {
                self.maybe_checkpoint();
            }
            let (ins, fi) = {
                let fi = self.frames.len() - 1;
                let f = &mut self.frames[fi];
                let ins = f.code.code.instrs[f.pc as usize];
                f.lasti = f.pc;
                f.pc += 1;
                (ins, fi)
            };
            if self.rec.is_some() {
                self.record_step(fi)?;
            }
            #[cfg(debug_assertions)]
            self.debug_audit();
            self.steps += 1;
            let r = self.execute(ins.op, ins.arg, base);
            match r {
                Ok(Ctl::Continue) => {}
                Ok(Ctl::Exit(v)) => return Ok(v),
                Err(Flow::Exc(e)) => {
                    if let Some(v) = self.unwind(e, base)? {
                        return Ok(v);
                    }
                }
                Err(Flow::Halt) => return Err(Flow::Halt),
            }
            if !self.heap.pending_finalize.is_empty() {
                self.run_finalizers()?;
            }
        }
    }

    /// Called when `steps` reaches `halt_at`: a replay target, a slice budget or a limit.
    fn halt_point(&mut self) -> PyResult<()> {
        if let Some(target) = self.replay_target {
            if self.steps >= target {
                self.replay_nested = self.native_depth > 0;
                self.capture_state(true);
                return Err(self.halt_with(HaltReason::Target));
            }
        }
        if self.steps >= self.limits.max_steps {
            let msg = format!("stopped after {} steps", self.limits.max_steps);
            return Err(self.halt_with(HaltReason::Limit(pyscope_trace::LimitKind::Steps, msg)));
        }
        if self.native_depth == 0 {
            return Err(self.halt_with(HaltReason::Budget));
        }
        // Inside a nested native call a slice cannot end; try again at the next instruction.
        self.halt_at = self.steps + 1;
        Ok(())
    }

    /// Executes one instruction.
    fn execute(&mut self, op: Opcode, arg: u32, base: usize) -> PyResult<Ctl> {
        use Opcode::*;
        match op {
            NOP | RESUME | CACHE | EXTENDED_ARG | PRECALL => {}
            POP_TOP => {
                let v = self.pop();
                self.decref(v);
            }
            PUSH_NULL => self.push(ObjRef::NULL),
            COPY => {
                let v = self.peek(arg as usize - 1);
                self.incref(v);
                self.push(v);
            }
            SWAP => {
                let s = &mut self.frame().stack;
                let n = s.len();
                s.swap(n - 1, n - arg as usize);
            }
            LOAD_CONST => {
                let v = self.frame_ref().code.consts[arg as usize];
                self.incref(v);
                self.push(v);
            }
            LOAD_FAST => self.op_load_fast(arg)?,
            STORE_FAST => {
                let v = self.pop();
                let old = std::mem::replace(&mut self.frame().fast[arg as usize], v);
                self.decref(old);
            }
            DELETE_FAST => self.op_delete_fast(arg)?,
            LOAD_NAME => self.op_load_name(arg)?,
            STORE_NAME => self.op_store_name(arg)?,
            DELETE_NAME => self.op_delete_name(arg)?,
            LOAD_GLOBAL => self.op_load_global(arg)?,
            STORE_GLOBAL => self.op_store_global(arg)?,
            DELETE_GLOBAL => self.op_delete_global(arg)?,
            MAKE_CELL => self.op_make_cell(arg),
            COPY_FREE_VARS => self.op_copy_free_vars(arg),
            LOAD_CLOSURE => {
                let v = self.frame_ref().fast[arg as usize];
                self.incref(v);
                self.push(v);
            }
            LOAD_DEREF => self.op_load_deref(arg)?,
            LOAD_CLASSDEREF => self.op_load_classderef(arg)?,
            STORE_DEREF => self.op_store_deref(arg),
            DELETE_DEREF => self.op_delete_deref(arg)?,
            LOAD_ATTR => self.op_load_attr(arg)?,
            STORE_ATTR => self.op_store_attr(arg)?,
            DELETE_ATTR => self.op_delete_attr(arg)?,
            LOAD_METHOD => self.op_load_method(arg)?,
            BINARY_OP => self.op_binary(arg)?,
            BINARY_SUBSCR => self.op_binary_subscr()?,
            STORE_SUBSCR => self.op_store_subscr()?,
            DELETE_SUBSCR => self.op_delete_subscr()?,
            COMPARE_OP => self.op_compare(arg)?,
            IS_OP => {
                let b = self.pop();
                let a = self.pop();
                let r = (a == b) != (arg == 1);
                self.decref(a);
                self.decref(b);
                let v = self.bool_obj(r);
                self.push(v);
            }
            CONTAINS_OP => self.op_contains(arg)?,
            UNARY_POSITIVE | UNARY_NEGATIVE | UNARY_INVERT | UNARY_NOT => self.op_unary(op)?,
            BUILD_TUPLE => self.op_build_tuple(arg),
            BUILD_LIST => self.op_build_list(arg),
            BUILD_SET => self.op_build_set(arg)?,
            BUILD_MAP => self.op_build_map(arg)?,
            BUILD_CONST_KEY_MAP => self.op_build_const_key_map(arg)?,
            BUILD_STRING => self.op_build_string(arg),
            BUILD_SLICE => self.op_build_slice(arg),
            LIST_APPEND => self.op_list_append(arg),
            SET_ADD => self.op_set_add(arg)?,
            MAP_ADD => self.op_map_add(arg)?,
            LIST_EXTEND => self.op_list_extend(arg)?,
            SET_UPDATE => self.op_set_update(arg)?,
            DICT_UPDATE => self.op_dict_update(arg, false)?,
            DICT_MERGE => self.op_dict_update(arg, true)?,
            LIST_TO_TUPLE => self.op_list_to_tuple(),
            UNPACK_SEQUENCE => self.op_unpack_sequence(arg)?,
            UNPACK_EX => self.op_unpack_ex(arg)?,
            FORMAT_VALUE => self.op_format_value(arg)?,
            KW_NAMES => {
                let names = self.frame_ref().code.consts[arg as usize];
                self.frame().kw_names = names;
            }
            CALL => return self.op_call(arg),
            CALL_FUNCTION_EX => return self.op_call_function_ex(arg),
            MAKE_FUNCTION => self.op_make_function(arg)?,
            LOAD_BUILD_CLASS => {
                let f = self.builtin_named("__build_class__")?;
                self.push(f);
            }
            RETURN_VALUE => return self.op_return(base),
            JUMP_FORWARD | JUMP_BACKWARD | JUMP_BACKWARD_NO_INTERRUPT => self.frame().pc = arg,
            POP_JUMP_FORWARD_IF_FALSE | POP_JUMP_BACKWARD_IF_FALSE => {
                self.op_pop_jump_if(arg, false)?
            }
            POP_JUMP_FORWARD_IF_TRUE | POP_JUMP_BACKWARD_IF_TRUE => {
                self.op_pop_jump_if(arg, true)?
            }
            POP_JUMP_FORWARD_IF_NONE | POP_JUMP_BACKWARD_IF_NONE => {
                self.op_pop_jump_if_none(arg, true)
            }
            POP_JUMP_FORWARD_IF_NOT_NONE | POP_JUMP_BACKWARD_IF_NOT_NONE => {
                self.op_pop_jump_if_none(arg, false)
            }
            JUMP_IF_FALSE_OR_POP => self.op_jump_or_pop(arg, false)?,
            JUMP_IF_TRUE_OR_POP => self.op_jump_or_pop(arg, true)?,
            GET_ITER => self.op_get_iter()?,
            GET_YIELD_FROM_ITER => self.op_get_yield_from_iter()?,
            FOR_ITER => return self.op_for_iter(arg),
            SEND => return self.op_send(arg),
            YIELD_VALUE => return self.op_yield(base),
            RETURN_GENERATOR => return self.op_return_generator(base),
            GET_AWAITABLE => self.op_get_awaitable(arg)?,
            GET_AITER => self.op_get_aiter()?,
            GET_ANEXT => self.op_get_anext()?,
            END_ASYNC_FOR => self.op_end_async_for()?,
            BEFORE_ASYNC_WITH => self.op_before_with(true)?,
            ASYNC_GEN_WRAP => {}
            RAISE_VARARGS => return self.op_raise(arg),
            RERAISE => return self.op_reraise(arg),
            PUSH_EXC_INFO => self.op_push_exc_info(),
            POP_EXCEPT => {
                let prev = self.pop();
                let old = std::mem::replace(&mut self.exc_info, prev);
                self.decref(old);
            }
            CHECK_EXC_MATCH => self.op_check_exc_match()?,
            LOAD_ASSERTION_ERROR => {
                let e = self.share(self.e.assertion_error);
                self.push(e);
            }
            BEFORE_WITH => self.op_before_with(false)?,
            WITH_EXCEPT_START => self.op_with_except_start()?,
            IMPORT_NAME => self.op_import_name(arg)?,
            IMPORT_FROM => self.op_import_from(arg)?,
            IMPORT_STAR => self.op_import_star()?,
            SETUP_ANNOTATIONS => self.op_setup_annotations()?,
            PRINT_EXPR => self.op_print_expr()?,
            GET_LEN => self.op_get_len()?,
            MATCH_MAPPING => self.op_match_kind(true),
            MATCH_SEQUENCE => self.op_match_kind(false),
            MATCH_KEYS => self.op_match_keys()?,
            MATCH_CLASS => self.op_match_class(arg)?,
            CHECK_EG_MATCH | PREP_RERAISE_STAR => {
                return Err(self.new_exc(self.e.system_error, "except* is not supported"));
            }
            SETUP_FINALLY | SETUP_CLEANUP | SETUP_WITH | POP_BLOCK | JUMP | JUMP_NO_INTERRUPT
            | POP_JUMP_IF_FALSE | POP_JUMP_IF_TRUE | POP_JUMP_IF_NONE | POP_JUMP_IF_NOT_NONE => {
                return Err(
                    self.new_exc(self.e.system_error, "pseudo-instruction in assembled code")
                );
            }
        }
        Ok(Ctl::Continue)
    }

    /// Finds a handler for `e` in the current frame or its callers, up to `base`. Returns
    /// `Ok(None)` when a handler takes over, `Err` when the exception leaves the run.
    fn unwind(&mut self, e: ObjRef, base: usize) -> PyResult<Option<ObjRef>> {
        let reraise = std::mem::take(&mut self.reraising);
        if !reraise {
            self.set_context(e);
            self.add_traceback(e);
            self.record_exception(e);
        }
        let mut e = e;
        // RERAISE restores `lasti` (for the traceback and the next handler) but the handler
        // is still looked up at the RERAISE itself, as CPython does.
        let mut lookup_at_pc = reraise;
        loop {
            let frame = self.frame_ref();
            let lasti = frame.lasti;
            let at = if std::mem::take(&mut lookup_at_pc) {
                frame.pc.saturating_sub(1)
            } else {
                lasti
            };
            if let Some(h) = frame.code.code.handler_for(at).copied() {
                while self.frame_ref().stack.len() > h.depth as usize {
                    let v = self.pop();
                    self.decref(v);
                }
                if h.lasti {
                    let l = self.new_int(i64::from(lasti));
                    self.push(l);
                }
                self.push(e);
                self.frame().pc = h.target;
                return Ok(None);
            }
            let index = self.frames.len() - 1;
            let f = self.frames.pop().expect("a frame is unwinding");
            e = self.leave_frame_with_exception(f, e);
            if index == base {
                return Err(Flow::Exc(e));
            }
            self.record_unwind();
            self.add_traceback(e);
        }
    }

    /// Releases a frame an exception is leaving; generators finish (and turn a
    /// `StopIteration` into `RuntimeError`, PEP 479).
    fn leave_frame_with_exception(&mut self, f: Frame, e: ObjRef) -> ObjRef {
        let genr = f.generator;
        self.release_frame(f);
        if genr.is_null() {
            return e;
        }
        self.finish_generator(genr);
        if self.exc_matches(e, self.e.stop_iteration)
            || self.exc_matches(e, self.e.stop_async_iteration)
        {
            let what = match self.kind(genr) {
                Kind::Generator(g) if g.kind == GenKind::Coroutine => "coroutine",
                Kind::Generator(g) if g.kind == GenKind::AsyncGenerator => "async generator",
                _ => "generator",
            };
            let msg = if self.exc_matches(e, self.e.stop_async_iteration) {
                format!("{what} raised StopAsyncIteration")
            } else {
                format!("{what} raised StopIteration")
            };
            let Flow::Exc(new) = self.runtime_error(msg) else {
                unreachable!("runtime_error makes an exception")
            };
            self.exc_mut(new).cause = e;
            self.exc_mut(new).suppress_context = true;
            self.incref(e);
            self.exc_mut(new).context = e;
            return new;
        }
        e
    }

    /// Sets `__context__` to the exception being handled, as raising inside a handler does.
    fn set_context(&mut self, e: ObjRef) {
        let handled = self.exc_info;
        if handled.is_null() || handled == e || !self.is_exception(handled) {
            return;
        }
        // Avoid creating a cycle through the context chain.
        let mut o = handled;
        let mut guard = 0;
        while !o.is_null() && guard < 1000 {
            let next = self.exc_obj(o).context;
            if next == e {
                let old = std::mem::replace(&mut self.exc_mut(o).context, ObjRef::NULL);
                self.decref(old);
                break;
            }
            o = next;
            guard += 1;
        }
        self.incref(handled);
        let old = std::mem::replace(&mut self.exc_mut(e).context, handled);
        self.decref(old);
    }

    /// Appends the current frame's position to the exception's traceback.
    fn add_traceback(&mut self, e: ObjRef) {
        if !self.is_exception(e) {
            return;
        }
        let f = self.frame_ref();
        let entry = TbEntry {
            code: f.code.clone(),
            instr: f.lasti,
        };
        self.exc_mut(e).traceback.push(entry);
    }

    /// Drops every reference a frame holds.
    pub(crate) fn release_frame(&mut self, f: Frame) {
        let mut refs = Vec::with_capacity(f.stack.len() + f.fast.len() + 5);
        f.children(&mut refs);
        for r in refs {
            self.decref(r);
        }
    }

    /// Pushes a frame, enforcing the recursion limit.
    pub(crate) fn push_frame(&mut self, f: Frame) -> PyResult<()> {
        if self.frames.len() >= self.recursion_limit as usize {
            self.release_frame(f);
            return Err(self.new_exc(self.e.recursion_error, "maximum recursion depth exceeded"));
        }
        if self.rec.is_some() {
            self.record_call(&f);
        }
        self.frames.push(f);
        Ok(())
    }

    fn op_return(&mut self, base: usize) -> PyResult<Ctl> {
        let value = self.pop();
        if self.rec.is_some() {
            self.record_return(value);
        }
        let index = self.frames.len() - 1;
        let f = self.frames.pop().expect("returning from a frame");
        let genr = f.generator;
        let resume = f.resume;
        let inst = f.init_instance;
        if !inst.is_null() {
            let none = value == self.none;
            let type_name = self.type_name(value);
            self.incref(inst);
            self.release_frame(f);
            self.decref(value);
            if !none {
                self.decref(inst);
                return Err(
                    self.type_error(format!("__init__() should return None, not '{type_name}'"))
                );
            }
            if index == base {
                self.last_exit = ExitKind::Return;
                return Ok(Ctl::Exit(inst));
            }
            self.push(inst);
            return Ok(Ctl::Continue);
        }
        self.release_frame(f);
        if !genr.is_null() {
            self.finish_generator(genr);
            return self.generator_returned(value, resume, index == base);
        }
        if index == base {
            self.last_exit = ExitKind::Return;
            return Ok(Ctl::Exit(value));
        }
        self.push(value);
        Ok(Ctl::Continue)
    }

    /// Calls a Python function object: binds the arguments (owned by the callee afterwards)
    /// and runs it to completion in a nested run. Used by native code.
    pub(crate) fn run_nested(&mut self, frame: Frame) -> PyResult {
        if self.native_depth >= MAX_NATIVE_DEPTH {
            self.release_frame(frame);
            return Err(self.new_exc(
                self.e.recursion_error,
                "maximum recursion depth exceeded while calling a Python object",
            ));
        }
        self.push_frame(frame)?;
        let base = self.frames.len() - 1;
        self.frames[base].boundary = true;
        self.native_depth += 1;
        let r = self.run_frames(base);
        self.native_depth -= 1;
        r
    }
}

/// How deep native code may nest Python calls before `RecursionError` (keeps the Rust and
/// wasm stacks safe).
pub const MAX_NATIVE_DEPTH: u32 = 150;

impl Resume {
    pub fn is_none(self) -> bool {
        self == Resume::None
    }
}
