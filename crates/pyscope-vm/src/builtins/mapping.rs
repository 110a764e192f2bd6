//! `dict`, its views, `set` and `frozenset`, built on the CPython-exact tables in `dict.rs`
//! and `set.rs` (so `dict(d)`, `d.copy()`, unions and `fromkeys` size tables as CPython
//! does).

use super::{C, M, S};
use crate::dict::{DictObj, estimate_log2_keysize};
use crate::object::*;
use crate::set::SetObj;
use crate::vm::Vm;

pub(super) fn install(vm: &mut Vm) {
    let dict = vm.t.dict;
    vm.register(
        dict,
        &[
            ("__new__", dict_new, S),
            ("__init__", dict_init, M),
            ("keys", keys, M),
            ("values", values, M),
            ("items", items, M),
            ("get", get, M),
            ("pop", pop, M),
            ("popitem", popitem, M),
            ("setdefault", setdefault, M),
            ("update", update, M),
            ("copy", copy, M),
            ("clear", clear, M),
            ("fromkeys", fromkeys, C),
            ("__len__", len, M),
            ("__getitem__", getitem, M),
            ("__setitem__", setitem, M),
            ("__delitem__", delitem, M),
            ("__contains__", contains, M),
            ("__iter__", iter, M),
            ("__reversed__", dict_reversed, M),
            ("__eq__", dict_eq, M),
            ("__ne__", dict_ne, M),
            ("__or__", dict_or, M),
            ("__ior__", dict_ior, M),
            ("__repr__", repr, M),
        ],
    );
    let none = vm.none();
    vm.set_type_attr(dict, "__hash__", none);
    let t = vm.t.clone();
    for view in [t.dict_keys, t.dict_items] {
        vm.register(
            view,
            &[
                ("__len__", len, M),
                ("__iter__", iter, M),
                ("__contains__", view_contains, M),
                ("__eq__", view_eq, M),
                ("__and__", view_and, M),
                ("__or__", view_or, M),
                ("__sub__", view_sub, M),
                ("__xor__", view_xor, M),
                ("__reversed__", dict_reversed, M),
                ("isdisjoint", isdisjoint, M),
            ],
        );
    }
    vm.register(
        t.dict_values,
        &[
            ("__len__", len, M),
            ("__iter__", iter, M),
            ("__reversed__", dict_reversed, M),
        ],
    );
    for (ty, frozen) in [(t.set, false), (t.frozenset, true)] {
        let mut defs: Vec<super::MethodDef> = vec![
            ("copy", set_copy, M),
            ("union", union, M),
            ("intersection", intersection, M),
            ("difference", difference, M),
            ("symmetric_difference", symmetric_difference, M),
            ("issubset", issubset, M),
            ("issuperset", issuperset, M),
            ("isdisjoint", isdisjoint, M),
            ("__len__", len, M),
            ("__contains__", contains, M),
            ("__iter__", iter, M),
            ("__or__", set_or, M),
            ("__and__", set_and, M),
            ("__sub__", set_sub, M),
            ("__xor__", set_xor, M),
            ("__eq__", set_eq, M),
            ("__ne__", set_ne, M),
            ("__le__", set_le, M),
            ("__lt__", set_lt, M),
            ("__ge__", set_ge, M),
            ("__gt__", set_gt, M),
            ("__repr__", repr, M),
        ];
        if frozen {
            defs.push(("__new__", frozenset_new, S));
            defs.push(("__hash__", frozenset_hash, M));
        } else {
            defs.extend_from_slice(&[
                ("__new__", set_new, S),
                ("__init__", set_init, M),
                ("add", add, M),
                ("remove", remove, M),
                ("discard", discard, M),
                ("pop", set_pop, M),
                ("clear", set_clear, M),
                ("update", set_update, M),
                ("intersection_update", intersection_update, M),
                ("difference_update", difference_update, M),
                (
                    "symmetric_difference_update",
                    symmetric_difference_update,
                    M,
                ),
                ("__ior__", set_ior, M),
                ("__iand__", set_iand, M),
                ("__isub__", set_isub, M),
                ("__ixor__", set_ixor, M),
            ]);
        }
        vm.register(ty, &defs);
    }
    let none = vm.none();
    vm.set_type_attr(t.set, "__hash__", none);
}

