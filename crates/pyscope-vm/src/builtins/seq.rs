//! `list`, `tuple`, `range` and the iterator-producing types (`reversed`, `enumerate`,
//! `zip`, `map`, `filter`), with CPython's list capacity behaviour for every method.

use super::{M, S};
use crate::object::*;
use crate::vm::Vm;

pub(super) fn install(vm: &mut Vm) {
    let list = vm.t.list;
    vm.register(
        list,
        &[
            ("__new__", list_new, S),
            ("__init__", list_init, M),
            ("append", append, M),
            ("extend", extend, M),
            ("insert", insert, M),
            ("pop", pop, M),
            ("remove", remove, M),
            ("index", index, M),
            ("count", count, M),
            ("sort", sort, M),
            ("reverse", reverse, M),
            ("copy", copy, M),
            ("clear", clear, M),
            ("__len__", seq_len, M),
            ("__getitem__", seq_getitem, M),
            ("__setitem__", seq_setitem, M),
            ("__delitem__", seq_delitem, M),
            ("__contains__", seq_contains, M),
            ("__iter__", seq_iter, M),
            ("__reversed__", list_reversed, M),
            ("__add__", list_add, M),
            ("__iadd__", list_iadd, M),
            ("__mul__", seq_mul, M),
            ("__rmul__", seq_mul, M),
            ("__imul__", list_imul, M),
            ("__eq__", seq_eq, M),
            ("__ne__", seq_ne, M),
            ("__lt__", seq_lt, M),
            ("__le__", seq_le, M),
            ("__gt__", seq_gt, M),
            ("__ge__", seq_ge, M),
            ("__repr__", seq_repr, M),
        ],
    );
    let none = vm.none();
    vm.set_type_attr(list, "__hash__", none);
    let tuple = vm.t.tuple;
    vm.register(
        tuple,
        &[
            ("__new__", tuple_new, S),
            ("index", index, M),
            ("count", count, M),
            ("__len__", seq_len, M),
            ("__getitem__", seq_getitem, M),
            ("__contains__", seq_contains, M),
            ("__iter__", seq_iter, M),
            ("__add__", tuple_add, M),
            ("__mul__", seq_mul, M),
            ("__rmul__", seq_mul, M),
            ("__eq__", seq_eq, M),
            ("__ne__", seq_ne, M),
            ("__lt__", seq_lt, M),
            ("__le__", seq_le, M),
            ("__gt__", seq_gt, M),
            ("__ge__", seq_ge, M),
            ("__hash__", seq_hash, M),
            ("__repr__", seq_repr, M),
            ("__getnewargs__", tuple_getnewargs, M),
        ],
    );
    let range = vm.t.range;
    vm.register(
        range,
        &[
            ("__new__", range_new, S),
            ("__len__", seq_len, M),
            ("__getitem__", seq_getitem, M),
            ("__contains__", seq_contains, M),
            ("__iter__", seq_iter, M),
            ("__reversed__", range_reversed, M),
            ("__eq__", range_eq, M),
            ("__hash__", seq_hash, M),
            ("__repr__", seq_repr, M),
            ("count", count, M),
            ("index", index, M),
        ],
    );
    let t = vm.t.clone();
    vm.register(t.reversed, &[("__new__", reversed_new, S)]);
    vm.register(t.enumerate, &[("__new__", enumerate_new, S)]);
    vm.register(t.zip, &[("__new__", zip_new, S)]);
    vm.register(t.map, &[("__new__", map_new, S)]);
    vm.register(t.filter, &[("__new__", filter_new, S)]);
}

fn items_of(vm: &Vm, x: ObjRef) -> Vec<ObjRef> {
    match vm.kind(x) {
        Kind::List(l) => l.items.clone(),
        Kind::Tuple(t) => t.to_vec(),
        _ => Vec::new(),
    }
}

fn list_new(vm: &mut Vm, a: &Args) -> PyResult {
    let cls = a.args[0];
    Ok(vm.alloc(
        cls,
        Kind::List(Box::new(ListObj {
            items: Vec::new(),
            allocated: 0,
        })),
    ))
}

fn list_init(vm: &mut Vm, a: &Args) -> PyResult {
    let p = vm.bind_native("list", a, &["self", "iterable"], 1)?;
    let l = p[0];
    if !vm.list_items(l).is_empty() {
        let old = std::mem::take(&mut vm.list_mut(l).items);
        vm.list_mut(l).allocated = 0;
        vm.decref_all(&old);
    }
    if !p[1].is_null() {
        vm.list_extend(l, p[1])?;
    }
    Ok(vm.none())
}

