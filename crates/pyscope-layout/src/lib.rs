//! Computes where the memory graph's frames, objects and arrows go, so views only draw.
//!
//! The input is one [`pyscope_trace::State`]; the output is a [`GraphLayout`] in abstract pixel
//! units (text is measured with a fixed monospace advance). Frames form the left column, heap
//! objects the right one, and every reference from a variable or a container slot to a heap
//! object becomes an [`Arrow`]. Like Python Tutor's default mode, small immutable values
//! (`None`, bools, numbers, strings) are drawn inline where they are referenced.

mod build;
mod internals;
mod measure;
mod place;

pub use internals::{DUMMY, EMPTY};
pub use measure::{CHAR_WIDTH, py_str_repr, text_width};
pub use place::layout;

use std::collections::BTreeSet;

use pyscope_trace::ObjectId;

/// `x` with one decimal (`12.3`, `-0.5`), written without the float formatting machinery,
/// which would add kilobytes to the page's wasm.
pub fn fixed1(x: f64) -> String {
    let tenths = (x * 10.0).round() as i64;
    let sign = if tenths < 0 { "-" } else { "" };
    let t = tenths.unsigned_abs();
    format!("{sign}{}.{}", t / 10, t % 10)
}

/// Python Tutor's three ways of drawing primitive values (`?heapPrimitives=`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum HeapMode {
    /// `nevernest` (the default): primitives inline, every other object a box of its own.
    #[default]
    NeverNest,
    /// `false`: primitives inline, and an object referenced only from one container slot
    /// is drawn inside that slot.
    Nest,
    /// `true`: every object on the heap, primitives included, so aliasing is visible.
    AllOnHeap,
}

impl HeapMode {
    /// The mode named by a `heapPrimitives` value, if it names one.
    pub fn parse(value: &str) -> Option<HeapMode> {
        match value {
            "nevernest" => Some(HeapMode::NeverNest),
            "false" => Some(HeapMode::Nest),
            "true" => Some(HeapMode::AllOnHeap),
            _ => None,
        }
    }

    /// The `heapPrimitives` value of this mode.
    pub fn as_str(self) -> &'static str {
        match self {
            HeapMode::NeverNest => "nevernest",
            HeapMode::Nest => "false",
            HeapMode::AllOnHeap => "true",
        }
    }
}

/// Choices that change what the graph shows.
#[derive(Clone, Debug, PartialEq)]
pub struct Options {
    /// Draw `None`, bools, numbers and strings inside the box that references them.
    pub inline_primitives: bool,
    /// Show `__dunder__` names of module frames (`__name__`, `__builtins__`, ...).
    pub show_dunders: bool,
    /// At most this many heap objects are placed; the rest are counted in `hidden_objects`.
    pub max_objects: usize,
    /// At most this many items or entries are shown per object.
    pub max_items: usize,
    /// Inline values longer than this many characters are cut with an ellipsis.
    pub max_text: usize,
    /// Draw objects referenced from only one container slot inside that slot.
    pub nest: bool,
    /// Draw internals views (dict and set tables, list and tuple arrays) inside boxes.
    pub internals: bool,
    /// Objects whose internals view is collapsed.
    pub collapsed: BTreeSet<ObjectId>,
    /// Show each object's `id()` and reference count under its title.
    pub show_ids: bool,
}

impl Options {
    /// The default options with the given heap mode.
    pub fn for_mode(mode: HeapMode) -> Options {
        Options {
            inline_primitives: mode != HeapMode::AllOnHeap,
            nest: mode == HeapMode::Nest,
            ..Options::default()
        }
    }
}

impl Default for Options {
    fn default() -> Self {
        Options {
            inline_primitives: true,
            show_dunders: false,
            max_objects: 300,
            max_items: 60,
            max_text: 40,
            nest: false,
            internals: true,
            collapsed: BTreeSet::new(),
            show_ids: false,
        }
    }
}

/// An axis-aligned rectangle; `y` grows downwards.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    /// The centre point.
    pub fn center(&self) -> Point {
        Point {
            x: self.x + self.w / 2.0,
            y: self.y + self.h / 2.0,
        }
    }

    /// The right edge.
    pub fn right(&self) -> f64 {
        self.x + self.w
    }

    /// The bottom edge.
    pub fn bottom(&self) -> f64 {
        self.y + self.h
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

/// What a variable or slot shows.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    /// A value drawn as text in place; `type_name` lets views colour it.
    Inline { text: String, type_name: String },
    /// A reference to a heap object, drawn as a dot with an arrow.
    Ref(ObjectId),
    /// A heap object referenced only from here, drawn inside the cell (heap mode `false`).
    Nested(Box<ObjectBox>),
}

/// The whole drawing.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GraphLayout {
    pub width: f64,
    pub height: f64,
    /// Frames, outermost (`<module>`) first.
    pub frames: Vec<FrameBox>,
    /// Heap objects in placement order.
    pub objects: Vec<ObjectBox>,
    pub arrows: Vec<Arrow>,
    /// Reachable objects left out because of [`Options::max_objects`].
    pub hidden_objects: usize,
}

/// One frame box in the left column.
#[derive(Clone, Debug, PartialEq)]
pub struct FrameBox {
    /// The frame's function name, `<module>` for the module.
    pub name: String,
    /// What the box's header says ("Global frame" for the module).
    pub title: String,
    pub depth: u32,
    pub rect: Rect,
    /// Whether this is the innermost (executing) frame.
    pub current: bool,
    pub vars: Vec<VarRow>,
}

/// One variable of a frame.
#[derive(Clone, Debug, PartialEq)]
pub struct VarRow {
    pub name: String,
    /// Where the name is written (right-aligned in this rectangle).
    pub label: Rect,
    pub cell: Rect,
    pub value: Cell,
}

