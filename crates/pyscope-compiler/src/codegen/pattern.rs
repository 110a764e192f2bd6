//! `match` statements, after CPython 3.11's pattern compiler: each pattern consumes the subject
//! on top of the stack, captured values are kept on the stack (rotated under the items still in
//! use) until the whole pattern has matched, and failures jump to blocks that pop what is left.

use std::rc::Rc;

use ruff_python_ast::{self as ast, Expr, Pattern};
use ruff_text_size::Ranged;

use super::{CResult, Compiler, Label, NameCtx};
use crate::code::Constant;
use crate::fold;
use crate::opcode::Opcode;

/// CPython's `pattern_context`.
#[derive(Clone, Default)]
struct PatternContext {
    /// Names captured so far, in the order their values sit on the stack.
    stores: Vec<String>,
    allow_irrefutable: bool,
    /// `fail_pop[i]` pops `i` items and then fails.
    fail_pop: Vec<Label>,
    /// Items on top of the stack that must stay there (captures go beneath them).
    on_top: usize,
}

fn is_wildcard(p: &Pattern) -> bool {
    matches!(p, Pattern::MatchAs(a) if a.pattern.is_none() && a.name.is_none())
}

fn is_star_wildcard(p: &Pattern) -> bool {
    matches!(p, Pattern::MatchStar(s) if s.name.is_none())
}

impl<'a> Compiler<'a> {
    pub(super) fn match_stmt(&mut self, m: &'a ast::StmtMatch) -> CResult {
        self.visit_expr(&m.subject)?;
        let end = self.new_block();
        let cases = m.cases.len();
        let last = &m.cases[cases - 1];
        let has_default = is_wildcard(&last.pattern) && cases > 1;
        let mut pc = PatternContext::default();
        for (i, case) in m.cases[..cases - usize::from(has_default)]
            .iter()
            .enumerate()
        {
            self.set_loc(case.pattern.range());
            let not_last = i + 1 != cases - usize::from(has_default);
            if not_last {
                self.addop_i(Opcode::COPY, 1);
            }
            pc.stores.clear();
            pc.allow_irrefutable = case.guard.is_some() || i + 1 == cases;
            pc.fail_pop.clear();
            pc.on_top = 0;
            self.pattern(&case.pattern, &mut pc)?;
            for name in pc.stores.clone() {
                self.name_op(&name, NameCtx::Store);
            }
            if let Some(guard) = &case.guard {
                self.ensure_fail_pop(&mut pc, 0);
                self.jump_if(guard, pc.fail_pop[0], false)?;
            }
            if not_last {
                self.addop(Opcode::POP_TOP);
            }
            self.body_seq(&case.body)?;
            self.unset_loc();
            self.addop_j(Opcode::JUMP, end);
            self.set_loc(case.pattern.range());
            self.emit_and_reset_fail_pop(&mut pc);
        }
        if has_default {
            self.set_loc(last.pattern.range());
            if cases == 1 {
                self.addop(Opcode::POP_TOP);
            } else {
                self.addop(Opcode::NOP);
            }
            if let Some(guard) = &last.guard {
                self.jump_if(guard, end, false)?;
            }
            self.body_seq(&last.body)?;
            self.unset_loc();
        }
        self.use_next(end);
        Ok(())
    }

    fn ensure_fail_pop(&mut self, pc: &mut PatternContext, n: usize) {
        while pc.fail_pop.len() < n + 1 {
            let b = self.new_block();
            pc.fail_pop.push(b);
        }
    }

    /// Jumps with `op` to the block that pops everything this pattern has pushed.
    fn jump_to_fail_pop(&mut self, pc: &mut PatternContext, op: Opcode) {
        let pops = pc.on_top + pc.stores.len();
        self.ensure_fail_pop(pc, pops);
        self.addop_j(op, pc.fail_pop[pops]);
    }

    fn emit_and_reset_fail_pop(&mut self, pc: &mut PatternContext) {
        if pc.fail_pop.is_empty() {
            return;
        }
        for i in (1..pc.fail_pop.len()).rev() {
            self.use_next(pc.fail_pop[i]);
            self.addop(Opcode::POP_TOP);
        }
        self.use_next(pc.fail_pop[0]);
        pc.fail_pop.clear();
    }

    fn rotate(&mut self, mut count: usize) {
        while count > 1 {
            self.addop_i(Opcode::SWAP, count as u32);
            count -= 1;
        }
    }

