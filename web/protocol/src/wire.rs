//! A compact binary encoding of the worker's replies, written and read by hand.
//!
//! serde's derived deserializers for the trace's internally tagged enums (`ObjectValue`,
//! `Event`, `Outcome`) buffer every value through a generic `Content` tree: about a third of
//! the page's wasm and a slow decode. Replies travel instead as one `Uint8Array`: integers as
//! LEB128 varints (signed ones zigzagged), floats as 8 little-endian bytes, strings as a
//! length and UTF-8, options and enums as a tag byte, sequences as a length and items.

use pyscope_trace::{
    Binding, CodeView, DictEntry, DictTable, Event, FrameView, HeapObject, InstrView, LimitKind,
    LineStep, Location, ModuleEntry, ObjectValue, Outcome, SetSlot, SetTable, SourceFile, State,
    ThreadView, TraceSummary,
};

use crate::Reply;

/// Bytes being written.
#[derive(Default)]
pub struct Writer {
    pub buf: Vec<u8>,
}

/// Bytes being read.
pub struct Reader<'a> {
    buf: &'a [u8],
    at: usize,
}

type Result<T> = std::result::Result<T, String>;

impl Writer {
    fn u(&mut self, mut v: u64) {
        loop {
            let byte = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                self.buf.push(byte);
                return;
            }
            self.buf.push(byte | 0x80);
        }
    }

    fn tag(&mut self, t: u8) {
        self.buf.push(t);
    }
}

impl<'a> Reader<'a> {
    pub fn new(buf: &'a [u8]) -> Reader<'a> {
        Reader { buf, at: 0 }
    }

    fn byte(&mut self) -> Result<u8> {
        let b = *self.buf.get(self.at).ok_or("reply ends too early")?;
        self.at += 1;
        Ok(b)
    }

    fn u(&mut self) -> Result<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err("varint too long".into())
    }

    fn bytes(&mut self, n: usize) -> Result<&'a [u8]> {
        let end = self.at.checked_add(n).filter(|e| *e <= self.buf.len());
        let end = end.ok_or("reply ends too early")?;
        let out = &self.buf[self.at..end];
        self.at = end;
        Ok(out)
    }

    /// Whether every byte was read.
    pub fn done(&self) -> bool {
        self.at == self.buf.len()
    }
}

/// A value with a wire form.
pub trait Wire: Sized {
    fn put(&self, w: &mut Writer);
    fn get(r: &mut Reader) -> Result<Self>;
}

macro_rules! unsigned {
    ($($t:ty),*) => {$(
        impl Wire for $t {
            fn put(&self, w: &mut Writer) {
                w.u(u64::from(*self));
            }
            fn get(r: &mut Reader) -> Result<Self> {
                <$t>::try_from(r.u()?).map_err(|e| e.to_string())
            }
        }
    )*};
}
unsigned!(u8, u32, u64);

impl Wire for i64 {
    fn put(&self, w: &mut Writer) {
        w.u(((self << 1) ^ (self >> 63)) as u64);
    }
    fn get(r: &mut Reader) -> Result<Self> {
        let v = r.u()?;
        Ok(((v >> 1) as i64) ^ -((v & 1) as i64))
    }
}

impl Wire for i32 {
    fn put(&self, w: &mut Writer) {
        i64::from(*self).put(w);
    }
    fn get(r: &mut Reader) -> Result<Self> {
        i32::try_from(i64::get(r)?).map_err(|e| e.to_string())
    }
}

