//! Builds frame and object boxes with their rows and slots, sized but not yet placed.

use std::collections::HashSet;

use pyscope_trace::{Binding, FrameView, HeapObject, ObjectId, ObjectValue, State};

use crate::internals::internals;
use crate::measure::{body_text, inline_text, shorten, text_width, title};
use crate::{Cell, FrameBox, ObjectBox, Options, Rect, Shape, Slot, VarRow};

/// Height of a box's title bar.
pub(crate) const HEADER_H: f64 = 22.0;
/// Height of one variable, entry or item cell.
pub(crate) const ROW_H: f64 = 24.0;
/// Height of the index labels above sequence items.
const INDEX_H: f64 = 13.0;
/// Inner padding of boxes.
pub(crate) const PAD: f64 = 8.0;
/// Height of the id and refcount line under a title.
pub(crate) const DETAIL_H: f64 = 16.0;
/// Room kept in a title bar for the internals toggle.
pub(crate) const TOGGLE_W: f64 = 22.0;
/// Smallest cell width (a reference dot fits).
const MIN_CELL_W: f64 = 28.0;
const MIN_FRAME_W: f64 = 120.0;

/// The cell for a reference to `id`: inline text for small values, otherwise a reference.
pub(crate) fn cell_for(state: &State, id: ObjectId, opts: &Options) -> Cell {
    match state.object(id) {
        Some(obj) if opts.inline_primitives => match inline_text(obj) {
            Some(text) => Cell::Inline {
                text: shorten(&text, opts.max_text),
                type_name: obj.type_name.clone(),
            },
            None => Cell::Ref(id),
        },
        Some(_) => Cell::Ref(id),
        None => Cell::Inline {
            text: "?".into(),
            type_name: "missing".into(),
        },
    }
}

/// Room around an object drawn inside a cell.
const NEST_PAD: f64 = 4.0;
/// Objects are drawn inside cells at most this deep.
const MAX_NEST: usize = 4;

fn cell_width(cell: &Cell) -> f64 {
    match cell {
        Cell::Inline { text, .. } => (text_width(text) + 12.0).max(MIN_CELL_W),
        Cell::Ref(_) => MIN_CELL_W,
        Cell::Nested(b) => b.rect.w + 2.0 * NEST_PAD,
    }
}

fn cell_height(cell: &Cell) -> f64 {
    match cell {
        Cell::Nested(b) => b.rect.h + 2.0 * NEST_PAD,
        _ => ROW_H,
    }
}

/// Which objects an object box draws inside its cells, and how deep it is itself.
#[derive(Clone, Copy)]
pub(crate) struct Nesting<'a> {
    pub ids: &'a HashSet<ObjectId>,
    pub depth: usize,
}

fn is_dunder(name: &str) -> bool {
    name.len() > 4 && name.starts_with("__") && name.ends_with("__")
}

/// The variables a frame shows: bound locals, then cell variables by their contents, then the
/// return value of a returning function.
fn frame_vars(state: &State, frame: &FrameView, opts: &Options) -> Vec<(String, Cell)> {
    let mut vars = Vec::new();
    let hide_dunders = frame.depth == 0 && !opts.show_dunders;
    for Binding { name, value } in &frame.locals {
        if let Some(id) = value
            && !(hide_dunders && is_dunder(name))
        {
            vars.push((name.clone(), cell_for(state, *id, opts)));
        }
    }
    for Binding { name, value } in &frame.cells {
        let contents = value.and_then(|cell| match state.object(cell).map(|o| &o.value) {
            Some(ObjectValue::Cell { contents }) => *contents,
            _ => None,
        });
        if let Some(id) = contents {
            vars.push((name.clone(), cell_for(state, id, opts)));
        }
    }
    if frame.depth > 0
        && let Some(id) = frame.return_value
    {
        vars.push(("Return value".into(), cell_for(state, id, opts)));
    }
    vars
}