    fn store_name(&mut self, name: Option<&ast::Identifier>, pc: &mut PatternContext) -> CResult {
        let Some(n) = name else {
            self.addop(Opcode::POP_TOP);
            return Ok(());
        };
        if n.as_str() == "__debug__" {
            return Err(self.error("cannot assign to __debug__", n.range));
        }
        if pc.stores.iter().any(|s| s == n.as_str()) {
            return Err(self.error(
                format!("multiple assignments to name '{n}' in pattern"),
                n.range,
            ));
        }
        self.rotate(pc.on_top + pc.stores.len() + 1);
        pc.stores.push(n.to_string());
        Ok(())
    }

    fn pattern(&mut self, p: &'a Pattern, pc: &mut PatternContext) -> CResult {
        self.nest(p.range(), |c| {
            c.set_loc(p.range());
            match p {
                Pattern::MatchValue(v) => {
                    if !matches!(&*v.value, Expr::Attribute(_))
                        && fold::constant_of(&v.value).is_none()
                    {
                        return Err(c.error(
                            "patterns may only match literals and attribute lookups",
                            v.range,
                        ));
                    }
                    c.visit_expr(&v.value)?;
                    c.addop_i(Opcode::COMPARE_OP, 2);
                    c.jump_to_fail_pop(pc, Opcode::POP_JUMP_IF_FALSE);
                    Ok(())
                }
                Pattern::MatchSingleton(s) => {
                    c.load_const(match s.value {
                        ast::Singleton::None => Constant::None,
                        ast::Singleton::True => Constant::Bool(true),
                        ast::Singleton::False => Constant::Bool(false),
                    });
                    c.addop_i(Opcode::IS_OP, 0);
                    c.jump_to_fail_pop(pc, Opcode::POP_JUMP_IF_FALSE);
                    Ok(())
                }
                Pattern::MatchSequence(s) => c.pattern_sequence(&s.patterns, pc),
                Pattern::MatchMapping(m) => c.pattern_mapping(m, pc),
                Pattern::MatchClass(cl) => c.pattern_class(cl, pc),
                Pattern::MatchStar(s) => c.store_name(s.name.as_ref(), pc),
                Pattern::MatchAs(a) => c.pattern_as(a, pc),
                Pattern::MatchOr(o) => c.pattern_or(o, pc),
            }
        })
    }

    fn subpattern(&mut self, p: &'a Pattern, pc: &mut PatternContext) -> CResult {
        let allow = pc.allow_irrefutable;
        pc.allow_irrefutable = true;
        self.pattern(p, pc)?;
        pc.allow_irrefutable = allow;
        Ok(())
    }

    fn pattern_as(&mut self, a: &'a ast::PatternMatchAs, pc: &mut PatternContext) -> CResult {
        let Some(inner) = &a.pattern else {
            if !pc.allow_irrefutable {
                let msg = match &a.name {
                    Some(n) => format!("name capture '{n}' makes remaining patterns unreachable"),
                    None => "wildcard makes remaining patterns unreachable".to_string(),
                };
                return Err(self.error(msg, a.range));
            }
            return self.store_name(a.name.as_ref(), pc);
        };
        pc.on_top += 1;
        self.addop_i(Opcode::COPY, 1);
        self.pattern(inner, pc)?;
        pc.on_top -= 1;
        self.store_name(a.name.as_ref(), pc)
    }

    fn pattern_sequence(&mut self, patterns: &'a [Pattern], pc: &mut PatternContext) -> CResult {
        let size = patterns.len();
        let mut star = None;
        let mut only_wildcard = true;
        let mut star_wildcard = false;
        for (i, p) in patterns.iter().enumerate() {
            if matches!(p, Pattern::MatchStar(_)) {
                if star.is_some() {
                    return Err(self.error("multiple starred names in sequence pattern", p.range()));
                }
                star_wildcard = is_star_wildcard(p);
                only_wildcard &= star_wildcard;
                star = Some(i);
                continue;
            }
            only_wildcard &= is_wildcard(p);
        }
        pc.on_top += 1;
        self.addop(Opcode::MATCH_SEQUENCE);
        self.jump_to_fail_pop(pc, Opcode::POP_JUMP_IF_FALSE);
        match star {
            None => {
                self.addop(Opcode::GET_LEN);
                self.load_const(Constant::Int(size.into()));
                self.addop_i(Opcode::COMPARE_OP, 2);
                self.jump_to_fail_pop(pc, Opcode::POP_JUMP_IF_FALSE);
            }
            Some(_) if size > 1 => {
                self.addop(Opcode::GET_LEN);
                self.load_const(Constant::Int((size - 1).into()));
                self.addop_i(Opcode::COMPARE_OP, 5);
                self.jump_to_fail_pop(pc, Opcode::POP_JUMP_IF_FALSE);
            }
            Some(_) => {}
        }
        pc.on_top -= 1;
        if only_wildcard {
            self.addop(Opcode::POP_TOP);
        } else if star_wildcard {
            self.sequence_subscr(patterns, star.unwrap_or(0), pc)?;
        } else {
            self.sequence_unpack(patterns, pc)?;
        }
        Ok(())
    }

