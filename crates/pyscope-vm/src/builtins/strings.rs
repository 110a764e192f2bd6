//! `str` and `bytes`: constructors and methods (splitting, stripping, searching, case,
//! padding, predicates, `join`, `format`, `%`).

use super::{M, S};
use crate::object::*;
use crate::vm::Vm;
use pyscope_compiler::unicode;

pub(super) fn install(vm: &mut Vm) {
    let str_t = vm.t.str;
    vm.register(
        str_t,
        &[
            ("__new__", str_new, S),
            ("__add__", str_add, M),
            ("__mul__", str_mul, M),
            ("__rmul__", str_mul, M),
            ("__mod__", str_mod, M),
            ("__len__", str_len, M),
            ("__contains__", str_contains, M),
            ("__getitem__", str_getitem, M),
            ("__iter__", str_iter, M),
            ("__hash__", str_hash, M),
            ("__repr__", str_repr, M),
            ("__str__", str_str, M),
            ("__format__", str_format_method, M),
            ("__eq__", str_eq, M),
            ("__ne__", str_ne, M),
            ("__lt__", str_lt, M),
            ("__le__", str_le, M),
            ("__gt__", str_gt, M),
            ("__ge__", str_ge, M),
            ("join", join, M),
            ("split", split, M),
            ("rsplit", rsplit, M),
            ("splitlines", splitlines, M),
            ("strip", strip, M),
            ("lstrip", lstrip, M),
            ("rstrip", rstrip, M),
            ("upper", upper, M),
            ("lower", lower, M),
            ("casefold", lower, M),
            ("capitalize", capitalize, M),
            ("title", title, M),
            ("swapcase", swapcase, M),
            ("replace", replace, M),
            ("startswith", startswith, M),
            ("endswith", endswith, M),
            ("find", find, M),
            ("rfind", rfind, M),
            ("index", index, M),
            ("rindex", rindex, M),
            ("count", count, M),
            ("format", format, M),
            ("format_map", format_map, M),
            ("center", center, M),
            ("ljust", ljust, M),
            ("rjust", rjust, M),
            ("zfill", zfill, M),
            ("isdigit", isdigit, M),
            ("isdecimal", isdecimal, M),
            ("isnumeric", isnumeric, M),
            ("isalpha", isalpha, M),
            ("isalnum", isalnum, M),
            ("isspace", isspace, M),
            ("isupper", isupper, M),
            ("islower", islower, M),
            ("istitle", istitle, M),
            ("isidentifier", isidentifier, M),
            ("isprintable", isprintable, M),
            ("isascii", isascii, M),
            ("partition", partition, M),
            ("rpartition", rpartition, M),
            ("encode", encode, M),
            ("expandtabs", expandtabs, M),
            ("removeprefix", removeprefix, M),
            ("removesuffix", removesuffix, M),
            ("maketrans", maketrans, S),
            ("translate", translate, M),
        ],
    );
}

/// The receiver's text (`self` of a str method).
fn text(vm: &mut Vm, a: &Args, name: &str) -> PyResult<String> {
    match a.args.first() {
        Some(&s) if vm.is_str(s) => Ok(vm.str_of(s).to_string()),
        Some(&s) => Err(vm.type_error(format!(
            "descriptor '{name}' requires a 'str' object but received a '{}'",
            vm.type_name(s)
        ))),
        None => Err(vm.type_error(format!(
            "descriptor '{name}' of 'str' object needs an argument"
        ))),
    }
}

/// A str argument, or a TypeError naming the method.
fn str_arg(vm: &mut Vm, x: ObjRef, what: &str) -> PyResult<String> {
    if vm.is_str(x) {
        return Ok(vm.str_of(x).to_string());
    }
    Err(vm.type_error(format!("{what} must be str, not {}", vm.type_name(x))))
}

fn str_new(vm: &mut Vm, a: &Args) -> PyResult {
    let p = vm.bind_native("str", a, &["cls", "object", "encoding", "errors"], 1)?;
    let cls = p[0];
    let s = if p[1].is_null() {
        vm.share(vm.empty_str)
    } else if !p[2].is_null() || !p[3].is_null() {
        let data = vm.bytes_of(p[1])?;
        super::bytes::decode_bytes(
            vm,
            &data,
            if p[2].is_null() {
                "utf-8".into()
            } else {
                vm.str_of(p[2]).to_string()
            },
        )?
    } else {
        vm.to_str(p[1])?
    };
    if cls == vm.t.str {
        return Ok(s);
    }
    let t = vm.str_of(s).to_string();
    vm.decref(s);
    Ok(vm.alloc(cls, Kind::Str(Box::new(StrObj::new(&t)))))
}