fn dict_new(vm: &mut Vm, a: &Args) -> PyResult {
    let cls = a.args[0];
    let d = vm.alloc(cls, Kind::Dict(Box::new(DictObj::new())));
    if cls != vm.t.dict && vm.type_obj(cls).has_dict {
        let ns = vm.new_dict();
        vm.heap.get_mut(d).dict = ns;
    }
    Ok(d)
}

fn dict_init(vm: &mut Vm, a: &Args) -> PyResult {
    let pos = a.positional();
    if pos.len() > 2 {
        return Err(vm.type_error(format!(
            "dict expected at most 1 argument, got {}",
            pos.len() - 1
        )));
    }
    let d = pos[0];
    if pos.len() == 2 {
        vm.dict_update_from(d, pos[1])?;
    }
    for (k, v) in a.keywords() {
        vm.dict_set(d, k, v)?;
    }
    Ok(vm.none())
}

impl Vm {
    /// `d.update(other)`: a dict, a mapping with `keys()`, or an iterable of pairs.
    pub fn dict_update_from(&mut self, d: ObjRef, other: ObjRef) -> PyResult<()> {
        if matches!(self.kind(other), Kind::Dict(_))
            && self
                .type_lookup(self.class_of(other), self.n.iter)
                .is_some_and(|f| matches!(self.kind(f), Kind::Native(_)))
        {
            return self.dict_merge(d, other, 1);
        }
        if self.has_attr_name(other, "keys") {
            let keys = self.call_method_by_name(other, "keys", &[])?;
            let ks = self.collect_iter(keys);
            self.decref(keys);
            let ks = ks?;
            let mut r = Ok(());
            for &k in &ks {
                if r.is_ok() {
                    r = self.getitem(other, k).and_then(|v| {
                        let x = self.dict_set(d, k, v);
                        self.decref(v);
                        x
                    });
                }
            }
            self.decref_all(&ks);
            return r;
        }
        let it = self.iter(other)?;
        let mut i = 0;
        loop {
            let item = match self.next(it) {
                Ok(Some(x)) => x,
                Ok(None) => break,
                Err(e) => {
                    self.decref(it);
                    return Err(e);
                }
            };
            let pair = if self.is_iterable(item) {
                self.collect_iter(item)
            } else {
                let msg =
                    format!("cannot convert dictionary update sequence element #{i} to a sequence");
                Err(self.type_error(msg))
            };
            self.decref(item);
            let pair = match pair {
                Ok(p) => p,
                Err(e) => {
                    self.decref(it);
                    return Err(e);
                }
            };
            if pair.len() != 2 {
                let msg = format!(
                    "dictionary update sequence element #{i} has length {}; 2 is required",
                    pair.len()
                );
                self.decref_all(&pair);
                self.decref(it);
                return Err(self.value_error(msg));
            }
            let r = self.dict_set(d, pair[0], pair[1]);
            self.decref_all(&pair);
            if let Err(e) = r {
                self.decref(it);
                return Err(e);
            }
            i += 1;
        }
        self.decref(it);
        Ok(())
    }
}

fn view(vm: &mut Vm, a: &Args, kind: DictViewKind) -> PyResult {
    let d = a.args[0];
    vm.incref(d);
    let class = match kind {
        DictViewKind::Keys => vm.t.dict_keys,
        DictViewKind::Values => vm.t.dict_values,
        DictViewKind::Items => vm.t.dict_items,
    };
    Ok(vm.alloc(class, Kind::DictView(d, kind)))
}

fn keys(vm: &mut Vm, a: &Args) -> PyResult {
    view(vm, a, DictViewKind::Keys)
}
fn values(vm: &mut Vm, a: &Args) -> PyResult {
    view(vm, a, DictViewKind::Values)
}
fn items(vm: &mut Vm, a: &Args) -> PyResult {
    view(vm, a, DictViewKind::Items)
}