/// A frame's box at the origin.
pub(crate) fn frame_box(
    state: &State,
    frame: &FrameView,
    current: bool,
    opts: &Options,
) -> FrameBox {
    let vars = frame_vars(state, frame, opts);
    let title = if frame.depth == 0 && frame.name == "<module>" {
        "Global frame".to_string()
    } else {
        frame.name.clone()
    };
    let label_w = vars.iter().map(|(n, _)| text_width(n)).fold(0.0, f64::max);
    let cell_w = vars
        .iter()
        .map(|(_, c)| cell_width(c))
        .fold(MIN_CELL_W, f64::max);
    let width = (PAD + label_w + PAD + cell_w + PAD)
        .max(text_width(&title) + 2.0 * PAD)
        .max(MIN_FRAME_W);
    let cell_x = width - PAD - cell_w;
    let rows = vars
        .into_iter()
        .enumerate()
        .map(|(i, (name, value))| {
            let y = HEADER_H + i as f64 * ROW_H;
            VarRow {
                name,
                label: Rect {
                    x: PAD,
                    y,
                    w: cell_x - 2.0 * PAD,
                    h: ROW_H,
                },
                cell: Rect {
                    x: cell_x,
                    y: y + 2.0,
                    w: cell_w,
                    h: ROW_H - 4.0,
                },
                value,
            }
        })
        .collect::<Vec<_>>();
    let height = HEADER_H + rows.len() as f64 * ROW_H + PAD;
    FrameBox {
        name: frame.name.clone(),
        title,
        depth: frame.depth,
        rect: Rect {
            x: 0.0,
            y: 0.0,
            w: width,
            h: height,
        },
        current,
        vars: rows,
    }
}

/// A short text for a dict key: its inline text, a tuple of inline texts, or `#id`.
pub(crate) fn key_text(state: &State, id: ObjectId, opts: &Options) -> String {
    let Some(obj) = state.object(id) else {
        return format!("#{id}");
    };
    if let Some(text) = inline_text(obj) {
        return shorten(&text, opts.max_text);
    }
    if let ObjectValue::Tuple { items } = &obj.value {
        let parts: Option<Vec<String>> = items
            .iter()
            .map(|i| state.object(*i).and_then(inline_text))
            .collect();
        if let Some(parts) = parts {
            let inner = if parts.len() == 1 {
                format!("{},", parts[0])
            } else {
                parts.join(", ")
            };
            return shorten(&format!("({inner})"), opts.max_text);
        }
    }
    format!("#{id}")
}

/// The raw entries of an object: (label, `data-from`, key reference, value id).
type Entry = (String, String, Option<ObjectId>, ObjectId);

fn entries(state: &State, obj: &HeapObject, opts: &Options) -> (Shape, Vec<Entry>) {
    let id = obj.id;
    let indexed = |items: &[ObjectId]| -> Vec<Entry> {
        items
            .iter()
            .enumerate()
            .map(|(i, v)| (i.to_string(), format!("{id}[{i}]"), None, *v))
            .collect()
    };
    match &obj.value {
        ObjectValue::List { items, .. }
        | ObjectValue::Tuple { items }
        | ObjectValue::Set { items, .. } => (Shape::Sequence, indexed(items)),
        ObjectValue::Dict { entries, .. } => {
            let rows = entries
                .iter()
                .map(|(k, v)| {
                    let label = key_text(state, *k, opts);
                    let key_ref = matches!(cell_for(state, *k, opts), Cell::Ref(_)).then_some(*k);
                    (label.clone(), format!("{id}[{label}]"), key_ref, *v)
                })
                .collect();
            (Shape::Table, rows)
        }
        _ => {
            let rows: Vec<Entry> = obj
                .value
                .references()
                .into_iter()
                .map(|(label, v)| (label.clone(), format!("{id}.{label}"), None, v))
                .collect();
            (
                if rows.is_empty() {
                    Shape::Text
                } else {
                    Shape::Table
                },
                rows,
            )
        }
    }
}

