//! `match` statements: each pattern is compiled to a test that consumes the value on top of
//! the stack and, on failure, pops whatever it pushed and jumps to the next case.

use std::rc::Rc;

use ruff_python_ast::{self as ast, Pattern};
use ruff_text_size::Ranged;

use super::{CResult, Compiler, Label, NameCtx};
use crate::code::Constant;
use crate::opcode::Opcode;

/// Where a failing pattern goes: `labels[k]` pops `k` values, then reaches `base`.
struct Fail {
    base: Label,
    labels: Vec<Label>,
}

impl Fail {
    fn new(base: Label) -> Fail {
        Fail {
            base,
            labels: Vec::new(),
        }
    }
}

impl<'a> Compiler<'a> {
    pub(super) fn match_stmt(&mut self, m: &ast::StmtMatch) -> CResult {
        self.expr(&m.subject)?;
        let end = self.new_label();
        let n = m.cases.len();
        for (i, case) in m.cases.iter().enumerate() {
            let irrefutable = case.guard.is_none() && is_irrefutable(&case.pattern);
            if irrefutable && i + 1 < n {
                let msg = match &case.pattern {
                    Pattern::MatchAs(a) if a.pattern.is_none() => match &a.name {
                        Some(name) => {
                            format!("name capture '{name}' makes remaining patterns unreachable")
                        }
                        None => "wildcard makes remaining patterns unreachable".to_string(),
                    },
                    _ => "wildcard makes remaining patterns unreachable".to_string(),
                };
                return Err(self.error(msg, case.pattern.range()));
            }
            let next = self.new_label();
            self.with_loc(case.pattern.range(), |c| {
                c.emit(Opcode::COPY, 1);
                let mut fail = Fail::new(next);
                c.pattern(&case.pattern, &mut fail, 0)?;
                c.emit_fail_chain(&mut fail)
            })?;
            // The failure chain above jumps past this point, so emit the success path after it.
            if let Some(guard) = &case.guard {
                self.jump_if(guard, next, false)?;
            }
            self.emit(Opcode::POP_TOP, 0);
            self.body(&case.body)?;
            self.emit_artificial(Opcode::JUMP, end.0);
            self.bind(next);
        }
        self.emit_artificial(Opcode::POP_TOP, 0);
        self.bind(end);
        Ok(())
    }

    /// Emits the failure landing pads: a jump over them for the success path, then
    /// `labels[k]: POP_TOP` down to `labels[0]`, which jumps to the base.
    fn emit_fail_chain(&mut self, fail: &mut Fail) -> CResult {
        if fail.labels.is_empty() {
            return Ok(());
        }
        let success = self.new_label();
        self.emit_artificial(Opcode::JUMP, success.0);
        for k in (0..fail.labels.len()).rev() {
            self.bind(fail.labels[k]);
            if k > 0 {
                self.emit_artificial(Opcode::POP_TOP, 0);
            }
        }
        self.emit_artificial(Opcode::JUMP, fail.base.0);
        self.bind(success);
        Ok(())
    }

    /// The label that pops `k` values and then fails.
    fn fail_label(&mut self, fail: &mut Fail, k: usize) -> Label {
        while fail.labels.len() <= k {
            let l = self.new_label();
            fail.labels.push(l);
        }
        fail.labels[k]
    }

    fn jump_fail(&mut self, op: Opcode, fail: &mut Fail, pops: usize) {
        let l = self.fail_label(fail, pops);
        self.emit_jump(op, l);
    }

    /// Matches the value on top of the stack against `p`; `pops` values below it belong to the
    /// enclosing patterns and must be popped on failure.
    fn pattern(&mut self, p: &Pattern, fail: &mut Fail, pops: usize) -> CResult {
        self.nest(p.range(), |c| {
            c.with_loc(p.range(), |c| c.pattern_inner(p, fail, pops))
        })
    }

