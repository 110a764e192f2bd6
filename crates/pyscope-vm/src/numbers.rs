//! Arithmetic on ints (arbitrary precision, with an i64 fast path), floats and complex
//! numbers, with Python's rounding, exact int/float comparison and CPython's error messages.

use std::cmp::Ordering;

use num_bigint::{BigInt, Sign};
use num_integer::Integer;
use num_traits::{One, Signed, ToPrimitive, Zero};
use pyscope_compiler::numeric;

use crate::object::{Kind, ObjRef, PyResult};
use crate::vm::Vm;

/// A number read out of an object.
#[derive(Clone, Debug)]
pub enum Num {
    Int(i64),
    Big(BigInt),
    Float(f64),
    Complex(f64, f64),
}

/// Reads an int, bool, float or complex (subclasses included).
pub fn num_of(vm: &Vm, r: ObjRef) -> Option<Num> {
    Some(match vm.kind(r) {
        Kind::Int(i) => Num::Int(*i),
        Kind::Bool(b) => Num::Int(i64::from(*b)),
        Kind::BigInt(b) => Num::Big((**b).clone()),
        Kind::Float(f) => Num::Float(*f),
        Kind::Complex(c) => Num::Complex(c.0, c.1),
        _ => return None,
    })
}

/// An int-like value as a BigInt.
pub fn to_bigint(n: &Num) -> Option<BigInt> {
    match n {
        Num::Int(i) => Some(BigInt::from(*i)),
        Num::Big(b) => Some(b.clone()),
        _ => None,
    }
}

/// Correctly rounded conversion of a big int to float (`int.__float__`); None on overflow.
pub fn bigint_to_f64(b: &BigInt) -> Option<f64> {
    if let Some(i) = b.to_i64() {
        if i.unsigned_abs() < (1u64 << 53) {
            return Some(i as f64);
        }
    }
    let neg = b.sign() == Sign::Minus;
    let mag = b.magnitude();
    let bits = mag.bits();
    if bits > 1024 {
        return None;
    }
    if bits <= 53 {
        let v = mag.to_u64()? as f64;
        return Some(if neg { -v } else { v });
    }
    let shift = bits - 54;
    let top = (mag >> shift).to_u64()?;
    let sticky = !(mag & ((num_bigint::BigUint::one() << shift) - 1u32)).is_zero();
    let mut mant = top >> 1;
    let round_bit = top & 1;
    if round_bit == 1 && (sticky || mant & 1 == 1) {
        mant += 1;
    }
    let v = (mant as f64) * 2f64.powi((shift + 1) as i32);
    if v.is_infinite() {
        return None;
    }
    Some(if neg { -v } else { v })
}

pub fn num_to_f64(n: &Num) -> Option<f64> {
    match n {
        Num::Int(i) => Some(*i as f64),
        Num::Big(b) => bigint_to_f64(b),
        Num::Float(f) => Some(*f),
        Num::Complex(..) => None,
    }
}

/// Exact comparison of an int with a float.
fn cmp_int_float(i: &BigInt, f: f64) -> Option<Ordering> {
    if f.is_nan() {
        return None;
    }
    if f.is_infinite() {
        return Some(if f > 0.0 {
            Ordering::Less
        } else {
            Ordering::Greater
        });
    }
    let fl = f.floor();
    let fi = float_to_bigint(fl)?;
    match i.cmp(&fi) {
        Ordering::Equal if f > fl => Some(Ordering::Less),
        o => Some(o),
    }
}

/// The integer value of an integral float.
pub fn float_to_bigint(f: f64) -> Option<BigInt> {
    if !f.is_finite() {
        return None;
    }
    if f.abs() < 9.0e18 {
        return Some(BigInt::from(f as i64));
    }
    let bits = f.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i64 - 1075;
    let mant = (bits & ((1 << 52) - 1)) | (1 << 52);
    let mut v = BigInt::from(mant);
    v = if exp >= 0 {
        v << exp as usize
    } else {
        v >> (-exp) as usize
    };
    Some(if f < 0.0 { -v } else { v })
}

