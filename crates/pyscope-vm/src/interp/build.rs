//! Instructions that build containers and strings, extend them, unpack sequences, and test
//! the shapes of `match` subjects.

use crate::dict::DictObj;
use crate::object::*;
use crate::vm::Vm;

impl Vm {
    /// Pops `n` values, oldest first.
    pub(crate) fn pop_n(&mut self, n: usize) -> Vec<ObjRef> {
        let s = &mut self.frame().stack;
        let at = s.len() - n;
        s.split_off(at)
    }

    pub(super) fn op_build_tuple(&mut self, n: u32) {
        let items = self.pop_n(n as usize);
        let t = self.new_tuple(items);
        self.push(t);
    }

    pub(super) fn op_build_list(&mut self, n: u32) {
        let items = self.pop_n(n as usize);
        let l = self.new_list(items);
        self.push(l);
    }

    pub(super) fn op_build_set(&mut self, n: u32) -> PyResult<()> {
        let items = self.pop_n(n as usize);
        let s = self.new_set();
        let mut r = Ok(());
        for &it in &items {
            if r.is_ok() {
                r = self.set_add(s, it).map(|_| ());
            }
        }
        self.decref_all(&items);
        match r {
            Ok(()) => {
                self.push(s);
                Ok(())
            }
            Err(e) => {
                self.decref(s);
                Err(e)
            }
        }
    }

    pub(super) fn op_build_map(&mut self, n: u32) -> PyResult<()> {
        let items = self.pop_n(2 * n as usize);
        let unicode = items.iter().step_by(2).all(|k| self.is_exact_str(*k));
        let d = self.new_dict_presized(n as usize, unicode);
        let r = self.fill_dict(d, items.chunks(2).map(|kv| (kv[0], kv[1])).collect());
        self.decref_all(&items);
        self.finish_built(d, r)
    }

    pub(super) fn op_build_const_key_map(&mut self, n: u32) -> PyResult<()> {
        let keys = self.pop();
        let values = self.pop_n(n as usize);
        let key_items: Vec<ObjRef> = self.tuple_items(keys).to_vec();
        let unicode = key_items.iter().all(|k| self.is_exact_str(*k));
        let d = self.new_dict_presized(n as usize, unicode);
        let r = self.fill_dict(
            d,
            key_items.into_iter().zip(values.iter().copied()).collect(),
        );
        self.decref_all(&values);
        self.decref(keys);
        self.finish_built(d, r)
    }

    fn fill_dict(&mut self, d: ObjRef, pairs: Vec<(ObjRef, ObjRef)>) -> PyResult<()> {
        for (k, v) in pairs {
            self.dict_set(d, k, v)?;
        }
        Ok(())
    }

    fn finish_built(&mut self, obj: ObjRef, r: PyResult<()>) -> PyResult<()> {
        match r {
            Ok(()) => {
                self.push(obj);
                Ok(())
            }
            Err(e) => {
                self.decref(obj);
                Err(e)
            }
        }
    }

    pub(super) fn op_build_string(&mut self, n: u32) {
        let parts = self.pop_n(n as usize);
        let mut s = String::new();
        for p in &parts {
            s.push_str(self.str_of(*p));
        }
        self.decref_all(&parts);
        let r = self.new_string(s);
        self.push(r);
    }

    pub(super) fn op_build_slice(&mut self, n: u32) {
        let step = if n == 3 { self.pop() } else { self.none() };
        let stop = self.pop();
        let start = self.pop();
        let s = self.alloc(self.t.slice, Kind::Slice(Box::new([start, stop, step])));
        self.push(s);
    }

    pub(super) fn op_list_append(&mut self, depth: u32) {
        let v = self.pop();
        let l = self.peek(depth as usize - 1);
        self.list_append(l, v);
    }

    pub(super) fn op_set_add(&mut self, depth: u32) -> PyResult<()> {
        let v = self.pop();
        let s = self.peek(depth as usize - 1);
        let r = self.set_add(s, v);
        self.decref(v);
        r.map(|_| ())
    }

    pub(super) fn op_map_add(&mut self, depth: u32) -> PyResult<()> {
        let v = self.pop();
        let k = self.pop();
        let d = self.peek(depth as usize - 1);
        let r = self.dict_set(d, k, v);
        self.decref(k);
        self.decref(v);
        r
    }