    fn pattern_inner(&mut self, p: &Pattern, fail: &mut Fail, pops: usize) -> CResult {
        match p {
            Pattern::MatchAs(a) => match (&a.pattern, &a.name) {
                (None, None) => {
                    self.emit(Opcode::POP_TOP, 0);
                    Ok(())
                }
                (None, Some(name)) => {
                    self.name_op(name, NameCtx::Store);
                    Ok(())
                }
                (Some(inner), name) => {
                    if name.is_some() {
                        self.emit(Opcode::COPY, 1);
                        self.pattern(inner, fail, pops + 1)?;
                        self.name_op(name.as_ref().expect("checked"), NameCtx::Store);
                    } else {
                        self.pattern(inner, fail, pops)?;
                    }
                    Ok(())
                }
            },
            Pattern::MatchValue(v) => {
                self.expr(&v.value)?;
                self.emit(Opcode::COMPARE_OP, 2);
                self.jump_fail(Opcode::POP_JUMP_IF_FALSE, fail, pops);
                Ok(())
            }
            Pattern::MatchSingleton(s) => {
                let k = match s.value {
                    ast::Singleton::None => Constant::None,
                    ast::Singleton::True => Constant::Bool(true),
                    ast::Singleton::False => Constant::Bool(false),
                };
                self.emit_const(k);
                self.emit(Opcode::IS_OP, 0);
                self.jump_fail(Opcode::POP_JUMP_IF_FALSE, fail, pops);
                Ok(())
            }
            Pattern::MatchSequence(s) => self.sequence_pattern(&s.patterns, fail, pops),
            Pattern::MatchMapping(m) => self.mapping_pattern(m, fail, pops),
            Pattern::MatchClass(c) => self.class_pattern(c, fail, pops),
            Pattern::MatchStar(s) => {
                match &s.name {
                    Some(n) => self.name_op(n, NameCtx::Store),
                    None => self.emit(Opcode::POP_TOP, 0),
                }
                Ok(())
            }
            Pattern::MatchOr(o) => self.or_pattern(o, fail, pops),
        }
    }

    fn sequence_pattern(&mut self, patterns: &[Pattern], fail: &mut Fail, pops: usize) -> CResult {
        let star = patterns
            .iter()
            .position(|p| matches!(p, Pattern::MatchStar(_)));
        let n = patterns.len();
        self.emit(Opcode::MATCH_SEQUENCE, 0);
        self.jump_fail(Opcode::POP_JUMP_IF_FALSE, fail, pops + 1);
        match star {
            None => {
                self.emit(Opcode::GET_LEN, 0);
                self.emit_const(Constant::Int((n as u64).into()));
                self.emit(Opcode::COMPARE_OP, 2);
                self.jump_fail(Opcode::POP_JUMP_IF_FALSE, fail, pops + 1);
                self.emit(Opcode::UNPACK_SEQUENCE, n as u32);
            }
            Some(i) => {
                if n > 1 {
                    self.emit(Opcode::GET_LEN, 0);
                    self.emit_const(Constant::Int(((n - 1) as u64).into()));
                    self.emit(Opcode::COMPARE_OP, 5);
                    self.jump_fail(Opcode::POP_JUMP_IF_FALSE, fail, pops + 1);
                }
                self.emit(Opcode::UNPACK_EX, (i as u32) | (((n - i - 1) as u32) << 8));
            }
        }
        for (k, sub) in patterns.iter().enumerate() {
            self.pattern(sub, fail, pops + n - k - 1)?;
        }
        Ok(())
    }

