//! The code editor: a CodeMirror 6 view created by the page's bundled `editor.js`.

use leptos::html::Div;
use leptos::prelude::*;
use wasm_bindgen::prelude::*;

use crate::app::Viewer;

#[wasm_bindgen]
extern "C" {
    /// Creates an editor in `parent` holding `doc`; `on_change` gets the text after each edit.
    #[wasm_bindgen(js_namespace = pyscopeEditor, js_name = create)]
    fn create_editor(
        parent: &web_sys::HtmlElement,
        doc: &str,
        on_change: &js_sys::Function,
    ) -> JsValue;

    /// Highlights 1-based line `line` of the editor as the one being executed (0: none).
    #[wasm_bindgen(js_namespace = pyscopeEditor, js_name = markLine)]
    fn mark_line(view: &JsValue, line: u32);
}

/// The editor, bound to the viewer's source text; it highlights the line of the step shown.
#[component]
pub fn Editor() -> impl IntoView {
    let v = expect_context::<Viewer>();
    let host = NodeRef::<Div>::new();
    let view_handle = StoredValue::new_local(None::<JsValue>);
    Effect::new(move |_| {
        let Some(el) = host.get() else { return };
        if view_handle.with_value(Option::is_some) {
            return;
        }
        let on_change = Closure::<dyn FnMut(String)>::new(move |text: String| v.source.set(text));
        let handle = create_editor(
            &el,
            &v.source.get_untracked(),
            on_change.as_ref().unchecked_ref(),
        );
        // The editor lives as long as the page, and so must its change handler.
        on_change.forget();
        view_handle.set_value(Some(handle));
    });
    Effect::new(move |_| {
        let line = v.state.with(|s| s.as_ref().map_or(0, |s| s.location.line));
        view_handle.with_value(|h| {
            if let Some(h) = h {
                mark_line(h, line);
            }
        });
    });
    view! { <div data-testid="editor" class="editor" node_ref=host></div> }
}
