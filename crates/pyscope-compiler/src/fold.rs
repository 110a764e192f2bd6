//! Constant folding, as CPython 3.11's AST optimizer (`ast_opt.c`) does it: literals, tuples of
//! constants, `__debug__`, unary and binary operators and subscripts on constants, within the
//! same size limits (so that `'a' * 20` is one constant but `'a' * 4097` is not).

use std::rc::Rc;

use num_bigint::BigInt;
use num_traits::{Signed, ToPrimitive, Zero};
use ruff_python_ast::{self as ast, Expr};

use crate::code::Constant;

const MAX_INT_SIZE: u64 = 128;
const MAX_COLLECTION_SIZE: i64 = 256;
const MAX_STR_SIZE: i64 = 4096;
const MAX_TOTAL_ITEMS: i64 = 1024;

/// Parses a ruff integer literal (which keeps big literals as their source text).
pub fn int_literal(i: &ast::Int) -> BigInt {
    if let Some(v) = i.as_u64() {
        return BigInt::from(v);
    }
    let text: String = i.to_string().chars().filter(|c| *c != '_').collect();
    let lower = text.to_ascii_lowercase();
    let (digits, radix) = if let Some(d) = lower.strip_prefix("0x") {
        (d.to_string(), 16)
    } else if let Some(d) = lower.strip_prefix("0o") {
        (d.to_string(), 8)
    } else if let Some(d) = lower.strip_prefix("0b") {
        (d.to_string(), 2)
    } else {
        (lower, 10)
    };
    BigInt::parse_bytes(digits.as_bytes(), radix).unwrap_or_default()
}

/// The constant value of an expression after CPython's AST optimizer, if it has one.
pub fn constant_of(e: &Expr) -> Option<Constant> {
    match e {
        Expr::NumberLiteral(n) => Some(match &n.value {
            ast::Number::Int(i) => Constant::Int(int_literal(i)),
            ast::Number::Float(f) => Constant::Float(*f),
            ast::Number::Complex { real, imag } => Constant::Complex(*real, *imag),
        }),
        Expr::StringLiteral(s) => Some(Constant::Str(Rc::from(s.value.to_str()))),
        Expr::BytesLiteral(b) => Some(Constant::Bytes(b.value.bytes().collect::<Vec<u8>>().into())),
        Expr::BooleanLiteral(b) => Some(Constant::Bool(b.value)),
        Expr::NoneLiteral(_) => Some(Constant::None),
        Expr::EllipsisLiteral(_) => Some(Constant::Ellipsis),
        Expr::Name(n) if n.ctx == ast::ExprContext::Load && n.id.as_str() == "__debug__" => {
            Some(Constant::Bool(true))
        }
        Expr::Tuple(t) if t.ctx == ast::ExprContext::Load => {
            let items: Option<Vec<Constant>> = t.elts.iter().map(constant_of).collect();
            Some(Constant::Tuple(Rc::from(items?)))
        }
        Expr::UnaryOp(u) => unary(u.op, &constant_of(&u.operand)?),
        Expr::BinOp(b) => binary(b.op, &constant_of(&b.left)?, &constant_of(&b.right)?),
        Expr::Subscript(s) if s.ctx == ast::ExprContext::Load => {
            subscript(&constant_of(&s.value)?, &constant_of(&s.slice)?)
        }
        _ => None,
    }
}

/// The truth value of a constant.
pub fn truthiness(c: &Constant) -> Option<bool> {
    Some(match c {
        Constant::None => false,
        Constant::Ellipsis => true,
        Constant::Bool(b) => *b,
        Constant::Int(i) => !i.is_zero(),
        Constant::Float(f) => *f != 0.0,
        Constant::Complex(r, i) => *r != 0.0 || *i != 0.0,
        Constant::Str(s) => !s.is_empty(),
        Constant::Bytes(b) => !b.is_empty(),
        Constant::Tuple(t) | Constant::FrozenSet(t) => !t.is_empty(),
        Constant::Code(_) => true,
    })
}

/// Python `==` between constants (numbers compare across types).
pub fn const_eq(a: &Constant, b: &Constant) -> bool {
    use Constant::*;
    match (a, b) {
        (Str(x), Str(y)) => x == y,
        (Bytes(x), Bytes(y)) => x == y,
        (None, None) | (Ellipsis, Ellipsis) => true,
        (Tuple(x), Tuple(y)) | (FrozenSet(x), FrozenSet(y)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| const_eq(p, q))
        }
        (Complex(r, i), other) | (other, Complex(r, i)) => {
            as_complex(other).is_some_and(|(r2, i2)| *r == r2 && *i == i2)
        }
        (Float(_), _) | (_, Float(_)) => match (as_float(a), as_float(b)) {
            (Some(x), Some(y)) => x == y,
            _ => false,
        },
        _ => match (as_int(a), as_int(b)) {
            (Some(x), Some(y)) => x == y,
            _ => false,
        },
    }
}

