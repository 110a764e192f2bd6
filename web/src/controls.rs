//! The Run/Stop bar with its progress note and live mode, and the step controls: buttons,
//! step into/over/out, breakpoints, play, and the slider with breakpoint ticks.

use std::time::Duration;

use leptos::prelude::*;

use crate::nav::{Seek, breakpoint_positions};
use crate::viewer::{Phase, Viewer};

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
            <button data-testid="run" class="primary" title="Run (Ctrl+Enter)" on:click=move |_| v.run_code()>"Run"</button>
            <button data-testid="stop" disabled=move || !recording() on:click=move |_| v.stop()>"Stop"</button>
            <label class="option" title="Run again after every edit, keeping the step shown">
                <input type="checkbox" data-testid="live" prop:checked=move || v.live.get()
                    on:change=move |ev| v.live.set(event_target_checked(&ev)) />
                " Live"
            </label>
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

/// Steps forwards on a timer while `playing`, at `speed` steps per second.
fn start_player(v: Viewer) {
    Effect::new(move |_| {
        if !v.playing.get() {
            return;
        }
        let delay = Duration::from_millis(1000 / u64::from(v.speed.get().max(1)));
        set_timeout(
            move || {
                if !v.playing.get_untracked() {
                    return;
                }
                if v.position.get_untracked() >= v.timeline.get_untracked().last() {
                    v.playing.set(false);
                } else {
                    v.step_lines(1);
                    // Wake this effect again for the next step.
                    v.playing.set(true);
                }
            },
            delay,
        );
    });
}

/// Step into, over and out, continue to the next or previous breakpoint, and play.
#[component]
fn MoveBar() -> impl IntoView {
    let v = expect_context::<Viewer>();
    let none = move || v.phase.get() != Phase::Ready || v.timeline.get().positions() == 0;
    let at_end = move || none() || v.position.get() >= v.timeline.get().last();
    start_player(v);
    view! {
        <div class="movebar">
            <button data-testid="step-into" title="Step into: the next line, entering calls (→)"
                disabled=at_end on:click=move |_| v.step_lines(1)>"Into ↘"</button>
            <button data-testid="step-over" title="Step over: the next line of this function (↓)"
                disabled=at_end on:click=move |_| v.seek(Seek::Over)>"Over ↷"</button>
            <button data-testid="step-out" title="Step out: back to the caller (↑)"
                disabled=at_end on:click=move |_| v.seek(Seek::Out)>"Out ↖"</button>
            <button data-testid="continue-back" title="Back to the previous breakpoint"
                disabled=none on:click=move |_| v.seek(Seek::ContinueBack)>"◀◀ Break"</button>
            <button data-testid="continue" title="On to the next breakpoint (click the gutter left of a line number to set one)"
                disabled=at_end on:click=move |_| v.seek(Seek::Continue)>"Break ▶▶"</button>
            <button data-testid="play" aria-pressed=move || v.playing.get().to_string() disabled=none
                on:click=move |_| v.playing.update(|p| *p = !*p)>
                {move || if v.playing.get() { "⏸ Pause" } else { "▶ Play" }}
            </button>
            <label class="option">"Speed "
                <select data-testid="speed" aria-label="Play speed in steps per second"
                    prop:value=move || v.speed.get().to_string()
                    on:change=move |ev| v.speed.set(event_target_value(&ev).parse().unwrap_or(4))>
                    <option value="1">"1/s"</option>
                    <option value="2">"2/s"</option>
                    <option value="4">"4/s"</option>
                    <option value="10">"10/s"</option>
                    <option value="30">"30/s"</option>
                </select>
            </label>
        </div>
    }
}

/// Slider ticks on the positions that stop at a breakpoint.
fn ticks(v: Viewer) -> impl IntoView {
    move || {
        let files: Vec<String> = v.files.with(|f| f.iter().map(|f| f.name.clone()).collect());
        let index = v.index.get();
        let bps = v.breakpoints.get();
        let positions = index
            .map(|i| breakpoint_positions(&i, &files, &bps))
            .unwrap_or_default();
        view! {
            <datalist id="breakpoint-ticks">
                {positions.into_iter().map(|p| view! { <option value=(p + 1).to_string()></option> }).collect_view()}
            </datalist>
        }
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
    // Breakpoints need the line-step index for their ticks.
    Effect::new(move |_| {
        if !v.breakpoints.with(|b| b.is_empty()) && v.phase.get() == Phase::Ready {
            v.want_index();
        }
    });
    view! {
        <div class="stepbar">
            <button data-testid="step-first" title="First step (Home)" disabled=at_start on:click=move |_| v.go(0)>"« First"</button>
            <button data-testid="step-prev" title="Previous line (←); Shift+← for the previous instruction"
                disabled=at_start on:click=move |_| v.step_lines(-1)>"◀ Prev"</button>
            <button data-testid="step-next" title="Next line (→); Shift+→ for the next instruction"
                disabled=at_end on:click=move |_| v.step_lines(1)>"Next ▶"</button>
            <button data-testid="step-last" title="Last step (End)" disabled=at_end
                on:click=move |_| v.go(v.timeline.get_untracked().last())>"Last »"</button>
            <input
                data-testid="step-slider"
                type="range"
                aria-label="Step"
                list="breakpoint-ticks"
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
            {ticks(v)}
            <span data-testid="step-counter" class="counter" aria-live="polite">
                {move || v.timeline.get().counter(v.position.get())}
            </span>
            <span class="instr">{instr}</span>
        </div>
        <MoveBar />
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
