//! The Run/Stop bar with its progress note, and the step controls.

use leptos::prelude::*;

use crate::app::{Phase, Viewer};

/// Formats a count with thousands separators (`1234567` → `1,234,567`).
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Run and Stop, and while recording, how far it got.
#[component]
pub fn RunBar() -> impl IntoView {
    let v = expect_context::<Viewer>();
    let recording = move || matches!(v.phase.get(), Phase::Recording { .. });
    view! {
        <div class="runbar">
            <button data-testid="run" class="primary" on:click=move |_| v.run_code()>"Run"</button>
            <button data-testid="stop" disabled=move || !recording() on:click=move |_| v.stop()>"Stop"</button>
            {move || match v.phase.get() {
                Phase::Recording { steps } => Some(view! {
                    <span data-testid="progress" class="progress" role="status">
                        <span class="spinner"></span>
                        {format!("Recording… {} steps", grouped(steps))}
                    </span>
                }),
                _ => None,
            }}
        </div>
    }
}

/// First/previous/next/last buttons, the step slider and the step counter.
#[component]
pub fn StepBar() -> impl IntoView {
    let v = expect_context::<Viewer>();
    let none = move || v.phase.get() != Phase::Ready || v.timeline.get().positions() == 0;
    let at_start = move || none() || v.position.get() == 0;
    let at_end = move || none() || v.position.get() >= v.timeline.get().last();
    let instr = move || {
        v.state.with(|s| {
            s.as_ref().map(|s| match s.step {
                n if n >= s.total_steps => format!("end, after {} instructions", s.total_steps),
                n => format!("instruction {} of {}", n + 1, s.total_steps),
            })
        })
    };
    view! {
        <div class="stepbar">
            <button data-testid="step-first" title="First step" disabled=at_start on:click=move |_| v.go(0)>"« First"</button>
            <button data-testid="step-prev" title="Previous line (←); Shift+← for the previous instruction"
                disabled=at_start on:click=move |_| v.step_lines(-1)>"◀ Prev"</button>
            <button data-testid="step-next" title="Next line (→); Shift+→ for the next instruction"
                disabled=at_end on:click=move |_| v.step_lines(1)>"Next ▶"</button>
            <button data-testid="step-last" title="Last step" disabled=at_end
                on:click=move |_| v.go(v.timeline.get_untracked().last())>"Last »"</button>
            <input
                data-testid="step-slider"
                type="range"
                min="1"
                max=move || v.timeline.get().positions().max(1).to_string()
                prop:value=move || (v.position.get() + 1).to_string()
                disabled=none
                on:input=move |ev| {
                    if let Ok(n) = event_target_value(&ev).parse::<u64>() {
                        v.go(n.saturating_sub(1));
                    }
                }
            />
            <span data-testid="step-counter" class="counter">
                {move || v.timeline.get().counter(v.position.get())}
            </span>
            <span class="instr">{instr}</span>
        </div>
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn groups_thousands() {
        assert_eq!(super::grouped(0), "0");
        assert_eq!(super::grouped(999), "999");
        assert_eq!(super::grouped(1000), "1,000");
        assert_eq!(super::grouped(1234567), "1,234,567");
    }
}
