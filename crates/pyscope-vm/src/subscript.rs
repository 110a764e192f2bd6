//! Subscripting: `obj[key]`, `obj[key] = v` and `del obj[key]`, with slices, negative
//! indices, CPython's error messages and its list-capacity behaviour for slice assignment.

use crate::object::*;
use crate::vm::Vm;

/// A slice resolved against a length (CPython's `PySlice_AdjustIndices`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SliceIndices {
    pub start: i64,
    pub stop: i64,
    pub step: i64,
    pub len: i64,
}

impl SliceIndices {
    pub fn indices(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.len).map(move |i| (self.start + i * self.step) as usize)
    }
}

impl Vm {
    /// Reads a slice bound: None, or an int-like (clamped to i64).
    fn slice_bound(&mut self, v: ObjRef) -> PyResult<Option<i64>> {
        if v == self.none {
            return Ok(None);
        }
        if let Kind::BigInt(b) = self.kind(v) {
            return Ok(Some(if b.sign() == num_bigint::Sign::Minus {
                i64::MIN / 2
            } else {
                i64::MAX / 2
            }));
        }
        match self.index_value(v) {
            Ok(i) => Ok(Some(i)),
            Err(Flow::Exc(e)) if self.exc_matches(e, self.e.type_error) => {
                self.decref(e);
                Err(self.type_error(
                    "slice indices must be integers or None or have an __index__ method",
                ))
            }
            Err(e) => Err(e),
        }
    }

    /// Resolves a slice object against a sequence length.
    pub fn slice_indices(&mut self, slice: ObjRef, len: usize) -> PyResult<SliceIndices> {
        let [start, stop, step] = match self.kind(slice) {
            Kind::Slice(s) => **s,
            _ => return Err(self.type_error("expected a slice")),
        };
        let step = self.slice_bound(step)?.unwrap_or(1);
        if step == 0 {
            return Err(self.value_error("slice step cannot be zero"));
        }
        let len = len as i64;
        let adjust = |v: Option<i64>, default: i64| -> i64 {
            match v {
                None => default,
                Some(mut x) => {
                    if x < 0 {
                        x += len;
                        if x < 0 {
                            x = if step < 0 { -1 } else { 0 };
                        }
                    } else if x >= len {
                        x = if step < 0 { len - 1 } else { len };
                    }
                    x
                }
            }
        };
        let start = adjust(self.slice_bound(start)?, if step < 0 { len - 1 } else { 0 });
        let stop = adjust(self.slice_bound(stop)?, if step < 0 { -1 } else { len });
        let n = if step < 0 {
            if stop < start {
                (start - stop - 1) / (-step) + 1
            } else {
                0
            }
        } else if start < stop {
            (stop - start - 1) / step + 1
        } else {
            0
        };
        Ok(SliceIndices {
            start,
            stop,
            step,
            len: n,
        })
    }

    /// A sequence index: negative values count from the end; None when out of range.
    fn seq_index(&mut self, key: ObjRef, len: usize, what: &str) -> PyResult<Option<usize>> {
        let i = match self.int_value(key) {
            Some(i) => i,
            None => match self.kind(key) {
                Kind::BigInt(_) => return Ok(None),
                _ => {
                    if self.type_lookup(self.class_of(key), self.n.index).is_some() {
                        self.index_value(key)?
                    } else {
                        let msg = format!(
                            "{what} indices must be integers or slices, not {}",
                            self.type_name(key)
                        );
                        return Err(self.type_error(msg));
                    }
                }
            },
        };
        let i = if i < 0 { i + len as i64 } else { i };
        Ok(if i < 0 || i >= len as i64 {
            None
        } else {
            Some(i as usize)
        })
    }

    pub(crate) fn op_binary_subscr(&mut self) -> PyResult<()> {
        let key = self.pop();
        let obj = self.pop();
        let r = self.getitem(obj, key);
        self.decref(obj);
        self.decref(key);
        let v = r?;
        self.push(v);
        Ok(())
    }

    pub(crate) fn op_store_subscr(&mut self) -> PyResult<()> {
        let key = self.pop();
        let obj = self.pop();
        let value = self.pop();
        let r = self.setitem(obj, key, value);
        self.decref_all(&[obj, key, value]);
        r
    }

    pub(crate) fn op_delete_subscr(&mut self) -> PyResult<()> {
        let key = self.pop();
        let obj = self.pop();
        let r = self.delitem(obj, key);
        self.decref(obj);
        self.decref(key);
        r
    }

