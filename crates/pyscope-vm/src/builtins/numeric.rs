//! `int`, `bool`, `float` and `complex`: constructors (string parsing included), operator
//! methods, and methods such as `bit_length`, `as_integer_ratio` and `is_integer`.

use num_bigint::BigInt;
use num_traits::{Signed, Zero};

use super::{C, M, S};
use crate::numbers::{self, Num};
use crate::object::*;
use crate::vm::Vm;

/// CPython's default limit on int/str conversions (`sys.int_info.default_max_str_digits`).
pub const MAX_STR_DIGITS: usize = 4300;

/// Declares `fn name(vm, args)` wrappers for each binary operator method.
macro_rules! binops {
    ($($fname:ident: $op:expr, $reflected:expr;)*) => {
        $(
            fn $fname(vm: &mut Vm, a: &Args) -> PyResult {
                num_binop(vm, a, $op, $reflected)
            }
        )*
        const BINOP_METHODS: &[(&str, NativeFn)] = &[
            $((stringify!($fname), $fname),)*
        ];
    };
}

binops! {
    __add__: 0, false; __radd__: 0, true; __and__: 1, false; __rand__: 1, true;
    __floordiv__: 2, false; __rfloordiv__: 2, true; __lshift__: 3, false; __rlshift__: 3, true;
    __mul__: 5, false; __rmul__: 5, true; __mod__: 6, false; __rmod__: 6, true;
    __or__: 7, false; __ror__: 7, true; __pow__: 8, false; __rpow__: 8, true;
    __rshift__: 9, false; __rrshift__: 9, true; __sub__: 10, false; __rsub__: 10, true;
    __truediv__: 11, false; __rtruediv__: 11, true; __xor__: 12, false; __rxor__: 12, true;
}

macro_rules! cmps {
    ($($fname:ident: $op:expr;)*) => {
        $(
            fn $fname(vm: &mut Vm, a: &Args) -> PyResult {
                num_cmp(vm, a, $op)
            }
        )*
        const CMP_METHODS: &[(&str, NativeFn)] = &[$((stringify!($fname), $fname),)*];
    };
}

cmps! { __lt__: 0; __le__: 1; __eq__: 2; __ne__: 3; __gt__: 4; __ge__: 5; }

pub(super) fn install(vm: &mut Vm) {
    let (int, float, bool_, complex) = (vm.t.int, vm.t.float, vm.t.bool_, vm.t.complex);
    for ty in [int, float, complex] {
        let mut defs: Vec<super::MethodDef> =
            BINOP_METHODS.iter().map(|(n, f)| (*n, *f, M)).collect();
        defs.extend(CMP_METHODS.iter().map(|(n, f)| (*n, *f, M)));
        defs.extend_from_slice(&[
            ("__neg__", neg, M),
            ("__pos__", pos, M),
            ("__abs__", abs, M),
            ("__bool__", to_bool, M),
            ("__hash__", hash, M),
            ("__repr__", repr, M),
            ("__float__", to_float, M),
            ("__divmod__", divmod, M),
            ("conjugate", conjugate, M),
        ]);
        vm.register(ty, &defs);
    }
    vm.register(
        int,
        &[
            ("__new__", int_new, S),
            ("__invert__", invert, M),
            ("__int__", to_int, M),
            ("__index__", to_int, M),
            ("__trunc__", to_int, M),
            ("__floor__", to_int, M),
            ("__ceil__", to_int, M),
            ("__round__", int_round, M),
            ("__format__", format, M),
            ("__getnewargs__", getnewargs, M),
            ("bit_length", bit_length, M),
            ("bit_count", bit_count, M),
            ("to_bytes", to_bytes, M),
            ("from_bytes", from_bytes, C),
            ("as_integer_ratio", int_ratio, M),
            ("is_integer", is_integer, M),
        ],
    );
    vm.register(
        float,
        &[
            ("__new__", float_new, S),
            ("__int__", float_trunc, M),
            ("__trunc__", float_trunc, M),
            ("__floor__", float_floor, M),
            ("__ceil__", float_ceil, M),
            ("__round__", float_round, M),
            ("__format__", format, M),
            ("is_integer", is_integer, M),
            ("as_integer_ratio", float_ratio, M),
            ("hex", float_hex, M),
            ("fromhex", float_fromhex, C),
        ],
    );
    vm.register(
        bool_,
        &[
            ("__new__", bool_new, S),
            ("__repr__", repr, M),
            ("__and__", bool_and, M),
            ("__or__", bool_or, M),
            ("__xor__", bool_xor, M),
        ],
    );
    vm.register(
        complex,
        &[("__new__", complex_new, S), ("__format__", format, M)],
    );
}

