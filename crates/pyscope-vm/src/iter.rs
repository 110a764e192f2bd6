//! The iteration protocol: `iter()`, `next()`, the built-in iterator objects, and consuming
//! an iterable (`list(x)`, `extend`, unpacking) with CPython's length hints.

use crate::interp::GenStep;
use crate::object::*;
use crate::vm::Vm;

impl Vm {
    /// Whether the class's `__iter__` is the built-in one for this layout.
    fn builtin_iter(&self, obj: ObjRef) -> bool {
        let class = self.class_of(obj);
        self.type_obj(class).builtin
            || self
                .type_lookup(class, self.n.iter)
                .is_some_and(|f| matches!(self.kind(f), Kind::Native(_)))
    }

    /// Whether `iter(obj)` would succeed.
    pub fn is_iterable(&self, obj: ObjRef) -> bool {
        let class = self.class_of(obj);
        matches!(
            self.kind(obj),
            Kind::List(_)
                | Kind::Tuple(_)
                | Kind::Str(_)
                | Kind::Bytes(_)
                | Kind::ByteArray(_)
                | Kind::Range(_)
                | Kind::Dict(_)
                | Kind::Set(_)
                | Kind::DictView(..)
                | Kind::Iter(_)
                | Kind::Generator(_)
        ) || self.type_lookup(class, self.n.iter).is_some()
            || self.type_lookup(class, self.n.getitem).is_some()
    }

    fn new_iter(&mut self, class: ObjRef, state: IterObj, seq: ObjRef) -> ObjRef {
        self.incref(seq);
        self.alloc(class, Kind::Iter(Box::new(state)))
    }

    /// `iter(obj)`.
    pub fn iter(&mut self, obj: ObjRef) -> PyResult {
        if self.builtin_iter(obj) {
            let it = match self.kind(obj) {
                Kind::List(_) => Some((self.t.list_iterator, IterObj::Seq { seq: obj, index: 0 })),
                Kind::Tuple(_) => {
                    Some((self.t.tuple_iterator, IterObj::Seq { seq: obj, index: 0 }))
                }
                Kind::Bytes(_) | Kind::ByteArray(_) => {
                    Some((self.t.bytes_iterator, IterObj::Seq { seq: obj, index: 0 }))
                }
                Kind::Str(s) => Some(if s.ascii {
                    (
                        self.t.str_ascii_iterator,
                        IterObj::Seq { seq: obj, index: 0 },
                    )
                } else {
                    (
                        self.t.str_iterator,
                        IterObj::StrChars {
                            s: obj,
                            byte_pos: 0,
                            index: 0,
                        },
                    )
                }),
                Kind::Dict(d) => Some((
                    self.t.dict_keyiterator,
                    IterObj::Dict {
                        dict: obj,
                        pos: 0,
                        kind: DictViewKind::Keys,
                        used: d.used,
                        seen: 0,
                    },
                )),
                Kind::DictView(d, k) => {
                    let (d, k) = (*d, *k);
                    let used = self.dict_obj(d).used;
                    let class = match k {
                        DictViewKind::Keys => self.t.dict_keyiterator,
                        DictViewKind::Values => self.t.dict_valueiterator,
                        DictViewKind::Items => self.t.dict_itemiterator,
                    };
                    return Ok(self.new_iter(
                        class,
                        IterObj::Dict {
                            dict: d,
                            pos: 0,
                            kind: k,
                            used,
                            seen: 0,
                        },
                        d,
                    ));
                }
                Kind::Set(s) => Some((
                    self.t.set_iterator,
                    IterObj::Set {
                        set: obj,
                        pos: 0,
                        used: s.used,
                        seen: 0,
                    },
                )),
                Kind::Range(r) => {
                    let r = **r;
                    let it = IterObj::Range {
                        next: r.start,
                        step: r.step,
                        remaining: r.len(),
                    };
                    return Ok(self.alloc(self.t.range_iterator, Kind::Iter(Box::new(it))));
                }
                Kind::Iter(_) | Kind::Generator(_) => return Ok(self.share(obj)),
                _ => None,
            };
            if let Some((class, state)) = it {
                return Ok(self.new_iter(class, state, obj));
            }
        }
        let class = self.class_of(obj);
        if let Some(f) = self.type_lookup(class, self.n.iter) {
            if f == self.none {
                return Err(
                    self.type_error(format!("'{}' object is not iterable", self.type_name(obj)))
                );
            }
            let it = self.call_dunder(f, obj, &[])?;
            let ic = self.class_of(it);
            if self.type_lookup(ic, self.n.next).is_none()
                && !matches!(self.kind(it), Kind::Iter(_) | Kind::Generator(_))
            {
                let msg = format!(
                    "iter() returned non-iterator of type '{}'",
                    self.type_name(it)
                );
                self.decref(it);
                return Err(self.type_error(msg));
            }
            return Ok(it);
        }
        if self.type_lookup(class, self.n.getitem).is_some() {
            return Ok(self.new_iter(self.t.seq_iterator, IterObj::GetItem { obj, index: 0 }, obj));
        }
        Err(self.type_error(format!("'{}' object is not iterable", self.type_name(obj))))
    }

