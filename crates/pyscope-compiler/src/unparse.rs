//! Expressions back to source text, as CPython 3.11's `ast_unparse.c` writes them: under
//! `from __future__ import annotations` every annotation is stored as this string.

use ruff_python_ast::{self as ast, Expr};
use ruff_text_size::Ranged;

use crate::code::Constant;
use crate::{dis, fold, pyrepr};

/// Operator precedence levels, lowest first (CPython's `PR_*`).
const TUPLE: u8 = 0;
const TEST: u8 = 1;
const OR: u8 = 2;
const AND: u8 = 3;
const NOT: u8 = 4;
const CMP: u8 = 5;
const EXPR: u8 = 6;
const BXOR: u8 = 7;
const BAND: u8 = 8;
const SHIFT: u8 = 9;
const ARITH: u8 = 10;
const TERM: u8 = 11;
const FACTOR: u8 = 12;
const POWER: u8 = 13;
const AWAIT: u8 = 14;
const ATOM: u8 = 15;

/// The text of an annotation (`_PyAST_ExprAsUnicode`); `source` serves f-strings, which are
/// copied as written.
pub fn annotation(e: &Expr, source: &str) -> String {
    let mut w = Writer {
        out: String::new(),
        source,
    };
    w.expr(e, TEST);
    w.out
}

struct Writer<'s> {
    out: String,
    source: &'s str,
}