fn self_num(vm: &mut Vm, a: &Args) -> PyResult<Num> {
    match a.args.first().and_then(|s| numbers::num_of(vm, *s)) {
        Some(n) => Ok(n),
        None => Err(vm.type_error("descriptor requires a number")),
    }
}

/// An operator method: works on numbers the receiver's type accepts, else NotImplemented.
fn num_binop(vm: &mut Vm, a: &Args, op: u32, reflected: bool) -> PyResult {
    vm.check_method_args("operator", a, 1, 1)?;
    let (x, y) = (a.args[0], a.args[1]);
    let accepts = matches!(
        (vm.kind(x), vm.kind(y)),
        (
            Kind::Complex(_),
            Kind::Int(_) | Kind::BigInt(_) | Kind::Bool(_) | Kind::Float(_) | Kind::Complex(_),
        ) | (
            Kind::Float(_),
            Kind::Int(_) | Kind::BigInt(_) | Kind::Bool(_) | Kind::Float(_)
        ) | (
            Kind::Int(_) | Kind::BigInt(_) | Kind::Bool(_),
            Kind::Int(_) | Kind::BigInt(_) | Kind::Bool(_),
        )
    );
    if !accepts {
        return Ok(vm.not_implemented());
    }
    let (l, r) = if reflected { (y, x) } else { (x, y) };
    match numbers::binary_numeric(vm, op, l, r) {
        Some(r) => r,
        None => Ok(vm.not_implemented()),
    }
}

fn num_cmp(vm: &mut Vm, a: &Args, op: usize) -> PyResult {
    vm.check_method_args("comparison", a, 1, 1)?;
    let (x, y) = (a.args[0], a.args[1]);
    let (Some(nx), Some(ny)) = (numbers::num_of(vm, x), numbers::num_of(vm, y)) else {
        return Ok(vm.not_implemented());
    };
    let complex = matches!(nx, Num::Complex(..)) || matches!(ny, Num::Complex(..));
    if complex {
        if op != 2 && op != 3 {
            return Ok(vm.not_implemented());
        }
        let eq = numbers::num_eq(vm, x, y).unwrap_or(false);
        return Ok(vm.bool_obj(eq == (op == 2)));
    }
    let r = match numbers::num_cmp(&nx, &ny) {
        Some(o) => crate::ops::cmp_result(op, o),
        None => op == 3,
    };
    Ok(vm.bool_obj(r))
}

fn neg(vm: &mut Vm, a: &Args) -> PyResult {
    vm.unary(a.args[0], "__neg__", "-")
}

fn pos(vm: &mut Vm, a: &Args) -> PyResult {
    let n = self_num(vm, a)?;
    Ok(vm.new_num(n))
}

fn invert(vm: &mut Vm, a: &Args) -> PyResult {
    let n = self_num(vm, a)?;
    let v = numbers::to_bigint(&n).unwrap_or_default();
    Ok(vm.new_bigint(-v - 1))
}

fn abs(vm: &mut Vm, a: &Args) -> PyResult {
    Ok(match self_num(vm, a)? {
        Num::Int(i) => vm.new_bigint(BigInt::from(i).abs()),
        Num::Big(b) => vm.new_bigint(b.abs()),
        Num::Float(f) => vm.new_float(f.abs()),
        Num::Complex(r, i) => vm.new_float(r.hypot(i)),
    })
}