    fn sequence_unpack(&mut self, patterns: &'a [Pattern], pc: &mut PatternContext) -> CResult {
        let n = patterns.len();
        match patterns
            .iter()
            .position(|p| matches!(p, Pattern::MatchStar(_)))
        {
            Some(i) => self.addop_i(Opcode::UNPACK_EX, (i + ((n - i - 1) << 8)) as u32),
            None => self.addop_i(Opcode::UNPACK_SEQUENCE, n as u32),
        }
        pc.on_top += n;
        for p in patterns {
            pc.on_top -= 1;
            self.subpattern(p, pc)?;
        }
        Ok(())
    }

    /// `[first, *_, last]`-style patterns index the subject instead of unpacking it.
    fn sequence_subscr(
        &mut self,
        patterns: &'a [Pattern],
        star: usize,
        pc: &mut PatternContext,
    ) -> CResult {
        pc.on_top += 1;
        let size = patterns.len();
        for (i, p) in patterns.iter().enumerate() {
            if is_wildcard(p) || i == star {
                continue;
            }
            self.addop_i(Opcode::COPY, 1);
            if i < star {
                self.load_const(Constant::Int(i.into()));
            } else {
                self.addop(Opcode::GET_LEN);
                self.load_const(Constant::Int((size - i).into()));
                self.addop_i(Opcode::BINARY_OP, 10);
            }
            self.addop(Opcode::BINARY_SUBSCR);
            self.subpattern(p, pc)?;
        }
        pc.on_top -= 1;
        self.addop(Opcode::POP_TOP);
        Ok(())
    }

    fn pattern_class(
        &mut self,
        cl: &'a ast::PatternMatchClass,
        pc: &mut PatternContext,
    ) -> CResult {
        let args = &cl.arguments;
        let nargs = args.patterns.len();
        let nattrs = args.keywords.len();
        for (i, k) in args.keywords.iter().enumerate() {
            if k.attr.as_str() == "__debug__" {
                return Err(self.error("cannot assign to __debug__", k.pattern.range()));
            }
            if let Some(dup) = args.keywords[i + 1..]
                .iter()
                .find(|o| o.attr.id == k.attr.id)
            {
                return Err(self.error(
                    format!("attribute name repeated in class pattern: {}", k.attr),
                    dup.pattern.range(),
                ));
            }
        }
        self.visit_expr(&cl.cls)?;
        let names: Vec<Constant> = args
            .keywords
            .iter()
            .map(|k| Constant::Str(Rc::from(k.attr.as_str())))
            .collect();
        self.load_const(Constant::Tuple(Rc::from(names)));
        self.addop_i(Opcode::MATCH_CLASS, nargs as u32);
        self.addop_i(Opcode::COPY, 1);
        self.load_const(Constant::None);
        self.addop_i(Opcode::IS_OP, 1);
        pc.on_top += 1;
        self.jump_to_fail_pop(pc, Opcode::POP_JUMP_IF_FALSE);
        self.addop_i(Opcode::UNPACK_SEQUENCE, (nargs + nattrs) as u32);
        pc.on_top = pc.on_top + nargs + nattrs - 1;
        let subs = args
            .patterns
            .iter()
            .chain(args.keywords.iter().map(|k| &k.pattern));
        for p in subs {
            pc.on_top -= 1;
            if is_wildcard(p) {
                self.addop(Opcode::POP_TOP);
                continue;
            }
            self.subpattern(p, pc)?;
        }
        Ok(())
    }

