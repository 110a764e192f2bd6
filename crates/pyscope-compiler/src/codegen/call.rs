//! Calls (plain, method and `*args`/`**kwargs` forms) and f-strings, after CPython 3.11's
//! `compiler_call`, `maybe_optimize_method_call`, `compiler_call_helper` and
//! `compiler_joined_str`.

use std::rc::Rc;

use ruff_python_ast::{self as ast, Expr};
use ruff_text_size::{Ranged, TextRange};

use super::expr::{STACK_USE_GUIDELINE, TUPLE};
use super::{CResult, Compiler};
use crate::cfg::Loc;
use crate::code::Constant;
use crate::opcode::Opcode;

impl<'a> Compiler<'a> {
    pub(super) fn call(&mut self, c: &'a ast::ExprCall) -> CResult {
        self.validate_keywords(&c.arguments.keywords)?;
        if self.maybe_method_call(c)? {
            return Ok(());
        }
        self.set_loc(c.func.range());
        self.addop(Opcode::PUSH_NULL);
        self.set_loc(c.range());
        self.visit_expr(&c.func)?;
        self.call_helper(0, &c.arguments)
    }

    /// `obj.meth(args)` as `LOAD_METHOD` + `PRECALL`/`CALL`, unless the receiver is an
    /// imported module name or the arguments need the general calling sequence.
    fn maybe_method_call(&mut self, c: &'a ast::ExprCall) -> CResult<bool> {
        let Expr::Attribute(meth) = &*c.func else {
            return Ok(false);
        };
        if meth.ctx != ast::ExprContext::Load || self.is_import_originated(&meth.value) {
            return Ok(false);
        }
        let args = &c.arguments.args;
        let kwds = &c.arguments.keywords;
        if args.len() + kwds.len() + usize::from(!kwds.is_empty()) >= STACK_USE_GUIDELINE
            || args.iter().any(|a| matches!(a, Expr::Starred(_)))
            || kwds.iter().any(|k| k.arg.is_none())
        {
            return Ok(false);
        }
        self.visit_expr(&meth.value)?;
        self.set_loc(meth.range);
        self.update_start_to_attr(meth);
        let i = self.add_name(&self.mangle(&meth.attr));
        self.addop_i(Opcode::LOAD_METHOD, i);
        self.visit_args(&c.arguments)?;
        if !kwds.is_empty() {
            for k in kwds {
                self.visit_expr(&k.value)?;
            }
            self.kw_names(kwds);
        }
        self.set_loc(c.range());
        self.update_start_to_attr(meth);
        let n = (args.len() + kwds.len()) as u32;
        self.addop_i(Opcode::PRECALL, n);
        self.addop_i(Opcode::CALL, n);
        Ok(true)
    }

    /// Positional arguments; a lone unparenthesized generator takes the call's parentheses
    /// as its own, as in CPython's AST.
    fn visit_args(&mut self, arguments: &'a ast::Arguments) -> CResult {
        for a in arguments.args.iter() {
            self.visit_arg(a, arguments.range)?;
        }
        Ok(())
    }

    fn visit_arg(&mut self, a: &'a Expr, parens: TextRange) -> CResult {
        match a {
            Expr::Generator(g) if !g.parenthesized => self.visit_expr_at(a, parens),
            _ => self.visit_expr(a),
        }
    }

    fn validate_keywords(&self, keywords: &[ast::Keyword]) -> CResult {
        for (i, k) in keywords.iter().enumerate() {
            let Some(name) = &k.arg else { continue };
            if name.as_str() == "__debug__" {
                return Err(self.error("cannot assign to __debug__", k.range));
            }
            if let Some(dup) = keywords[i + 1..]
                .iter()
                .find(|o| o.arg.as_ref().is_some_and(|n| n.id == name.id))
            {
                return Err(
                    self.error(format!("keyword argument repeated: {}", name.id), dup.range)
                );
            }
        }
        Ok(())
    }

    fn kw_names(&mut self, keywords: &[ast::Keyword]) {
        let names: Vec<Constant> = keywords
            .iter()
            .map(|k| Constant::Str(Rc::from(k.arg.as_ref().map_or("", |a| a.id.as_str()))))
            .collect();
        let i = self.add_const(Constant::Tuple(Rc::from(names)));
        self.addop_i(Opcode::KW_NAMES, i);
    }

