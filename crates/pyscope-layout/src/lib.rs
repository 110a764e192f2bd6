//! Computes where the memory graph's frames, objects and arrows go, so views only draw.
//!
//! The input is one [`pyscope_trace::State`]; the output is a [`GraphLayout`] in abstract pixel
//! units (text is measured with a fixed monospace advance). Frames form the left column, heap
//! objects the right one, and every reference from a variable or a container slot to a heap
//! object becomes an [`Arrow`]. Like Python Tutor's default mode, small immutable values
//! (`None`, bools, numbers, strings) are drawn inline where they are referenced.

mod build;
mod measure;
mod place;

pub use measure::{CHAR_WIDTH, py_str_repr, text_width};
pub use place::layout;

use pyscope_trace::ObjectId;

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
}

impl Default for Options {
    fn default() -> Self {
        Options {
            inline_primitives: true,
            show_dunders: false,
            max_objects: 300,
            max_items: 60,
            max_text: 40,
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
        format!(
            "M {:.1} {:.1} C {:.1} {:.1}, {c2x:.1} {c2y:.1}, {:.1} {:.1}",
            s.x,
            s.y,
            s.x + lead,
            s.y,
            e.x,
            e.y
        )
    }
}
