//! `bytes` and `bytearray`: constructors, operators, and the byte-string methods the two
//! types share (searching, splitting, stripping, case, padding, predicates), plus the
//! mutating methods of `bytearray`.

use super::{C, M, S};
use crate::object::*;
use crate::vm::Vm;

pub(super) fn install(vm: &mut Vm) {
    let shared: &[super::MethodDef] = &[
        ("__add__", add, M),
        ("__mul__", mul, M),
        ("__rmul__", mul, M),
        ("__contains__", contains, M),
        ("__eq__", eq, M),
        ("__ne__", ne, M),
        ("__lt__", lt, M),
        ("__le__", le, M),
        ("__gt__", gt, M),
        ("__ge__", ge, M),
        ("decode", decode, M),
        ("hex", hex, M),
        ("fromhex", fromhex, C),
        ("count", count, M),
        ("find", find, M),
        ("rfind", rfind, M),
        ("index", index, M),
        ("rindex", rindex, M),
        ("startswith", startswith, M),
        ("endswith", endswith, M),
        ("join", join, M),
        ("split", split, M),
        ("rsplit", rsplit, M),
        ("splitlines", splitlines, M),
        ("partition", partition, M),
        ("rpartition", rpartition, M),
        ("strip", strip, M),
        ("lstrip", lstrip, M),
        ("rstrip", rstrip, M),
        ("replace", replace, M),
        ("upper", upper, M),
        ("lower", lower, M),
        ("swapcase", swapcase, M),
        ("capitalize", capitalize, M),
        ("title", title, M),
        ("isdigit", isdigit, M),
        ("isalpha", isalpha, M),
        ("isalnum", isalnum, M),
        ("isspace", isspace, M),
        ("isupper", isupper, M),
        ("islower", islower, M),
        ("isascii", isascii, M),
        ("center", center, M),
        ("ljust", ljust, M),
        ("rjust", rjust, M),
        ("zfill", zfill, M),
        ("removeprefix", removeprefix, M),
        ("removesuffix", removesuffix, M),
    ];
    let bytes_t = vm.t.bytes;
    vm.register(bytes_t, shared);
    vm.register(bytes_t, &[("__new__", bytes_new, S)]);
    let bytearray_t = vm.t.bytearray;
    vm.register(bytearray_t, shared);
    vm.register(
        bytearray_t,
        &[
            ("__new__", bytearray_new, S),
            ("__iadd__", iadd, M),
            ("append", append, M),
            ("extend", extend, M),
            ("pop", pop, M),
            ("insert", insert, M),
            ("remove", remove, M),
            ("reverse", reverse, M),
            ("clear", clear, M),
            ("copy", copy, M),
        ],
    );
}

/// The receiver's bytes.
fn data(vm: &Vm, r: ObjRef) -> Vec<u8> {
    match vm.kind(r) {
        Kind::Bytes(b) => b.data.to_vec(),
        Kind::ByteArray(b) => (**b).clone(),
        _ => Vec::new(),
    }
}

fn is_bytes_like(vm: &Vm, r: ObjRef) -> bool {
    matches!(vm.kind(r), Kind::Bytes(_) | Kind::ByteArray(_))
}

/// A bytes-like argument, or CPython's TypeError.
fn arg_bytes(vm: &mut Vm, r: ObjRef) -> PyResult<Vec<u8>> {
    if is_bytes_like(vm, r) {
        return Ok(data(vm, r));
    }
    Err(vm.type_error(format!(
        "a bytes-like object is required, not '{}'",
        vm.type_name(r)
    )))
}

/// A result of the receiver's type (`bytes` or `bytearray`).
fn same_kind(vm: &mut Vm, receiver: ObjRef, out: Vec<u8>) -> ObjRef {
    if matches!(vm.kind(receiver), Kind::ByteArray(_)) {
        vm.alloc(vm.t.bytearray, Kind::ByteArray(Box::new(out)))
    } else {
        vm.new_bytes(&out)
    }
}

fn with_data(vm: &mut Vm, r: ObjRef, f: impl FnOnce(&mut Vec<u8>)) {
    if let Kind::ByteArray(b) = &mut vm.heap.get_mut(r).kind {
        f(b);
    }
}

fn byte_value(vm: &mut Vm, x: ObjRef) -> PyResult<u8> {
    let v = vm.index_value(x)?;
    if !(0..256).contains(&v) {
        return Err(vm.value_error("byte must be in range(0, 256)"));
    }
    Ok(v as u8)
}

