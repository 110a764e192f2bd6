//! Expressions: operators, displays, comparisons, attribute and subscript access, names
//! (CPython's `compiler_visit_expr1` and helpers), on the AST as CPython's optimizer leaves it.

use std::rc::Rc;

use ruff_python_ast::{self as ast, Expr, ExprContext};
use ruff_text_size::{Ranged, TextRange};

use super::{CResult, Compiler, NameCtx, ScopeType};
use crate::code::{Anchor, Constant};
use crate::fold;
use crate::opcode::Opcode;

/// CPython's guideline for how many values a display may push before switching to
/// incremental building (`STACK_USE_GUIDELINE`).
pub const STACK_USE_GUIDELINE: usize = 30;

/// The `BINARY_OP` argument of an operator.
pub fn binop_arg(op: ast::Operator) -> u32 {
    use ast::Operator::*;
    match op {
        Add => 0,
        BitAnd => 1,
        FloorDiv => 2,
        LShift => 3,
        MatMult => 4,
        Mult => 5,
        Mod => 6,
        BitOr => 7,
        Pow => 8,
        RShift => 9,
        Sub => 10,
        Div => 11,
        BitXor => 12,
    }
}

pub fn subscript_anchor(s: &ast::ExprSubscript) -> Anchor {
    Anchor::Subscript {
        value_end: s.value.range().end().into(),
        slice_end: s.slice.range().end().into(),
    }
}

/// A comparison as the AST optimizer leaves it: `not (a in b)` becomes `a not in b` (with the
/// inner comparison's position), so the operators may differ from the source.
pub struct CmpView<'a> {
    pub left: &'a Expr,
    pub ops: Vec<ast::CmpOp>,
    pub comparators: &'a [Expr],
    pub range: TextRange,
}

impl<'a> CmpView<'a> {
    pub fn of(c: &'a ast::ExprCompare) -> CmpView<'a> {
        CmpView {
            left: &c.left,
            ops: c.ops.to_vec(),
            comparators: &c.comparators,
            range: c.range,
        }
    }
}

/// `not` applied to a single `is`/`is not`/`in`/`not in` comparison, which CPython's AST
/// optimizer folds into the inverted comparison.
pub fn folded_not(e: &Expr) -> Option<CmpView<'_>> {
    let Expr::UnaryOp(u) = e else { return None };
    if u.op != ast::UnaryOp::Not || fold::constant_of(&u.operand).is_some() {
        return None;
    }
    let mut view = match &*u.operand {
        Expr::Compare(c) if c.ops.len() == 1 => CmpView::of(c),
        inner => folded_not(inner)?,
    };
    use ast::CmpOp::*;
    view.ops[0] = match view.ops[0] {
        Is => IsNot,
        IsNot => Is,
        In => NotIn,
        NotIn => In,
        _ => return None,
    };
    Some(view)
}

/// How a display collects its items (CPython's `starunpack_helper` parameters).
pub struct Collect {
    build: Opcode,
    add: Opcode,
    extend: Opcode,
    tuple: bool,
}

pub const LIST: Collect = Collect {
    build: Opcode::BUILD_LIST,
    add: Opcode::LIST_APPEND,
    extend: Opcode::LIST_EXTEND,
    tuple: false,
};
pub const TUPLE: Collect = Collect {
    build: Opcode::BUILD_LIST,
    add: Opcode::LIST_APPEND,
    extend: Opcode::LIST_EXTEND,
    tuple: true,
};
const SET: Collect = Collect {
    build: Opcode::BUILD_SET,
    add: Opcode::SET_ADD,
    extend: Opcode::SET_UPDATE,
    tuple: false,
};

impl<'a> Compiler<'a> {
    /// Compiles an expression at its own position, restoring the location afterwards
    /// (CPython's `compiler_visit_expr`).
    pub fn visit_expr(&mut self, e: &'a Expr) -> CResult {
        let range = folded_not(e).map_or(e.range(), |v| v.range);
        self.visit_expr_at(e, range)
    }

    /// Like `visit_expr`, with the position CPython gives the node when it differs from ruff's.
    pub fn visit_expr_at(&mut self, e: &'a Expr, range: TextRange) -> CResult {
        self.nest(e.range(), |c| {
            c.keeping_loc(|c| {
                c.set_loc(range);
                c.expr1(e, range)
            })
        })
    }

