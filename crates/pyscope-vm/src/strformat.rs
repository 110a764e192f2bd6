//! `str.format` fields (`{0}`, `{name.attr[key]!r:>10}`) and printf-style `%` formatting,
//! with CPython's error messages.

use num_bigint::BigInt;

use crate::format::{fixed_digits, general_digits, sci_digits};
use crate::numbers::{self, Num};
use crate::object::*;
use crate::vm::Vm;

impl Vm {
    /// `fmt.format(*pos, **kw)` (or `format_map(mapping)` when `mapping` is set).
    pub fn str_format(
        &mut self,
        fmt: &str,
        pos: &[ObjRef],
        kw: &[(ObjRef, ObjRef)],
        mapping: ObjRef,
    ) -> PyResult<String> {
        self.enter_recursion(" while formatting")?;
        let r = self.str_format_inner(fmt, pos, kw, mapping, &mut 0, &mut None);
        self.leave_recursion();
        r
    }

    fn str_format_inner(
        &mut self,
        fmt: &str,
        pos: &[ObjRef],
        kw: &[(ObjRef, ObjRef)],
        mapping: ObjRef,
        auto: &mut usize,
        manual: &mut Option<bool>,
    ) -> PyResult<String> {
        let cs: Vec<char> = fmt.chars().collect();
        let mut out = String::new();
        let mut i = 0;
        while i < cs.len() {
            let c = cs[i];
            if c == '}' {
                if cs.get(i + 1) == Some(&'}') {
                    out.push('}');
                    i += 2;
                    continue;
                }
                return Err(self.value_error("Single '}' encountered in format string"));
            }
            if c != '{' {
                out.push(c);
                i += 1;
                continue;
            }
            if cs.get(i + 1) == Some(&'{') {
                out.push('{');
                i += 2;
                continue;
            }
            // Find the matching close brace, allowing nested braces in the spec.
            let mut depth = 1;
            let mut j = i + 1;
            while j < cs.len() && depth > 0 {
                match cs[j] {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    _ => {}
                }
                j += 1;
            }
            if depth > 0 {
                return Err(self.value_error("expected '}' before end of string"));
            }
            let field: String = cs[i + 1..j - 1].iter().collect();
            out.push_str(&self.format_field(&field, pos, kw, mapping, auto, manual)?);
            i = j;
        }
        Ok(out)
    }