/// The objects `obj` draws arrows to, each with whether it is a dict key.
pub(crate) fn child_refs(state: &State, obj: &HeapObject, opts: &Options) -> Vec<(ObjectId, bool)> {
    let (_, raw) = entries(state, obj, opts);
    let mut out = Vec::new();
    for (_, _, key, value) in raw.into_iter().take(opts.max_items) {
        if let Some(k) = key {
            out.push((k, true));
        }
        if matches!(cell_for(state, value, opts), Cell::Ref(_)) {
            out.push((value, false));
        }
    }
    out
}

/// An object's box at the origin.
pub(crate) fn object_box(
    state: &State,
    obj: &HeapObject,
    opts: &Options,
    nesting: Nesting,
) -> ObjectBox {
    let (shape, mut raw) = entries(state, obj, opts);
    let hidden_items = raw.len().saturating_sub(opts.max_items);
    raw.truncate(opts.max_items);
    let title = title(obj);
    let text = match shape {
        Shape::Sequence if raw.is_empty() => Some("empty".to_string()),
        Shape::Sequence => None,
        Shape::Table | Shape::Text => body_text(obj).map(|t| shorten(&t, opts.max_text)),
    };
    let detail = opts.show_ids.then(|| {
        format!(
            "id {:#x} · refcount {} · {} bytes",
            obj.address, obj.refcount, obj.size
        )
    });
    let mut b = ObjectBox {
        id: obj.id,
        type_name: obj.type_name.clone(),
        title,
        text,
        shape,
        rect: Rect::default(),
        slots: Vec::new(),
        hidden_items,
        detail,
        has_internals: false,
        internals: None,
    };
    let cells: Vec<(String, String, Option<ObjectId>, Cell)> = raw
        .into_iter()
        .map(|(l, f, k, v)| {
            let inner = Nesting {
                depth: nesting.depth + 1,
                ..nesting
            };
            let cell = match state.object(v) {
                Some(child) if nesting.ids.contains(&v) && nesting.depth < MAX_NEST => {
                    Cell::Nested(Box::new(object_box(state, child, opts, inner)))
                }
                _ => cell_for(state, v, opts),
            };
            (l, f, k, cell)
        })
        .collect();
    let top = if b.detail.is_some() { DETAIL_H } else { 0.0 };
    let (w, h) = match shape {
        Shape::Sequence => sequence_slots(&mut b, cells, top),
        Shape::Table => table_slots(&mut b, cells, top),
        Shape::Text => (
            0.0,
            top + HEADER_H + if b.text.is_some() { ROW_H } else { 4.0 },
        ),
    };
    let text_w = b.text.as_deref().map_or(0.0, text_width);
    let more_w = if hidden_items > 0 {
        text_width(&format!("… {hidden_items} more"))
    } else {
        0.0
    };
    let detail_w = b.detail.as_deref().map_or(0.0, |d| text_width(d) * 0.85);
    let more_h = if hidden_items > 0 { ROW_H } else { 0.0 };
    let mut h = h + more_h;
    let mut w = w;
    if opts.internals {
        if let Some(view) = internals(state, obj, opts, PAD, h) {
            b.has_internals = true;
            if !opts.collapsed.contains(&obj.id) {
                w = w.max(view.rect.right() + PAD);
                h = view.rect.bottom() + PAD;
                b.internals = Some(view);
            }
        }
    }
    let toggle_w = if b.has_internals { TOGGLE_W } else { 0.0 };
    b.rect.w = w
        .max(text_width(&b.title) + toggle_w + 2.0 * PAD)
        .max(text_w.max(more_w).max(detail_w) + 2.0 * PAD)
        .max(MIN_CELL_W + 2.0 * PAD);
    b.rect.h = h;
    b
}

