//! Operators: binary and in-place arithmetic with `__op__`/`__rop__` dispatch, rich
//! comparison, `in`, unary operators, truth, `len`, `hash`, and subscripting — each with the
//! fast paths for built-in types and CPython's error messages.

use std::cmp::Ordering;

use crate::numbers::{self, Num};
use crate::object::*;
use crate::vm::Vm;

/// `BINARY_OP` arguments 0..=12: method, reflected method, symbol.
pub const BINOPS: [(&str, &str, &str); 13] = [
    ("__add__", "__radd__", "+"),
    ("__and__", "__rand__", "&"),
    ("__floordiv__", "__rfloordiv__", "//"),
    ("__lshift__", "__rlshift__", "<<"),
    ("__matmul__", "__rmatmul__", "@"),
    ("__mul__", "__rmul__", "*"),
    ("__mod__", "__rmod__", "%"),
    ("__or__", "__ror__", "|"),
    ("__pow__", "__rpow__", "**"),
    ("__rshift__", "__rrshift__", ">>"),
    ("__sub__", "__rsub__", "-"),
    ("__truediv__", "__rtruediv__", "/"),
    ("__xor__", "__rxor__", "^"),
];

/// In-place methods for `BINARY_OP` arguments 13..=25.
pub const INPLACE: [&str; 13] = [
    "__iadd__",
    "__iand__",
    "__ifloordiv__",
    "__ilshift__",
    "__imatmul__",
    "__imul__",
    "__imod__",
    "__ior__",
    "__ipow__",
    "__irshift__",
    "__isub__",
    "__itruediv__",
    "__ixor__",
];

/// Comparison methods by `COMPARE_OP` argument, with their reflections and symbols.
pub const CMP: [(&str, usize, &str); 6] = [
    ("__lt__", 4, "<"),
    ("__le__", 5, "<="),
    ("__eq__", 2, "=="),
    ("__ne__", 3, "!="),
    ("__gt__", 0, ">"),
    ("__ge__", 1, ">="),
];

impl Vm {
    fn is_builtin_number(&self, r: ObjRef) -> bool {
        let c = self.class_of(r);
        c == self.t.int || c == self.t.float || c == self.t.bool_ || c == self.t.complex
    }

    pub(crate) fn op_binary(&mut self, arg: u32) -> PyResult<()> {
        let b = self.pop();
        let a = self.pop();
        let r = self.binary_op(a, b, arg);
        self.decref(a);
        self.decref(b);
        let v = r?;
        self.push(v);
        Ok(())
    }

    /// `a <op> b` for a `BINARY_OP` argument (in-place forms included).
    pub fn binary_op(&mut self, a: ObjRef, b: ObjRef, op: u32) -> PyResult {
        if let (Kind::Bool(x), Kind::Bool(y)) = (self.kind(a), self.kind(b)) {
            // bool's own `&`, `|` and `^` keep the result a bool.
            let (x, y) = (*x, *y);
            match op % 13 {
                1 => return Ok(self.bool_obj(x & y)),
                7 => return Ok(self.bool_obj(x | y)),
                12 => return Ok(self.bool_obj(x ^ y)),
                _ => {}
            }
        }
        if self.is_builtin_number(a) && self.is_builtin_number(b) {
            if let Some(r) = numbers::binary_numeric(self, op % 13, a, b) {
                return r;
            }
        }
        if let Some(r) = self.binary_fast_sequences(a, b, op) {
            return r;
        }
        if op >= 13 {
            let name = INPLACE[(op - 13) as usize];
            let class = self.class_of(a);
            if let Some(f) = self.type_lookup_str(class, name) {
                self.incref(f);
                let r = self.call(f, &[a, b], &[]);
                self.decref(f);
                let r = r?;
                if r != self.not_implemented {
                    return Ok(r);
                }
                self.decref(r);
            }
            let sym = format!("{}=", BINOPS[(op - 13) as usize].2);
            return self.binary_dispatch(a, b, op - 13, &sym);
        }
        let sym = BINOPS[op as usize].2;
        self.binary_dispatch(a, b, op, sym)
    }

