//! Control flow instructions: conditional jumps, iteration, generators (`yield`, `send`,
//! resumption from the loop or from native code), raising and handling exceptions, and
//! `with` blocks.

use super::{Ctl, ExitKind};
use crate::frame::{Frame, Resume};
use crate::object::*;
use crate::vm::Vm;

/// What a generator did when resumed from native code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GenStep {
    Yielded(ObjRef),
    Returned(ObjRef),
}

impl Vm {
    pub(super) fn op_pop_jump_if(&mut self, target: u32, cond: bool) -> PyResult<()> {
        let v = self.pop();
        let t = self.truthy(v);
        self.decref(v);
        if t? == cond {
            self.frame().pc = target;
        }
        Ok(())
    }

    pub(super) fn op_pop_jump_if_none(&mut self, target: u32, if_none: bool) {
        let v = self.pop();
        let is_none = v == self.none;
        self.decref(v);
        if is_none == if_none {
            self.frame().pc = target;
        }
    }

    pub(super) fn op_jump_or_pop(&mut self, target: u32, cond: bool) -> PyResult<()> {
        let v = self.top();
        if self.truthy(v)? == cond {
            self.frame().pc = target;
        } else {
            let v = self.pop();
            self.decref(v);
        }
        Ok(())
    }

    pub(super) fn op_get_iter(&mut self) -> PyResult<()> {
        let v = self.pop();
        let r = self.iter(v);
        self.decref(v);
        let it = r?;
        self.push(it);
        Ok(())
    }

    pub(super) fn op_get_yield_from_iter(&mut self) -> PyResult<()> {
        let v = self.top();
        if matches!(self.kind(v), Kind::Generator(_)) {
            return Ok(());
        }
        let v = self.pop();
        let r = self.iter(v);
        self.decref(v);
        let it = r?;
        self.push(it);
        Ok(())
    }

    /// Whether `it` is a plain generator the loop can resume directly.
    fn resumable_in_loop(&self, it: ObjRef) -> bool {
        matches!(self.kind(it), Kind::Generator(g) if g.kind != GenKind::AsyncGenerator && !g.running && !g.finished && g.frame.is_some())
    }

    pub(super) fn op_for_iter(&mut self, target: u32) -> PyResult<Ctl> {
        let it = self.top();
        if self.resumable_in_loop(it) {
            let none = self.none();
            self.resume_in_loop(it, none, Resume::ForIter { target })?;
            return Ok(Ctl::Continue);
        }
        match self.next(it)? {
            Some(v) => self.push(v),
            None => {
                let it = self.pop();
                self.decref(it);
                self.frame().pc = target;
            }
        }
        Ok(Ctl::Continue)
    }

    pub(super) fn op_send(&mut self, target: u32) -> PyResult<Ctl> {
        let v = self.pop();
        let receiver = self.top();
        if self.resumable_in_loop(receiver) {
            self.resume_in_loop(receiver, v, Resume::Send { target })?;
            return Ok(Ctl::Continue);
        }
        let r = if v == self.none {
            self.next(receiver).map(|o| match o {
                Some(y) => GenStep::Yielded(y),
                None => GenStep::Returned(self.last_stop_value()),
            })
        } else {
            self.send_to(receiver, v)
        };
        self.decref(v);
        match r? {
            GenStep::Yielded(y) => self.push(y),
            GenStep::Returned(value) => {
                let recv = self.pop();
                self.decref(recv);
                self.push(value);
                self.frame().pc = target;
            }
        }
        Ok(Ctl::Continue)
    }

    /// Pushes a suspended generator frame on the frame stack, sending `value` (owned) in.
    fn resume_in_loop(&mut self, genr: ObjRef, value: ObjRef, mode: Resume) -> PyResult<()> {
        let mut frame = self.take_generator_frame(genr, value)?;
        frame.resume = mode;
        frame.boundary = false;
        self.enter_generator_frame(frame)
    }