    /// Pushes arguments and emits the call (CPython's `compiler_call_helper`); `n` values are
    /// already on the stack as leading positional arguments.
    pub fn call_helper(&mut self, n: u32, arguments: &'a ast::Arguments) -> CResult {
        let args = &arguments.args;
        let keywords = &arguments.keywords;
        self.validate_keywords(keywords)?;
        let nelts = args.len();
        let nkw = keywords.len();
        let needs_ex = nelts + nkw * 2 > STACK_USE_GUIDELINE
            || args.iter().any(|a| matches!(a, Expr::Starred(_)))
            || keywords.iter().any(|k| k.arg.is_none());
        if !needs_ex {
            self.visit_args(arguments)?;
            if nkw > 0 {
                for k in keywords.iter() {
                    self.visit_expr(&k.value)?;
                }
                self.kw_names(keywords);
            }
            let total = n + (nelts + nkw) as u32;
            self.addop_i(Opcode::PRECALL, total);
            self.addop_i(Opcode::CALL, total);
            return Ok(());
        }
        match &args[..] {
            [Expr::Starred(s)] if n == 0 => self.visit_expr(&s.value)?,
            _ => self.starunpack(args, n, &TUPLE)?,
        }
        if nkw > 0 {
            self.keyword_dict(keywords)?;
        }
        self.addop_i(Opcode::CALL_FUNCTION_EX, u32::from(nkw > 0));
        Ok(())
    }

    /// The keyword-argument dict of a `CALL_FUNCTION_EX`.
    fn keyword_dict(&mut self, keywords: &'a [ast::Keyword]) -> CResult {
        let nkw = keywords.len();
        let mut have_dict = false;
        let mut nseen = 0usize;
        for (i, k) in keywords.iter().enumerate() {
            if k.arg.is_some() {
                nseen += 1;
                continue;
            }
            if nseen > 0 {
                self.subkwargs(&keywords[i - nseen..i])?;
                if have_dict {
                    self.addop_i(Opcode::DICT_MERGE, 1);
                }
                have_dict = true;
                nseen = 0;
            }
            if !have_dict {
                self.addop_i(Opcode::BUILD_MAP, 0);
                have_dict = true;
            }
            self.visit_expr(&k.value)?;
            self.addop_i(Opcode::DICT_MERGE, 1);
        }
        if nseen > 0 {
            self.subkwargs(&keywords[nkw - nseen..])?;
            if have_dict {
                self.addop_i(Opcode::DICT_MERGE, 1);
            }
        }
        Ok(())
    }

    fn subkwargs(&mut self, keywords: &'a [ast::Keyword]) -> CResult {
        let n = keywords.len();
        let big = n * 2 > STACK_USE_GUIDELINE;
        let key = |k: &ast::Keyword| {
            Constant::Str(Rc::from(k.arg.as_ref().map_or("", |a| a.id.as_str())))
        };
        if n > 1 && !big {
            for k in keywords {
                self.visit_expr(&k.value)?;
            }
            let keys: Vec<Constant> = keywords.iter().map(key).collect();
            self.load_const(Constant::Tuple(Rc::from(keys)));
            self.addop_i(Opcode::BUILD_CONST_KEY_MAP, n as u32);
            return Ok(());
        }
        if big {
            self.addop_noline(Opcode::BUILD_MAP);
        }
        for k in keywords {
            self.load_const(key(k));
            self.visit_expr(&k.value)?;
            if big {
                self.addop_noline_i(Opcode::MAP_ADD, 1);
            }
        }
        if !big {
            self.addop_i(Opcode::BUILD_MAP, n as u32);
        }
        Ok(())
    }

    // ----- f-strings -----

    /// CPython 3.11 parses an f-string expression as `(expr)` with the parentheses over the
    /// opening brace and the character that ends the expression (`}`, `!`, `:` or `=`); a
    /// bare tuple or generator takes them as its own.
    fn braced_range(&self, v: &ast::InterpolatedElement) -> TextRange {
        let bytes = self.source.as_bytes();
        let mut end = usize::from(v.expression.range().end());
        while end < bytes.len() && matches!(bytes[end], b' ' | b'\t' | b'\n' | b'\r' | b'\x0c') {
            end += 1;
        }
        let end = (end + 1).min(bytes.len());
        TextRange::new(v.range.start(), ruff_text_size::TextSize::from(end as u32))
    }

