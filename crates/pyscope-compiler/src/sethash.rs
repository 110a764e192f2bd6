//! CPython's iteration order for frozenset constants, so that `dis` prints them as
//! `python3 -m dis` does under `PYTHONHASHSEED=0`: the hash of each item and a replay of the
//! set's open-addressing table.

use crate::code::Constant;

/// The items of a frozenset in CPython's iteration order, found by replaying its hash-table
/// insertions (numbers, strings and bytes; other items keep their order).
///
/// The compiler builds such a constant twice (from the source tuple, then again from the first
/// set's iteration order when it merges constants), so the table is replayed twice.
pub fn set_order(items: &[Constant]) -> Vec<&Constant> {
    let first = table_order(items);
    let again: Vec<Constant> = first.iter().map(|c| (*c).clone()).collect();
    let order = table_order(&again);
    order
        .into_iter()
        .map(|c| {
            let k = again.iter().position(|x| std::ptr::eq(x, c)).unwrap_or(0);
            first[k]
        })
        .collect()
}

fn table_order(items: &[Constant]) -> Vec<&Constant> {
    let hashes: Option<Vec<u64>> = items.iter().map(hash).collect();
    let Some(hashes) = hashes else {
        return items.iter().collect();
    };
    let mut table: Vec<Option<usize>> = vec![None; 8];
    let mut used = 0usize;
    for k in 0..items.len() {
        set_insert(&mut table, &hashes, k);
        used += 1;
        let mask = table.len() - 1;
        if used * 5 >= mask * 3 {
            let mut size = 8;
            while size <= used * 4 {
                size <<= 1;
            }
            let old = std::mem::replace(&mut table, vec![None; size]);
            for e in old.into_iter().flatten() {
                set_insert(&mut table, &hashes, e);
            }
        }
    }
    table.into_iter().flatten().map(|k| &items[k]).collect()
}

fn set_insert(table: &mut [Option<usize>], hashes: &[u64], k: usize) {
    const LINEAR_PROBES: usize = 9;
    let mask = table.len() - 1;
    let mut perturb = hashes[k];
    let mut i = (hashes[k] as usize) & mask;
    loop {
        let probes = if i + LINEAR_PROBES <= mask {
            LINEAR_PROBES
        } else {
            0
        };
        if let Some(slot) = table[i..=i + probes].iter_mut().find(|s| s.is_none()) {
            *slot = Some(k);
            return;
        }
        perturb >>= 5;
        i = (i
            .wrapping_mul(5)
            .wrapping_add(1)
            .wrapping_add(perturb as usize))
            & mask;
    }
}

/// CPython's hash of a constant (`PYTHONHASHSEED=0`), as the unsigned value sets probe with.
fn hash(c: &Constant) -> Option<u64> {
    const MODULUS: u64 = (1 << 61) - 1;
    let v = match c {
        Constant::Bool(b) => return Some(u64::from(*b)),
        Constant::Int(i) => i,
        Constant::Str(s) => return Some(fix(str_hash(s))),
        Constant::Bytes(b) => return Some(fix(bytes_hash(b))),
        Constant::Float(f) => return float_hash(*f).map(fix),
        Constant::Complex(r, i) => {
            let h = float_hash(*r)?.wrapping_add(float_hash(*i)?.wrapping_mul(1_000_003));
            return Some(fix(h));
        }
        Constant::Tuple(items) => return tuple_hash(items),
        _ => return None,
    };
    let m = (v.magnitude() % MODULUS)
        .to_u64_digits()
        .first()
        .copied()
        .unwrap_or(0) as i64;
    let h = if v.sign() == num_bigint::Sign::Minus {
        -m
    } else {
        m
    };
    Some(fix(h))
}

/// The xxHash-based hash of a tuple (CPython's `tuplehash`).
fn tuple_hash(items: &[Constant]) -> Option<u64> {
    const PRIME_1: u64 = 11_400_714_785_074_694_791;
    const PRIME_2: u64 = 14_029_467_366_897_019_727;
    const PRIME_5: u64 = 2_870_177_450_012_600_261;
    let mut acc = PRIME_5;
    for item in items {
        let lane = hash(item)?;
        acc = acc.wrapping_add(lane.wrapping_mul(PRIME_2));
        acc = acc.rotate_left(31);
        acc = acc.wrapping_mul(PRIME_1);
    }
    acc = acc.wrapping_add(items.len() as u64 ^ (PRIME_5 ^ 3_527_539));
    Some(if acc == u64::MAX { 1_546_275_796 } else { acc })
}

