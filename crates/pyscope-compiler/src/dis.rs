//! The disassembler: prints code objects in the layout of CPython 3.11's `python3 -m dis`.

use std::fmt::Write;
use std::rc::Rc;

use crate::code::{CodeObject, Constant};
use crate::opcode::{BINARY_OPS, COMPARE_OPS, Opcode};
use crate::pyrepr;

/// CPython byte offsets of each instruction (2 bytes per code unit, caches included).
pub fn offsets(code: &CodeObject) -> Vec<u32> {
    let mut out = Vec::with_capacity(code.instrs.len() + 1);
    let mut off = 0u32;
    for i in &code.instrs {
        out.push(off);
        off += 2 * (1 + i.op.cache_entries());
    }
    out.push(off);
    out
}

/// The argument CPython would store for a jump from instruction `index` to `target`.
pub fn relative_jump_arg(code: &CodeObject, offs: &[u32], index: usize, target: u32) -> u32 {
    let after = offs[index] + 2 * (1 + code.instrs[index].op.cache_entries());
    let to = offs[target as usize];
    if to >= after {
        (to - after) / 2
    } else {
        (after - to) / 2
    }
}

/// `repr()` of a constant, as `dis` shows it.
pub fn const_repr(c: &Constant) -> String {
    match c {
        Constant::None => "None".into(),
        Constant::Ellipsis => "Ellipsis".into(),
        Constant::Bool(b) => if *b { "True" } else { "False" }.into(),
        Constant::Int(i) => i.to_string(),
        Constant::Float(f) => pyrepr::float_repr(*f),
        Constant::Complex(r, i) => complex_repr(*r, *i),
        Constant::Str(s) => pyrepr::str_repr(s),
        Constant::Bytes(b) => pyrepr::bytes_repr(b),
        Constant::Tuple(items) => {
            let parts: Vec<String> = items.iter().map(const_repr).collect();
            if parts.len() == 1 {
                format!("({},)", parts[0])
            } else {
                format!("({})", parts.join(", "))
            }
        }
        Constant::FrozenSet(items) => {
            let parts: Vec<String> = crate::sethash::set_order(items)
                .into_iter()
                .map(const_repr)
                .collect();
            if parts.is_empty() {
                "frozenset()".into()
            } else {
                format!("frozenset({{{}}})", parts.join(", "))
            }
        }
        Constant::Code(code) => code_repr(code),
    }
}

/// `repr()` of a complex number.
pub fn complex_repr(r: f64, i: f64) -> String {
    let imag = pyrepr::float_repr(i);
    let imag = imag.strip_suffix(".0").unwrap_or(&imag).to_string();
    if r == 0.0 && r.is_sign_positive() {
        return format!("{imag}j");
    }
    let real = pyrepr::float_repr(r);
    let real = real.strip_suffix(".0").unwrap_or(&real).to_string();
    let sign = if i.is_sign_negative() || i.is_nan() && imag.starts_with('-') {
        ""
    } else {
        "+"
    };
    format!("({real}{sign}{imag}j)")
}

/// A stable stand-in for the code object's address in `repr`.
pub fn code_repr(code: &Rc<CodeObject>) -> String {
    let addr = 0x7f00_0000_0000u64 + (Rc::as_ptr(code) as usize as u64 & 0xffff_fff0);
    format!(
        "<code object {} at {:#x}, file \"{}\", line {}>",
        code.name, addr, code.filename, code.firstlineno
    )
}

/// The human-readable argument of instruction `index`.
pub fn arg_repr(code: &CodeObject, offs: &[u32], index: usize) -> String {
    let ins = code.instrs[index];
    let name = |i: u32| {
        code.names
            .get(i as usize)
            .map_or("?".to_string(), |n| n.to_string())
    };
    let local = |i: u32| {
        code.localsplus_names
            .get(i as usize)
            .map_or("?".to_string(), |n| n.to_string())
    };
    use Opcode::*;
    match ins.op {
        LOAD_CONST => code
            .consts
            .get(ins.arg as usize)
            .map(const_repr)
            .unwrap_or_default(),
        LOAD_GLOBAL => {
            let n = name(ins.arg >> 1);
            if ins.arg & 1 == 1 {
                format!("NULL + {n}")
            } else {
                n
            }
        }
        LOAD_NAME | STORE_NAME | DELETE_NAME | LOAD_ATTR | STORE_ATTR | DELETE_ATTR
        | STORE_GLOBAL | DELETE_GLOBAL | IMPORT_NAME | IMPORT_FROM | LOAD_METHOD => name(ins.arg),
        LOAD_FAST | STORE_FAST | DELETE_FAST | LOAD_DEREF | STORE_DEREF | DELETE_DEREF
        | LOAD_CLOSURE | LOAD_CLASSDEREF | MAKE_CELL => local(ins.arg),
        COMPARE_OP => COMPARE_OPS
            .get(ins.arg as usize)
            .copied()
            .unwrap_or("?")
            .to_string(),
        BINARY_OP => BINARY_OPS
            .get(ins.arg as usize)
            .copied()
            .unwrap_or("?")
            .to_string(),
        FORMAT_VALUE => {
            let conv = ["", "str", "repr", "ascii"][(ins.arg & 3) as usize];
            match (conv.is_empty(), ins.arg & 4 != 0) {
                (true, true) => "with format".into(),
                (false, true) => format!("{conv}, with format"),
                (_, false) => conv.into(),
            }
        }
        MAKE_FUNCTION => {
            let names = ["defaults", "kwdefaults", "annotations", "closure"];
            let parts: Vec<&str> = (0..4)
                .filter(|b| ins.arg & (1 << b) != 0)
                .map(|b| names[b])
                .collect();
            parts.join(", ")
        }
        op if op.is_jump() => format!("to {}", offs[ins.arg as usize]),
        _ => String::new(),
    }
}