fn append(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_method_args("list.append", a, 1, 1)?;
    let v = vm.share(a.args[1]);
    vm.list_append(a.args[0], v);
    Ok(vm.none())
}

fn extend(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_method_args("list.extend", a, 1, 1)?;
    vm.list_extend(a.args[0], a.args[1])?;
    Ok(vm.none())
}

fn insert(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_method_args("insert", a, 2, 2)?;
    let l = a.args[0];
    let i = vm.index_value(a.args[1])?;
    let n = vm.list_items(l).len() as i64;
    let at = if i < 0 { (i + n).max(0) } else { i.min(n) } as usize;
    let v = vm.share(a.args[2]);
    let list = vm.list_mut(l);
    let len = list.items.len();
    list.resize_to(len + 1);
    list.items.insert(at, v);
    Ok(vm.none())
}

fn pop(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_method_args("pop", a, 0, 1)?;
    let l = a.args[0];
    let n = vm.list_items(l).len() as i64;
    if n == 0 {
        return Err(vm.index_error("pop from empty list"));
    }
    let i = match a.args.get(1) {
        Some(&x) => vm.index_value(x)?,
        None => -1,
    };
    let i = if i < 0 { i + n } else { i };
    if i < 0 || i >= n {
        return Err(vm.index_error("pop index out of range"));
    }
    let list = vm.list_mut(l);
    let v = list.items.remove(i as usize);
    list.after_shrink();
    Ok(v)
}

fn remove(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_method_args("list.remove", a, 1, 1)?;
    let l = a.args[0];
    let items = vm.list_items(l).to_vec();
    for (i, x) in items.iter().enumerate() {
        vm.incref(*x);
        let eq = vm.eq(*x, a.args[1]);
        vm.decref(*x);
        if eq? {
            let list = vm.list_mut(l);
            if i < list.items.len() {
                let v = list.items.remove(i);
                list.after_shrink();
                vm.decref(v);
            }
            return Ok(vm.none());
        }
    }
    Err(vm.value_error("list.remove(x): x not in list"))
}

fn index(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_method_args("index", a, 1, 3)?;
    let seq = a.args[0];
    let n = vm.len_of(seq)?;
    let norm = |v: i64| -> usize {
        if v < 0 {
            (v + n as i64).max(0) as usize
        } else {
            (v as usize).min(n)
        }
    };
    let start = match a.args.get(2) {
        Some(&x) => norm(vm.index_value(x)?),
        None => 0,
    };
    let end = match a.args.get(3) {
        Some(&x) => norm(vm.index_value(x)?),
        None => n,
    };
    if let Kind::Range(r) = vm.kind(seq) {
        let r = **r;
        if let Some(v) = vm.int_value(a.args[1]) {
            if vm.contains(seq, a.args[1])? {
                return Ok(vm.new_int((v - r.start) / r.step));
            }
        }
        let s = vm.repr_string(a.args[1])?;
        return Err(vm.value_error(format!("{s} is not in range")));
    }
    let items = items_of(vm, seq);
    for (i, &x) in items.iter().enumerate().take(end).skip(start) {
        vm.incref(x);
        let eq = vm.eq(x, a.args[1]);
        vm.decref(x);
        if eq? {
            return Ok(vm.new_int(i as i64));
        }
    }
    if matches!(vm.kind(seq), Kind::Tuple(_)) {
        return Err(vm.value_error("tuple.index(x): x not in tuple"));
    }
    let s = vm.repr_string(a.args[1])?;
    Err(vm.value_error(format!("{s} is not in list")))
}

fn count(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_method_args("count", a, 1, 1)?;
    let seq = a.args[0];
    if let Kind::Range(_) = vm.kind(seq) {
        let c = vm.contains(seq, a.args[1])?;
        return Ok(vm.new_int(i64::from(c)));
    }
    let items = items_of(vm, seq);
    let mut c = 0;
    for &x in &items {
        vm.incref(x);
        let eq = vm.eq(x, a.args[1]);
        vm.decref(x);
        if eq? {
            c += 1;
        }
    }
    Ok(vm.new_int(c))
}