/// The hash of a float (CPython's `_Py_HashDouble`); NaN hashes by identity, so it has none.
fn float_hash(v: f64) -> Option<i64> {
    const MODULUS: u64 = (1 << 61) - 1;
    if v.is_nan() {
        return None;
    }
    if v.is_infinite() {
        return Some(if v > 0.0 { 314_159 } else { -314_159 });
    }
    if v == 0.0 {
        return Some(0);
    }
    let (mut m, mut e) = frexp(v.abs());
    let sign: i64 = if v < 0.0 { -1 } else { 1 };
    let mut x: u64 = 0;
    while m != 0.0 {
        x = ((x << 28) & MODULUS) | (x >> (61 - 28));
        m *= 268_435_456.0;
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
    let h = (x as i64) * sign;
    Some(if h == -1 { -2 } else { h })
}

/// `v = m * 2**e` with `0.5 <= m < 1`, for positive finite `v`.
fn frexp(v: f64) -> (f64, i32) {
    let bits = v.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i32;
    if exp == 0 {
        let (m, e) = frexp(v * 2f64.powi(54));
        return (m, e - 54);
    }
    let m = f64::from_bits((bits & !(0x7ff << 52)) | (1022 << 52));
    (m, exp - 1022)
}

fn fix(h: i64) -> u64 {
    (if h == -1 { -2 } else { h }) as u64
}

/// The hash of a str: SipHash-1-3 over its PEP 393 buffer (1, 2 or 4 bytes per character).
fn str_hash(s: &str) -> i64 {
    let max = s.chars().map(u32::from).max().unwrap_or(0);
    let width = if max < 0x100 {
        1
    } else if max < 0x10000 {
        2
    } else {
        4
    };
    let buf: Vec<u8> = s
        .chars()
        .flat_map(|c| u32::from(c).to_le_bytes().into_iter().take(width))
        .collect();
    bytes_hash(&buf)
}

fn bytes_hash(b: &[u8]) -> i64 {
    if b.is_empty() {
        return 0;
    }
    siphash13(b) as i64
}

/// SipHash-1-3 with a zero key, as CPython uses when `PYTHONHASHSEED=0`.
fn siphash13(data: &[u8]) -> u64 {
    let mut v = [
        0x736f_6d65_7073_6575u64,
        0x646f_7261_6e64_6f6d,
        0x6c79_6765_6e65_7261,
        0x7465_6462_7974_6573,
    ];
    let round = |v: &mut [u64; 4]| {
        v[0] = v[0].wrapping_add(v[1]);
        v[1] = v[1].rotate_left(13) ^ v[0];
        v[0] = v[0].rotate_left(32);
        v[2] = v[2].wrapping_add(v[3]);
        v[3] = v[3].rotate_left(16) ^ v[2];
        v[0] = v[0].wrapping_add(v[3]);
        v[3] = v[3].rotate_left(21) ^ v[0];
        v[2] = v[2].wrapping_add(v[1]);
        v[1] = v[1].rotate_left(17) ^ v[2];
        v[2] = v[2].rotate_left(32);
    };
    let chunks = data.chunks_exact(8);
    let rest = chunks.remainder();
    for c in chunks {
        let m = u64::from_le_bytes(c.try_into().expect("8 bytes"));
        v[3] ^= m;
        round(&mut v);
        v[0] ^= m;
    }
    let mut last = (data.len() as u64) << 56;
    for (i, byte) in rest.iter().enumerate() {
        last |= u64::from(*byte) << (8 * i);
    }
    v[3] ^= last;
    round(&mut v);
    v[0] ^= last;
    v[2] ^= 0xff;
    for _ in 0..3 {
        round(&mut v);
    }
    v[0] ^ v[1] ^ v[2] ^ v[3]
}