    fn format_field(
        &mut self,
        field: &str,
        pos: &[ObjRef],
        kw: &[(ObjRef, ObjRef)],
        mapping: ObjRef,
        auto: &mut usize,
        manual: &mut Option<bool>,
    ) -> PyResult<String> {
        let (name_part, spec) = split_top(field, ':');
        let (name, conv) = match name_part.rfind('!') {
            Some(k) => (&name_part[..k], Some(&name_part[k + 1..])),
            None => (name_part, None),
        };
        let first_end = name.find(['.', '[']).unwrap_or(name.len());
        let first = &name[..first_end];
        let mut obj = if first.is_empty() {
            if *manual == Some(true) {
                return Err(self.value_error(
                    "cannot switch from manual field specification to automatic field numbering",
                ));
            }
            *manual = Some(false);
            let k = *auto;
            *auto += 1;
            match pos.get(k) {
                Some(&v) => self.share(v),
                None => {
                    return Err(self.index_error(format!(
                        "Replacement index {k} out of range for positional args tuple"
                    )));
                }
            }
        } else if let Ok(k) = first.parse::<usize>() {
            if *manual == Some(false) {
                return Err(self.value_error(
                    "cannot switch from automatic field numbering to manual field specification",
                ));
            }
            *manual = Some(true);
            match pos.get(k) {
                Some(&v) => self.share(v),
                None => {
                    return Err(self.index_error(format!(
                        "Replacement index {k} out of range for positional args tuple"
                    )));
                }
            }
        } else if !mapping.is_null() {
            let key = self.new_str(first);
            let r = self.getitem(mapping, key);
            self.decref(key);
            r?
        } else {
            match kw.iter().find(|(k, _)| self.str_of(*k) == first) {
                Some(&(_, v)) => self.share(v),
                None => {
                    let key = self.new_str(first);
                    let e = self.new_exc_obj(self.e.key_error, &[key]);
                    self.decref(key);
                    return Err(e);
                }
            }
        };
        let mut rest = &name[first_end..];
        while !rest.is_empty() {
            if let Some(r) = rest.strip_prefix('.') {
                let end = r.find(['.', '[']).unwrap_or(r.len());
                let attr = self.intern(&r[..end]);
                let next = self.getattr(obj, attr);
                self.decref(attr);
                self.decref(obj);
                obj = next?;
                rest = &r[end..];
            } else if let Some(r) = rest.strip_prefix('[') {
                let end = r.find(']').unwrap_or(r.len());
                let key_text = &r[..end];
                let key = match key_text.parse::<i64>() {
                    Ok(n) => self.new_int(n),
                    Err(_) => self.new_str(key_text),
                };
                let next = self.getitem(obj, key);
                self.decref(key);
                self.decref(obj);
                obj = next?;
                rest = &r[(end + 1).min(r.len())..];
            } else {
                self.decref(obj);
                return Err(
                    self.value_error("Only '.' or '[' may follow ']' in format field specifier")
                );
            }
        }
        let converted = match conv {
            None => Ok(self.share(obj)),
            Some("r") => self.repr(obj),
            Some("s") => self.to_str(obj),
            Some("a") => self.ascii(obj),
            Some(other) => {
                let msg = format!("Unknown conversion specifier {other}");
                Err(self.value_error(msg))
            }
        };
        self.decref(obj);
        let converted = converted?;
        let spec_text = if spec.contains('{') {
            self.str_format_inner(spec, pos, kw, mapping, auto, manual)?
        } else {
            spec.to_string()
        };
        let spec_obj = self.new_string(spec_text);
        let r = self.format(converted, spec_obj);
        self.decref(spec_obj);
        self.decref(converted);
        let r = r?;
        let s = self.str_of(r).to_string();
        self.decref(r);
        Ok(s)
    }