fn to_bool(vm: &mut Vm, a: &Args) -> PyResult {
    let t = match self_num(vm, a)? {
        Num::Int(i) => i != 0,
        Num::Big(_) => true,
        Num::Float(f) => f != 0.0,
        Num::Complex(r, i) => r != 0.0 || i != 0.0,
    };
    Ok(vm.bool_obj(t))
}

fn hash(vm: &mut Vm, a: &Args) -> PyResult {
    let h = vm.hash_slow(a.args[0])?;
    Ok(vm.new_int(h))
}

fn repr(vm: &mut Vm, a: &Args) -> PyResult {
    let x = a.args[0];
    if let Kind::BigInt(b) = vm.kind(x) {
        let s = int_to_decimal(vm, &b.clone())?;
        return Ok(vm.new_string(s));
    }
    let s = match vm.kind(x) {
        Kind::Bool(b) => if *b { "True" } else { "False" }.to_string(),
        Kind::Int(i) => i.to_string(),
        Kind::Float(f) => pyscope_compiler::pyrepr::float_repr(*f),
        Kind::Complex(c) => pyscope_compiler::dis::complex_repr(c.0, c.1),
        _ => vm.default_repr(x),
    };
    Ok(vm.new_string(s))
}

/// Decimal text of a big int, with CPython's 4300-digit safety limit.
pub fn int_to_decimal(vm: &mut Vm, b: &BigInt) -> PyResult<String> {
    if b.bits() > 14_000 {
        let s = b.to_string();
        let digits = s.trim_start_matches('-').len();
        if digits > MAX_STR_DIGITS {
            return Err(vm.value_error(
                "Exceeds the limit (4300 digits) for integer string conversion; use sys.set_int_max_str_digits() to increase the limit",
            ));
        }
        return Ok(s);
    }
    Ok(b.to_string())
}

fn to_float(vm: &mut Vm, a: &Args) -> PyResult {
    match self_num(vm, a)? {
        Num::Float(f) => Ok(vm.new_float(f)),
        n => match numbers::num_to_f64(&n) {
            Some(f) => Ok(vm.new_float(f)),
            None => Err(vm.overflow_error("int too large to convert to float")),
        },
    }
}

fn to_int(vm: &mut Vm, a: &Args) -> PyResult {
    let n = self_num(vm, a)?;
    let v = numbers::to_bigint(&n).unwrap_or_default();
    Ok(vm.new_bigint(v))
}

fn divmod(vm: &mut Vm, a: &Args) -> PyResult {
    let f = vm.builtin_named_global("divmod")?;
    let r = vm.call(f, &a.args, &[]);
    vm.decref(f);
    r
}

fn conjugate(vm: &mut Vm, a: &Args) -> PyResult {
    Ok(match self_num(vm, a)? {
        Num::Complex(r, i) => vm.new_complex(r, -i),
        n => vm.new_num(n),
    })
}

fn getnewargs(vm: &mut Vm, a: &Args) -> PyResult {
    let n = self_num(vm, a)?;
    let v = vm.new_num(n);
    Ok(vm.new_tuple(vec![v]))
}

fn format(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_method_args("__format__", a, 1, 1)?;
    let spec = vm.str_of(a.args[1]).to_string();
    let s = vm.format_builtin(a.args[0], &spec)?;
    Ok(vm.new_string(s))
}

fn bit_length(vm: &mut Vm, a: &Args) -> PyResult {
    let n = self_num(vm, a)?;
    let v = numbers::to_bigint(&n).unwrap_or_default();
    Ok(vm.new_int(v.bits() as i64))
}

fn bit_count(vm: &mut Vm, a: &Args) -> PyResult {
    let n = self_num(vm, a)?;
    let v = numbers::to_bigint(&n).unwrap_or_default();
    let count: u64 = v
        .magnitude()
        .to_u64_digits()
        .iter()
        .map(|d| u64::from(d.count_ones()))
        .sum();
    Ok(vm.new_int(count as i64))
}