fn str_add(vm: &mut Vm, a: &Args) -> PyResult {
    let (x, y) = (a.args[0], a.args[1]);
    if !vm.is_str(y) {
        return Ok(vm.not_implemented());
    }
    let s = format!("{}{}", vm.str_of(x), vm.str_of(y));
    Ok(vm.new_string(s))
}

fn str_mul(vm: &mut Vm, a: &Args) -> PyResult {
    let (x, y) = (a.args[0], a.args[1]);
    if vm.int_value(y).is_none() && !matches!(vm.kind(y), Kind::BigInt(_)) {
        if vm.type_lookup(vm.class_of(y), vm.n.index).is_none() {
            return Ok(vm.not_implemented());
        }
    }
    let n = vm.index_value(y)?;
    if n <= 0 {
        return Ok(vm.share(vm.empty_str));
    }
    if n == 1 && vm.class_of(x) == vm.t.str {
        return Ok(vm.share(x));
    }
    let len = vm.str_of(x).len();
    if (len as u128) * (n as u128) > 1 << 31 {
        return Err(vm.new_exc(vm.e.memory_error, ""));
    }
    let s = vm.str_of(x).repeat(n as usize);
    Ok(vm.new_string(s))
}

fn str_mod(vm: &mut Vm, a: &Args) -> PyResult {
    let s = vm.percent_format(a.args[0], a.args[1])?;
    Ok(vm.new_string(s))
}

fn str_len(vm: &mut Vm, a: &Args) -> PyResult {
    let n = vm.len_of(a.args[0])?;
    Ok(vm.new_int(n as i64))
}

fn str_contains(vm: &mut Vm, a: &Args) -> PyResult {
    let r = vm.contains(a.args[0], a.args[1])?;
    Ok(vm.bool_obj(r))
}

fn str_getitem(vm: &mut Vm, a: &Args) -> PyResult {
    vm.getitem(a.args[0], a.args[1])
}

fn str_iter(vm: &mut Vm, a: &Args) -> PyResult {
    vm.iter(a.args[0])
}

fn str_hash(vm: &mut Vm, a: &Args) -> PyResult {
    let h = vm.hash(a.args[0])?;
    Ok(vm.new_int(h))
}

fn str_repr(vm: &mut Vm, a: &Args) -> PyResult {
    let s = pyscope_compiler::pyrepr::str_repr(vm.str_of(a.args[0]));
    Ok(vm.new_string(s))
}

fn str_str(vm: &mut Vm, a: &Args) -> PyResult {
    let x = a.args[0];
    if vm.class_of(x) == vm.t.str {
        return Ok(vm.share(x));
    }
    let s = vm.str_of(x).to_string();
    Ok(vm.new_string(s))
}

fn str_format_method(vm: &mut Vm, a: &Args) -> PyResult {
    let spec = vm.str_of(a.args[1]).to_string();
    let s = vm.format_builtin(a.args[0], &spec)?;
    Ok(vm.new_string(s))
}

fn str_cmp(vm: &mut Vm, a: &Args, op: usize) -> PyResult {
    let (x, y) = (a.args[0], a.args[1]);
    if !vm.is_str(y) {
        return Ok(vm.not_implemented());
    }
    let o = vm.str_of(x).cmp(vm.str_of(y));
    Ok(vm.bool_obj(crate::ops::cmp_result(op, o)))
}

fn str_eq(vm: &mut Vm, a: &Args) -> PyResult {
    str_cmp(vm, a, 2)
}
fn str_ne(vm: &mut Vm, a: &Args) -> PyResult {
    str_cmp(vm, a, 3)
}
fn str_lt(vm: &mut Vm, a: &Args) -> PyResult {
    str_cmp(vm, a, 0)
}
fn str_le(vm: &mut Vm, a: &Args) -> PyResult {
    str_cmp(vm, a, 1)
}
fn str_gt(vm: &mut Vm, a: &Args) -> PyResult {
    str_cmp(vm, a, 4)
}
fn str_ge(vm: &mut Vm, a: &Args) -> PyResult {
    str_cmp(vm, a, 5)
}