fn get(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_method_args("get", a, 1, 2)?;
    match vm.dict_get(a.args[0], a.args[1])? {
        Some(v) => Ok(vm.share(v)),
        None => Ok(match a.args.get(2) {
            Some(&d) => vm.share(d),
            None => vm.none(),
        }),
    }
}

fn pop(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_method_args("pop", a, 1, 2)?;
    match vm.dict_pop(a.args[0], a.args[1])? {
        Some(v) => Ok(v),
        None => match a.args.get(2) {
            Some(&d) => Ok(vm.share(d)),
            None => Err(vm.new_exc_obj(vm.e.key_error, &[a.args[1]])),
        },
    }
}

fn popitem(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_method_args("popitem", a, 0, 0)?;
    match vm.dict_mut(a.args[0]).pop_last() {
        Some(e) => Ok(vm.new_tuple(vec![e.key, e.value])),
        None => Err(vm.new_exc(vm.e.key_error, "popitem(): dictionary is empty")),
    }
}

fn setdefault(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_method_args("setdefault", a, 1, 2)?;
    let d = a.args[0];
    if let Some(v) = vm.dict_get(d, a.args[1])? {
        return Ok(vm.share(v));
    }
    let default = a.args.get(2).copied().unwrap_or(vm.none);
    vm.dict_set(d, a.args[1], default)?;
    Ok(vm.share(default))
}

fn update(vm: &mut Vm, a: &Args) -> PyResult {
    let pos = a.positional();
    if pos.len() > 2 {
        return Err(vm.type_error(format!(
            "update expected at most 1 argument, got {}",
            pos.len() - 1
        )));
    }
    if pos.len() == 2 {
        vm.dict_update_from(pos[0], pos[1])?;
    }
    for (k, v) in a.keywords() {
        vm.dict_set(pos[0], k, v)?;
    }
    Ok(vm.none())
}

fn copy(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_method_args("copy", a, 0, 0)?;
    vm.dict_copy(a.args[0])
}

fn clear(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_method_args("clear", a, 0, 0)?;
    vm.dict_clear(a.args[0]);
    Ok(vm.none())
}

fn fromkeys(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_method_args("fromkeys", a, 1, 2)?;
    let (cls, iterable) = (a.args[0], a.args[1]);
    let value = a.args.get(2).copied().unwrap_or(vm.none);
    let d = vm.call(cls, &[], &[])?;
    let presize = match vm.kind(iterable) {
        Kind::Dict(x) if vm.class_of(d) == vm.t.dict => Some(x.used),
        Kind::Set(x) if vm.class_of(d) == vm.t.dict => Some(x.used),
        _ => None,
    };
    if let Some(n) = presize {
        let dict = vm.dict_mut(d);
        *dict = DictObj {
            version: dict.version + 1,
            ..DictObj::with_log2(estimate_log2_keysize(n), crate::dict::DictKind::Unicode)
        };
    }
    let keys = vm.collect_iter(iterable)?;
    let mut r = Ok(());
    for &k in &keys {
        if r.is_ok() {
            r = if vm.class_of(d) == vm.t.dict {
                vm.dict_set(d, k, value)
            } else {
                vm.setitem(d, k, value)
            };
        }
    }
    vm.decref_all(&keys);
    match r {
        Ok(()) => Ok(d),
        Err(e) => {
            vm.decref(d);
            Err(e)
        }
    }
}

fn len(vm: &mut Vm, a: &Args) -> PyResult {
    let x = a.args[0];
    let n = match vm.kind(x) {
        Kind::DictView(d, _) => vm.dict_obj(*d).used,
        _ => vm.len_of_builtin(x),
    };
    Ok(vm.new_int(n as i64))
}

fn getitem(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_method_args("__getitem__", a, 1, 1)?;
    match vm.dict_get(a.args[0], a.args[1])? {
        Some(v) => Ok(vm.share(v)),
        None => {
            let class = vm.class_of(a.args[0]);
            if class != vm.t.dict {
                if let Some(f) = vm.type_lookup(class, vm.n.missing) {
                    return vm.call_dunder(f, a.args[0], &[a.args[1]]);
                }
            }
            Err(vm.new_exc_obj(vm.e.key_error, &[a.args[1]]))
        }
    }
}

