//! The built-in functions: `print`, `len`, `sorted`, `min`, `isinstance`, `input`, and the
//! rest of the `builtins` namespace that is not a type.

use num_bigint::BigInt;
use num_traits::{Signed, Zero};

use crate::numbers::{self, Num};
use crate::object::*;
use crate::vm::{HaltReason, Vm};

pub(super) fn install(vm: &mut Vm, d: ObjRef) {
    vm.add_functions(
        d,
        &[
            ("print", print),
            ("len", len),
            ("repr", repr),
            ("ascii", ascii),
            ("abs", abs),
            ("all", all),
            ("any", any),
            ("bin", bin),
            ("oct", oct),
            ("hex", hex),
            ("callable", callable),
            ("chr", chr),
            ("ord", ord),
            ("delattr", delattr),
            ("getattr", getattr),
            ("setattr", setattr),
            ("hasattr", hasattr),
            ("dir", dir),
            ("divmod", divmod),
            ("format", format),
            ("globals", globals),
            ("locals", locals),
            ("vars", vars),
            ("hash", hash),
            ("id", id),
            ("input", input),
            ("isinstance", isinstance),
            ("issubclass", issubclass),
            ("iter", iter),
            ("next", next),
            ("max", max),
            ("min", min),
            ("pow", pow),
            ("round", round),
            ("sorted", sorted),
            ("sum", sum),
            ("__build_class__", super::build_class_native),
            ("__import__", import),
            ("exec", exec),
            ("eval", eval),
            ("compile", compile),
            ("open", open),
            ("exit", exit),
            ("quit", exit),
            ("breakpoint", breakpoint),
            ("aiter", aiter),
            ("anext", anext),
        ],
    );
}

fn print(vm: &mut Vm, a: &Args) -> PyResult {
    let mut sep = " ".to_string();
    let mut end = "\n".to_string();
    let mut file = ObjRef::NULL;
    for (k, v) in a.keywords() {
        let key = vm.str_of(k).to_string();
        match key.as_str() {
            "sep" | "end" => {
                let text = if v == vm.none {
                    if key == "sep" {
                        " ".into()
                    } else {
                        "\n".into()
                    }
                } else if vm.is_str(v) {
                    vm.str_of(v).to_string()
                } else {
                    return Err(vm.type_error(format!(
                        "{key} must be None or a string, not {}",
                        vm.type_name(v)
                    )));
                };
                if key == "sep" {
                    sep = text;
                } else {
                    end = text;
                }
            }
            "file" => file = v,
            "flush" => {}
            _ => {
                return Err(vm.type_error(format!(
                    "'{key}' is an invalid keyword argument for print()"
                )));
            }
        }
    }
    let mut text = String::new();
    for (i, &x) in a.positional().iter().enumerate() {
        if i > 0 {
            text.push_str(&sep);
        }
        text.push_str(&vm.str_string(x)?);
    }
    text.push_str(&end);
    vm.write_to_file(file, &text)?;
    Ok(vm.none())
}

impl Vm {
    /// Writes text to a file-like object (NULL or None: stdout).
    pub fn write_to_file(&mut self, file: ObjRef, text: &str) -> PyResult<()> {
        if file.is_null() || file == self.none {
            return self.write_output(text, false);
        }
        if let Some(err) = self.std_stream_kind(file) {
            return self.write_output(text, err);
        }
        let s = self.new_str(text);
        let r = self.call_method_by_name(file, "write", &[s]);
        self.decref(s);
        let r = r?;
        self.decref(r);
        Ok(())
    }
}

fn len(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_positional("len", a, 1, 1)?;
    let n = vm.len_of(a.args[0])?;
    Ok(vm.new_int(n as i64))
}

fn repr(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_positional("repr", a, 1, 1)?;
    vm.repr(a.args[0])
}

fn ascii(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_positional("ascii", a, 1, 1)?;
    vm.ascii(a.args[0])
}

fn abs(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_positional("abs", a, 1, 1)?;
    let x = a.args[0];
    let class = vm.class_of(x);
    if vm.type_obj(class).builtin {
        if let Some(n) = numbers::num_of(vm, x) {
            return Ok(match n {
                Num::Int(i) => match i.checked_abs() {
                    Some(v) => vm.new_int(v),
                    None => vm.new_bigint(BigInt::from(i).abs()),
                },
                Num::Big(b) => vm.new_bigint(b.abs()),
                Num::Float(f) => vm.new_float(f.abs()),
                Num::Complex(r, i) => vm.new_float(r.hypot(i)),
            });
        }
    }
    match vm.type_lookup(class, vm.n.abs) {
        Some(f) => vm.call_dunder(f, x, &[]),
        None => Err(vm.type_error(format!("bad operand type for abs(): '{}'", vm.type_name(x)))),
    }
}