fn join(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_method_args("join", a, 1, 1)?;
    let sep = text(vm, a, "join")?;
    let items = vm.collect_iter(a.args[1])?;
    let mut out = String::new();
    for (i, &it) in items.iter().enumerate() {
        if !vm.is_str(it) {
            let msg = format!(
                "sequence item {i}: expected str instance, {} found",
                vm.type_name(it)
            );
            vm.decref_all(&items);
            return Err(vm.type_error(msg));
        }
        if i > 0 {
            out.push_str(&sep);
        }
        out.push_str(vm.str_of(it));
    }
    if items.len() == 1 && vm.class_of(items[0]) == vm.t.str {
        let only = items[0];
        return Ok(only);
    }
    vm.decref_all(&items);
    Ok(vm.new_string(out))
}

fn new_str_list(vm: &mut Vm, parts: Vec<String>) -> PyResult {
    let items: Vec<ObjRef> = parts.iter().map(|p| vm.new_str(p)).collect();
    Ok(vm.new_list(items))
}

fn sep_and_max(vm: &mut Vm, a: &Args, name: &str) -> PyResult<(Option<String>, i64)> {
    let p = vm.bind_native(name, a, &["self", "sep", "maxsplit"], 1)?;
    let sep = if p[1].is_null() || p[1] == vm.none {
        None
    } else {
        Some(str_arg(vm, p[1], "sep")?)
    };
    if sep.as_deref() == Some("") {
        return Err(vm.value_error("empty separator"));
    }
    let max = if p[2].is_null() {
        -1
    } else {
        vm.index_value(p[2])?
    };
    Ok((sep, max))
}

fn split(vm: &mut Vm, a: &Args) -> PyResult {
    let s = text(vm, a, "split")?;
    let (sep, max) = sep_and_max(vm, a, "split")?;
    let parts: Vec<String> = match sep {
        Some(sep) => {
            if max < 0 {
                s.split(sep.as_str()).map(String::from).collect()
            } else {
                s.splitn(max as usize + 1, sep.as_str())
                    .map(String::from)
                    .collect()
            }
        }
        None => split_whitespace(&s, max),
    };
    new_str_list(vm, parts)
}

fn split_whitespace(s: &str, max: i64) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = s.trim_start();
    while !rest.is_empty() {
        if max >= 0 && out.len() as i64 == max {
            out.push(rest.to_string());
            break;
        }
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        out.push(rest[..end].to_string());
        rest = rest[end..].trim_start();
    }
    out
}

fn rsplit(vm: &mut Vm, a: &Args) -> PyResult {
    let s = text(vm, a, "rsplit")?;
    let (sep, max) = sep_and_max(vm, a, "rsplit")?;
    let mut parts: Vec<String> = match sep {
        Some(sep) => {
            if max < 0 {
                s.rsplit(sep.as_str()).map(String::from).collect()
            } else {
                s.rsplitn(max as usize + 1, sep.as_str())
                    .map(String::from)
                    .collect()
            }
        }
        None => {
            let rev: String = s.chars().rev().collect();
            split_whitespace(&rev, max)
                .into_iter()
                .map(|p| p.chars().rev().collect())
                .collect()
        }
    };
    parts.reverse();
    new_str_list(vm, parts)
}

fn splitlines(vm: &mut Vm, a: &Args) -> PyResult {
    let s = text(vm, a, "splitlines")?;
    let p = vm.bind_native("splitlines", a, &["self", "keepends"], 1)?;
    let keep = !p[1].is_null() && vm.truthy(p[1])?;
    let mut parts = Vec::new();
    let mut cur = String::new();
    let cs: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < cs.len() {
        let c = cs[i];
        if matches!(
            c,
            '\n' | '\r'
                | '\x0b'
                | '\x0c'
                | '\x1c'
                | '\x1d'
                | '\x1e'
                | '\u{85}'
                | '\u{2028}'
                | '\u{2029}'
        ) {
            let mut end = c.to_string();
            if c == '\r' && cs.get(i + 1) == Some(&'\n') {
                end.push('\n');
                i += 1;
            }
            if keep {
                cur.push_str(&end);
            }
            parts.push(std::mem::take(&mut cur));
        } else {
            cur.push(c);
        }
        i += 1;
    }
    if !cur.is_empty() {
        parts.push(cur);
    }
    new_str_list(vm, parts)
}