/// Orders two real numbers (None: unordered because of NaN).
pub fn num_cmp(a: &Num, b: &Num) -> Option<Ordering> {
    match (a, b) {
        (Num::Int(x), Num::Int(y)) => Some(x.cmp(y)),
        (Num::Float(x), Num::Float(y)) => x.partial_cmp(y),
        (Num::Float(x), other) => cmp_int_float(&to_bigint(other)?, *x).map(Ordering::reverse),
        (other, Num::Float(y)) => cmp_int_float(&to_bigint(other)?, *y),
        (x, y) => Some(to_bigint(x)?.cmp(&to_bigint(y)?)),
    }
}

/// `a == b` for numbers, decided without Python code.
pub fn num_eq(vm: &Vm, a: ObjRef, b: ObjRef) -> Option<bool> {
    let (x, y) = (num_of(vm, a)?, num_of(vm, b)?);
    Some(match (&x, &y) {
        (Num::Complex(a, b), Num::Complex(c, d)) => a == c && b == d,
        (Num::Complex(r, i), other) | (other, Num::Complex(r, i)) => {
            *i == 0.0 && num_cmp(&Num::Float(*r), other) == Some(Ordering::Equal)
        }
        _ => num_cmp(&x, &y) == Some(Ordering::Equal),
    })
}

impl Vm {
    pub fn new_num(&mut self, n: Num) -> ObjRef {
        match n {
            Num::Int(i) => self.new_int(i),
            Num::Big(b) => self.new_bigint(b),
            Num::Float(f) => self.new_float(f),
            Num::Complex(r, i) => self.new_complex(r, i),
        }
    }

    fn zero_division(&mut self, msg: &str) -> crate::object::Flow {
        self.new_exc(self.e.zero_division_error, msg)
    }

    fn overflow(&mut self, msg: &str) -> crate::object::Flow {
        self.new_exc(self.e.overflow_error, msg)
    }
}

/// Applies `BINARY_OP` argument `op` (0..=12, in-place forms mapped down) to two numbers.
/// Returns None when the operands are not both numbers of kinds this code handles.
pub fn binary_numeric(vm: &mut Vm, op: u32, a: ObjRef, b: ObjRef) -> Option<PyResult> {
    let (x, y) = (num_of(vm, a)?, num_of(vm, b)?);
    let r = match (&x, &y) {
        (Num::Complex(..), _) | (_, Num::Complex(..)) => complex_op(vm, op, &x, &y)?,
        (Num::Float(_), _) | (_, Num::Float(_)) => float_op(vm, op, &x, &y)?,
        (Num::Int(i), Num::Int(j)) => int_op_small(vm, op, *i, *j)?,
        _ => int_op_big(vm, op, &to_bigint(&x)?, &to_bigint(&y)?)?,
    };
    Some(r)
}

fn int_op_small(vm: &mut Vm, op: u32, a: i64, b: i64) -> Option<PyResult> {
    let fast = match op {
        0 => a.checked_add(b),
        10 => a.checked_sub(b),
        5 => a.checked_mul(b),
        1 => Some(a & b),
        7 => Some(a | b),
        12 => Some(a ^ b),
        2 if b == 0 => return Some(Err(vm.zero_division("integer division or modulo by zero"))),
        6 if b == 0 => return Some(Err(vm.zero_division("integer modulo by zero"))),
        2 => {
            if a == i64::MIN && b == -1 {
                None
            } else {
                Some(num_integer::Integer::div_floor(&a, &b))
            }
        }
        6 => {
            if b == -1 {
                Some(0)
            } else {
                Some(a.mod_floor(&b))
            }
        }
        3 if (0..63).contains(&b) && a.unsigned_abs() < (1u64 << (62 - b.min(62))) => Some(a << b),
        9 if b >= 0 => Some(if b >= 64 {
            if a < 0 { -1 } else { 0 }
        } else {
            a >> b
        }),
        _ => None,
    };
    match fast {
        Some(v) => Some(Ok(vm.new_int(v))),
        None => int_op_big(vm, op, &BigInt::from(a), &BigInt::from(b)),
    }
}