pub(super) fn decode_bytes(vm: &mut Vm, data: &[u8], encoding: String) -> PyResult {
    let enc = encoding.to_lowercase().replace('_', "-");
    match enc.as_str() {
        "utf-8" | "utf8" => match std::str::from_utf8(data) {
            Ok(s) => Ok(vm.new_str(s)),
            Err(e) => {
                let pos = e.valid_up_to();
                let byte = data[pos];
                let why = match e.error_len() {
                    None => "unexpected end of data",
                    Some(_) if (0x80..0xC0).contains(&byte) => "invalid start byte",
                    Some(_) if byte >= 0xF5 || byte == 0xC0 || byte == 0xC1 => "invalid start byte",
                    Some(_) => "invalid continuation byte",
                };
                let msg =
                    format!("'utf-8' codec can't decode byte {byte:#04x} in position {pos}: {why}");
                Err(vm.new_exc(vm.e.unicode_decode_error, &msg))
            }
        },
        "ascii" | "us-ascii" => {
            if let Some(pos) = data.iter().position(|b| *b >= 128) {
                let msg = format!(
                    "'ascii' codec can't decode byte {:#04x} in position {pos}: ordinal not in range(128)",
                    data[pos]
                );
                return Err(vm.new_exc(vm.e.unicode_decode_error, &msg));
            }
            Ok(vm.new_str(std::str::from_utf8(data).unwrap_or("")))
        }
        "latin-1" | "latin1" | "iso-8859-1" | "iso8859-1" => {
            let s: String = data.iter().map(|b| char::from(*b)).collect();
            Ok(vm.new_string(s))
        }
        _ => Err(vm.new_exc(vm.e.lookup_error, &format!("unknown encoding: {encoding}"))),
    }
}

fn bytes_new(vm: &mut Vm, a: &Args) -> PyResult {
    let p = vm.bind_native("bytes", a, &["cls", "source", "encoding", "errors"], 1)?;
    let out = if p[1].is_null() {
        Vec::new()
    } else {
        source_bytes(vm, p[1], p[2], p[3])?
    };
    if p[0] == vm.t.bytes {
        return Ok(vm.new_bytes(&out));
    }
    Ok(vm.alloc(
        p[0],
        Kind::Bytes(Box::new(BytesObj {
            data: out.into(),
            hash: std::cell::Cell::new(-1),
        })),
    ))
}

fn bytearray_new(vm: &mut Vm, a: &Args) -> PyResult {
    let p = vm.bind_native("bytearray", a, &["cls", "source", "encoding", "errors"], 1)?;
    let out = if p[1].is_null() {
        Vec::new()
    } else {
        source_bytes(vm, p[1], p[2], p[3])?
    };
    Ok(vm.alloc(p[0], Kind::ByteArray(Box::new(out))))
}

/// The initial contents of `bytes(source, encoding, errors)`.
fn source_bytes(
    vm: &mut Vm,
    source: ObjRef,
    encoding: ObjRef,
    errors: ObjRef,
) -> PyResult<Vec<u8>> {
    if vm.is_str(source) {
        if encoding.is_null() {
            return Err(vm.type_error("string argument without an encoding"));
        }
        let mut args = vec![source, encoding];
        if !errors.is_null() {
            args.push(errors);
        }
        let b = super::strings::encode(
            vm,
            &Args {
                args,
                kwnames: vec![],
            },
        )?;
        let out = data(vm, b);
        vm.decref(b);
        return Ok(out);
    }
    if !encoding.is_null() {
        return Err(vm.type_error("encoding without a string argument"));
    }
    if let Some(n) = vm.int_value(source) {
        if n < 0 {
            return Err(vm.value_error("negative count"));
        }
        return Ok(vec![0u8; n as usize]);
    }
    let class = vm.class_of(source);
    if !is_bytes_like(vm, source)
        && vm.type_lookup(class, vm.n.iter).is_none()
        && vm.type_lookup(class, vm.n.getitem).is_none()
    {
        let msg = format!("cannot convert '{}' object to bytes", vm.type_name(source));
        return Err(vm.type_error(msg));
    }
    vm.bytes_of(source)
}

fn add(vm: &mut Vm, a: &Args) -> PyResult {
    let (x, y) = (a.args[0], a.args[1]);
    if !is_bytes_like(vm, y) {
        let msg = format!("can't concat {} to {}", vm.type_name(y), vm.type_name(x));
        return Err(vm.type_error(msg));
    }
    let mut out = data(vm, x);
    out.extend(data(vm, y));
    Ok(same_kind(vm, x, out))
}

fn iadd(vm: &mut Vm, a: &Args) -> PyResult {
    let (x, y) = (a.args[0], a.args[1]);
    if !is_bytes_like(vm, y) {
        let msg = format!("can't concat {} to {}", vm.type_name(y), vm.type_name(x));
        return Err(vm.type_error(msg));
    }
    let more = data(vm, y);
    with_data(vm, x, |b| b.extend(more));
    Ok(vm.share(x))
}