fn strip_chars(vm: &mut Vm, a: &Args, name: &str) -> PyResult<Option<Vec<char>>> {
    vm.check_method_args(name, a, 0, 1)?;
    match a.args.get(1) {
        Some(&x) if x != vm.none => Ok(Some(
            str_arg(vm, x, &format!("{name} arg"))?.chars().collect(),
        )),
        _ => Ok(None),
    }
}

fn do_strip(vm: &mut Vm, a: &Args, name: &str, left: bool, right: bool) -> PyResult {
    let s = text(vm, a, name)?;
    let chars = strip_chars(vm, a, name)?;
    let pred = |c: char| match &chars {
        Some(cs) => cs.contains(&c),
        None => c.is_whitespace(),
    };
    let mut r: &str = &s;
    if left {
        r = r.trim_start_matches(pred);
    }
    if right {
        r = r.trim_end_matches(pred);
    }
    if r.len() == s.len() && vm.class_of(a.args[0]) == vm.t.str {
        return Ok(vm.share(a.args[0]));
    }
    let r = r.to_string();
    Ok(vm.new_string(r))
}

fn strip(vm: &mut Vm, a: &Args) -> PyResult {
    do_strip(vm, a, "strip", true, true)
}
fn lstrip(vm: &mut Vm, a: &Args) -> PyResult {
    do_strip(vm, a, "lstrip", true, false)
}
fn rstrip(vm: &mut Vm, a: &Args) -> PyResult {
    do_strip(vm, a, "rstrip", false, true)
}

fn map_text(vm: &mut Vm, a: &Args, name: &str, f: impl Fn(&str) -> String) -> PyResult {
    vm.check_method_args(name, a, 0, 0)?;
    let s = text(vm, a, name)?;
    Ok(vm.new_string(f(&s)))
}

fn upper(vm: &mut Vm, a: &Args) -> PyResult {
    map_text(vm, a, "upper", str::to_uppercase)
}
fn lower(vm: &mut Vm, a: &Args) -> PyResult {
    map_text(vm, a, "lower", str::to_lowercase)
}
fn capitalize(vm: &mut Vm, a: &Args) -> PyResult {
    map_text(vm, a, "capitalize", |s| {
        let mut cs = s.chars();
        match cs.next() {
            Some(c) => c.to_uppercase().collect::<String>() + &cs.as_str().to_lowercase(),
            None => String::new(),
        }
    })
}
fn title(vm: &mut Vm, a: &Args) -> PyResult {
    map_text(vm, a, "title", |s| {
        let mut out = String::new();
        let mut prev_cased = false;
        for c in s.chars() {
            if prev_cased {
                out.extend(c.to_lowercase());
            } else {
                out.extend(c.to_uppercase());
            }
            prev_cased = c.is_alphabetic();
        }
        out
    })
}
fn swapcase(vm: &mut Vm, a: &Args) -> PyResult {
    map_text(vm, a, "swapcase", |s| {
        s.chars()
            .flat_map(|c| {
                if c.is_uppercase() {
                    c.to_lowercase().collect::<Vec<_>>()
                } else {
                    c.to_uppercase().collect()
                }
            })
            .collect()
    })
}

fn replace(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_method_args("replace", a, 2, 3)?;
    let s = text(vm, a, "replace")?;
    let old = str_arg(vm, a.args[1], "replace() argument 1")?;
    let new = str_arg(vm, a.args[2], "replace() argument 2")?;
    let count = match a.args.get(3) {
        Some(&c) => vm.index_value(c)?,
        None => -1,
    };
    let r = if count < 0 {
        if old.is_empty() {
            let mut out = new.clone();
            for c in s.chars() {
                out.push(c);
                out.push_str(&new);
            }
            out
        } else {
            s.replace(&old, &new)
        }
    } else {
        s.replacen(&old, &new, count as usize)
    };
    Ok(vm.new_string(r))
}

