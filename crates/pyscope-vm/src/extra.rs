//! State of library objects implemented natively (standard streams, `random`'s Mersenne
//! Twister, `collections.deque`), kept inside the heap so checkpoints copy it like any
//! other object.

use std::collections::VecDeque;

use crate::object::{Kind, ObjRef, PyResult};
use crate::vm::Vm;

/// Payloads of natively implemented library objects.
#[derive(Clone, Debug)]
pub enum Extra {
    /// `sys.stdout` (false) or `sys.stderr` (true).
    StdStream { err: bool },
    /// `collections.deque`.
    Deque {
        items: VecDeque<ObjRef>,
        maxlen: Option<usize>,
    },
    /// `io.StringIO`.
    StringIo {
        buf: String,
        pos: usize,
        closed: bool,
    },
    /// A `random.Random` instance.
    Random(Box<RandomState>),
}

impl Extra {
    pub fn children(&self, out: &mut Vec<ObjRef>) {
        if let Extra::Deque { items, .. } = self {
            out.extend(items.iter().copied());
        }
    }
}

const MT_N: usize = 624;
const MT_M: usize = 397;

/// CPython's MT19937 generator state, seeded as `random.seed` seeds it.
#[derive(Clone, Debug)]
pub struct RandomState {
    pub mt: Vec<u32>,
    pub index: usize,
    /// The spare value of `gauss()`.
    pub gauss_next: Option<f64>,
}

impl Default for RandomState {
    fn default() -> RandomState {
        let mut r = RandomState {
            mt: vec![0; MT_N],
            index: MT_N + 1,
            gauss_next: None,
        };
        r.seed_words(&[0]);
        r
    }
}

impl RandomState {
    fn init_genrand(&mut self, s: u32) {
        self.mt[0] = s;
        for i in 1..MT_N {
            let prev = self.mt[i - 1];
            self.mt[i] = 1812433253u32
                .wrapping_mul(prev ^ (prev >> 30))
                .wrapping_add(i as u32);
        }
        self.index = MT_N;
    }

    /// `init_by_array` with the 32-bit words of the seed (little-endian order).
    pub fn seed_words(&mut self, key: &[u32]) {
        self.init_genrand(19650218);
        let mut i = 1usize;
        let mut j = 0usize;
        let klen = key.len().max(1);
        let mut k = MT_N.max(klen);
        while k > 0 {
            let prev = self.mt[i - 1];
            let kj = key.get(j).copied().unwrap_or(0);
            self.mt[i] = (self.mt[i] ^ (prev ^ (prev >> 30)).wrapping_mul(1664525))
                .wrapping_add(kj)
                .wrapping_add(j as u32);
            i += 1;
            j += 1;
            if i >= MT_N {
                self.mt[0] = self.mt[MT_N - 1];
                i = 1;
            }
            if j >= klen {
                j = 0;
            }
            k -= 1;
        }
        k = MT_N - 1;
        while k > 0 {
            let prev = self.mt[i - 1];
            self.mt[i] = (self.mt[i] ^ (prev ^ (prev >> 30)).wrapping_mul(1566083941))
                .wrapping_sub(i as u32);
            i += 1;
            if i >= MT_N {
                self.mt[0] = self.mt[MT_N - 1];
                i = 1;
            }
            k -= 1;
        }
        self.mt[0] = 0x8000_0000;
        self.index = MT_N;
        self.gauss_next = None;
    }

    /// The next 32 random bits.
    pub fn genrand_u32(&mut self) -> u32 {
        if self.index >= MT_N {
            for kk in 0..MT_N {
                let y = (self.mt[kk] & 0x8000_0000) | (self.mt[(kk + 1) % MT_N] & 0x7fff_ffff);
                let mut v = self.mt[(kk + MT_M) % MT_N] ^ (y >> 1);
                if y & 1 != 0 {
                    v ^= 0x9908_b0df;
                }
                self.mt[kk] = v;
            }
            self.index = 0;
        }
        let mut y = self.mt[self.index];
        self.index += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^= y >> 18;
        y
    }

    /// `random()`: 53 random bits in [0, 1).
    pub fn random(&mut self) -> f64 {
        let a = self.genrand_u32() >> 5;
        let b = self.genrand_u32() >> 6;
        (f64::from(a) * 67108864.0 + f64::from(b)) * (1.0 / 9007199254740992.0)
    }

    /// `getrandbits(k)` for k <= 64.
    pub fn getrandbits(&mut self, k: u32) -> u64 {
        if k == 0 {
            return 0;
        }
        if k <= 32 {
            return u64::from(self.genrand_u32() >> (32 - k));
        }
        let lo = u64::from(self.genrand_u32());
        let hi = u64::from(self.genrand_u32() >> (64 - k));
        lo | (hi << 32)
    }
}

impl Vm {
    /// Which standard stream an object is (`Some(true)` for stderr).
    pub fn std_stream_kind(&self, obj: ObjRef) -> Option<bool> {
        match self.kind(obj) {
            Kind::Extra(e) => match &**e {
                Extra::StdStream { err } => Some(*err),
                _ => None,
            },
            _ => None,
        }
    }

    pub(crate) fn extra_repr(&mut self, obj: ObjRef) -> PyResult<String> {
        let Kind::Extra(e) = self.kind(obj) else {
            return Ok(self.default_repr(obj));
        };
        match &**e {
            Extra::StdStream { err } => Ok(format!(
                "<_io.TextIOWrapper name='<{}>' mode='w' encoding='utf-8'>",
                if *err { "stderr" } else { "stdout" }
            )),
            Extra::Deque { items, maxlen } => {
                let items: Vec<ObjRef> = items.iter().copied().collect();
                let maxlen = *maxlen;
                let mut parts = Vec::new();
                for i in items {
                    parts.push(self.repr_string(i)?);
                }
                let name = self.type_name(obj);
                Ok(match maxlen {
                    Some(m) => format!("{name}([{}], maxlen={m})", parts.join(", ")),
                    None => format!("{name}([{}])", parts.join(", ")),
                })
            }
            _ => Ok(self.default_repr(obj)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_42_matches_cpython() {
        // random.seed(42); random.random() == 0.6394267984578837 in CPython.
        let mut r = RandomState::default();
        r.seed_words(&[42]);
        assert_eq!(r.random(), 0.6394267984578837);
    }
}