impl Writer<'_> {
    fn s(&mut self, text: &str) {
        self.out.push_str(text);
    }

    fn open(&mut self, cond: bool) {
        if cond {
            self.s("(");
        }
    }

    fn close(&mut self, cond: bool) {
        if cond {
            self.s(")");
        }
    }

    fn list(&mut self, items: &[Expr], level: u8) {
        for (i, x) in items.iter().enumerate() {
            if i > 0 {
                self.s(", ");
            }
            self.expr(x, level);
        }
    }

    fn expr(&mut self, e: &Expr, level: u8) {
        match e {
            Expr::BoolOp(b) => {
                let (op, pr) = match b.op {
                    ast::BoolOp::And => (" and ", AND),
                    ast::BoolOp::Or => (" or ", OR),
                };
                self.open(level > pr);
                for (i, v) in b.values.iter().enumerate() {
                    if i > 0 {
                        self.s(op);
                    }
                    self.expr(v, pr + 1);
                }
                self.close(level > pr);
            }
            Expr::Named(n) => {
                self.open(level > TUPLE);
                self.expr(&n.target, ATOM);
                self.s(" := ");
                self.expr(&n.value, ATOM);
                self.close(level > TUPLE);
            }
            Expr::BinOp(b) => self.binop(b, level),
            Expr::UnaryOp(u) => {
                let (op, pr) = match u.op {
                    ast::UnaryOp::Invert => ("~", FACTOR),
                    ast::UnaryOp::Not => ("not ", NOT),
                    ast::UnaryOp::UAdd => ("+", FACTOR),
                    ast::UnaryOp::USub => ("-", FACTOR),
                };
                self.open(level > pr);
                self.s(op);
                self.expr(&u.operand, pr);
                self.close(level > pr);
            }
            Expr::Lambda(l) => {
                self.open(level > TEST);
                self.s("lambda");
                if let Some(p) = &l.parameters {
                    let mut args = String::new();
                    std::mem::swap(&mut args, &mut self.out);
                    self.parameters(p);
                    std::mem::swap(&mut args, &mut self.out);
                    if !args.is_empty() {
                        self.s(" ");
                        self.s(&args);
                    }
                }
                self.s(": ");
                self.expr(&l.body, TEST);
                self.close(level > TEST);
            }
            Expr::If(i) => {
                self.open(level > TEST);
                self.expr(&i.body, TEST + 1);
                self.s(" if ");
                self.expr(&i.test, TEST + 1);
                self.s(" else ");
                self.expr(&i.orelse, TEST);
                self.close(level > TEST);
            }
            _ => self.expr2(e, level),
        }
    }

    fn expr2(&mut self, e: &Expr, level: u8) {
        match e {
            Expr::Dict(d) => {
                self.s("{");
                for (i, item) in d.items.iter().enumerate() {
                    if i > 0 {
                        self.s(", ");
                    }
                    match &item.key {
                        Some(k) => {
                            self.expr(k, TEST);
                            self.s(": ");
                            self.expr(&item.value, TEST);
                        }
                        None => {
                            self.s("**");
                            self.expr(&item.value, EXPR);
                        }
                    }
                }
                self.s("}");
            }
            Expr::Set(s) => {
                self.s("{");
                self.list(&s.elts, TEST);
                self.s("}");
            }
            Expr::ListComp(c) => self.comp("[", &c.elt, None, &c.generators, "]"),
            Expr::SetComp(c) => self.comp("{", &c.elt, None, &c.generators, "}"),
            Expr::Generator(c) => self.comp("(", &c.elt, None, &c.generators, ")"),
            Expr::DictComp(c) => match &c.key {
                Some(k) => self.comp("{", k, Some(&c.value), &c.generators, "}"),
                None => self.source_text(e),
            },
            Expr::Await(a) => {
                self.open(level > AWAIT);
                self.s("await ");
                self.expr(&a.value, ATOM);
                self.close(level > AWAIT);
            }
            Expr::Compare(c) => {
                self.open(level > CMP);
                self.expr(&c.left, CMP + 1);
                for (op, right) in c.ops.iter().zip(c.comparators.iter()) {
                    self.s(&format!(" {} ", op.as_str()));
                    self.expr(right, CMP + 1);
                }
                self.close(level > CMP);
            }
            Expr::Call(c) => self.call(c),
            _ => self.expr3(e, level),
        }
    }

    fn expr3(&mut self, e: &Expr, level: u8) {
        match e {
            Expr::Attribute(a) => {
                self.expr(&a.value, ATOM);
                let int_value = matches!(fold::constant_of(&a.value), Some(Constant::Int(_)))
                    && matches!(&*a.value, Expr::NumberLiteral(_));
                self.s(if int_value { " ." } else { "." });
                self.s(a.attr.as_str());
            }
            Expr::Subscript(s) => {
                self.expr(&s.value, ATOM);
                self.s("[");
                self.expr(&s.slice, TUPLE);
                self.s("]");
            }
            Expr::Starred(s) => {
                self.s("*");
                self.expr(&s.value, EXPR);
            }
            Expr::Name(n) => self.s(n.id.as_str()),
            Expr::List(l) => {
                self.s("[");
                self.list(&l.elts, TEST);
                self.s("]");
            }
            Expr::Tuple(t) => {
                if t.elts.is_empty() {
                    self.s("()");
                    return;
                }
                self.open(level > TUPLE);
                self.list(&t.elts, TEST);
                if t.elts.len() == 1 {
                    self.s(",");
                }
                self.close(level > TUPLE);
            }
            Expr::Slice(s) => {
                if let Some(x) = &s.lower {
                    self.expr(x, TEST);
                }
                self.s(":");
                if let Some(x) = &s.upper {
                    self.expr(x, TEST);
                }
                if let Some(x) = &s.step {
                    self.s(":");
                    self.expr(x, TEST);
                }
            }
            _ => match literal(e) {
                Some(text) => self.s(&text),
                None => self.source_text(e),
            },
        }
    }

    fn binop(&mut self, b: &ast::ExprBinOp, level: u8) {
        use ast::Operator::*;
        let (op, pr) = match b.op {
            Add => (" + ", ARITH),
            Sub => (" - ", ARITH),
            Mult => (" * ", TERM),
            MatMult => (" @ ", TERM),
            Div => (" / ", TERM),
            Mod => (" % ", TERM),
            FloorDiv => (" // ", TERM),
            LShift => (" << ", SHIFT),
            RShift => (" >> ", SHIFT),
            BitOr => (" | ", EXPR),
            BitXor => (" ^ ", BXOR),
            BitAnd => (" & ", BAND),
            Pow => (" ** ", POWER),
        };
        let rassoc = u8::from(b.op == Pow);
        self.open(level > pr);
        self.expr(&b.left, pr + rassoc);
        self.s(op);
        self.expr(&b.right, pr + 1 - rassoc);
        self.close(level > pr);
    }

    fn comp(
        &mut self,
        open: &str,
        elt: &Expr,
        value: Option<&Expr>,
        generators: &[ast::Comprehension],
        close: &str,
    ) {
        self.s(open);
        self.expr(elt, TEST);
        if let Some(v) = value {
            self.s(": ");
            self.expr(v, TEST);
        }
        for g in generators {
            self.s(if g.is_async { " async for " } else { " for " });
            self.expr(&g.target, TUPLE);
            self.s(" in ");
            self.expr(&g.iter, TEST + 1);
            for cond in &g.ifs {
                self.s(" if ");
                self.expr(cond, TEST + 1);
            }
        }
        self.s(close);
    }

    fn call(&mut self, c: &ast::ExprCall) {
        self.expr(&c.func, ATOM);
        let args = &c.arguments;
        if let [Expr::Generator(g)] = &args.args[..]
            && args.keywords.is_empty()
        {
            self.comp("(", &g.elt, None, &g.generators, ")");
            return;
        }
        self.s("(");
        let mut first = true;
        for a in args.args.iter() {
            if !first {
                self.s(", ");
            }
            first = false;
            self.expr(a, TEST);
        }
        for k in args.keywords.iter() {
            if !first {
                self.s(", ");
            }
            first = false;
            match &k.arg {
                Some(name) => {
                    self.s(name.as_str());
                    self.s("=");
                }
                None => self.s("**"),
            }
            self.expr(&k.value, TEST);
        }
        self.s(")");
    }

    fn parameters(&mut self, p: &ast::Parameters) {
        let mut first = true;
        let mut sep = |w: &mut Self| {
            if !first {
                w.s(", ");
            }
            first = false;
        };
        for (i, a) in p.posonlyargs.iter().chain(p.args.iter()).enumerate() {
            sep(self);
            self.s(a.parameter.name.as_str());
            if let Some(d) = &a.default {
                self.s("=");
                self.expr(d, TEST);
            }
            if i + 1 == p.posonlyargs.len() {
                self.s(", /");
            }
        }
        if let Some(v) = &p.vararg {
            sep(self);
            self.s("*");
            self.s(v.name.as_str());
        } else if !p.kwonlyargs.is_empty() {
            sep(self);
            self.s("*");
        }
        for a in p.kwonlyargs.iter() {
            sep(self);
            self.s(a.parameter.name.as_str());
            if let Some(d) = &a.default {
                self.s("=");
                self.expr(d, TEST);
            }
        }
        if let Some(k) = &p.kwarg {
            sep(self);
            self.s("**");
            self.s(k.name.as_str());
        }
    }

    /// Expressions this unparser does not rebuild (f-strings) are copied from the source.
    fn source_text(&mut self, e: &Expr) {
        let r = e.range();
        let text = self
            .source
            .get(usize::from(r.start())..usize::from(r.end()))
            .unwrap_or("");
        self.s(text);
    }
}

/// The text of a literal: its value's `repr`, with infinities written `1e309`.
fn literal(e: &Expr) -> Option<String> {
    let value = match e {
        Expr::NumberLiteral(_)
        | Expr::StringLiteral(_)
        | Expr::BytesLiteral(_)
        | Expr::BooleanLiteral(_)
        | Expr::NoneLiteral(_) => fold::constant_of(e)?,
        Expr::EllipsisLiteral(_) => return Some("...".into()),
        _ => return None,
    };
    let inf = |s: String| s.replace("inf", "1e309");
    Some(match value {
        Constant::Float(f) => inf(pyrepr::float_repr(f)),
        Constant::Complex(r, i) => inf(dis::complex_repr(r, i)),
        other => dis::const_repr(&other),
    })
}