    fn expr1(&mut self, e: &'a Expr, range: TextRange) -> CResult {
        if let Some(k) = fold::constant_of(e) {
            self.load_const(k);
            return Ok(());
        }
        if let Some(view) = folded_not(e) {
            return self.compare(&view);
        }
        match e {
            Expr::BoolOp(b) => self.bool_op(b),
            Expr::Named(n) => {
                self.visit_expr(&n.value)?;
                self.addop_i(Opcode::COPY, 1);
                self.visit_expr(&n.target)
            }
            Expr::BinOp(b) => self.binop(b),
            Expr::UnaryOp(u) => {
                self.visit_expr(&u.operand)?;
                self.addop(match u.op {
                    ast::UnaryOp::Invert => Opcode::UNARY_INVERT,
                    ast::UnaryOp::Not => Opcode::UNARY_NOT,
                    ast::UnaryOp::UAdd => Opcode::UNARY_POSITIVE,
                    ast::UnaryOp::USub => Opcode::UNARY_NEGATIVE,
                });
                Ok(())
            }
            Expr::Lambda(l) => self.lambda(l),
            Expr::If(i) => {
                let end = self.new_block();
                let next = self.new_block();
                self.jump_if(&i.test, next, false)?;
                self.visit_expr(&i.body)?;
                self.addop_j_noline(Opcode::JUMP, end);
                self.use_next(next);
                self.visit_expr(&i.orelse)?;
                self.use_next(end);
                Ok(())
            }
            Expr::Dict(d) => self.dict_display(d),
            Expr::Set(s) => self.starunpack(&s.elts, 0, &SET),
            Expr::ListComp(_) | Expr::SetComp(_) | Expr::DictComp(_) | Expr::Generator(_) => {
                self.comprehension(e, range)
            }
            Expr::Await(a) => self.await_expr(a),
            Expr::Yield(_) | Expr::YieldFrom(_) => self.yield_expr(e),
            Expr::Compare(c) => self.compare(&CmpView::of(c)),
            Expr::Call(c) => self.call(c),
            Expr::FString(f) => self.fstring(f),
            Expr::Attribute(a) => self.attribute(a),
            Expr::Subscript(s) => self.subscript(s),
            Expr::Starred(s) => match s.ctx {
                ExprContext::Store => Err(self.error(
                    "starred assignment target must be in a list or tuple",
                    s.range,
                )),
                _ => Err(self.error("can't use starred expression here", s.range)),
            },
            Expr::Slice(s) => self.slice(s),
            Expr::Name(n) => self.name_expr(n),
            Expr::List(l) => self.sequence(&l.elts, l.ctx, &LIST),
            Expr::Tuple(t) => self.sequence(&t.elts, t.ctx, &TUPLE),
            Expr::TString(t) => Err(self.error("invalid syntax", t.range)),
            Expr::IpyEscapeCommand(c) => Err(self.error("invalid syntax", c.range)),
            Expr::StringLiteral(_)
            | Expr::BytesLiteral(_)
            | Expr::NumberLiteral(_)
            | Expr::BooleanLiteral(_)
            | Expr::NoneLiteral(_)
            | Expr::EllipsisLiteral(_) => unreachable!("constants are folded above"),
        }
    }

    fn binop(&mut self, b: &'a ast::ExprBinOp) -> CResult {
        if let Some(parts) = super::format::percent_format(b) {
            return self.percent_joined(&parts);
        }
        self.visit_expr(&b.left)?;
        self.visit_expr(&b.right)?;
        let anchor = Anchor::BinOp {
            left_end: b.left.range().end().into(),
            right_start: b.right.range().start().into(),
        };
        self.addop_anchored(Opcode::BINARY_OP, binop_arg(b.op), anchor);
        Ok(())
    }

    fn yield_expr(&mut self, e: &'a Expr) -> CResult {
        match e {
            Expr::Yield(y) => {
                match &y.value {
                    Some(v) => self.visit_expr(v)?,
                    None => self.load_const(Constant::None),
                }
                self.add_yield();
            }
            Expr::YieldFrom(y) => {
                if self.unit_ref().scope_type == ScopeType::AsyncFunction {
                    return Err(self.error("'yield from' inside async function", y.range));
                }
                self.visit_expr(&y.value)?;
                self.addop(Opcode::GET_YIELD_FROM_ITER);
                self.load_const(Constant::None);
                self.add_yield_from(false);
            }
            _ => {}
        }
        Ok(())
    }