fn affix_check(vm: &mut Vm, a: &Args, name: &str, ends: bool) -> PyResult {
    vm.check_method_args(name, a, 1, 3)?;
    let s = text(vm, a, name)?;
    let (start, end) = range_args(vm, a, s.chars().count())?;
    let sub: String = s
        .chars()
        .skip(start)
        .take(end.saturating_sub(start))
        .collect();
    let test = |p: &str| {
        if ends {
            sub.ends_with(p)
        } else {
            sub.starts_with(p)
        }
    };
    let arg = a.args[1];
    let r = if let Kind::Tuple(items) = vm.kind(arg) {
        let items = items.to_vec();
        let mut any = false;
        for it in items {
            let p = str_arg(vm, it, "tuple for startswith must only contain str, not")?;
            any |= test(&p);
        }
        any
    } else if vm.is_str(arg) {
        test(vm.str_of(arg))
    } else {
        return Err(vm.type_error(format!(
            "{name} first arg must be str or a tuple of str, not {}",
            vm.type_name(arg)
        )));
    };
    Ok(vm.bool_obj(r))
}

fn startswith(vm: &mut Vm, a: &Args) -> PyResult {
    affix_check(vm, a, "startswith", false)
}
fn endswith(vm: &mut Vm, a: &Args) -> PyResult {
    affix_check(vm, a, "endswith", true)
}

/// Resolves optional `start` and `end` arguments (positions 2 and 3) like slice indices.
fn range_args(vm: &mut Vm, a: &Args, len: usize) -> PyResult<(usize, usize)> {
    let norm = |v: i64| -> usize {
        if v < 0 {
            (v + len as i64).max(0) as usize
        } else {
            (v as usize).min(len)
        }
    };
    let start = match a.args.get(2) {
        Some(&x) if x != vm.none => norm(vm.index_value(x)?),
        _ => 0,
    };
    let end = match a.args.get(3) {
        Some(&x) if x != vm.none => norm(vm.index_value(x)?),
        _ => len,
    };
    Ok((start, end))
}

/// Finds `sub` in the char range; returns the char index.
fn find_in(s: &str, sub: &str, start: usize, end: usize, last: bool) -> Option<usize> {
    if start > end {
        return None;
    }
    let cs: Vec<char> = s.chars().collect();
    let hay: String = cs[start..end.min(cs.len())].iter().collect();
    let pos = if last { hay.rfind(sub) } else { hay.find(sub) }?;
    Some(start + hay[..pos].chars().count())
}

fn search(vm: &mut Vm, a: &Args, name: &str, last: bool, raise: bool) -> PyResult {
    vm.check_method_args(name, a, 1, 3)?;
    let s = text(vm, a, name)?;
    let sub = str_arg(vm, a.args[1], "must be str, not")?;
    let (start, end) = range_args(vm, a, s.chars().count())?;
    match find_in(&s, &sub, start, end, last) {
        Some(i) => Ok(vm.new_int(i as i64)),
        None if raise => Err(vm.value_error("substring not found")),
        None => Ok(vm.new_int(-1)),
    }
}

fn find(vm: &mut Vm, a: &Args) -> PyResult {
    search(vm, a, "find", false, false)
}
fn rfind(vm: &mut Vm, a: &Args) -> PyResult {
    search(vm, a, "rfind", true, false)
}
fn index(vm: &mut Vm, a: &Args) -> PyResult {
    search(vm, a, "index", false, true)
}
fn rindex(vm: &mut Vm, a: &Args) -> PyResult {
    search(vm, a, "rindex", true, true)
}

fn count(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_method_args("count", a, 1, 3)?;
    let s = text(vm, a, "count")?;
    let sub = str_arg(vm, a.args[1], "must be str, not")?;
    let n = s.chars().count();
    let (start, end) = range_args(vm, a, n)?;
    if start > end {
        return Ok(vm.new_int(0));
    }
    let hay: String = s.chars().skip(start).take(end - start).collect();
    let c = if sub.is_empty() {
        hay.chars().count() + 1
    } else {
        hay.matches(sub.as_str()).count()
    };
    Ok(vm.new_int(c as i64))
}

fn format(vm: &mut Vm, a: &Args) -> PyResult {
    let s = text(vm, a, "format")?;
    let pos: Vec<ObjRef> = a.positional()[1..].to_vec();
    let kw: Vec<(ObjRef, ObjRef)> = a.keywords().collect();
    let r = vm.str_format(&s, &pos, &kw, ObjRef::NULL)?;
    Ok(vm.new_string(r))
}

fn format_map(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_method_args("format_map", a, 1, 1)?;
    let s = text(vm, a, "format_map")?;
    let r = vm.str_format(&s, &[], &[], a.args[1])?;
    Ok(vm.new_string(r))
}