    /// Takes the frame out of a generator and pushes `value` as the result of its `yield`.
    fn take_generator_frame(&mut self, genr: ObjRef, value: ObjRef) -> PyResult<Box<Frame>> {
        let Kind::Generator(g) = &mut self.heap.get_mut(genr).kind else {
            self.decref(value);
            return Err(self.type_error("not a generator"));
        };
        if g.running {
            self.decref(value);
            return Err(self.value_error("generator already executing"));
        }
        let Some(mut frame) = g.frame.take() else {
            self.decref(value);
            return Err(self.runtime_error("cannot resume a finished generator"));
        };
        g.running = true;
        g.started = true;
        frame.stack.push(value);
        Ok(frame)
    }

    fn enter_generator_frame(&mut self, mut frame: Box<Frame>) -> PyResult<()> {
        let gen_exc = std::mem::replace(&mut self.exc_info, frame.saved_exc);
        frame.saved_exc = gen_exc;
        self.record_resume(&frame);
        if self.frames.len() >= self.recursion_limit as usize {
            let genr = frame.generator;
            self.suspend_frame(*frame, genr);
            return Err(self.new_exc(self.e.recursion_error, "maximum recursion depth exceeded"));
        }
        self.frames.push(*frame);
        Ok(())
    }

    /// Puts a frame back into its generator (after `yield`), restoring the caller's handled
    /// exception.
    fn suspend_frame(&mut self, mut frame: Frame, genr: ObjRef) {
        let caller_exc = std::mem::replace(&mut frame.saved_exc, ObjRef::NULL);
        let gen_exc = std::mem::replace(&mut self.exc_info, caller_exc);
        frame.saved_exc = gen_exc;
        frame.resume = Resume::None;
        frame.boundary = false;
        if let Kind::Generator(g) = &mut self.heap.get_mut(genr).kind {
            g.frame = Some(Box::new(frame));
            g.running = false;
        }
    }

    pub(super) fn op_yield(&mut self, base: usize) -> PyResult<Ctl> {
        let value = self.pop();
        let index = self.frames.len() - 1;
        let frame = self.frames.pop().expect("yielding frame");
        let genr = frame.generator;
        let resume = frame.resume;
        self.record_yield(&frame);
        self.suspend_frame(frame, genr);
        match resume {
            Resume::Native | Resume::None => {
                debug_assert_eq!(index, base);
                self.last_exit = ExitKind::Yield;
                Ok(Ctl::Exit(value))
            }
            Resume::ForIter { .. } | Resume::Send { .. } => {
                self.push(value);
                Ok(Ctl::Continue)
            }
        }
    }

    /// `RETURN_GENERATOR`: the new frame becomes a generator object handed to the caller.
    pub(super) fn op_return_generator(&mut self, base: usize) -> PyResult<Ctl> {
        let index = self.frames.len() - 1;
        let mut frame = self.frames.pop().expect("frame for RETURN_GENERATOR");
        let code = frame.code.clone();
        let flags = code.code.flags;
        use pyscope_compiler::code::flags as f;
        let kind = if flags & f::COROUTINE != 0 {
            GenKind::Coroutine
        } else if flags & f::ASYNC_GENERATOR != 0 {
            GenKind::AsyncGenerator
        } else {
            GenKind::Generator
        };
        let (name, qualname) = match self.kind(frame.func) {
            Kind::Function(func) => (func.name, func.qualname),
            _ => (self.empty_str, self.empty_str),
        };
        self.incref(name);
        self.incref(qualname);
        let class = match kind {
            GenKind::Generator => self.t.generator,
            GenKind::Coroutine => self.t.coroutine,
            GenKind::AsyncGenerator => self.t.async_generator,
        };
        frame.boundary = false;
        frame.resume = Resume::None;
        let g = GenObj {
            frame: None,
            name,
            qualname,
            kind,
            running: false,
            started: false,
            finished: false,
            code,
        };
        let genr = self.alloc(class, Kind::Generator(Box::new(g)));
        frame.generator = genr;
        if let Kind::Generator(g) = &mut self.heap.get_mut(genr).kind {
            g.frame = Some(Box::new(frame));
        }
        if index == base {
            self.last_exit = ExitKind::Return;
            return Ok(Ctl::Exit(genr));
        }
        self.push(genr);
        Ok(Ctl::Continue)
    }