impl Wire for f64 {
    fn put(&self, w: &mut Writer) {
        w.buf.extend_from_slice(&self.to_le_bytes());
    }
    fn get(r: &mut Reader) -> Result<Self> {
        let b = r.bytes(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(f64::from_le_bytes(a))
    }
}

impl Wire for bool {
    fn put(&self, w: &mut Writer) {
        w.tag(u8::from(*self));
    }
    fn get(r: &mut Reader) -> Result<Self> {
        Ok(r.byte()? != 0)
    }
}

impl Wire for String {
    fn put(&self, w: &mut Writer) {
        w.u(self.len() as u64);
        w.buf.extend_from_slice(self.as_bytes());
    }
    fn get(r: &mut Reader) -> Result<Self> {
        let n = r.u()? as usize;
        let b = r.bytes(n)?;
        String::from_utf8(b.to_vec()).map_err(|e| e.to_string())
    }
}

impl<T: Wire> Wire for Vec<T> {
    fn put(&self, w: &mut Writer) {
        w.u(self.len() as u64);
        for x in self {
            x.put(w);
        }
    }
    fn get(r: &mut Reader) -> Result<Self> {
        let n = r.u()? as usize;
        // Every item takes at least a byte, so a bad length cannot reserve much.
        let mut out = Vec::with_capacity(n.min(r.buf.len() - r.at));
        for _ in 0..n {
            out.push(T::get(r)?);
        }
        Ok(out)
    }
}

impl<T: Wire> Wire for Option<T> {
    fn put(&self, w: &mut Writer) {
        match self {
            None => w.tag(0),
            Some(x) => {
                w.tag(1);
                x.put(w);
            }
        }
    }
    fn get(r: &mut Reader) -> Result<Self> {
        Ok(match r.byte()? {
            0 => None,
            _ => Some(T::get(r)?),
        })
    }
}

impl<T: Wire> Wire for Box<T> {
    fn put(&self, w: &mut Writer) {
        (**self).put(w);
    }
    fn get(r: &mut Reader) -> Result<Self> {
        Ok(Box::new(T::get(r)?))
    }
}

impl<A: Wire, B: Wire> Wire for (A, B) {
    fn put(&self, w: &mut Writer) {
        self.0.put(w);
        self.1.put(w);
    }
    fn get(r: &mut Reader) -> Result<Self> {
        Ok((A::get(r)?, B::get(r)?))
    }
}

macro_rules! record {
    ($($t:ident { $($f:ident),* })*) => {$(
        impl Wire for $t {
            fn put(&self, w: &mut Writer) {
                $(self.$f.put(w);)*
            }
            fn get(r: &mut Reader) -> Result<Self> {
                Ok($t { $($f: Wire::get(r)?,)* })
            }
        }
    )*};
}

record! {
    SourceFile { name, text }
    TraceSummary { steps, line_steps, files, outcome, record_ms, trace_bytes }
    LineStep { step, file, line, depth, thread }
    Location { file, line, col, end_line, end_col }
    State { step, line_step, total_steps, total_line_steps, location, thread, events, frames,
        heap, stdout, stderr, exception, modules, other_threads }
    ThreadView { id, name, frames }
    ModuleEntry { name, id }
    Binding { name, value }
    FrameView { id, name, qualname, depth, file, line, code, instr, locals, cells, stack,
        return_value, function }
    HeapObject { id, type_name, class, refcount, address, size, value }
    DictTable { kind, log2_size, usable, nentries, used, indices, entries, last_probe }
    DictEntry { hash, key, value }
    SetTable { mask, fill, used, slots, last_probe }
    CodeView { id, name, qualname, file, first_line, instrs }
    InstrView { index, offset, starts_line, line, opname, arg, argrepr, is_jump_target }
}

/// Enums: each variant a tag byte, then its fields in order.
macro_rules! choice {
    ($($t:ident { $($tag:literal => $v:ident $({ $($f:ident),* })?),* $(,)? })*) => {$(
        impl Wire for $t {
            fn put(&self, w: &mut Writer) {
                match self {
                    $($t::$v $({ $($f),* })? => {
                        w.tag($tag);
                        $($($f.put(w);)*)?
                    })*
                }
            }
            fn get(r: &mut Reader) -> Result<Self> {
                match r.byte()? {
                    $($tag => Ok($t::$v $({ $($f: Wire::get(r)?),* })?),)*
                    t => Err(format!("unknown {} tag {t}", stringify!($t))),
                }
            }
        }
    )*};
}

choice! {
    Outcome {
        0 => Running,
        1 => Finished { exit_status },
        2 => Exception { message, exit_status },
        3 => SyntaxError { message, line, col, end_line, end_col },
        4 => Limit { limit, message },
        5 => Stopped,
        6 => WaitingForInput { prompt },
    }
    LimitKind { 0 => Steps, 1 => HeapObjects, 2 => Recursion, 3 => Output }
    Event {
        0 => Line,
        1 => Call { function },
        2 => Return { function, value },
        3 => Exception { type_name, message },
        4 => ExceptionCaught { type_name },
        5 => Unwind { function },
        6 => Yield { function },
        7 => Resume { function },
        8 => ImportStart { module },
        9 => ImportEnd { module },
        10 => ThreadSwitch { from, to },
        11 => TaskSwitch { task },
        12 => Input { line },
        13 => Limit { message },
    }
    SetSlot { 0 => Empty, 1 => Dummy, 2 => Entry { hash, key } }
    ObjectValue {
        0 => None,
        1 => Bool { value },
        2 => Int { repr },
        3 => Float { repr },
        4 => Complex { repr },
        5 => Str { value },
        6 => Bytes { repr },
        7 => List { items, allocated },
        8 => Tuple { items },
        9 => Dict { entries, table },
        10 => Set { items, frozen, table },
        11 => Range { start, stop, step },
        12 => Function { name, qualname, signature, defaults, kwdefaults, closure, code },
        13 => BuiltinFunction { name },
        14 => BoundMethod { function, receiver },
        15 => Class { name, qualname, bases, mro, attrs },
        16 => Instance { attrs },
        17 => Module { name, attrs },
        18 => Cell { contents },
        19 => Generator { name, status, frame },
        20 => Exception { args, message, cause, context },
        21 => Iterator { over, position },
        22 => Leaf { name },
        23 => Other { repr },
    }
    Reply {
        0 => Ready,
        1 => Progress { run, steps, line_steps },
        2 => Finished { run, summary },
        3 => State { run, query, state, previous_line },
        4 => Code { run, code },
        5 => Index { run, from, lines, complete },
        6 => Failed { run, message },
    }
}

/// A reply as bytes.
pub fn write_reply(reply: &Reply) -> Vec<u8> {
    let mut w = Writer::default();
    reply.put(&mut w);
    w.buf
}

/// A reply from bytes.
pub fn read_reply(bytes: &[u8]) -> Result<Reply> {
    let mut r = Reader::new(bytes);
    let reply = Reply::get(&mut r)?;
    if r.done() {
        Ok(reply)
    } else {
        Err("bytes left after the reply".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(id: u64, value: ObjectValue) -> HeapObject {
        HeapObject {
            id,
            type_name: "t".into(),
            class: Some(id + 1),
            refcount: u64::MAX,
            address: 0x7fff_ffff_ffff_fff0,
            size: 56,
            value,
        }
    }

    #[test]
    fn replies_round_trip_exactly() {
        let frame = FrameView {
            id: 9,
            name: "f".into(),
            locals: vec![Binding {
                name: "x".into(),
                value: Some(3),
            }],
            stack: vec![None, Some(4)],
            return_value: Some(5),
            ..Default::default()
        };
        let state = State {
            step: u64::MAX,
            events: vec![
                Event::Line,
                Event::Return {
                    function: "f".into(),
                    value: None,
                },
                Event::ThreadSwitch { from: 1, to: 2 },
            ],
            frames: vec![frame.clone()],
            heap: vec![
                obj(1, ObjectValue::None),
                obj(
                    2,
                    ObjectValue::Str {
                        value: "é\n'".into(),
                    },
                ),
                obj(
                    3,
                    ObjectValue::Dict {
                        entries: vec![(2, 1)],
                        table: Some(DictTable {
                            kind: "unicode".into(),
                            log2_size: 3,
                            usable: -1,
                            indices: vec![-1, -2, 0, i64::MIN, i64::MAX],
                            entries: vec![
                                None,
                                Some(DictEntry {
                                    hash: -7,
                                    key: 2,
                                    value: 1,
                                }),
                            ],
                            last_probe: vec![2, 0],
                            ..Default::default()
                        }),
                    },
                ),
                obj(
                    4,
                    ObjectValue::Set {
                        items: vec![1],
                        frozen: true,
                        table: SetTable {
                            slots: vec![
                                SetSlot::Empty,
                                SetSlot::Dummy,
                                SetSlot::Entry { hash: -1, key: 1 },
                            ],
                            ..Default::default()
                        },
                    },
                ),
                obj(
                    5,
                    ObjectValue::Generator {
                        name: "g".into(),
                        status: "suspended".into(),
                        frame: Some(Box::new(frame)),
                    },
                ),
            ],
            stdout: "out".into(),
            exception: Some(3),
            ..Default::default()
        };
        let summary = TraceSummary {
            outcome: Outcome::SyntaxError {
                message: "m".into(),
                line: 1,
                col: 2,
                end_line: 3,
                end_col: 4,
            },
            record_ms: 1.25,
            files: vec![SourceFile {
                name: "main.py".into(),
                text: "x = 1\n".into(),
            }],
            ..Default::default()
        };
        let replies = [
            Reply::Ready,
            Reply::Finished { run: 1, summary },
            Reply::State {
                run: 2,
                query: 3,
                state: Box::new(state),
                previous_line: Some(LineStep {
                    line: 4,
                    ..Default::default()
                }),
            },
            Reply::Failed {
                run: 4,
                message: "gone".into(),
            },
        ];
        for reply in replies {
            let bytes = write_reply(&reply);
            assert_eq!(read_reply(&bytes), Ok(reply));
            assert!(read_reply(&bytes[..bytes.len() - 1]).is_err());
        }
        assert!(read_reply(&[99]).is_err());
    }
}