fn pad_args(vm: &mut Vm, a: &Args, name: &str) -> PyResult<(String, usize, char)> {
    vm.check_method_args(name, a, 1, 2)?;
    let s = text(vm, a, name)?;
    let width = vm.index_value(a.args[1])?.max(0) as usize;
    let fill = match a.args.get(2) {
        Some(&f) => {
            let fs = str_arg(vm, f, "The fill character")?;
            let mut cs = fs.chars();
            match (cs.next(), cs.next()) {
                (Some(c), None) => c,
                _ => {
                    return Err(
                        vm.type_error("The fill character must be exactly one character long")
                    );
                }
            }
        }
        None => ' ',
    };
    Ok((s, width, fill))
}

fn center(vm: &mut Vm, a: &Args) -> PyResult {
    let (s, width, fill) = pad_args(vm, a, "center")?;
    let n = s.chars().count();
    if width <= n {
        return Ok(vm.new_string(s));
    }
    let total = width - n;
    let left = total / 2 + (total & width & 1);
    let r = format!(
        "{}{s}{}",
        fill.to_string().repeat(left),
        fill.to_string().repeat(total - left)
    );
    Ok(vm.new_string(r))
}

fn ljust(vm: &mut Vm, a: &Args) -> PyResult {
    let (s, width, fill) = pad_args(vm, a, "ljust")?;
    let n = s.chars().count();
    let r = if width > n {
        format!("{s}{}", fill.to_string().repeat(width - n))
    } else {
        s
    };
    Ok(vm.new_string(r))
}

fn rjust(vm: &mut Vm, a: &Args) -> PyResult {
    let (s, width, fill) = pad_args(vm, a, "rjust")?;
    let n = s.chars().count();
    let r = if width > n {
        format!("{}{s}", fill.to_string().repeat(width - n))
    } else {
        s
    };
    Ok(vm.new_string(r))
}

fn zfill(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_method_args("zfill", a, 1, 1)?;
    let s = text(vm, a, "zfill")?;
    let width = vm.index_value(a.args[1])?.max(0) as usize;
    let n = s.chars().count();
    if width <= n {
        return Ok(vm.new_string(s));
    }
    let (sign, rest) = match s.chars().next() {
        Some(c @ ('+' | '-')) => (c.to_string(), s[1..].to_string()),
        _ => (String::new(), s.clone()),
    };
    Ok(vm.new_string(format!("{sign}{}{rest}", "0".repeat(width - n))))
}

fn predicate(vm: &mut Vm, a: &Args, name: &str, f: impl Fn(&str) -> bool) -> PyResult {
    vm.check_method_args(name, a, 0, 0)?;
    let s = text(vm, a, name)?;
    Ok(vm.bool_obj(f(&s)))
}

/// Whether `s` is non-empty and every character is in the Unicode class `table`.
fn all_in(s: &str, table: &[(u32, u32)]) -> bool {
    !s.is_empty() && s.chars().all(|c| unicode::in_table(table, c))
}

fn isdigit(vm: &mut Vm, a: &Args) -> PyResult {
    predicate(vm, a, "isdigit", |s| all_in(s, unicode::DIGIT))
}
fn isdecimal(vm: &mut Vm, a: &Args) -> PyResult {
    predicate(vm, a, "isdecimal", |s| all_in(s, unicode::DECIMAL))
}
fn isnumeric(vm: &mut Vm, a: &Args) -> PyResult {
    predicate(vm, a, "isnumeric", |s| all_in(s, unicode::NUMERIC))
}
fn isalpha(vm: &mut Vm, a: &Args) -> PyResult {
    predicate(vm, a, "isalpha", |s| all_in(s, unicode::ALPHA))
}
fn isalnum(vm: &mut Vm, a: &Args) -> PyResult {
    predicate(vm, a, "isalnum", |s| {
        !s.is_empty()
            && s.chars().all(|c| {
                unicode::in_table(unicode::ALPHA, c) || unicode::in_table(unicode::NUMERIC, c)
            })
    })
}
fn isspace(vm: &mut Vm, a: &Args) -> PyResult {
    predicate(vm, a, "isspace", |s| all_in(s, unicode::SPACE))
}
fn isupper(vm: &mut Vm, a: &Args) -> PyResult {
    predicate(vm, a, "isupper", |s| {
        s.chars().any(char::is_uppercase) && !s.chars().any(char::is_lowercase)
    })
}
fn islower(vm: &mut Vm, a: &Args) -> PyResult {
    predicate(vm, a, "islower", |s| {
        s.chars().any(char::is_lowercase) && !s.chars().any(char::is_uppercase)
    })
}
fn istitle(vm: &mut Vm, a: &Args) -> PyResult {
    predicate(vm, a, "istitle", |s| {
        let mut prev_cased = false;
        let mut any = false;
        for c in s.chars() {
            if c.is_uppercase() {
                if prev_cased {
                    return false;
                }
                prev_cased = true;
                any = true;
            } else if c.is_lowercase() {
                if !prev_cased {
                    return false;
                }
                prev_cased = true;
                any = true;
            } else {
                prev_cased = false;
            }
        }
        any
    })
}
fn isidentifier(vm: &mut Vm, a: &Args) -> PyResult {
    predicate(vm, a, "isidentifier", |s| {
        let mut cs = s.chars();
        matches!(cs.next(), Some(c) if c == '_' || c.is_alphabetic())
            && cs.all(|c| c == '_' || c.is_alphanumeric())
    })
}
fn isprintable(vm: &mut Vm, a: &Args) -> PyResult {
    predicate(vm, a, "isprintable", |s| {
        s.chars().all(pyscope_compiler::pyrepr::is_printable)
    })
}
fn isascii(vm: &mut Vm, a: &Args) -> PyResult {
    predicate(vm, a, "isascii", str::is_ascii)
}