fn to_bytes(vm: &mut Vm, a: &Args) -> PyResult {
    let p = vm.bind_native(
        "to_bytes",
        a,
        &["self", "length", "byteorder", "*", "signed"],
        1,
    )?;
    let n = self_num(vm, a)?;
    let v = numbers::to_bigint(&n).unwrap_or_default();
    let length = if p[1].is_null() {
        1
    } else {
        vm.index_value(p[1])? as usize
    };
    let order = if p[2].is_null() {
        "big".to_string()
    } else {
        vm.str_of(p[2]).to_string()
    };
    let signed = !p[3].is_null() && vm.truthy(p[3])?;
    if v.is_negative() && !signed {
        return Err(vm.overflow_error("can't convert negative int to unsigned"));
    }
    let mut bytes = if signed {
        v.to_signed_bytes_le()
    } else {
        v.to_bytes_le().1
    };
    if v.is_zero() {
        bytes = vec![0];
    }
    let fill = if v.is_negative() { 0xff } else { 0 };
    if bytes.len() > length && !(bytes.len() == length + 1 && bytes[length] == fill && length > 0) {
        return Err(vm.overflow_error("int too big to convert"));
    }
    bytes.resize(length, fill);
    if order == "big" {
        bytes.reverse();
    } else if order != "little" {
        return Err(vm.value_error("byteorder must be either 'little' or 'big'"));
    }
    Ok(vm.new_bytes(&bytes))
}

fn from_bytes(vm: &mut Vm, a: &Args) -> PyResult {
    let p = vm.bind_native(
        "from_bytes",
        a,
        &["cls", "bytes", "byteorder", "*", "signed"],
        2,
    )?;
    let data = vm.bytes_of(p[1])?;
    let order = if p[2].is_null() {
        "big".to_string()
    } else {
        vm.str_of(p[2]).to_string()
    };
    let signed = !p[3].is_null() && vm.truthy(p[3])?;
    let mut le = data.clone();
    if order == "big" {
        le.reverse();
    }
    let v = if signed {
        BigInt::from_signed_bytes_le(&le)
    } else {
        BigInt::from_bytes_le(num_bigint::Sign::Plus, &le)
    };
    Ok(vm.new_bigint(v))
}

fn int_ratio(vm: &mut Vm, a: &Args) -> PyResult {
    let n = self_num(vm, a)?;
    let v = vm.new_num(n);
    let one = vm.new_int(1);
    Ok(vm.new_tuple(vec![v, one]))
}

fn is_integer(vm: &mut Vm, a: &Args) -> PyResult {
    let r = match self_num(vm, a)? {
        Num::Float(f) => f.is_finite() && f == f.trunc(),
        _ => true,
    };
    Ok(vm.bool_obj(r))
}

fn int_round(vm: &mut Vm, a: &Args) -> PyResult {
    let f = vm.builtin_named_global("round")?;
    let r = vm.call(f, &a.args, &[]);
    vm.decref(f);
    r
}

fn float_value(vm: &mut Vm, a: &Args) -> PyResult<f64> {
    match self_num(vm, a)? {
        Num::Float(f) => Ok(f),
        n => Ok(numbers::num_to_f64(&n).unwrap_or(f64::NAN)),
    }
}

fn float_to_int_checked(vm: &mut Vm, f: f64) -> PyResult {
    if f.is_nan() {
        return Err(vm.value_error("cannot convert float NaN to integer"));
    }
    if f.is_infinite() {
        return Err(vm.overflow_error("cannot convert float infinity to integer"));
    }
    Ok(vm.new_bigint(numbers::float_to_bigint(f).unwrap_or_default()))
}

fn float_trunc(vm: &mut Vm, a: &Args) -> PyResult {
    let f = float_value(vm, a)?;
    float_to_int_checked(vm, f.trunc())
}

fn float_floor(vm: &mut Vm, a: &Args) -> PyResult {
    let f = float_value(vm, a)?;
    float_to_int_checked(vm, f.floor())
}