    fn subscript(&mut self, s: &'a ast::ExprSubscript) -> CResult {
        self.visit_expr(&s.value)?;
        self.visit_expr(&s.slice)?;
        match s.ctx {
            ExprContext::Store => self.addop(Opcode::STORE_SUBSCR),
            ExprContext::Del => self.addop(Opcode::DELETE_SUBSCR),
            _ => self.addop_anchored(Opcode::BINARY_SUBSCR, 0, subscript_anchor(s)),
        }
        Ok(())
    }

    /// A list or tuple display, or an unpacking or deletion target.
    fn sequence(&mut self, elts: &'a [Expr], ctx: ExprContext, how: &Collect) -> CResult {
        match ctx {
            ExprContext::Store => self.assignment_helper(elts),
            ExprContext::Del => elts.iter().try_for_each(|x| self.visit_expr(x)),
            _ => self.starunpack(elts, 0, how),
        }
    }

    fn name_expr(&mut self, n: &'a ast::ExprName) -> CResult {
        let ctx = match n.ctx {
            ExprContext::Store => NameCtx::Store,
            ExprContext::Del => NameCtx::Del,
            _ => NameCtx::Load,
        };
        if n.id.as_str() == "__debug__" {
            match ctx {
                NameCtx::Store => return Err(self.error("cannot assign to __debug__", n.range)),
                NameCtx::Del => return Err(self.error("cannot delete __debug__", n.range)),
                NameCtx::Load => {}
            }
        }
        self.name_op(&n.id, ctx);
        Ok(())
    }

    fn await_expr(&mut self, a: &'a ast::ExprAwait) -> CResult {
        let st = self.unit_ref().scope_type;
        if !self.table.scopes[self.unit_ref().scope].is_function_like() {
            return Err(self.error("'await' outside function", a.range));
        }
        if st != ScopeType::AsyncFunction && st != ScopeType::Comprehension {
            return Err(self.error("'await' outside async function", a.range));
        }
        self.visit_expr(&a.value)?;
        self.addop_i(Opcode::GET_AWAITABLE, 0);
        self.load_const(Constant::None);
        self.add_yield_from(true);
        Ok(())
    }

    /// `YIELD_VALUE` (wrapped in async generators) and the `RESUME` after it.
    pub(super) fn add_yield(&mut self) {
        let scope = &self.table.scopes[self.unit_ref().scope];
        if scope.is_generator && scope.is_coroutine {
            self.addop(Opcode::ASYNC_GEN_WRAP);
        }
        self.addop(Opcode::YIELD_VALUE);
        self.addop_i(Opcode::RESUME, 1);
    }

    fn attribute(&mut self, a: &'a ast::ExprAttribute) -> CResult {
        self.visit_expr(&a.value)?;
        self.update_start_to_attr(a);
        let i = self.add_name(&self.mangle(&a.attr));
        match a.ctx {
            ExprContext::Store => {
                if a.attr.as_str() == "__debug__" {
                    return Err(self.error("cannot assign to __debug__", a.range));
                }
                self.addop_i(Opcode::STORE_ATTR, i);
            }
            ExprContext::Del => self.addop_i(Opcode::DELETE_ATTR, i),
            _ => self.addop_i(Opcode::LOAD_ATTR, i),
        }
        Ok(())
    }

    /// When an attribute access spans lines, its instructions start at the attribute name
    /// (CPython's `update_start_location_to_match_attr`).
    pub(super) fn update_start_to_attr(&mut self, a: &ast::ExprAttribute) {
        let end = self.loc_of(a.range);
        let len = a.attr.as_str().chars().count() as i32;
        let loc = &mut self.unit().loc;
        if loc.line != end.end_line {
            loc.line = end.end_line;
            if len <= end.end_col {
                loc.col = end.end_col - len;
            } else {
                loc.col = -1;
                loc.end_col = -1;
            }
            loc.end_line = loc.end_line.max(loc.line);
            if loc.line == loc.end_line {
                loc.end_col = loc.end_col.max(loc.col);
            }
        }
    }

    fn slice(&mut self, s: &'a ast::ExprSlice) -> CResult {
        let mut n = 2;
        for part in [&s.lower, &s.upper] {
            match part {
                Some(p) => self.visit_expr(p)?,
                None => self.load_const(Constant::None),
            }
        }
        if let Some(step) = &s.step {
            n += 1;
            self.visit_expr(step)?;
        }
        self.addop_i(Opcode::BUILD_SLICE, n);
        Ok(())
    }