fn truth_scan(vm: &mut Vm, a: &Args, name: &str, want: bool) -> PyResult {
    vm.check_positional(name, a, 1, 1)?;
    let it = vm.iter(a.args[0])?;
    loop {
        match vm.next(it) {
            Ok(Some(v)) => {
                let t = vm.truthy(v);
                vm.decref(v);
                match t {
                    Ok(t) if t == want => {
                        vm.decref(it);
                        return Ok(vm.bool_obj(want));
                    }
                    Ok(_) => {}
                    Err(e) => {
                        vm.decref(it);
                        return Err(e);
                    }
                }
            }
            Ok(None) => {
                vm.decref(it);
                return Ok(vm.bool_obj(!want));
            }
            Err(e) => {
                vm.decref(it);
                return Err(e);
            }
        }
    }
}

fn all(vm: &mut Vm, a: &Args) -> PyResult {
    truth_scan(vm, a, "all", false)
}

fn any(vm: &mut Vm, a: &Args) -> PyResult {
    truth_scan(vm, a, "any", true)
}

/// An int from an object supporting `__index__`, as a BigInt.
pub(crate) fn index_bigint(vm: &mut Vm, x: ObjRef) -> PyResult<BigInt> {
    match vm.kind(x) {
        Kind::Int(i) => Ok(BigInt::from(*i)),
        Kind::Bool(b) => Ok(BigInt::from(u8::from(*b))),
        Kind::BigInt(b) => Ok((**b).clone()),
        _ => Ok(BigInt::from(vm.index_value(x)?)),
    }
}

fn radix(vm: &mut Vm, a: &Args, name: &str, r: u32, prefix: &str) -> PyResult {
    vm.check_positional(name, a, 1, 1)?;
    let v = index_bigint(vm, a.args[0])?;
    let digits = v.abs().to_str_radix(r);
    let s = if v.is_negative() {
        format!("-{prefix}{digits}")
    } else {
        format!("{prefix}{digits}")
    };
    Ok(vm.new_string(s))
}

fn bin(vm: &mut Vm, a: &Args) -> PyResult {
    radix(vm, a, "bin", 2, "0b")
}

fn oct(vm: &mut Vm, a: &Args) -> PyResult {
    radix(vm, a, "oct", 8, "0o")
}

fn hex(vm: &mut Vm, a: &Args) -> PyResult {
    radix(vm, a, "hex", 16, "0x")
}

fn callable(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_positional("callable", a, 1, 1)?;
    let x = a.args[0];
    let r = matches!(
        vm.kind(x),
        Kind::Function(_) | Kind::Native(_) | Kind::BoundMethod(..) | Kind::Type(_)
    ) || vm.type_lookup(vm.class_of(x), vm.n.call).is_some();
    Ok(vm.bool_obj(r))
}

fn chr(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_positional("chr", a, 1, 1)?;
    let i = vm.index_value(a.args[0])?;
    match u32::try_from(i).ok().and_then(char::from_u32) {
        Some(c) => Ok(vm.new_str(c.encode_utf8(&mut [0; 4]))),
        None if (0..0x110000).contains(&i) => Ok(vm.new_str("\u{fffd}")),
        None => Err(vm.value_error("chr() arg not in range(0x110000)")),
    }
}

fn ord(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_positional("ord", a, 1, 1)?;
    let x = a.args[0];
    match vm.kind(x) {
        Kind::Str(s) => {
            let mut cs = s.s.chars();
            match (cs.next(), cs.next()) {
                (Some(c), None) => Ok(vm.new_int(i64::from(c as u32))),
                _ => {
                    let n = s.chars;
                    Err(vm.type_error(format!(
                        "ord() expected a character, but string of length {n} found"
                    )))
                }
            }
        }
        Kind::Bytes(b) if b.data.len() == 1 => {
            let v = b.data[0];
            Ok(vm.new_int(i64::from(v)))
        }
        _ => Err(vm.type_error(format!(
            "ord() expected string of length 1, but {} found",
            vm.type_name(x)
        ))),
    }
}

fn attr_name(vm: &mut Vm, name: ObjRef, what: &str) -> PyResult<()> {
    if !vm.is_str(name) {
        return Err(vm.type_error(format!(
            "{what}(): attribute name must be string, not '{}'",
            vm.type_name(name)
        )));
    }
    Ok(())
}

fn getattr(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_positional("getattr", a, 2, 3)?;
    attr_name(vm, a.args[1], "getattr")?;
    match vm.getattr(a.args[0], a.args[1]) {
        Err(Flow::Exc(e)) if a.args.len() == 3 && vm.exc_matches(e, vm.e.attribute_error) => {
            vm.decref(e);
            Ok(vm.share(a.args[2]))
        }
        other => other,
    }
}