fn setitem(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_method_args("__setitem__", a, 2, 2)?;
    vm.dict_set(a.args[0], a.args[1], a.args[2])?;
    Ok(vm.none())
}

fn delitem(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_method_args("__delitem__", a, 1, 1)?;
    match vm.dict_pop(a.args[0], a.args[1])? {
        Some(v) => {
            vm.decref(v);
            Ok(vm.none())
        }
        None => Err(vm.new_exc_obj(vm.e.key_error, &[a.args[1]])),
    }
}

fn contains(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_method_args("__contains__", a, 1, 1)?;
    let r = match vm.kind(a.args[0]) {
        Kind::Dict(_) => vm.dict_get(a.args[0], a.args[1])?.is_some(),
        Kind::Set(_) => {
            if matches!(vm.kind(a.args[1]), Kind::Set(_)) && vm.class_of(a.args[1]) == vm.t.set {
                let f = vm.new_frozenset();
                vm.set_merge(f, a.args[1])?;
                let r = vm.set_contains(a.args[0], f);
                vm.decref(f);
                r?
            } else {
                vm.set_contains(a.args[0], a.args[1])?
            }
        }
        _ => false,
    };
    Ok(vm.bool_obj(r))
}

fn iter(vm: &mut Vm, a: &Args) -> PyResult {
    let x = a.args[0];
    let class = vm.class_of(x);
    let base = match vm.kind(x) {
        Kind::Dict(_) => vm.t.dict,
        Kind::Set(_) => {
            if vm.is_subtype(class, vm.t.frozenset) {
                vm.t.frozenset
            } else {
                vm.t.set
            }
        }
        _ => class,
    };
    vm.heap.get_mut(x).class = base;
    let r = vm.iter(x);
    vm.heap.get_mut(x).class = class;
    r
}

fn dict_reversed(vm: &mut Vm, a: &Args) -> PyResult {
    let (d, kind) = match vm.kind(a.args[0]) {
        Kind::DictView(d, k) => (*d, *k),
        _ => (a.args[0], DictViewKind::Keys),
    };
    let items = vm.dict_items(d);
    let seq: Vec<ObjRef> = items
        .iter()
        .rev()
        .map(|(k, v)| match kind {
            DictViewKind::Keys => vm.share(*k),
            DictViewKind::Values => vm.share(*v),
            DictViewKind::Items => {
                let (k, v) = (vm.share(*k), vm.share(*v));
                vm.new_tuple(vec![k, v])
            }
        })
        .collect::<Vec<_>>();
    let l = vm.new_list(seq);
    let it = vm.iter(l);
    vm.decref(l);
    let it = it?;
    vm.heap.get_mut(it).class = vm.t.dict_reversekeyiterator;
    vm.incref(vm.t.dict_reversekeyiterator);
    vm.decref(vm.t.list_iterator);
    Ok(it)
}

fn dict_eq_bool(vm: &mut Vm, x: ObjRef, y: ObjRef) -> PyResult<Option<bool>> {
    if !matches!(vm.kind(y), Kind::Dict(_)) {
        return Ok(None);
    }
    if vm.dict_len(x) != vm.dict_len(y) {
        return Ok(Some(false));
    }
    for (k, v) in vm.dict_items(x) {
        vm.incref(k);
        vm.incref(v);
        let other = vm.dict_get(y, k);
        let r = match other {
            Ok(Some(w)) => {
                vm.incref(w);
                let e = vm.eq(v, w);
                vm.decref(w);
                e
            }
            Ok(None) => Ok(false),
            Err(e) => Err(e),
        };
        vm.decref(k);
        vm.decref(v);
        if !r? {
            return Ok(Some(false));
        }
    }
    Ok(Some(true))
}

fn dict_eq(vm: &mut Vm, a: &Args) -> PyResult {
    match dict_eq_bool(vm, a.args[0], a.args[1])? {
        Some(b) => Ok(vm.bool_obj(b)),
        None => Ok(vm.not_implemented()),
    }
}

fn dict_ne(vm: &mut Vm, a: &Args) -> PyResult {
    match dict_eq_bool(vm, a.args[0], a.args[1])? {
        Some(b) => Ok(vm.bool_obj(!b)),
        None => Ok(vm.not_implemented()),
    }
}