    /// `str + str`, `list + list`, `tuple + tuple` without method lookup.
    fn binary_fast_sequences(&mut self, a: ObjRef, b: ObjRef, op: u32) -> Option<PyResult> {
        let (ca, cb) = (self.class_of(a), self.class_of(b));
        if !matches!(op, 0 | 13) || ca != cb {
            return None;
        }
        if ca == self.t.str {
            if self.str_of(b).is_empty() && op == 0 {
                return Some(Ok(self.share(a)));
            }
            let s = format!("{}{}", self.str_of(a), self.str_of(b));
            return Some(Ok(self.new_string(s)));
        }
        if ca == self.t.tuple && op == 0 {
            let mut items = self.tuple_items(a).to_vec();
            items.extend_from_slice(self.tuple_items(b));
            for &i in &items {
                self.incref(i);
            }
            return Some(Ok(self.new_tuple(items)));
        }
        if ca == self.t.list && op == 0 {
            let mut items = self.list_items(a).to_vec();
            items.extend_from_slice(self.list_items(b));
            for &i in &items {
                self.incref(i);
            }
            return Some(Ok(self.new_list(items)));
        }
        None
    }

    fn binary_dispatch(&mut self, a: ObjRef, b: ObjRef, op: u32, sym: &str) -> PyResult {
        let (name, rname, _) = BINOPS[op as usize];
        let (ta, tb) = (self.class_of(a), self.class_of(b));
        let fa = self.type_lookup_str(ta, name);
        let mut fb = if ta != tb {
            self.type_lookup_str(tb, rname)
        } else {
            None
        };
        if let Some(f) = fb {
            let overrides = self.type_lookup_str(ta, rname) != Some(f);
            if self.is_subtype(tb, ta) && overrides {
                if let Some(r) = self.try_binary_method(f, b, a)? {
                    return Ok(r);
                }
                fb = None;
            }
        }
        if let Some(f) = fa {
            if let Some(r) = self.try_binary_method(f, a, b)? {
                return Ok(r);
            }
        }
        if let Some(f) = fb {
            if let Some(r) = self.try_binary_method(f, b, a)? {
                return Ok(r);
            }
        }
        let is_seq = |vm: &Vm, c: ObjRef| {
            [vm.t.str, vm.t.list, vm.t.tuple, vm.t.bytes, vm.t.bytearray]
                .iter()
                .any(|s| vm.is_subtype(c, *s))
        };
        let (na, nb) = (
            self.type_obj(ta).name.clone(),
            self.type_obj(tb).name.clone(),
        );
        if op == 0 && is_seq(self, ta) {
            return Err(
                self.type_error(format!("can only concatenate {na} (not \"{nb}\") to {na}"))
            );
        }
        if op == 5 && (is_seq(self, ta) || is_seq(self, tb)) {
            let other = if is_seq(self, ta) { nb } else { na };
            return Err(self.type_error(format!(
                "can't multiply sequence by non-int of type '{other}'"
            )));
        }
        let sym = if sym == "**" { "** or pow()" } else { sym };
        Err(self.type_error(format!(
            "unsupported operand type(s) for {sym}: '{na}' and '{nb}'"
        )))
    }

    /// Calls a binary method; `None` when it returns NotImplemented.
    fn try_binary_method(&mut self, f: ObjRef, a: ObjRef, b: ObjRef) -> PyResult<Option<ObjRef>> {
        self.incref(f);
        let r = self.call(f, &[a, b], &[]);
        self.decref(f);
        let r = r?;
        if r == self.not_implemented {
            self.decref(r);
            return Ok(None);
        }
        Ok(Some(r))
    }

    pub(crate) fn op_compare(&mut self, op: u32) -> PyResult<()> {
        let b = self.pop();
        let a = self.pop();
        let r = self.compare(a, b, op as usize);
        self.decref(a);
        self.decref(b);
        let v = r?;
        self.push(v);
        Ok(())
    }

    /// Rich comparison returning an object.
    pub fn compare(&mut self, a: ObjRef, b: ObjRef, op: usize) -> PyResult {
        if let Some(o) = self.compare_fast(a, b) {
            let r = match o {
                Some(ord) => cmp_result(op, ord),
                None => op == 3,
            };
            return Ok(self.bool_obj(r));
        }
        self.compare_dispatch(a, b, op)
    }

    /// Rich comparison, then truth of the result.
    pub fn compare_bool(&mut self, a: ObjRef, b: ObjRef, op: usize) -> PyResult<bool> {
        if let Some(o) = self.compare_fast(a, b) {
            return Ok(match o {
                Some(ord) => cmp_result(op, ord),
                None => op == 3,
            });
        }
        let r = self.compare_dispatch(a, b, op)?;
        let t = self.truthy(r);
        self.decref(r);
        t
    }