fn int_op_big(vm: &mut Vm, op: u32, a: &BigInt, b: &BigInt) -> Option<PyResult> {
    let v = match op {
        0 => a + b,
        10 => a - b,
        5 => a * b,
        1 => a & b,
        7 => a | b,
        12 => a ^ b,
        2 if b.is_zero() => {
            return Some(Err(vm.zero_division("integer division or modulo by zero")));
        }
        6 if b.is_zero() => return Some(Err(vm.zero_division("integer modulo by zero"))),
        2 => numeric::int_floordiv(a, b),
        6 => numeric::int_mod(a, b),
        11 => {
            if b.is_zero() {
                return Some(Err(vm.zero_division("division by zero")));
            }
            return Some(match int_true_div(a, b) {
                Some(f) => Ok(vm.new_float(f)),
                None => Err(vm.overflow("integer division result too large for a float")),
            });
        }
        8 => return Some(int_pow(vm, a, b)),
        3 => {
            if b.is_negative() {
                return Some(Err(vm.new_exc(vm.e.value_error, "negative shift count")));
            }
            let Some(s) = b.to_usize().filter(|s| *s < (1 << 26)) else {
                return Some(Err(vm.overflow("too many digits in integer")));
            };
            a << s
        }
        9 => {
            if b.is_negative() {
                return Some(Err(vm.new_exc(vm.e.value_error, "negative shift count")));
            }
            numeric::int_shr(a, b.to_u64().unwrap_or(u64::MAX))
        }
        _ => return None,
    };
    Some(Ok(vm.new_bigint(v)))
}

/// Correctly rounded `a / b` for ints; None when the result overflows a float.
pub fn int_true_div(a: &BigInt, b: &BigInt) -> Option<f64> {
    if let (Some(x), Some(y)) = (a.to_i64(), b.to_i64()) {
        if x.unsigned_abs() <= 1 << 53 && y.unsigned_abs() <= 1 << 53 {
            return Some(x as f64 / y as f64);
        }
    }
    let neg = (a.sign() == Sign::Minus) != (b.sign() == Sign::Minus);
    let (n, d) = (a.magnitude().clone(), b.magnitude().clone());
    // Scale so the quotient has at least 55 significant bits, then round once.
    let shift = 55i64 - (n.bits() as i64 - d.bits() as i64);
    let (num, den) = if shift >= 0 {
        (n << shift as usize, d)
    } else {
        (n, d << (-shift) as usize)
    };
    let (q, r) = num.div_rem(&den);
    let q = BigInt::from(q);
    let mut qf = bigint_to_f64(&(q * 2 + i32::from(!r.is_zero())))?;
    qf /= 2.0;
    let v = qf * 2f64.powi(-shift as i32);
    if v.is_infinite() {
        return None;
    }
    Some(if neg { -v } else { v })
}

fn int_pow(vm: &mut Vm, a: &BigInt, b: &BigInt) -> PyResult {
    if b.is_negative() {
        let (x, y) = (bigint_to_f64(a), bigint_to_f64(b));
        let (Some(x), Some(y)) = (x, y) else {
            return Err(vm.overflow("int too large to convert to float"));
        };
        if x == 0.0 {
            return Err(vm.zero_division("0.0 cannot be raised to a negative power"));
        }
        return Ok(vm.new_float(x.powf(y)));
    }
    let Some(e) = b.to_u32() else {
        if a.is_zero() || a.is_one() {
            return Ok(vm.new_bigint(a.clone()));
        }
        if *a == BigInt::from(-1) {
            return Ok(vm.new_int(if b.is_even() { 1 } else { -1 }));
        }
        return Err(vm.new_exc(vm.e.memory_error, ""));
    };
    if a.bits() * u64::from(e) > 64_000_000 {
        return Err(vm.new_exc(vm.e.memory_error, ""));
    }
    Ok(vm.new_bigint(num_traits::pow(a.clone(), e as usize)))
}

