//! Constant folding, as CPython 3.11's AST optimizer does it: literals, tuples of constants,
//! unary and binary operators on constants, within the same size limits (so that `'a' * 20`
//! is one constant but `'a' * 4097` is not).

use std::rc::Rc;

use num_bigint::BigInt;
use num_traits::{Signed, ToPrimitive, Zero};
use ruff_python_ast::{self as ast, Expr};

use crate::code::Constant;

const MAX_INT_SIZE: u64 = 128;
const MAX_COLLECTION_SIZE: usize = 256;
const MAX_STR_SIZE: usize = 4096;
const MAX_TOTAL_ITEMS: usize = 1024;

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

/// The constant value of an expression, if the compiler can compute it.
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
        Expr::Tuple(t) => {
            let items: Option<Vec<Constant>> = t.elts.iter().map(constant_of).collect();
            Some(Constant::Tuple(Rc::from(items?)))
        }
        Expr::UnaryOp(u) => unary(u.op, &constant_of(&u.operand)?),
        Expr::BinOp(b) => binary(b.op, &constant_of(&b.left)?, &constant_of(&b.right)?),
        _ => None,
    }
}

/// The truth value of a constant, if it is cheap to know.
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

fn total_items(c: &Constant) -> usize {
    match c {
        Constant::Tuple(t) | Constant::FrozenSet(t) => {
            t.iter().map(total_items).sum::<usize>() + t.len()
        }
        _ => 0,
    }
}

fn binary(op: ast::Operator, l: &Constant, r: &Constant) -> Option<Constant> {
    use ast::Operator::*;
    match (l, r) {
        (Constant::Str(a), Constant::Str(b)) if op == Add => {
            Some(Constant::Str(Rc::from(format!("{a}{b}").as_str())))
        }
        (Constant::Bytes(a), Constant::Bytes(b)) if op == Add => {
            Some(Constant::Bytes([a.as_ref(), b.as_ref()].concat().into()))
        }
        (Constant::Tuple(a), Constant::Tuple(b)) if op == Add => {
            let v: Vec<Constant> = a.iter().chain(b.iter()).cloned().collect();
            Some(Constant::Tuple(Rc::from(v)))
        }
        (Constant::Str(_) | Constant::Bytes(_) | Constant::Tuple(_), _) if op == Mult => {
            repeat(l, r)
        }
        (_, Constant::Str(_) | Constant::Bytes(_) | Constant::Tuple(_)) if op == Mult => {
            repeat(r, l)
        }
        (Constant::Complex(..), _) | (_, Constant::Complex(..)) => None,
        (Constant::Float(_), _) | (_, Constant::Float(_)) => {
            float_op(op, as_float(l)?, as_float(r)?)
        }
        _ => int_op(op, &as_int(l)?, &as_int(r)?),
    }
}

fn repeat(seq: &Constant, n: &Constant) -> Option<Constant> {
    let n = as_int(n)?;
    let count = n.to_i64()?.max(0) as usize;
    match seq {
        Constant::Str(s) => {
            let chars = s.chars().count();
            if chars * count > MAX_STR_SIZE {
                return None;
            }
            Some(Constant::Str(Rc::from(s.repeat(count).as_str())))
        }
        Constant::Bytes(b) => {
            if b.len() * count > MAX_STR_SIZE {
                return None;
            }
            Some(Constant::Bytes(b.repeat(count).into()))
        }
        Constant::Tuple(t) => {
            if t.len() * count > MAX_COLLECTION_SIZE || total_items(seq) * count > MAX_TOTAL_ITEMS {
                return None;
            }
            let v: Vec<Constant> = (0..count).flat_map(|_| t.iter().cloned()).collect();
            Some(Constant::Tuple(Rc::from(v)))
        }
        _ => None,
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
            if a == 0.0 && b < 0.0 || a < 0.0 && b.fract() != 0.0 {
                return None;
            }
            a.powf(b)
        }
        _ => return None,
    };
    if v.is_finite() || !(a.is_finite() && b.is_finite()) {
        Some(Constant::Float(v))
    } else {
        None
    }
}

fn int_op(op: ast::Operator, a: &BigInt, b: &BigInt) -> Option<Constant> {
    use ast::Operator::*;
    let v = match op {
        Add => a + b,
        Sub => a - b,
        Mult => {
            if a.bits() + b.bits() > MAX_INT_SIZE * 8 {
                return None;
            }
            a * b
        }
        Div => {
            if b.is_zero() {
                return None;
            }
            let (x, y) = (a.to_f64()?, b.to_f64()?);
            if x.abs() > 9.0e15 || y.abs() > 9.0e15 {
                return None;
            }
            return Some(Constant::Float(x / y));
        }
        FloorDiv => {
            if b.is_zero() {
                return None;
            }
            crate::numeric::int_floordiv(a, b)
        }
        Mod => {
            if b.is_zero() {
                return None;
            }
            crate::numeric::int_mod(a, b)
        }
        Pow => {
            if b.is_negative() {
                let (x, y) = (a.to_f64()?, b.to_f64()?);
                if x == 0.0 {
                    return None;
                }
                return Some(Constant::Float(x.powf(y)));
            }
            let e = b.to_u64()?;
            if !a.is_zero() && e > 0 && a.bits() > MAX_INT_SIZE / e {
                return None;
            }
            num_traits::pow(a.clone(), e as usize)
        }
        LShift => {
            let s = b.to_u64()?;
            if b.is_negative() || a.bits() + s > MAX_INT_SIZE {
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
        MatMult => return None,
    };
    Some(Constant::Int(v))
}
