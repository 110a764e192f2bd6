//! The code editor: file tabs over a CodeMirror 6 view created by the bundled `editor.js`,
//! with the executing line, the line just run, the error underline and breakpoints.

use leptos::html::Div;
use leptos::prelude::*;
use pyscope_trace::SourceFile;
use wasm_bindgen::prelude::*;

use crate::nav::Seek;
use crate::viewer::{MAIN_FILE, Viewer};

#[wasm_bindgen]
extern "C" {
    /// Creates an editor in `parent` holding `doc`; the callbacks get the text after each
    /// edit, a breakpoint gutter click and a line-number click (1-based lines).
    #[wasm_bindgen(js_namespace = pyscopeEditor, js_name = create)]
    fn create_editor(
        parent: &web_sys::HtmlElement,
        doc: &str,
        on_change: &js_sys::Function,
        on_breakpoint: &js_sys::Function,
        on_run_to: &js_sys::Function,
    ) -> JsValue;

    #[wasm_bindgen(js_namespace = pyscopeEditor, js_name = setDoc)]
    fn set_doc(view: &JsValue, text: &str);

    #[wasm_bindgen(js_namespace = pyscopeEditor, js_name = markLines)]
    fn mark_lines(view: &JsValue, current: u32, previous: u32, target: u32);

    #[wasm_bindgen(js_namespace = pyscopeEditor, js_name = markError)]
    fn mark_error(view: &JsValue, line: u32, col: u32, end_line: u32, end_col: u32, message: &str);

    #[wasm_bindgen(js_namespace = pyscopeEditor, js_name = setBreakpoints)]
    fn set_breakpoints(view: &JsValue, lines: Vec<u32>);

    #[wasm_bindgen(js_namespace = pyscopeEditor, js_name = focusLine)]
    fn focus_line(view: &JsValue, line: u32);
}

/// The name of the file shown.
fn active_name(v: Viewer) -> String {
    let i = v.active.get();
    v.files
        .with(|f| f.get(i).map(|f| f.name.clone()))
        .unwrap_or_default()
}

/// The name for a new file: `module1.py`, `module2.py`, ...
fn new_name(files: &[SourceFile]) -> String {
    (1..)
        .map(|n| format!("module{n}.py"))
        .find(|n| !files.iter().any(|f| &f.name == n))
        .unwrap_or_default()
}

/// One tab per file, a button to add a module, and one to remove the file shown.
#[component]
fn Tabs() -> impl IntoView {
    let v = expect_context::<Viewer>();
    let tabs = move || {
        v.files.with(|files| {
            files
                .iter()
                .enumerate()
                .map(|(i, f)| {
                    let name = f.name.clone();
                    view! {
                        <button role="tab" data-testid="file-tab" data-name=name.clone()
                            class="tab" class:active=move || v.active.get() == i
                            aria-selected=move || (v.active.get() == i).to_string()
                            on:click=move |_| v.active.set(i)>{name.clone()}</button>
                    }
                })
                .collect_view()
        })
    };
    let add = move |_| {
        v.files.update(|files| {
            let name = new_name(files);
            files.push(SourceFile {
                name,
                text: "# import this file from main.py by its name\n".into(),
            });
        });
        v.active.set(v.files.with_untracked(Vec::len) - 1);
    };
    let remove = move |_| {
        let i = v.active.get_untracked();
        if i > 0 {
            v.active.set(0);
            v.files.update(|files| {
                files.remove(i);
            });
        }
    };
    view! {
        <div class="tabs" role="tablist" aria-label="Files">
            {tabs}
            <button class="tab add" data-testid="file-add" title="Add a module" aria-label="Add a file" on:click=add>"+"</button>
            <button class="tab remove" title="Remove this file" aria-label="Remove the file shown"
                disabled=move || v.active.get() == 0 on:click=remove>"×"</button>
        </div>
    }
}

