//! Exceptions: creating and raising them, and printing tracebacks byte-for-byte as CPython
//! 3.11 does (source lines, `~~~^^^` carets, repeated-frame folding, chained exceptions).

use std::fmt::Write;

use pyscope_compiler::{Anchor, CompileError, ErrorKind};

use crate::object::*;
use crate::vm::Vm;

/// How many identical consecutive frames CPython prints before folding the rest.
const RECURSIVE_CUTOFF: usize = 3;

impl Vm {
    /// A new exception object of `class` with the given arguments (borrowed).
    pub fn make_exc(&mut self, class: ObjRef, args: &[ObjRef]) -> ObjRef {
        for a in args {
            self.incref(*a);
        }
        let args = self.new_tuple(args.to_vec());
        let exc = ExcObj {
            args,
            traceback: Vec::new(),
            cause: ObjRef::NULL,
            context: ObjRef::NULL,
            suppress_context: false,
            notes: Vec::new(),
        };
        self.alloc(class, Kind::Exception(Box::new(exc)))
    }

    /// An exception with a message, ready to return as `Err(...)`. An empty message gives
    /// an exception without arguments.
    pub fn new_exc(&mut self, class: ObjRef, msg: &str) -> Flow {
        if msg.is_empty() {
            return Flow::Exc(self.make_exc(class, &[]));
        }
        let m = self.new_str(msg);
        let e = self.make_exc(class, &[m]);
        self.decref(m);
        Flow::Exc(e)
    }

    /// An exception whose arguments are the given objects (borrowed).
    pub fn new_exc_obj(&mut self, class: ObjRef, args: &[ObjRef]) -> Flow {
        Flow::Exc(self.make_exc(class, args))
    }

    pub fn type_error(&mut self, msg: impl AsRef<str>) -> Flow {
        self.new_exc(self.e.type_error, msg.as_ref())
    }

    pub fn value_error(&mut self, msg: impl AsRef<str>) -> Flow {
        self.new_exc(self.e.value_error, msg.as_ref())
    }

    pub fn index_error(&mut self, msg: impl AsRef<str>) -> Flow {
        self.new_exc(self.e.index_error, msg.as_ref())
    }

    pub fn attribute_error(&mut self, msg: impl AsRef<str>) -> Flow {
        self.new_exc(self.e.attribute_error, msg.as_ref())
    }

    pub fn overflow_error(&mut self, msg: impl AsRef<str>) -> Flow {
        self.new_exc(self.e.overflow_error, msg.as_ref())
    }

    pub fn runtime_error(&mut self, msg: impl AsRef<str>) -> Flow {
        self.new_exc(self.e.runtime_error, msg.as_ref())
    }

    pub fn exc_obj(&self, e: ObjRef) -> &ExcObj {
        match self.kind(e) {
            Kind::Exception(x) => x,
            other => panic!("exc_obj on {other:?}"),
        }
    }

    pub fn exc_mut(&mut self, e: ObjRef) -> &mut ExcObj {
        match &mut self.heap.get_mut(e).kind {
            Kind::Exception(x) => x,
            _ => panic!("exc_mut on a non-exception"),
        }
    }

    pub fn is_exception(&self, r: ObjRef) -> bool {
        matches!(self.kind(r), Kind::Exception(_))
    }

    /// Whether the exception object is an instance of `class`.
    pub fn exc_matches(&self, e: ObjRef, class: ObjRef) -> bool {
        self.isinstance_of(e, class)
    }

    /// `str(exc)` as the traceback's last line shows it.
    pub fn exc_message(&mut self, e: ObjRef) -> PyResult<String> {
        let s = self.to_str(e)?;
        let text = self.str_of(s).to_string();
        self.decref(s);
        Ok(text)
    }

    /// The type name used in the traceback's last line (module prefix for non-builtins).
    fn exc_type_display(&self, e: ObjRef) -> String {
        let t = self.type_obj(self.class_of(e));
        if t.module == "builtins" || t.module == "__main__" || t.module.is_empty() {
            t.qualname.clone()
        } else {
            format!("{}.{}", t.module, t.qualname)
        }
    }

