//! The internals views drawn inside container boxes: a dict's index table and entries, a set's
//! hash table, a list's pointer array with its spare capacity, and a tuple's fixed array.
//!
//! Everything comes from the trace's [`DictTable`], [`SetTable`] and list `allocated` fields;
//! cells are placed relative to the top-left corner of the area given, and moved with the box.

use pyscope_trace::{DictTable, HeapObject, ObjectValue, SetSlot, SetTable, State};

use crate::build::key_text;
use crate::measure::{inline_text, shorten, text_width};
use crate::{CellKind, InternalCell, Internals, InternalsKind, Label, Options, Point, Rect};

/// Height of a caption line.
const CAPTION_H: f64 = 18.0;
/// Height of the slot numbers above index cells.
const NUMBER_H: f64 = 13.0;
/// Height of one table cell.
const CELL_H: f64 = 20.0;
/// Index-table slots, list pointers and tuple pointers drawn per row.
const PER_ROW: usize = 8;
/// Width of one pointer cell of a list or tuple.
const POINTER_W: f64 = 22.0;
/// At most this many pointer cells or table slots are drawn.
const MAX_CELLS: usize = 64;
/// Space between the parts of a view.
const GAP: f64 = 6.0;
/// The text of an EMPTY index slot and of a DUMMY one.
pub const EMPTY: &str = "EMPTY";
pub const DUMMY: &str = "DUMMY";

/// Builds the internals view of `obj`, if it has one, with its top-left corner at (x, y).
pub(crate) fn internals(
    state: &State,
    obj: &HeapObject,
    opts: &Options,
    x: f64,
    y: f64,
) -> Option<Internals> {
    let mut b = Builder {
        origin: Point { x, y },
        cells: Vec::new(),
        labels: Vec::new(),
        w: 0.0,
        h: 0.0,
    };
    let (kind, len, allocated) = match &obj.value {
        ObjectValue::Dict {
            table: Some(table), ..
        } => {
            dict(&mut b, state, table, opts);
            (InternalsKind::Dict, table.used, 1u64 << table.log2_size)
        }
        ObjectValue::Set { table, .. } => {
            set(&mut b, state, table, opts);
            (InternalsKind::Set, table.used, table.mask + 1)
        }
        ObjectValue::List { items, allocated } => {
            let len = items.len() as u64;
            let caption = format!("pointer array · len {len} · allocated {allocated}");
            pointers(&mut b, &caption, len, (*allocated).max(len));
            (InternalsKind::List, len, (*allocated).max(len))
        }
        ObjectValue::Tuple { items } if !items.is_empty() => {
            let len = items.len() as u64;
            pointers(&mut b, &format!("fixed array · {len} pointers"), len, len);
            (InternalsKind::Tuple, len, len)
        }
        _ => return None,
    };
    Some(Internals {
        kind,
        id: obj.id,
        rect: Rect {
            x,
            y,
            w: b.w,
            h: b.h,
        },
        len,
        allocated,
        labels: b.labels,
        cells: b.cells,
    })
}

/// Collects cells and labels, tracking the extent of what was added.
struct Builder {
    origin: Point,
    cells: Vec<InternalCell>,
    labels: Vec<Label>,
    w: f64,
    h: f64,
}

impl Builder {
    fn caption(&mut self, text: String) {
        self.labels.push(Label {
            at: Point {
                x: self.origin.x,
                y: self.origin.y + self.h + CAPTION_H / 2.0,
            },
            text: text.clone(),
            kind: CellKind::Caption,
        });
        self.w = self.w.max(text_width(&text) * 0.85);
        self.h += CAPTION_H;
    }

    /// Adds a cell at (dx, dy) from the origin.
    fn cell(
        &mut self,
        dx: f64,
        dy: f64,
        w: f64,
        text: String,
        kind: CellKind,
    ) -> &mut InternalCell {
        self.w = self.w.max(dx + w);
        self.h = self.h.max(dy + CELL_H);
        self.cells.push(InternalCell {
            rect: Rect {
                x: self.origin.x + dx,
                y: self.origin.y + dy,
                w,
                h: CELL_H,
            },
            text,
            kind,
            slot: None,
            probe: None,
            collision: false,
        });
        let last = self.cells.len() - 1;
        &mut self.cells[last]
    }