fn float_op(vm: &mut Vm, op: u32, x: &Num, y: &Num) -> Option<PyResult> {
    let Some(a) = num_to_f64(x) else {
        return Some(Err(vm.overflow("int too large to convert to float")));
    };
    let Some(b) = num_to_f64(y) else {
        return Some(Err(vm.overflow("int too large to convert to float")));
    };
    let v = match op {
        0 => a + b,
        10 => a - b,
        5 => a * b,
        11 => {
            if b == 0.0 {
                return Some(Err(vm.zero_division("float division by zero")));
            }
            a / b
        }
        2 => {
            if b == 0.0 {
                return Some(Err(vm.zero_division("float floor division by zero")));
            }
            numeric::float_floordiv(a, b)
        }
        6 => {
            if b == 0.0 {
                return Some(Err(vm.zero_division("float modulo")));
            }
            numeric::float_mod(a, b)
        }
        8 => return Some(float_pow(vm, a, b)),
        _ => return None,
    };
    Some(Ok(vm.new_float(v)))
}

/// `a ** b` for floats, with CPython's errors and the complex result for negative bases.
pub fn float_pow(vm: &mut Vm, a: f64, b: f64) -> PyResult {
    if a == 0.0 && b < 0.0 {
        return Err(vm.zero_division("0.0 cannot be raised to a negative power"));
    }
    if a < 0.0 && b.fract() != 0.0 && b.is_finite() {
        let (r, i) = complex_pow((a, 0.0), (b, 0.0));
        return Ok(vm.new_complex(r, i));
    }
    let v = a.powf(b);
    if v.is_infinite() && a.is_finite() && b.is_finite() {
        return Err(vm.overflow("(34, 'Numerical result out of range')"));
    }
    Ok(vm.new_float(v))
}

fn complex_pow(a: (f64, f64), b: (f64, f64)) -> (f64, f64) {
    if b == (0.0, 0.0) {
        return (1.0, 0.0);
    }
    if a == (0.0, 0.0) {
        return (0.0, 0.0);
    }
    let vabs = a.0.hypot(a.1);
    let mut len = vabs.powf(b.0);
    let at = a.1.atan2(a.0);
    let mut phase = at * b.0;
    if b.1 != 0.0 {
        len /= (at * b.1).exp();
        phase += b.1 * vabs.ln();
    }
    (len * phase.cos(), len * phase.sin())
}

fn complex_op(vm: &mut Vm, op: u32, x: &Num, y: &Num) -> Option<PyResult> {
    let c = |n: &Num| -> Option<(f64, f64)> {
        match n {
            Num::Complex(r, i) => Some((*r, *i)),
            other => Some((num_to_f64(other)?, 0.0)),
        }
    };
    let (a, b) = (c(x)?, c(y)?);
    let v = match op {
        0 => (a.0 + b.0, a.1 + b.1),
        10 => (a.0 - b.0, a.1 - b.1),
        5 => (a.0 * b.0 - a.1 * b.1, a.0 * b.1 + a.1 * b.0),
        11 => {
            let d = b.0 * b.0 + b.1 * b.1;
            if d == 0.0 {
                return Some(Err(vm.zero_division("complex division by zero")));
            }
            ((a.0 * b.0 + a.1 * b.1) / d, (a.1 * b.0 - a.0 * b.1) / d)
        }
        8 => {
            if a == (0.0, 0.0) && (b.1 != 0.0 || b.0 < 0.0) {
                return Some(Err(vm.zero_division("0.0 to a negative or complex power")));
            }
            complex_pow(a, b)
        }
        _ => return None,
    };
    Some(Ok(vm.new_complex(v.0, v.1)))
}

/// Python's `round(x)` for floats: round half to even.
pub fn round_half_even(x: f64) -> f64 {
    let r = x.round();
    if (x - x.trunc()).abs() == 0.5 {
        2.0 * (x / 2.0).round()
    } else {
        r
    }
}