fn dict_or(vm: &mut Vm, a: &Args) -> PyResult {
    if !matches!(vm.kind(a.args[1]), Kind::Dict(_)) {
        return Ok(vm.not_implemented());
    }
    let c = vm.dict_copy(a.args[0])?;
    vm.dict_merge(c, a.args[1], 1)?;
    Ok(c)
}

fn dict_ior(vm: &mut Vm, a: &Args) -> PyResult {
    vm.dict_update_from(a.args[0], a.args[1])?;
    Ok(vm.share(a.args[0]))
}

fn repr(vm: &mut Vm, a: &Args) -> PyResult {
    let x = a.args[0];
    let class = vm.class_of(x);
    let base = match vm.kind(x) {
        Kind::Dict(_) => vm.t.dict,
        Kind::Set(_) => class,
        _ => class,
    };
    vm.heap.get_mut(x).class = base;
    let r = vm.repr_string(x);
    vm.heap.get_mut(x).class = class;
    let s = r?;
    Ok(vm.new_string(s))
}

/// The elements of any iterable as a fresh set (for view and set operators).
fn to_set(vm: &mut Vm, x: ObjRef) -> PyResult {
    let s = vm.new_set();
    if let Err(e) = vm.set_update(s, x) {
        vm.decref(s);
        return Err(e);
    }
    Ok(s)
}

fn view_contains(vm: &mut Vm, a: &Args) -> PyResult {
    let Kind::DictView(d, kind) = vm.kind(a.args[0]) else {
        return Ok(vm.bool_obj(false));
    };
    let (d, kind) = (*d, *kind);
    let x = a.args[1];
    let r = match kind {
        DictViewKind::Keys => vm.dict_get(d, x)?.is_some(),
        DictViewKind::Items => {
            let Kind::Tuple(t) = vm.kind(x) else {
                return Ok(vm.bool_obj(false));
            };
            if t.len() != 2 {
                return Ok(vm.bool_obj(false));
            }
            let (k, v) = (t[0], t[1]);
            match vm.dict_get(d, k)? {
                Some(w) => vm.eq(w, v)?,
                None => false,
            }
        }
        DictViewKind::Values => false,
    };
    Ok(vm.bool_obj(r))
}

fn view_binop(vm: &mut Vm, a: &Args, op: fn(&mut Vm, &Args) -> PyResult) -> PyResult {
    let s = to_set(vm, a.args[0])?;
    let r = op(vm, &Args::new(vec![s, a.args[1]]));
    vm.decref(s);
    r
}

fn view_eq(vm: &mut Vm, a: &Args) -> PyResult {
    if !matches!(vm.kind(a.args[1]), Kind::DictView(..) | Kind::Set(_)) {
        return Ok(vm.not_implemented());
    }
    let x = to_set(vm, a.args[0])?;
    let y = to_set(vm, a.args[1]);
    let y = match y {
        Ok(y) => y,
        Err(e) => {
            vm.decref(x);
            return Err(e);
        }
    };
    let r = set_compare(vm, x, y, 2);
    vm.decref(x);
    vm.decref(y);
    let b = r?;
    Ok(vm.bool_obj(b))
}

fn view_and(vm: &mut Vm, a: &Args) -> PyResult {
    view_binop(vm, a, intersection)
}
fn view_or(vm: &mut Vm, a: &Args) -> PyResult {
    view_binop(vm, a, union)
}
fn view_sub(vm: &mut Vm, a: &Args) -> PyResult {
    view_binop(vm, a, difference)
}
fn view_xor(vm: &mut Vm, a: &Args) -> PyResult {
    view_binop(vm, a, symmetric_difference)
}

fn set_new(vm: &mut Vm, a: &Args) -> PyResult {
    let cls = a.args[0];
    Ok(vm.alloc(cls, Kind::Set(Box::new(SetObj::new()))))
}