fn part(vm: &mut Vm, a: &Args, name: &str, last: bool) -> PyResult {
    vm.check_method_args(name, a, 1, 1)?;
    let s = text(vm, a, name)?;
    let sep = str_arg(vm, a.args[1], "must be str, not")?;
    if sep.is_empty() {
        return Err(vm.value_error("empty separator"));
    }
    let found = if last { s.rfind(&sep) } else { s.find(&sep) };
    let (x, y, z) = match found {
        Some(i) => (
            s[..i].to_string(),
            sep.clone(),
            s[i + sep.len()..].to_string(),
        ),
        None if last => (String::new(), String::new(), s.clone()),
        None => (s.clone(), String::new(), String::new()),
    };
    let items = vec![vm.new_string(x), vm.new_string(y), vm.new_string(z)];
    Ok(vm.new_tuple(items))
}

fn partition(vm: &mut Vm, a: &Args) -> PyResult {
    part(vm, a, "partition", false)
}
fn rpartition(vm: &mut Vm, a: &Args) -> PyResult {
    part(vm, a, "rpartition", true)
}

pub(super) fn encode(vm: &mut Vm, a: &Args) -> PyResult {
    let p = vm.bind_native("encode", a, &["self", "encoding", "errors"], 1)?;
    let s = text(vm, a, "encode")?;
    let enc = if p[1].is_null() {
        "utf-8".to_string()
    } else {
        vm.str_of(p[1]).to_lowercase().replace('_', "-")
    };
    let errors = if p[2].is_null() {
        "strict".to_string()
    } else {
        vm.str_of(p[2]).to_string()
    };
    let (codec, limit) = match enc.as_str() {
        "utf-8" | "utf8" => {
            if let Kind::Str(st) = vm.kind(a.args[0]) {
                st.utf8_cached.set(true);
            }
            return Ok(vm.new_bytes(s.as_bytes()));
        }
        "ascii" | "us-ascii" => ("ascii", 128u32),
        "latin-1" | "latin1" | "iso-8859-1" | "iso8859-1" => ("latin-1", 256u32),
        other => return Err(vm.new_exc(vm.e.lookup_error, &format!("unknown encoding: {other}"))),
    };
    let mut data = Vec::with_capacity(s.len());
    for (i, c) in s.chars().enumerate() {
        let code = c as u32;
        if code < limit {
            data.push(code as u8);
            continue;
        }
        match errors.as_str() {
            "ignore" => {}
            "replace" => data.push(b'?'),
            "backslashreplace" => {
                let esc = match code {
                    0..=0xff => format!("\\x{code:02x}"),
                    0x100..=0xffff => format!("\\u{code:04x}"),
                    _ => format!("\\U{code:08x}"),
                };
                data.extend_from_slice(esc.as_bytes());
            }
            "xmlcharrefreplace" => data.extend_from_slice(format!("&#{code};").as_bytes()),
            "strict" => {
                let shown = match code {
                    0..=0xff => format!("\\x{code:02x}"),
                    0x100..=0xffff => format!("\\u{code:04x}"),
                    _ => format!("\\U{code:08x}"),
                };
                let msg = format!(
                    "'{codec}' codec can't encode character '{shown}' in position {i}: ordinal not in range({limit})"
                );
                return Err(vm.new_exc(vm.e.unicode_encode_error, &msg));
            }
            other => {
                return Err(vm.new_exc(
                    vm.e.lookup_error,
                    &format!("unknown error handler name '{other}'"),
                ));
            }
        }
    }
    Ok(vm.new_bytes(&data))
}