fn sort(vm: &mut Vm, a: &Args) -> PyResult {
    if a.positional().len() > 1 {
        return Err(vm.type_error("sort() takes no positional arguments"));
    }
    let mut key = ObjRef::NULL;
    let mut rev = false;
    for (k, v) in a.keywords() {
        match vm.str_of(k) {
            "key" => key = if v == vm.none { ObjRef::NULL } else { v },
            "reverse" => rev = vm.truthy(v)?,
            other => {
                let other = other.to_string();
                return Err(vm.type_error(format!(
                    "'{other}' is an invalid keyword argument for sort()"
                )));
            }
        }
    }
    vm.sort_list(a.args[0], key, rev)?;
    Ok(vm.none())
}

fn reverse(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_method_args("reverse", a, 0, 0)?;
    vm.list_mut(a.args[0]).items.reverse();
    Ok(vm.none())
}

fn copy(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_method_args("copy", a, 0, 0)?;
    let items = vm.list_items(a.args[0]).to_vec();
    for &i in &items {
        vm.incref(i);
    }
    Ok(vm.new_list(items))
}

fn clear(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_method_args("clear", a, 0, 0)?;
    let list = vm.list_mut(a.args[0]);
    let old = std::mem::take(&mut list.items);
    list.allocated = 0;
    vm.decref_all(&old);
    Ok(vm.none())
}

fn seq_len(vm: &mut Vm, a: &Args) -> PyResult {
    let n = vm.len_of_builtin(a.args[0]);
    Ok(vm.new_int(n as i64))
}

impl Vm {
    /// The length of a built-in container, ignoring subclass overrides.
    pub fn len_of_builtin(&self, x: ObjRef) -> usize {
        match self.kind(x) {
            Kind::List(l) => l.items.len(),
            Kind::Tuple(t) => t.len(),
            Kind::Str(s) => s.chars,
            Kind::Bytes(b) => b.data.len(),
            Kind::Range(r) => r.len().max(0) as usize,
            Kind::Dict(d) => d.used,
            Kind::Set(s) => s.used,
            _ => 0,
        }
    }
}

fn seq_getitem(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_method_args("__getitem__", a, 1, 1)?;
    vm.getitem_builtin(a.args[0], a.args[1])
}

impl Vm {
    /// `getitem` with the built-in layout's behaviour even for subclasses (the class is
    /// swapped for the built-in one during the call, so overrides are not re-entered).
    pub fn getitem_builtin(&mut self, x: ObjRef, k: ObjRef) -> PyResult {
        let class = self.class_of(x);
        let base = match self.kind(x) {
            Kind::List(_) => self.t.list,
            Kind::Tuple(_) => self.t.tuple,
            Kind::Str(_) => self.t.str,
            Kind::Range(_) => self.t.range,
            Kind::Dict(_) => self.t.dict,
            _ => class,
        };
        if base == class {
            return self.getitem(x, k);
        }
        self.heap.get_mut(x).class = base;
        let r = self.getitem(x, k);
        self.heap.get_mut(x).class = class;
        r
    }
}

fn seq_setitem(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_method_args("__setitem__", a, 2, 2)?;
    let x = a.args[0];
    let class = vm.class_of(x);
    vm.heap.get_mut(x).class = vm.t.list;
    let r = vm.setitem(x, a.args[1], a.args[2]);
    vm.heap.get_mut(x).class = class;
    r?;
    Ok(vm.none())
}

fn seq_delitem(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_method_args("__delitem__", a, 1, 1)?;
    let x = a.args[0];
    let class = vm.class_of(x);
    vm.heap.get_mut(x).class = vm.t.list;
    let r = vm.delitem(x, a.args[1]);
    vm.heap.get_mut(x).class = class;
    r?;
    Ok(vm.none())
}

fn seq_contains(vm: &mut Vm, a: &Args) -> PyResult {
    let x = a.args[0];
    let class = vm.class_of(x);
    let base = match vm.kind(x) {
        Kind::List(_) => vm.t.list,
        Kind::Tuple(_) => vm.t.tuple,
        _ => class,
    };
    vm.heap.get_mut(x).class = base;
    let r = vm.contains(x, a.args[1]);
    vm.heap.get_mut(x).class = class;
    let r = r?;
    Ok(vm.bool_obj(r))
}

