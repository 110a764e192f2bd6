//! CPython 3.11's AST optimizer turns `"..." % (a, b)` into an f-string when the format only
//! uses `%s`, `%r` and `%a` (with optional width and precision) and the right side is a tuple
//! display without starred items (`optimize_format` in `ast_opt.c`). The literal pieces it
//! creates have no source position; each formatted value takes its argument's position.

use std::rc::Rc;

use ruff_python_ast::{self as ast, Expr};
use ruff_text_size::Ranged;

use super::expr::STACK_USE_GUIDELINE;
use super::{CResult, Compiler};
use crate::cfg::Loc;
use crate::code::Constant;
use crate::fold;
use crate::opcode::Opcode;

/// One piece of the rewritten format.
pub enum FmtPart<'a> {
    Lit(String),
    Value {
        arg: &'a Expr,
        conversion: u32,
        spec: Option<String>,
    },
}

/// The f-string pieces of `fmt % (args...)`, if CPython would rewrite it.
pub fn percent_format(b: &ast::ExprBinOp) -> Option<Vec<FmtPart<'_>>> {
    if b.op != ast::Operator::Mod {
        return None;
    }
    let Some(Constant::Str(fmt)) = fold::constant_of(&b.left) else {
        return None;
    };
    let Expr::Tuple(t) = &*b.right else {
        return None;
    };
    if fold::constant_of(&b.right).is_some() || t.elts.iter().any(|e| matches!(e, Expr::Starred(_)))
    {
        return None;
    }
    let chars: Vec<char> = fmt.chars().collect();
    let mut pos = 0;
    let mut parts = Vec::new();
    let mut args = t.elts.iter();
    loop {
        if let Some(lit) = literal(&chars, &mut pos) {
            parts.push(FmtPart::Lit(lit));
        }
        if pos >= chars.len() {
            break;
        }
        let arg = args.next()?;
        pos += 1;
        parts.push(format_unit(&chars, &mut pos, arg)?);
    }
    args.next().is_none().then_some(parts)
}

/// Literal text up to the next lone `%` (`%%` becomes `%`).
fn literal(chars: &[char], pos: &mut usize) -> Option<String> {
    let start = *pos;
    let mut out = String::new();
    while *pos < chars.len() {
        if chars[*pos] != '%' {
            out.push(chars[*pos]);
            *pos += 1;
        } else if chars.get(*pos + 1) == Some(&'%') {
            out.push('%');
            *pos += 2;
        } else {
            break;
        }
    }
    (*pos > start).then_some(out)
}

/// A cursor over the format string, as `simple_format_arg_parse` reads it.
struct Cursor<'c> {
    chars: &'c [char],
    pos: &'c mut usize,
}

impl Cursor<'_> {
    fn next(&mut self) -> Option<char> {
        let c = self.chars.get(*self.pos).copied()?;
        *self.pos += 1;
        Some(c)
    }

    /// Up to two digits starting at `ch` (three or more are not rewritten).
    fn number(&mut self, ch: &mut char) -> Option<Option<u32>> {
        if !ch.is_ascii_digit() {
            return Some(None);
        }
        let mut v = 0;
        let mut digits = 0;
        while let Some(d) = ch.to_digit(10) {
            v = v * 10 + d;
            *ch = self.next()?;
            digits += 1;
            if digits >= 3 {
                return None;
            }
        }
        Some(Some(v))
    }
}

/// Parses `[flags][width][.precision]spec` after a `%`.
fn format_unit<'a>(chars: &[char], pos: &mut usize, arg: &'a Expr) -> Option<FmtPart<'a>> {
    let mut cur = Cursor { chars, pos };
    let mut ljust = false;
    let mut ch = cur.next()?;
    while matches!(ch, '-' | '+' | ' ' | '#' | '0') {
        ljust |= ch == '-';
        ch = cur.next()?;
    }
    let width = cur.number(&mut ch)?;
    let mut prec = None;
    if ch == '.' {
        ch = cur.next()?;
        prec = Some(cur.number(&mut ch)?.unwrap_or(0));
    }
    let conversion = match ch {
        's' => 1,
        'r' => 2,
        'a' => 3,
        _ => return None,
    };
    let mut spec = String::new();
    if let Some(w) = width {
        if !ljust && w > 0 {
            spec.push('>');
        }
        spec.push_str(&w.to_string());
    }
    if let Some(p) = prec {
        spec.push_str(&format!(".{p}"));
    }
    Some(FmtPart::Value {
        arg,
        conversion,
        spec: (!spec.is_empty()).then_some(spec),
    })
}

impl<'a> Compiler<'a> {
    /// Compiles the rewritten format like `compiler_joined_str`.
    pub(super) fn percent_joined(&mut self, parts: &[FmtPart<'a>]) -> CResult {
        if parts.len() > STACK_USE_GUIDELINE {
            self.load_const(Constant::Str(Rc::from("")));
            let i = self.add_name("join");
            self.addop_i(Opcode::LOAD_METHOD, i);
            self.addop_i(Opcode::BUILD_LIST, 0);
            for p in parts {
                self.fmt_part(p)?;
                self.addop_i(Opcode::LIST_APPEND, 1);
            }
            self.addop_i(Opcode::PRECALL, 1);
            self.addop_i(Opcode::CALL, 1);
            return Ok(());
        }
        for p in parts {
            self.fmt_part(p)?;
        }
        if parts.len() != 1 {
            self.addop_i(Opcode::BUILD_STRING, parts.len() as u32);
        }
        Ok(())
    }

    fn fmt_part(&mut self, p: &FmtPart<'a>) -> CResult {
        self.keeping_loc(|c| match p {
            FmtPart::Lit(s) => {
                c.unit().loc = Loc::NONE;
                c.load_const(Constant::Str(Rc::from(s.as_str())));
                Ok(())
            }
            FmtPart::Value {
                arg,
                conversion,
                spec,
            } => {
                c.set_loc(arg.range());
                c.visit_expr(arg)?;
                let mut flags = *conversion;
                if let Some(spec) = spec {
                    c.unit().loc = Loc::NONE;
                    c.load_const(Constant::Str(Rc::from(spec.as_str())));
                    c.set_loc(arg.range());
                    flags |= 0x04;
                }
                c.addop_i(Opcode::FORMAT_VALUE, flags);
                Ok(())
            }
        })
    }
}