    fn number(&mut self, dx: f64, dy: f64, w: f64, n: usize) {
        self.labels.push(Label {
            at: Point {
                x: self.origin.x + dx + w / 2.0,
                y: self.origin.y + dy + NUMBER_H / 2.0,
            },
            text: n.to_string(),
            kind: CellKind::SlotNumber,
        });
    }
}

/// The 1-based order of `slot` in a probe path, and whether the path went on past it (the
/// slot was taken by another key: a collision).
fn probe_mark(path: &[u64], slot: usize) -> (Option<usize>, bool) {
    match path.iter().position(|s| *s == slot as u64) {
        Some(i) => (Some(i + 1), i + 1 < path.len()),
        None => (None, false),
    }
}

/// A short text for what a table entry refers to: the inline value or key text, or the type.
fn ref_text(state: &State, id: u64, opts: &Options) -> String {
    match state.object(id) {
        Some(o) => match inline_text(o) {
            Some(t) => shorten(&t, opts.max_text / 2),
            None => match &o.value {
                ObjectValue::Tuple { .. } => key_text(state, id, opts),
                _ => format!("<{}>", o.type_name),
            },
        },
        None => "?".into(),
    }
}

/// A hash as hex, keeping its sign (`-0x1f`), as CPython's hashes are signed.
pub(crate) fn hash_hex(hash: i64) -> String {
    if hash < 0 {
        format!("-{:#x}", hash.unsigned_abs())
    } else {
        format!("{hash:#x}")
    }
}

fn dict(b: &mut Builder, state: &State, t: &DictTable, opts: &Options) {
    let size = t.indices.len();
    b.caption(format!(
        "indices · {size} slots · {} used · {} usable left",
        t.used, t.usable
    ));
    let shown = size.min(MAX_CELLS);
    let cell_w = text_width(EMPTY) + 8.0;
    let top = b.h;
    for (slot, index) in t.indices.iter().take(shown).enumerate() {
        let dx = (slot % PER_ROW) as f64 * cell_w;
        let dy = top + (slot / PER_ROW) as f64 * (NUMBER_H + CELL_H);
        b.number(dx, dy, cell_w, slot);
        let (text, kind) = match index {
            -1 => (EMPTY.to_string(), CellKind::Empty),
            -2 => (DUMMY.to_string(), CellKind::Dummy),
            i => (i.to_string(), CellKind::Index),
        };
        let (probe, collision) = probe_mark(&t.last_probe, slot);
        let c = b.cell(dx, dy + NUMBER_H, cell_w, text, kind);
        c.slot = Some(slot);
        c.probe = probe;
        c.collision = collision;
    }
    if size > shown {
        b.caption(format!("… {} more slots", size - shown));
    }
    b.h += GAP;
    entries(b, state, t, opts);
}

fn entries(b: &mut Builder, state: &State, t: &DictTable, opts: &Options) {
    b.caption(format!(
        "entries · {} of {} written",
        t.nentries,
        t.entries.len()
    ));
    let rows: Vec<[String; 4]> = t
        .entries
        .iter()
        .take(opts.max_items)
        .enumerate()
        .map(|(i, e)| match e {
            Some(e) => [
                i.to_string(),
                hash_hex(e.hash),
                key_text(state, e.key, opts),
                ref_text(state, e.value, opts),
            ],
            None => [
                i.to_string(),
                String::new(),
                "(deleted)".into(),
                String::new(),
            ],
        })
        .collect();
    let head = ["#", "hash", "key", "value"].map(String::from);
    let widths: Vec<f64> = (0..4)
        .map(|c| {
            std::iter::once(&head)
                .chain(rows.iter())
                .map(|r| text_width(&r[c]) + 10.0)
                .fold(24.0, f64::max)
        })
        .collect();
    let kinds = [
        CellKind::Index,
        CellKind::Hash,
        CellKind::Key,
        CellKind::Value,
    ];
    table(b, &head, &rows, &widths, &kinds);
}

