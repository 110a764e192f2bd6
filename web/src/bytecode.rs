//! The bytecode panel: the disassembly of the code object the current frame runs, its current
//! instruction highlighted, and the frame's value stack beside it.

use leptos::prelude::*;
use pyscope_layout::py_str_repr;
use pyscope_trace::{FrameView, InstrView, ObjectValue, State};

use crate::shell::keep_in_view;
use crate::viewer::Viewer;

/// A short text for a value-stack entry: the value of a small object, else its type.
fn stack_text(state: &State, entry: Option<u64>) -> String {
    let Some(id) = entry else {
        return "NULL".into();
    };
    let Some(obj) = state.object(id) else {
        return format!("#{id}");
    };
    let text = match &obj.value {
        ObjectValue::None => "None".into(),
        ObjectValue::Bool { value } => if *value { "True" } else { "False" }.into(),
        ObjectValue::Int { repr } | ObjectValue::Float { repr } | ObjectValue::Complex { repr } => {
            repr.clone()
        }
        ObjectValue::Str { value } => py_str_repr(value),
        ObjectValue::Function { name, .. } => format!("<function {name}>"),
        ObjectValue::BuiltinFunction { name } => format!("<built-in {name}>"),
        ObjectValue::Class { name, .. } => format!("<class {name}>"),
        ObjectValue::Leaf { name } => name.clone(),
        _ => format!("<{}>", obj.type_name),
    };
    if text.chars().count() > 28 {
        let cut: String = text.chars().take(27).collect();
        format!("{cut}…")
    } else {
        text
    }
}

fn row(i: &InstrView, current: bool) -> impl IntoView + use<> {
    let line = i.starts_line.map(|l| l.to_string()).unwrap_or_default();
    let arg = i.arg.map(|a| a.to_string()).unwrap_or_default();
    let argrepr = if i.argrepr.is_empty() {
        String::new()
    } else {
        format!("({})", i.argrepr)
    };
    view! {
        <tr data-testid="instr" data-offset=i.offset.to_string() class:current=current
            class:line-start=i.starts_line.is_some()
            data-current=current.then_some("true") aria-current=current.then_some("step")>
            <td class="line">{line}</td>
            <td class="mark">{if current { "▶" } else if i.is_jump_target { "»" } else { "" }}</td>
            <td class="offset">{i.offset.to_string()}</td>
            <td class="op">{i.opname.clone()}</td>
            <td class="arg">{arg}</td>
            <td class="argrepr">{argrepr}</td>
        </tr>
    }
}

fn stack(state: &State, frame: &FrameView) -> impl IntoView + use<> {
    let items: Vec<String> = frame
        .stack
        .iter()
        .rev()
        .map(|e| stack_text(state, *e))
        .collect();
    let empty = items.is_empty();
    let depth = items.len().to_string();
    view! {
        <div class="value-stack" data-testid="value-stack" data-depth=depth
            aria-label="Value stack, top first">
            <h3>"Value stack"</h3>
            {empty.then(|| view! { <p class="note">"empty"</p> })}
            <ol>
                {items.into_iter().enumerate().map(|(k, t)| view! {
                    <li data-testid="stack-item" class:top=k == 0>{t}</li>
                }).collect_view()}
            </ol>
        </div>
    }
}

/// The panel; it can be collapsed.
#[component]
pub fn Bytecode() -> impl IntoView {
    let v = expect_context::<Viewer>();
    let open = RwSignal::new(true);
    let body = move || {
        if !open.get() {
            return None;
        }
        let codes = v.codes.get();
        v.state.with(|s| {
            let s = s.as_ref()?;
            let frame = s.frames.last()?;
            let code = codes.get(&frame.code)?.clone();
            let title = format!("{} · {}", code.qualname, code.file);
            let rows = code
                .instrs
                .iter()
                .map(|i| row(i, i.index == frame.instr))
                .collect_view();
            Some(view! {
                <div class="bytecode-body">
                    <div class="dis">
                        <h3>{title}</h3>
                        <table><tbody>{rows}</tbody></table>
                    </div>
                    {stack(s, frame)}
                </div>
            })
        })
    };
    // Keep the current instruction in view.
    Effect::new(move |_| {
        v.state.track();
        v.codes.track();
        keep_in_view(".dis", "[data-current=true]");
    });
    view! {
        <section class="bytecode" data-testid="bytecode" aria-label="Bytecode">
            <h2>
                <button class="fold" aria-expanded=move || open.get().to_string()
                    on:click=move |_| open.update(|o| *o = !*o)>
                    {move || if open.get() { "▾" } else { "▸" }}
                </button>
                " Bytecode"
            </h2>
            {body}
        </section>
    }
}
