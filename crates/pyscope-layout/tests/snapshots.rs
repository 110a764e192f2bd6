//! Snapshot tests of the memory-graph layout, on states recorded by `pyscope trace --at N`.
//!
//! Each snapshot is a compact text dump of every box, cell and arrow, so a change of geometry
//! shows up as a readable diff. The fixtures in `tests/fixtures/` are the recorded states;
//! `cargo insta review` (or `INSTA_UPDATE=always`) accepts intended changes.

use std::fmt::Write;

use pyscope_layout::{Cell, GraphLayout, HeapMode, ObjectBox, Options, Rect, layout};
use pyscope_trace::State;

fn fixture(name: &str) -> State {
    let path = format!("{}/tests/fixtures/{name}.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn r(rect: &Rect) -> String {
    format!("({:.0},{:.0} {:.0}x{:.0})", rect.x, rect.y, rect.w, rect.h)
}

fn cell(c: &Cell) -> String {
    match c {
        Cell::Inline { text, .. } => text.clone(),
        Cell::Ref(id) => format!("-> #{id}"),
        Cell::Nested(b) => format!("[#{} inside]", b.id),
    }
}

/// One object's lines, and those of the objects drawn inside its cells, indented.
fn object(out: &mut String, o: &ObjectBox, indent: &str) {
    let title = format!("object #{} {} {:?}", o.id, o.title, o.shape);
    let _ = writeln!(out, "{indent}{title} {}", r(&o.rect));
    if let Some(t) = &o.text {
        let _ = writeln!(out, "{indent}  text {t}");
    }
    for s in &o.slots {
        let (value, at) = (cell(&s.value), r(&s.cell));
        let _ = writeln!(out, "{indent}  slot {} = {value} {at}", s.label);
        if let Cell::Nested(b) = &s.value {
            object(out, b, &format!("{indent}    "));
        }
    }
    if let Some(i) = &o.internals {
        let sizes = format!("len {} allocated {}", i.len, i.allocated);
        let _ = writeln!(
            out,
            "{indent}  internals {:?} {sizes} {}",
            i.kind,
            r(&i.rect)
        );
        for l in &i.labels {
            let _ = writeln!(out, "{indent}    label {:?} {}", l.kind, l.text);
        }
        for c in &i.cells {
            let mut marks = String::new();
            if let Some(s) = c.slot {
                let _ = write!(marks, " slot={s}");
            }
            if let Some(p) = c.probe {
                let _ = write!(marks, " probe={p}");
            }
            if c.collision {
                marks.push_str(" collision");
            }
            let (kind, text, at) = (c.kind, &c.text, r(&c.rect));
            let _ = writeln!(out, "{indent}    {kind:?} {text:?}{marks} {at}");
        }
    }
}

/// A line per frame, variable, object, slot, internals cell and arrow.
fn dump(g: &GraphLayout) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "graph {:.0}x{:.0}", g.width, g.height);
    for f in &g.frames {
        let _ = writeln!(out, "frame {} depth {} {}", f.title, f.depth, r(&f.rect));
        for v in &f.vars {
            let _ = writeln!(out, "  var {} = {} {}", v.name, cell(&v.value), r(&v.cell));
        }
    }
    for o in &g.objects {
        object(&mut out, o, "");
    }
    for a in &g.arrows {
        let _ = writeln!(out, "arrow {} -> #{} {:?}", a.from, a.to, a.side);
    }
    out
}

#[test]
fn dict_with_colliding_keys_and_a_set() {
    let g = layout(&fixture("dict_collisions"), &Options::default());
    insta::assert_snapshot!(dump(&g));
}

#[test]
fn list_grown_past_four_slots_inside_a_tuple() {
    let g = layout(&fixture("list_growth"), &Options::default());
    insta::assert_snapshot!(dump(&g));
}

#[test]
fn all_on_heap_mode_shows_one_int_with_two_arrows() {
    let g = layout(
        &fixture("aliasing_ints"),
        &Options::for_mode(HeapMode::AllOnHeap),
    );
    insta::assert_snapshot!(dump(&g));
}

#[test]
fn a_returning_function_shows_its_return_value() {
    let g = layout(&fixture("return_value"), &Options::default());
    insta::assert_snapshot!(dump(&g));
}

#[test]
fn collapsed_internals_and_ids_on_demand() {
    let state = fixture("list_growth");
    let mut opts = Options {
        show_ids: true,
        ..Options::default()
    };
    opts.collapsed.extend(state.heap.iter().map(|o| o.id));
    insta::assert_snapshot!(dump(&layout(&state, &opts)));
}

#[test]
fn nested_mode_draws_singly_referenced_containers_inside_their_slot() {
    let g = layout(&fixture("nested"), &Options::for_mode(HeapMode::Nest));
    insta::assert_snapshot!(dump(&g));
}