    /// Takes the value of the last `StopIteration` seen by `next()` (a new reference).
    pub(crate) fn last_stop_value(&mut self) -> ObjRef {
        let v = std::mem::replace(&mut self.stop_value, ObjRef::NULL);
        if v.is_null() { self.none() } else { v }
    }

    fn set_stop_value(&mut self, v: ObjRef) {
        let old = std::mem::replace(&mut self.stop_value, v);
        self.decref(old);
    }

    /// `next(it)`: `Ok(None)` when the iterator is exhausted.
    pub fn next(&mut self, it: ObjRef) -> PyResult<Option<ObjRef>> {
        match self.kind(it) {
            Kind::Iter(_) => self.next_builtin(it),
            Kind::Generator(g) if g.kind != GenKind::AsyncGenerator => {
                match self.gen_resume(it, self.none, None)? {
                    GenStep::Yielded(v) => Ok(Some(v)),
                    GenStep::Returned(v) => {
                        self.set_stop_value(v);
                        Ok(None)
                    }
                }
            }
            _ => {
                let class = self.class_of(it);
                let Some(f) = self.type_lookup(class, self.n.next) else {
                    return Err(self.type_error(format!(
                        "'{}' object is not an iterator",
                        self.type_name(it)
                    )));
                };
                match self.call_dunder(f, it, &[]) {
                    Ok(v) => Ok(Some(v)),
                    Err(Flow::Exc(e)) if self.exc_matches(e, self.e.stop_iteration) => {
                        let v = self.stop_iteration_value(e);
                        self.decref(e);
                        self.set_stop_value(v);
                        Ok(None)
                    }
                    Err(e) => Err(e),
                }
            }
        }
    }

    fn iter_state(&mut self, it: ObjRef) -> &mut IterObj {
        match &mut self.heap.get_mut(it).kind {
            Kind::Iter(s) => s,
            _ => unreachable!("iter_state on an iterator"),
        }
    }

    /// Marks an iterator exhausted, dropping its reference to the sequence.
    fn exhaust(&mut self, it: ObjRef) {
        let old = std::mem::replace(self.iter_state(it), IterObj::Exhausted);
        let mut refs = Vec::new();
        Kind::Iter(Box::new(old)).children(&mut refs);
        self.decref_all(&refs);
    }

