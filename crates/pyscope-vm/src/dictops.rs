//! Dict and set operations at the VM level: hashing keys, comparing them (which may run
//! Python code), and the CPython construction paths (`insertdict`, `dict_merge`, copies).

use crate::dict::{DictKind, DictObj, estimate_log2_keysize, usable_fraction};
use crate::object::*;
use crate::set::{Added, SetObj};
use crate::vm::Vm;

/// Equality that needs Python code to decide.
struct NeedsCall;

impl Vm {
    /// Whether `r` is an exact `str` (not a subclass).
    pub fn is_exact_str(&self, r: ObjRef) -> bool {
        self.class_of(r) == self.t.str
    }

    /// Equality of two keys decided without running Python code, if possible.
    pub fn eq_fast(&self, a: ObjRef, b: ObjRef) -> Option<bool> {
        if a == b {
            return Some(true);
        }
        let (ca, cb) = (self.class_of(a), self.class_of(b));
        let builtin = |c: ObjRef| {
            c == self.t.str
                || c == self.t.int
                || c == self.t.bool_
                || c == self.t.float
                || c == self.t.none_type
        };
        if !builtin(ca) || !builtin(cb) {
            return None;
        }
        Some(match (self.kind(a), self.kind(b)) {
            (Kind::Str(x), Kind::Str(y)) => x.s == y.s,
            (Kind::Str(_), _) | (_, Kind::Str(_)) => false,
            (Kind::None, _) | (_, Kind::None) => false,
            _ => return crate::numbers::num_eq(self, a, b),
        })
    }

    /// The hash of an object (calling `__hash__` for user classes).
    pub fn hash(&mut self, r: ObjRef) -> PyResult<i64> {
        match self.kind(r) {
            Kind::Str(s) => {
                let h = s.hash.get();
                if h != -1 {
                    return Ok(h);
                }
                let h = crate::hash::hash_str(&s.s, s.kind);
                s.hash.set(h);
                if self.class_of(r) == self.t.str {
                    return Ok(h);
                }
            }
            Kind::Int(i) if self.class_of(r) == self.t.int => return Ok(crate::hash::hash_i64(*i)),
            _ => {}
        }
        self.hash_slow(r)
    }

    /// Hash of a str given as text (for lookups by Rust names).
    pub fn hash_text(s: &str) -> i64 {
        let max = s.chars().map(|c| c as u32).max().unwrap_or(0);
        let kind = if max < 0x100 {
            1
        } else if max < 0x10000 {
            2
        } else {
            4
        };
        crate::hash::hash_str(s, kind)
    }

    fn lookup_slot(
        &mut self,
        d: ObjRef,
        key: ObjRef,
        hash: i64,
    ) -> PyResult<Option<(usize, usize)>> {
        let fast = {
            let dict = self.dict_obj(d);
            dict.lookup(hash, key, |k| self.eq_fast(k, key).ok_or(NeedsCall))
        };
        match fast {
            Ok(r) => Ok(r),
            Err(NeedsCall) => {
                let taken = self.take_dict(d);
                let r = taken.lookup(hash, key, |k| self.eq(k, key));
                self.put_dict(d, taken);
                r
            }
        }
    }

    fn take_dict(&mut self, d: ObjRef) -> Box<DictObj> {
        match std::mem::replace(
            &mut self.heap.get_mut(d).kind,
            Kind::Dict(Box::new(DictObj::new())),
        ) {
            Kind::Dict(b) => b,
            _ => unreachable!("take_dict on a dict"),
        }
    }

    fn put_dict(&mut self, d: ObjRef, dict: Box<DictObj>) {
        self.heap.get_mut(d).kind = Kind::Dict(dict);
    }

    /// `d[key]` if present: a borrowed reference.
    pub fn dict_get(&mut self, d: ObjRef, key: ObjRef) -> PyResult<Option<ObjRef>> {
        let hash = self.hash(key)?;
        self.dict_get_hashed(d, key, hash)
    }

    pub fn dict_get_hashed(
        &mut self,
        d: ObjRef,
        key: ObjRef,
        hash: i64,
    ) -> PyResult<Option<ObjRef>> {
        Ok(self
            .lookup_slot(d, key, hash)?
            .map(|(_, ix)| self.dict_obj(d).entries[ix].value))
    }