    /// `fmt % args` for str.
    pub fn percent_format(&mut self, fmt_obj: ObjRef, args: ObjRef) -> PyResult<String> {
        let fmt: Vec<char> = self.str_of(fmt_obj).chars().collect();
        let (items, is_mapping) = match self.kind(args) {
            Kind::Tuple(t) if self.class_of(args) == self.t.tuple => (t.to_vec(), false),
            Kind::Dict(_) => (vec![args], true),
            _ => (
                vec![args],
                self.type_lookup(self.class_of(args), self.n.getitem)
                    .is_some()
                    && !self.is_str(args),
            ),
        };
        let mut next = 0usize;
        let mut out = String::new();
        let mut i = 0;
        let mut used_mapping = false;
        while i < fmt.len() {
            if fmt[i] != '%' {
                out.push(fmt[i]);
                i += 1;
                continue;
            }
            i += 1;
            if i >= fmt.len() {
                return Err(self.value_error("incomplete format"));
            }
            let mut value = ObjRef::NULL;
            let mut owned = false;
            if fmt[i] == '(' {
                let close = fmt[i..].iter().position(|c| *c == ')').map(|p| p + i);
                let Some(close) = close else {
                    return Err(self.value_error("incomplete format key"));
                };
                let key: String = fmt[i + 1..close].iter().collect();
                let k = self.new_string(key);
                let r = self.getitem(args, k);
                self.decref(k);
                value = r?;
                owned = true;
                used_mapping = true;
                i = close + 1;
            }
            let mut flags = String::new();
            while i < fmt.len() && matches!(fmt[i], '-' | '+' | ' ' | '#' | '0') {
                flags.push(fmt[i]);
                i += 1;
            }
            let mut width: Option<usize> = None;
            if i < fmt.len() && fmt[i] == '*' {
                let w = self.take_arg(&items, &mut next)?;
                width = Some(self.index_value(w)?.max(0) as usize);
                i += 1;
            } else {
                let start = i;
                while i < fmt.len() && fmt[i].is_ascii_digit() {
                    i += 1;
                }
                if i > start {
                    width = fmt[start..i].iter().collect::<String>().parse().ok();
                }
            }
            let mut prec: Option<usize> = None;
            if i < fmt.len() && fmt[i] == '.' {
                i += 1;
                if i < fmt.len() && fmt[i] == '*' {
                    let p = self.take_arg(&items, &mut next)?;
                    prec = Some(self.index_value(p)?.max(0) as usize);
                    i += 1;
                } else {
                    let start = i;
                    while i < fmt.len() && fmt[i].is_ascii_digit() {
                        i += 1;
                    }
                    prec = Some(
                        fmt[start..i]
                            .iter()
                            .collect::<String>()
                            .parse()
                            .unwrap_or(0),
                    );
                }
            }
            while i < fmt.len() && matches!(fmt[i], 'h' | 'l' | 'L') {
                i += 1;
            }
            if i >= fmt.len() {
                if owned {
                    self.decref(value);
                }
                return Err(self.value_error("incomplete format"));
            }
            let conv = fmt[i];
            i += 1;
            if conv == '%' {
                out.push('%');
                continue;
            }
            if value.is_null() {
                if is_mapping
                    && !used_mapping
                    && items.len() == 1
                    && matches!(self.kind(args), Kind::Dict(_))
                {
                    value = args;
                } else {
                    value = self.take_arg(&items, &mut next)?;
                }
            }
            let body = self.percent_one(conv, value, &flags, prec, i - 1);
            if owned {
                self.decref(value);
            }
            let (sign, body) = body?;
            let left = flags.contains('-');
            let zero = flags.contains('0') && !left && !matches!(conv, 's' | 'r' | 'a' | 'c');
            let len = sign.chars().count() + body.chars().count();
            let w = width.unwrap_or(0);
            if len >= w {
                out.push_str(&sign);
                out.push_str(&body);
            } else if left {
                out.push_str(&sign);
                out.push_str(&body);
                out.push_str(&" ".repeat(w - len));
            } else if zero {
                out.push_str(&sign);
                out.push_str(&"0".repeat(w - len));
                out.push_str(&body);
            } else {
                out.push_str(&" ".repeat(w - len));
                out.push_str(&sign);
                out.push_str(&body);
            }
        }
        if next < items.len() && !is_mapping {
            return Err(self.type_error("not all arguments converted during string formatting"));
        }
        Ok(out)
    }

    fn take_arg(&mut self, items: &[ObjRef], next: &mut usize) -> PyResult<ObjRef> {
        match items.get(*next) {
            Some(&v) => {
                *next += 1;
                Ok(v)
            }
            None => Err(self.type_error("not enough arguments for format string")),
        }
    }