    fn bool_op(&mut self, b: &'a ast::ExprBoolOp) -> CResult {
        let op = match b.op {
            ast::BoolOp::And => Opcode::JUMP_IF_FALSE_OR_POP,
            ast::BoolOp::Or => Opcode::JUMP_IF_TRUE_OR_POP,
        };
        let end = self.new_block();
        let n = b.values.len() - 1;
        for v in &b.values[..n] {
            self.visit_expr(v)?;
            self.addop_j(op, end);
            let next = self.new_block();
            self.use_next(next);
        }
        self.visit_expr(&b.values[n])?;
        self.use_next(end);
        Ok(())
    }

    pub fn compare_op(&mut self, op: ast::CmpOp) {
        use ast::CmpOp::*;
        let (code, arg) = match op {
            Lt => (Opcode::COMPARE_OP, 0),
            LtE => (Opcode::COMPARE_OP, 1),
            Eq => (Opcode::COMPARE_OP, 2),
            NotEq => (Opcode::COMPARE_OP, 3),
            Gt => (Opcode::COMPARE_OP, 4),
            GtE => (Opcode::COMPARE_OP, 5),
            Is => (Opcode::IS_OP, 0),
            IsNot => (Opcode::IS_OP, 1),
            In => (Opcode::CONTAINS_OP, 0),
            NotIn => (Opcode::CONTAINS_OP, 1),
        };
        self.addop_i(code, arg);
    }

    /// The last operand of a comparison: after `in`/`not in` the AST optimizer has turned a
    /// list display into a tuple and a constant set into a frozenset.
    pub(super) fn visit_comparator(&mut self, op: ast::CmpOp, e: &'a Expr) -> CResult {
        if matches!(op, ast::CmpOp::In | ast::CmpOp::NotIn) {
            return self.visit_iter(e);
        }
        self.visit_expr(e)
    }

    /// A comparison as a value (CPython's `compiler_compare`).
    pub(super) fn compare(&mut self, c: &CmpView<'a>) -> CResult {
        self.visit_expr(c.left)?;
        let n = c.ops.len() - 1;
        if n == 0 {
            self.visit_comparator(c.ops[0], &c.comparators[0])?;
            self.compare_op(c.ops[0]);
            return Ok(());
        }
        let cleanup = self.new_block();
        for i in 0..n {
            self.visit_expr(&c.comparators[i])?;
            self.addop_i(Opcode::SWAP, 2);
            self.addop_i(Opcode::COPY, 2);
            self.compare_op(c.ops[i]);
            self.addop_j(Opcode::JUMP_IF_FALSE_OR_POP, cleanup);
        }
        self.visit_comparator(c.ops[n], &c.comparators[n])?;
        self.compare_op(c.ops[n]);
        let end = self.new_block();
        self.addop_j_noline(Opcode::JUMP, end);
        self.use_next(cleanup);
        self.addop_i(Opcode::SWAP, 2);
        self.addop(Opcode::POP_TOP);
        self.use_next(end);
        Ok(())
    }

    // ----- assignment targets -----

    fn assignment_helper(&mut self, elts: &'a [Expr]) -> CResult {
        let n = elts.len();
        let mut seen_star = false;
        for (i, e) in elts.iter().enumerate() {
            if !matches!(e, Expr::Starred(_)) {
                continue;
            }
            if seen_star {
                return Err(self.error("multiple starred expressions in assignment", e.range()));
            }
            if i >= (1 << 8) || n - i > (i32::MAX as usize >> 8) {
                return Err(self.error(
                    "too many expressions in star-unpacking assignment",
                    e.range(),
                ));
            }
            self.addop_i(Opcode::UNPACK_EX, (i + ((n - i - 1) << 8)) as u32);
            seen_star = true;
        }
        if !seen_star {
            self.addop_i(Opcode::UNPACK_SEQUENCE, n as u32);
        }
        for e in elts {
            match e {
                Expr::Starred(s) => self.visit_expr(&s.value)?,
                other => self.visit_expr(other)?,
            }
        }
        Ok(())
    }

    // ----- displays -----