fn expandtabs(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_method_args("expandtabs", a, 0, 1)?;
    let s = text(vm, a, "expandtabs")?;
    let size = match a.args.get(1) {
        Some(&x) => vm.index_value(x)?,
        None => 8,
    };
    let mut out = String::new();
    let mut col = 0i64;
    for c in s.chars() {
        match c {
            '\t' => {
                if size > 0 {
                    let n = size - col % size;
                    out.push_str(&" ".repeat(n as usize));
                    col += n;
                }
            }
            '\n' | '\r' => {
                out.push(c);
                col = 0;
            }
            _ => {
                out.push(c);
                col += 1;
            }
        }
    }
    Ok(vm.new_string(out))
}

fn removeprefix(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_method_args("removeprefix", a, 1, 1)?;
    let s = text(vm, a, "removeprefix")?;
    let p = str_arg(vm, a.args[1], "removeprefix() argument")?;
    let r = s.strip_prefix(p.as_str()).unwrap_or(&s).to_string();
    Ok(vm.new_string(r))
}

fn removesuffix(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_method_args("removesuffix", a, 1, 1)?;
    let s = text(vm, a, "removesuffix")?;
    let p = str_arg(vm, a.args[1], "removesuffix() argument")?;
    let r = s.strip_suffix(p.as_str()).unwrap_or(&s).to_string();
    Ok(vm.new_string(r))
}

fn maketrans(vm: &mut Vm, a: &Args) -> PyResult {
    let d = vm.new_dict();
    match a.args.len() {
        1 => {
            for (k, v) in vm.dict_items(a.args[0]) {
                let key = if vm.is_str(k) {
                    let c = vm.str_of(k).chars().next().unwrap_or('\0');
                    vm.new_int(i64::from(c as u32))
                } else {
                    vm.share(k)
                };
                vm.dict_set(d, key, v)?;
                vm.decref(key);
            }
        }
        n @ (2 | 3) => {
            let x: Vec<char> = vm.str_of(a.args[0]).chars().collect();
            let y: Vec<char> = vm.str_of(a.args[1]).chars().collect();
            if x.len() != y.len() {
                vm.decref(d);
                return Err(
                    vm.value_error("the first two maketrans arguments must have equal length")
                );
            }
            for (c1, c2) in x.iter().zip(y.iter()) {
                let k = vm.new_int(i64::from(*c1 as u32));
                let v = vm.new_int(i64::from(*c2 as u32));
                vm.dict_set(d, k, v)?;
                vm.decref(k);
                vm.decref(v);
            }
            if n == 3 {
                let z: Vec<char> = vm.str_of(a.args[2]).chars().collect();
                for c in z {
                    let k = vm.new_int(i64::from(c as u32));
                    let none = vm.none();
                    vm.dict_set(d, k, none)?;
                    vm.decref(k);
                    vm.decref(none);
                }
            }
        }
        _ => return Err(vm.type_error("maketrans() takes at most 3 arguments")),
    }
    Ok(d)
}

fn translate(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_method_args("translate", a, 1, 1)?;
    let s = text(vm, a, "translate")?;
    let table = a.args[1];
    let mut out = String::new();
    for c in s.chars() {
        let key = vm.new_int(i64::from(c as u32));
        let r = vm.getitem(table, key);
        vm.decref(key);
        match r {
            Ok(v) => {
                if v == vm.none {
                } else if vm.is_str(v) {
                    out.push_str(vm.str_of(v));
                } else if let Some(i) = vm.int_value(v) {
                    out.push(char::from_u32(i as u32).unwrap_or('\u{fffd}'));
                }
                vm.decref(v);
            }
            Err(Flow::Exc(e)) if vm.exc_matches(e, vm.e.lookup_error) => {
                vm.decref(e);
                out.push(c);
            }
            Err(e) => return Err(e),
        }
    }
    Ok(vm.new_string(out))
}