    /// One `%` conversion: returns (sign, digits/text).
    fn percent_one(
        &mut self,
        conv: char,
        v: ObjRef,
        flags: &str,
        prec: Option<usize>,
        at: usize,
    ) -> PyResult<(String, String)> {
        let sign_for = |neg: bool| -> String {
            if neg {
                "-".into()
            } else if flags.contains('+') {
                "+".into()
            } else if flags.contains(' ') {
                " ".into()
            } else {
                String::new()
            }
        };
        match conv {
            's' | 'r' | 'a' => {
                let s = match conv {
                    's' => self.str_string(v)?,
                    'r' => self.repr_string(v)?,
                    _ => {
                        let r = self.ascii(v)?;
                        let s = self.str_of(r).to_string();
                        self.decref(r);
                        s
                    }
                };
                let s = match prec {
                    Some(p) => s.chars().take(p).collect(),
                    None => s,
                };
                Ok((String::new(), s))
            }
            'd' | 'i' | 'u' | 'x' | 'X' | 'o' => {
                let n = match numbers::num_of(self, v) {
                    Some(Num::Float(f)) if matches!(conv, 'd' | 'i' | 'u') => {
                        numbers::float_to_bigint(f.trunc()).unwrap_or_default()
                    }
                    Some(n @ (Num::Int(_) | Num::Big(_))) => {
                        numbers::to_bigint(&n).unwrap_or_default()
                    }
                    _ => {
                        if matches!(conv, 'd' | 'i' | 'u') {
                            let msg = format!(
                                "%{conv} format: a real number is required, not {}",
                                self.type_name(v)
                            );
                            return Err(self.type_error(msg));
                        }
                        let msg = format!(
                            "%{conv} format: an integer is required, not {}",
                            self.type_name(v)
                        );
                        return Err(self.type_error(msg));
                    }
                };
                let neg = n < BigInt::from(0);
                let mag = if neg { -n } else { n };
                let mut digits = match conv {
                    'x' => mag.to_str_radix(16),
                    'X' => mag.to_str_radix(16).to_uppercase(),
                    'o' => mag.to_str_radix(8),
                    _ => mag.to_string(),
                };
                if let Some(p) = prec {
                    while digits.len() < p {
                        digits.insert(0, '0');
                    }
                }
                let prefix = if flags.contains('#') {
                    match conv {
                        'x' => "0x",
                        'X' => "0X",
                        'o' => "0o",
                        _ => "",
                    }
                } else {
                    ""
                };
                Ok((format!("{}{prefix}", sign_for(neg)), digits))
            }
            'e' | 'E' | 'f' | 'F' | 'g' | 'G' => {
                let f = match numbers::num_of(self, v) {
                    Some(n @ (Num::Int(_) | Num::Big(_) | Num::Float(_))) => {
                        numbers::num_to_f64(&n).unwrap_or(f64::INFINITY)
                    }
                    _ => {
                        let class = self.class_of(v);
                        if let Some(ff) = self.type_lookup_str(class, "__float__") {
                            let r = self.call_dunder(ff, v, &[])?;
                            let x = numbers::num_of(self, r)
                                .and_then(|n| numbers::num_to_f64(&n))
                                .unwrap_or(0.0);
                            self.decref(r);
                            x
                        } else {
                            let msg = format!("must be real number, not {}", self.type_name(v));
                            return Err(self.type_error(msg));
                        }
                    }
                };
                let p = prec.unwrap_or(6);
                let a = f.abs();
                let body = if !f.is_finite() {
                    let s = if f.is_nan() { "nan" } else { "inf" };
                    if conv.is_uppercase() {
                        s.to_uppercase()
                    } else {
                        s.into()
                    }
                } else {
                    match conv {
                        'e' | 'E' => sci_digits(a, p, conv == 'E'),
                        'f' | 'F' => fixed_digits(a, p),
                        _ => general_digits(a, p, flags.contains('#'), conv == 'G'),
                    }
                };
                Ok((sign_for(f.is_sign_negative() && !f.is_nan()), body))
            }
            'c' => {
                let s = if self.is_str(v) && self.str_of(v).chars().count() == 1 {
                    self.str_of(v).to_string()
                } else if let Some(i) = self.int_value(v) {
                    match u32::try_from(i).ok().and_then(char::from_u32) {
                        Some(c) => c.to_string(),
                        None => return Err(self.overflow_error("%c arg not in range(0x110000)")),
                    }
                } else {
                    return Err(self.type_error(format!(
                        "%c requires int or char, not {}",
                        self.type_name(v)
                    )));
                };
                Ok((String::new(), s))
            }
            other => {
                let msg = format!(
                    "unsupported format character '{other}' ({:#x}) at index {at}",
                    other as u32
                );
                Err(self.value_error(msg))
            }
        }
    }
}

/// Splits at the first `sep` outside brackets (the `:` that starts a format spec).
fn split_top(s: &str, sep: char) -> (&str, &str) {
    let mut depth = 0;
    for (i, c) in s.char_indices() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            c if c == sep && depth == 0 => return (&s[..i], &s[i + 1..]),
            _ => {}
        }
    }
    (s, "")
}