/// How an object's contents are arranged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// Items side by side with their index above (lists, tuples, sets).
    Sequence,
    /// Rows of key and value (dicts, instances, classes, modules, functions).
    Table,
    /// A title and at most one line of text.
    Text,
}

/// One heap object box in the right column.
#[derive(Clone, Debug, PartialEq)]
pub struct ObjectBox {
    pub id: ObjectId,
    pub type_name: String,
    pub title: String,
    /// A line of text under the title, for objects without slots (e.g. `range(0, 3)`).
    pub text: Option<String>,
    pub shape: Shape,
    pub rect: Rect,
    pub slots: Vec<Slot>,
    /// Items or entries left out because of [`Options::max_items`].
    pub hidden_items: usize,
    /// `id()` and reference count, when [`Options::show_ids`] asks for them.
    pub detail: Option<String>,
    /// Whether the object has an internals view (drawn unless collapsed).
    pub has_internals: bool,
    pub internals: Option<Internals>,
}

/// Which real memory structure an internals view shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InternalsKind {
    /// The index table and the entries array of a dict.
    Dict,
    /// The hash table of a set or frozenset.
    Set,
    /// The pointer array of a list, used and allocated.
    List,
    /// The fixed pointer array of a tuple.
    Tuple,
}

/// The internals view of one object, inside its box.
#[derive(Clone, Debug, PartialEq)]
pub struct Internals {
    pub kind: InternalsKind,
    /// The object shown.
    pub id: ObjectId,
    pub rect: Rect,
    /// Items in use (list and tuple length, dict and set `used`).
    pub len: u64,
    /// Capacity: a list's allocated slots, a dict's index slots, a set's table slots.
    pub allocated: u64,
    pub labels: Vec<Label>,
    pub cells: Vec<InternalCell>,
}

/// What an internals cell or label holds, for styling.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CellKind {
    Caption,
    Header,
    SlotNumber,
    /// An index slot holding an entry index.
    Index,
    Empty,
    Dummy,
    Hash,
    Key,
    Value,
    /// A pointer slot in use.
    Used,
    /// A pointer slot allocated but not in use.
    Unused,
}

impl CellKind {
    /// The CSS class the page gives cells of this kind.
    pub fn class(self) -> &'static str {
        match self {
            CellKind::Caption => "caption",
            CellKind::Header => "header",
            CellKind::SlotNumber => "slotno",
            CellKind::Index => "index",
            CellKind::Empty => "empty",
            CellKind::Dummy => "dummy",
            CellKind::Hash => "hash",
            CellKind::Key => "key",
            CellKind::Value => "value",
            CellKind::Used => "used",
            CellKind::Unused => "unused",
        }
    }
}

/// A text drawn centred (slot numbers) or left-aligned (captions) at a point.
#[derive(Clone, Debug, PartialEq)]
pub struct Label {
    pub at: Point,
    pub text: String,
    pub kind: CellKind,
}

/// One boxed cell of an internals view.
#[derive(Clone, Debug, PartialEq)]
pub struct InternalCell {
    pub rect: Rect,
    pub text: String,
    pub kind: CellKind,
    /// The table slot or array index this cell belongs to.
    pub slot: Option<usize>,
    /// 1-based position of this slot in the last probe path.
    pub probe: Option<usize>,
    /// The probe went on past this slot because another key held it.
    pub collision: bool,
}

/// One item, entry or attribute of an object.
#[derive(Clone, Debug, PartialEq)]
pub struct Slot {
    /// The index (sequences) or the key or attribute text (tables).
    pub label: String,
    /// Where the label goes: above the cell for sequences, the key column for tables.
    pub label_rect: Rect,
    /// A dict key that is itself a heap object, drawn in the key column.
    pub key_ref: Option<ObjectId>,
    pub cell: Rect,
    pub value: Cell,
    /// The `data-from` of an arrow leaving this slot: `<object id>[<index or key repr>]`.
    pub from: String,
}

/// Which side of the target box an arrow ends on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Left,
    Right,
    Top,
    Bottom,
}

/// A reference drawn from a variable or slot to a heap object.
#[derive(Clone, Debug, PartialEq)]
pub struct Arrow {
    /// `<depth>:<name>` for a variable, `<object id>[<index or key repr>]` for a slot.
    pub from: String,
    pub to: ObjectId,
    pub start: Point,
    pub end: Point,
    pub side: Side,
}

impl Arrow {
    /// An SVG path (`d` attribute): a cubic curve that leaves horizontally and enters
    /// perpendicular to the side of the target it ends on.
    pub fn path(&self) -> String {
        let (s, e) = (self.start, self.end);
        let reach = ((e.x - s.x).abs() / 2.0).clamp(20.0, 120.0);
        let lead = if e.x >= s.x { reach } else { -reach };
        let (c2x, c2y) = match self.side {
            Side::Left => (e.x - reach, e.y),
            Side::Right => (e.x + reach, e.y),
            Side::Top => (e.x, e.y - reach),
            Side::Bottom => (e.x, e.y + reach),
        };
        let p = [s.x, s.y, s.x + lead, s.y, c2x, c2y, e.x, e.y].map(fixed1);
        format!(
            "M {} {} C {} {}, {} {}, {} {}",
            p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7]
        )
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixed1_rounds_to_tenths() {
        assert_eq!(super::fixed1(12.34), "12.3");
        assert_eq!(super::fixed1(-0.46), "-0.5");
        assert_eq!(super::fixed1(0.0), "0.0");
        assert_eq!(super::fixed1(7.05), "7.1");
    }
}