    /// `a == b` as a bool, with identity implying equality (CPython's
    /// `PyObject_RichCompareBool`, used by containers: `nan in [nan]` is true).
    pub fn eq(&mut self, a: ObjRef, b: ObjRef) -> PyResult<bool> {
        if a == b {
            return Ok(true);
        }
        self.compare_bool(a, b, 2)
    }

    /// Ordering of built-in numbers and strings without method calls: `Some(None)` means
    /// unordered (NaN).
    fn compare_fast(&self, a: ObjRef, b: ObjRef) -> Option<Option<Ordering>> {
        let (ca, cb) = (self.class_of(a), self.class_of(b));
        let real = |c: ObjRef| c == self.t.int || c == self.t.float || c == self.t.bool_;
        if real(ca) && real(cb) {
            let (x, y) = (numbers::num_of(self, a)?, numbers::num_of(self, b)?);
            return Some(numbers::num_cmp(&x, &y));
        }
        if ca == self.t.str && cb == self.t.str {
            return Some(Some(self.str_of(a).cmp(self.str_of(b))));
        }
        None
    }

    fn compare_dispatch(&mut self, a: ObjRef, b: ObjRef, op: usize) -> PyResult {
        if let Some(r) = self.compare_sequences(a, b, op)? {
            return Ok(r);
        }
        let (name, reflected, sym) = CMP[op];
        let rname = CMP[reflected].0;
        let (ta, tb) = (self.class_of(a), self.class_of(b));
        let mut checked_reverse = false;
        if ta != tb && self.is_subtype(tb, ta) {
            if let Some(f) = self.type_lookup_str(tb, rname) {
                if self.type_lookup_str(ta, rname) != Some(f) {
                    checked_reverse = true;
                    if let Some(r) = self.try_binary_method(f, b, a)? {
                        return Ok(r);
                    }
                }
            }
        }
        if let Some(f) = self.type_lookup_str(ta, name) {
            if let Some(r) = self.try_binary_method(f, a, b)? {
                return Ok(r);
            }
        }
        if !checked_reverse {
            if let Some(f) = self.type_lookup_str(tb, rname) {
                if let Some(r) = self.try_binary_method(f, b, a)? {
                    return Ok(r);
                }
            }
        }
        match op {
            2 => Ok(self.bool_obj(a == b)),
            3 => Ok(self.bool_obj(a != b)),
            _ => {
                let msg = format!(
                    "'{sym}' not supported between instances of '{}' and '{}'",
                    self.type_obj(ta).name,
                    self.type_obj(tb).name
                );
                Err(self.type_error(msg))
            }
        }
    }

    /// Lexicographic comparison of two lists or two tuples (exact types).
    fn compare_sequences(&mut self, a: ObjRef, b: ObjRef, op: usize) -> PyResult<Option<ObjRef>> {
        let (ca, cb) = (self.class_of(a), self.class_of(b));
        if ca != cb || (ca != self.t.list && ca != self.t.tuple) {
            return Ok(None);
        }
        self.enter_recursion(" in comparison")?;
        let r = self.compare_sequences_inner(a, b, op);
        self.leave_recursion();
        r.map(Some)
    }

    fn compare_sequences_inner(&mut self, a: ObjRef, b: ObjRef, op: usize) -> PyResult {
        let seq = |vm: &Vm, r: ObjRef| -> Vec<ObjRef> {
            match vm.kind(r) {
                Kind::List(l) => l.items.clone(),
                Kind::Tuple(t) => t.to_vec(),
                _ => Vec::new(),
            }
        };
        let (x, y) = (seq(self, a), seq(self, b));
        for &v in x.iter().chain(y.iter()) {
            self.incref(v);
        }
        let mut result = None;
        for i in 0..x.len().min(y.len()) {
            match self.eq(x[i], y[i]) {
                Ok(true) => continue,
                Ok(false) => {
                    result = Some(if op == 2 {
                        Ok(self.bool_obj(false))
                    } else if op == 3 {
                        Ok(self.bool_obj(true))
                    } else {
                        self.compare(x[i], y[i], op)
                    });
                    break;
                }
                Err(e) => {
                    result = Some(Err(e));
                    break;
                }
            }
        }
        let r = result.unwrap_or_else(|| {
            let ord = x.len().cmp(&y.len());
            Ok(self.bool_obj(cmp_result(op, ord)))
        });
        self.decref_all(&x);
        self.decref_all(&y);
        r
    }

