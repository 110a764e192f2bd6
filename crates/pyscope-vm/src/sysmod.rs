//! The `sys` module's functions and attributes, and the standard stream objects.

use crate::builtins::M;
use crate::extra::Extra;
use crate::object::*;
use crate::vm::Vm;

pub(crate) fn install(vm: &mut Vm, d: ObjRef, stream_class: ObjRef) {
    vm.add_functions(
        d,
        &[
            ("getsizeof", getsizeof),
            ("getrefcount", getrefcount),
            ("getrecursionlimit", getrecursionlimit),
            ("setrecursionlimit", setrecursionlimit),
            ("intern", intern),
            ("exit", exit),
            ("exc_info", exc_info),
            ("exception", exception),
            ("get_int_max_str_digits", get_int_max_str_digits),
            ("set_int_max_str_digits", set_int_max_str_digits),
            ("getswitchinterval", getswitchinterval),
            ("setswitchinterval", setswitchinterval),
            ("getdefaultencoding", getdefaultencoding),
        ],
    );
    let items = [3, 11, 7];
    let mut vi: Vec<ObjRef> = items.iter().map(|i| vm.new_int(*i)).collect();
    vi.push(vm.new_str("final"));
    vi.push(vm.new_int(0));
    let version_info = vm.new_tuple(vi);
    vm.dict_set_name(d, "version_info", version_info);
    let version = vm.new_str("3.11.7 (main, Pyscope) [Rust]");
    vm.dict_set_name(d, "version", version);
    let hexversion = vm.new_int(0x030B07F0);
    vm.dict_set_name(d, "hexversion", hexversion);
    let maxsize = vm.new_int(i64::MAX);
    vm.dict_set_name(d, "maxsize", maxsize);
    let maxunicode = vm.new_int(0x10FFFF);
    vm.dict_set_name(d, "maxunicode", maxunicode);
    for (k, v) in [
        ("platform", "linux"),
        ("byteorder", "little"),
        ("executable", "/usr/bin/python3"),
        ("prefix", "/usr"),
    ] {
        let s = vm.new_str(v);
        vm.dict_set_name(d, k, s);
    }
    vm.register(
        stream_class,
        &[("write", stream_write, M), ("flush", stream_flush, M)],
    );
}

fn getsizeof(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_positional("getsizeof", a, 1, 2)?;
    let x = a.args[0];
    let class = vm.class_of(x);
    if !vm.type_obj(class).builtin {
        if let Some(f) = vm.type_lookup(class, vm.n.sizeof) {
            if !matches!(vm.kind(f), Kind::Native(_)) {
                let r = vm.call_dunder(f, x, &[])?;
                let n = vm.index_value(r);
                vm.decref(r);
                let gc = if matches!(vm.kind(x), Kind::Instance(_)) {
                    16
                } else {
                    0
                };
                return Ok(vm.new_int(n? + gc));
            }
        }
    }
    let n = vm.sizeof(x);
    Ok(vm.new_int(n as i64))
}

fn getrefcount(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_positional("getrefcount", a, 1, 1)?;
    let n = vm.heap.refcount(a.args[0]);
    Ok(vm.new_int(i64::from(n)))
}

fn getrecursionlimit(vm: &mut Vm, _a: &Args) -> PyResult {
    Ok(vm.new_int(i64::from(vm.recursion_limit)))
}

fn setrecursionlimit(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_positional("setrecursionlimit", a, 1, 1)?;
    let n = vm.index_value(a.args[0])?;
    if n < 1 {
        return Err(vm.value_error("recursion limit must be greater or equal than 1"));
    }
    if (n as usize) <= vm.frames.len() {
        let msg = format!(
            "cannot set the recursion limit to {n} at the recursion depth {}: the limit is too low",
            vm.frames.len()
        );
        return Err(vm.new_exc(vm.e.recursion_error, &msg));
    }
    vm.recursion_limit = (n as u32).min(vm.limits.max_recursion.max(1000) * 10);
    Ok(vm.none())
}

fn intern(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_positional("intern", a, 1, 1)?;
    if vm.class_of(a.args[0]) != vm.t.str {
        return Err(vm.type_error(format!(
            "intern() argument 1 must be str, not {}",
            vm.type_name(a.args[0])
        )));
    }
    Ok(vm.intern_obj(a.args[0]))
}

fn exit(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_positional("exit", a, 0, 1)?;
    Err(vm.new_exc_obj(
        vm.e.system_exit,
        a.args.first().map(std::slice::from_ref).unwrap_or(&[]),
    ))
}

fn exc_info(vm: &mut Vm, _a: &Args) -> PyResult {
    let e = vm.exc_info;
    if e.is_null() {
        let (a, b, c) = (vm.none(), vm.none(), vm.none());
        return Ok(vm.new_tuple(vec![a, b, c]));
    }
    let class = vm.class_of(e);
    let items = vec![vm.share(class), vm.share(e), vm.none()];
    Ok(vm.new_tuple(items))
}

fn exception(vm: &mut Vm, _a: &Args) -> PyResult {
    let e = vm.exc_info;
    Ok(if e.is_null() { vm.none() } else { vm.share(e) })
}

fn get_int_max_str_digits(vm: &mut Vm, _a: &Args) -> PyResult {
    Ok(vm.new_int(crate::builtins::MAX_STR_DIGITS as i64))
}

fn set_int_max_str_digits(vm: &mut Vm, _a: &Args) -> PyResult {
    Ok(vm.none())
}

fn getswitchinterval(vm: &mut Vm, _a: &Args) -> PyResult {
    Ok(vm.new_float(0.005))
}

fn setswitchinterval(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_positional("setswitchinterval", a, 1, 1)?;
    Ok(vm.none())
}

fn getdefaultencoding(vm: &mut Vm, _a: &Args) -> PyResult {
    Ok(vm.new_str("utf-8"))
}

fn stream_write(vm: &mut Vm, a: &Args) -> PyResult {
    vm.check_method_args("write", a, 1, 1)?;
    let s = a.args[1];
    if !vm.is_str(s) {
        return Err(vm.type_error(format!(
            "write() argument must be str, not {}",
            vm.type_name(s)
        )));
    }
    let err = matches!(vm.kind(a.args[0]), Kind::Extra(e) if matches!(**e, Extra::StdStream { err: true }));
    let text = vm.str_of(s).to_string();
    let n = text.chars().count();
    vm.write_output(&text, err)?;
    Ok(vm.new_int(n as i64))
}

fn stream_flush(vm: &mut Vm, _a: &Args) -> PyResult {
    Ok(vm.none())
}