fn float_ceil(vm: &mut Vm, a: &Args) -> PyResult {
    let f = float_value(vm, a)?;
    float_to_int_checked(vm, f.ceil())
}

fn float_round(vm: &mut Vm, a: &Args) -> PyResult {
    int_round(vm, a)
}

fn float_ratio(vm: &mut Vm, a: &Args) -> PyResult {
    let f = float_value(vm, a)?;
    if !f.is_finite() {
        let (class, msg) = if f.is_nan() {
            (vm.e.value_error, "cannot convert NaN to integer ratio")
        } else {
            (
                vm.e.overflow_error,
                "cannot convert Infinity to integer ratio",
            )
        };
        return Err(vm.new_exc(class, msg));
    }
    let bits = f.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i64;
    let mant = if exp == 0 {
        (bits & ((1 << 52) - 1)) << 1
    } else {
        (bits & ((1 << 52) - 1)) | (1 << 52)
    };
    let e = if exp == 0 { -1075 } else { exp - 1075 };
    let mut num = BigInt::from(mant);
    let mut den = BigInt::from(1);
    if e > 0 {
        num <<= e as usize;
    } else {
        den <<= (-e) as usize;
    }
    let g = num_integer::Integer::gcd(&num, &den);
    if !g.is_zero() {
        num /= &g;
        den /= &g;
    }
    if f < 0.0 {
        num = -num;
    }
    let n = vm.new_bigint(num);
    let d = vm.new_bigint(den);
    Ok(vm.new_tuple(vec![n, d]))
}

fn float_hex(vm: &mut Vm, a: &Args) -> PyResult {
    let f = float_value(vm, a)?;
    if !f.is_finite() {
        return repr(vm, a);
    }
    if f == 0.0 {
        return Ok(vm.new_str(if f.is_sign_negative() {
            "-0x0.0p+0"
        } else {
            "0x0.0p+0"
        }));
    }
    let bits = f.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i64;
    let mant = bits & ((1 << 52) - 1);
    let (lead, e) = if exp == 0 {
        (0, -1022)
    } else {
        (1, exp - 1023)
    };
    let m = format!("{mant:013x}");
    let sign = if f < 0.0 { "-" } else { "" };
    Ok(vm.new_string(format!("{sign}0x{lead}.{m}p{e:+}")))
}

fn float_fromhex(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_method_args("fromhex", a, 1, 1)?;
    let s = vm.str_of(a.args[1]).trim().to_lowercase();
    let (neg, body) = match s.strip_prefix('-') {
        Some(r) => (true, r.to_string()),
        None => (false, s.trim_start_matches('+').to_string()),
    };
    let body = body.trim_start_matches("0x");
    let (mant, exp) = body.split_once('p').unwrap_or((body, "0"));
    let (ip, fp) = mant.split_once('.').unwrap_or((mant, ""));
    let mut v = 0f64;
    for c in ip.chars() {
        v = v * 16.0
            + f64::from(
                c.to_digit(16)
                    .ok_or(())
                    .map_err(|_| vm.value_error("invalid hexadecimal floating-point string"))?,
            );
    }
    let mut scale = 1.0 / 16.0;
    for c in fp.chars() {
        v += f64::from(
            c.to_digit(16)
                .ok_or(())
                .map_err(|_| vm.value_error("invalid hexadecimal floating-point string"))?,
        ) * scale;
        scale /= 16.0;
    }
    let e: i32 = exp
        .parse()
        .map_err(|_| vm.value_error("invalid hexadecimal floating-point string"))?;
    let r = v * 2f64.powi(e);
    Ok(vm.new_float(if neg { -r } else { r }))
}

fn bool_new(vm: &mut Vm, a: &Args) -> PyResult {
    let p = vm.bind_native("bool", a, &["cls", "x"], 1)?;
    if p[1].is_null() {
        return Ok(vm.bool_obj(false));
    }
    let t = vm.truthy(p[1])?;
    Ok(vm.bool_obj(t))
}

