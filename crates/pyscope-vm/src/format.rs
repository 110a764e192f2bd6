//! The format-spec mini-language (`format()`, f-strings, `str.format`) for str, int and
//! float, following CPython's rules for fill, alignment, sign, `#`, zero padding, grouping,
//! precision and presentation types.

use num_bigint::BigInt;
use num_traits::Signed;
use pyscope_compiler::pyrepr::{fixed_from_digits, float_repr, shortest_digits};

use crate::object::*;
use crate::vm::Vm;

/// A parsed format specification.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Spec {
    pub fill: Option<char>,
    pub align: Option<char>,
    pub sign: Option<char>,
    pub alt: bool,
    pub zero: bool,
    pub width: Option<usize>,
    pub grouping: Option<char>,
    pub precision: Option<usize>,
    pub ty: Option<char>,
}

/// Parses `[[fill]align][sign][#][0][width][grouping][.precision][type]`.
pub fn parse_spec(s: &str) -> Result<Spec, String> {
    let cs: Vec<char> = s.chars().collect();
    let mut i = 0;
    let mut spec = Spec::default();
    let is_align = |c: char| matches!(c, '<' | '>' | '^' | '=');
    if cs.len() >= 2 && is_align(cs[1]) {
        spec.fill = Some(cs[0]);
        spec.align = Some(cs[1]);
        i = 2;
    } else if !cs.is_empty() && is_align(cs[0]) {
        spec.align = Some(cs[0]);
        i = 1;
    }
    if i < cs.len() && matches!(cs[i], '+' | '-' | ' ') {
        spec.sign = Some(cs[i]);
        i += 1;
    }
    if i < cs.len() && cs[i] == 'z' {
        i += 1;
    }
    if i < cs.len() && cs[i] == '#' {
        spec.alt = true;
        i += 1;
    }
    if i < cs.len() && cs[i] == '0' {
        spec.zero = true;
        i += 1;
    }
    let start = i;
    while i < cs.len() && cs[i].is_ascii_digit() {
        i += 1;
    }
    if i > start {
        let w: String = cs[start..i].iter().collect();
        spec.width = Some(
            w.parse()
                .map_err(|_| "Too many decimal digits in format string".to_string())?,
        );
    }
    if i < cs.len() && matches!(cs[i], ',' | '_') {
        spec.grouping = Some(cs[i]);
        i += 1;
        if i < cs.len() && matches!(cs[i], ',' | '_') {
            return Err("Cannot specify both ',' and '_'.".into());
        }
    }
    if i < cs.len() && cs[i] == '.' {
        i += 1;
        let start = i;
        while i < cs.len() && cs[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return Err("Format specifier missing precision".into());
        }
        let p: String = cs[start..i].iter().collect();
        spec.precision = Some(
            p.parse()
                .map_err(|_| "Too many decimal digits in format string".to_string())?,
        );
    }
    if i < cs.len() {
        spec.ty = Some(cs[i]);
        i += 1;
    }
    if i < cs.len() {
        return Err("Invalid format specifier".into());
    }
    Ok(spec)
}

/// Pads `body` (after the sign) to the spec's width.
fn pad(spec: &Spec, sign: &str, body: &str, default_align: char) -> String {
    let fill = spec.fill.unwrap_or(if spec.zero && spec.align.is_none() {
        '0'
    } else {
        ' '
    });
    let align = spec
        .align
        .unwrap_or(if spec.zero { '=' } else { default_align });
    let width = spec.width.unwrap_or(0);
    let len = sign.chars().count() + body.chars().count();
    if len >= width {
        return format!("{sign}{body}");
    }
    let n = width - len;
    let f = |k: usize| fill.to_string().repeat(k);
    match align {
        '<' => format!("{sign}{body}{}", f(n)),
        '^' => format!("{}{sign}{body}{}", f(n / 2), f(n - n / 2)),
        '=' => format!("{sign}{}{body}", f(n)),
        _ => format!("{}{sign}{body}", f(n)),
    }
}

/// Inserts a separator every `every` digits from the right of an integer digit string.
fn group(digits: &str, sep: char, every: usize) -> String {
    let cs: Vec<char> = digits.chars().collect();
    let mut out = String::new();
    for (i, c) in cs.iter().enumerate() {
        if i > 0 && (cs.len() - i).is_multiple_of(every) {
            out.push(sep);
        }
        out.push(*c);
    }
    out
}

