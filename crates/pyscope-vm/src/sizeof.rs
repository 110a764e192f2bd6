//! `sys.getsizeof` for built-in objects, with CPython 3.11's 64-bit layouts (object headers,
//! the 16-byte GC header of container types, PEP 393 string kinds, list and table
//! allocations).

use crate::object::*;
use crate::vm::Vm;

/// The GC header CPython puts before objects of types that can form cycles.
const GC_HEAD: usize = 16;

impl Vm {
    /// `sys.getsizeof(obj)` without calling `__sizeof__` (built-in layouts only).
    pub fn sizeof(&self, r: ObjRef) -> usize {
        let class = self.class_of(r);
        let user_class = !self.type_obj(class).builtin;
        let base = match self.kind(r) {
            Kind::None | Kind::NotImplemented | Kind::Ellipsis => 16,
            Kind::Bool(b) => 24 + 4 * usize::from(*b).max(1),
            Kind::Int(i) => 24 + 4 * digits30(i.unsigned_abs() as u128).max(1),
            Kind::BigInt(b) => 24 + 4 * ((b.bits() as usize).div_ceil(30)).max(1),
            Kind::Float(_) => 24,
            Kind::Complex(_) => 32,
            Kind::Str(s) => {
                let utf8 = if s.utf8_cached.get() && !s.ascii {
                    s.s.len() + 1
                } else {
                    0
                };
                if s.ascii {
                    48 + s.chars + 1
                } else {
                    72 + (s.chars + 1) * s.kind as usize + utf8
                }
            }
            Kind::Bytes(b) => 33 + b.data.len(),
            Kind::ByteArray(b) => 56 + if b.is_empty() { 0 } else { b.len() + 1 },
            Kind::Tuple(t) => GC_HEAD + 24 + 8 * t.len(),
            Kind::List(l) => GC_HEAD + 40 + 8 * l.allocated,
            Kind::Dict(d) => d.sizeof(),
            Kind::Set(s) => s.sizeof(),
            Kind::Range(_) => 48,
            Kind::Slice(_) => GC_HEAD + 40,
            Kind::Function(_) => GC_HEAD + 136,
            Kind::Type(_) => 1688,
            Kind::Module(_) => GC_HEAD + 56,
            Kind::Cell(_) => GC_HEAD + 24,
            Kind::BoundMethod(..) => GC_HEAD + 48,
            Kind::Native(_) => GC_HEAD + 56,
            Kind::Iter(it) => match &**it {
                IterObj::Dict { .. } => GC_HEAD + 56,
                _ => GC_HEAD + 32,
            },
            Kind::Generator(_) => GC_HEAD + 104,
            Kind::Exception(_) => GC_HEAD + 72,
            Kind::Instance(slots) => {
                if user_class && !self.type_obj(class).has_dict {
                    GC_HEAD + 16 + 8 * slots.len()
                } else if user_class {
                    // Managed-dict pre-header, object header, weakref slot.
                    GC_HEAD + 16 + 16 + 8 + 8 * slots.len()
                } else {
                    16
                }
            }
            _ => GC_HEAD + 32,
        };
        if user_class && !matches!(self.kind(r), Kind::Instance(_)) && self.type_obj(class).has_dict
        {
            return base + 16;
        }
        base
    }
}

/// Number of 30-bit digits CPython uses for an int's magnitude.
fn digits30(mut v: u128) -> usize {
    let mut n = 0;
    while v > 0 {
        v >>= 30;
        n += 1;
    }
    n
}