fn setattr(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_positional("setattr", a, 3, 3)?;
    attr_name(vm, a.args[1], "setattr")?;
    vm.setattr(a.args[0], a.args[1], a.args[2])?;
    Ok(vm.none())
}

fn delattr(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_positional("delattr", a, 2, 2)?;
    attr_name(vm, a.args[1], "delattr")?;
    vm.delattr(a.args[0], a.args[1])?;
    Ok(vm.none())
}

fn hasattr(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_positional("hasattr", a, 2, 2)?;
    attr_name(vm, a.args[1], "hasattr")?;
    match vm.getattr(a.args[0], a.args[1]) {
        Ok(v) => {
            vm.decref(v);
            Ok(vm.bool_obj(true))
        }
        Err(Flow::Exc(e)) if vm.exc_matches(e, vm.e.attribute_error) => {
            vm.decref(e);
            Ok(vm.bool_obj(false))
        }
        Err(e) => Err(e),
    }
}

fn dir(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_positional("dir", a, 0, 1)?;
    let mut names: Vec<String> = Vec::new();
    if a.args.is_empty() {
        let f = vm.frames.last().map(|f| (f.locals, f.globals));
        let ns = match f {
            Some((l, _)) if !l.is_null() => l,
            Some((_, g)) => g,
            None => return Ok(vm.new_list(Vec::new())),
        };
        for (k, _) in vm.dict_items(ns) {
            names.push(vm.str_of(k).to_string());
        }
    } else {
        let obj = a.args[0];
        let class = vm.class_of(obj);
        if let Some(f) = vm.type_lookup(class, vm.n.dir) {
            if !matches!(vm.kind(f), Kind::Native(_)) {
                let r = vm.call_dunder(f, obj, &[])?;
                let items = vm.collect_iter(r);
                vm.decref(r);
                let mut items = items?;
                let l = vm.new_list(Vec::new());
                vm.list_mut(l).items.append(&mut items);
                vm.list_mut(l).allocated = vm.list_items(l).len();
                vm.sort_list(l, ObjRef::NULL, false)?;
                return Ok(l);
            }
        }
        let mut dicts = Vec::new();
        let d = vm.heap.get(obj).dict;
        if !d.is_null() {
            dicts.push(d);
        }
        let mro = if vm.is_type(obj) {
            vm.type_obj(obj).mro.clone()
        } else {
            vm.type_obj(class).mro.clone()
        };
        for c in mro {
            dicts.push(vm.type_obj(c).dict);
        }
        for d in dicts {
            for (k, _) in vm.dict_items(d) {
                names.push(vm.str_of(k).to_string());
            }
        }
        if !vm.is_type(obj) && !matches!(vm.kind(obj), Kind::Module(_)) {
            names.push("__class__".into());
        }
    }
    names.sort();
    names.dedup();
    let items: Vec<ObjRef> = names.iter().map(|n| vm.new_str(n)).collect();
    Ok(vm.new_list(items))
}

fn divmod(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_positional("divmod", a, 2, 2)?;
    let (x, y) = (a.args[0], a.args[1]);
    if let (Some(nx), Some(ny)) = (numbers::num_of(vm, x), numbers::num_of(vm, y)) {
        if !matches!(nx, Num::Complex(..))
            && !matches!(ny, Num::Complex(..))
            && vm.type_obj(vm.class_of(x)).builtin
            && vm.type_obj(vm.class_of(y)).builtin
        {
            if let (Some(bx), Some(by)) = (numbers::to_bigint(&nx), numbers::to_bigint(&ny)) {
                if by.is_zero() {
                    return Err(vm.new_exc(
                        vm.e.zero_division_error,
                        "integer division or modulo by zero",
                    ));
                }
                let q = pyscope_compiler::numeric::int_floordiv(&bx, &by);
                let r = pyscope_compiler::numeric::int_mod(&bx, &by);
                let q = vm.new_bigint(q);
                let r = vm.new_bigint(r);
                return Ok(vm.new_tuple(vec![q, r]));
            }
            let (fx, fy) = (
                numbers::num_to_f64(&nx).unwrap_or(f64::NAN),
                numbers::num_to_f64(&ny).unwrap_or(f64::NAN),
            );
            if fy == 0.0 {
                return Err(vm.new_exc(vm.e.zero_division_error, "float divmod()"));
            }
            let (q, r) = pyscope_compiler::numeric::float_divmod(fx, fy);
            let q = vm.new_float(q);
            let r = vm.new_float(r);
            return Ok(vm.new_tuple(vec![q, r]));
        }
    }
    let class = vm.class_of(x);
    if let Some(f) = vm.type_lookup_str(class, "__divmod__") {
        let r = vm.call_dunder(f, x, &[y])?;
        if r != vm.not_implemented {
            return Ok(r);
        }
        vm.decref(r);
    }
    let yc = vm.class_of(y);
    if let Some(f) = vm.type_lookup_str(yc, "__rdivmod__") {
        let r = vm.call_dunder(f, y, &[x])?;
        if r != vm.not_implemented {
            return Ok(r);
        }
        vm.decref(r);
    }
    Err(vm.type_error(format!(
        "unsupported operand type(s) for divmod(): '{}' and '{}'",
        vm.type_name(x),
        vm.type_name(y)
    )))
}

