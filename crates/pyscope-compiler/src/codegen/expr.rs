//! Expressions: operators, displays, calls, attribute and subscript access, f-strings.

use std::rc::Rc;

use ruff_python_ast::{self as ast, Expr};
use ruff_text_size::{Ranged, TextRange};

use super::{CResult, Compiler, NameCtx};
use crate::code::{Anchor, Constant};
use crate::fold;
use crate::opcode::Opcode;

/// CPython's guideline for how many values a display may push before switching to
/// incremental building (`STACK_USE_GUIDELINE`).
const STACK_USE_GUIDELINE: usize = 30;

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

/// How a display collects its items (CPython's `starunpack_helper` parameters).
struct Collect {
    build: Opcode,
    add: Opcode,
    extend: Opcode,
    tuple: bool,
}

impl<'a> Compiler<'a> {
    /// Compiles an expression, leaving its value on the stack.
    pub fn expr(&mut self, e: &Expr) -> CResult {
        self.nest(e.range(), |c| c.with_loc(e.range(), |c| c.expr_inner(e)))
    }

    fn expr_inner(&mut self, e: &Expr) -> CResult {
        if let Some(k) = fold::constant_of(e) {
            self.emit_const(k);
            return Ok(());
        }
        match e {
            Expr::BoolOp(b) => self.bool_op(b),
            Expr::Named(n) => {
                self.expr(&n.value)?;
                self.emit(Opcode::COPY, 1);
                self.store_target(&n.target)
            }
            Expr::BinOp(b) => {
                self.expr(&b.left)?;
                self.expr(&b.right)?;
                self.unit().anchor = Some(Anchor::BinOp {
                    left_end: b.left.range().end().into(),
                    right_start: b.right.range().start().into(),
                });
                self.emit(Opcode::BINARY_OP, binop_arg(b.op));
                Ok(())
            }
            Expr::UnaryOp(u) => {
                self.expr(&u.operand)?;
                let op = match u.op {
                    ast::UnaryOp::Invert => Opcode::UNARY_INVERT,
                    ast::UnaryOp::Not => Opcode::UNARY_NOT,
                    ast::UnaryOp::UAdd => Opcode::UNARY_POSITIVE,
                    ast::UnaryOp::USub => Opcode::UNARY_NEGATIVE,
                };
                self.emit(op, 0);
                Ok(())
            }
            Expr::Lambda(l) => self.lambda(l),
            Expr::If(i) => {
                let end = self.new_label();
                let other = self.new_label();
                self.jump_if(&i.test, other, false)?;
                self.expr(&i.body)?;
                self.emit_artificial(Opcode::JUMP, end.0);
                self.bind(other);
                self.expr(&i.orelse)?;
                self.bind(end);
                Ok(())
            }
            Expr::Dict(d) => self.dict_display(d),
            Expr::Set(s) => self.collect(&s.elts, 0, &SET),
            Expr::ListComp(_) | Expr::SetComp(_) | Expr::DictComp(_) | Expr::Generator(_) => {
                self.comprehension(e)
            }
            Expr::Await(a) => {
                let scope = &self.table.scopes[self.unit_ref().scope];
                if !scope.is_coroutine {
                    return Err(self.error("'await' outside async function", a.range));
                }
                self.expr(&a.value)?;
                self.emit(Opcode::GET_AWAITABLE, 0);
                self.emit_const(Constant::None);
                self.yield_from_await(a.range)
            }
            Expr::Yield(y) => {
                match &y.value {
                    Some(v) => self.expr(v)?,
                    None => self.emit_const(Constant::None),
                }
                let scope = &self.table.scopes[self.unit_ref().scope];
                if scope.is_coroutine {
                    self.emit(Opcode::ASYNC_GEN_WRAP, 0);
                }
                self.emit(Opcode::YIELD_VALUE, 0);
                self.emit(Opcode::RESUME, 1);
                Ok(())
            }
            Expr::YieldFrom(y) => {
                let scope = &self.table.scopes[self.unit_ref().scope];
                if scope.is_coroutine {
                    return Err(self.error("'yield from' inside async function", y.range));
                }
                self.expr(&y.value)?;
                self.emit(Opcode::GET_YIELD_FROM_ITER, 0);
                self.emit_const(Constant::None);
                self.yield_from(y.range)
            }
            Expr::Compare(c) => self.compare(c),
            Expr::Call(c) => self.call(c),
            Expr::FString(f) => self.fstring(f),
            Expr::Attribute(a) => {
                self.expr(&a.value)?;
                let i = self.add_name(&self.mangle(&a.attr));
                self.emit(Opcode::LOAD_ATTR, i);
                Ok(())
            }
            Expr::Subscript(s) => {
                self.expr(&s.value)?;
                self.subscript_index(&s.slice)?;
                self.unit().anchor = Some(subscript_anchor(s));
                self.emit(Opcode::BINARY_SUBSCR, 0);
                Ok(())
            }
            Expr::Starred(s) => Err(self.error("can't use starred expression here", s.range)),
            Expr::Name(n) => {
                self.name_op(&n.id, NameCtx::Load);
                Ok(())
            }
            Expr::List(l) => self.collect(&l.elts, 0, &LIST),
            Expr::Tuple(t) => self.collect(&t.elts, 0, &TUPLE),
            Expr::Slice(s) => self.slice(s),
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

    /// The `yield from` loop (resume argument 2).
    fn yield_from(&mut self, _range: TextRange) -> CResult {
        let start = self.new_label();
        let exit = self.new_label();
        self.bind(start);
        self.emit_jump(Opcode::SEND, exit);
        self.emit(Opcode::YIELD_VALUE, 0);
        self.emit(Opcode::RESUME, 2);
        self.emit(Opcode::JUMP_NO_INTERRUPT, start.0);
        self.bind(exit);
        Ok(())
    }

    fn subscript_index(&mut self, index: &Expr) -> CResult {
        match index {
            Expr::Slice(s) => self.slice(s),
            other => self.expr(other),
        }
    }

    fn slice(&mut self, s: &ast::ExprSlice) -> CResult {
        let mut n = 2;
        for part in [&s.lower, &s.upper] {
            match part {
                Some(p) => self.expr(p)?,
                None => self.emit_const(Constant::None),
            }
        }
        if let Some(step) = &s.step {
            self.expr(step)?;
            n = 3;
        }
        self.emit(Opcode::BUILD_SLICE, n);
        Ok(())
    }

    fn bool_op(&mut self, b: &ast::ExprBoolOp) -> CResult {
        let end = self.new_label();
        let op = match b.op {
            ast::BoolOp::And => Opcode::JUMP_IF_FALSE_OR_POP,
            ast::BoolOp::Or => Opcode::JUMP_IF_TRUE_OR_POP,
        };
        let n = b.values.len() - 1;
        for v in &b.values[..n] {
            self.expr(v)?;
            self.emit_jump(op, end);
        }
        self.expr(&b.values[n])?;
        self.bind(end);
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
        self.emit(code, arg);
    }

    /// Compiles the last operand of a comparison: after `in`/`not in`, CPython's AST
    /// optimizer turns a list display into a tuple and a constant set into a frozenset.
    pub(super) fn comparator(&mut self, op: ast::CmpOp, e: &Expr) -> CResult {
        if matches!(op, ast::CmpOp::In | ast::CmpOp::NotIn) {
            return self.iterable(e);
        }
        self.expr(e)
    }

    fn compare(&mut self, c: &ast::ExprCompare) -> CResult {
        self.expr(&c.left)?;
        let n = c.ops.len() - 1;
        if n == 0 {
            self.comparator(c.ops[0], &c.comparators[0])?;
            self.compare_op(c.ops[0]);
            return Ok(());
        }
        let cleanup = self.new_label();
        for i in 0..n {
            self.expr(&c.comparators[i])?;
            self.emit(Opcode::SWAP, 2);
            self.emit(Opcode::COPY, 2);
            self.compare_op(c.ops[i]);
            self.emit_jump(Opcode::JUMP_IF_FALSE_OR_POP, cleanup);
        }
        self.comparator(c.ops[n], &c.comparators[n])?;
        self.compare_op(c.ops[n]);
        let end = self.new_label();
        self.emit_artificial(Opcode::JUMP, end.0);
        self.bind(cleanup);
        self.emit(Opcode::SWAP, 2);
        self.emit(Opcode::POP_TOP, 0);
        self.bind(end);
        Ok(())
    }

    // ----- displays -----

    fn collect(&mut self, elts: &[Expr], pushed: u32, how: &Collect) -> CResult {
        let n = elts.len();
        if n > 2 {
            let consts: Option<Vec<Constant>> = elts.iter().map(fold::constant_of).collect();
            if let Some(items) = consts {
                if how.tuple && pushed == 0 {
                    self.emit_const(Constant::Tuple(Rc::from(items)));
                } else {
                    let folded = if how.add == Opcode::SET_ADD {
                        Constant::FrozenSet(Rc::from(items))
                    } else {
                        Constant::Tuple(Rc::from(items))
                    };
                    self.emit(how.build, pushed);
                    self.emit_const(folded);
                    self.emit(how.extend, 1);
                    if how.tuple {
                        self.emit(Opcode::LIST_TO_TUPLE, 0);
                    }
                }
                return Ok(());
            }
        }
        let big = n + pushed as usize > STACK_USE_GUIDELINE;
        let seen_star = elts.iter().any(|e| matches!(e, Expr::Starred(_)));
        if !seen_star && !big {
            for e in elts {
                self.expr(e)?;
            }
            let op = if how.tuple {
                Opcode::BUILD_TUPLE
            } else {
                how.build
            };
            self.emit(op, n as u32 + pushed);
            return Ok(());
        }
        let mut built = false;
        if big {
            self.emit(how.build, pushed);
            built = true;
        }
        for (i, e) in elts.iter().enumerate() {
            if let Expr::Starred(s) = e {
                if !built {
                    self.emit(how.build, i as u32 + pushed);
                    built = true;
                }
                self.expr(&s.value)?;
                self.emit(how.extend, 1);
            } else {
                self.expr(e)?;
                if built {
                    self.emit(how.add, 1);
                }
            }
        }
        if how.tuple {
            self.emit(Opcode::LIST_TO_TUPLE, 0);
        }
        Ok(())
    }

    fn dict_display(&mut self, d: &ast::ExprDict) -> CResult {
        let items = &d.items;
        let mut have_dict = false;
        let mut elements = 0usize;
        for (i, item) in items.iter().enumerate() {
            if item.key.is_none() {
                if elements > 0 {
                    self.subdict(&items[i - elements..i])?;
                    if have_dict {
                        self.emit(Opcode::DICT_UPDATE, 1);
                    }
                    have_dict = true;
                    elements = 0;
                }
                if !have_dict {
                    self.emit(Opcode::BUILD_MAP, 0);
                    have_dict = true;
                }
                self.expr(&item.value)?;
                self.emit(Opcode::DICT_UPDATE, 1);
            } else if elements * 2 > STACK_USE_GUIDELINE {
                self.subdict(&items[i - elements..=i])?;
                if have_dict {
                    self.emit(Opcode::DICT_UPDATE, 1);
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
                self.emit(Opcode::DICT_UPDATE, 1);
            }
            have_dict = true;
        }
        if !have_dict {
            self.emit(Opcode::BUILD_MAP, 0);
        }
        Ok(())
    }

    fn subdict(&mut self, items: &[ast::DictItem]) -> CResult {
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
                self.expr(&it.value)?;
            }
            self.emit_const(Constant::Tuple(Rc::from(keys)));
            self.emit(Opcode::BUILD_CONST_KEY_MAP, n as u32);
            return Ok(());
        }
        if big {
            self.emit(Opcode::BUILD_MAP, 0);
        }
        for it in items {
            if let Some(k) = &it.key {
                self.expr(k)?;
            }
            self.expr(&it.value)?;
            if big {
                self.emit(Opcode::MAP_ADD, 1);
            }
        }
        if !big {
            self.emit(Opcode::BUILD_MAP, n as u32);
        }
        Ok(())
    }

    // ----- calls -----

    fn call(&mut self, c: &ast::ExprCall) -> CResult {
        self.validate_keywords(&c.arguments.keywords)?;
        if let Expr::Attribute(attr) = &*c.func {
            let simple = !c
                .arguments
                .args
                .iter()
                .any(|a| matches!(a, Expr::Starred(_)))
                && !c.arguments.keywords.iter().any(|k| k.arg.is_none())
                && c.arguments.args.len() + c.arguments.keywords.len() < STACK_USE_GUIDELINE;
            if simple && attr.ctx == ast::ExprContext::Load {
                self.expr(&attr.value)?;
                let i = self.add_name(&self.mangle(&attr.attr));
                self.with_loc(attr.range, |cc| {
                    cc.emit(Opcode::LOAD_METHOD, i);
                    Ok(())
                })?;
                return self.call_helper(0, &c.arguments.args, &c.arguments.keywords);
            }
        }
        self.with_loc(c.func.range(), |cc| {
            cc.emit(Opcode::PUSH_NULL, 0);
            Ok(())
        })?;
        self.expr(&c.func)?;
        self.merge_push_null();
        self.call_helper(0, &c.arguments.args, &c.arguments.keywords)
    }

    /// `PUSH_NULL; LOAD_GLOBAL x` becomes `LOAD_GLOBAL (NULL + x)`, as CPython's optimizer does.
    fn merge_push_null(&mut self) {
        let instrs = &mut self.unit().instrs;
        let n = instrs.len();
        if n >= 2
            && instrs[n - 2].op == Opcode::PUSH_NULL
            && instrs[n - 1].op == Opcode::LOAD_GLOBAL
        {
            let load = instrs.pop().expect("checked length");
            instrs.pop();
            let mut load = load;
            load.arg |= 1;
            instrs.push(load);
        }
    }

    fn validate_keywords(&self, keywords: &[ast::Keyword]) -> CResult {
        for (i, k) in keywords.iter().enumerate() {
            let Some(name) = &k.arg else { continue };
            if keywords[i + 1..]
                .iter()
                .any(|o| o.arg.as_ref().is_some_and(|n| n.id == name.id))
            {
                let dup = keywords[i + 1..]
                    .iter()
                    .find(|o| o.arg.as_ref().is_some_and(|n| n.id == name.id))
                    .map_or(k.range, |o| o.range);
                return Err(self.error(format!("keyword argument repeated: {}", name.id), dup));
            }
        }
        Ok(())
    }

    /// Pushes arguments and emits the call (CPython's `compiler_call_helper`); `n` values are
    /// already on the stack as leading positional arguments.
    pub fn call_helper(&mut self, n: u32, args: &[Expr], keywords: &[ast::Keyword]) -> CResult {
        let nelts = args.len();
        let nkw = keywords.len();
        let needs_ex = nelts + nkw * 2 > STACK_USE_GUIDELINE
            || args.iter().any(|a| matches!(a, Expr::Starred(_)))
            || keywords.iter().any(|k| k.arg.is_none());
        if !needs_ex {
            for a in args {
                self.expr(a)?;
            }
            if nkw > 0 {
                let mut names = Vec::new();
                for k in keywords {
                    self.expr(&k.value)?;
                    names.push(Constant::Str(Rc::from(
                        k.arg.as_ref().map_or("", |a| a.id.as_str()),
                    )));
                }
                let i = self.add_const(Constant::Tuple(Rc::from(names)));
                self.emit(Opcode::KW_NAMES, i);
            }
            let total = n + (nelts + nkw) as u32;
            self.emit(Opcode::PRECALL, total);
            self.emit(Opcode::CALL, total);
            return Ok(());
        }
        if n == 0 && nelts == 1 {
            if let Expr::Starred(s) = &args[0] {
                self.expr(&s.value)?;
            } else {
                self.collect(args, n, &TUPLE)?;
            }
        } else {
            self.collect(args, n, &TUPLE)?;
        }
        if nkw > 0 {
            let mut have_dict = false;
            let mut nseen = 0usize;
            for (i, k) in keywords.iter().enumerate() {
                if k.arg.is_none() {
                    if nseen > 0 {
                        self.subkwargs(&keywords[i - nseen..i])?;
                        if have_dict {
                            self.emit(Opcode::DICT_MERGE, 1);
                        }
                        have_dict = true;
                        nseen = 0;
                    }
                    if !have_dict {
                        self.emit(Opcode::BUILD_MAP, 0);
                        have_dict = true;
                    }
                    self.expr(&k.value)?;
                    self.emit(Opcode::DICT_MERGE, 1);
                } else {
                    nseen += 1;
                }
            }
            if nseen > 0 {
                self.subkwargs(&keywords[nkw - nseen..])?;
                if have_dict {
                    self.emit(Opcode::DICT_MERGE, 1);
                }
            }
        }
        self.emit(Opcode::CALL_FUNCTION_EX, u32::from(nkw > 0));
        Ok(())
    }

    fn subkwargs(&mut self, keywords: &[ast::Keyword]) -> CResult {
        let n = keywords.len();
        let big = n * 2 > STACK_USE_GUIDELINE;
        if n > 1 && !big {
            for k in keywords {
                self.expr(&k.value)?;
            }
            let keys: Vec<Constant> = keywords
                .iter()
                .map(|k| Constant::Str(Rc::from(k.arg.as_ref().map_or("", |a| a.id.as_str()))))
                .collect();
            self.emit_const(Constant::Tuple(Rc::from(keys)));
            self.emit(Opcode::BUILD_CONST_KEY_MAP, n as u32);
            return Ok(());
        }
        if big {
            self.emit(Opcode::BUILD_MAP, 0);
        }
        for k in keywords {
            let key = k.arg.as_ref().map_or("", |a| a.id.as_str()).to_string();
            self.emit_const(Constant::Str(Rc::from(key.as_str())));
            self.expr(&k.value)?;
            if big {
                self.emit(Opcode::MAP_ADD, 1);
            }
        }
        if !big {
            self.emit(Opcode::BUILD_MAP, n as u32);
        }
        Ok(())
    }

    // ----- f-strings -----

    fn fstring(&mut self, f: &ast::ExprFString) -> CResult {
        let mut parts: Vec<FPart<'_>> = Vec::new();
        for part in f.value.iter() {
            match part {
                ast::FStringPart::Literal(l) => push_literal(&mut parts, &l.value),
                ast::FStringPart::FString(fs) => collect_fparts(&mut parts, &fs.elements),
            }
        }
        self.joined(&parts)
    }

    fn joined(&mut self, parts: &[FPart<'_>]) -> CResult {
        if parts.is_empty() {
            self.emit_const(Constant::Str(Rc::from("")));
            return Ok(());
        }
        if let [FPart::Lit(s)] = parts {
            self.emit_const(Constant::Str(Rc::from(s.as_str())));
            return Ok(());
        }
        for p in parts {
            match p {
                FPart::Lit(s) => self.emit_const(Constant::Str(Rc::from(s.as_str()))),
                FPart::Value(v) => self.formatted_value(v)?,
            }
        }
        if parts.len() > 1 {
            self.emit(Opcode::BUILD_STRING, parts.len() as u32);
        }
        Ok(())
    }

    fn formatted_value(&mut self, v: &ast::InterpolatedElement) -> CResult {
        self.expr(&v.expression)?;
        let mut conversion = match v.conversion {
            ast::ConversionFlag::None => 0,
            ast::ConversionFlag::Str => 1,
            ast::ConversionFlag::Repr => 2,
            ast::ConversionFlag::Ascii => 3,
        };
        if v.debug_text.is_some() && conversion == 0 && v.format_spec.is_none() {
            conversion = 2;
        }
        let mut flags = conversion;
        if let Some(spec) = &v.format_spec {
            let mut parts = Vec::new();
            collect_fparts(&mut parts, &spec.elements);
            self.joined(&parts)?;
            flags |= 0x04;
        }
        // CPython 3.11 gives FORMAT_VALUE the whole f-string's position.
        self.emit(Opcode::FORMAT_VALUE, flags);
        Ok(())
    }
}

/// A piece of an f-string: literal text (adjacent literals merged) or an interpolation.
enum FPart<'e> {
    Lit(String),
    Value(&'e ast::InterpolatedElement),
}

fn push_literal(parts: &mut Vec<FPart<'_>>, s: &str) {
    if s.is_empty() {
        return;
    }
    if let Some(FPart::Lit(prev)) = parts.last_mut() {
        prev.push_str(s);
    } else {
        parts.push(FPart::Lit(s.to_string()));
    }
}

fn collect_fparts<'e>(parts: &mut Vec<FPart<'e>>, elements: &'e ast::InterpolatedStringElements) {
    for el in elements.iter() {
        match el {
            ast::InterpolatedStringElement::Literal(l) => push_literal(parts, &l.value),
            ast::InterpolatedStringElement::Interpolation(i) => {
                if let Some(debug) = &i.debug_text {
                    let text = format!(
                        "{}{}{}",
                        debug.leading(),
                        debug.expression(),
                        debug.trailing()
                    );
                    push_literal(parts, &text);
                }
                parts.push(FPart::Value(i));
            }
        }
    }
}

const LIST: Collect = Collect {
    build: Opcode::BUILD_LIST,
    add: Opcode::LIST_APPEND,
    extend: Opcode::LIST_EXTEND,
    tuple: false,
};
const TUPLE: Collect = Collect {
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