    /// A format spec, placed as CPython 3.11's f-string parser places it: the spec and its
    /// trailing text at the literal holding it, earlier text and nested values at the whole
    /// f-string.
    fn format_spec(&mut self, parts: &[FPart<'a>], part: TextRange, whole: Loc) -> CResult {
        let n = parts.len();
        for (i, p) in parts.iter().enumerate() {
            self.keeping_loc(|c| {
                match p {
                    FPart::Lit(s) => {
                        if i + 1 == n {
                            c.set_loc(part);
                        } else {
                            c.unit().loc = whole;
                        }
                        c.load_const(Constant::Str(Rc::from(s.as_str())));
                    }
                    FPart::Value(v, _) => {
                        c.unit().loc = whole;
                        c.formatted_value(v, part, whole)?;
                    }
                }
                Ok(())
            })?;
        }
        if n != 1 {
            self.addop_i(Opcode::BUILD_STRING, n as u32);
        }
        Ok(())
    }

    pub(super) fn fstring(&mut self, f: &'a ast::ExprFString) -> CResult {
        let mut parts: Vec<FPart<'a>> = Vec::new();
        for part in f.value.iter() {
            match part {
                ast::FStringPart::Literal(l) => push_literal(&mut parts, &l.value),
                ast::FStringPart::FString(fs) => collect_fparts(&mut parts, &fs.elements, fs.range),
            }
        }
        self.joined(&parts)
    }

    /// CPython's `compiler_joined_str` over the merged parts.
    fn joined(&mut self, parts: &[FPart<'a>]) -> CResult {
        if parts.len() > STACK_USE_GUIDELINE {
            self.load_const(Constant::Str(Rc::from("")));
            let i = self.add_name("join");
            self.addop_i(Opcode::LOAD_METHOD, i);
            self.addop_i(Opcode::BUILD_LIST, 0);
            for p in parts {
                self.fpart(p)?;
                self.addop_i(Opcode::LIST_APPEND, 1);
            }
            self.addop_i(Opcode::PRECALL, 1);
            self.addop_i(Opcode::CALL, 1);
            return Ok(());
        }
        for p in parts {
            self.fpart(p)?;
        }
        if parts.len() != 1 {
            self.addop_i(Opcode::BUILD_STRING, parts.len() as u32);
        }
        Ok(())
    }

    fn fpart(&mut self, p: &FPart<'a>) -> CResult {
        match p {
            FPart::Lit(s) => {
                self.load_const(Constant::Str(Rc::from(s.as_str())));
                Ok(())
            }
            FPart::Value(v, part) => {
                let whole = self.unit_ref().loc;
                self.formatted_value(v, *part, whole)
            }
        }
    }

    /// One interpolation; `part` is the f-string literal that contains it and `whole` the
    /// position of the complete (possibly concatenated) f-string.
    fn formatted_value(
        &mut self,
        v: &'a ast::InterpolatedElement,
        part: TextRange,
        whole: Loc,
    ) -> CResult {
        match &*v.expression {
            Expr::Tuple(t) if !t.parenthesized => {
                self.visit_expr_at(&v.expression, self.braced_range(v))?
            }
            Expr::Generator(g) if !g.parenthesized => {
                self.visit_expr_at(&v.expression, self.braced_range(v))?
            }
            e => self.visit_expr(e)?,
        }
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
            collect_fparts(&mut parts, &spec.elements, part);
            self.keeping_loc(|c| {
                c.set_loc(part);
                c.format_spec(&parts, part, whole)
            })?;
            flags |= 0x04;
        }
        self.addop_i(Opcode::FORMAT_VALUE, flags);
        Ok(())
    }
}

/// A piece of an f-string: literal text (adjacent literals merged) or an interpolation with
/// the range of the f-string literal that holds it.
enum FPart<'e> {
    Lit(String),
    Value(&'e ast::InterpolatedElement, TextRange),
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

fn collect_fparts<'e>(
    parts: &mut Vec<FPart<'e>>,
    elements: &'e ast::InterpolatedStringElements,
    part: TextRange,
) {
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
                parts.push(FPart::Value(i, part));
            }
        }
    }
}
