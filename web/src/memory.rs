//! Draws a computed memory-graph layout as SVG: frames, heap objects with their internals
//! views, and arrows. Objects the last step created or changed are highlighted. The SVG is
//! written as text (see [`crate::svg`]); clicks on the internals toggles are delegated.

use std::collections::BTreeSet;

use leptos::prelude::*;
use pyscope_layout::{Arrow, Cell, FrameBox, GraphLayout, ObjectBox, Rect, Shape, Slot};
use pyscope_trace::ObjectId;
use wasm_bindgen::JsCast;

use crate::internals::internals;
use crate::svg::{Svg, n};
use crate::viewer::Viewer;

/// The arrowhead marker's id.
const MARKER: &str = "pyscope-arrowhead";

/// The inside of a value cell: its text, a dot where an arrow starts, or a nested object.
fn cell(s: &mut Svg, r: Rect, value: &Cell, changed: &BTreeSet<ObjectId>) {
    let c = r.center();
    match value {
        Cell::Inline { text, type_name } => {
            s.label(&format!("value v-{type_name}"), c.x, c.y, "middle", text)
        }
        Cell::Ref(_) => s.dot(c.x, c.y),
        Cell::Nested(b) => object(s, b, changed),
    }
}

fn frame(s: &mut Svg, f: &FrameBox) {
    let class = if f.current { "frame current" } else { "frame" };
    let r = f.rect;
    s.open(
        "g",
        &[
            ("data-testid", "frame"),
            ("data-name", &f.name),
            ("data-depth", &f.depth.to_string()),
        ],
    );
    s.rect(r, class);
    s.text_el(
        "text",
        &[
            ("class", "title"),
            ("x", &n(r.x + 8.0)),
            ("y", &n(r.y + 15.0)),
        ],
        &f.title,
    );
    for row in &f.vars {
        s.open("g", &[("data-testid", "var"), ("data-name", &row.name)]);
        let mid = row.label.center().y;
        s.label("varname", row.label.right(), mid, "end", &row.name);
        s.rect(row.cell, "cell");
        cell(s, row.cell, &row.value, &BTreeSet::new());
        s.close("g");
    }
    s.close("g");
}

fn slot(s: &mut Svg, sl: &Slot, shape: Shape, changed: &BTreeSet<ObjectId>) {
    s.open("g", &[("class", "slot"), ("data-from", &sl.from)]);
    let c = sl.label_rect.center();
    match (shape, sl.key_ref) {
        (_, Some(_)) => s.dot(c.x, c.y),
        (Shape::Sequence, None) => s.label("index", c.x, c.y, "middle", &sl.label),
        _ => {
            s.rect(sl.label_rect, "cell key");
            s.label("key", c.x, c.y, "middle", &sl.label);
        }
    }
    s.rect(sl.cell, "cell");
    cell(s, sl.cell, &sl.value, changed);
    s.close("g");
}

/// The ▾/▸ button in a title bar that shows or hides an object's internals view.
fn toggle(s: &mut Svg, o: &ObjectBox) {
    let open = o.internals.is_some();
    let (x, y) = (o.rect.right() - 14.0, o.rect.y + 12.0);
    let label = if open {
        "Hide internals"
    } else {
        "Show internals"
    };
    s.open(
        "g",
        &[
            ("class", "toggle"),
            ("role", "button"),
            ("tabindex", "0"),
            ("aria-label", label),
            ("aria-expanded", if open { "true" } else { "false" }),
            ("data-testid", "internals-toggle"),
            ("data-toggle", &o.id.to_string()),
        ],
    );
    s.text_el("title", &[], label);
    s.rect(
        Rect {
            x: x - 8.0,
            y: y - 8.0,
            w: 16.0,
            h: 16.0,
        },
        "",
    );
    s.label("", x, y, "middle", if open { "▾" } else { "▸" });
    s.close("g");
}