    fn pattern_mapping(
        &mut self,
        m: &'a ast::PatternMatchMapping,
        pc: &mut PatternContext,
    ) -> CResult {
        let size = m.keys.len();
        pc.on_top += 1;
        self.addop(Opcode::MATCH_MAPPING);
        self.jump_to_fail_pop(pc, Opcode::POP_JUMP_IF_FALSE);
        if size == 0 && m.rest.is_none() {
            pc.on_top -= 1;
            self.addop(Opcode::POP_TOP);
            return Ok(());
        }
        if size > 0 {
            self.addop(Opcode::GET_LEN);
            self.load_const(Constant::Int(size.into()));
            self.addop_i(Opcode::COMPARE_OP, 5);
            self.jump_to_fail_pop(pc, Opcode::POP_JUMP_IF_FALSE);
        }
        let mut seen: Vec<Constant> = Vec::new();
        for key in m.keys.iter() {
            match fold::constant_of(key) {
                Some(k) => {
                    if seen.iter().any(|s| fold::const_eq(s, &k)) {
                        let shown = crate::dis::const_repr(&k);
                        return Err(self.error(
                            format!("mapping pattern checks duplicate key ({shown})"),
                            key.range(),
                        ));
                    }
                    seen.push(k);
                }
                None if !matches!(key, Expr::Attribute(_)) => {
                    return Err(self.error(
                        "mapping pattern keys may only match literals and attribute lookups",
                        key.range(),
                    ));
                }
                None => {}
            }
            self.visit_expr(key)?;
        }
        self.addop_i(Opcode::BUILD_TUPLE, size as u32);
        self.addop(Opcode::MATCH_KEYS);
        pc.on_top += 2;
        self.addop_i(Opcode::COPY, 1);
        self.load_const(Constant::None);
        self.addop_i(Opcode::IS_OP, 1);
        self.jump_to_fail_pop(pc, Opcode::POP_JUMP_IF_FALSE);
        self.addop_i(Opcode::UNPACK_SEQUENCE, size as u32);
        pc.on_top += size;
        pc.on_top -= 1;
        for p in m.patterns.iter() {
            pc.on_top -= 1;
            self.subpattern(p, pc)?;
        }
        pc.on_top -= 2;
        match &m.rest {
            Some(rest) => {
                self.addop_i(Opcode::BUILD_MAP, 0);
                self.addop_i(Opcode::SWAP, 3);
                self.addop_i(Opcode::DICT_UPDATE, 2);
                self.addop_i(Opcode::UNPACK_SEQUENCE, size as u32);
                let mut n = size as u32;
                while n > 0 {
                    self.addop_i(Opcode::COPY, 1 + n);
                    n -= 1;
                    self.addop_i(Opcode::SWAP, 2);
                    self.addop(Opcode::DELETE_SUBSCR);
                }
                self.store_name(Some(rest), pc)?;
            }
            None => {
                self.addop(Opcode::POP_TOP);
                self.addop(Opcode::POP_TOP);
            }
        }
        Ok(())
    }

    fn pattern_or(&mut self, o: &'a ast::PatternMatchOr, pc: &mut PatternContext) -> CResult {
        let end = self.new_block();
        let size = o.patterns.len();
        let old = pc.clone();
        let mut control: Option<Vec<String>> = None;
        for (i, alt) in o.patterns.iter().enumerate() {
            self.set_loc(alt.range());
            pc.stores = Vec::new();
            pc.allow_irrefutable = i + 1 == size && old.allow_irrefutable;
            pc.fail_pop = Vec::new();
            pc.on_top = 0;
            self.addop_i(Opcode::COPY, 1);
            self.pattern(alt, pc)?;
            match &control {
                None => control = Some(pc.stores.clone()),
                Some(ctl) => self.reorder_alternative(ctl, pc, o)?,
            }
            self.addop_j(Opcode::JUMP, end);
            self.emit_and_reset_fail_pop(pc);
        }
        let control = control.unwrap_or_default();
        *pc = old;
        self.addop(Opcode::POP_TOP);
        self.jump_to_fail_pop(pc, Opcode::JUMP);
        self.use_next(end);
        let nstores = control.len();
        let nrots = nstores + 1 + pc.on_top + pc.stores.len();
        for name in control {
            self.rotate(nrots);
            if pc.stores.contains(&name) {
                return Err(self.error(
                    format!("multiple assignments to name '{name}' in pattern"),
                    o.range,
                ));
            }
            pc.stores.push(name);
        }
        self.addop(Opcode::POP_TOP);
        Ok(())
    }

    /// Makes an alternative's captures match the first alternative's order on the stack.
    fn reorder_alternative(
        &mut self,
        control: &[String],
        pc: &mut PatternContext,
        o: &ast::PatternMatchOr,
    ) -> CResult {
        let diff = || "alternative patterns bind different names".to_string();
        let nstores = pc.stores.len();
        if nstores != control.len() {
            return Err(self.error(diff(), o.range));
        }
        for icontrol in (0..nstores).rev() {
            let name = &control[icontrol];
            let Some(istores) = pc.stores.iter().position(|s| s == name) else {
                return Err(self.error(diff(), o.range));
            };
            if icontrol != istores {
                let rotations = istores + 1;
                let rotated: Vec<String> = pc.stores.drain(..rotations).collect();
                let at = icontrol - istores;
                for (k, r) in rotated.into_iter().enumerate() {
                    pc.stores.insert(at + k, r);
                }
                for _ in 0..rotations {
                    self.rotate(icontrol + 1);
                }
            }
        }
        Ok(())
    }
}
