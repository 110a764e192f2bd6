//! Draws the internals views that the layout placed inside dict, set, list and tuple boxes.

use pyscope_layout::{CellKind, InternalCell, Internals, InternalsKind};

use crate::svg::{Svg, n};

fn cell(s: &mut Svg, c: &InternalCell) {
    let mut class = format!("icell i-{}", c.kind.class());
    if c.probe.is_some() {
        class.push_str(" probed");
    }
    if c.collision {
        class.push_str(" collision");
    }
    let slot = c.slot.map(|x| x.to_string()).unwrap_or_default();
    let probe = c.probe.map(|x| x.to_string()).unwrap_or_default();
    s.open(
        "g",
        &[
            ("class", &class),
            ("data-slot", &slot),
            ("data-probe", &probe),
            ("data-collision", if c.collision { "true" } else { "" }),
        ],
    );
    if let Some(p) = c.probe {
        let title = if c.collision {
            format!("probe {p}: taken by another key (collision)")
        } else {
            format!("probe {p}: the slot the last operation ended on")
        };
        s.text_el("title", &[], &title);
    }
    s.rect(c.rect, "icell-box");
    let center = c.rect.center();
    s.label("ival", center.x, center.y, "middle", &c.text);
    // One numbered badge per probed slot: on the index cell, or a set row's slot number.
    let badge = matches!(c.kind, CellKind::Index | CellKind::SlotNumber);
    if let Some(p) = c.probe.filter(|_| badge) {
        let (x, y) = (c.rect.right() - 5.0, c.rect.y + 5.0);
        s.open("g", &[("class", "probe-badge")]);
        s.text_el("circle", &[("cx", &n(x)), ("cy", &n(y)), ("r", "6")], "");
        s.label("", x, y, "middle", &p.to_string());
        s.close("g");
    }
    s.close("g");
}

/// The internals view of one object, with its test hook.
pub fn internals(s: &mut Svg, i: &Internals) {
    let testid = match i.kind {
        InternalsKind::Dict => "dict-table",
        InternalsKind::Set => "set-table",
        InternalsKind::List | InternalsKind::Tuple => "list-layout",
    };
    let sized = matches!(i.kind, InternalsKind::List | InternalsKind::Tuple);
    let (len, allocated) = if sized {
        (i.len.to_string(), i.allocated.to_string())
    } else {
        (String::new(), String::new())
    };
    s.open(
        "g",
        &[
            ("data-testid", testid),
            ("class", "internals"),
            ("data-id", &i.id.to_string()),
            ("data-len", &len),
            ("data-allocated", &allocated),
        ],
    );
    for l in &i.labels {
        let anchor = if l.kind == CellKind::Caption {
            "start"
        } else {
            "middle"
        };
        s.label(
            &format!("i-{}", l.kind.class()),
            l.at.x,
            l.at.y,
            anchor,
            &l.text,
        );
    }
    for c in &i.cells {
        cell(s, c);
    }
    s.close("g");
}