    /// Lookup of a str key in a dict of str keys, never running Python code (namespaces).
    pub fn dict_get_str_fast(&self, d: ObjRef, key: ObjRef) -> Option<ObjRef> {
        let Kind::Str(s) = self.kind(key) else {
            return None;
        };
        let mut h = s.hash.get();
        if h == -1 {
            h = crate::hash::hash_str(&s.s, s.kind);
            s.hash.set(h);
        }
        let dict = self.dict_obj(d);
        let r: Result<_, ()> = dict.lookup(h, key, |k| {
            Ok(matches!(self.kind(k), Kind::Str(o) if o.s == s.s))
        });
        r.ok().flatten().map(|(_, ix)| dict.entries[ix].value)
    }

    /// Lookup by a Rust string in a dict with str keys (borrowed result).
    pub fn dict_get_by_name(&self, d: ObjRef, name: &str) -> Option<ObjRef> {
        let h = Self::hash_text(name);
        let dict = self.dict_obj(d);
        let r: Result<_, ()> = dict.lookup(h, ObjRef::NULL, |k| {
            Ok(self.str_of(k) == name && self.is_str(k))
        });
        r.ok().flatten().map(|(_, ix)| dict.entries[ix].value)
    }

    /// `d[key] = value` (borrows both).
    pub fn dict_set(&mut self, d: ObjRef, key: ObjRef, value: ObjRef) -> PyResult<()> {
        let hash = self.hash(key)?;
        self.dict_set_hashed(d, key, hash, value)
    }

    /// CPython's `insertdict` (borrows key and value).
    pub fn dict_set_hashed(
        &mut self,
        d: ObjRef,
        key: ObjRef,
        hash: i64,
        value: ObjRef,
    ) -> PyResult<()> {
        let key_is_str = self.is_exact_str(key);
        let (shared, kind) = {
            let dict = self.dict_obj(d);
            (dict.shared_empty, dict.kind)
        };
        self.incref(value);
        if shared {
            self.incref(key);
            self.dict_mut(d)
                .insert_into_empty(hash, key, value, key_is_str);
            return Ok(());
        }
        if kind == DictKind::Unicode && !key_is_str {
            self.dict_mut(d).insertion_resize(false);
        }
        match self.lookup_slot(d, key, hash)? {
            Some((slot, ix)) => {
                let dict = self.dict_mut(d);
                let old = std::mem::replace(&mut dict.entries[ix].value, value);
                dict.version += 1;
                dict.record_probe_to(hash, slot);
                self.decref(old);
            }
            None => {
                self.incref(key);
                let dict = self.dict_mut(d);
                if dict.usable <= 0 {
                    let unicode = dict.kind == DictKind::Unicode;
                    dict.insertion_resize(unicode);
                }
                dict.insert_new(hash, key, value);
            }
        }
        Ok(())
    }

    /// Inserts into a namespace dict, taking ownership of the str key and the value.
    pub fn dict_set_str_owned(&mut self, d: ObjRef, key: ObjRef, value: ObjRef) {
        let r = self.dict_set(d, key, value);
        debug_assert!(r.is_ok(), "str keys never fail");
        self.decref(key);
        self.decref(value);
    }

    /// Sets `d[name] = value` for a Rust name, taking ownership of `value`.
    pub fn dict_set_name(&mut self, d: ObjRef, name: &str, value: ObjRef) {
        let key = self.intern(name);
        self.dict_set_str_owned(d, key, value);
    }

    /// Removes `key`; returns the value (owned) if it was present.
    pub fn dict_pop(&mut self, d: ObjRef, key: ObjRef) -> PyResult<Option<ObjRef>> {
        let hash = self.hash(key)?;
        let Some((slot, ix)) = self.lookup_slot(d, key, hash)? else {
            return Ok(None);
        };
        let dict = self.dict_mut(d);
        dict.record_probe_to(hash, slot);
        let (k, v) = dict.delete_at(slot, ix);
        self.decref(k);
        Ok(Some(v))
    }

    /// The slots a lookup of `key` visits (`pyscope.probe`).
    pub fn dict_probe(&mut self, d: ObjRef, key: ObjRef) -> PyResult<Vec<u32>> {
        let hash = self.hash(key)?;
        let taken = self.take_dict(d);
        let r = taken.probe_path(hash, key, |k| self.eq(k, key));
        self.put_dict(d, taken);
        r
    }

    /// Live (key, value) pairs in order (borrowed).
    pub fn dict_items(&self, d: ObjRef) -> Vec<(ObjRef, ObjRef)> {
        self.dict_obj(d).iter().map(|e| (e.key, e.value)).collect()
    }

    pub fn dict_len(&self, d: ObjRef) -> usize {
        self.dict_obj(d).used
    }

    /// A new dict presized for `n` items, as `BUILD_MAP`/`BUILD_CONST_KEY_MAP` make it.
    pub fn new_dict_presized(&mut self, n: usize, unicode: bool) -> ObjRef {
        self.alloc(
            self.t.dict,
            Kind::Dict(Box::new(DictObj::presized(n, unicode))),
        )
    }