/// The distinct items of a frozenset built from `items`, first occurrence kept.
pub fn frozenset_items(items: Vec<Constant>) -> Vec<Constant> {
    let mut out: Vec<Constant> = Vec::with_capacity(items.len());
    for it in items {
        if !out.iter().any(|o| const_eq(o, &it)) {
            out.push(it);
        }
    }
    out
}

fn as_int(c: &Constant) -> Option<BigInt> {
    match c {
        Constant::Int(i) => Some(i.clone()),
        Constant::Bool(b) => Some(BigInt::from(u8::from(*b))),
        _ => None,
    }
}

fn as_float(c: &Constant) -> Option<f64> {
    match c {
        Constant::Float(f) => Some(*f),
        other => as_int(other)?.to_f64(),
    }
}

fn as_complex(c: &Constant) -> Option<(f64, f64)> {
    match c {
        Constant::Complex(r, i) => Some((*r, *i)),
        other => Some((as_float(other)?, 0.0)),
    }
}

fn unary(op: ast::UnaryOp, v: &Constant) -> Option<Constant> {
    use ast::UnaryOp::*;
    match op {
        Not => Some(Constant::Bool(!truthiness(v)?)),
        USub => match v {
            Constant::Float(f) => Some(Constant::Float(-f)),
            Constant::Complex(r, i) => Some(Constant::Complex(-r, -i)),
            other => Some(Constant::Int(-as_int(other)?)),
        },
        UAdd => match v {
            Constant::Float(_) | Constant::Complex(..) => Some(v.clone()),
            other => Some(Constant::Int(as_int(other)?)),
        },
        Invert => match v {
            Constant::Float(_) | Constant::Complex(..) => None,
            other => Some(Constant::Int(-as_int(other)? - 1)),
        },
    }
}

/// `value[index]` for constant sequences and integer indices.
fn subscript(value: &Constant, index: &Constant) -> Option<Constant> {
    let i = as_int(index)?.to_i64()?;
    let pick = |len: usize| -> Option<usize> {
        let len = len as i64;
        let k = if i < 0 { i + len } else { i };
        (0..len).contains(&k).then_some(k as usize)
    };
    match value {
        Constant::Str(s) => {
            let chars: Vec<char> = s.chars().collect();
            let c = chars[pick(chars.len())?];
            Some(Constant::Str(Rc::from(c.to_string().as_str())))
        }
        Constant::Bytes(b) => Some(Constant::Int(BigInt::from(b[pick(b.len())?]))),
        Constant::Tuple(t) => Some(t[pick(t.len())?].clone()),
        _ => None,
    }
}

/// CPython's `check_complexity`: the limit left after counting the items of nested tuples
/// and frozensets (negative when exceeded).
fn check_complexity(c: &Constant, mut limit: i64) -> i64 {
    if let Constant::Tuple(t) | Constant::FrozenSet(t) = c {
        limit -= t.len() as i64;
        for item in t.iter() {
            if limit < 0 {
                break;
            }
            limit = check_complexity(item, limit);
        }
    }
    limit
}

fn binary(op: ast::Operator, l: &Constant, r: &Constant) -> Option<Constant> {
    use Constant as C;
    use ast::Operator::*;
    match (l, r) {
        (C::Str(a), C::Str(b)) if op == Add => Some(C::Str(Rc::from(format!("{a}{b}").as_str()))),
        (C::Bytes(a), C::Bytes(b)) if op == Add => {
            Some(C::Bytes([a.as_ref(), b.as_ref()].concat().into()))
        }
        (C::Tuple(a), C::Tuple(b)) if op == Add => {
            let v: Vec<Constant> = a.iter().chain(b.iter()).cloned().collect();
            Some(C::Tuple(Rc::from(v)))
        }
        (C::Str(_) | C::Bytes(_) | C::Tuple(_), _) if op == Mult => repeat(l, r),
        (_, C::Str(_) | C::Bytes(_) | C::Tuple(_)) if op == Mult => repeat(r, l),
        (C::Str(_) | C::Bytes(_) | C::Tuple(_), _) | (_, C::Str(_) | C::Bytes(_) | C::Tuple(_)) => {
            None
        }
        (C::Bool(a), C::Bool(b)) if matches!(op, BitAnd | BitOr | BitXor) => {
            Some(C::Bool(match op {
                BitAnd => a & b,
                BitOr => a | b,
                _ => a ^ b,
            }))
        }
        (C::Complex(..), _) | (_, C::Complex(..)) => complex_op(op, as_complex(l)?, as_complex(r)?),
        (C::Float(_), _) | (_, C::Float(_)) => float_op(op, as_float(l)?, as_float(r)?),
        _ => int_op(op, &as_int(l)?, &as_int(r)?),
    }
}

