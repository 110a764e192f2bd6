//! The console: stdout and stderr at the step shown, the traceback with its lines linked to
//! the editor, an inline prompt when the program waits for `input()`, and the final error.

use leptos::prelude::*;
use pyscope_trace::Outcome;

use crate::viewer::Viewer;

/// The file and line a traceback line such as `  File "main.py", line 5, in f` points at.
pub fn traceback_location(line: &str) -> Option<(String, u32)> {
    let rest = line.trim_start().strip_prefix("File \"")?;
    let (file, rest) = rest.split_once('"')?;
    let rest = rest.strip_prefix(", line ")?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    Some((file.to_string(), digits.parse().ok()?))
}

/// stderr, with each traceback location a link that shows its line in the editor.
fn stderr_view(v: Viewer, text: String) -> impl IntoView {
    let lines: Vec<String> = text.split_inclusive('\n').map(str::to_string).collect();
    lines
        .into_iter()
        .map(move |l| match traceback_location(&l) {
            Some((file, line)) => {
                let go = move |_| {
                    let name = file.rsplit('/').next().unwrap_or(&file).to_string();
                    if let Some(i) = v.files.with_untracked(|f| f.iter().position(|f| f.name == name)) {
                        v.active.set(i);
                        v.target.set(Some((i, line)));
                    }
                };
                view! {
                    <a href="#" class="tb-link" data-testid="traceback-link" data-line=line.to_string()
                        on:click=move |ev| { ev.prevent_default(); go(()) }>{l}</a>
                }
                .into_any()
            }
            None => view! { <span>{l}</span> }.into_any(),
        })
        .collect_view()
}

/// The inline answer field shown while the program waits for `input()`.
#[component]
fn InputPrompt() -> impl IntoView {
    let v = expect_context::<Viewer>();
    let prompt = move || match v.outcome.get() {
        Some(Outcome::WaitingForInput { prompt }) => Some(prompt),
        _ => None,
    };
    move || {
        prompt().map(|p| {
            let label = if p.is_empty() {
                "input()".to_string()
            } else {
                p
            };
            view! {
                <label class="stdin">
                    <span class="prompt">{label}</span>
                    <input data-testid="stdin" type="text" aria-label="Answer to input()" autofocus
                        placeholder="type a line, then Enter"
                        on:keydown=move |ev| {
                            if ev.key() == "Enter" {
                                v.provide_input(event_target_value(&ev));
                            }
                        } />
                </label>
            }
        })
    }
}

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
            <div data-testid="error" class="error" role="alert"
                class:hidden=move || v.error.with(Option::is_none)>
                {move || v.error.get().unwrap_or_default()}
            </div>
            <h2>"Output"</h2>
            <pre data-testid="stdout" class="stdout" aria-live="polite">{stdout}</pre>
            <InputPrompt />
            <h2 class:hidden=move || stderr().is_empty()>"Errors"</h2>
            <pre data-testid="stderr" class="stderr" class:hidden=move || stderr().is_empty()>
                {move || stderr_view(v, stderr())}
            </pre>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::traceback_location;

    #[test]
    fn reads_traceback_locations() {
        assert_eq!(
            traceback_location("  File \"main.py\", line 5, in <module>\n"),
            Some(("main.py".into(), 5))
        );
        assert_eq!(
            traceback_location("  File \"/a/b.py\", line 12\n"),
            Some(("/a/b.py".into(), 12))
        );
        assert_eq!(traceback_location("    return 10 // n\n"), None);
        assert_eq!(traceback_location("ZeroDivisionError: x\n"), None);
    }
}