    /// Removes every item (`dict.clear()`).
    pub fn dict_clear(&mut self, d: ObjRef) {
        let old = self.dict_mut(d).clear();
        for e in old {
            self.decref(e.key);
            self.decref(e.value);
        }
    }

    /// CPython's `dict_merge(a, b, override)` where `b` is a dict: override 0 keeps
    /// existing keys, 1 replaces them, 2 raises on duplicates (`**` in calls).
    pub fn dict_merge(&mut self, a: ObjRef, b: ObjRef, override_: u8) -> PyResult<()> {
        if a == b || self.dict_obj(b).used == 0 {
            return Ok(());
        }
        let other_used = self.dict_obj(b).used;
        if self.dict_obj(a).used == 0 && override_ == 1 && self.dict_obj(b).clonable_for_merge() {
            let copy = self.dict_obj(b).clone();
            for e in copy.iter() {
                self.incref(e.key);
                self.incref(e.value);
            }
            let version = self.dict_obj(a).version + 1;
            let mut copy = copy;
            copy.version = version;
            copy.last_probe.clear();
            *self.dict_mut(a) = copy;
            return Ok(());
        }
        if usable_fraction(self.dict_obj(a).size()) < other_used {
            let unicode = self.dict_obj(b).kind == DictKind::Unicode;
            let target = self.dict_obj(a).used + other_used;
            let dict = self.dict_mut(a);
            if dict.shared_empty {
                let kind = if unicode {
                    DictKind::Unicode
                } else {
                    DictKind::General
                };
                *dict = DictObj {
                    version: dict.version + 1,
                    ..DictObj::with_log2(estimate_log2_keysize(target), kind)
                };
            } else {
                dict.resize(estimate_log2_keysize(target), unicode);
            }
        }
        let items: Vec<(ObjRef, ObjRef, i64)> = self
            .dict_obj(b)
            .iter()
            .map(|e| (e.key, e.value, e.hash))
            .collect();
        for &(k, v, _) in &items {
            self.incref(k);
            self.incref(v);
        }
        let mut result = Ok(());
        for &(k, v, h) in &items {
            if result.is_ok() {
                result = self.merge_one(a, k, h, v, override_);
            }
        }
        for (k, v, _) in items {
            self.decref(k);
            self.decref(v);
        }
        result
    }

    fn merge_one(
        &mut self,
        a: ObjRef,
        k: ObjRef,
        h: i64,
        v: ObjRef,
        override_: u8,
    ) -> PyResult<()> {
        if override_ != 1 && self.lookup_slot(a, k, h)?.is_some() {
            if override_ == 2 {
                return Err(self.new_exc_obj(self.e.key_error, &[k]));
            }
            return Ok(());
        }
        self.dict_set_hashed(a, k, h, v)
    }

    /// `dict.copy()`: clones the table when it is dense enough, else merges into a new dict.
    pub fn dict_copy(&mut self, d: ObjRef) -> PyResult<ObjRef> {
        let dict = self.dict_obj(d);
        if dict.used == 0 {
            return Ok(self.new_dict());
        }
        if dict.used >= (dict.entries.len() * 2) / 3 {
            let copy = dict.clone();
            for e in copy.iter() {
                self.incref(e.key);
                self.incref(e.value);
            }
            let mut copy = copy;
            copy.last_probe.clear();
            return Ok(self.alloc(self.t.dict, Kind::Dict(Box::new(copy))));
        }
        let new = self.new_dict();
        self.dict_merge(new, d, 1)?;
        Ok(new)
    }

    // ----- sets -----

    pub fn set_obj(&self, r: ObjRef) -> &SetObj {
        match self.kind(r) {
            Kind::Set(s) => s,
            other => panic!("set_obj on {other:?}"),
        }
    }

    fn take_set(&mut self, r: ObjRef) -> Box<SetObj> {
        match std::mem::replace(
            &mut self.heap.get_mut(r).kind,
            Kind::Set(Box::new(SetObj::new())),
        ) {
            Kind::Set(b) => b,
            _ => unreachable!("take_set on a set"),
        }
    }

    fn put_set(&mut self, r: ObjRef, s: Box<SetObj>) {
        self.heap.get_mut(r).kind = Kind::Set(s);
    }

    /// Adds `key` (borrowed) to a set; returns whether it was new.
    pub fn set_add(&mut self, s: ObjRef, key: ObjRef) -> PyResult<bool> {
        let hash = self.hash(key)?;
        self.set_add_hashed(s, key, hash)
    }