    fn mapping_pattern(
        &mut self,
        m: &ast::PatternMatchMapping,
        fail: &mut Fail,
        pops: usize,
    ) -> CResult {
        let n = m.keys.len();
        self.emit(Opcode::MATCH_MAPPING, 0);
        self.jump_fail(Opcode::POP_JUMP_IF_FALSE, fail, pops + 1);
        if n == 0 && m.rest.is_none() {
            self.emit(Opcode::POP_TOP, 0);
            return Ok(());
        }
        if n > 0 {
            self.emit(Opcode::GET_LEN, 0);
            self.emit_const(Constant::Int((n as u64).into()));
            self.emit(Opcode::COMPARE_OP, 5);
            self.jump_fail(Opcode::POP_JUMP_IF_FALSE, fail, pops + 1);
        }
        let consts: Option<Vec<Constant>> = m.keys.iter().map(crate::fold::constant_of).collect();
        match consts {
            Some(keys) => self.emit_const(Constant::Tuple(Rc::from(keys))),
            None => {
                for k in m.keys.iter() {
                    self.expr(k)?;
                }
                self.emit(Opcode::BUILD_TUPLE, n as u32);
            }
        }
        self.emit(Opcode::MATCH_KEYS, 0);
        self.emit(Opcode::COPY, 1);
        self.emit_const(Constant::None);
        self.emit(Opcode::IS_OP, 1);
        self.jump_fail(Opcode::POP_JUMP_IF_FALSE, fail, pops + 3);
        self.emit(Opcode::UNPACK_SEQUENCE, n as u32);
        for (k, sub) in m.patterns.iter().enumerate() {
            self.pattern(sub, fail, pops + 2 + n - k - 1)?;
        }
        match &m.rest {
            Some(rest) => {
                self.emit(Opcode::BUILD_MAP, 0);
                self.emit(Opcode::SWAP, 3);
                self.emit(Opcode::DICT_UPDATE, 2);
                self.emit(Opcode::UNPACK_SEQUENCE, n as u32);
                let mut size = n as u32;
                while size > 0 {
                    self.emit(Opcode::COPY, 1 + size);
                    size -= 1;
                    self.emit(Opcode::SWAP, 2);
                    self.emit(Opcode::DELETE_SUBSCR, 0);
                }
                self.name_op(rest, NameCtx::Store);
            }
            None => {
                self.emit(Opcode::POP_TOP, 0);
                self.emit(Opcode::POP_TOP, 0);
            }
        }
        Ok(())
    }

    fn class_pattern(
        &mut self,
        c: &ast::PatternMatchClass,
        fail: &mut Fail,
        pops: usize,
    ) -> CResult {
        self.expr(&c.cls)?;
        let names: Vec<Constant> = c
            .arguments
            .keywords
            .iter()
            .map(|k| Constant::Str(Rc::from(k.attr.as_str())))
            .collect();
        let nargs = c.arguments.patterns.len();
        let total = nargs + names.len();
        self.emit_const(Constant::Tuple(Rc::from(names)));
        self.emit(Opcode::MATCH_CLASS, nargs as u32);
        self.emit(Opcode::COPY, 1);
        self.emit_const(Constant::None);
        self.emit(Opcode::IS_OP, 1);
        self.jump_fail(Opcode::POP_JUMP_IF_FALSE, fail, pops + 1);
        self.emit(Opcode::UNPACK_SEQUENCE, total as u32);
        let subs = c
            .arguments
            .patterns
            .iter()
            .chain(c.arguments.keywords.iter().map(|k| &k.pattern));
        for (k, sub) in subs.enumerate() {
            self.pattern(sub, fail, pops + total - k - 1)?;
        }
        Ok(())
    }

    fn or_pattern(&mut self, o: &ast::PatternMatchOr, fail: &mut Fail, pops: usize) -> CResult {
        let success = self.new_label();
        let n = o.patterns.len();
        for (i, alt) in o.patterns.iter().enumerate() {
            if i + 1 == n {
                self.pattern(alt, fail, pops)?;
                break;
            }
            let next_alt = self.new_label();
            self.emit(Opcode::COPY, 1);
            let mut local = Fail::new(next_alt);
            self.pattern(alt, &mut local, 0)?;
            self.emit(Opcode::POP_TOP, 0);
            self.emit_artificial(Opcode::JUMP, success.0);
            if local.labels.is_empty() {
                self.bind(next_alt);
            } else {
                for k in (0..local.labels.len()).rev() {
                    self.bind(local.labels[k]);
                    if k > 0 {
                        self.emit_artificial(Opcode::POP_TOP, 0);
                    }
                }
                self.bind(next_alt);
            }
        }
        self.bind(success);
        Ok(())
    }
}

fn is_irrefutable(p: &Pattern) -> bool {
    match p {
        Pattern::MatchAs(a) => a.pattern.as_deref().is_none_or(is_irrefutable),
        Pattern::MatchOr(o) => o.patterns.iter().any(is_irrefutable),
        _ => false,
    }
}