    /// The last traceback line, `Type: message` (or just `Type`).
    pub fn exc_summary(&mut self, e: ObjRef) -> String {
        let name = self.exc_type_display(e);
        let msg = match self.exc_message(e) {
            Ok(m) => m,
            Err(_) => "<exception str() failed>".into(),
        };
        if msg.is_empty() {
            name
        } else {
            format!("{name}: {msg}")
        }
    }

    /// The full printed form of an uncaught exception, chained exceptions first.
    pub fn format_exception(&mut self, e: ObjRef) -> String {
        let mut chain = vec![(e, "")];
        let mut seen = vec![e];
        let mut cur = e;
        loop {
            let x = self.exc_obj(cur);
            let (next, why) = if !x.cause.is_null() {
                (
                    x.cause,
                    "\nThe above exception was the direct cause of the following exception:\n\n",
                )
            } else if !x.context.is_null() && !x.suppress_context {
                (
                    x.context,
                    "\nDuring handling of the above exception, another exception occurred:\n\n",
                )
            } else {
                break;
            };
            if seen.contains(&next) || !self.is_exception(next) {
                break;
            }
            seen.push(next);
            chain.last_mut().expect("chain is never empty").1 = why;
            chain.push((next, ""));
            cur = next;
        }
        let mut out = String::new();
        for (exc, why) in chain.into_iter().rev() {
            out.push_str(&self.format_single(exc));
            out.push_str(why);
        }
        out
    }

    fn format_single(&mut self, e: ObjRef) -> String {
        let mut out = String::new();
        let tb = self.exc_obj(e).traceback.clone();
        if !tb.is_empty() {
            out.push_str("Traceback (most recent call last):\n");
            let mut last: Option<(String, u32, String)> = None;
            let mut repeats = 0usize;
            for entry in tb.iter().rev() {
                let code = &entry.code.code;
                let line = code.line_of(entry.instr as usize);
                let key = (code.filename.to_string(), line, code.name.to_string());
                if last.as_ref() == Some(&key) {
                    repeats += 1;
                    if repeats >= RECURSIVE_CUTOFF {
                        continue;
                    }
                } else {
                    flush_repeats(&mut out, repeats);
                    repeats = 0;
                    last = Some(key);
                }
                self.format_tb_entry(&mut out, entry);
            }
            flush_repeats(&mut out, repeats);
        }
        if self.isinstance_of(e, self.e.syntax_error) {
            out.push_str(&self.format_syntax_error_obj(e));
        } else {
            let _ = writeln!(out, "{}", self.exc_summary(e));
        }
        for note in self.exc_obj(e).notes.clone() {
            let _ = writeln!(out, "{note}");
        }
        out
    }

