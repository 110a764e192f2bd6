//! Python Tutor's trace format (`{code, trace}`), built from Pyscope states.
//!
//! Each line step becomes one Python Tutor step with its field names (`line`, `event`,
//! `func_name`, `globals`, `ordered_globals`, `stack_to_render`, `heap`, `stdout`) and its heap
//! encoding: ints, floats, strings, booleans and None inline, everything else as
//! `["REF", id]` into `heap`, where lists are `["LIST", ...]`, dicts `["DICT", [k, v], ...]`,
//! instances `["INSTANCE", class, [name, value], ...]` and so on.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{Binding, Event, FrameView, ObjectId, ObjectValue, State};

/// A JSON value in Python Tutor's encoding.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    List(Vec<Value>),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Trace {
    pub code: String,
    pub trace: Vec<Step>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Step {
    pub line: u32,
    pub event: String,
    pub func_name: String,
    pub globals: BTreeMap<String, Value>,
    pub ordered_globals: Vec<String>,
    pub stack_to_render: Vec<StackFrame>,
    pub heap: BTreeMap<String, Value>,
    pub stdout: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exception_msg: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StackFrame {
    pub func_name: String,
    pub is_parent: bool,
    pub frame_id: u64,
    pub parent_frame_id_list: Vec<u64>,
    pub encoded_locals: BTreeMap<String, Value>,
    pub ordered_varnames: Vec<String>,
    pub is_zombie: bool,
    pub is_highlighted: bool,
    pub unique_hash: String,
}

/// Converts the states at each line step (in order) into a Python Tutor trace.
pub fn from_states(code: &str, states: &[State], uncaught: Option<&str>) -> Trace {
    let mut trace: Vec<Step> = states.iter().map(step_of).collect();
    if let (Some(msg), Some(last)) = (uncaught, states.last()) {
        let mut s = step_of(last);
        s.event = "uncaught_exception".into();
        s.exception_msg = Some(msg.to_string());
        trace.push(s);
    }
    Trace {
        code: code.to_string(),
        trace,
    }
}

fn step_of(s: &State) -> Step {
    let mut enc = Encoder {
        state: s,
        heap: BTreeMap::new(),
    };
    let module = s.frames.first();
    let mut globals = BTreeMap::new();
    let mut ordered_globals = Vec::new();
    if let Some(m) = module {
        for b in &m.locals {
            if let Some(v) = b.value {
                if is_hidden(&b.name) {
                    continue;
                }
                globals.insert(b.name.clone(), enc.value(v));
                ordered_globals.push(b.name.clone());
            }
        }
    }
    let n = s.frames.len();
    let stack_to_render: Vec<StackFrame> = s
        .frames
        .iter()
        .skip(1)
        .enumerate()
        .map(|(i, f)| enc.frame(f, i + 2 == n))
        .collect();
    let mut event = "step_line".to_string();
    let mut exception_msg = None;
    for e in &s.events {
        match e {
            Event::Call { .. } => event = "call".into(),
            Event::Return { .. } => event = "return".into(),
            Event::Exception { type_name, message } => {
                event = "exception".into();
                exception_msg = Some(if message.is_empty() {
                    type_name.clone()
                } else {
                    format!("{type_name}: {message}")
                });
            }
            _ => {}
        }
    }
    Step {
        line: s.location.line,
        event,
        func_name: s
            .frames
            .last()
            .map_or("<module>".into(), |f| f.name.clone()),
        globals,
        ordered_globals,
        stack_to_render,
        heap: enc.heap,
        stdout: s.stdout.clone(),
        exception_msg,
    }
}

fn is_hidden(name: &str) -> bool {
    name.starts_with("__") && name.ends_with("__")
}

struct Encoder<'a> {
    state: &'a State,
    heap: BTreeMap<String, Value>,
}