fn format(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_positional("format", a, 1, 2)?;
    let spec = if a.args.len() == 2 {
        vm.share(a.args[1])
    } else {
        vm.share(vm.empty_str)
    };
    let r = vm.format(a.args[0], spec);
    vm.decref(spec);
    r
}

fn globals(vm: &mut Vm, _a: &Args) -> PyResult {
    let g = vm.frames.last().map_or(ObjRef::NULL, |f| f.globals);
    Ok(vm.share(g))
}

impl Vm {
    /// `locals()` of the innermost frame: the namespace, or a snapshot of fast locals.
    pub fn locals_dict(&mut self) -> PyResult {
        let Some(f) = self.frames.last() else {
            return Ok(self.new_dict());
        };
        if !f.locals.is_null() {
            let l = f.locals;
            return Ok(self.share(l));
        }
        let names = f.code.code.localsplus_names.clone();
        let values = f.fast.clone();
        let d = self.new_dict();
        for (n, v) in names.iter().zip(values) {
            if v.is_null() {
                continue;
            }
            let v = match self.kind(v) {
                Kind::Cell(c) => *c,
                _ => v,
            };
            if v.is_null() {
                continue;
            }
            let k = self.intern(n);
            self.dict_set(d, k, v)?;
            self.decref(k);
        }
        Ok(d)
    }
}

fn locals(vm: &mut Vm, _a: &Args) -> PyResult {
    vm.locals_dict()
}

fn vars(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_positional("vars", a, 0, 1)?;
    if a.args.is_empty() {
        return vm.locals_dict();
    }
    let key = vm.share(vm.n.dict);
    let r = vm.getattr(a.args[0], key);
    vm.decref(key);
    match r {
        Err(Flow::Exc(e)) if vm.exc_matches(e, vm.e.attribute_error) => {
            vm.decref(e);
            Err(vm.type_error("vars() argument must have __dict__ attribute"))
        }
        other => other,
    }
}

fn hash(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_positional("hash", a, 1, 1)?;
    let h = vm.hash(a.args[0])?;
    Ok(vm.new_int(h))
}

fn id(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_positional("id", a, 1, 1)?;
    let addr = crate::heap::address_of(a.args[0]);
    Ok(vm.new_int(addr as i64))
}

fn input(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_positional("input", a, 0, 1)?;
    let prompt = if a.args.is_empty() {
        String::new()
    } else {
        vm.str_string(a.args[0])?
    };
    if !prompt.is_empty() {
        vm.write_output(&prompt, false)?;
    }
    if let Some(line) = vm.inputs.get(vm.inputs_used).cloned() {
        vm.inputs_used += 1;
        if vm.rec.is_some() {
            let at = vm.steps.saturating_sub(1);
            if let Some(rec) = vm.rec.as_mut() {
                rec.events
                    .push((at, pyscope_trace::Event::Input { line: line.clone() }));
            }
        }
        return Ok(vm.new_string(line));
    }
    if vm.stdin_live {
        vm.flush_output();
        let mut line = String::new();
        let n = std::io::stdin().read_line(&mut line).unwrap_or(0);
        if n == 0 {
            return Err(vm.new_exc(vm.e.eof_error, "EOF when reading a line"));
        }
        let trimmed = line.strip_suffix('\n').unwrap_or(&line);
        let trimmed = trimmed.strip_suffix('\r').unwrap_or(trimmed);
        return Ok(vm.new_str(trimmed));
    }
    if vm.native_depth > 0 {
        return Err(vm.new_exc(vm.e.eof_error, "EOF when reading a line"));
    }
    Err(vm.halt_with(HaltReason::NeedInput(prompt)))
}