    pub(super) fn op_list_extend(&mut self, depth: u32) -> PyResult<()> {
        let it = self.pop();
        let l = self.peek(depth as usize - 1);
        let r = self.list_extend(l, it);
        if let Err(Flow::Exc(e)) = &r {
            if self.exc_matches(*e, self.e.type_error) && !self.is_iterable(it) {
                let e = *e;
                self.decref(e);
                let msg = format!(
                    "Value after * must be an iterable, not {}",
                    self.type_name(it)
                );
                self.decref(it);
                return Err(self.type_error(msg));
            }
        }
        self.decref(it);
        r
    }

    pub(super) fn op_set_update(&mut self, depth: u32) -> PyResult<()> {
        let it = self.pop();
        let s = self.peek(depth as usize - 1);
        let r = self.set_update(s, it);
        self.decref(it);
        r
    }

    /// `DICT_UPDATE` (`{**m}`) and `DICT_MERGE` (`f(**m)`, which rejects duplicate keys).
    pub(super) fn op_dict_update(&mut self, depth: u32, merge: bool) -> PyResult<()> {
        let m = self.pop();
        let d = self.peek(depth as usize - 1);
        let r = if matches!(self.kind(m), Kind::Dict(_)) {
            self.dict_merge(d, m, if merge { 2 } else { 1 })
        } else if self.has_attr_name(m, "keys") {
            self.update_from_mapping(d, m, merge)
        } else if merge {
            let func = self.peek(depth as usize + 1);
            let fname = self.callable_name(func);
            let msg = format!(
                "{fname} argument after ** must be a mapping, not {}",
                self.type_name(m)
            );
            Err(self.type_error(msg))
        } else {
            let msg = format!("'{}' object is not a mapping", self.type_name(m));
            Err(self.type_error(msg))
        };
        let r = match r {
            Err(Flow::Exc(e))
                if merge
                    && self.exc_matches(e, self.e.key_error)
                    && self.class_of(e) == self.e.key_error =>
            {
                let key = self
                    .tuple_items(self.exc_obj(e).args)
                    .first()
                    .copied()
                    .unwrap_or(ObjRef::NULL);
                let func = self.peek(depth as usize + 1);
                let fname = self.callable_name(func);
                let kname = self.str_of(key).to_string();
                self.decref(e);
                Err(self.type_error(format!(
                    "{fname} got multiple values for keyword argument '{kname}'"
                )))
            }
            other => other,
        };
        self.decref(m);
        r
    }

    fn update_from_mapping(&mut self, d: ObjRef, m: ObjRef, merge: bool) -> PyResult<()> {
        let keys = self.call_method_by_name(m, "keys", &[])?;
        let items = self.collect_iter(keys);
        self.decref(keys);
        let items = items?;
        let mut r = Ok(());
        for &k in &items {
            if r.is_err() {
                break;
            }
            if merge && self.dict_get(d, k)?.is_some() {
                r = Err(self.new_exc_obj(self.e.key_error, &[k]));
                break;
            }
            r = self.getitem(m, k).and_then(|v| {
                let x = self.dict_set(d, k, v);
                self.decref(v);
                x
            });
        }
        self.decref_all(&items);
        r
    }

    pub(super) fn op_list_to_tuple(&mut self) {
        let l = self.pop();
        let items = self.list_items(l).to_vec();
        for &i in &items {
            self.incref(i);
        }
        self.decref(l);
        let t = self.new_tuple(items);
        self.push(t);
    }

    /// The items of a sequence to unpack (new references).
    fn unpack_items(&mut self, seq: ObjRef) -> PyResult<Vec<ObjRef>> {
        let fast = match self.kind(seq) {
            Kind::Tuple(items) => Some(items.to_vec()),
            Kind::List(l) => Some(l.items.clone()),
            _ => None,
        };
        if let Some(items) = fast {
            for &i in &items {
                self.incref(i);
            }
            return Ok(items);
        }
        if !self.is_iterable(seq) {
            let msg = format!("cannot unpack non-iterable {} object", self.type_name(seq));
            return Err(self.type_error(msg));
        }
        self.collect_iter(seq)
    }