    /// `obj[key]` (a new reference).
    pub fn getitem(&mut self, obj: ObjRef, key: ObjRef) -> PyResult {
        let class = self.class_of(obj);
        let is_slice = matches!(self.kind(key), Kind::Slice(_));
        let builtin = self.type_obj(class).builtin;
        match self.kind(obj) {
            Kind::List(l) if builtin || self.type_lookup(class, self.n.getitem).is_none() => {
                let len = l.items.len();
                if is_slice {
                    let s = self.slice_indices(key, len)?;
                    let items: Vec<ObjRef> = s.indices().map(|i| self.list_items(obj)[i]).collect();
                    for &i in &items {
                        self.incref(i);
                    }
                    return Ok(self.new_list(items));
                }
                return match self.seq_index(key, len, "list")? {
                    Some(i) => Ok(self.share(self.list_items(obj)[i])),
                    None => Err(self.index_error("list index out of range")),
                };
            }
            Kind::Tuple(t) if builtin => {
                let len = t.len();
                if is_slice {
                    let s = self.slice_indices(key, len)?;
                    if s.start == 0 && s.step == 1 && s.len as usize == len && class == self.t.tuple
                    {
                        return Ok(self.share(obj));
                    }
                    let items: Vec<ObjRef> =
                        s.indices().map(|i| self.tuple_items(obj)[i]).collect();
                    for &i in &items {
                        self.incref(i);
                    }
                    return Ok(self.new_tuple(items));
                }
                return match self.seq_index(key, len, "tuple")? {
                    Some(i) => Ok(self.share(self.tuple_items(obj)[i])),
                    None => Err(self.index_error("tuple index out of range")),
                };
            }
            Kind::Str(s) if builtin => {
                let chars = s.chars;
                if is_slice {
                    return self.str_slice(obj, key, chars);
                }
                if self.int_value(key).is_none()
                    && !matches!(self.kind(key), Kind::BigInt(_))
                    && self.type_lookup(self.class_of(key), self.n.index).is_none()
                {
                    let msg = format!(
                        "string indices must be integers, not '{}'",
                        self.type_name(key)
                    );
                    return Err(self.type_error(msg));
                }
                return match self.seq_index(key, chars, "string")? {
                    Some(i) => {
                        let c = self.str_char_at(obj, i);
                        Ok(self.new_str(c.encode_utf8(&mut [0; 4])))
                    }
                    None => Err(self.index_error("string index out of range")),
                };
            }
            Kind::Dict(_) => {
                if let Some(v) = self.dict_get(obj, key)? {
                    return Ok(self.share(v));
                }
                if class != self.t.dict {
                    if let Some(f) = self.type_lookup(class, self.n.getitem) {
                        if !matches!(self.kind(f), Kind::Native(_)) {
                            return self.call_dunder(f, obj, &[key]);
                        }
                    }
                    if let Some(f) = self.type_lookup(class, self.n.missing) {
                        return self.call_dunder(f, obj, &[key]);
                    }
                }
                return Err(self.new_exc_obj(self.e.key_error, &[key]));
            }
            Kind::Range(r) if builtin => {
                let r = **r;
                let len = r.len().max(0) as usize;
                if is_slice {
                    let s = self.slice_indices(key, len)?;
                    // As CPython: the slice's adjusted bounds mapped through the range.
                    let nr = RangeObj {
                        start: r.get(s.start),
                        stop: r.get(s.stop),
                        step: r.step * s.step,
                    };
                    return Ok(self.alloc(self.t.range, Kind::Range(Box::new(nr))));
                }
                return match self.seq_index(key, len, "range")? {
                    Some(i) => Ok(self.new_int(r.get(i as i64))),
                    None => Err(self.index_error("range object index out of range")),
                };
            }
            Kind::Bytes(b) if builtin => {
                let data = b.data.clone();
                if is_slice {
                    let s = self.slice_indices(key, data.len())?;
                    let out: Vec<u8> = s.indices().map(|i| data[i]).collect();
                    return Ok(self.new_bytes(&out));
                }
                return match self.seq_index(key, data.len(), "byte")? {
                    Some(i) => Ok(self.new_int(i64::from(data[i]))),
                    None => Err(self.index_error("index out of range")),
                };
            }
            Kind::ByteArray(b) if builtin => {
                let data = (**b).clone();
                if is_slice {
                    let s = self.slice_indices(key, data.len())?;
                    let out: Vec<u8> = s.indices().map(|i| data[i]).collect();
                    return Ok(self.alloc(self.t.bytearray, Kind::ByteArray(Box::new(out))));
                }
                return match self.seq_index(key, data.len(), "bytearray")? {
                    Some(i) => Ok(self.new_int(i64::from(data[i]))),
                    None => Err(self.index_error("bytearray index out of range")),
                };
            }
            Kind::Type(_) => {
                if let Some(f) = self.type_lookup(obj, self.n.class_getitem) {
                    self.incref(f);
                    let bound = self.bind_descriptor(f, ObjRef::NULL, obj);
                    self.decref(f);
                    let bound = bound?;
                    let r = self.call(bound, &[key], &[]);
                    self.decref(bound);
                    return r;
                }
                if class == self.t.type_ {
                    let msg = format!("type '{}' is not subscriptable", self.type_obj(obj).name);
                    return Err(self.type_error(msg));
                }
            }
            _ => {}
        }
        match self.type_lookup(class, self.n.getitem) {
            Some(f) => self.call_dunder(f, obj, &[key]),
            None => {
                let msg = format!("'{}' object is not subscriptable", self.type_name(obj));
                Err(self.type_error(msg))
            }
        }
    }