    fn next_builtin(&mut self, it: ObjRef) -> PyResult<Option<ObjRef>> {
        let state = match self.kind(it) {
            Kind::Iter(s) => (**s).clone(),
            _ => unreachable!("next_builtin on an iterator"),
        };
        match state {
            IterObj::Seq { seq, index } => {
                let v = match self.kind(seq) {
                    Kind::List(l) => l.items.get(index).map(|v| (*v, false)),
                    Kind::Tuple(t) => t.get(index).map(|v| (*v, false)),
                    Kind::Str(s) => {
                        s.s.as_bytes()
                            .get(index)
                            .map(|b| (ObjRef(u32::from(*b)), true))
                    }
                    Kind::Bytes(b) => b.data.get(index).map(|b| (ObjRef(u32::from(*b)), true)),
                    Kind::ByteArray(b) => b.get(index).map(|b| (ObjRef(u32::from(*b)), true)),
                    _ => None,
                };
                let Some((v, is_byte)) = v else {
                    self.exhaust(it);
                    return Ok(None);
                };
                if let IterObj::Seq { index, .. } = self.iter_state(it) {
                    *index += 1;
                }
                if is_byte {
                    let b = v.0 as u8;
                    if matches!(self.kind(seq), Kind::Str(_)) {
                        return Ok(Some(self.new_str(&char::from(b).to_string())));
                    }
                    return Ok(Some(self.new_int(i64::from(b))));
                }
                Ok(Some(self.share(v)))
            }
            IterObj::StrChars { s, byte_pos, index } => {
                let Kind::Str(st) = self.kind(s) else {
                    return Ok(None);
                };
                let Some(c) = st.s[byte_pos..].chars().next() else {
                    self.exhaust(it);
                    return Ok(None);
                };
                if let IterObj::StrChars {
                    byte_pos,
                    index: ix,
                    ..
                } = self.iter_state(it)
                {
                    *byte_pos += c.len_utf8();
                    *ix = index + 1;
                }
                Ok(Some(self.new_str(c.encode_utf8(&mut [0; 4]))))
            }
            IterObj::Range {
                next,
                step,
                remaining,
            } => {
                if remaining <= 0 {
                    return Ok(None);
                }
                if let IterObj::Range {
                    next: n,
                    remaining: r,
                    ..
                } = self.iter_state(it)
                {
                    *n = next.wrapping_add(step);
                    *r = remaining - 1;
                }
                Ok(Some(self.new_int(next)))
            }
            IterObj::Dict {
                dict,
                pos,
                kind,
                used,
                seen,
            } => self.next_dict(it, dict, pos, kind, used, seen),
            IterObj::Set {
                set,
                pos,
                used,
                seen,
            } => {
                let s = self.set_obj(set);
                if s.used != used {
                    if let IterObj::Set { used: u, .. } = self.iter_state(it) {
                        *u = usize::MAX;
                    }
                    return Err(self.runtime_error("Set changed size during iteration"));
                }
                let found = s
                    .table
                    .iter()
                    .enumerate()
                    .skip(pos)
                    .find(|(_, e)| e.is_active())
                    .map(|(i, e)| (i, e.key));
                match found {
                    Some((i, k)) => {
                        if let IterObj::Set { pos, seen: sn, .. } = self.iter_state(it) {
                            *pos = i + 1;
                            *sn = seen + 1;
                        }
                        Ok(Some(self.share(k)))
                    }
                    None => {
                        self.exhaust(it);
                        Ok(None)
                    }
                }
            }
            IterObj::Reversed { seq, index } => {
                if index < 0 {
                    self.exhaust(it);
                    return Ok(None);
                }
                let len = self.len_of(seq)? as isize;
                if index >= len {
                    self.exhaust(it);
                    return Ok(None);
                }
                if let IterObj::Reversed { index: ix, .. } = self.iter_state(it) {
                    *ix = index - 1;
                }
                let key = self.new_int(index as i64);
                let r = self.getitem(seq, key);
                self.decref(key);
                r.map(Some)
            }
            IterObj::Enumerate { it: inner, count } => match self.next(inner)? {
                Some(v) => {
                    if let IterObj::Enumerate { count: c, .. } = self.iter_state(it) {
                        *c = count + 1;
                    }
                    let i = self.new_int(count);
                    Ok(Some(self.new_tuple(vec![i, v])))
                }
                None => Ok(None),
            },
            IterObj::Zip { its, strict } => self.next_zip(&its, strict),
            IterObj::Map { func, its } => {
                let mut args = Vec::with_capacity(its.len());
                for &i in &its {
                    match self.next(i) {
                        Ok(Some(v)) => args.push(v),
                        Ok(None) => {
                            self.decref_all(&args);
                            return Ok(None);
                        }
                        Err(e) => {
                            self.decref_all(&args);
                            return Err(e);
                        }
                    }
                }
                let r = self.call(func, &args, &[]);
                self.decref_all(&args);
                r.map(Some)
            }
            IterObj::Filter {
                func,
                it: inner,
                negate,
            } => loop {
                let Some(v) = self.next(inner)? else {
                    return Ok(None);
                };
                let keep = if func == self.none || func.is_null() {
                    self.truthy(v)
                } else {
                    self.call(func, &[v], &[]).and_then(|r| {
                        let t = self.truthy(r);
                        self.decref(r);
                        t
                    })
                };
                match keep {
                    Ok(k) if k != negate => return Ok(Some(v)),
                    Ok(_) => self.decref(v),
                    Err(e) => {
                        self.decref(v);
                        return Err(e);
                    }
                }
            },
            IterObj::CallIter { func, sentinel } => {
                let v = self.call(func, &[], &[])?;
                if self.eq(v, sentinel)? {
                    self.decref(v);
                    self.exhaust(it);
                    return Ok(None);
                }
                Ok(Some(v))
            }
            IterObj::GetItem { obj, index } => {
                let key = self.new_int(index);
                let r = self.getitem(obj, key);
                self.decref(key);
                match r {
                    Ok(v) => {
                        if let IterObj::GetItem { index: ix, .. } = self.iter_state(it) {
                            *ix = index + 1;
                        }
                        Ok(Some(v))
                    }
                    Err(Flow::Exc(e))
                        if self.exc_matches(e, self.e.index_error)
                            || self.exc_matches(e, self.e.stop_iteration) =>
                    {
                        self.decref(e);
                        self.exhaust(it);
                        Ok(None)
                    }
                    Err(e) => Err(e),
                }
            }
            IterObj::Exhausted => Ok(None),
        }
    }