    /// Builds a list, tuple or set display (CPython's `starunpack_helper`); `pushed` values
    /// are already on the stack as leading items.
    pub(super) fn starunpack(&mut self, elts: &'a [Expr], pushed: u32, how: &Collect) -> CResult {
        let n = elts.len();
        if n > 2 {
            let consts: Option<Vec<Constant>> = elts.iter().map(fold::constant_of).collect();
            if let Some(items) = consts {
                if how.tuple && pushed == 0 {
                    self.load_const(Constant::Tuple(Rc::from(items)));
                } else {
                    let folded = if how.add == Opcode::SET_ADD {
                        Constant::FrozenSet(Rc::from(fold::frozenset_items(items)))
                    } else {
                        Constant::Tuple(Rc::from(items))
                    };
                    self.addop_i(how.build, pushed);
                    self.load_const(folded);
                    self.addop_i(how.extend, 1);
                    if how.tuple {
                        self.addop(Opcode::LIST_TO_TUPLE);
                    }
                }
                return Ok(());
            }
        }
        let big = n + pushed as usize > STACK_USE_GUIDELINE;
        let seen_star = elts.iter().any(|e| matches!(e, Expr::Starred(_)));
        if !seen_star && !big {
            for e in elts {
                self.visit_expr(e)?;
            }
            let op = if how.tuple {
                Opcode::BUILD_TUPLE
            } else {
                how.build
            };
            self.addop_i(op, n as u32 + pushed);
            return Ok(());
        }
        let mut built = false;
        if big {
            self.addop_i(how.build, pushed);
            built = true;
        }
        for (i, e) in elts.iter().enumerate() {
            if let Expr::Starred(s) = e {
                if !built {
                    self.addop_i(how.build, i as u32 + pushed);
                    built = true;
                }
                self.visit_expr(&s.value)?;
                self.addop_i(how.extend, 1);
            } else {
                self.visit_expr(e)?;
                if built {
                    self.addop_i(how.add, 1);
                }
            }
        }
        if how.tuple {
            self.addop(Opcode::LIST_TO_TUPLE);
        }
        Ok(())
    }

    fn dict_display(&mut self, d: &'a ast::ExprDict) -> CResult {
        let items = &d.items;
        let mut have_dict = false;
        let mut elements = 0usize;
        for (i, item) in items.iter().enumerate() {
            if item.key.is_none() {
                if elements > 0 {
                    self.subdict(&items[i - elements..i])?;
                    if have_dict {
                        self.addop_i(Opcode::DICT_UPDATE, 1);
                    }
                    have_dict = true;
                    elements = 0;
                }
                if !have_dict {
                    self.addop_i(Opcode::BUILD_MAP, 0);
                    have_dict = true;
                }
                self.visit_expr(&item.value)?;
                self.addop_i(Opcode::DICT_UPDATE, 1);
            } else if elements * 2 > STACK_USE_GUIDELINE {
                self.subdict(&items[i - elements..=i])?;
                if have_dict {
                    self.addop_i(Opcode::DICT_UPDATE, 1);
                }
                have_dict = true;
                elements = 0;
            } else {
                elements += 1;
            }
        }
        if elements > 0 {
            self.subdict(&items[items.len() - elements..])?;
            if have_dict {
                self.addop_i(Opcode::DICT_UPDATE, 1);
            }
            have_dict = true;
        }
        if !have_dict {
            self.addop_i(Opcode::BUILD_MAP, 0);
        }
        Ok(())
    }

    fn subdict(&mut self, items: &'a [ast::DictItem]) -> CResult {
        let n = items.len();
        let big = n * 2 > STACK_USE_GUIDELINE;
        let keys: Option<Vec<Constant>> = items
            .iter()
            .map(|it| it.key.as_ref().and_then(fold::constant_of))
            .collect();
        if n > 1
            && !big
            && let Some(keys) = keys
        {
            for it in items {
                self.visit_expr(&it.value)?;
            }
            self.load_const(Constant::Tuple(Rc::from(keys)));
            self.addop_i(Opcode::BUILD_CONST_KEY_MAP, n as u32);
            return Ok(());
        }
        if big {
            self.addop_i(Opcode::BUILD_MAP, 0);
        }
        for it in items {
            if let Some(k) = &it.key {
                self.visit_expr(k)?;
            }
            self.visit_expr(&it.value)?;
            if big {
                self.addop_i(Opcode::MAP_ADD, 1);
            }
        }
        if !big {
            self.addop_i(Opcode::BUILD_MAP, n as u32);
        }
        Ok(())
    }
}
