//! The page's chrome: the header with its options (theme, heap mode, ids, SVG export), and
//! the browser chores done by the bundled `pyscopeShell` JavaScript.

use leptos::prelude::*;
use pyscope_layout::HeapMode;
use wasm_bindgen::prelude::*;

use crate::viewer::Viewer;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = pyscopeShell, js_name = exportSvg)]
    fn export_svg(svg: &web_sys::Element, name: &str);
    #[wasm_bindgen(js_namespace = pyscopeShell, js_name = mark)]
    fn js_mark(name: &str);
    #[wasm_bindgen(js_namespace = pyscopeShell, js_name = markAfterPaint)]
    fn js_mark_after_paint(name: &str);
    #[wasm_bindgen(js_namespace = pyscopeShell)]
    pub fn load(key: &str) -> String;
    #[wasm_bindgen(js_namespace = pyscopeShell)]
    pub fn save(key: &str, value: &str);
    #[wasm_bindgen(js_namespace = pyscopeShell, js_name = replaceHash)]
    pub fn replace_hash(hash: &str);
    #[wasm_bindgen(js_namespace = pyscopeShell, js_name = prefersDark)]
    fn prefers_dark() -> bool;
    #[wasm_bindgen(js_namespace = pyscopeShell, js_name = setTheme)]
    fn set_theme(name: &str);
    #[wasm_bindgen(js_namespace = pyscopeShell)]
    pub fn loaded();
    #[wasm_bindgen(js_namespace = pyscopeShell, js_name = keepInView)]
    pub fn keep_in_view(container: &str, item: &str);
}

/// Where the chosen theme is kept.
const THEME_KEY: &str = "pyscope.theme";

/// Adds a performance mark (not in native tests).
pub fn mark(name: &str) {
    if cfg!(target_arch = "wasm32") {
        js_mark(name);
    }
}

/// Adds a performance mark once the next frame is painted.
pub fn mark_after_paint(name: &str) {
    if cfg!(target_arch = "wasm32") {
        js_mark_after_paint(name);
    }
}

/// The header: title, theme toggle, heap mode, ids and refcounts, and SVG export.
#[component]
pub fn Header() -> impl IntoView {
    let v = expect_context::<Viewer>();
    let stored = load(THEME_KEY);
    let dark = RwSignal::new(match stored.as_str() {
        "dark" => true,
        "light" => false,
        _ => prefers_dark(),
    });
    Effect::new(move |_| set_theme(if dark.get() { "dark" } else { "light" }));
    let toggle = move |_| {
        dark.update(|d| *d = !*d);
        save(
            THEME_KEY,
            if dark.get_untracked() {
                "dark"
            } else {
                "light"
            },
        );
    };
    let export = move |_| {
        let svg = document().query_selector("svg.graph").ok().flatten();
        if let Some(svg) = svg {
            let step = v.position.get_untracked() + 1;
            export_svg(&svg, &format!("pyscope-step-{step}.svg"));
        }
    };
    let mode = move || v.heap_mode.get().as_str();
    view! {
        <header class="top">
            <h1>"Pyscope"</h1>
            <span class="tagline">"Python 3.11, step by step, in your browser"</span>
            <span class="spacer"></span>
            <label class="option">"Primitives "
                <select data-testid="heap-mode" aria-label="How to draw primitive values"
                    prop:value=mode
                    on:change=move |ev| {
                        if let Some(m) = HeapMode::parse(&event_target_value(&ev)) {
                            v.heap_mode.set(m);
                        }
                    }>
                    <option value="nevernest">"inline, objects apart"</option>
                    <option value="false">"inline, objects nested"</option>
                    <option value="true">"all on the heap"</option>
                </select>
            </label>
            <label class="option">
                <input type="checkbox" data-testid="show-ids" prop:checked=move || v.show_ids.get()
                    on:change=move |ev| v.show_ids.set(event_target_checked(&ev)) />
                " ids & refcounts"
            </label>
            <button data-testid="export-svg" title="Download the diagram as an SVG file" on:click=export>"Export SVG"</button>
            <button data-testid="theme-toggle" aria-label="Switch between light and dark themes"
                aria-pressed=move || dark.get().to_string() on:click=toggle>
                {move || if dark.get() { "☀ Light" } else { "☾ Dark" }}
            </button>
        </header>
    }
}
