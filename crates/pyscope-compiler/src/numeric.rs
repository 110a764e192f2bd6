//! Python's numeric rules for floor division, modulo and shifts, shared by constant folding
//! and the VM so both round the same way.

use num_bigint::BigInt;
use num_integer::Integer;

/// `a // b` for ints (floor division); `b` must not be zero.
pub fn int_floordiv(a: &BigInt, b: &BigInt) -> BigInt {
    a.div_floor(b)
}

/// `a % b` for ints: the result takes the sign of `b`; `b` must not be zero.
pub fn int_mod(a: &BigInt, b: &BigInt) -> BigInt {
    a.mod_floor(b)
}

/// `a >> s`, rounding toward negative infinity as Python does.
pub fn int_shr(a: &BigInt, s: u64) -> BigInt {
    if s > u64::from(u32::MAX) {
        return if a.sign() == num_bigint::Sign::Minus {
            BigInt::from(-1)
        } else {
            BigInt::from(0)
        };
    }
    a.div_floor(&(BigInt::from(1) << s))
}

/// `divmod(a, b)` for floats, following CPython's `float_divmod`; `b` must not be zero.
pub fn float_divmod(a: f64, b: f64) -> (f64, f64) {
    let mut m = a % b;
    let mut div = (a - m) / b;
    if m != 0.0 {
        if (b < 0.0) != (m < 0.0) {
            m += b;
            div -= 1.0;
        }
    } else {
        m = 0.0f64.copysign(b);
    }
    let floordiv = if div != 0.0 {
        let mut f = div.floor();
        if div - f > 0.5 {
            f += 1.0;
        }
        f
    } else {
        0.0f64.copysign(a / b)
    };
    (floordiv, m)
}

/// `a // b` for floats.
pub fn float_floordiv(a: f64, b: f64) -> f64 {
    float_divmod(a, b).0
}

/// `a % b` for floats.
pub fn float_mod(a: f64, b: f64) -> f64 {
    let mut m = a % b;
    if m != 0.0 {
        if (b < 0.0) != (m < 0.0) {
            m += b;
        }
    } else {
        m = 0.0f64.copysign(b);
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floor_semantics_follow_python() {
        assert_eq!(
            int_floordiv(&BigInt::from(-7), &BigInt::from(2)),
            BigInt::from(-4)
        );
        assert_eq!(
            int_mod(&BigInt::from(-7), &BigInt::from(2)),
            BigInt::from(1)
        );
        assert_eq!(
            int_mod(&BigInt::from(7), &BigInt::from(-2)),
            BigInt::from(-1)
        );
        assert_eq!(int_shr(&BigInt::from(-5), 1), BigInt::from(-3));
        assert_eq!(float_floordiv(-7.0, 2.0), -4.0);
        assert_eq!(float_mod(-7.5, 2.0), 0.5);
        assert!(float_mod(-0.0, 5.0).is_sign_positive());
    }
}