fn mul(vm: &mut Vm, a: &Args) -> PyResult {
    let (x, n) = (a.args[0], a.args[1]);
    let Some(n) = vm.int_value(n) else {
        return Ok(vm.not_implemented());
    };
    let d = data(vm, x);
    let n = n.max(0) as usize;
    if d.len().saturating_mul(n) > 1 << 30 {
        return Err(vm.new_exc(vm.e.memory_error, ""));
    }
    Ok(same_kind(vm, x, d.repeat(n)))
}

fn contains(vm: &mut Vm, a: &Args) -> PyResult {
    let hay = data(vm, a.args[0]);
    let x = a.args[1];
    let found = if let Some(v) = vm.int_value(x) {
        if !(0..256).contains(&v) {
            return Err(vm.value_error("byte must be in range(0, 256)"));
        }
        hay.contains(&(v as u8))
    } else {
        let needle = arg_bytes(vm, x)?;
        find_sub(&hay, &needle, 0, hay.len()).is_some()
    };
    Ok(vm.bool_obj(found))
}

fn compare(vm: &mut Vm, a: &Args, op: fn(std::cmp::Ordering) -> bool) -> PyResult {
    let (x, y) = (a.args[0], a.args[1]);
    if !is_bytes_like(vm, y) {
        return Ok(vm.not_implemented());
    }
    let r = op(data(vm, x).cmp(&data(vm, y)));
    Ok(vm.bool_obj(r))
}
fn eq(vm: &mut Vm, a: &Args) -> PyResult {
    compare(vm, a, |o| o.is_eq())
}
fn ne(vm: &mut Vm, a: &Args) -> PyResult {
    compare(vm, a, |o| o.is_ne())
}
fn lt(vm: &mut Vm, a: &Args) -> PyResult {
    compare(vm, a, |o| o.is_lt())
}
fn le(vm: &mut Vm, a: &Args) -> PyResult {
    compare(vm, a, |o| o.is_le())
}
fn gt(vm: &mut Vm, a: &Args) -> PyResult {
    compare(vm, a, |o| o.is_gt())
}
fn ge(vm: &mut Vm, a: &Args) -> PyResult {
    compare(vm, a, |o| o.is_ge())
}

fn decode(vm: &mut Vm, a: &Args) -> PyResult {
    let p = vm.bind_native("decode", a, &["self", "encoding", "errors"], 1)?;
    let d = data(vm, p[0]);
    let enc = if p[1].is_null() {
        "utf-8".to_string()
    } else {
        vm.str_of(p[1]).to_string()
    };
    decode_bytes(vm, &d, enc)
}

fn hex(vm: &mut Vm, a: &Args) -> PyResult {
    let p = vm.bind_native("hex", a, &["self", "sep", "bytes_per_sep"], 1)?;
    let d = data(vm, p[0]);
    let digits: Vec<String> = d.iter().map(|b| format!("{b:02x}")).collect();
    if p[1].is_null() {
        return Ok(vm.new_string(digits.concat()));
    }
    let sep = if vm.is_str(p[1]) {
        vm.str_of(p[1]).to_string()
    } else {
        String::from_utf8_lossy(&data(vm, p[1])).into_owned()
    };
    let per = if p[2].is_null() {
        1
    } else {
        vm.index_value(p[2])?
    };
    let group = per.unsigned_abs().max(1) as usize;
    let mut chunks: Vec<String> = Vec::new();
    if per >= 0 {
        // Groups are counted from the right.
        let first = digits.len() % group;
        if first > 0 {
            chunks.push(digits[..first].concat());
        }
        chunks.extend(digits[first..].chunks(group).map(|c| c.concat()));
    } else {
        chunks.extend(digits.chunks(group).map(|c| c.concat()));
    }
    Ok(vm.new_string(chunks.join(&sep)))
}

fn fromhex(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_method_args("fromhex", a, 1, 1)?;
    let cls = a.args[0];
    if !vm.is_str(a.args[1]) {
        let msg = format!(
            "fromhex() argument must be str, not {}",
            vm.type_name(a.args[1])
        );
        return Err(vm.type_error(msg));
    }
    let text: Vec<char> = vm.str_of(a.args[1]).chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < text.len() {
        if text[i].is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let hi = text[i].to_digit(16);
        let lo = text.get(i + 1).and_then(|c| c.to_digit(16));
        match (hi, lo) {
            (Some(h), Some(l)) => out.push((h * 16 + l) as u8),
            (Some(_), None) if i + 1 >= text.len() => {
                return Err(vm.value_error(format!(
                    "non-hexadecimal number found in fromhex() arg at position {}",
                    i + 1
                )));
            }
            (Some(_), None) => {
                return Err(vm.value_error(format!(
                    "non-hexadecimal number found in fromhex() arg at position {}",
                    i + 1
                )));
            }
            (None, _) => {
                return Err(vm.value_error(format!(
                    "non-hexadecimal number found in fromhex() arg at position {i}"
                )));
            }
        }
        i += 2;
    }
    if cls == vm.t.bytearray {
        return Ok(vm.alloc(cls, Kind::ByteArray(Box::new(out))));
    }
    Ok(vm.new_bytes(&out))
}