fn bool_logic(vm: &mut Vm, a: &Args, op: u32) -> PyResult {
    let (x, y) = (a.args[0], a.args[1]);
    if let (Kind::Bool(p), Kind::Bool(q)) = (vm.kind(x), vm.kind(y)) {
        let r = match op {
            1 => *p & *q,
            7 => *p | *q,
            _ => *p ^ *q,
        };
        return Ok(vm.bool_obj(r));
    }
    num_binop(vm, a, op, false)
}

fn bool_and(vm: &mut Vm, a: &Args) -> PyResult {
    bool_logic(vm, a, 1)
}

fn bool_or(vm: &mut Vm, a: &Args) -> PyResult {
    bool_logic(vm, a, 7)
}

fn bool_xor(vm: &mut Vm, a: &Args) -> PyResult {
    bool_logic(vm, a, 12)
}

/// Parses an int literal the way `int(text, base)` does; None when invalid.
pub fn parse_int(text: &str, base: u32) -> Option<BigInt> {
    let t = text.trim_matches(|c: char| c.is_whitespace());
    let (neg, body) = match t.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let lower = body.to_ascii_lowercase();
    let (base, digits) = match base {
        0 => {
            if let Some(d) = lower.strip_prefix("0x") {
                (16, d.to_string())
            } else if let Some(d) = lower.strip_prefix("0o") {
                (8, d.to_string())
            } else if let Some(d) = lower.strip_prefix("0b") {
                (2, d.to_string())
            } else {
                if lower.len() > 1
                    && lower.starts_with('0')
                    && !lower.trim_start_matches(['0', '_']).is_empty()
                {
                    return None;
                }
                (10, lower.clone())
            }
        }
        16 => (16, lower.strip_prefix("0x").unwrap_or(&lower).to_string()),
        8 => (8, lower.strip_prefix("0o").unwrap_or(&lower).to_string()),
        2 => (2, lower.strip_prefix("0b").unwrap_or(&lower).to_string()),
        b => (b, lower.clone()),
    };
    let digits = digits.strip_prefix('_').map_or(digits.clone(), |d| {
        if base != 10 {
            d.to_string()
        } else {
            format!("_{d}")
        }
    });
    if digits.is_empty()
        || digits.starts_with('_')
        || digits.ends_with('_')
        || digits.contains("__")
    {
        return None;
    }
    let clean: String = digits.chars().filter(|c| *c != '_').collect();
    if !clean.chars().all(|c| c.is_digit(base)) {
        return None;
    }
    let v = BigInt::parse_bytes(clean.as_bytes(), base)?;
    Some(if neg { -v } else { v })
}

fn int_new(vm: &mut Vm, a: &Args) -> PyResult {
    let p = vm.bind_native("int", a, &["cls", "x", "base"], 1)?;
    let cls = p[0];
    let v = int_value_of(vm, p[1], p[2])?;
    if cls == vm.t.int {
        return Ok(v);
    }
    let n = numbers::num_of(vm, v);
    vm.decref(v);
    Ok(match n {
        Some(Num::Int(i)) => vm.alloc(cls, Kind::Int(i)),
        Some(Num::Big(b)) => vm.alloc(cls, Kind::BigInt(Box::new(b))),
        _ => vm.alloc(cls, Kind::Int(0)),
    })
}