/// The editor with its tabs, bound to the viewer's files; it marks the step shown.
#[component]
pub fn Editor() -> impl IntoView {
    let v = expect_context::<Viewer>();
    let host = NodeRef::<Div>::new();
    let handle = StoredValue::new_local(None::<JsValue>);
    // Set once the CodeMirror view exists, so the effects below run again then.
    let ready = RwSignal::new(false);
    Effect::new(move |_| {
        let Some(el) = host.get() else { return };
        if handle.with_value(Option::is_some) {
            return;
        }
        let on_change = Closure::<dyn FnMut(String)>::new(move |text: String| {
            let i = v.active.get_untracked();
            v.files.update(|f| {
                if let Some(f) = f.get_mut(i) {
                    f.text = text;
                }
            });
        });
        let on_breakpoint = Closure::<dyn FnMut(u32)>::new(move |line: u32| {
            let key = (active_name_untracked(v), line);
            v.breakpoints.update(|b| {
                if !b.remove(&key) {
                    b.insert(key);
                }
            });
        });
        let on_run_to = Closure::<dyn FnMut(u32)>::new(move |line: u32| {
            v.seek(Seek::ToLine {
                file: v.active.get_untracked(),
                line,
            });
        });
        let text = v.files.with_untracked(|f| f[0].text.clone());
        let view = create_editor(
            &el,
            &text,
            on_change.as_ref().unchecked_ref(),
            on_breakpoint.as_ref().unchecked_ref(),
            on_run_to.as_ref().unchecked_ref(),
        );
        // The editor lives as long as the page, and so must its handlers.
        on_change.forget();
        on_breakpoint.forget();
        on_run_to.forget();
        handle.set_value(Some(view));
        ready.set(true);
    });
    let with_view = move |f: &dyn Fn(&JsValue)| {
        if !ready.get() {
            return;
        }
        handle.with_value(|h| {
            if let Some(h) = h {
                f(h);
            }
        })
    };
    // Switching tabs shows the other file's text.
    Effect::new(move |_| {
        let i = v.active.get();
        let text = v.files.with_untracked(|f| f.get(i).map(|f| f.text.clone()));
        if let Some(text) = text {
            with_view(&|h| set_doc(h, &text));
        }
    });
    Effect::new(move |_| {
        let name = active_name(v);
        let (current, previous) = v.state.with(|s| match s {
            Some(s) if same_file(&s.location.file, &name) => (s.location.line, 0),
            _ => (0, 0),
        });
        let previous = v
            .previous_line
            .with(|p| {
                p.filter(|p| {
                    v.files
                        .with(|f| f.get(p.file as usize).is_some_and(|f| f.name == name))
                })
            })
            .map_or(previous, |p| p.line);
        let target = v
            .target
            .get()
            .filter(|(f, _)| *f == v.active.get())
            .map_or(0, |(_, l)| l);
        with_view(&|h| mark_lines(h, current, previous, target));
        if target > 0 {
            with_view(&|h| focus_line(h, target));
        }
    });
    Effect::new(move |_| {
        let name = active_name(v);
        let mark = v.error_mark.get().filter(|m| same_file(&m.file, &name));
        with_view(&|h| match &mark {
            Some(m) => mark_error(h, m.line, m.col, m.end_line, m.end_col, &m.message),
            None => mark_error(h, 0, 0, 0, 0, ""),
        });
    });
    Effect::new(move |_| {
        let name = active_name(v);
        let lines: Vec<u32> = v.breakpoints.with(|b| {
            b.iter()
                .filter(|(f, _)| *f == name)
                .map(|(_, l)| *l)
                .collect()
        });
        with_view(&|h| set_breakpoints(h, lines.clone()));
    });
    view! {
        <div class="editor-box">
            <Tabs />
            <div data-testid="editor" class="editor" node_ref=host></div>
        </div>
    }
}

fn active_name_untracked(v: Viewer) -> String {
    let i = v.active.get_untracked();
    v.files
        .with_untracked(|f| f.get(i).map(|f| f.name.clone()))
        .unwrap_or_else(|| MAIN_FILE.into())
}

/// Whether a trace file name (possibly a path) names the file `name`.
fn same_file(trace: &str, name: &str) -> bool {
    trace == name || trace.rsplit('/').next() == Some(name)
}