/// The first index of `needle` in `hay[start..end]`.
fn find_sub(hay: &[u8], needle: &[u8], start: usize, end: usize) -> Option<usize> {
    if start > end || end > hay.len() {
        return None;
    }
    if needle.is_empty() {
        return Some(start);
    }
    hay[start..end]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + start)
}

fn rfind_sub(hay: &[u8], needle: &[u8], start: usize, end: usize) -> Option<usize> {
    if start > end || end > hay.len() {
        return None;
    }
    if needle.is_empty() {
        return Some(end);
    }
    hay[start..end]
        .windows(needle.len())
        .rposition(|w| w == needle)
        .map(|i| i + start)
}

/// The needle (a bytes-like object or a byte value) and the clamped `[start, end)` range.
fn search_args(vm: &mut Vm, a: &Args, name: &str) -> PyResult<(Vec<u8>, Vec<u8>, usize, usize)> {
    vm.check_method_args(name, a, 1, 3)?;
    let hay = data(vm, a.args[0]);
    let needle = match vm.int_value(a.args[1]) {
        Some(v) if (0..256).contains(&v) => vec![v as u8],
        Some(_) => return Err(vm.value_error("byte must be in range(0, 256)")),
        None => {
            if !is_bytes_like(vm, a.args[1]) {
                let msg = format!(
                    "argument should be integer or bytes-like object, not '{}'",
                    vm.type_name(a.args[1])
                );
                return Err(vm.type_error(msg));
            }
            data(vm, a.args[1])
        }
    };
    let len = hay.len() as i64;
    let clamp = |v: i64| if v < 0 { (v + len).max(0) } else { v.min(len) } as usize;
    let start = match a.args.get(2) {
        Some(&s) if s != vm.none => clamp(vm.index_value(s)?),
        _ => 0,
    };
    let end = match a.args.get(3) {
        Some(&e) if e != vm.none => clamp(vm.index_value(e)?),
        _ => hay.len(),
    };
    Ok((hay, needle, start, end))
}

fn found_or(vm: &mut Vm, r: Option<usize>, raise: bool) -> PyResult {
    match r {
        Some(i) => Ok(vm.new_int(i as i64)),
        None if raise => Err(vm.value_error("subsection not found")),
        None => Ok(vm.new_int(-1)),
    }
}

fn find(vm: &mut Vm, a: &Args) -> PyResult {
    let (h, n, s, e) = search_args(vm, a, "find")?;
    found_or(vm, find_sub(&h, &n, s, e), false)
}
fn rfind(vm: &mut Vm, a: &Args) -> PyResult {
    let (h, n, s, e) = search_args(vm, a, "rfind")?;
    found_or(vm, rfind_sub(&h, &n, s, e), false)
}
fn index(vm: &mut Vm, a: &Args) -> PyResult {
    let (h, n, s, e) = search_args(vm, a, "index")?;
    found_or(vm, find_sub(&h, &n, s, e), true)
}
fn rindex(vm: &mut Vm, a: &Args) -> PyResult {
    let (h, n, s, e) = search_args(vm, a, "rindex")?;
    found_or(vm, rfind_sub(&h, &n, s, e), true)
}

fn count(vm: &mut Vm, a: &Args) -> PyResult {
    let (h, n, s, e) = search_args(vm, a, "count")?;
    let c = if s > e {
        0
    } else if n.is_empty() {
        e - s + 1
    } else {
        let mut c = 0;
        let mut i = s;
        while let Some(j) = find_sub(&h, &n, i, e) {
            c += 1;
            i = j + n.len();
        }
        c
    };
    Ok(vm.new_int(c as i64))
}

