//! The bytecode panel: the disassembly of the code object the current frame runs, its current
//! instruction highlighted, and the frame's value stack beside it.

use leptos::prelude::*;
use pyscope_layout::py_str_repr;
use pyscope_trace::{CodeView, FrameView, InstrView, ObjectValue, State};

use crate::shell::keep_in_view;
use crate::svg::escape;
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

/// One disassembly row as HTML.
fn row(out: &mut String, i: &InstrView, current: bool) {
    let line = i.starts_line.map(|l| l.to_string()).unwrap_or_default();
    let arg = i.arg.map(|a| a.to_string()).unwrap_or_default();
    let argrepr = if i.argrepr.is_empty() {
        String::new()
    } else {
        format!("({})", i.argrepr)
    };
    let mut class = String::new();
    if current {
        class.push_str("current ");
    }
    if i.starts_line.is_some() {
        class.push_str("line-start");
    }
    let mark = if current {
        "▶"
    } else if i.is_jump_target {
        "»"
    } else {
        ""
    };
    let current_attrs = if current {
        " data-current=\"true\" aria-current=\"step\""
    } else {
        ""
    };
    out.push_str(&format!(
        "<tr data-testid=\"instr\" data-offset=\"{}\" class=\"{class}\"{current_attrs}><td class=\"line\">{line}</td><td class=\"mark\">{mark}</td><td class=\"offset\">{}</td><td class=\"op\">{}</td><td class=\"arg\">{arg}</td><td class=\"argrepr\">{}</td></tr>",
        i.offset,
        i.offset,
        escape(&i.opname),
        escape(&argrepr)
    ));
}

/// The disassembly table and the value stack as HTML.
fn render(code: &CodeView, state: &State, frame: &FrameView) -> String {
    let mut out = format!(
        "<div class=\"dis\"><h3>{} · {}</h3><table><tbody>",
        escape(&code.qualname),
        escape(&code.file)
    );
    for i in &code.instrs {
        row(&mut out, i, i.index == frame.instr);
    }
    out.push_str("</tbody></table></div>");
    out.push_str(&format!(
        "<div class=\"value-stack\" data-testid=\"value-stack\" data-depth=\"{}\" aria-label=\"Value stack, top first\"><h3>Value stack</h3>",
        frame.stack.len()
    ));
    if frame.stack.is_empty() {
        out.push_str("<p class=\"note\">empty</p>");
    }
    out.push_str("<ol>");
    for (k, e) in frame.stack.iter().rev().enumerate() {
        let top = if k == 0 { " class=\"top\"" } else { "" };
        out.push_str(&format!(
            "<li data-testid=\"stack-item\"{top}>{}</li>",
            escape(&stack_text(state, *e))
        ));
    }
    out.push_str("</ol></div>");
    out
}

/// The panel; it can be collapsed.
#[component]
pub fn Bytecode() -> impl IntoView {
    let v = expect_context::<Viewer>();
    let open = RwSignal::new(true);
    let body = move || {
        if !open.get() {
            return String::new();
        }
        let codes = v.codes.get();
        v.state.with(|s| {
            let Some(s) = s.as_ref() else {
                return String::new();
            };
            // The state after the last instruction has no instruction to show.
            if s.step >= s.total_steps {
                return "<p class=\"note\">The program has ended.</p>".to_string();
            }
            match s.frames.last() {
                Some(frame) => match codes.get(&frame.code) {
                    Some(code) => render(code, s, frame),
                    None => String::new(),
                },
                None => String::new(),
            }
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
            <div class="bytecode-body" inner_html=body></div>
        </section>
    }
}
