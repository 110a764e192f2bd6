//! The program's stdout and stderr at the step shown, and the message that ended the run.

use leptos::prelude::*;

use crate::app::Viewer;

/// Output panels: stdout, stderr (with the traceback), and the final one-line error.
#[component]
pub fn Output() -> impl IntoView {
    let v = expect_context::<Viewer>();
    let stdout = move || {
        v.state
            .with(|s| s.as_ref().map(|s| s.stdout.clone()).unwrap_or_default())
    };
    let stderr = move || {
        v.state
            .with(|s| s.as_ref().map(|s| s.stderr.clone()).unwrap_or_default())
    };
    view! {
        <div class="output">
            <div
                data-testid="error"
                class="error"
                role="alert"
                class:hidden=move || v.error.with(Option::is_none)
            >
                {move || v.error.get().unwrap_or_default()}
            </div>
            <h2>"Output"</h2>
            <pre data-testid="stdout" class="stdout">{stdout}</pre>
            <h2 class:hidden=move || stderr().is_empty()>"Errors"</h2>
            <pre data-testid="stderr" class="stderr" class:hidden=move || stderr().is_empty()>{stderr}</pre>
        </div>
    }
}