    fn format_tb_entry(&self, out: &mut String, entry: &TbEntry) {
        let code = &entry.code.code;
        let pos = code
            .positions
            .get(entry.instr as usize)
            .copied()
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "  File \"{}\", line {}, in {}",
            code.filename, pos.line, code.name
        );
        let Some(src) = self.source_of(&code.filename) else {
            return;
        };
        let Some(raw) = src.split('\n').nth(pos.line.saturating_sub(1) as usize) else {
            return;
        };
        let raw = raw.trim_end_matches('\r');
        let stripped = raw.trim();
        if stripped.is_empty() {
            return;
        }
        let _ = writeln!(out, "    {stripped}");
        let lead = raw.chars().count() - raw.trim_start().chars().count();
        if let Some(carets) = caret_line(
            raw,
            stripped,
            lead,
            pos,
            code.anchors.get(entry.instr as usize).copied().flatten(),
            &src,
        ) {
            let _ = writeln!(out, "    {carets}");
        }
    }

    /// The printed form of a `SyntaxError` object (file, line, text, carets, message).
    fn format_syntax_error_obj(&mut self, e: ObjRef) -> String {
        let get = |vm: &mut Vm, name: &str| -> ObjRef {
            let d = vm.heap.get(e).dict;
            if d.is_null() {
                ObjRef::NULL
            } else {
                vm.dict_get_by_name(d, name).unwrap_or(ObjRef::NULL)
            }
        };
        let filename = get(self, "filename");
        let lineno = get(self, "lineno");
        let text = get(self, "text");
        let offset = get(self, "offset");
        let end_offset = get(self, "end_offset");
        let msg_obj = get(self, "msg");
        let name = self.exc_type_display(e);
        let msg = if msg_obj.is_null() || !self.is_str(msg_obj) {
            self.exc_message(e).unwrap_or_default()
        } else {
            self.str_of(msg_obj).to_string()
        };
        let mut out = String::new();
        if !lineno.is_null() && self.int_value(lineno).is_some() {
            let file = if self.is_str(filename) {
                self.str_of(filename).to_string()
            } else {
                "<string>".into()
            };
            let _ = writeln!(
                out,
                "  File \"{}\", line {}",
                file,
                self.int_value(lineno).unwrap_or(0)
            );
        }
        if self.is_str(text) {
            let rtext = self.str_of(text).trim_end_matches('\n').to_string();
            let ltext = rtext.trim_start_matches([' ', '\n', '\x0c']);
            let spaces = rtext.chars().count() - ltext.chars().count();
            let _ = writeln!(out, "    {ltext}");
            if let Some(off) = self.int_value(offset) {
                let mut end = self
                    .int_value(end_offset)
                    .filter(|v| *v != 0)
                    .unwrap_or(off);
                if off == end || end == -1 {
                    end = off + 1;
                }
                let col = off - 1 - spaces as i64;
                let end_col = end - 1 - spaces as i64;
                if col >= 0 {
                    let space: String = ltext
                        .chars()
                        .take(col as usize)
                        .map(|c| if c.is_whitespace() { c } else { ' ' })
                        .collect();
                    let carets = "^".repeat((end_col - col).max(0) as usize);
                    let _ = writeln!(out, "    {space}{carets}");
                }
            }
        }
        let _ = writeln!(out, "{name}: {msg}");
        out
    }

    /// A `SyntaxError` (or subclass) object for a compile error.
    pub fn syntax_error_from(
        &mut self,
        err: &CompileError,
        filename: &str,
        source: &str,
    ) -> ObjRef {
        let class = match err.kind {
            ErrorKind::SyntaxError => self.e.syntax_error,
            ErrorKind::IndentationError => self.e.indentation_error,
            ErrorKind::TabError => self.e.tab_error,
            ErrorKind::RecursionError => self.e.recursion_error,
        };
        if err.kind == ErrorKind::RecursionError {
            let Flow::Exc(e) = self.new_exc(class, &err.message) else {
                unreachable!("new_exc makes an exception")
            };
            return e;
        }
        let loc = err.location(source);
        let msg = self.new_str(&err.message);
        let e = self.make_exc(class, &[msg]);
        let d = self.new_dict();
        self.heap.get_mut(e).dict = d;
        self.dict_set_name(d, "msg", msg);
        let f = self.new_str(filename);
        self.dict_set_name(d, "filename", f);
        let l = self.new_int(i64::from(loc.line));
        self.dict_set_name(d, "lineno", l);
        let mut text = loc.text.clone();
        text.push('\n');
        let t = self.new_str(&text);
        self.dict_set_name(d, "text", t);
        let (off, end) = if err.carets {
            (
                i64::from(loc.offset),
                if loc.end_line == loc.line {
                    i64::from(loc.end_offset)
                } else {
                    loc.text.chars().count() as i64 + 1
                },
            )
        } else {
            (0, 0)
        };
        let o = self.new_int(off);
        self.dict_set_name(d, "offset", o);
        let eo = self.new_int(end);
        self.dict_set_name(d, "end_offset", eo);
        let el = self.new_int(i64::from(loc.end_line));
        self.dict_set_name(d, "end_lineno", el);
        e
    }

    /// Prints an exception raised where Python cannot propagate it (`__del__`).
    pub fn report_unraisable(&mut self, e: ObjRef, obj: ObjRef) -> PyResult<()> {
        let r = self.repr_string(obj).unwrap_or_else(|_| "<object>".into());
        let text = format!("Exception ignored in: {}\n{}", r, self.format_exception(e));
        self.decref(e);
        self.write_output(&text, true)
    }
}