/// Disassembles a code object and, after it, every code object nested in its constants.
pub fn disassemble(code: &Rc<CodeObject>) -> String {
    let mut out = String::new();
    disassemble_one(code, &mut out);
    let mut nested = Vec::new();
    for c in &code.consts {
        if let Constant::Code(inner) = c {
            nested.push(inner.clone());
        }
    }
    for inner in nested {
        let _ = writeln!(out, "\nDisassembly of {}:", code_repr(&inner));
        out.push_str(disassemble(&inner).trim_start_matches('\n'));
    }
    out
}

/// One instruction as `dis` describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DisInstr {
    /// Index in the code's instruction list (caches not counted).
    pub index: u32,
    /// CPython's byte offset.
    pub offset: u32,
    /// The line this instruction starts, if it starts one.
    pub starts_line: Option<u32>,
    pub line: u32,
    pub opname: &'static str,
    /// The argument as CPython stores it (jumps are relative), when the opcode has one.
    pub arg: Option<u32>,
    pub argrepr: String,
    pub is_jump_target: bool,
}

/// The instructions of one code object, described as `dis.get_instructions` does.
pub fn instructions(code: &CodeObject) -> Vec<DisInstr> {
    let offs = offsets(code);
    let mut targets = vec![false; code.instrs.len() + 1];
    for i in &code.instrs {
        if i.op.is_jump() {
            targets[i.arg as usize] = true;
        }
    }
    for e in &code.exception_table {
        targets[e.target as usize] = true;
    }
    let mut last_line = None;
    let mut out = Vec::with_capacity(code.instrs.len());
    for (i, ins) in code.instrs.iter().enumerate() {
        let line = code.positions[i].line;
        let module_start = i == 0 && ins.op == Opcode::RESUME && &*code.name == "<module>";
        let starts_line = ((line != 0 || module_start) && Some(line) != last_line).then_some(line);
        if line != 0 {
            last_line = Some(line);
        }
        let arg = ins.op.has_arg().then(|| {
            if ins.op.is_jump() {
                relative_jump_arg(code, &offs, i, ins.arg)
            } else {
                ins.arg
            }
        });
        out.push(DisInstr {
            index: i as u32,
            offset: offs[i],
            starts_line,
            line,
            opname: ins.op.name(),
            arg,
            argrepr: if ins.op.has_arg() {
                arg_repr(code, &offs, i)
            } else {
                String::new()
            },
            is_jump_target: targets[i],
        });
    }
    out
}

fn disassemble_one(code: &CodeObject, out: &mut String) {
    let offs = offsets(code);
    let max_line = code.positions.iter().map(|p| p.line).max().unwrap_or(0);
    let line_width = if max_line >= 1000 {
        max_line.to_string().len()
    } else {
        3
    };
    let max_off = offs.last().copied().unwrap_or(0).saturating_sub(2);
    let off_width = if max_off >= 10000 {
        max_off.to_string().len()
    } else {
        4
    };
    for ins in instructions(code) {
        if ins.starts_line.is_some() && ins.index > 0 {
            out.push('\n');
        }
        let mut fields: Vec<String> = Vec::new();
        fields.push(match ins.starts_line {
            Some(l) => format!("{l:>line_width$}"),
            None => " ".repeat(line_width),
        });
        fields.push("   ".into());
        fields.push(if ins.is_jump_target {
            ">>".into()
        } else {
            "  ".into()
        });
        fields.push(format!("{:>off_width$}", ins.offset));
        fields.push(format!("{:<20}", ins.opname));
        if let Some(arg) = ins.arg {
            fields.push(format!("{arg:>5}"));
            if !ins.argrepr.is_empty() {
                fields.push(format!("({})", ins.argrepr));
            }
        }
        let _ = writeln!(out, "{}", fields.join(" ").trim_end());
    }
    if !code.exception_table.is_empty() {
        let _ = writeln!(out, "ExceptionTable:");
        for e in &code.exception_table {
            let end = offs[e.end as usize] - 2;
            let lasti = if e.lasti { " lasti" } else { "" };
            let _ = writeln!(
                out,
                "  {} to {} -> {} [{}]{}",
                offs[e.start as usize], end, offs[e.target as usize], e.depth, lasti
            );
        }
    }
}

/// Every instruction's source position, one line each (`qualname opname line end_line col
/// end_col`, `None` where CPython has no position), nested code objects after their parent.
/// Tests compare this with `dis.get_instructions(...).positions` from CPython.
pub fn positions(code: &Rc<CodeObject>) -> String {
    let mut out = String::new();
    code.walk(&mut |c| {
        for (i, ins) in c.instrs.iter().enumerate() {
            let p = c.positions[i];
            let located = p.line != 0 || p.end_line != 0;
            let columns = located && !c.columnless.get(i).copied().unwrap_or(false);
            let show = |v: u32, known: bool| {
                if known {
                    v.to_string()
                } else {
                    "None".to_string()
                }
            };
            let _ = writeln!(
                out,
                "{} {} {} {} {} {}",
                c.qualname,
                ins.op.name(),
                show(p.line, located),
                show(p.end_line, located),
                show(p.col, columns),
                show(p.end_col, columns)
            );
        }
    });
    out
}