    fn next_dict(
        &mut self,
        it: ObjRef,
        dict: ObjRef,
        pos: usize,
        kind: DictViewKind,
        used: usize,
        seen: usize,
    ) -> PyResult<Option<ObjRef>> {
        let d = self.dict_obj(dict);
        if d.used != used {
            if let IterObj::Dict { used: u, .. } = self.iter_state(it) {
                *u = usize::MAX;
            }
            return Err(self.runtime_error("dictionary changed size during iteration"));
        }
        let found = d
            .entries
            .iter()
            .enumerate()
            .skip(pos)
            .find(|(_, e)| !e.key.is_null())
            .map(|(i, e)| (i, *e));
        let Some((i, e)) = found else {
            if seen != used {
                return Err(self.runtime_error("dictionary keys changed during iteration"));
            }
            self.exhaust(it);
            return Ok(None);
        };
        if let IterObj::Dict { pos, seen: s, .. } = self.iter_state(it) {
            *pos = i + 1;
            *s = seen + 1;
        }
        Ok(Some(match kind {
            DictViewKind::Keys => self.share(e.key),
            DictViewKind::Values => self.share(e.value),
            DictViewKind::Items => {
                let k = self.share(e.key);
                let v = self.share(e.value);
                self.new_tuple(vec![k, v])
            }
        }))
    }

    fn next_zip(&mut self, its: &[ObjRef], strict: bool) -> PyResult<Option<ObjRef>> {
        let mut items = Vec::with_capacity(its.len());
        for (k, &i) in its.iter().enumerate() {
            match self.next(i) {
                Ok(Some(v)) => items.push(v),
                Ok(None) => {
                    self.decref_all(&items);
                    if strict {
                        if k > 0 {
                            let s = if k == 1 { " " } else { "s 1-" };
                            return Err(self.value_error(format!(
                                "zip() argument {} is shorter than argument{s}{k}",
                                k + 1
                            )));
                        }
                        for (j, &other) in its.iter().enumerate().skip(1) {
                            if let Some(v) = self.next(other)? {
                                self.decref(v);
                                let s = if j == 1 { " " } else { "s 1-" };
                                return Err(self.value_error(format!(
                                    "zip() argument {} is longer than argument{s}{j}",
                                    j + 1
                                )));
                            }
                        }
                    }
                    return Ok(None);
                }
                Err(e) => {
                    self.decref_all(&items);
                    return Err(e);
                }
            }
        }
        Ok(Some(self.new_tuple(items)))
    }

    /// Iterates `obj` to exhaustion, collecting new references.
    pub fn collect_iter(&mut self, obj: ObjRef) -> PyResult<Vec<ObjRef>> {
        let fast = match self.kind(obj) {
            Kind::List(l) if self.builtin_iter(obj) => Some(l.items.clone()),
            Kind::Tuple(t) if self.builtin_iter(obj) => Some(t.to_vec()),
            _ => None,
        };
        if let Some(items) = fast {
            for &i in &items {
                self.incref(i);
            }
            return Ok(items);
        }
        let it = self.iter(obj)?;
        let mut out = Vec::new();
        loop {
            match self.next(it) {
                Ok(Some(v)) => out.push(v),
                Ok(None) => break,
                Err(e) => {
                    self.decref(it);
                    self.decref_all(&out);
                    return Err(e);
                }
            }
        }
        self.decref(it);
        Ok(out)
    }