fn set_init(vm: &mut Vm, a: &Args) -> PyResult {
    let p = vm.bind_native("set", a, &["self", "iterable"], 1)?;
    let s = p[0];
    let old = match &mut vm.heap.get_mut(s).kind {
        Kind::Set(set) if set.used > 0 => set.clear(),
        _ => Vec::new(),
    };
    vm.decref_all(&old);
    if !p[1].is_null() {
        vm.set_update(s, p[1])?;
    }
    Ok(vm.none())
}

fn frozenset_new(vm: &mut Vm, a: &Args) -> PyResult {
    let p = vm.bind_native("frozenset", a, &["cls", "iterable"], 1)?;
    let cls = p[0];
    if !p[1].is_null() && cls == vm.t.frozenset && vm.class_of(p[1]) == vm.t.frozenset {
        return Ok(vm.share(p[1]));
    }
    let s = vm.alloc(cls, Kind::Set(Box::new(SetObj::new())));
    if !p[1].is_null() {
        if let Err(e) = vm.set_update(s, p[1]) {
            vm.decref(s);
            return Err(e);
        }
    }
    Ok(s)
}

fn frozenset_hash(vm: &mut Vm, a: &Args) -> PyResult {
    let h = vm.hash_slow(a.args[0])?;
    Ok(vm.new_int(h))
}

fn add(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_method_args("add", a, 1, 1)?;
    vm.set_add(a.args[0], a.args[1])?;
    Ok(vm.none())
}

fn remove(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_method_args("remove", a, 1, 1)?;
    if !vm.set_discard(a.args[0], a.args[1])? {
        return Err(vm.new_exc_obj(vm.e.key_error, &[a.args[1]]));
    }
    Ok(vm.none())
}

fn discard(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_method_args("discard", a, 1, 1)?;
    vm.set_discard(a.args[0], a.args[1])?;
    Ok(vm.none())
}

fn set_pop(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_method_args("pop", a, 0, 0)?;
    let r = match &mut vm.heap.get_mut(a.args[0]).kind {
        Kind::Set(s) => s.pop(),
        _ => None,
    };
    match r {
        Some(k) => Ok(k),
        None => Err(vm.new_exc(vm.e.key_error, "pop from an empty set")),
    }
}

fn set_clear(vm: &mut Vm, a: &Args) -> PyResult {
    let old = match &mut vm.heap.get_mut(a.args[0]).kind {
        Kind::Set(s) => s.clear(),
        _ => Vec::new(),
    };
    vm.decref_all(&old);
    Ok(vm.none())
}

fn set_update(vm: &mut Vm, a: &Args) -> PyResult {
    for &x in &a.args[1..] {
        vm.set_update(a.args[0], x)?;
    }
    Ok(vm.none())
}

fn set_copy(vm: &mut Vm, a: &Args) -> PyResult {
    let s = a.args[0];
    if vm.class_of(s) == vm.t.frozenset {
        return Ok(vm.share(s));
    }
    let class = if vm.is_subtype(vm.class_of(s), vm.t.frozenset) {
        vm.t.frozenset
    } else {
        vm.t.set
    };
    vm.set_copy(s, class)
}

/// The result class of a set operation on `s` (the built-in base of its type).
fn result_class(vm: &Vm, s: ObjRef) -> ObjRef {
    if vm.is_subtype(vm.class_of(s), vm.t.frozenset) {
        vm.t.frozenset
    } else {
        vm.t.set
    }
}

fn union(vm: &mut Vm, a: &Args) -> PyResult {
    let s = a.args[0];
    let r = vm.set_copy(s, result_class(vm, s))?;
    for &x in &a.args[1..] {
        if let Err(e) = vm.set_update(r, x) {
            vm.decref(r);
            return Err(e);
        }
    }
    Ok(r)
}

fn intersection(vm: &mut Vm, a: &Args) -> PyResult {
    let s = a.args[0];
    let mut cur = vm.set_copy(s, result_class(vm, s))?;
    for &x in &a.args[1..] {
        let other = if matches!(vm.kind(x), Kind::Set(_)) {
            vm.share(x)
        } else {
            to_set(vm, x)?
        };
        let (small, big) = if vm.set_obj(other).used < vm.set_obj(cur).used {
            (other, cur)
        } else {
            (cur, other)
        };
        let next = vm.alloc(result_class(vm, s), Kind::Set(Box::new(SetObj::new())));
        let keys: Vec<ObjRef> = vm.set_obj(small).keys().collect();
        for k in keys {
            if vm.set_contains(big, k)? {
                vm.set_add(next, k)?;
            }
        }
        vm.decref(cur);
        vm.decref(other);
        cur = next;
    }
    Ok(cur)
}