fn affix(vm: &mut Vm, a: &Args, name: &str, end: bool) -> PyResult {
    vm.check_method_args(name, a, 1, 3)?;
    let hay = data(vm, a.args[0]);
    let len = hay.len() as i64;
    let clamp = |v: i64| if v < 0 { (v + len).max(0) } else { v.min(len) } as usize;
    let s = match a.args.get(2) {
        Some(&x) if x != vm.none => clamp(vm.index_value(x)?),
        _ => 0,
    };
    let e = match a.args.get(3) {
        Some(&x) if x != vm.none => clamp(vm.index_value(x)?),
        _ => hay.len(),
    };
    let candidates: Vec<ObjRef> = match vm.kind(a.args[1]) {
        Kind::Tuple(t) => t.to_vec(),
        _ if is_bytes_like(vm, a.args[1]) => vec![a.args[1]],
        _ => {
            let msg = format!(
                "{name} first arg must be bytes or a tuple of bytes, not {}",
                vm.type_name(a.args[1])
            );
            return Err(vm.type_error(msg));
        }
    };
    for c in candidates {
        let p = arg_bytes(vm, c)?;
        if s > e || e - s < p.len() {
            continue;
        }
        let hit = if end {
            hay[..e].ends_with(&p)
        } else {
            hay[s..].starts_with(&p)
        };
        if hit {
            return Ok(vm.bool_obj(true));
        }
    }
    Ok(vm.bool_obj(false))
}
fn startswith(vm: &mut Vm, a: &Args) -> PyResult {
    affix(vm, a, "startswith", false)
}
fn endswith(vm: &mut Vm, a: &Args) -> PyResult {
    affix(vm, a, "endswith", true)
}