    pub(super) fn op_unpack_sequence(&mut self, n: u32) -> PyResult<()> {
        let seq = self.pop();
        let r = self.unpack_items(seq);
        self.decref(seq);
        let items = r?;
        let n = n as usize;
        if items.len() != n {
            self.decref_all(&items);
            let msg = if items.len() < n {
                format!(
                    "not enough values to unpack (expected {n}, got {})",
                    items.len()
                )
            } else {
                format!("too many values to unpack (expected {n})")
            };
            return Err(self.value_error(msg));
        }
        for v in items.into_iter().rev() {
            self.push(v);
        }
        Ok(())
    }

    pub(super) fn op_unpack_ex(&mut self, arg: u32) -> PyResult<()> {
        let before = (arg & 0xff) as usize;
        let after = (arg >> 8) as usize;
        let seq = self.pop();
        let r = self.unpack_items(seq);
        self.decref(seq);
        let mut items = r?;
        if items.len() < before + after {
            self.decref_all(&items);
            let msg = format!(
                "not enough values to unpack (expected at least {}, got {})",
                before + after,
                items.len()
            );
            return Err(self.value_error(msg));
        }
        let tail = items.split_off(items.len() - after);
        let middle = items.split_off(before);
        for v in tail.into_iter().rev() {
            self.push(v);
        }
        let l = self.new_list(middle);
        self.push(l);
        for v in items.into_iter().rev() {
            self.push(v);
        }
        Ok(())
    }

    pub(super) fn op_format_value(&mut self, flags: u32) -> PyResult<()> {
        let spec = if flags & 4 != 0 {
            self.pop()
        } else {
            ObjRef::NULL
        };
        let value = self.pop();
        let converted = match flags & 3 {
            1 => self.to_str(value),
            2 => self.repr(value),
            3 => self.ascii(value),
            _ => Ok(self.share(value)),
        };
        self.decref(value);
        let converted = match converted {
            Ok(c) => c,
            Err(e) => {
                self.decref(spec);
                return Err(e);
            }
        };
        let r = if spec.is_null() && self.class_of(converted) == self.t.str {
            Ok(self.share(converted))
        } else {
            let spec_obj = if spec.is_null() {
                self.share(self.empty_str)
            } else {
                self.share(spec)
            };
            let r = self.format(converted, spec_obj);
            self.decref(spec_obj);
            r
        };
        self.decref(converted);
        self.decref(spec);
        let s = r?;
        self.push(s);
        Ok(())
    }

    pub(super) fn op_get_len(&mut self) -> PyResult<()> {
        let n = self.len_of(self.top())?;
        let v = self.new_int(n as i64);
        self.push(v);
        Ok(())
    }

    /// Whether the subject is a mapping (`MATCH_MAPPING`) or a sequence (`MATCH_SEQUENCE`).
    pub(super) fn op_match_kind(&mut self, mapping: bool) {
        let subject = self.top();
        let class = self.class_of(subject);
        let r = if mapping {
            self.is_subtype(class, self.t.dict) || self.class_has_abc(class, "Mapping")
        } else {
            let excluded = [self.t.str, self.t.bytes, self.t.bytearray];
            !excluded.iter().any(|t| self.is_subtype(class, *t))
                && (self.is_subtype(class, self.t.list)
                    || self.is_subtype(class, self.t.tuple)
                    || self.is_subtype(class, self.t.range)
                    || self.class_has_abc(class, "Sequence")
                    || self.type_obj(class).name == "deque")
        };
        let b = self.bool_obj(r);
        self.push(b);
    }

    /// Whether a class derives from the `collections.abc` class of that name.
    pub(crate) fn class_has_abc(&self, class: ObjRef, name: &str) -> bool {
        self.type_obj(class).mro.iter().any(|c| {
            let t = self.type_obj(*c);
            t.name == name && t.module.starts_with("collections")
        })
    }

    pub(super) fn op_match_keys(&mut self) -> PyResult<()> {
        let keys = self.top();
        let subject = self.peek(1);
        let key_items: Vec<ObjRef> = self.tuple_items(keys).to_vec();
        let mut values = Vec::new();
        for k in key_items {
            let v = if matches!(self.kind(subject), Kind::Dict(_))
                && self.class_of(subject) == self.t.dict
            {
                self.dict_get(subject, k)?.map(|v| self.share(v))
            } else {
                let marker = self.new_list(Vec::new());
                let got = self.call_method_by_name(subject, "get", &[k, marker]);
                let got = match got {
                    Ok(g) => g,
                    Err(e) => {
                        self.decref(marker);
                        self.decref_all(&values);
                        return Err(e);
                    }
                };
                let missing = got == marker;
                self.decref(marker);
                if missing {
                    self.decref(got);
                    None
                } else {
                    Some(got)
                }
            };
            match v {
                Some(v) => values.push(v),
                None => {
                    self.decref_all(&values);
                    let none = self.none();
                    self.push(none);
                    return Ok(());
                }
            }
        }
        let t = self.new_tuple(values);
        self.push(t);
        Ok(())
    }