    pub fn set_add_hashed(&mut self, s: ObjRef, key: ObjRef, hash: i64) -> PyResult<bool> {
        let found = self
            .set_obj(s)
            .lookup(hash, key, |k| self.eq_fast(k, key).ok_or(NeedsCall));
        let added = match found {
            Ok(Some(_)) => Added::Present,
            // Every candidate was decided without Python code, so the insertion needs none.
            Ok(None) => match &mut self.heap.get_mut(s).kind {
                Kind::Set(set) => set
                    .add(hash, key, |_| Ok::<bool, ()>(false))
                    .unwrap_or(Added::Present),
                _ => unreachable!("set_add on a set"),
            },
            Err(NeedsCall) => {
                let mut taken = self.take_set(s);
                let r = taken.add(hash, key, |k| self.eq(k, key));
                self.put_set(s, taken);
                r?
            }
        };
        if added == Added::Inserted {
            self.incref(key);
        }
        Ok(added == Added::Inserted)
    }

    /// The slot holding `key`, if present.
    pub fn set_find(&mut self, s: ObjRef, key: ObjRef) -> PyResult<Option<usize>> {
        let hash = self.hash(key)?;
        let fast = self
            .set_obj(s)
            .lookup(hash, key, |k| self.eq_fast(k, key).ok_or(NeedsCall));
        match fast {
            Ok(r) => Ok(r),
            Err(NeedsCall) => {
                let taken = self.take_set(s);
                let r = taken.lookup(hash, key, |k| self.eq(k, key));
                self.put_set(s, taken);
                r
            }
        }
    }

    pub fn set_contains(&mut self, s: ObjRef, key: ObjRef) -> PyResult<bool> {
        Ok(self.set_find(s, key)?.is_some())
    }

    /// Removes `key` if present; returns whether it was.
    pub fn set_discard(&mut self, s: ObjRef, key: ObjRef) -> PyResult<bool> {
        let Some(slot) = self.set_find(s, key)? else {
            return Ok(false);
        };
        let k = match &mut self.heap.get_mut(s).kind {
            Kind::Set(set) => set.remove_at(slot),
            _ => unreachable!("set_discard on a set"),
        };
        self.decref(k);
        Ok(true)
    }

    /// `set_merge`: adds every key of another set or frozenset.
    pub fn set_merge(&mut self, s: ObjRef, other: ObjRef) -> PyResult<()> {
        if s == other {
            return Ok(());
        }
        let other_set = self.set_obj(other).clone();
        if other_set.used == 0 {
            return Ok(());
        }
        if self.set_obj(s).fill == 0 {
            // An empty target takes the keys by copying or clean insertion: no comparisons.
            if let Kind::Set(set) = &mut self.heap.get_mut(s).kind {
                let _ = set.merge_from(&other_set, |_, _| Ok::<bool, ()>(false));
            }
            for k in other_set.keys() {
                self.incref(k);
            }
            return Ok(());
        }
        let (fill, used, mask) = {
            let set = self.set_obj(s);
            (set.fill, set.used, set.mask())
        };
        if (fill + other_set.used) * 5 >= mask * 3 {
            if let Kind::Set(set) = &mut self.heap.get_mut(s).kind {
                set.resize((used + other_set.used) * 2);
            }
        }
        for e in other_set.table.iter().filter(|e| e.is_active()) {
            self.set_add_hashed(s, e.key, e.hash)?;
        }
        Ok(())
    }

    /// Adds every key of a dict to a set, presizing as `set_update_internal` does.
    pub fn set_update_from_dict(&mut self, s: ObjRef, d: ObjRef) -> PyResult<()> {
        let n = self.dict_len(d);
        let (fill, used, mask) = {
            let set = self.set_obj(s);
            (set.fill, set.used, set.mask())
        };
        if (fill + n) * 5 >= mask * 3 {
            if let Kind::Set(set) = &mut self.heap.get_mut(s).kind {
                set.resize((used + n) * 2);
            }
        }
        let keys: Vec<(ObjRef, i64)> = self.dict_obj(d).iter().map(|e| (e.key, e.hash)).collect();
        for (k, h) in keys {
            self.set_add_hashed(s, k, h)?;
        }
        Ok(())
    }

    /// A fresh set or frozenset with the same elements, via `set_merge`.
    pub fn set_copy(&mut self, s: ObjRef, class: ObjRef) -> PyResult<ObjRef> {
        let new = self.alloc(class, Kind::Set(Box::new(SetObj::new())));
        self.set_merge(new, s)?;
        Ok(new)
    }
}