fn join(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_method_args("join", a, 1, 1)?;
    let sep = data(vm, a.args[0]);
    let items = vm.collect_iter(a.args[1])?;
    let mut out = Vec::new();
    for (i, &x) in items.iter().enumerate() {
        if !is_bytes_like(vm, x) {
            let msg = format!(
                "sequence item {i}: expected a bytes-like object, {} found",
                vm.type_name(x)
            );
            vm.decref_all(&items);
            return Err(vm.type_error(msg));
        }
        if i > 0 {
            out.extend_from_slice(&sep);
        }
        out.extend(data(vm, x));
    }
    vm.decref_all(&items);
    Ok(same_kind(vm, a.args[0], out))
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

/// `sep` and `maxsplit` of `split`/`rsplit`.
fn split_args(vm: &mut Vm, a: &Args, name: &str) -> PyResult<(Option<Vec<u8>>, i64)> {
    let p = vm.bind_native(name, a, &["self", "sep", "maxsplit"], 1)?;
    let sep = if p[1].is_null() || p[1] == vm.none {
        None
    } else {
        Some(arg_bytes(vm, p[1])?)
    };
    if sep.as_ref().is_some_and(|s| s.is_empty()) {
        return Err(vm.value_error("empty separator"));
    }
    let max = if p[2].is_null() {
        -1
    } else {
        vm.index_value(p[2])?
    };
    Ok((sep, max))
}

fn pieces_to_list(vm: &mut Vm, receiver: ObjRef, pieces: Vec<Vec<u8>>) -> PyResult {
    let items: Vec<ObjRef> = pieces
        .into_iter()
        .map(|p| same_kind(vm, receiver, p))
        .collect();
    Ok(vm.new_list(items))
}

fn split(vm: &mut Vm, a: &Args) -> PyResult {
    let (sep, max) = split_args(vm, a, "split")?;
    let d = data(vm, a.args[0]);
    let mut out: Vec<Vec<u8>> = Vec::new();
    let mut splits = 0;
    match sep {
        Some(sep) => {
            let mut i = 0;
            while max < 0 || splits < max {
                match find_sub(&d, &sep, i, d.len()) {
                    Some(j) => {
                        out.push(d[i..j].to_vec());
                        i = j + sep.len();
                        splits += 1;
                    }
                    None => break,
                }
            }
            out.push(d[i..].to_vec());
        }
        None => {
            let mut i = 0;
            loop {
                while i < d.len() && is_space(d[i]) {
                    i += 1;
                }
                if i >= d.len() {
                    break;
                }
                if max >= 0 && splits >= max {
                    let mut end = d.len();
                    while end > i && is_space(d[end - 1]) {
                        end -= 1;
                    }
                    out.push(d[i..end].to_vec());
                    break;
                }
                let start = i;
                while i < d.len() && !is_space(d[i]) {
                    i += 1;
                }
                out.push(d[start..i].to_vec());
                splits += 1;
            }
        }
    }
    pieces_to_list(vm, a.args[0], out)
}

fn rsplit(vm: &mut Vm, a: &Args) -> PyResult {
    let (sep, max) = split_args(vm, a, "rsplit")?;
    let d = data(vm, a.args[0]);
    let mut out: Vec<Vec<u8>> = Vec::new();
    let mut splits = 0;
    match sep {
        Some(sep) => {
            let mut end = d.len();
            while max < 0 || splits < max {
                match rfind_sub(&d, &sep, 0, end) {
                    Some(j) => {
                        out.push(d[j + sep.len()..end].to_vec());
                        end = j;
                        splits += 1;
                    }
                    None => break,
                }
            }
            out.push(d[..end].to_vec());
        }
        None => {
            let mut end = d.len();
            loop {
                while end > 0 && is_space(d[end - 1]) {
                    end -= 1;
                }
                if end == 0 {
                    break;
                }
                if max >= 0 && splits >= max {
                    let mut start = 0;
                    while start < end && is_space(d[start]) {
                        start += 1;
                    }
                    out.push(d[start..end].to_vec());
                    break;
                }
                let stop = end;
                while end > 0 && !is_space(d[end - 1]) {
                    end -= 1;
                }
                out.push(d[end..stop].to_vec());
                splits += 1;
            }
        }
    }
    out.reverse();
    pieces_to_list(vm, a.args[0], out)
}

fn splitlines(vm: &mut Vm, a: &Args) -> PyResult {
    let p = vm.bind_native("splitlines", a, &["self", "keepends"], 1)?;
    let keep = !p[1].is_null() && vm.truthy(p[1])?;
    let d = data(vm, p[0]);
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < d.len() {
        let eol = match d[i] {
            b'\n' => 1,
            b'\r' if d.get(i + 1) == Some(&b'\n') => 2,
            b'\r' => 1,
            _ => 0,
        };
        if eol > 0 {
            let end = if keep { i + eol } else { i };
            out.push(d[start..end].to_vec());
            i += eol;
            start = i;
        } else {
            i += 1;
        }
    }
    if start < d.len() {
        out.push(d[start..].to_vec());
    }
    pieces_to_list(vm, p[0], out)
}

fn part(vm: &mut Vm, a: &Args, name: &str, last: bool) -> PyResult {
    vm.check_method_args(name, a, 1, 1)?;
    let d = data(vm, a.args[0]);
    let sep = arg_bytes(vm, a.args[1])?;
    if sep.is_empty() {
        return Err(vm.value_error("empty separator"));
    }
    let at = if last {
        rfind_sub(&d, &sep, 0, d.len())
    } else {
        find_sub(&d, &sep, 0, d.len())
    };
    let (x, y, z) = match at {
        Some(i) => (d[..i].to_vec(), sep.clone(), d[i + sep.len()..].to_vec()),
        None if last => (Vec::new(), Vec::new(), d),
        None => (d, Vec::new(), Vec::new()),
    };
    let r = a.args[0];
    let items = vec![
        same_kind(vm, r, x),
        same_kind(vm, r, y),
        same_kind(vm, r, z),
    ];
    Ok(vm.new_tuple(items))
}
fn partition(vm: &mut Vm, a: &Args) -> PyResult {
    part(vm, a, "partition", false)
}
fn rpartition(vm: &mut Vm, a: &Args) -> PyResult {
    part(vm, a, "rpartition", true)
}

fn strip_with(vm: &mut Vm, a: &Args, name: &str, left: bool, right: bool) -> PyResult {
    vm.check_method_args(name, a, 0, 1)?;
    let d = data(vm, a.args[0]);
    let chars: Option<Vec<u8>> = match a.args.get(1) {
        Some(&c) if c != vm.none => Some(arg_bytes(vm, c)?),
        _ => None,
    };
    let strip = |b: u8| match &chars {
        Some(cs) => cs.contains(&b),
        None => is_space(b),
    };
    let mut s = 0;
    let mut e = d.len();
    if left {
        while s < e && strip(d[s]) {
            s += 1;
        }
    }
    if right {
        while e > s && strip(d[e - 1]) {
            e -= 1;
        }
    }
    Ok(same_kind(vm, a.args[0], d[s..e].to_vec()))
}
fn strip(vm: &mut Vm, a: &Args) -> PyResult {
    strip_with(vm, a, "strip", true, true)
}
fn lstrip(vm: &mut Vm, a: &Args) -> PyResult {
    strip_with(vm, a, "lstrip", true, false)
}
fn rstrip(vm: &mut Vm, a: &Args) -> PyResult {
    strip_with(vm, a, "rstrip", false, true)
}

fn replace(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_method_args("replace", a, 2, 3)?;
    let d = data(vm, a.args[0]);
    let old = arg_bytes(vm, a.args[1])?;
    let new = arg_bytes(vm, a.args[2])?;
    let max = match a.args.get(3) {
        Some(&m) => vm.index_value(m)?,
        None => -1,
    };
    let mut out = Vec::with_capacity(d.len());
    let mut i = 0;
    let mut n = 0;
    if old.is_empty() {
        while max < 0 || n < max {
            out.extend_from_slice(&new);
            n += 1;
            if i >= d.len() {
                break;
            }
            out.push(d[i]);
            i += 1;
        }
        out.extend_from_slice(&d[i.min(d.len())..]);
        return Ok(same_kind(vm, a.args[0], out));
    }
    while max < 0 || n < max {
        match find_sub(&d, &old, i, d.len()) {
            Some(j) => {
                out.extend_from_slice(&d[i..j]);
                out.extend_from_slice(&new);
                i = j + old.len();
                n += 1;
            }
            None => break,
        }
    }
    out.extend_from_slice(&d[i..]);
    Ok(same_kind(vm, a.args[0], out))
}

fn map_bytes(vm: &mut Vm, a: &Args, name: &str, f: impl Fn(&[u8]) -> Vec<u8>) -> PyResult {
    vm.check_method_args(name, a, 0, 0)?;
    let d = data(vm, a.args[0]);
    Ok(same_kind(vm, a.args[0], f(&d)))
}
fn upper(vm: &mut Vm, a: &Args) -> PyResult {
    map_bytes(vm, a, "upper", |d| d.to_ascii_uppercase())
}
fn lower(vm: &mut Vm, a: &Args) -> PyResult {
    map_bytes(vm, a, "lower", |d| d.to_ascii_lowercase())
}
fn swapcase(vm: &mut Vm, a: &Args) -> PyResult {
    map_bytes(vm, a, "swapcase", |d| {
        d.iter()
            .map(|b| {
                if b.is_ascii_uppercase() {
                    b.to_ascii_lowercase()
                } else {
                    b.to_ascii_uppercase()
                }
            })
            .collect()
    })
}
fn capitalize(vm: &mut Vm, a: &Args) -> PyResult {
    map_bytes(vm, a, "capitalize", |d| {
        d.iter()
            .enumerate()
            .map(|(i, b)| {
                if i == 0 {
                    b.to_ascii_uppercase()
                } else {
                    b.to_ascii_lowercase()
                }
            })
            .collect()
    })
}
fn title(vm: &mut Vm, a: &Args) -> PyResult {
    map_bytes(vm, a, "title", |d| {
        let mut prev_cased = false;
        d.iter()
            .map(|&b| {
                let r = if prev_cased {
                    b.to_ascii_lowercase()
                } else {
                    b.to_ascii_uppercase()
                };
                prev_cased = b.is_ascii_alphabetic();
                r
            })
            .collect()
    })
}

fn predicate(vm: &mut Vm, a: &Args, name: &str, f: impl Fn(&[u8]) -> bool) -> PyResult {
    vm.check_method_args(name, a, 0, 0)?;
    let d = data(vm, a.args[0]);
    Ok(vm.bool_obj(f(&d)))
}
fn isdigit(vm: &mut Vm, a: &Args) -> PyResult {
    predicate(vm, a, "isdigit", |d| {
        !d.is_empty() && d.iter().all(u8::is_ascii_digit)
    })
}
fn isalpha(vm: &mut Vm, a: &Args) -> PyResult {
    predicate(vm, a, "isalpha", |d| {
        !d.is_empty() && d.iter().all(u8::is_ascii_alphabetic)
    })
}
fn isalnum(vm: &mut Vm, a: &Args) -> PyResult {
    predicate(vm, a, "isalnum", |d| {
        !d.is_empty() && d.iter().all(u8::is_ascii_alphanumeric)
    })
}
fn isspace(vm: &mut Vm, a: &Args) -> PyResult {
    predicate(vm, a, "isspace", |d| {
        !d.is_empty() && d.iter().all(|b| is_space(*b))
    })
}
fn isupper(vm: &mut Vm, a: &Args) -> PyResult {
    predicate(vm, a, "isupper", |d| {
        d.iter().any(u8::is_ascii_uppercase) && !d.iter().any(u8::is_ascii_lowercase)
    })
}
fn islower(vm: &mut Vm, a: &Args) -> PyResult {
    predicate(vm, a, "islower", |d| {
        d.iter().any(u8::is_ascii_lowercase) && !d.iter().any(u8::is_ascii_uppercase)
    })
}
fn isascii(vm: &mut Vm, a: &Args) -> PyResult {
    predicate(vm, a, "isascii", |d| d.is_ascii())
}

fn pad(vm: &mut Vm, a: &Args, name: &str, how: fn(usize) -> (usize, usize)) -> PyResult {
    vm.check_method_args(name, a, 1, 2)?;
    let d = data(vm, a.args[0]);
    let width = vm.index_value(a.args[1])?.max(0) as usize;
    let fill = match a.args.get(2) {
        Some(&f) => {
            let f = arg_bytes(vm, f)?;
            if f.len() != 1 {
                let msg =
                    format!("{name}() argument 2 must be a byte string of length 1, not bytes");
                return Err(vm.type_error(msg));
            }
            f[0]
        }
        None => b' ',
    };
    if width <= d.len() {
        return Ok(same_kind(vm, a.args[0], d));
    }
    let (left, right) = how(width - d.len());
    let mut out = vec![fill; left];
    out.extend_from_slice(&d);
    out.extend(std::iter::repeat_n(fill, right));
    Ok(same_kind(vm, a.args[0], out))
}
fn center(vm: &mut Vm, a: &Args) -> PyResult {
    let len = data(vm, a.args[0]).len();
    if len % 2 == 1 {
        pad(vm, a, "center", |n| (n / 2 + n % 2, n / 2))
    } else {
        pad(vm, a, "center", |n| (n / 2, n - n / 2))
    }
}
fn ljust(vm: &mut Vm, a: &Args) -> PyResult {
    pad(vm, a, "ljust", |n| (0, n))
}
fn rjust(vm: &mut Vm, a: &Args) -> PyResult {
    pad(vm, a, "rjust", |n| (n, 0))
}
fn zfill(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_method_args("zfill", a, 1, 1)?;
    let d = data(vm, a.args[0]);
    let width = vm.index_value(a.args[1])?.max(0) as usize;
    if width <= d.len() {
        return Ok(same_kind(vm, a.args[0], d));
    }
    let (sign, digits) = match d.first() {
        Some(b'+' | b'-') => (d[..1].to_vec(), d[1..].to_vec()),
        _ => (Vec::new(), d.clone()),
    };
    let mut out = sign;
    out.extend(std::iter::repeat_n(b'0', width - d.len()));
    out.extend(digits);
    Ok(same_kind(vm, a.args[0], out))
}

fn removeprefix(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_method_args("removeprefix", a, 1, 1)?;
    let d = data(vm, a.args[0]);
    let p = arg_bytes(vm, a.args[1])?;
    let out = d.strip_prefix(p.as_slice()).unwrap_or(&d).to_vec();
    Ok(same_kind(vm, a.args[0], out))
}
fn removesuffix(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_method_args("removesuffix", a, 1, 1)?;
    let d = data(vm, a.args[0]);
    let p = arg_bytes(vm, a.args[1])?;
    let out = d.strip_suffix(p.as_slice()).unwrap_or(&d).to_vec();
    Ok(same_kind(vm, a.args[0], out))
}

// ----- bytearray's mutating methods -----

fn append(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_method_args("append", a, 1, 1)?;
    let v = byte_value(vm, a.args[1])?;
    with_data(vm, a.args[0], |b| b.push(v));
    Ok(vm.none())
}

fn extend(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_method_args("extend", a, 1, 1)?;
    if vm.is_str(a.args[1]) {
        return Err(vm.type_error("expected iterable of integers; got: 'str'"));
    }
    let more = vm.bytes_of(a.args[1])?;
    with_data(vm, a.args[0], |b| b.extend(more));
    Ok(vm.none())
}

fn pop(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_method_args("pop", a, 0, 1)?;
    let len = data(vm, a.args[0]).len() as i64;
    if len == 0 {
        return Err(vm.index_error("pop from empty bytearray"));
    }
    let mut i = match a.args.get(1) {
        Some(&x) => vm.index_value(x)?,
        None => -1,
    };
    if i < 0 {
        i += len;
    }
    if !(0..len).contains(&i) {
        return Err(vm.index_error("pop index out of range"));
    }
    let mut v = 0u8;
    with_data(vm, a.args[0], |b| v = b.remove(i as usize));
    Ok(vm.new_int(i64::from(v)))
}

fn insert(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_method_args("insert", a, 2, 2)?;
    let len = data(vm, a.args[0]).len() as i64;
    let mut i = vm.index_value(a.args[1])?;
    let v = byte_value(vm, a.args[2])?;
    if i < 0 {
        i = (i + len).max(0);
    }
    let i = i.min(len) as usize;
    with_data(vm, a.args[0], |b| b.insert(i, v));
    Ok(vm.none())
}

fn remove(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_method_args("remove", a, 1, 1)?;
    let v = byte_value(vm, a.args[1])?;
    let Some(i) = data(vm, a.args[0]).iter().position(|b| *b == v) else {
        return Err(vm.value_error("value not found in bytearray"));
    };
    with_data(vm, a.args[0], |b| {
        b.remove(i);
    });
    Ok(vm.none())
}

fn reverse(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_method_args("reverse", a, 0, 0)?;
    with_data(vm, a.args[0], |b| b.reverse());
    Ok(vm.none())
}

fn clear(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_method_args("clear", a, 0, 0)?;
    with_data(vm, a.args[0], Vec::clear);
    Ok(vm.none())
}

fn copy(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_method_args("copy", a, 0, 0)?;
    let d = data(vm, a.args[0]);
    Ok(vm.alloc(vm.t.bytearray, Kind::ByteArray(Box::new(d))))
}