    /// Marks a generator finished (its frame is gone).
    pub(crate) fn finish_generator(&mut self, genr: ObjRef) {
        let exc = std::mem::replace(&mut self.exc_info, ObjRef::NULL);
        self.decref(exc);
        if let Kind::Generator(g) = &mut self.heap.get_mut(genr).kind {
            g.finished = true;
            g.running = false;
            g.frame = None;
        }
    }

    /// A generator frame returned `value`: tell whoever resumed it.
    pub(super) fn generator_returned(
        &mut self,
        value: ObjRef,
        resume: Resume,
        is_base: bool,
    ) -> PyResult<Ctl> {
        match resume {
            Resume::ForIter { target } => {
                self.decref(value);
                let it = self.pop();
                self.decref(it);
                self.frame().pc = target;
                Ok(Ctl::Continue)
            }
            Resume::Send { target } => {
                let recv = self.pop();
                self.decref(recv);
                self.push(value);
                self.frame().pc = target;
                Ok(Ctl::Continue)
            }
            Resume::Native | Resume::None => {
                debug_assert!(is_base);
                self.last_exit = ExitKind::Return;
                Ok(Ctl::Exit(value))
            }
        }
    }

    /// Resumes a generator from native code, sending `value` in (borrowed), or throwing
    /// `exc` (owned) into it.
    pub fn gen_resume(
        &mut self,
        genr: ObjRef,
        value: ObjRef,
        exc: Option<ObjRef>,
    ) -> PyResult<GenStep> {
        let (started, finished) = match self.kind(genr) {
            Kind::Generator(g) => (g.started, g.finished),
            _ => return Err(self.type_error("not a generator")),
        };
        if finished {
            if let Some(e) = exc {
                return Err(Flow::Exc(e));
            }
            let none = self.none();
            return Ok(GenStep::Returned(none));
        }
        if !started && exc.is_none() && value != self.none {
            return Err(self.type_error(format!(
                "can't send non-None value to a just-started {}",
                self.gen_noun(genr)
            )));
        }
        self.incref(value);
        let mut frame = self.take_generator_frame(genr, value)?;
        frame.resume = Resume::Native;
        frame.boundary = true;
        if crate::interp::MAX_NATIVE_DEPTH <= self.native_depth {
            self.suspend_frame(*frame, genr);
            return Err(self.new_exc(self.e.recursion_error, "maximum recursion depth exceeded"));
        }
        self.enter_generator_frame(frame)?;
        let base = self.frames.len() - 1;
        self.native_depth += 1;
        let r = match exc {
            Some(e) => {
                let v = self.pop();
                self.decref(v);
                match self.unwind_from(e, base) {
                    Ok(Some(v)) => Ok(v),
                    Ok(None) => self.run_frames(base),
                    Err(err) => Err(err),
                }
            }
            None => self.run_frames(base),
        };
        self.native_depth -= 1;
        let v = r?;
        Ok(match self.last_exit {
            ExitKind::Yield => GenStep::Yielded(v),
            ExitKind::Return => GenStep::Returned(v),
        })
    }

    /// Raises `e` at the current instruction of the top frame (for `throw()`).
    fn unwind_from(&mut self, e: ObjRef, base: usize) -> PyResult<Option<ObjRef>> {
        self.unwind(e, base)
    }

