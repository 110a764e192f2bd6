//! Keyboard stepping: ←/→ move by line step, Shift+←/→ by instruction.

use leptos::ev;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::app::Viewer;

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

/// Listens for arrow keys on the whole window for the page's lifetime.
pub fn install_step_keys(viewer: Viewer) {
    let handle = window_event_listener(ev::keydown, move |event| {
        if event.ctrl_key() || event.meta_key() || event.alt_key() || typing_target(&event) {
            return;
        }
        let delta = match event.key().as_str() {
            "ArrowLeft" => -1,
            "ArrowRight" => 1,
            _ => return,
        };
        event.prevent_default();
        if event.shift_key() {
            viewer.step_instructions(delta);
        } else {
            viewer.step_lines(delta);
        }
    });
    // The listener is meant to live as long as the page.
    std::mem::forget(handle);
}
