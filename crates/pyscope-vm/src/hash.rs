//! CPython 3.11's hash functions (64-bit, `PYTHONHASHSEED=0`): numbers modulo 2**61-1,
//! SipHash-1-3 with a zero key over the PEP 393 buffer for str and bytes, the xxHash-style
//! tuple combination, and the identity hash over object addresses.

use std::hash::Hasher;

use num_bigint::{BigInt, Sign};
use num_traits::ToPrimitive;
use siphasher::sip::SipHasher13;

/// `_PyHASH_MODULUS`: 2**61 - 1.
pub const MODULUS: u64 = (1 << 61) - 1;
pub const HASH_INF: i64 = 314159;
pub const HASH_IMAG: u64 = 1000003;

fn fix(h: i64) -> i64 {
    if h == -1 { -2 } else { h }
}

pub fn hash_i64(v: i64) -> i64 {
    let m = (v.unsigned_abs() % MODULUS) as i64;
    fix(if v < 0 { -m } else { m })
}

pub fn hash_bigint(v: &BigInt) -> i64 {
    let m = (v.magnitude() % MODULUS).to_u64().unwrap_or(0) as i64;
    fix(if v.sign() == Sign::Minus { -m } else { m })
}

/// The rational hash of a float; NaN hashes by identity, so the caller handles it.
pub fn hash_f64(v: f64) -> i64 {
    if v.is_infinite() {
        return if v > 0.0 { HASH_INF } else { -HASH_INF };
    }
    if v == v.trunc() && v.abs() < 9.2e18 {
        return hash_i64(v as i64);
    }
    let (mut m, mut e) = frexp(v);
    let mut sign = 1i64;
    if m < 0.0 {
        sign = -1;
        m = -m;
    }
    let mut x: u64 = 0;
    while m != 0.0 {
        x = ((x << 28) & MODULUS) | (x >> (61 - 28));
        m *= 268435456.0;
        e -= 28;
        let y = m as u64;
        m -= y as f64;
        x += y;
        if x >= MODULUS {
            x -= MODULUS;
        }
    }
    let e = if e >= 0 {
        e % 61
    } else {
        61 - 1 - ((-1 - e) % 61)
    } as u32;
    x = ((x << e) & MODULUS) | (x >> (61 - e));
    fix((x as i64).wrapping_mul(sign))
}

/// Splits a finite nonzero float into a mantissa in [0.5, 1) and a power of two.
fn frexp(v: f64) -> (f64, i32) {
    if v == 0.0 {
        return (v, 0);
    }
    let bits = v.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i32;
    if exp == 0 {
        // Subnormal: scale up first.
        let (m, e) = frexp(v * 2f64.powi(64));
        return (m, e - 64);
    }
    let e = exp - 1022;
    let m = f64::from_bits((bits & !(0x7ffu64 << 52)) | (1022u64 << 52));
    (m, e)
}

/// `_Py_HashBytes`: 0 for empty input, else SipHash-1-3 with key (0, 0).
pub fn hash_bytes(data: &[u8]) -> i64 {
    if data.is_empty() {
        return 0;
    }
    let mut h = SipHasher13::new_with_keys(0, 0);
    h.write(data);
    fix(h.finish() as i64)
}

/// The hash of a str: SipHash over CPython's canonical buffer (1, 2 or 4 bytes per char).
pub fn hash_str(s: &str, kind: u8) -> i64 {
    if s.is_empty() {
        return 0;
    }
    let mut buf: Vec<u8> = Vec::with_capacity(s.len() * kind as usize);
    match kind {
        1 => buf.extend(s.chars().map(|c| c as u32 as u8)),
        2 => {
            for c in s.chars() {
                buf.extend_from_slice(&(c as u32 as u16).to_le_bytes());
            }
        }
        _ => {
            for c in s.chars() {
                buf.extend_from_slice(&(c as u32).to_le_bytes());
            }
        }
    }
    hash_bytes(&buf)
}

const XXPRIME_1: u64 = 11400714785074694791;
const XXPRIME_2: u64 = 14029467366897019727;
const XXPRIME_5: u64 = 2870177450012600261;

/// `tuplehash` over the items' hashes.
pub fn hash_tuple(items: &[i64]) -> i64 {
    let mut acc = XXPRIME_5;
    for &h in items {
        acc = acc.wrapping_add((h as u64).wrapping_mul(XXPRIME_2));
        acc = acc.rotate_left(31);
        acc = acc.wrapping_mul(XXPRIME_1);
    }
    acc = acc.wrapping_add((items.len() as u64) ^ (XXPRIME_5 ^ 3527539));
    if acc == u64::MAX {
        return 1546275796;
    }
    acc as i64
}

/// The hash of a complex number from its parts' hashes.
pub fn hash_complex(re: i64, im: i64) -> i64 {
    let h = (re as u64).wrapping_add(HASH_IMAG.wrapping_mul(im as u64)) as i64;
    fix(h)
}

/// `_Py_HashPointer`: the address rotated right by 4 bits.
pub fn hash_pointer(addr: u64) -> i64 {
    fix(addr.rotate_right(4) as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(hash_i64(-1), -2);
        assert_eq!(hash_i64(1 << 61), 1);
        assert_eq!(hash_f64(0.5), 1 << 60);
        assert_eq!(hash_f64(1.0), 1);
        assert_eq!(hash_f64(f64::INFINITY), 314159);
        assert_eq!(hash_tuple(&[]), 5740354900026072187);
    }

    #[test]
    fn str_and_bytes_agree_for_latin1() {
        assert_eq!(hash_str("abc", 1), hash_bytes(b"abc"));
        assert_eq!(hash_str("", 1), 0);
    }
}