    fn gen_noun(&self, genr: ObjRef) -> &'static str {
        match self.kind(genr) {
            Kind::Generator(g) if g.kind == GenKind::Coroutine => "coroutine",
            Kind::Generator(g) if g.kind == GenKind::AsyncGenerator => "async generator",
            _ => "generator",
        }
    }

    /// `receiver.send(v)` for any iterator-like receiver.
    fn send_to(&mut self, receiver: ObjRef, v: ObjRef) -> PyResult<GenStep> {
        if matches!(self.kind(receiver), Kind::Generator(_)) {
            return self.gen_resume(receiver, v, None);
        }
        match self.call_method_by_name(receiver, "send", &[v]) {
            Ok(y) => Ok(GenStep::Yielded(y)),
            Err(Flow::Exc(e)) if self.exc_matches(e, self.e.stop_iteration) => {
                let value = self.stop_iteration_value(e);
                self.decref(e);
                Ok(GenStep::Returned(value))
            }
            Err(e) => Err(e),
        }
    }

    /// The `value` of a StopIteration (a new reference).
    pub(crate) fn stop_iteration_value(&mut self, e: ObjRef) -> ObjRef {
        let args = self.exc_obj(e).args;
        match self.tuple_items(args).first() {
            Some(&v) => self.share(v),
            None => self.none(),
        }
    }

    pub(super) fn op_raise(&mut self, n: u32) -> PyResult<Ctl> {
        match n {
            0 => {
                let e = self.exc_info;
                if e.is_null() {
                    return Err(self.runtime_error("No active exception to reraise"));
                }
                self.incref(e);
                self.reraising = true;
                Err(Flow::Exc(e))
            }
            1 => {
                let exc = self.pop();
                let e = self.make_raisable(exc);
                self.decref(exc);
                Err(Flow::Exc(e?))
            }
            _ => {
                let cause = self.pop();
                let exc = self.pop();
                let e = self.make_raisable(exc);
                self.decref(exc);
                let e = match e {
                    Ok(e) => e,
                    Err(err) => {
                        self.decref(cause);
                        return Err(err);
                    }
                };
                let cause_obj = if cause == self.none {
                    ObjRef::NULL
                } else if self.is_type(cause) && self.is_subtype(cause, self.e.base_exception) {
                    let c = self.call(cause, &[], &[]);
                    match c {
                        Ok(c) => c,
                        Err(err) => {
                            self.decref(cause);
                            self.decref(e);
                            return Err(err);
                        }
                    }
                } else if self.is_exception(cause) {
                    self.share(cause)
                } else {
                    self.decref(cause);
                    self.decref(e);
                    return Err(self.type_error("exception causes must derive from BaseException"));
                };
                self.decref(cause);
                let x = self.exc_mut(e);
                let old = std::mem::replace(&mut x.cause, cause_obj);
                x.suppress_context = true;
                self.decref(old);
                Err(Flow::Exc(e))
            }
        }
    }

    /// An exception instance for `raise X`: instances as they are, classes called.
    pub(crate) fn make_raisable(&mut self, exc: ObjRef) -> PyResult {
        if self.is_type(exc) && self.is_subtype(exc, self.e.base_exception) {
            let e = self.call(exc, &[], &[])?;
            if !self.is_exception(e) {
                let msg = format!(
                    "calling {} should have returned an instance of BaseException, not {}",
                    self.repr_string(exc).unwrap_or_default(),
                    self.type_name(e)
                );
                self.decref(e);
                return Err(self.type_error(msg));
            }
            return Ok(e);
        }
        if self.is_exception(exc) {
            return Ok(self.share(exc));
        }
        Err(self.type_error("exceptions must derive from BaseException"))
    }

    pub(super) fn op_reraise(&mut self, oparg: u32) -> PyResult<Ctl> {
        let e = self.pop();
        if oparg > 0 {
            let lasti = self.peek(oparg as usize - 1);
            if let Some(l) = self.int_value(lasti) {
                self.frame().lasti = l as u32;
            }
        }
        self.reraising = true;
        Err(Flow::Exc(e))
    }

    pub(super) fn op_push_exc_info(&mut self) {
        let value = self.pop();
        let prev = std::mem::replace(&mut self.exc_info, value);
        self.incref(value);
        self.push(prev);
        self.push(value);
        self.record_caught(value);
    }

    pub(super) fn op_check_exc_match(&mut self) -> PyResult<()> {
        let right = self.pop();
        let left = self.top();
        let r = self.exception_matches_spec(left, right);
        self.decref(right);
        let b = self.bool_obj(r?);
        self.push(b);
        Ok(())
    }

    /// `except right:` — `right` is a class or a tuple of classes.
    fn exception_matches_spec(&mut self, exc: ObjRef, right: ObjRef) -> PyResult<bool> {
        let classes: Vec<ObjRef> = match self.kind(right) {
            Kind::Tuple(items) => items.to_vec(),
            _ => vec![right],
        };
        for c in &classes {
            if !self.is_type(*c) || !self.is_subtype(*c, self.e.base_exception) {
                return Err(self.type_error(
                    "catching classes that do not inherit from BaseException is not allowed",
                ));
            }
        }
        Ok(classes.iter().any(|c| self.isinstance_of(exc, *c)))
    }

    pub(super) fn op_before_with(&mut self, is_async: bool) -> PyResult<()> {
        let mgr = self.pop();
        let (enter_name, exit_name) = if is_async {
            (self.n.aenter, self.n.aexit)
        } else {
            (self.n.enter, self.n.exit)
        };
        let class = self.class_of(mgr);
        let enter = self.type_lookup(class, enter_name);
        let exit = self.type_lookup(class, exit_name);
        let (Some(enter), Some(exit)) = (enter, exit) else {
            let what = if is_async {
                "asynchronous context manager"
            } else {
                "context manager"
            };
            let msg = format!(
                "'{}' object does not support the {what} protocol",
                self.type_name(mgr)
            );
            self.decref(mgr);
            return Err(self.type_error(msg));
        };
        let bound_exit = self.bind_descriptor(exit, mgr, class)?;
        self.push(bound_exit);
        let bound_enter = self.bind_descriptor(enter, mgr, class)?;
        let r = self.call(bound_enter, &[], &[]);
        self.decref(bound_enter);
        self.decref(mgr);
        let v = r?;
        self.push(v);
        Ok(())
    }

    pub(super) fn op_with_except_start(&mut self) -> PyResult<()> {
        let exc = self.top();
        let exit = self.peek(3);
        let tb = self.none();
        let class = self.class_of(exc);
        let r = self.call(exit, &[class, exc, tb], &[]);
        self.decref(tb);
        let v = r?;
        self.push(v);
        Ok(())
    }

    pub(super) fn op_get_awaitable(&mut self, _where: u32) -> PyResult<()> {
        let v = self.pop();
        let r = self.awaitable(v);
        self.decref(v);
        let a = r?;
        self.push(a);
        Ok(())
    }

    /// The iterator `await v` drives.
    pub(crate) fn awaitable(&mut self, v: ObjRef) -> PyResult {
        if let Kind::Generator(g) = self.kind(v) {
            if g.kind == GenKind::Coroutine {
                return Ok(self.share(v));
            }
        }
        let class = self.class_of(v);
        match self.type_lookup(class, self.n.await_) {
            Some(f) => {
                let bound = self.bind_descriptor(f, v, class)?;
                let r = self.call(bound, &[], &[]);
                self.decref(bound);
                r
            }
            None => {
                let msg = format!(
                    "object {} can't be used in 'await' expression",
                    self.type_name(v)
                );
                Err(self.type_error(msg))
            }
        }
    }

    pub(super) fn op_get_aiter(&mut self) -> PyResult<()> {
        let v = self.pop();
        let r = self.call_method_by_name(v, "__aiter__", &[]);
        self.decref(v);
        let it = r?;
        self.push(it);
        Ok(())
    }

    pub(super) fn op_get_anext(&mut self) -> PyResult<()> {
        let it = self.top();
        let r = self.call_method_by_name(it, "__anext__", &[])?;
        let a = self.awaitable(r);
        self.decref(r);
        let a = a?;
        self.push(a);
        Ok(())
    }

    pub(super) fn op_end_async_for(&mut self) -> PyResult<()> {
        let exc = self.pop();
        let it = self.pop();
        self.decref(it);
        if self.exc_matches(exc, self.e.stop_async_iteration) {
            self.decref(exc);
            return Ok(());
        }
        self.reraising = true;
        Err(Flow::Exc(exc))
    }

    pub(super) fn op_print_expr(&mut self) -> PyResult<()> {
        let v = self.pop();
        if v != self.none {
            let r = self.repr_string(v);
            self.decref(v);
            let text = r?;
            self.write_output(&format!("{text}\n"), false)?;
        } else {
            self.decref(v);
        }
        Ok(())
    }
}