fn seq_iter(vm: &mut Vm, a: &Args) -> PyResult {
    let x = a.args[0];
    let (iter_class, state) = match vm.kind(x) {
        Kind::List(_) => (vm.t.list_iterator, IterObj::Seq { seq: x, index: 0 }),
        Kind::Tuple(_) => (vm.t.tuple_iterator, IterObj::Seq { seq: x, index: 0 }),
        Kind::Range(r) => {
            let r = **r;
            return Ok(vm.alloc(
                vm.t.range_iterator,
                Kind::Iter(Box::new(IterObj::Range {
                    next: r.start,
                    step: r.step,
                    remaining: r.len(),
                })),
            ));
        }
        _ => return vm.iter(x),
    };
    vm.incref(x);
    Ok(vm.alloc(iter_class, Kind::Iter(Box::new(state))))
}

fn list_reversed(vm: &mut Vm, a: &Args) -> PyResult {
    let x = a.args[0];
    let n = vm.list_items(x).len() as isize;
    vm.incref(x);
    Ok(vm.alloc(
        vm.t.list_reverseiterator,
        Kind::Iter(Box::new(IterObj::Reversed {
            seq: x,
            index: n - 1,
        })),
    ))
}

fn list_add(vm: &mut Vm, a: &Args) -> PyResult {
    let (x, y) = (a.args[0], a.args[1]);
    if !matches!(vm.kind(y), Kind::List(_)) {
        return Ok(vm.not_implemented());
    }
    let mut items = vm.list_items(x).to_vec();
    items.extend_from_slice(vm.list_items(y));
    for &i in &items {
        vm.incref(i);
    }
    Ok(vm.new_list(items))
}

fn list_iadd(vm: &mut Vm, a: &Args) -> PyResult {
    vm.list_extend(a.args[0], a.args[1])?;
    Ok(vm.share(a.args[0]))
}

fn tuple_add(vm: &mut Vm, a: &Args) -> PyResult {
    let (x, y) = (a.args[0], a.args[1]);
    if !matches!(vm.kind(y), Kind::Tuple(_)) {
        return Ok(vm.not_implemented());
    }
    let mut items = vm.tuple_items(x).to_vec();
    items.extend_from_slice(vm.tuple_items(y));
    for &i in &items {
        vm.incref(i);
    }
    Ok(vm.new_tuple(items))
}

fn repeat_count(vm: &mut Vm, y: ObjRef) -> PyResult<Option<i64>> {
    if vm.int_value(y).is_none()
        && vm.type_lookup(vm.class_of(y), vm.n.index).is_none()
        && !matches!(vm.kind(y), Kind::BigInt(_))
    {
        return Ok(None);
    }
    Ok(Some(vm.index_value(y)?.max(0)))
}

fn seq_mul(vm: &mut Vm, a: &Args) -> PyResult {
    let (x, y) = (a.args[0], a.args[1]);
    let Some(n) = repeat_count(vm, y)? else {
        return Ok(vm.not_implemented());
    };
    let items = items_of(vm, x);
    if (items.len() as u128) * (n as u128) > 1 << 28 {
        return Err(vm.new_exc(vm.e.memory_error, ""));
    }
    if n == 1 && vm.class_of(x) == vm.t.tuple {
        return Ok(vm.share(x));
    }
    let mut out = Vec::with_capacity(items.len() * n as usize);
    for _ in 0..n {
        for &i in &items {
            vm.incref(i);
            out.push(i);
        }
    }
    Ok(if matches!(vm.kind(x), Kind::List(_)) {
        vm.new_list(out)
    } else {
        vm.new_tuple(out)
    })
}

fn list_imul(vm: &mut Vm, a: &Args) -> PyResult {
    let (x, y) = (a.args[0], a.args[1]);
    let Some(n) = repeat_count(vm, y)? else {
        return Ok(vm.not_implemented());
    };
    let items = vm.list_items(x).to_vec();
    let len = items.len();
    if n == 0 || len == 0 {
        let list = vm.list_mut(x);
        let old = std::mem::take(&mut list.items);
        list.allocated = 0;
        vm.decref_all(&old);
        return Ok(vm.share(x));
    }
    for _ in 1..n {
        for &i in &items {
            vm.incref(i);
        }
    }
    let list = vm.list_mut(x);
    list.resize_to(len * n as usize);
    for _ in 1..n {
        list.items.extend_from_slice(&items);
    }
    Ok(vm.share(x))
}