fn repeat(seq: &Constant, n: &Constant) -> Option<Constant> {
    let n = as_int(n)?.to_i64()?;
    match seq {
        Constant::Str(s) => {
            let size = s.chars().count() as i64;
            if size > 0 && (n < 0 || n > MAX_STR_SIZE / size) {
                return None;
            }
            Some(Constant::Str(Rc::from(
                s.repeat(n.max(0) as usize).as_str(),
            )))
        }
        Constant::Bytes(b) => {
            let size = b.len() as i64;
            if size > 0 && (n < 0 || n > MAX_STR_SIZE / size) {
                return None;
            }
            Some(Constant::Bytes(b.repeat(n.max(0) as usize).into()))
        }
        Constant::Tuple(t) => {
            let size = t.len() as i64;
            if size > 0 {
                if n < 0 || n > MAX_COLLECTION_SIZE / size {
                    return None;
                }
                if n > 0 && check_complexity(seq, MAX_TOTAL_ITEMS / n) < 0 {
                    return None;
                }
            }
            let count = n.max(0) as usize;
            let v: Vec<Constant> = (0..count).flat_map(|_| t.iter().cloned()).collect();
            Some(Constant::Tuple(Rc::from(v)))
        }
        _ => None,
    }
}

fn complex_op(op: ast::Operator, a: (f64, f64), b: (f64, f64)) -> Option<Constant> {
    use ast::Operator::*;
    let (r, i) = match op {
        Add => (a.0 + b.0, a.1 + b.1),
        Sub => (a.0 - b.0, a.1 - b.1),
        Mult => (a.0 * b.0 - a.1 * b.1, a.0 * b.1 + a.1 * b.0),
        Div => complex_quot(a, b)?,
        Pow => complex_pow(a, b)?,
        _ => return None,
    };
    Some(Constant::Complex(r, i))
}

fn c_prod(a: (f64, f64), b: (f64, f64)) -> (f64, f64) {
    (a.0 * b.0 - a.1 * b.1, a.0 * b.1 + a.1 * b.0)
}

/// CPython's `complex_pow`: small integral exponents by repeated squaring, others through
/// polar form; overflow and zero to a negative power are not folded.
fn complex_pow(a: (f64, f64), b: (f64, f64)) -> Option<(f64, f64)> {
    let p = if b.1 == 0.0 && b.0 == b.0.floor() && b.0.abs() <= 100.0 {
        let n = b.0 as i64;
        let mut r = (1.0, 0.0);
        let mut x = a;
        let mut mask = 1u64;
        let m = n.unsigned_abs();
        while mask > 0 && m >= mask {
            if m & mask != 0 {
                r = c_prod(r, x);
            }
            mask <<= 1;
            x = c_prod(x, x);
        }
        if n < 0 {
            complex_quot((1.0, 0.0), r)?
        } else {
            r
        }
    } else if b == (0.0, 0.0) {
        (1.0, 0.0)
    } else if a == (0.0, 0.0) {
        if b.1 != 0.0 || b.0 < 0.0 {
            return None;
        }
        (0.0, 0.0)
    } else {
        let vabs = a.0.hypot(a.1);
        let mut len = vabs.powf(b.0);
        let at = a.1.atan2(a.0);
        let mut phase = at * b.0;
        if b.1 != 0.0 {
            len /= (at * b.1).exp();
            phase += b.1 * vabs.ln();
        }
        (len * phase.cos(), len * phase.sin())
    };
    (p.0.is_finite() && p.1.is_finite()).then_some(p)
}