    /// CPython's length hint: the length if known, else `__length_hint__`, else `default`.
    pub fn length_hint(&mut self, obj: ObjRef, default: usize) -> PyResult<usize> {
        match self.kind(obj) {
            Kind::List(_)
            | Kind::Tuple(_)
            | Kind::Str(_)
            | Kind::Dict(_)
            | Kind::Set(_)
            | Kind::Range(_)
            | Kind::Bytes(_) => {
                return self.len_of(obj);
            }
            Kind::Iter(s) => {
                return Ok(match &**s {
                    IterObj::Seq { seq, index } => {
                        let (seq, index) = (*seq, *index);
                        self.len_of(seq)?.saturating_sub(index)
                    }
                    IterObj::Range { remaining, .. } => (*remaining).max(0) as usize,
                    IterObj::Dict { used, seen, .. } | IterObj::Set { used, seen, .. } => {
                        used.saturating_sub(*seen)
                    }
                    IterObj::Reversed { index, .. } => (*index + 1).max(0) as usize,
                    IterObj::Exhausted => 0,
                    _ => default,
                });
            }
            _ => {}
        }
        let class = self.class_of(obj);
        if self.type_lookup(class, self.n.len).is_some() {
            return self.len_of(obj);
        }
        if let Some(f) = self.type_lookup(class, self.n.length_hint) {
            let r = self.call_dunder(f, obj, &[])?;
            if r == self.not_implemented {
                self.decref(r);
                return Ok(default);
            }
            let n = self.index_value(r);
            self.decref(r);
            return Ok(n?.max(0) as usize);
        }
        Ok(default)
    }

    /// `list.extend(iterable)` with CPython's allocation behaviour.
    pub fn list_extend(&mut self, l: ObjRef, iterable: ObjRef) -> PyResult<()> {
        let fast = match self.kind(iterable) {
            Kind::List(x) if self.class_of(iterable) == self.t.list => Some(x.items.clone()),
            Kind::Tuple(t) if self.class_of(iterable) == self.t.tuple => Some(t.to_vec()),
            _ => None,
        };
        if let Some(items) = fast {
            for &i in &items {
                self.incref(i);
            }
            let list = self.list_mut(l);
            list.reserve_for_extend(items.len());
            list.items.extend(items);
            return Ok(());
        }
        if !self.is_iterable(iterable) {
            return Err(self.type_error(format!(
                "'{}' object is not iterable",
                self.type_name(iterable)
            )));
        }
        let it = self.iter(iterable)?;
        let hint = match self.length_hint(iterable, 8) {
            Ok(h) => h,
            Err(e) => {
                self.decref(it);
                return Err(e);
            }
        };
        {
            let list = self.list_mut(l);
            let m = list.items.len();
            if list.allocated == 0 {
                if hint > 0 {
                    list.preallocate_exact(hint);
                }
            } else {
                list.resize_to(m + hint);
            }
        }
        loop {
            match self.next(it) {
                Ok(Some(v)) => {
                    let list = self.list_mut(l);
                    if list.items.len() < list.allocated {
                        list.items.push(v);
                    } else {
                        list.append(v);
                    }
                }
                Ok(None) => break,
                Err(e) => {
                    self.decref(it);
                    return Err(e);
                }
            }
        }
        self.decref(it);
        let list = self.list_mut(l);
        let n = list.items.len();
        if n < list.allocated {
            list.resize_to(n);
        }
        Ok(())
    }

    /// `set.update(iterable)` (`SET_UPDATE`, `set(x)`).
    pub fn set_update(&mut self, s: ObjRef, iterable: ObjRef) -> PyResult<()> {
        match self.kind(iterable) {
            Kind::Set(_) if self.builtin_iter(iterable) => return self.set_merge(s, iterable),
            Kind::Dict(_) if self.class_of(iterable) == self.t.dict => {
                return self.set_update_from_dict(s, iterable);
            }
            _ => {}
        }
        let items = self.collect_iter(iterable)?;
        let mut r = Ok(());
        for &i in &items {
            if r.is_ok() {
                r = self.set_add(s, i).map(|_| ());
            }
        }
        self.decref_all(&items);
        r
    }
}