fn sequence_slots(
    b: &mut ObjectBox,
    cells: Vec<(String, String, Option<ObjectId>, Cell)>,
    top: f64,
) -> (f64, f64) {
    let header = HEADER_H + top;
    let row_h = cells
        .iter()
        .map(|c| cell_height(&c.3))
        .fold(ROW_H, f64::max);
    let mut x = PAD;
    for (label, from, key_ref, mut value) in cells {
        let w = cell_width(&value);
        if let Cell::Nested(b) = &mut value {
            b.translate(x + NEST_PAD, header + INDEX_H + NEST_PAD);
        }
        b.slots.push(Slot {
            label,
            label_rect: Rect {
                x,
                y: header,
                w,
                h: INDEX_H,
            },
            key_ref,
            cell: Rect {
                x,
                y: header + INDEX_H,
                w,
                h: row_h,
            },
            value,
            from,
        });
        x += w;
    }
    let h = if b.slots.is_empty() {
        header + ROW_H
    } else {
        header + INDEX_H + row_h + PAD
    };
    (x + PAD, h)
}

fn table_slots(
    b: &mut ObjectBox,
    cells: Vec<(String, String, Option<ObjectId>, Cell)>,
    top: f64,
) -> (f64, f64) {
    let key_w = cells
        .iter()
        .map(|(l, _, k, _)| {
            if k.is_some() {
                MIN_CELL_W
            } else {
                text_width(l) + 12.0
            }
        })
        .fold(MIN_CELL_W, f64::max);
    let val_w = cells
        .iter()
        .map(|(_, _, _, c)| cell_width(c))
        .fold(MIN_CELL_W, f64::max);
    let mut y = top + HEADER_H + if b.text.is_some() { ROW_H } else { 0.0 };
    for (label, from, key_ref, mut value) in cells {
        let h = cell_height(&value);
        if let Cell::Nested(n) = &mut value {
            n.translate(PAD + key_w + NEST_PAD, y + NEST_PAD);
        }
        b.slots.push(Slot {
            label,
            label_rect: Rect {
                x: PAD,
                y,
                w: key_w,
                h,
            },
            key_ref,
            cell: Rect {
                x: PAD + key_w,
                y,
                w: val_w,
                h,
            },
            value,
            from,
        });
        y += h;
    }
    (PAD + key_w + val_w + PAD, y + PAD)
}

impl ObjectBox {
    /// Moves the box and everything in it by (dx, dy).
    pub(crate) fn translate(&mut self, dx: f64, dy: f64) {
        self.rect.x += dx;
        self.rect.y += dy;
        for s in &mut self.slots {
            s.label_rect.x += dx;
            s.label_rect.y += dy;
            s.cell.x += dx;
            s.cell.y += dy;
            if let Cell::Nested(b) = &mut s.value {
                b.translate(dx, dy);
            }
        }
        if let Some(i) = &mut self.internals {
            i.translate(dx, dy);
        }
    }

    /// The objects this box's slots reference (values, and keys drawn as references), in order.
    pub fn references(&self) -> Vec<ObjectId> {
        let mut out = Vec::new();
        for s in &self.slots {
            if let Some(k) = s.key_ref {
                out.push(k);
            }
            match &s.value {
                Cell::Ref(v) => out.push(*v),
                Cell::Nested(b) => out.extend(b.references()),
                Cell::Inline { .. } => {}
            }
        }
        out
    }

    /// The ids of the objects drawn inside this box's cells, at any depth.
    pub fn nested_ids(&self) -> Vec<ObjectId> {
        let mut out = Vec::new();
        for s in &self.slots {
            if let Cell::Nested(b) = &s.value {
                out.push(b.id);
                out.extend(b.nested_ids());
            }
        }
        out
    }
}

impl FrameBox {
    /// Moves the box and its rows by (dx, dy).
    pub(crate) fn translate(&mut self, dx: f64, dy: f64) {
        self.rect.x += dx;
        self.rect.y += dy;
        for v in &mut self.vars {
            v.label.x += dx;
            v.label.y += dy;
            v.cell.x += dx;
            v.cell.y += dy;
        }
    }
}