/// CPython's `_Py_c_quot`.
fn complex_quot(a: (f64, f64), b: (f64, f64)) -> Option<(f64, f64)> {
    let (abs_r, abs_i) = (b.0.abs(), b.1.abs());
    if abs_r >= abs_i {
        if abs_r == 0.0 {
            return None;
        }
        let ratio = b.1 / b.0;
        let denom = b.0 + b.1 * ratio;
        Some(((a.0 + a.1 * ratio) / denom, (a.1 - a.0 * ratio) / denom))
    } else if abs_i >= abs_r {
        let ratio = b.0 / b.1;
        let denom = b.0 * ratio + b.1;
        Some(((a.0 * ratio + a.1) / denom, (a.1 * ratio - a.0) / denom))
    } else {
        Some((f64::NAN, f64::NAN))
    }
}

fn float_op(op: ast::Operator, a: f64, b: f64) -> Option<Constant> {
    use ast::Operator::*;
    let v = match op {
        Add => a + b,
        Sub => a - b,
        Mult => a * b,
        Div if b != 0.0 => a / b,
        FloorDiv if b != 0.0 => crate::numeric::float_floordiv(a, b),
        Mod if b != 0.0 => crate::numeric::float_mod(a, b),
        Pow => {
            if a < 0.0 && b.fract() != 0.0 && b.is_finite() {
                let (r, i) = complex_pow((a, 0.0), (b, 0.0))?;
                return Some(Constant::Complex(r, i));
            }
            if a == 0.0 && b < 0.0 {
                return None;
            }
            let v = a.powf(b);
            if !v.is_finite() && a.is_finite() && b.is_finite() {
                return None;
            }
            v
        }
        _ => return None,
    };
    Some(Constant::Float(v))
}

fn int_op(op: ast::Operator, a: &BigInt, b: &BigInt) -> Option<Constant> {
    use ast::Operator::*;
    let v = match op {
        Add => a + b,
        Sub => a - b,
        Mult => {
            if !a.is_zero() && !b.is_zero() && a.bits() + b.bits() > MAX_INT_SIZE {
                return None;
            }
            a * b
        }
        Div => return int_true_div(a, b).map(Constant::Float),
        FloorDiv if !b.is_zero() => crate::numeric::int_floordiv(a, b),
        Mod if !b.is_zero() => crate::numeric::int_mod(a, b),
        Pow => return int_pow(a, b),
        LShift => {
            if b.is_negative() {
                return None;
            }
            if a.is_zero() {
                return Some(Constant::Int(BigInt::zero()));
            }
            let s = b.to_u64()?;
            if s > MAX_INT_SIZE || a.bits() > MAX_INT_SIZE - s {
                return None;
            }
            a << s
        }
        RShift => {
            if b.is_negative() {
                return None;
            }
            let s = b.to_u64().unwrap_or(u64::MAX).min(1 << 20);
            crate::numeric::int_shr(a, s)
        }
        BitAnd => a & b,
        BitOr => a | b,
        BitXor => a ^ b,
        _ => return None,
    };
    Some(Constant::Int(v))
}

fn int_pow(a: &BigInt, b: &BigInt) -> Option<Constant> {
    if b.is_negative() {
        let (x, y) = (a.to_f64()?, b.to_f64()?);
        if x == 0.0 {
            return None;
        }
        return Some(Constant::Float(x.powf(y)));
    }
    if !a.is_zero() && !b.is_zero() {
        let e = b.to_u64()?;
        if a.bits() > MAX_INT_SIZE / e {
            return None;
        }
    }
    let e = b.to_usize()?;
    Some(Constant::Int(num_traits::pow(a.clone(), e)))
}

/// `a / b` for integers, correctly rounded as CPython's `long_true_divide` is.
fn int_true_div(a: &BigInt, b: &BigInt) -> Option<f64> {
    if b.is_zero() {
        return None;
    }
    const EXACT: u64 = 1 << 53;
    if a.magnitude().bits() <= 53 && b.magnitude().bits() <= 53 {
        let (x, y) = (a.to_f64()?, b.to_f64()?);
        if x.abs() <= EXACT as f64 && y.abs() <= EXACT as f64 {
            return Some(x / y);
        }
    }
    let negative = a.is_negative() != b.is_negative() && !a.is_zero();
    let (num, den) = (a.magnitude().clone(), b.magnitude().clone());
    let shift = 55 - (num.bits() as i64 - den.bits() as i64);
    let (num, den) = if shift >= 0 {
        (num << shift as u64, den)
    } else {
        (num, den << (-shift) as u64)
    };
    let q = &num / &den;
    let sticky = !(&num % &den).is_zero();
    let q = (q << 1u32) + u32::from(sticky);
    let v = q.to_f64()? * 2f64.powi(-(shift as i32) - 1);
    if !v.is_finite() {
        return None;
    }
    Some(if negative { -v } else { v })
}