fn seq_cmp(vm: &mut Vm, a: &Args, op: usize) -> PyResult {
    let (x, y) = (a.args[0], a.args[1]);
    let same = matches!(
        (vm.kind(x), vm.kind(y)),
        (Kind::List(_), Kind::List(_)) | (Kind::Tuple(_), Kind::Tuple(_))
    );
    if !same {
        return Ok(vm.not_implemented());
    }
    let (cx, cy) = (vm.class_of(x), vm.class_of(y));
    let base = if matches!(vm.kind(x), Kind::List(_)) {
        vm.t.list
    } else {
        vm.t.tuple
    };
    vm.heap.get_mut(x).class = base;
    vm.heap.get_mut(y).class = base;
    let r = vm.compare(x, y, op);
    vm.heap.get_mut(x).class = cx;
    vm.heap.get_mut(y).class = cy;
    r
}

fn seq_eq(vm: &mut Vm, a: &Args) -> PyResult {
    seq_cmp(vm, a, 2)
}
fn seq_ne(vm: &mut Vm, a: &Args) -> PyResult {
    seq_cmp(vm, a, 3)
}
fn seq_lt(vm: &mut Vm, a: &Args) -> PyResult {
    seq_cmp(vm, a, 0)
}
fn seq_le(vm: &mut Vm, a: &Args) -> PyResult {
    seq_cmp(vm, a, 1)
}
fn seq_gt(vm: &mut Vm, a: &Args) -> PyResult {
    seq_cmp(vm, a, 4)
}
fn seq_ge(vm: &mut Vm, a: &Args) -> PyResult {
    seq_cmp(vm, a, 5)
}

fn seq_hash(vm: &mut Vm, a: &Args) -> PyResult {
    let h = vm.hash_slow(a.args[0])?;
    Ok(vm.new_int(h))
}

fn seq_repr(vm: &mut Vm, a: &Args) -> PyResult {
    let x = a.args[0];
    let class = vm.class_of(x);
    let base = match vm.kind(x) {
        Kind::List(_) => vm.t.list,
        Kind::Tuple(_) => vm.t.tuple,
        Kind::Range(_) => vm.t.range,
        _ => class,
    };
    vm.heap.get_mut(x).class = base;
    let r = vm.repr_string(x);
    vm.heap.get_mut(x).class = class;
    let s = r?;
    Ok(vm.new_string(s))
}

fn tuple_new(vm: &mut Vm, a: &Args) -> PyResult {
    let p = vm.bind_native("tuple", a, &["cls", "iterable"], 1)?;
    let cls = p[0];
    let items = if p[1].is_null() {
        Vec::new()
    } else if cls == vm.t.tuple && vm.class_of(p[1]) == vm.t.tuple {
        return Ok(vm.share(p[1]));
    } else {
        vm.collect_iter(p[1])?
    };
    if cls == vm.t.tuple {
        return Ok(vm.new_tuple(items));
    }
    Ok(vm.alloc(cls, Kind::Tuple(items.into_boxed_slice())))
}

fn tuple_getnewargs(vm: &mut Vm, a: &Args) -> PyResult {
    let items = vm.tuple_items(a.args[0]).to_vec();
    let items = vm.share_all(items);
    let t = vm.new_tuple(items);
    Ok(vm.new_tuple(vec![t]))
}

fn range_new(vm: &mut Vm, a: &Args) -> PyResult {
    let pos = &a.args[1..];
    if !a.kwnames.is_empty() {
        return Err(vm.type_error("range() takes no keyword arguments"));
    }
    let mut ints = Vec::new();
    for &x in pos {
        ints.push(vm.index_value(x)?);
    }
    let (start, stop, step) = match ints.as_slice() {
        [stop] => (0, *stop, 1),
        [start, stop] => (*start, *stop, 1),
        [start, stop, step] => (*start, *stop, *step),
        [] => return Err(vm.type_error("range expected at least 1 argument, got 0")),
        _ => {
            return Err(vm.type_error(format!(
                "range expected at most 3 arguments, got {}",
                ints.len()
            )));
        }
    };
    if step == 0 {
        return Err(vm.value_error("range() arg 3 must not be zero"));
    }
    Ok(vm.alloc(
        vm.t.range,
        Kind::Range(Box::new(RangeObj { start, stop, step })),
    ))
}