/// Zero padding with grouping: the grouped digits themselves are widened.
fn zero_pad_grouped(
    spec: &Spec,
    sign: &str,
    digits: &str,
    rest: &str,
    sep: Option<char>,
    every: usize,
) -> String {
    let width = spec.width.unwrap_or(0);
    let mut d = digits.to_string();
    loop {
        let grouped = match sep {
            Some(s) => group(&d, s, every),
            None => d.clone(),
        };
        let total = sign.chars().count() + grouped.chars().count() + rest.chars().count();
        if total >= width {
            return format!("{sign}{grouped}{rest}");
        }
        d.insert(0, '0');
    }
}

fn sign_str(negative: bool, spec: &Spec) -> &'static str {
    match (negative, spec.sign) {
        (true, _) => "-",
        (false, Some('+')) => "+",
        (false, Some(' ')) => " ",
        _ => "",
    }
}

/// Formats an int value.
pub fn format_int(v: &BigInt, spec: &Spec) -> Result<String, String> {
    if spec.precision.is_some() {
        return Err("Precision not allowed in integer format specifier".into());
    }
    let neg = v.is_negative();
    let mag = v.abs();
    let (digits, prefix) = match spec.ty {
        None | Some('d') | Some('n') => (mag.to_string(), ""),
        Some('b') => (mag.to_str_radix(2), if spec.alt { "0b" } else { "" }),
        Some('o') => (mag.to_str_radix(8), if spec.alt { "0o" } else { "" }),
        Some('x') => (mag.to_str_radix(16), if spec.alt { "0x" } else { "" }),
        Some('X') => (
            mag.to_str_radix(16).to_uppercase(),
            if spec.alt { "0X" } else { "" },
        ),
        Some('c') => {
            let c = u32::try_from(v)
                .ok()
                .and_then(char::from_u32)
                .ok_or("%c arg not in range(0x110000)")?;
            return Ok(pad(spec, "", &c.to_string(), '<'));
        }
        Some(t) => {
            return Err(format!(
                "Unknown format code '{t}' for object of type 'int'"
            ));
        }
    };
    let every = if matches!(spec.ty, Some('b' | 'o' | 'x' | 'X')) {
        4
    } else {
        3
    };
    if spec.grouping == Some(',') && matches!(spec.ty, Some('b' | 'o' | 'x' | 'X')) {
        return Err(format!(
            "Cannot specify ',' with '{}'.",
            spec.ty.unwrap_or('d')
        ));
    }
    let sign = format!("{}{}", sign_str(neg, spec), prefix);
    if spec.zero && spec.align.is_none() && spec.fill.is_none() {
        return Ok(zero_pad_grouped(
            spec,
            &sign,
            &digits,
            "",
            spec.grouping,
            every,
        ));
    }
    let body = match spec.grouping {
        Some(s) => group(&digits, s, every),
        None => digits,
    };
    Ok(pad(spec, &sign, &body, '>'))
}

/// `%`-free fixed formatting of `x` with `prec` digits after the point.
fn fixed(x: f64, prec: usize) -> String {
    format!("{x:.prec$}")
}

/// Scientific formatting with a two-digit exponent (`1.50e+03`).
fn sci(x: f64, prec: usize, upper: bool) -> String {
    let s = format!("{x:.prec$e}");
    let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
    let exp: i32 = e.parse().unwrap_or(0);
    let e_char = if upper { 'E' } else { 'e' };
    format!(
        "{m}{e_char}{}{:02}",
        if exp < 0 { '-' } else { '+' },
        exp.abs()
    )
}