/// Draws a header row and rows of text cells in columns of `widths`.
fn table(
    b: &mut Builder,
    head: &[String],
    rows: &[[String; 4]],
    widths: &[f64],
    kinds: &[CellKind],
) {
    let top = b.h;
    let mut dx = 0.0;
    for (c, w) in widths.iter().enumerate() {
        b.cell(dx, top, *w, head[c].clone(), CellKind::Header);
        for (r, row) in rows.iter().enumerate() {
            let kind = if row[c].is_empty() {
                CellKind::Empty
            } else {
                kinds[c]
            };
            b.cell(dx, top + (r + 1) as f64 * CELL_H, *w, row[c].clone(), kind);
        }
        dx += w;
    }
}

fn set(b: &mut Builder, state: &State, t: &SetTable, opts: &Options) {
    let size = t.slots.len();
    b.caption(format!(
        "table · {size} slots · fill {} · used {}",
        t.fill, t.used
    ));
    let shown = size.min(MAX_CELLS);
    let rows: Vec<[String; 4]> = t
        .slots
        .iter()
        .take(shown)
        .enumerate()
        .map(|(i, s)| match s {
            SetSlot::Empty => [i.to_string(), String::new(), EMPTY.into(), String::new()],
            SetSlot::Dummy => [i.to_string(), String::new(), DUMMY.into(), String::new()],
            SetSlot::Entry { hash, key } => [
                i.to_string(),
                hash_hex(*hash),
                key_text(state, *key, opts),
                String::new(),
            ],
        })
        .collect();
    let head = ["slot", "hash", "key", ""].map(String::from);
    let widths: Vec<f64> = (0..3)
        .map(|c| {
            std::iter::once(&head)
                .chain(rows.iter())
                .map(|r| text_width(&r[c]) + 10.0)
                .fold(28.0, f64::max)
        })
        .collect();
    let first = b.cells.len();
    let kinds = [CellKind::SlotNumber, CellKind::Hash, CellKind::Key];
    table(b, &head, &rows, &widths, &kinds);
    // Cells go column by column, each column a header then one cell per slot.
    for (c, cells) in b.cells[first..].chunks_mut(shown + 1).enumerate() {
        for (slot, cell) in cells.iter_mut().skip(1).enumerate() {
            let (probe, collision) = probe_mark(&t.last_probe, slot);
            cell.slot = Some(slot);
            cell.probe = probe;
            cell.collision = collision;
            match (&t.slots[slot], c) {
                (SetSlot::Empty, 2) => cell.kind = CellKind::Empty,
                (SetSlot::Dummy, 2) => cell.kind = CellKind::Dummy,
                _ => {}
            }
        }
    }
    if size > shown {
        b.caption(format!("… {} more slots", size - shown));
    }
}

/// A strip of `allocated` pointer cells, the first `len` in use.
fn pointers(b: &mut Builder, caption: &str, len: u64, allocated: u64) {
    b.caption(caption.to_string());
    let shown = (allocated as usize).min(MAX_CELLS);
    let top = b.h;
    for i in 0..shown {
        let dx = (i % (2 * PER_ROW)) as f64 * POINTER_W;
        let dy = top + (i / (2 * PER_ROW)) as f64 * CELL_H;
        let (text, kind) = if (i as u64) < len {
            ("•".to_string(), CellKind::Used)
        } else {
            (String::new(), CellKind::Unused)
        };
        b.cell(dx, dy, POINTER_W, text, kind).slot = Some(i);
    }
    if allocated as usize > shown {
        b.caption(format!("… {} more", allocated as usize - shown));
    }
}

impl Internals {
    /// Moves the view by (dx, dy).
    pub(crate) fn translate(&mut self, dx: f64, dy: f64) {
        self.rect.x += dx;
        self.rect.y += dy;
        for c in &mut self.cells {
            c.rect.x += dx;
            c.rect.y += dy;
        }
        for l in &mut self.labels {
            l.at.x += dx;
            l.at.y += dy;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probe_marks_count_from_one_and_flag_collisions() {
        assert_eq!(probe_mark(&[0, 1, 6], 0), (Some(1), true));
        assert_eq!(probe_mark(&[0, 1, 6], 6), (Some(3), false));
        assert_eq!(probe_mark(&[0, 1, 6], 2), (None, false));
    }

    #[test]
    fn hashes_are_signed_hex() {
        assert_eq!(hash_hex(16), "0x10");
        assert_eq!(hash_hex(-2), "-0x2");
        assert_eq!(hash_hex(0), "0x0");
    }
}