impl Vm {
    /// `isinstance(obj, spec)` including tuples and `__instancecheck__`.
    pub fn isinstance(&mut self, obj: ObjRef, spec: ObjRef) -> PyResult<bool> {
        if let Kind::Tuple(items) = self.kind(spec) {
            let items = items.to_vec();
            for it in items {
                if self.isinstance(obj, it)? {
                    return Ok(true);
                }
            }
            return Ok(false);
        }
        if !self.is_type(spec) {
            return Err(
                self.type_error("isinstance() arg 2 must be a type, a tuple of types, or a union")
            );
        }
        if self.isinstance_of(obj, spec) {
            return Ok(true);
        }
        let meta = self.class_of(spec);
        if meta != self.t.type_ {
            if let Some(f) = self.type_lookup(meta, self.n.instancecheck) {
                let r = self.call_dunder(f, spec, &[obj])?;
                let t = self.truthy(r);
                self.decref(r);
                return t;
            }
        }
        Ok(false)
    }

    /// `issubclass(cls, spec)`.
    pub fn issubclass(&mut self, cls: ObjRef, spec: ObjRef) -> PyResult<bool> {
        if let Kind::Tuple(items) = self.kind(spec) {
            let items = items.to_vec();
            for it in items {
                if self.issubclass(cls, it)? {
                    return Ok(true);
                }
            }
            return Ok(false);
        }
        if !self.is_type(cls) {
            return Err(self.type_error("issubclass() arg 1 must be a class"));
        }
        if !self.is_type(spec) {
            return Err(self
                .type_error("issubclass() arg 2 must be a class, a tuple of classes, or a union"));
        }
        if self.is_subtype(cls, spec) {
            return Ok(true);
        }
        let meta = self.class_of(spec);
        if meta != self.t.type_ {
            if let Some(f) = self.type_lookup(meta, self.n.subclasscheck) {
                let r = self.call_dunder(f, spec, &[cls])?;
                let t = self.truthy(r);
                self.decref(r);
                return t;
            }
        }
        Ok(false)
    }
}

fn isinstance(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_positional("isinstance", a, 2, 2)?;
    let r = vm.isinstance(a.args[0], a.args[1])?;
    Ok(vm.bool_obj(r))
}

fn issubclass(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_positional("issubclass", a, 2, 2)?;
    let r = vm.issubclass(a.args[0], a.args[1])?;
    Ok(vm.bool_obj(r))
}

fn iter(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_positional("iter", a, 1, 2)?;
    if a.args.len() == 2 {
        let (f, s) = (a.args[0], a.args[1]);
        vm.incref(f);
        vm.incref(s);
        return Ok(vm.alloc(
            vm.t.callable_iterator,
            Kind::Iter(Box::new(IterObj::CallIter {
                func: f,
                sentinel: s,
            })),
        ));
    }
    vm.iter(a.args[0])
}

fn next(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_positional("next", a, 1, 2)?;
    let it = a.args[0];
    let is_iter = matches!(vm.kind(it), Kind::Iter(_) | Kind::Generator(_))
        || vm.type_lookup(vm.class_of(it), vm.n.next).is_some();
    if !is_iter {
        return Err(vm.type_error(format!("'{}' object is not an iterator", vm.type_name(it))));
    }
    match vm.next(it)? {
        Some(v) => Ok(v),
        None if a.args.len() == 2 => {
            let v = vm.last_stop_value();
            vm.decref(v);
            Ok(vm.share(a.args[1]))
        }
        None => {
            let v = vm.last_stop_value();
            let e = if v == vm.none {
                vm.make_exc(vm.e.stop_iteration, &[])
            } else {
                vm.make_exc(vm.e.stop_iteration, &[v])
            };
            vm.decref(v);
            Err(Flow::Exc(e))
        }
    }
}

fn min_max(vm: &mut Vm, a: &Args, name: &str, op: usize) -> PyResult {
    let mut key = ObjRef::NULL;
    let mut default = ObjRef::NULL;
    for (k, v) in a.keywords() {
        match vm.str_of(k) {
            "key" => key = if v == vm.none { ObjRef::NULL } else { v },
            "default" => default = v,
            other => {
                let other = other.to_string();
                return Err(vm.type_error(format!(
                    "'{other}' is an invalid keyword argument for {name}()"
                )));
            }
        }
    }
    let pos = a.positional();
    if pos.is_empty() {
        return Err(vm.type_error(format!("{name} expected at least 1 argument, got 0")));
    }
    let items = if pos.len() == 1 {
        vm.collect_iter(pos[0])?
    } else {
        if !default.is_null() {
            return Err(vm.type_error(format!(
                "Cannot specify a default for {name}() with multiple positional arguments"
            )));
        }
        pos.iter().map(|x| vm.share(*x)).collect()
    };
    if items.is_empty() {
        if !default.is_null() {
            return Ok(vm.share(default));
        }
        return Err(vm.value_error(format!("{name}() arg is an empty sequence")));
    }
    let mut best = items[0];
    let mut best_key = if key.is_null() {
        vm.share(best)
    } else {
        vm.call(key, &[best], &[])
            .inspect_err(|_| vm.decref_all(&items))?
    };
    for &x in &items[1..] {
        let k = if key.is_null() {
            vm.share(x)
        } else {
            match vm.call(key, &[x], &[]) {
                Ok(k) => k,
                Err(e) => {
                    vm.decref(best_key);
                    vm.decref_all(&items);
                    return Err(e);
                }
            }
        };
        match vm.compare_bool(k, best_key, op) {
            Ok(true) => {
                vm.decref(best_key);
                best_key = k;
                best = x;
            }
            Ok(false) => vm.decref(k),
            Err(e) => {
                vm.decref(k);
                vm.decref(best_key);
                vm.decref_all(&items);
                return Err(e);
            }
        }
    }
    vm.decref(best_key);
    let r = vm.share(best);
    vm.decref_all(&items);
    Ok(r)
}