impl Encoder<'_> {
    fn frame(&mut self, f: &FrameView, highlighted: bool) -> StackFrame {
        let mut encoded = BTreeMap::new();
        let mut ordered = Vec::new();
        for b in f.locals.iter().chain(f.cells.iter()) {
            if let Some(v) = b.value {
                encoded.insert(b.name.clone(), self.value(v));
                ordered.push(b.name.clone());
            }
        }
        if let Some(r) = f.return_value {
            encoded.insert("__return__".into(), self.value(r));
            ordered.push("__return__".into());
        }
        StackFrame {
            func_name: f.name.clone(),
            is_parent: false,
            frame_id: f.id,
            parent_frame_id_list: Vec::new(),
            encoded_locals: encoded,
            ordered_varnames: ordered,
            is_zombie: false,
            is_highlighted: highlighted,
            unique_hash: format!("{}_f{}", f.name, f.id),
        }
    }

    /// Encodes a reference: primitives inline, the rest as `["REF", id]` with a heap entry.
    fn value(&mut self, id: ObjectId) -> Value {
        let Some(obj) = self.state.object(id) else {
            return Value::Null;
        };
        match &obj.value {
            ObjectValue::None => return Value::Null,
            ObjectValue::Bool { value } => return Value::Bool(*value),
            ObjectValue::Int { repr } => {
                if let Ok(i) = repr.parse::<i64>() {
                    return Value::Int(i);
                }
            }
            ObjectValue::Float { repr } => {
                return match repr.parse::<f64>() {
                    Ok(f) if f.is_finite() => Value::Float(f),
                    _ => Value::List(vec![
                        Value::Str("SPECIAL_FLOAT".into()),
                        Value::Str(special(repr)),
                    ]),
                };
            }
            ObjectValue::Str { value } => return Value::Str(value.clone()),
            _ => {}
        }
        let key = id.to_string();
        if !self.heap.contains_key(&key) {
            self.heap.insert(key.clone(), Value::Null);
            let encoded = self.object(obj.type_name.as_str(), &obj.value);
            self.heap.insert(key, encoded);
        }
        Value::List(vec![Value::Str("REF".into()), Value::Int(id as i64)])
    }

    fn tagged(tag: &str, mut rest: Vec<Value>) -> Value {
        rest.insert(0, Value::Str(tag.into()));
        Value::List(rest)
    }

    fn attrs(&mut self, attrs: &[Binding]) -> Vec<Value> {
        attrs
            .iter()
            .filter_map(|b| b.value.map(|v| (b.name.clone(), v)))
            .map(|(n, v)| Value::List(vec![Value::Str(n), self.value(v)]))
            .collect()
    }

    fn object(&mut self, type_name: &str, v: &ObjectValue) -> Value {
        match v {
            ObjectValue::List { items, .. } => {
                let items = items.iter().map(|i| self.value(*i)).collect();
                Self::tagged("LIST", items)
            }
            ObjectValue::Tuple { items } => {
                let items = items.iter().map(|i| self.value(*i)).collect();
                Self::tagged("TUPLE", items)
            }
            ObjectValue::Set { items, .. } => {
                let items = items.iter().map(|i| self.value(*i)).collect();
                Self::tagged("SET", items)
            }
            ObjectValue::Dict { entries, .. } => {
                let pairs = entries
                    .iter()
                    .map(|(k, v)| Value::List(vec![self.value(*k), self.value(*v)]))
                    .collect();
                Self::tagged("DICT", pairs)
            }
            ObjectValue::Instance { attrs } => {
                let mut rest = vec![Value::Str(type_name.into())];
                rest.extend(self.attrs(attrs));
                Self::tagged("INSTANCE", rest)
            }
            ObjectValue::Class {
                name, mro, attrs, ..
            } => {
                let supers = mro
                    .iter()
                    .skip(1)
                    .filter(|m| *m != "object")
                    .map(|m| Value::Str(m.clone()))
                    .collect();
                let mut rest = vec![Value::Str(name.clone()), Value::List(supers)];
                rest.extend(self.attrs(attrs));
                Self::tagged("CLASS", rest)
            }
            ObjectValue::Function {
                name, signature, ..
            } => Self::tagged(
                "FUNCTION",
                vec![Value::Str(format!("{name}{signature}")), Value::Null],
            ),
            ObjectValue::Module { name, .. } => {
                Self::tagged("module", vec![Value::Str(name.clone())])
            }
            ObjectValue::Int { repr }
            | ObjectValue::Complex { repr }
            | ObjectValue::Bytes { repr } => Self::tagged(
                "HEAP_PRIMITIVE",
                vec![Value::Str(type_name.into()), Value::Str(repr.clone())],
            ),
            ObjectValue::Other { repr } => Self::tagged(
                "HEAP_PRIMITIVE",
                vec![Value::Str(type_name.into()), Value::Str(repr.clone())],
            ),
            ObjectValue::Leaf { name } => Self::tagged(
                "HEAP_PRIMITIVE",
                vec![Value::Str(type_name.into()), Value::Str(name.clone())],
            ),
            other => Self::tagged(
                "HEAP_PRIMITIVE",
                vec![
                    Value::Str(type_name.into()),
                    Value::Str(format!("{other:?}")),
                ],
            ),
        }
    }
}

fn special(repr: &str) -> String {
    match repr {
        "inf" => "Infinity".into(),
        "-inf" => "-Infinity".into(),
        _ => "NaN".into(),
    }
}