    /// Counts native recursion (reprs, comparisons of nested data) against the limit.
    pub fn enter_recursion(&mut self, what: &str) -> PyResult<()> {
        self.native_recursion += 1;
        if self.native_recursion + self.frames.len() as u32 > self.recursion_limit + 50
            || self.native_recursion > 600
        {
            self.native_recursion -= 1;
            return Err(self.new_exc(
                self.e.recursion_error,
                &format!("maximum recursion depth exceeded{what}"),
            ));
        }
        Ok(())
    }

    pub fn leave_recursion(&mut self) {
        self.native_recursion -= 1;
    }

    pub(crate) fn op_contains(&mut self, invert: u32) -> PyResult<()> {
        let container = self.pop();
        let item = self.pop();
        let r = self.contains(container, item);
        self.decref(container);
        self.decref(item);
        let b = self.bool_obj(r? != (invert == 1));
        self.push(b);
        Ok(())
    }

    /// `item in container`.
    pub fn contains(&mut self, container: ObjRef, item: ObjRef) -> PyResult<bool> {
        let c = self.class_of(container);
        match self.kind(container) {
            Kind::Str(_) if c == self.t.str => {
                if !self.is_str(item) {
                    let msg = format!(
                        "'in <string>' requires string as left operand, not {}",
                        self.type_name(item)
                    );
                    return Err(self.type_error(msg));
                }
                return Ok(self.str_of(container).contains(self.str_of(item)));
            }
            Kind::Dict(_) if c == self.t.dict => {
                return Ok(self.dict_get(container, item)?.is_some());
            }
            Kind::Set(_) if c == self.t.set || c == self.t.frozenset => {
                return self.set_contains(container, item);
            }
            Kind::List(_) | Kind::Tuple(_) if c == self.t.list || c == self.t.tuple => {
                let items = match self.kind(container) {
                    Kind::List(l) => l.items.clone(),
                    Kind::Tuple(t) => t.to_vec(),
                    _ => Vec::new(),
                };
                for &i in &items {
                    self.incref(i);
                }
                let mut found = Ok(false);
                for &x in &items {
                    match self.eq(x, item) {
                        Ok(true) => {
                            found = Ok(true);
                            break;
                        }
                        Ok(false) => {}
                        Err(e) => {
                            found = Err(e);
                            break;
                        }
                    }
                }
                self.decref_all(&items);
                return found;
            }
            Kind::Range(r) if c == self.t.range => {
                let r = **r;
                if let Some(v) = self.int_value(item) {
                    let i = v as i128 - r.start as i128;
                    let step = r.step as i128;
                    let inside = if step > 0 {
                        v >= r.start && v < r.stop
                    } else {
                        v <= r.start && v > r.stop
                    };
                    return Ok(inside && i % step == 0);
                }
            }
            _ => {}
        }
        if let Some(f) = self.type_lookup(c, self.n.contains) {
            self.incref(f);
            let r = self.call(f, &[container, item], &[]);
            self.decref(f);
            let r = r?;
            let t = self.truthy(r);
            self.decref(r);
            return t;
        }
        if !self.is_iterable(container) {
            let msg = format!(
                "argument of type '{}' is not iterable",
                self.type_name(container)
            );
            return Err(self.type_error(msg));
        }
        let it = self.iter(container)?;
        let mut result = Ok(false);
        loop {
            match self.next(it) {
                Ok(Some(x)) => {
                    let e = self.eq(x, item);
                    self.decref(x);
                    match e {
                        Ok(true) => {
                            result = Ok(true);
                            break;
                        }
                        Ok(false) => {}
                        Err(err) => {
                            result = Err(err);
                            break;
                        }
                    }
                }
                Ok(None) => break,
                Err(e) => {
                    result = Err(e);
                    break;
                }
            }
        }
        self.decref(it);
        result
    }

    pub(crate) fn op_unary(&mut self, op: pyscope_compiler::Opcode) -> PyResult<()> {
        use pyscope_compiler::Opcode::*;
        let v = self.pop();
        let r = match op {
            UNARY_NOT => self.truthy(v).map(|t| self.bool_obj(!t)),
            UNARY_NEGATIVE => self.unary(v, "__neg__", "-"),
            UNARY_POSITIVE => self.unary(v, "__pos__", "+"),
            _ => self.unary(v, "__invert__", "~"),
        };
        self.decref(v);
        let r = r?;
        self.push(r);
        Ok(())
    }