/// The `g` presentation: scientific if the exponent is < -4 or >= precision.
fn general(x: f64, prec: usize, alt: bool, upper: bool) -> String {
    let p = prec.max(1);
    if x == 0.0 {
        let z = if alt {
            format!("0.{}", "0".repeat(p - 1))
        } else {
            "0".into()
        };
        return if x.is_sign_negative() {
            format!("-{z}")
        } else {
            z
        };
    }
    let s = format!("{:.*e}", p - 1, x.abs());
    let exp: i32 = s.split_once('e').map_or(0, |(_, e)| e.parse().unwrap_or(0));
    let mut out = if exp < -4 || exp >= p as i32 {
        sci(x.abs(), p - 1, upper)
    } else {
        fixed(x.abs(), (p as i32 - 1 - exp).max(0) as usize)
    };
    if !alt {
        // Strip trailing zeros (and a bare point) from the mantissa.
        let (mant, exp_part) = match out.find(['e', 'E']) {
            Some(i) => (out[..i].to_string(), out[i..].to_string()),
            None => (out.clone(), String::new()),
        };
        let mant = if mant.contains('.') {
            mant.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            mant
        };
        out = format!("{mant}{exp_part}");
    }
    if x.is_sign_negative() {
        format!("-{out}")
    } else {
        out
    }
}

/// Formats a float value.
pub fn format_float(x: f64, spec: &Spec) -> Result<String, String> {
    let upper = matches!(spec.ty, Some('E' | 'F' | 'G'));
    let neg = x.is_sign_negative() && !x.is_nan();
    let a = x.abs();
    let body = if !x.is_finite() {
        let s = if x.is_nan() { "nan" } else { "inf" };
        if upper {
            s.to_uppercase()
        } else {
            s.to_string()
        }
    } else {
        match spec.ty {
            Some('f' | 'F') => fixed(a, spec.precision.unwrap_or(6)),
            Some('e' | 'E') => sci(a, spec.precision.unwrap_or(6), upper),
            Some('g' | 'G') => general(a, spec.precision.unwrap_or(6), spec.alt, upper),
            Some('n') => general(a, spec.precision.unwrap_or(6), spec.alt, false),
            Some('%') => format!("{}%", fixed(a * 100.0, spec.precision.unwrap_or(6))),
            None => match spec.precision {
                None => float_repr(a),
                Some(p) => {
                    let g = general(a, p, spec.alt, false);
                    if g.contains(['.', 'e', 'n', 'i']) {
                        g
                    } else {
                        format!("{g}.0")
                    }
                }
            },
            Some(t) => {
                return Err(format!(
                    "Unknown format code '{t}' for object of type 'float'"
                ));
            }
        }
    };
    let body = if spec.alt
        && !body.contains('.')
        && x.is_finite()
        && matches!(spec.ty, Some('f' | 'F' | 'e' | 'E') | None)
    {
        match body.find(['e', 'E']) {
            Some(i) => format!("{}.{}", &body[..i], &body[i..]),
            None => format!("{body}."),
        }
    } else {
        body
    };
    let sign = sign_str(neg, spec);
    let (int_part, rest) = match body.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => (body[..i].to_string(), body[i..].to_string()),
        None => (body.clone(), String::new()),
    };
    if spec.zero && spec.align.is_none() && spec.fill.is_none() && x.is_finite() {
        return Ok(zero_pad_grouped(
            spec,
            sign,
            &int_part,
            &rest,
            spec.grouping,
            3,
        ));
    }
    let body = match spec.grouping {
        Some(s) if x.is_finite() => format!("{}{rest}", group(&int_part, s, 3)),
        _ => body,
    };
    Ok(pad(spec, sign, &body, '>'))
}

/// Formats a str value.
pub fn format_str(s: &str, spec: &Spec) -> Result<String, String> {
    if let Some(t) = spec.ty {
        if t != 's' {
            return Err(format!(
                "Unknown format code '{t}' for object of type 'str'"
            ));
        }
    }
    if spec.sign.is_some() {
        return Err("Sign not allowed in string format specifier".into());
    }
    if spec.alt {
        return Err("Alternate form (#) not allowed in string format specifier".into());
    }
    if spec.align == Some('=') {
        return Err("'=' alignment not allowed in string format specifier".into());
    }
    let body: String = match spec.precision {
        Some(p) => s.chars().take(p).collect(),
        None => s.to_string(),
    };
    Ok(pad(spec, "", &body, '<'))
}

impl Vm {
    /// `format(value, spec)` (spec is a str object).
    pub fn format(&mut self, value: ObjRef, spec: ObjRef) -> PyResult {
        let class = self.class_of(value);
        if let Some(f) = self.type_lookup(class, self.n.format) {
            if !matches!(self.kind(f), Kind::Native(_)) {
                let r = self.call_dunder(f, value, &[spec])?;
                if !self.is_str(r) {
                    let msg = format!("__format__ must return a str, not {}", self.type_name(r));
                    self.decref(r);
                    return Err(self.type_error(msg));
                }
                return Ok(r);
            }
        }
        let spec_text = self.str_of(spec).to_string();
        let s = self.format_builtin(value, &spec_text)?;
        Ok(self.new_string(s))
    }

