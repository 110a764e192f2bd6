//! Draws the internals views that the layout placed inside dict, set, list and tuple boxes.

use leptos::prelude::*;
use pyscope_layout::{CellKind, InternalCell, Internals, InternalsKind, Label};

use crate::memory::{n, rect};

fn label(l: Label) -> impl IntoView {
    let anchor = if l.kind == CellKind::Caption {
        "start"
    } else {
        "middle"
    };
    view! {
        <text class=format!("i-{}", l.kind.class()) x=n(l.at.x) y=n(l.at.y) text-anchor=anchor
            dominant-baseline="central">{l.text}</text>
    }
}

fn cell(c: InternalCell) -> impl IntoView {
    let mut class = format!("icell i-{}", c.kind.class());
    if c.probe.is_some() {
        class.push_str(" probed");
    }
    if c.collision {
        class.push_str(" collision");
    }
    let center = c.rect.center();
    let badge = c.probe.map(|p| {
        let (x, y) = (c.rect.right() - 5.0, c.rect.y + 5.0);
        view! {
            <g class="probe-badge">
                <circle cx=n(x) cy=n(y) r="6"></circle>
                <text x=n(x) y=n(y) text-anchor="middle" dominant-baseline="central">{p.to_string()}</text>
            </g>
        }
    });
    let title = match (c.probe, c.collision) {
        (Some(p), true) => Some(format!("probe {p}: taken by another key (collision)")),
        (Some(p), false) => Some(format!("probe {p}: the slot the last operation used")),
        _ => None,
    };
    view! {
        <g class=class data-slot=c.slot.map(|s| s.to_string()) data-probe=c.probe.map(|p| p.to_string())
            data-collision=c.collision.then_some("true")>
            {title.map(|t| view! { <title>{t}</title> })}
            {rect(c.rect, "icell-box")}
            <text class="ival" x=n(center.x) y=n(center.y) text-anchor="middle" dominant-baseline="central">{c.text}</text>
            {badge}
        </g>
    }
}

/// The internals view of one object, with its test hook.
pub fn internals(i: Internals) -> impl IntoView {
    let testid = match i.kind {
        InternalsKind::Dict => "dict-table",
        InternalsKind::Set => "set-table",
        InternalsKind::List | InternalsKind::Tuple => "list-layout",
    };
    let sized = matches!(i.kind, InternalsKind::List | InternalsKind::Tuple);
    view! {
        <g data-testid=testid class="internals" data-id=i.id.to_string()
            data-kind=format!("{:?}", i.kind).to_lowercase()
            data-len=sized.then(|| i.len.to_string())
            data-allocated=sized.then(|| i.allocated.to_string())>
            {i.labels.into_iter().map(label).collect_view()}
            {i.cells.into_iter().map(cell).collect_view()}
        </g>
    }
}