fn range_reversed(vm: &mut Vm, a: &Args) -> PyResult {
    let Kind::Range(r) = vm.kind(a.args[0]) else {
        return Err(vm.type_error("expected range"));
    };
    let r = **r;
    let n = r.len();
    let last = r.start + (n - 1) * r.step;
    Ok(vm.alloc(
        vm.t.range_iterator,
        Kind::Iter(Box::new(IterObj::Range {
            next: last,
            step: -r.step,
            remaining: n,
        })),
    ))
}

fn range_eq(vm: &mut Vm, a: &Args) -> PyResult {
    let (Kind::Range(x), Kind::Range(y)) = (vm.kind(a.args[0]), vm.kind(a.args[1])) else {
        return Ok(vm.not_implemented());
    };
    let (x, y) = (**x, **y);
    let eq = x.len() == y.len()
        && (x.is_empty() || (x.start == y.start && (x.len() == 1 || x.step == y.step)));
    Ok(vm.bool_obj(eq))
}

fn reversed_new(vm: &mut Vm, a: &Args) -> PyResult {
    let p = vm.bind_native("reversed", a, &["cls", "sequence"], 2)?;
    let seq = p[1];
    let class = vm.class_of(seq);
    if let Some(f) = vm.type_lookup(class, vm.n.reversed) {
        if f == vm.none {
            return Err(vm.type_error(format!("'{}' object is not reversible", vm.type_name(seq))));
        }
        return vm.call_dunder(f, seq, &[]);
    }
    if vm.type_lookup(class, vm.n.getitem).is_none() || matches!(vm.kind(seq), Kind::Dict(_)) {
        return Err(vm.type_error(format!("'{}' object is not reversible", vm.type_name(seq))));
    }
    let n = vm.len_of(seq)? as isize;
    vm.incref(seq);
    Ok(vm.alloc(
        vm.t.reversed,
        Kind::Iter(Box::new(IterObj::Reversed { seq, index: n - 1 })),
    ))
}

fn enumerate_new(vm: &mut Vm, a: &Args) -> PyResult {
    let p = vm.bind_native("enumerate", a, &["cls", "iterable", "start"], 2)?;
    let start = if p[2].is_null() {
        0
    } else {
        vm.index_value(p[2])?
    };
    let it = vm.iter(p[1])?;
    Ok(vm.alloc(
        vm.t.enumerate,
        Kind::Iter(Box::new(IterObj::Enumerate { it, count: start })),
    ))
}

fn zip_new(vm: &mut Vm, a: &Args) -> PyResult {
    let mut strict = false;
    for (k, v) in a.keywords() {
        if vm.str_of(k) == "strict" {
            strict = vm.truthy(v)?;
        } else {
            return Err(vm.type_error("zip() takes at most 1 keyword argument"));
        }
    }
    let mut its = Vec::new();
    for (i, &x) in a.positional()[1..].iter().enumerate() {
        match vm.iter(x) {
            Ok(it) => its.push(it),
            Err(Flow::Exc(e)) if vm.exc_matches(e, vm.e.type_error) => {
                vm.decref(e);
                vm.decref_all(&its);
                return Err(
                    vm.type_error(format!("zip argument #{} must support iteration", i + 1))
                );
            }
            Err(e) => {
                vm.decref_all(&its);
                return Err(e);
            }
        }
    }
    Ok(vm.alloc(vm.t.zip, Kind::Iter(Box::new(IterObj::Zip { its, strict }))))
}

fn map_new(vm: &mut Vm, a: &Args) -> PyResult {
    let pos = a.positional();
    if pos.len() < 3 {
        return Err(vm.type_error("map() must have at least two arguments."));
    }
    let func = vm.share(pos[1]);
    let mut its = Vec::new();
    for &x in &pos[2..] {
        match vm.iter(x) {
            Ok(it) => its.push(it),
            Err(e) => {
                vm.decref(func);
                vm.decref_all(&its);
                return Err(e);
            }
        }
    }
    Ok(vm.alloc(vm.t.map, Kind::Iter(Box::new(IterObj::Map { func, its }))))
}

fn filter_new(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_positional(
        "filter",
        &Args {
            args: a.args[1..].to_vec(),
            kwnames: a.kwnames.clone(),
        },
        2,
        2,
    )?;
    let func = vm.share(a.args[1]);
    let it = vm.iter(a.args[2])?;
    Ok(vm.alloc(
        vm.t.filter,
        Kind::Iter(Box::new(IterObj::Filter {
            func,
            it,
            negate: false,
        })),
    ))
}