fn max(vm: &mut Vm, a: &Args) -> PyResult {
    min_max(vm, a, "max", 4)
}

fn min(vm: &mut Vm, a: &Args) -> PyResult {
    min_max(vm, a, "min", 0)
}

fn pow(vm: &mut Vm, a: &Args) -> PyResult {
    let p = vm.bind_native("pow", a, &["base", "exp", "mod"], 2)?;
    if p[2].is_null() || p[2] == vm.none {
        return vm.binary_op(p[0], p[1], 8);
    }
    let (b, e, m) = (
        index_bigint(vm, p[0])?,
        index_bigint(vm, p[1])?,
        index_bigint(vm, p[2])?,
    );
    if m.is_zero() {
        return Err(vm.value_error("pow() 3rd argument cannot be 0"));
    }
    let base = if e.is_negative() {
        match mod_inverse(&b, &m) {
            Some(inv) => inv,
            None => return Err(vm.value_error("base is not invertible for the given modulus")),
        }
    } else {
        b
    };
    let r = base.modpow(&e.abs(), &m.abs());
    let r = if m.is_negative() && !r.is_zero() {
        r + &m
    } else {
        r
    };
    Ok(vm.new_bigint(r))
}

fn mod_inverse(a: &BigInt, m: &BigInt) -> Option<BigInt> {
    let m = m.abs();
    let (mut t, mut new_t) = (BigInt::zero(), BigInt::from(1));
    let (mut r, mut new_r) = (m.clone(), ((a % &m) + &m) % &m);
    while !new_r.is_zero() {
        let q = &r / &new_r;
        (t, new_t) = (new_t.clone(), t - &q * &new_t);
        (r, new_r) = (new_r.clone(), r - &q * &new_r);
    }
    if r != BigInt::from(1) {
        return None;
    }
    Some(((t % &m) + &m) % &m)
}

fn round(vm: &mut Vm, a: &Args) -> PyResult {
    let p = vm.bind_native("round", a, &["number", "ndigits"], 1)?;
    let x = p[0];
    let nd = if p[1].is_null() || p[1] == vm.none {
        None
    } else {
        Some(vm.index_value(p[1])?)
    };
    let class = vm.class_of(x);
    if vm.type_obj(class).builtin {
        match numbers::num_of(vm, x) {
            Some(Num::Float(f)) => return round_float(vm, f, nd),
            Some(n @ (Num::Int(_) | Num::Big(_))) => {
                let v = numbers::to_bigint(&n).unwrap_or_default();
                return Ok(match nd {
                    Some(d) if d < 0 => vm.new_bigint(round_int(&v, (-d) as u32)),
                    _ => vm.new_bigint(v),
                });
            }
            _ => {}
        }
    }
    match vm.type_lookup(class, vm.n.round) {
        Some(f) => {
            let args: Vec<ObjRef> = if p[1].is_null() { vec![] } else { vec![p[1]] };
            vm.call_dunder(f, x, &args)
        }
        None => Err(vm.type_error(format!(
            "type {} doesn't define __round__ method",
            vm.type_name(x)
        ))),
    }
}

/// Rounds an int to a multiple of 10**digits, half to even.
fn round_int(v: &BigInt, digits: u32) -> BigInt {
    let p = num_traits::pow(BigInt::from(10), digits as usize);
    let q = pyscope_compiler::numeric::int_floordiv(v, &p);
    let r = v - &q * &p;
    let twice = &r * 2;
    let q = if twice > p || (twice == p && (&q % 2) != BigInt::zero()) {
        q + 1
    } else {
        q
    };
    q * p
}