fn object(s: &mut Svg, o: &ObjectBox, all_changed: &BTreeSet<ObjectId>) {
    let changed = all_changed.contains(&o.id);
    let r = o.rect;
    let generator = o.type_name == "generator" || o.type_name == "coroutine";
    s.open(
        "g",
        &[
            ("data-testid", "heap-object"),
            ("data-type", &o.type_name),
            ("data-id", &o.id.to_string()),
            ("data-changed", if changed { "true" } else { "" }),
            ("class", if generator { "generator" } else { "" }),
        ],
    );
    s.rect(r, if changed { "object changed" } else { "object" });
    let at = |dy: f64| [("x", n(r.x + 8.0)), ("y", n(r.y + dy))];
    let [x, y] = at(15.0);
    s.text_el(
        "text",
        &[("class", "title"), (x.0, &x.1), (y.0, &y.1)],
        &o.title,
    );
    if o.has_internals {
        toggle(s, o);
    }
    if let Some(d) = &o.detail {
        let [x, y] = at(31.0);
        let attrs = [("class", "detail"), ("data-testid", "object-detail")];
        s.text_el("text", &[attrs[0], attrs[1], (x.0, &x.1), (y.0, &y.1)], d);
    }
    if let Some(t) = &o.text {
        let [x, y] = at(36.0 + if o.detail.is_some() { 16.0 } else { 0.0 });
        s.text_el("text", &[("class", "body"), (x.0, &x.1), (y.0, &y.1)], t);
    }
    for sl in &o.slots {
        slot(s, sl, o.shape, all_changed);
    }
    if let Some(i) = &o.internals {
        internals(s, i);
    }
    if o.hidden_items > 0 {
        let [x, _] = at(0.0);
        let y = n(r.bottom() - 8.0);
        let more = format!("… {} more", o.hidden_items);
        s.text_el("text", &[("class", "more"), (x.0, &x.1), ("y", &y)], &more);
    }
    s.close("g");
}

fn arrow(s: &mut Svg, a: &Arrow) {
    s.text_el(
        "path",
        &[
            ("data-testid", "arrow"),
            ("data-from", &a.from),
            ("data-to", &a.to.to_string()),
            ("class", "arrow"),
            ("d", &a.path()),
            ("marker-end", &format!("url(#{MARKER})")),
        ],
        "",
    );
}

/// The whole graph as SVG text.
pub fn render(g: &GraphLayout, changed: &BTreeSet<ObjectId>) -> String {
    let mut s = Svg::default();
    let (w, h) = (n(g.width), n(g.height));
    s.open(
        "svg",
        &[
            ("xmlns", "http://www.w3.org/2000/svg"),
            ("class", "graph"),
            ("role", "img"),
            ("aria-label", "Frames and objects at this step"),
            ("width", &w),
            ("height", &h),
            ("viewBox", &format!("0 0 {w} {h}")),
        ],
    );
    s.out.push_str(&format!(
        "<defs><marker id=\"{MARKER}\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path class=\"arrowhead\" d=\"M 0 0 L 10 5 L 0 10 z\"></path></marker></defs>"
    ));
    for f in &g.frames {
        frame(&mut s, f);
    }
    for o in &g.objects {
        object(&mut s, o, changed);
    }
    for a in &g.arrows {
        arrow(&mut s, a);
    }
    s.close("svg");
    if g.hidden_objects > 0 {
        let note = format!("{} more objects are not drawn", g.hidden_objects);
        s.text_el("p", &[("class", "note")], &note);
    }
    s.out
}

/// The object id of the internals toggle an event happened in, if any.
fn toggled(target: Option<web_sys::EventTarget>) -> Option<ObjectId> {
    let el = target?.dyn_into::<web_sys::Element>().ok()?;
    let toggle = el.closest("[data-toggle]").ok()??;
    toggle.get_attribute("data-toggle")?.parse().ok()
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
    let html = move || {
        let changed = changed.get();
        graph.with(|g| g.as_ref().map(|g| render(g, &changed)).unwrap_or_default())
    };
    let flip = move |id: ObjectId| {
        v.collapsed.update(|c| {
            if !c.remove(&id) {
                c.insert(id);
            }
        })
    };
    view! {
        <div class="memory">
            <h2>"Frames" <span class="sep">"·"</span> "Objects"</h2>
            <div class="graph-host" inner_html=html
                on:click=move |ev| { if let Some(id) = toggled(ev.target()) { flip(id) } }
                on:keydown=move |ev| {
                    if ev.key() == "Enter" || ev.key() == " " {
                        if let Some(id) = toggled(ev.target()) {
                            ev.prevent_default();
                            flip(id);
                        }
                    }
                }></div>
        </div>
    }
}