    /// The built-in `__format__` of ints, floats, strs and plain objects.
    pub fn format_builtin(&mut self, value: ObjRef, spec_text: &str) -> PyResult<String> {
        let class = self.class_of(value);
        let tname = self.type_obj(class).name.clone();
        let int_like = matches!(
            self.kind(value),
            Kind::Int(_) | Kind::BigInt(_) | Kind::Bool(_)
        );
        if spec_text.is_empty() {
            return self.str_string(value);
        }
        let spec = match parse_spec(spec_text) {
            Ok(s) => s,
            Err(m) => return Err(self.value_error(m)),
        };
        let r = match self.kind(value) {
            _ if int_like => {
                let v = match crate::numbers::num_of(self, value) {
                    Some(crate::numbers::Num::Int(i)) => BigInt::from(i),
                    Some(crate::numbers::Num::Big(b)) => b,
                    _ => BigInt::from(0),
                };
                if matches!(spec.ty, Some('e' | 'E' | 'f' | 'F' | 'g' | 'G' | '%')) {
                    let f = crate::numbers::bigint_to_f64(&v).unwrap_or(f64::INFINITY);
                    format_float(f, &spec)
                } else {
                    format_int(&v, &spec).map_err(|m| m.replace("'int'", &format!("'{tname}'")))
                }
            }
            Kind::Float(f) => format_float(*f, &spec),
            Kind::Str(s) => format_str(&s.s.clone(), &spec),
            _ => {
                let msg = format!("unsupported format string passed to {tname}.__format__");
                return Err(self.type_error(msg));
            }
        };
        r.map_err(|m| self.value_error(m))
    }
}

/// Fixed formatting used by `%f` and `round()`: exactly `prec` digits.
pub fn fixed_digits(x: f64, prec: usize) -> String {
    fixed(x, prec)
}

/// `repr`-style shortest digits in fixed notation, without forcing `.0`.
pub fn shortest_fixed(x: f64) -> String {
    let (neg, digits, exp) = shortest_digits(x);
    let s = fixed_from_digits(&digits, exp, false);
    if neg { format!("-{s}") } else { s }
}

/// Scientific formatting helper for `%e`.
pub fn sci_digits(x: f64, prec: usize, upper: bool) -> String {
    sci(x, prec, upper)
}

/// `%g` helper.
pub fn general_digits(x: f64, prec: usize, alt: bool, upper: bool) -> String {
    general(x, prec, alt, upper)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(x: f64, s: &str) -> String {
        format_float(x, &parse_spec(s).unwrap()).unwrap()
    }

    fn i(x: i64, s: &str) -> String {
        format_int(&BigInt::from(x), &parse_spec(s).unwrap()).unwrap()
    }

    #[test]
    fn floats() {
        assert_eq!(f(1.23456, ".2f"), "1.23");
        assert_eq!(f(1234567.891, ",.2f"), "1,234,567.89");
        assert_eq!(f(0.5, ".0%"), "50%");
        assert_eq!(f(1e20, ""), "1e+20");
        assert_eq!(f(1234.5, ".3"), "1.23e+03");
        assert_eq!(f(1.0, ".3"), "1.0");
        assert_eq!(f(3.0, "08.3f"), "0003.000");
        assert_eq!(f(-3.5, "+.1e"), "-3.5e+00");
        assert_eq!(f(0.0001234, "g"), "0.0001234");
        assert_eq!(f(123456789.0, "g"), "1.23457e+08");
    }

    #[test]
    fn ints() {
        assert_eq!(i(42, ">6"), "    42");
        assert_eq!(i(42, "<6"), "42    ");
        assert_eq!(i(42, "^6"), "  42  ");
        assert_eq!(i(-42, "06"), "-00042");
        assert_eq!(i(255, "#x"), "0xff");
        assert_eq!(i(1234567, ","), "1,234,567");
        assert_eq!(i(255, "08b"), "11111111");
        assert_eq!(i(5, "*^7"), "***5***");
        assert_eq!(i(1234, "_"), "1_234");
    }
}