fn round_float(vm: &mut Vm, f: f64, nd: Option<i64>) -> PyResult {
    match nd {
        None => {
            if !f.is_finite() {
                let msg = if f.is_nan() {
                    "cannot convert float NaN to integer"
                } else {
                    "cannot convert float infinity to integer"
                };
                let class = if f.is_nan() {
                    vm.e.value_error
                } else {
                    vm.e.overflow_error
                };
                return Err(vm.new_exc(class, msg));
            }
            let r = numbers::round_half_even(f);
            Ok(vm.new_bigint(numbers::float_to_bigint(r).unwrap_or_default()))
        }
        Some(d) => {
            if !f.is_finite() || d > 308 {
                return Ok(vm.new_float(f));
            }
            if d < -308 {
                return Ok(vm.new_float(0.0f64.copysign(f)));
            }
            // Correctly rounded: format with the exact decimal expansion, then parse back.
            let r = if d >= 0 {
                let s = format!("{:.*}", d as usize, f);
                s.parse::<f64>().unwrap_or(f)
            } else {
                let p = 10f64.powi((-d) as i32);
                let y = numbers::round_half_even(f / p) * p;
                if y.is_finite() { y } else { f }
            };
            Ok(vm.new_float(r))
        }
    }
}

fn sorted(vm: &mut Vm, a: &Args) -> PyResult {
    let pos = a.positional();
    if pos.len() != 1 {
        return Err(vm.type_error(format!("sorted expected 1 argument, got {}", pos.len())));
    }
    let mut key = ObjRef::NULL;
    let mut reverse = false;
    for (k, v) in a.keywords() {
        match vm.str_of(k) {
            "key" => key = if v == vm.none { ObjRef::NULL } else { v },
            "reverse" => reverse = vm.truthy(v)?,
            other => {
                let other = other.to_string();
                return Err(vm.type_error(format!(
                    "'{other}' is an invalid keyword argument for sort()"
                )));
            }
        }
    }
    let l = vm.new_list(Vec::new());
    if let Err(e) = vm.list_extend(l, pos[0]) {
        vm.decref(l);
        return Err(e);
    }
    if let Err(e) = vm.sort_list(l, key, reverse) {
        vm.decref(l);
        return Err(e);
    }
    Ok(l)
}

fn sum(vm: &mut Vm, a: &Args) -> PyResult {
    let p = vm.bind_native("sum", a, &["iterable", "start"], 1)?;
    let start = if p[1].is_null() {
        vm.new_int(0)
    } else {
        vm.share(p[1])
    };
    match vm.kind(start) {
        Kind::Str(_) => {
            vm.decref(start);
            return Err(vm.type_error("sum() can't sum strings [use ''.join(seq) instead]"));
        }
        Kind::Bytes(_) => {
            vm.decref(start);
            return Err(vm.type_error("sum() can't sum bytes [use b''.join(seq) instead]"));
        }
        _ => {}
    }
    let it = match vm.iter(p[0]) {
        Ok(it) => it,
        Err(e) => {
            vm.decref(start);
            return Err(e);
        }
    };
    let mut acc = start;
    loop {
        match vm.next(it) {
            Ok(Some(x)) => {
                let r = vm.binary_op(acc, x, 0);
                vm.decref(x);
                vm.decref(acc);
                match r {
                    Ok(v) => acc = v,
                    Err(e) => {
                        vm.decref(it);
                        return Err(e);
                    }
                }
            }
            Ok(None) => break,
            Err(e) => {
                vm.decref(it);
                vm.decref(acc);
                return Err(e);
            }
        }
    }
    vm.decref(it);
    Ok(acc)
}

fn import(vm: &mut Vm, a: &Args) -> PyResult {
    let p = vm.bind_native(
        "__import__",
        a,
        &["name", "globals", "locals", "fromlist", "level"],
        1,
    )?;
    let name = vm.str_of(p[0]).to_string();
    let level = if p[4].is_null() {
        0
    } else {
        vm.index_value(p[4])?
    };
    let fromlist = if p[3].is_null() { vm.none } else { p[3] };
    vm.import_module(&name, fromlist, level as u32)
}

fn exec(vm: &mut Vm, a: &Args) -> PyResult {
    let p = vm.bind_native("exec", a, &["source", "globals", "locals"], 1)?;
    let r = vm.exec_source(p[0], p[1], p[2], pyscope_compiler::Mode::Exec)?;
    vm.decref(r);
    Ok(vm.none())
}

fn eval(vm: &mut Vm, a: &Args) -> PyResult {
    let p = vm.bind_native("eval", a, &["source", "globals", "locals"], 1)?;
    vm.exec_source(p[0], p[1], p[2], pyscope_compiler::Mode::Eval)
}

