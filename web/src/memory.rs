//! Draws a computed memory-graph layout as SVG: frames, heap objects with their internals
//! views, and arrows. Objects the last step created or changed are highlighted.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU32, Ordering};

use leptos::prelude::*;
use pyscope_layout::{Arrow, Cell, FrameBox, GraphLayout, ObjectBox, Rect, Shape, Slot, VarRow};
use pyscope_trace::ObjectId;

use crate::internals::internals;
use crate::viewer::Viewer;

/// Numbers marker ids, so several graphs on one page do not share an arrowhead id.
static GRAPHS: AtomicU32 = AtomicU32::new(0);

pub(crate) fn n(x: f64) -> String {
    format!("{x:.1}")
}

/// A rectangle element for `r`.
pub(crate) fn rect(r: Rect, class: &'static str) -> impl IntoView {
    view! { <rect class=class x=n(r.x) y=n(r.y) width=n(r.w) height=n(r.h) rx="3"></rect> }
}

/// The inside of a value cell: its text, or a dot where an arrow starts.
fn cell(r: Rect, value: &Cell) -> impl IntoView + use<> {
    let c = r.center();
    match value {
        Cell::Inline { text, type_name } => {
            let class = format!("value v-{type_name}");
            view! {
                <text class=class x=n(c.x) y=n(c.y) text-anchor="middle" dominant-baseline="central">{text.clone()}</text>
            }
            .into_any()
        }
        Cell::Ref(_) => {
            view! { <circle class="dot" cx=n(c.x) cy=n(c.y) r="3.5"></circle> }.into_any()
        }
    }
}

fn var_row(row: VarRow) -> impl IntoView {
    let label_end = row.label.right();
    let mid = row.label.center().y;
    view! {
        <g data-testid="var" data-name=row.name.clone()>
            <text class="varname" x=n(label_end) y=n(mid) text-anchor="end" dominant-baseline="central">{row.name.clone()}</text>
            {rect(row.cell, "cell")}
            {cell(row.cell, &row.value)}
        </g>
    }
}

fn frame(f: FrameBox) -> impl IntoView {
    let class = if f.current { "frame current" } else { "frame" };
    let r = f.rect;
    view! {
        <g data-testid="frame" data-name=f.name.clone() data-depth=f.depth.to_string()>
            {rect(r, class)}
            <text class="title" x=n(r.x + 8.0) y=n(r.y + 15.0)>{f.title.clone()}</text>
            {f.vars.into_iter().map(var_row).collect_view()}
        </g>
    }
}

fn slot(s: Slot, shape: Shape) -> impl IntoView {
    let label_c = s.label_rect.center();
    let label = match (shape, s.key_ref) {
        (_, Some(_)) => view! { <circle class="dot" cx=n(label_c.x) cy=n(label_c.y) r="3.5"></circle> }.into_any(),
        (Shape::Sequence, None) => view! {
            <text class="index" x=n(label_c.x) y=n(label_c.y) text-anchor="middle" dominant-baseline="central">{s.label.clone()}</text>
        }
        .into_any(),
        _ => view! {
            <g>
                {rect(s.label_rect, "cell key")}
                <text class="key" x=n(label_c.x) y=n(label_c.y) text-anchor="middle" dominant-baseline="central">{s.label.clone()}</text>
            </g>
        }
        .into_any(),
    };
    view! {
        <g class="slot" data-from=s.from.clone()>
            {label}
            {rect(s.cell, "cell")}
            {cell(s.cell, &s.value)}
        </g>
    }
}

/// The ▾/▸ button in a title bar that shows or hides an object's internals view.
fn toggle(o: &ObjectBox, v: Viewer) -> impl IntoView + use<> {
    let id = o.id;
    let open = o.internals.is_some();
    let (x, y) = (o.rect.right() - 14.0, o.rect.y + 12.0);
    let flip = move || {
        v.collapsed.update(|c| {
            if !c.remove(&id) {
                c.insert(id);
            }
        })
    };
    let label = if open {
        "Hide internals"
    } else {
        "Show internals"
    };
    view! {
        <g class="toggle" role="button" tabindex="0" aria-label=label aria-expanded=open.to_string()
            data-testid="internals-toggle" on:click=move |_| flip()
            on:keydown=move |ev| if ev.key() == "Enter" || ev.key() == " " { flip() }>
            <title>{label}</title>
            <rect x=n(x - 8.0) y=n(y - 8.0) width="16" height="16" rx="3"></rect>
            <text x=n(x) y=n(y) text-anchor="middle" dominant-baseline="central">{if open { "▾" } else { "▸" }}</text>
        </g>
    }
}

