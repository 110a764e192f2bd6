//! A readable text rendering of a state, used by snapshot tests and the CLI's `--at`.

use std::fmt::Write;

use crate::{Binding, Event, HeapObject, ObjectValue, State};

fn refs(ids: &[u64]) -> String {
    let parts: Vec<String> = ids.iter().map(|i| format!("#{i}")).collect();
    parts.join(", ")
}

fn bindings(b: &[Binding]) -> String {
    let parts: Vec<String> = b
        .iter()
        .map(|x| match x.value {
            Some(v) => format!("{}=#{v}", x.name),
            None => format!("{}=<unbound>", x.name),
        })
        .collect();
    parts.join(" ")
}

fn object_line(o: &HeapObject) -> String {
    let body = match &o.value {
        ObjectValue::None => "None".to_string(),
        ObjectValue::Bool { value } => if *value { "True" } else { "False" }.to_string(),
        ObjectValue::Int { repr } | ObjectValue::Float { repr } | ObjectValue::Complex { repr } => {
            repr.clone()
        }
        ObjectValue::Str { value } => format!("{value:?}"),
        ObjectValue::Bytes { repr } => repr.clone(),
        ObjectValue::List { items, allocated } => {
            format!("[{}] allocated={allocated}", refs(items))
        }
        ObjectValue::Tuple { items } => format!("({})", refs(items)),
        ObjectValue::Dict { entries, .. } => {
            let parts: Vec<String> = entries.iter().map(|(k, v)| format!("#{k}: #{v}")).collect();
            format!("{{{}}}", parts.join(", "))
        }
        ObjectValue::Set { items, .. } => format!("{{{}}}", refs(items)),
        ObjectValue::Range { start, stop, step } => format!("range({start}, {stop}, {step})"),
        ObjectValue::Function {
            qualname,
            signature,
            closure,
            ..
        } => {
            let mut s = format!("{qualname}{signature}");
            if !closure.is_empty() {
                let _ = write!(s, " closure: {}", bindings(closure));
            }
            s
        }
        ObjectValue::BuiltinFunction { name } => format!("<built-in {name}>"),
        ObjectValue::BoundMethod { function, receiver } => {
            format!("bound #{function} of #{receiver}")
        }
        ObjectValue::Class {
            qualname, attrs, ..
        } => format!("class {qualname} {}", bindings(attrs)),
        ObjectValue::Instance { attrs } => bindings(attrs),
        ObjectValue::Module { name, attrs } => format!("module {name} {}", bindings(attrs)),
        ObjectValue::Cell { contents } => match contents {
            Some(c) => format!("cell -> #{c}"),
            None => "cell (empty)".into(),
        },
        ObjectValue::Generator { name, status, .. } => format!("{name} {status}"),
        ObjectValue::Exception { message, .. } => message.clone(),
        ObjectValue::Iterator { over, position } => match over {
            Some(o) => format!("over #{o} at {position}"),
            None => format!("at {position}"),
        },
        ObjectValue::Leaf { name } => name.clone(),
        ObjectValue::Other { repr } => repr.clone(),
    };
    format!("#{} {} rc={} {}", o.id, o.type_name, o.refcount, body)
}

fn event_text(e: &Event) -> String {
    match e {
        Event::Line => "line".into(),
        Event::Call { function } => format!("call {function}"),
        Event::Return { function, value } => match value {
            Some(v) => format!("return {function} -> #{v}"),
            None => format!("return {function}"),
        },
        Event::Exception { type_name, message } => format!("exception {type_name}: {message}"),
        Event::ExceptionCaught { type_name } => format!("caught {type_name}"),
        Event::Unwind { function } => format!("unwind {function}"),
        Event::Yield { function } => format!("yield {function}"),
        Event::Resume { function } => format!("resume {function}"),
        Event::ImportStart { module } => format!("import {module}"),
        Event::ImportEnd { module } => format!("imported {module}"),
        Event::ThreadSwitch { from, to } => format!("thread {from} -> {to}"),
        Event::TaskSwitch { task } => format!("task {task}"),
        Event::Input { line } => format!("input {line:?}"),
        Event::Limit { message } => format!("limit: {message}"),
    }
}

/// Renders a state as stable, line-oriented text.
pub fn render_text(s: &State) -> String {
    let mut out = String::new();
    let events: Vec<String> = s.events.iter().map(event_text).collect();
    let _ = writeln!(
        out,
        "step {} (line step {}) {}:{}{}",
        s.step,
        s.line_step,
        s.location.file,
        s.location.line,
        if events.is_empty() {
            String::new()
        } else {
            format!(" [{}]", events.join("; "))
        }
    );
    for f in &s.frames {
        let _ = writeln!(
            out,
            "  frame {} depth={} line={}: {}",
            f.qualname,
            f.depth,
            f.line,
            bindings(&f.locals)
        );
        if !f.cells.is_empty() {
            let _ = writeln!(out, "    cells: {}", bindings(&f.cells));
        }
        if let Some(r) = f.return_value {
            let _ = writeln!(out, "    return value: #{r}");
        }
    }
    for o in &s.heap {
        let _ = writeln!(out, "  {}", object_line(o));
    }
    if !s.stdout.is_empty() {
        let _ = writeln!(out, "  stdout: {:?}", s.stdout);
    }
    if !s.stderr.is_empty() {
        let _ = writeln!(out, "  stderr: {:?}", s.stderr);
    }
    out
}