    /// Calls a special method found on a type with `self` first.
    pub fn call_dunder(&mut self, f: ObjRef, obj: ObjRef, args: &[ObjRef]) -> PyResult {
        let mut full = Vec::with_capacity(args.len() + 1);
        full.push(obj);
        full.extend_from_slice(args);
        self.incref(f);
        let r = self.call(f, &full, &[]);
        self.decref(f);
        r
    }

    /// The character at a code-point index.
    pub fn str_char_at(&self, s: ObjRef, i: usize) -> char {
        let Kind::Str(st) = self.kind(s) else {
            return '\0';
        };
        if st.ascii {
            st.s.as_bytes()[i] as char
        } else {
            st.s.chars().nth(i).unwrap_or('\0')
        }
    }

    fn str_slice(&mut self, obj: ObjRef, key: ObjRef, chars: usize) -> PyResult {
        let s = self.slice_indices(key, chars)?;
        if s.start == 0 && s.step == 1 && s.len as usize == chars {
            return Ok(self.share(obj));
        }
        let Kind::Str(st) = self.kind(obj) else {
            unreachable!("str_slice on a str")
        };
        let out: String = if st.ascii && s.step == 1 {
            st.s[s.start as usize..(s.start + s.len) as usize].to_string()
        } else {
            let cs: Vec<char> = st.s.chars().collect();
            s.indices().map(|i| cs[i]).collect()
        };
        Ok(self.new_string(out))
    }

    /// `obj[key] = value`.
    pub fn setitem(&mut self, obj: ObjRef, key: ObjRef, value: ObjRef) -> PyResult<()> {
        let class = self.class_of(obj);
        let builtin = self.type_obj(class).builtin;
        match self.kind(obj) {
            Kind::List(l) if builtin || self.type_lookup(class, self.n.setitem).is_none() => {
                let len = l.items.len();
                if matches!(self.kind(key), Kind::Slice(_)) {
                    return self.list_assign_slice(obj, key, value);
                }
                match self.seq_index(key, len, "list")? {
                    Some(i) => {
                        self.incref(value);
                        let old = std::mem::replace(&mut self.list_mut(obj).items[i], value);
                        self.decref(old);
                        Ok(())
                    }
                    None => Err(self.index_error("list assignment index out of range")),
                }
            }
            Kind::Dict(_)
                if builtin
                    || self
                        .type_lookup(class, self.n.setitem)
                        .is_none_or(|f| matches!(self.kind(f), Kind::Native(_))) =>
            {
                self.dict_set(obj, key, value)
            }
            Kind::ByteArray(b) if builtin => {
                let len = b.len();
                let v = self.index_value(value)?;
                if !(0..256).contains(&v) {
                    return Err(self.value_error("byte must be in range(0, 256)"));
                }
                match self.seq_index(key, len, "bytearray")? {
                    Some(i) => {
                        if let Kind::ByteArray(b) = &mut self.heap.get_mut(obj).kind {
                            b[i] = v as u8;
                        }
                        Ok(())
                    }
                    None => Err(self.index_error("bytearray index out of range")),
                }
            }
            _ => match self.type_lookup(class, self.n.setitem) {
                Some(f) => {
                    let r = self.call_dunder(f, obj, &[key, value])?;
                    self.decref(r);
                    Ok(())
                }
                None => {
                    let msg = format!(
                        "'{}' object does not support item assignment",
                        self.type_name(obj)
                    );
                    Err(self.type_error(msg))
                }
            },
        }
    }