fn difference(vm: &mut Vm, a: &Args) -> PyResult {
    let s = a.args[0];
    let r = vm.alloc(result_class(vm, s), Kind::Set(Box::new(SetObj::new())));
    let mut others = Vec::new();
    for &x in &a.args[1..] {
        others.push(if matches!(vm.kind(x), Kind::Set(_) | Kind::Dict(_)) {
            vm.share(x)
        } else {
            to_set(vm, x)?
        });
    }
    let keys: Vec<ObjRef> = vm.set_obj(s).keys().collect();
    for k in keys {
        let mut inside = false;
        for &o in &others {
            inside |= match vm.kind(o) {
                Kind::Dict(_) => vm.dict_get(o, k)?.is_some(),
                _ => vm.set_contains(o, k)?,
            };
        }
        if !inside {
            vm.set_add(r, k)?;
        }
    }
    vm.decref_all(&others);
    Ok(r)
}

fn symmetric_difference(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_method_args("symmetric_difference", a, 1, 1)?;
    let s = a.args[0];
    let other = vm.alloc(result_class(vm, s), Kind::Set(Box::new(SetObj::new())));
    vm.set_update(other, a.args[1])?;
    let keys: Vec<ObjRef> = vm.set_obj(s).keys().collect();
    for k in keys {
        if !vm.set_discard(other, k)? {
            vm.set_add(other, k)?;
        }
    }
    Ok(other)
}

fn issubset(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_method_args("issubset", a, 1, 1)?;
    let other = to_set(vm, a.args[1])?;
    let r = set_compare(vm, a.args[0], other, 1);
    vm.decref(other);
    let b = r?;
    Ok(vm.bool_obj(b))
}

fn issuperset(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_method_args("issuperset", a, 1, 1)?;
    let other = to_set(vm, a.args[1])?;
    let r = set_compare(vm, a.args[0], other, 5);
    vm.decref(other);
    let b = r?;
    Ok(vm.bool_obj(b))
}

fn isdisjoint(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_method_args("isdisjoint", a, 1, 1)?;
    let mine = to_set(vm, a.args[0])?;
    let items = vm.collect_iter(a.args[1])?;
    let mut r = true;
    for &x in &items {
        if vm.set_contains(mine, x)? {
            r = false;
            break;
        }
    }
    vm.decref_all(&items);
    vm.decref(mine);
    Ok(vm.bool_obj(r))
}

fn in_place(vm: &mut Vm, a: &Args, op: fn(&mut Vm, &Args) -> PyResult) -> PyResult<()> {
    let r = op(vm, a)?;
    let s = a.args[0];
    let old = match &mut vm.heap.get_mut(s).kind {
        Kind::Set(set) => set.clear(),
        _ => Vec::new(),
    };
    vm.decref_all(&old);
    let res = vm.set_merge(s, r);
    vm.decref(r);
    res
}

fn intersection_update(vm: &mut Vm, a: &Args) -> PyResult {
    in_place(vm, a, intersection)?;
    Ok(vm.none())
}

fn difference_update(vm: &mut Vm, a: &Args) -> PyResult {
    let s = a.args[0];
    for &x in &a.args[1..] {
        if x == s {
            let old = match &mut vm.heap.get_mut(s).kind {
                Kind::Set(set) => set.clear(),
                _ => Vec::new(),
            };
            vm.decref_all(&old);
            continue;
        }
        let items = vm.collect_iter(x)?;
        for &k in &items {
            vm.set_discard(s, k)?;
        }
        vm.decref_all(&items);
    }
    Ok(vm.none())
}

