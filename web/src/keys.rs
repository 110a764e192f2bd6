//! Keyboard control: ←/→ move by line step, Shift+←/→ by instruction, Home/End to the first
//! and last step, ↓ steps over, ↑ steps out, and Ctrl/Cmd+Enter runs (also in the editor).

use leptos::ev;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::nav::Seek;
use crate::viewer::Viewer;

/// Whether a key event belongs to something that uses arrow keys itself (the code editor,
/// text fields, the step slider).
fn typing_target(event: &web_sys::KeyboardEvent) -> bool {
    event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|el| {
            el.closest(".cm-editor, input, textarea, select")
                .ok()
                .flatten()
        })
        .is_some()
}

/// Listens for keys on the whole window for the page's lifetime.
pub fn install_step_keys(viewer: Viewer) {
    let handle = window_event_listener(ev::keydown, move |event| {
        if (event.ctrl_key() || event.meta_key()) && event.key() == "Enter" {
            event.prevent_default();
            viewer.run_code();
            return;
        }
        if event.ctrl_key() || event.meta_key() || event.alt_key() || typing_target(&event) {
            return;
        }
        let shift = event.shift_key();
        match event.key().as_str() {
            "ArrowLeft" if shift => viewer.step_instructions(-1),
            "ArrowRight" if shift => viewer.step_instructions(1),
            "ArrowLeft" => viewer.step_lines(-1),
            "ArrowRight" => viewer.step_lines(1),
            "ArrowDown" => viewer.seek(Seek::Over),
            "ArrowUp" => viewer.seek(Seek::Out),
            "Home" => viewer.go(0),
            "End" => viewer.go(viewer.timeline.get_untracked().last()),
            _ => return,
        }
        event.prevent_default();
    });
    // The listener is meant to live as long as the page.
    std::mem::forget(handle);
}