fn compile(vm: &mut Vm, a: &Args) -> PyResult {
    let p = vm.bind_native(
        "compile",
        a,
        &[
            "source",
            "filename",
            "mode",
            "flags",
            "dont_inherit",
            "optimize",
        ],
        3,
    )?;
    let src = vm.str_of(p[0]).to_string();
    let filename = vm.str_of(p[1]).to_string();
    let mode = match vm.str_of(p[2]) {
        "exec" => pyscope_compiler::Mode::Exec,
        "eval" => pyscope_compiler::Mode::Eval,
        "single" => pyscope_compiler::Mode::Single,
        _ => return Err(vm.value_error("compile() mode must be 'exec', 'eval' or 'single'")),
    };
    let code = vm.compile_source(&src, &filename, mode)?;
    Ok(code)
}

fn open(vm: &mut Vm, a: &Args) -> PyResult {
    let p = vm.bind_native(
        "open",
        a,
        &[
            "file",
            "mode",
            "buffering",
            "encoding",
            "errors",
            "newline",
            "closefd",
            "opener",
        ],
        1,
    )?;
    vm.open_file(p[0], p[1])
}

fn exit(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_positional("exit", a, 0, 1)?;
    Err(vm.new_exc_obj(
        vm.e.system_exit,
        a.args.first().map(std::slice::from_ref).unwrap_or(&[]),
    ))
}

fn breakpoint(vm: &mut Vm, _a: &Args) -> PyResult {
    Ok(vm.none())
}

fn aiter(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_positional("aiter", a, 1, 1)?;
    vm.call_method_by_name(a.args[0], "__aiter__", &[])
}

fn anext(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_positional("anext", a, 1, 2)?;
    vm.call_method_by_name(a.args[0], "__anext__", &[])
}

impl Vm {
    /// Sorts a list in place: stable, comparing with `<` on keys, like `list.sort`.
    pub fn sort_list(&mut self, l: ObjRef, key: ObjRef, reverse: bool) -> PyResult<()> {
        let items = std::mem::take(&mut self.list_mut(l).items);
        let keys: Vec<ObjRef> = if key.is_null() {
            items.clone()
        } else {
            let mut ks = Vec::with_capacity(items.len());
            for &x in &items {
                match self.call(key, &[x], &[]) {
                    Ok(k) => ks.push(k),
                    Err(e) => {
                        self.decref_all(&ks);
                        self.list_mut(l).items = items;
                        return Err(e);
                    }
                }
            }
            ks
        };
        let mut idx: Vec<usize> = (0..items.len()).collect();
        let r = merge_sort(self, &mut idx, &keys, reverse);
        let modified = !self.list_items(l).is_empty();
        let sorted: Vec<ObjRef> = idx.iter().map(|&i| items[i]).collect();
        if !key.is_null() {
            self.decref_all(&keys);
        }
        let list = self.list_mut(l);
        let extra = std::mem::replace(&mut list.items, if r.is_ok() { sorted } else { items });
        self.decref_all(&extra);
        if modified && r.is_ok() {
            return Err(self.value_error("list modified during sort"));
        }
        r
    }
}

/// A stable merge sort of indices by `keys[i] < keys[j]`, propagating comparison errors.
fn merge_sort(vm: &mut Vm, idx: &mut Vec<usize>, keys: &[ObjRef], reverse: bool) -> PyResult<()> {
    let n = idx.len();
    if n < 2 {
        return Ok(());
    }
    // Insertion sort for short runs, then bottom-up merges.
    let run = 16;
    for start in (0..n).step_by(run) {
        let end = (start + run).min(n);
        for i in start + 1..end {
            let mut j = i;
            while j > start && less(vm, keys, idx[j], idx[j - 1], reverse)? {
                idx.swap(j, j - 1);
                j -= 1;
            }
        }
    }
    let mut width = run;
    let mut buf = vec![0usize; n];
    while width < n {
        for lo in (0..n).step_by(2 * width) {
            let mid = (lo + width).min(n);
            let hi = (lo + 2 * width).min(n);
            let (mut i, mut j, mut k) = (lo, mid, lo);
            while i < mid && j < hi {
                if less(vm, keys, idx[j], idx[i], reverse)? {
                    buf[k] = idx[j];
                    j += 1;
                } else {
                    buf[k] = idx[i];
                    i += 1;
                }
                k += 1;
            }
            buf[k..k + mid - i].copy_from_slice(&idx[i..mid]);
            k += mid - i;
            buf[k..k + hi - j].copy_from_slice(&idx[j..hi]);
        }
        std::mem::swap(idx, &mut buf);
        width *= 2;
    }
    Ok(())
}

/// Whether item `a` sorts before item `b` (for reverse sorts, `b < a`, keeping stability).
fn less(vm: &mut Vm, keys: &[ObjRef], a: usize, b: usize, reverse: bool) -> PyResult<bool> {
    if reverse {
        vm.compare_bool(keys[b], keys[a], 0)
    } else {
        vm.compare_bool(keys[a], keys[b], 0)
    }
}