    /// `-v`, `+v`, `~v`.
    pub fn unary(&mut self, v: ObjRef, name: &str, sym: &str) -> PyResult {
        if self.is_builtin_number(v) {
            let n = numbers::num_of(self, v).expect("a number");
            let r = match (name, n) {
                ("__neg__", Num::Int(i)) => i
                    .checked_neg()
                    .map(Num::Int)
                    .unwrap_or_else(|| Num::Big(-num_bigint::BigInt::from(i))),
                ("__neg__", Num::Big(b)) => Num::Big(-b),
                ("__neg__", Num::Float(f)) => Num::Float(-f),
                ("__neg__", Num::Complex(r, i)) => Num::Complex(-r, -i),
                ("__pos__", Num::Int(i)) => Num::Int(i),
                ("__pos__", n) => n,
                ("__invert__", Num::Int(i)) => Num::Int(!i),
                ("__invert__", Num::Big(b)) => Num::Big(-b - 1),
                _ => {
                    return Err(self.type_error(format!(
                        "bad operand type for unary {sym}: '{}'",
                        self.type_name(v)
                    )));
                }
            };
            return Ok(self.new_num(r));
        }
        let class = self.class_of(v);
        match self.type_lookup_str(class, name) {
            Some(f) => {
                self.incref(f);
                let r = self.call(f, &[v], &[]);
                self.decref(f);
                r
            }
            None => Err(self.type_error(format!(
                "bad operand type for unary {sym}: '{}'",
                self.type_name(v)
            ))),
        }
    }

    /// `bool(v)`.
    pub fn truthy(&mut self, v: ObjRef) -> PyResult<bool> {
        let c = self.class_of(v);
        let builtin = match self.kind(v) {
            Kind::Bool(b) => Some(*b),
            Kind::None => Some(false),
            Kind::Int(i) if c == self.t.int => Some(*i != 0),
            Kind::BigInt(_) if c == self.t.int => Some(true),
            Kind::Float(f) if c == self.t.float => Some(*f != 0.0),
            Kind::Str(s) if c == self.t.str => Some(!s.s.is_empty()),
            Kind::List(l) if c == self.t.list => Some(!l.items.is_empty()),
            Kind::Tuple(t) if c == self.t.tuple => Some(!t.is_empty()),
            Kind::Dict(d) if c == self.t.dict => Some(d.used > 0),
            Kind::Set(s) if c == self.t.set || c == self.t.frozenset => Some(s.used > 0),
            Kind::Function(_) | Kind::Type(_) | Kind::Module(_) | Kind::Native(_) => Some(true),
            _ => None,
        };
        if let Some(b) = builtin {
            return Ok(b);
        }
        if let Some(f) = self.type_lookup(c, self.n.bool_) {
            self.incref(f);
            let r = self.call(f, &[v], &[]);
            self.decref(f);
            let r = r?;
            let out = match self.kind(r) {
                Kind::Bool(b) => Ok(*b),
                _ => Err(self.type_error(format!(
                    "__bool__ should return bool, returned {}",
                    self.type_name(r)
                ))),
            };
            self.decref(r);
            return out;
        }
        if self.type_lookup(c, self.n.len).is_some() {
            return Ok(self.len_of(v)? > 0);
        }
        match self.kind(v) {
            Kind::Int(i) => Ok(*i != 0),
            Kind::Float(f) => Ok(*f != 0.0),
            Kind::Str(s) => Ok(!s.s.is_empty()),
            _ => Ok(true),
        }
    }

    /// `len(v)`.
    pub fn len_of(&mut self, v: ObjRef) -> PyResult<usize> {
        let c = self.class_of(v);
        let builtin = match self.kind(v) {
            Kind::Str(s) => Some(s.chars),
            Kind::List(l) => Some(l.items.len()),
            Kind::Tuple(t) => Some(t.len()),
            Kind::Dict(d) => Some(d.used),
            Kind::Set(s) => Some(s.used),
            Kind::Bytes(b) => Some(b.data.len()),
            Kind::ByteArray(b) => Some(b.len()),
            Kind::Range(r) => Some(r.len().max(0) as usize),
            Kind::DictView(d, _) => Some(self.dict_obj(*d).used),
            _ => None,
        };
        let is_builtin_class = self.type_obj(c).builtin;
        if let (Some(n), true) = (builtin, is_builtin_class) {
            return Ok(n);
        }
        let Some(f) = self.type_lookup(c, self.n.len) else {
            if let Some(n) = builtin {
                return Ok(n);
            }
            let msg = format!("object of type '{}' has no len()", self.type_name(v));
            return Err(self.type_error(msg));
        };
        self.incref(f);
        let r = self.call(f, &[v], &[]);
        self.decref(f);
        let r = r?;
        let n = self.index_value(r);
        self.decref(r);
        let n = n?;
        if n < 0 {
            return Err(self.value_error("__len__() should return >= 0"));
        }
        Ok(n as usize)
    }