fn object(o: ObjectBox, changed: bool, v: Viewer) -> impl IntoView {
    let r = o.rect;
    let more = (o.hidden_items > 0).then(|| {
        view! { <text class="more" x=n(r.x + 8.0) y=n(r.bottom() - 8.0)>{format!("… {} more", o.hidden_items)}</text> }
    });
    let shift = if o.detail.is_some() { 16.0 } else { 0.0 };
    let text = o
        .text
        .clone()
        .map(|t| view! { <text class="body" x=n(r.x + 8.0) y=n(r.y + 36.0 + shift)>{t}</text> });
    let detail = o
        .detail
        .clone()
        .map(|t| view! { <text class="detail" data-testid="object-detail" x=n(r.x + 8.0) y=n(r.y + 31.0)>{t}</text> });
    let shape = o.shape;
    let class = if changed { "object changed" } else { "object" };
    let toggle = o.has_internals.then(|| toggle(&o, v));
    let generator = o.type_name == "generator" || o.type_name == "coroutine";
    view! {
        <g data-testid="heap-object" data-type=o.type_name.clone() data-id=o.id.to_string()
            data-changed=changed.then_some("true") class:generator=generator>
            {rect(r, class)}
            <text class="title" x=n(r.x + 8.0) y=n(r.y + 15.0)>{o.title.clone()}</text>
            {toggle}
            {detail}
            {text}
            {o.slots.into_iter().map(|s| slot(s, shape)).collect_view()}
            {o.internals.map(internals)}
            {more}
        </g>
    }
}

fn arrow(a: Arrow, marker: &str) -> impl IntoView + use<> {
    view! {
        <path
            data-testid="arrow"
            data-from=a.from.clone()
            data-to=a.to.to_string()
            class="arrow"
            d=a.path()
            marker-end=format!("url(#{marker})")
        ></path>
    }
}

/// The memory graph of the state shown: frames on the left, objects on the right.
#[component]
pub fn MemoryGraph(
    /// The layout to draw; `None` before any state is shown.
    graph: Memo<Option<GraphLayout>>,
    /// Objects to highlight as created or changed by the last step.
    changed: Signal<BTreeSet<ObjectId>>,
) -> impl IntoView {
    let v = expect_context::<Viewer>();
    let marker = format!(
        "pyscope-arrowhead-{}",
        GRAPHS.fetch_add(1, Ordering::Relaxed)
    );
    let draw = move || {
        let marker = marker.clone();
        let changed = changed.get();
        graph.get().map(move |g| {
            let hidden = (g.hidden_objects > 0).then(|| format!("{} more objects are not drawn", g.hidden_objects));
            view! {
                <svg class="graph" role="img" aria-label="Frames and objects at this step" width=n(g.width) height=n(g.height) viewBox=format!("0 0 {} {}", n(g.width), n(g.height))>
                    <defs>
                        <marker id=marker.clone() viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                            <path class="arrowhead" d="M 0 0 L 10 5 L 0 10 z"></path>
                        </marker>
                    </defs>
                    {g.frames.into_iter().map(frame).collect_view()}
                    {g.objects.into_iter().map(|o| { let c = changed.contains(&o.id); object(o, c, v) }).collect_view()}
                    {g.arrows.into_iter().map(|a| arrow(a, &marker)).collect_view()}
                </svg>
                <p class="note">{hidden}</p>
            }
        })
    };
    view! {
        <div class="memory">
            <h2>"Frames" <span class="sep">"·"</span> "Objects"</h2>
            {draw}
        </div>
    }
}