fn flush_repeats(out: &mut String, repeats: usize) {
    if repeats >= RECURSIVE_CUTOFF {
        let n = repeats - RECURSIVE_CUTOFF + 1;
        let s = if n == 1 { "" } else { "s" };
        let _ = writeln!(out, "  [Previous line repeated {n} more time{s}]");
    }
}

/// Character offset of a byte offset within a line.
fn char_offset(line: &str, byte: u32) -> usize {
    let b = (byte as usize).min(line.len());
    line.get(..b).map_or(b, |s| s.chars().count())
}

/// The `^^^` / `~~~^^^~~~` line under a traceback source line, or None when CPython omits it.
fn caret_line(
    raw: &str,
    stripped: &str,
    lead: usize,
    pos: pyscope_compiler::Position,
    anchor: Option<Anchor>,
    src: &str,
) -> Option<String> {
    if pos.line == 0 {
        return None;
    }
    let start = char_offset(raw, pos.col);
    let mut end = char_offset(raw, pos.end_col);
    let stripped_len = stripped.chars().count();
    let mut anchors = None;
    if pos.end_line == pos.line {
        let line_start = src
            .split('\n')
            .take(pos.line as usize - 1)
            .map(|l| l.len() + 1)
            .sum::<usize>();
        let seg: Vec<char> = raw
            .chars()
            .skip(start)
            .take(end.saturating_sub(start))
            .collect();
        anchors = anchor
            .and_then(|a| segment_anchors(a, &seg, line_start + pos.col as usize, raw, line_start));
    } else {
        end = lead + stripped_len;
    }
    if end <= start {
        return None;
    }
    let secondary = anchors.is_some_and(|(l, r)| r > l);
    if end - start >= stripped_len && !secondary {
        return None;
    }
    let mut s = " ".repeat(start.saturating_sub(lead));
    for i in 0..end - start {
        let c = match anchors {
            Some((l, r)) if i >= l && i < r => '^',
            Some(_) => '~',
            None => '^',
        };
        s.push(c);
    }
    Some(s)
}

/// CPython's `_extract_caret_anchors_from_line_segment`, from the compiled node's shape.
/// Offsets returned are character offsets within the segment.
fn segment_anchors(
    anchor: Anchor,
    seg: &[char],
    seg_start_byte: usize,
    raw: &str,
    line_start: usize,
) -> Option<(usize, usize)> {
    let to_seg = |abs_byte: u32| -> Option<usize> {
        let rel_line = (abs_byte as usize).checked_sub(line_start)?;
        let c = char_offset(raw, rel_line as u32);
        let seg_c = char_offset(raw, (seg_start_byte - line_start) as u32);
        c.checked_sub(seg_c)
    };
    match anchor {
        Anchor::BinOp {
            left_end,
            right_start,
        } => {
            let op_start = to_seg(left_end)?;
            let op_end = to_seg(right_start)?.min(seg.len());
            let op_str: Vec<char> = seg.get(op_start..op_end)?.to_vec();
            let op_offset = op_str.iter().take_while(|c| c.is_whitespace()).count();
            let mut left = op_start + op_offset;
            let mut right = left + 1;
            if op_offset + 1 < op_str.len() && !op_str[op_offset + 1].is_whitespace() {
                right += 1;
            }
            while left < seg.len()
                && (seg[left].is_whitespace() || seg[left] == ')' || seg[left] == '#')
            {
                left += 1;
                right += 1;
            }
            Some((left, right))
        }
        Anchor::Subscript {
            value_end,
            slice_end,
        } => {
            let mut left = to_seg(value_end)?;
            let mut right = to_seg(slice_end)? + 1;
            while left < seg.len() && seg[left] != '[' {
                left += 1;
            }
            while right < seg.len() && seg[right] != ']' {
                right += 1;
            }
            if right < seg.len() {
                right += 1;
            }
            Some((left, right))
        }
    }
}