    /// An int from an object with `__index__` (for lengths, indices, `range()`).
    pub fn index_value(&mut self, v: ObjRef) -> PyResult<i64> {
        if let Some(i) = self.int_value(v) {
            return Ok(i);
        }
        if let Kind::BigInt(_) = self.kind(v) {
            return Err(self.new_exc(
                self.e.overflow_error,
                "cannot fit 'int' into an index-sized integer",
            ));
        }
        let c = self.class_of(v);
        if let Some(f) = self.type_lookup(c, self.n.index) {
            self.incref(f);
            let r = self.call(f, &[v], &[]);
            self.decref(f);
            let r = r?;
            let out = self.int_value(r);
            self.decref(r);
            return out.ok_or_else(|| self.type_error("__index__ returned non-int"));
        }
        let msg = format!(
            "'{}' object cannot be interpreted as an integer",
            self.type_name(v)
        );
        Err(self.type_error(msg))
    }

    /// `hash(v)` for objects without a built-in fast path.
    pub(crate) fn hash_slow(&mut self, v: ObjRef) -> PyResult<i64> {
        use crate::hash;
        let c = self.class_of(v);
        let builtin = self.type_obj(c).builtin;
        if builtin {
            match self.kind(v) {
                Kind::Int(i) => return Ok(hash::hash_i64(*i)),
                Kind::Bool(b) => return Ok(i64::from(*b)),
                Kind::BigInt(b) => return Ok(hash::hash_bigint(b)),
                Kind::Float(f) if f.is_nan() => {
                    return Ok(hash::hash_pointer(crate::heap::address_of(v)));
                }
                Kind::Float(f) => return Ok(hash::hash_f64(*f)),
                Kind::Complex(c) => {
                    let (r, i) = **c;
                    let hr = if r.is_nan() { 0 } else { hash::hash_f64(r) };
                    let hi = if i.is_nan() { 0 } else { hash::hash_f64(i) };
                    return Ok(hash::hash_complex(hr, hi));
                }
                Kind::Bytes(b) => {
                    let h = b.hash.get();
                    if h != -1 {
                        return Ok(h);
                    }
                    let h = hash::hash_bytes(&b.data);
                    b.hash.set(h);
                    return Ok(h);
                }
                Kind::Tuple(items) => {
                    let items = items.to_vec();
                    self.enter_recursion(" while calling a Python object")?;
                    let mut hs = Vec::with_capacity(items.len());
                    for it in items {
                        match self.hash(it) {
                            Ok(h) => hs.push(h),
                            Err(e) => {
                                self.leave_recursion();
                                return Err(e);
                            }
                        }
                    }
                    self.leave_recursion();
                    return Ok(hash::hash_tuple(&hs));
                }
                Kind::Set(s) if c == self.t.frozenset => {
                    if s.hash != -1 {
                        return Ok(s.hash);
                    }
                    let h = s.frozen_hash();
                    if let Kind::Set(s) = &mut self.heap.get_mut(v).kind {
                        s.hash = h;
                    }
                    return Ok(h);
                }
                _ => {}
            }
        }
        match self.type_lookup(c, self.n.hash) {
            Some(f) if f == self.none => {
                let msg = format!("unhashable type: '{}'", self.type_name(v));
                Err(self.type_error(msg))
            }
            Some(f) => {
                self.incref(f);
                let r = self.call(f, &[v], &[]);
                self.decref(f);
                let r = r?;
                let h = match self.kind(r) {
                    Kind::Int(i) => Ok(hash::hash_i64(*i)),
                    Kind::BigInt(b) => Ok(hash::hash_bigint(b)),
                    Kind::Bool(b) => Ok(i64::from(*b)),
                    _ => Err(self.type_error("__hash__ method should return an integer")),
                };
                self.decref(r);
                h
            }
            None => Ok(hash::hash_pointer(crate::heap::address_of(v))),
        }
    }
}

/// Applies a `COMPARE_OP` argument to an ordering.
pub fn cmp_result(op: usize, ord: Ordering) -> bool {
    match op {
        0 => ord == Ordering::Less,
        1 => ord != Ordering::Greater,
        2 => ord == Ordering::Equal,
        3 => ord != Ordering::Equal,
        4 => ord == Ordering::Greater,
        _ => ord != Ordering::Less,
    }
}