fn int_value_of(vm: &mut Vm, x: ObjRef, base: ObjRef) -> PyResult {
    if x.is_null() {
        if !base.is_null() {
            return Err(vm.type_error("int() missing string argument"));
        }
        return Ok(vm.new_int(0));
    }
    let explicit_base = !base.is_null();
    let b = if explicit_base {
        vm.index_value(base)?
    } else {
        10
    };
    if b != 0 && !(2..=36).contains(&b) {
        return Err(vm.value_error("int() base must be >= 2 and <= 36, or 0"));
    }
    let text = match vm.kind(x) {
        Kind::Str(s) => Some(s.s.to_string()),
        Kind::Bytes(by) => Some(String::from_utf8_lossy(&by.data).into_owned()),
        Kind::ByteArray(by) => Some(String::from_utf8_lossy(by).into_owned()),
        _ => None,
    };
    if let Some(t) = text {
        let digits = t
            .trim()
            .trim_start_matches(['-', '+'])
            .chars()
            .filter(|c| c.is_ascii_digit())
            .count();
        if b == 10 && digits > MAX_STR_DIGITS {
            return Err(vm.value_error(format!(
                "Exceeds the limit (4300 digits) for integer string conversion: value has {digits} digits; use sys.set_int_max_str_digits() to increase the limit"
            )));
        }
        return match parse_int(&t, b as u32) {
            Some(v) => Ok(vm.new_bigint(v)),
            None => {
                let shown = vm.repr_string(x)?;
                Err(vm.value_error(format!("invalid literal for int() with base {b}: {shown}")))
            }
        };
    }
    if explicit_base {
        return Err(vm.type_error("int() can't convert non-string with explicit base"));
    }
    match vm.kind(x) {
        Kind::Int(i) => {
            let i = *i;
            return Ok(vm.new_int(i));
        }
        Kind::Bool(bv) => {
            let i = i64::from(*bv);
            return Ok(vm.new_int(i));
        }
        Kind::BigInt(bv) => {
            let v = (**bv).clone();
            return Ok(vm.new_bigint(v));
        }
        Kind::Float(f) if vm.class_of(x) == vm.t.float => {
            let f = *f;
            return float_to_int_checked(vm, f.trunc());
        }
        _ => {}
    }
    let class = vm.class_of(x);
    for name in ["__int__", "__index__", "__trunc__"] {
        if let Some(f) = vm.type_lookup_str(class, name) {
            let r = vm.call_dunder(f, x, &[])?;
            if !matches!(vm.kind(r), Kind::Int(_) | Kind::BigInt(_) | Kind::Bool(_)) {
                let msg = format!("{name} returned non-int (type {})", vm.type_name(r));
                vm.decref(r);
                return Err(vm.type_error(msg));
            }
            return Ok(r);
        }
    }
    Err(vm.type_error(format!(
        "int() argument must be a string, a bytes-like object or a real number, not '{}'",
        vm.type_name(x)
    )))
}

/// Parses a float literal the way `float(text)` does.
pub fn parse_float(text: &str) -> Option<f64> {
    let t = text.trim();
    let lower = t.to_ascii_lowercase();
    let (neg, body) = match lower.strip_prefix('-') {
        Some(r) => (true, r.to_string()),
        None => (false, lower.strip_prefix('+').unwrap_or(&lower).to_string()),
    };
    let v = match body.as_str() {
        "inf" | "infinity" => f64::INFINITY,
        "nan" => f64::NAN,
        _ => {
            if body.is_empty()
                || body.contains("__")
                || body.starts_with('_')
                || body.ends_with('_')
            {
                return None;
            }
            if !body
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | '+' | '-' | '_'))
            {
                return None;
            }
            let clean: String = body.chars().filter(|c| *c != '_').collect();
            clean.parse::<f64>().ok()?
        }
    };
    Some(if neg { -v } else { v })
}