    /// `lst[a:b:c] = iterable`, with CPython's resizing.
    fn list_assign_slice(&mut self, l: ObjRef, key: ObjRef, value: ObjRef) -> PyResult<()> {
        let items = if value == l {
            let v = self.list_items(l).to_vec();
            for &i in &v {
                self.incref(i);
            }
            v
        } else {
            if !self.is_iterable(value) {
                return Err(self.type_error("can only assign an iterable"));
            }
            self.collect_iter(value)?
        };
        let len = self.list_items(l).len();
        let s = self.slice_indices(key, len)?;
        if s.step == 1 {
            let lo = s.start as usize;
            let hi = (s.start + s.len) as usize;
            let new_len = len - (hi - lo) + items.len();
            let list = self.list_mut(l);
            let removed: Vec<ObjRef> = list.items.splice(lo..hi, items).collect();
            if new_len == 0 {
                list.allocated = 0;
            } else {
                list.resize_to_from(len, new_len);
            }
            self.decref_all(&removed);
            return Ok(());
        }
        if items.len() as i64 != s.len {
            let msg = format!(
                "attempt to assign sequence of size {} to extended slice of size {}",
                items.len(),
                s.len
            );
            self.decref_all(&items);
            return Err(self.value_error(msg));
        }
        let idx: Vec<usize> = s.indices().collect();
        for (i, v) in idx.into_iter().zip(items) {
            let old = std::mem::replace(&mut self.list_mut(l).items[i], v);
            self.decref(old);
        }
        Ok(())
    }

    /// `del obj[key]`.
    pub fn delitem(&mut self, obj: ObjRef, key: ObjRef) -> PyResult<()> {
        let class = self.class_of(obj);
        let builtin = self.type_obj(class).builtin;
        match self.kind(obj) {
            Kind::List(l) if builtin || self.type_lookup(class, self.n.delitem).is_none() => {
                let len = l.items.len();
                if matches!(self.kind(key), Kind::Slice(_)) {
                    let s = self.slice_indices(key, len)?;
                    let mut idx: Vec<usize> = s.indices().collect();
                    idx.sort_unstable();
                    let list = self.list_mut(obj);
                    let mut removed = Vec::with_capacity(idx.len());
                    for i in idx.into_iter().rev() {
                        removed.push(list.items.remove(i));
                    }
                    if list.items.is_empty() {
                        list.allocated = 0;
                    } else {
                        list.resize_to_from(len, list.items.len());
                    }
                    self.decref_all(&removed);
                    return Ok(());
                }
                match self.seq_index(key, len, "list")? {
                    Some(i) => {
                        let list = self.list_mut(obj);
                        let v = list.items.remove(i);
                        list.after_shrink();
                        self.decref(v);
                        Ok(())
                    }
                    None => Err(self.index_error("list assignment index out of range")),
                }
            }
            Kind::Dict(_)
                if builtin
                    || self
                        .type_lookup(class, self.n.delitem)
                        .is_none_or(|f| matches!(self.kind(f), Kind::Native(_))) =>
            {
                match self.dict_pop(obj, key)? {
                    Some(v) => {
                        self.decref(v);
                        Ok(())
                    }
                    None => Err(self.new_exc_obj(self.e.key_error, &[key])),
                }
            }
            _ => match self.type_lookup(class, self.n.delitem) {
                Some(f) => {
                    let r = self.call_dunder(f, obj, &[key])?;
                    self.decref(r);
                    Ok(())
                }
                None => {
                    let msg = format!(
                        "'{}' object doesn't support item deletion",
                        self.type_name(obj)
                    );
                    Err(self.type_error(msg))
                }
            },
        }
    }
}

impl ListObj {
    /// `list_resize` from `old` items to `new` items (slice assignment and deletion).
    pub fn resize_to_from(&mut self, old: usize, new: usize) {
        if let Some(cap) = crate::list::resized_capacity(self.allocated, old, new) {
            self.allocated = cap;
        }
    }
}