fn symmetric_difference_update(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_method_args("symmetric_difference_update", a, 1, 1)?;
    let s = a.args[0];
    let other = to_set(vm, a.args[1])?;
    let keys: Vec<ObjRef> = vm.set_obj(other).keys().collect();
    for k in keys {
        if !vm.set_discard(s, k)? {
            vm.set_add(s, k)?;
        }
    }
    vm.decref(other);
    Ok(vm.none())
}

fn check_set_operand(vm: &Vm, x: ObjRef) -> bool {
    matches!(vm.kind(x), Kind::Set(_))
}

fn set_binop(vm: &mut Vm, a: &Args, op: fn(&mut Vm, &Args) -> PyResult) -> PyResult {
    if !check_set_operand(vm, a.args[1]) {
        return Ok(vm.not_implemented());
    }
    op(vm, a)
}

fn set_or(vm: &mut Vm, a: &Args) -> PyResult {
    set_binop(vm, a, union)
}
fn set_and(vm: &mut Vm, a: &Args) -> PyResult {
    set_binop(vm, a, intersection)
}
fn set_sub(vm: &mut Vm, a: &Args) -> PyResult {
    set_binop(vm, a, difference)
}
fn set_xor(vm: &mut Vm, a: &Args) -> PyResult {
    set_binop(vm, a, symmetric_difference)
}

fn set_inplace(vm: &mut Vm, a: &Args, op: fn(&mut Vm, &Args) -> PyResult) -> PyResult {
    if !check_set_operand(vm, a.args[1]) {
        return Ok(vm.not_implemented());
    }
    let r = op(vm, a)?;
    vm.decref(r);
    Ok(vm.share(a.args[0]))
}

fn set_ior(vm: &mut Vm, a: &Args) -> PyResult {
    set_inplace(vm, a, set_update)
}
fn set_iand(vm: &mut Vm, a: &Args) -> PyResult {
    set_inplace(vm, a, intersection_update)
}
fn set_isub(vm: &mut Vm, a: &Args) -> PyResult {
    set_inplace(vm, a, difference_update)
}
fn set_ixor(vm: &mut Vm, a: &Args) -> PyResult {
    set_inplace(vm, a, symmetric_difference_update)
}

/// Set comparison by COMPARE_OP argument: `<=` subset, `>=` superset, and so on.
fn set_compare(vm: &mut Vm, x: ObjRef, y: ObjRef, op: usize) -> PyResult<bool> {
    let (nx, ny) = (vm.set_obj(x).used, vm.set_obj(y).used);
    let subset = |vm: &mut Vm, a: ObjRef, b: ObjRef| -> PyResult<bool> {
        let keys: Vec<ObjRef> = vm.set_obj(a).keys().collect();
        for k in keys {
            if !vm.set_contains(b, k)? {
                return Ok(false);
            }
        }
        Ok(true)
    };
    Ok(match op {
        0 => nx < ny && subset(vm, x, y)?,
        1 => nx <= ny && subset(vm, x, y)?,
        2 => nx == ny && subset(vm, x, y)?,
        3 => !(nx == ny && subset(vm, x, y)?),
        4 => nx > ny && subset(vm, y, x)?,
        _ => nx >= ny && subset(vm, y, x)?,
    })
}

fn set_cmp(vm: &mut Vm, a: &Args, op: usize) -> PyResult {
    if !check_set_operand(vm, a.args[1]) {
        return Ok(vm.not_implemented());
    }
    let r = set_compare(vm, a.args[0], a.args[1], op)?;
    Ok(vm.bool_obj(r))
}

fn set_eq(vm: &mut Vm, a: &Args) -> PyResult {
    set_cmp(vm, a, 2)
}
fn set_ne(vm: &mut Vm, a: &Args) -> PyResult {
    set_cmp(vm, a, 3)
}
fn set_le(vm: &mut Vm, a: &Args) -> PyResult {
    set_cmp(vm, a, 1)
}
fn set_lt(vm: &mut Vm, a: &Args) -> PyResult {
    set_cmp(vm, a, 0)
}
fn set_ge(vm: &mut Vm, a: &Args) -> PyResult {
    set_cmp(vm, a, 5)
}
fn set_gt(vm: &mut Vm, a: &Args) -> PyResult {
    set_cmp(vm, a, 4)
}