fn float_new(vm: &mut Vm, a: &Args) -> PyResult {
    let p = vm.bind_native("float", a, &["cls", "x"], 1)?;
    let (cls, x) = (p[0], p[1]);
    let f = if x.is_null() {
        0.0
    } else {
        match vm.kind(x) {
            Kind::Float(f) => *f,
            Kind::Int(i) => *i as f64,
            Kind::Bool(b) => f64::from(u8::from(*b)),
            Kind::BigInt(b) => match numbers::bigint_to_f64(b) {
                Some(f) => f,
                None => return Err(vm.overflow_error("int too large to convert to float")),
            },
            Kind::Str(s) => {
                let t = s.s.to_string();
                match parse_float(&t) {
                    Some(f) => f,
                    None => {
                        let shown = vm.repr_string(x)?;
                        return Err(
                            vm.value_error(format!("could not convert string to float: {shown}"))
                        );
                    }
                }
            }
            _ => {
                let class = vm.class_of(x);
                let mut out = None;
                for name in ["__float__", "__index__"] {
                    if let Some(f) = vm.type_lookup_str(class, name) {
                        let r = vm.call_dunder(f, x, &[])?;
                        let v = numbers::num_of(vm, r).and_then(|n| numbers::num_to_f64(&n));
                        vm.decref(r);
                        out = v;
                        break;
                    }
                }
                match out {
                    Some(v) => v,
                    None => {
                        return Err(vm.type_error(format!(
                            "float() argument must be a string or a real number, not '{}'",
                            vm.type_name(x)
                        )));
                    }
                }
            }
        }
    };
    if cls == vm.t.float {
        Ok(vm.new_float(f))
    } else {
        Ok(vm.alloc(cls, Kind::Float(f)))
    }
}

fn complex_new(vm: &mut Vm, a: &Args) -> PyResult {
    let p = vm.bind_native("complex", a, &["cls", "real", "imag"], 1)?;
    let part = |vm: &mut Vm, x: ObjRef| -> PyResult<(f64, f64)> {
        if x.is_null() {
            return Ok((0.0, 0.0));
        }
        match numbers::num_of(vm, x) {
            Some(Num::Complex(r, i)) => Ok((r, i)),
            Some(n) => Ok((numbers::num_to_f64(&n).unwrap_or(f64::NAN), 0.0)),
            None if vm.is_str(x) => {
                let s = vm.str_of(x).trim().trim_matches(['(', ')']).to_string();
                parse_complex(&s)
                    .ok_or_else(|| vm.value_error("complex() arg is a malformed string"))
            }
            None => Err(vm.type_error(format!(
                "complex() first argument must be a string or a number, not '{}'",
                vm.type_name(x)
            ))),
        }
    };
    let (r1, i1) = part(vm, p[1])?;
    let (r2, i2) = part(vm, p[2])?;
    Ok(vm.new_complex(r1 - i2, i1 + r2))
}

fn parse_complex(s: &str) -> Option<(f64, f64)> {
    if let Some(body) = s.strip_suffix(['j', 'J']) {
        let split = body
            .char_indices()
            .skip(1)
            .filter(|(_, c)| *c == '+' || *c == '-')
            .map(|(i, _)| i)
            .filter(|i| !body[..*i].ends_with(['e', 'E']))
            .last();
        return match split {
            Some(i) => {
                let im = &body[i..];
                let im = if im == "+" || im == "-" {
                    format!("{im}1")
                } else {
                    im.to_string()
                };
                Some((parse_float(&body[..i])?, parse_float(&im)?))
            }
            None => {
                let im = if body.is_empty() || body == "+" || body == "-" {
                    format!("{body}1")
                } else {
                    body.to_string()
                };
                Some((0.0, parse_float(&im)?))
            }
        };
    }
    Some((parse_float(s)?, 0.0))
}

impl Vm {
    /// The bytes of a bytes-like object.
    pub fn bytes_of(&mut self, x: ObjRef) -> PyResult<Vec<u8>> {
        match self.kind(x) {
            Kind::Bytes(b) => Ok(b.data.to_vec()),
            Kind::ByteArray(b) => Ok((**b).clone()),
            _ => {
                let items = self.collect_iter(x)?;
                let mut out = Vec::with_capacity(items.len());
                for &i in &items {
                    let v = self.index_value(i);
                    match v {
                        Ok(v) if (0..256).contains(&v) => out.push(v as u8),
                        Ok(_) => {
                            self.decref_all(&items);
                            return Err(self.value_error("bytes must be in range(0, 256)"));
                        }
                        Err(e) => {
                            self.decref_all(&items);
                            return Err(e);
                        }
                    }
                }
                self.decref_all(&items);
                Ok(out)
            }
        }
    }
}