    pub(super) fn op_match_class(&mut self, count: u32) -> PyResult<()> {
        let names = self.pop();
        let cls = self.pop();
        let subject = self.pop();
        let r = self.match_class(subject, cls, names, count as usize);
        self.decref(names);
        self.decref(cls);
        self.decref(subject);
        let v = match r? {
            Some(attrs) => self.new_tuple(attrs),
            None => self.none(),
        };
        self.push(v);
        Ok(())
    }

    fn match_class(
        &mut self,
        subject: ObjRef,
        cls: ObjRef,
        names: ObjRef,
        count: usize,
    ) -> PyResult<Option<Vec<ObjRef>>> {
        if !self.is_type(cls) {
            return Err(self.type_error("called match pattern must be a type"));
        }
        if !self.isinstance(subject, cls)? {
            return Ok(None);
        }
        let mut attr_names: Vec<ObjRef> = Vec::new();
        let mut whole_subject = false;
        if count > 0 {
            let match_args = self.type_lookup(cls, self.n.match_args);
            match match_args {
                Some(ma) => {
                    if !matches!(self.kind(ma), Kind::Tuple(_)) {
                        let msg = format!(
                            "{}.__match_args__ must be a tuple (got {})",
                            self.type_obj(cls).name,
                            self.type_name(ma)
                        );
                        return Err(self.type_error(msg));
                    }
                    let items = self.tuple_items(ma).to_vec();
                    if count > items.len() {
                        let msg = format!(
                            "{}() accepts {} positional sub-pattern{} ({} given)",
                            self.type_obj(cls).name,
                            items.len(),
                            if items.len() == 1 { "" } else { "s" },
                            count
                        );
                        return Err(self.type_error(msg));
                    }
                    attr_names.extend_from_slice(&items[..count]);
                }
                None if self.matches_self(cls) => {
                    if count > 1 {
                        let msg = format!(
                            "{}() accepts 1 positional sub-pattern ({} given)",
                            self.type_obj(cls).name,
                            count
                        );
                        return Err(self.type_error(msg));
                    }
                    whole_subject = true;
                }
                None => {
                    let msg = format!(
                        "{}() accepts 0 positional sub-patterns ({} given)",
                        self.type_obj(cls).name,
                        count
                    );
                    return Err(self.type_error(msg));
                }
            }
        }
        attr_names.extend(self.tuple_items(names).iter().copied());
        let mut out = Vec::new();
        if whole_subject {
            out.push(self.share(subject));
        }
        for name in &attr_names {
            match self.getattr(subject, *name) {
                Ok(v) => out.push(v),
                Err(Flow::Exc(e)) if self.exc_matches(e, self.e.attribute_error) => {
                    self.decref(e);
                    self.decref_all(&out);
                    return Ok(None);
                }
                Err(e) => {
                    self.decref_all(&out);
                    return Err(e);
                }
            }
        }
        Ok(Some(out))
    }

    /// Built-in types whose single positional sub-pattern matches the subject itself.
    fn matches_self(&self, cls: ObjRef) -> bool {
        let t = &self.t;
        [
            t.bool_,
            t.bytearray,
            t.bytes,
            t.dict,
            t.float,
            t.frozenset,
            t.int,
            t.list,
            t.set,
            t.str,
            t.tuple,
        ]
        .iter()
        .any(|b| self.type_obj(cls).mro.contains(b))
    }

    /// A dict with `n` items from key/value pairs (borrowed), built like a display.
    pub fn dict_from_pairs(&mut self, pairs: &[(ObjRef, ObjRef)]) -> PyResult {
        let unicode = pairs.iter().all(|(k, _)| self.is_exact_str(*k));
        let d = self.alloc(
            self.t.dict,
            Kind::Dict(Box::new(DictObj::presized(pairs.len(), unicode))),
        );
        for &(k, v) in pairs {
            if let Err(e) = self.dict_set(d, k, v) {
                self.decref(d);
                return Err(e);
            }
        }
        Ok(d)
    }
}
