//! Places frames and reachable objects in two columns and routes the arrows between them.

use std::collections::{HashMap, HashSet, VecDeque};

use pyscope_trace::{ObjectId, ObjectValue, State};

use crate::build::{HEADER_H, Nesting, child_refs, frame_box, object_box};
use crate::{Arrow, Cell, GraphLayout, ObjectBox, Options, Point, Rect, Side};

/// Space around the whole drawing.
const MARGIN: f64 = 10.0;
/// Vertical space between frames.
const FRAME_GAP: f64 = 14.0;
/// Horizontal space between the frames column and the heap column.
const COLUMN_GAP: f64 = 70.0;
/// Horizontal space between an object and the objects it references.
const OBJ_GAP_X: f64 = 44.0;
/// Vertical space between objects stacked in one column.
const OBJ_GAP_Y: f64 = 16.0;
/// Objects nested deeper than this start a new row instead of growing to the right.
const MAX_NESTING: usize = 6;

/// Lays out everything `state` shows: its frames, the objects they reach, and the arrows.
pub fn layout(state: &State, opts: &Options) -> GraphLayout {
    let last = state.frames.len().saturating_sub(1);
    let mut frames = Vec::with_capacity(state.frames.len());
    let mut y = MARGIN;
    for (i, f) in state.frames.iter().enumerate() {
        let mut b = frame_box(state, f, i == last, opts);
        b.translate(MARGIN, y);
        y = b.rect.bottom() + FRAME_GAP;
        frames.push(b);
    }
    let column_w = frames.iter().map(|f| f.rect.w).fold(0.0, f64::max);
    let nest = if opts.nest {
        nestable(state, opts, &frames)
    } else {
        HashSet::new()
    };
    let mut placer = Placer::new(state, opts, MARGIN + column_w + COLUMN_GAP, &nest);
    for f in &frames {
        for v in &f.vars {
            if let Cell::Ref(id) = v.value {
                placer.place_root(id, v.cell.center().y - HEADER_H / 2.0);
            }
        }
    }
    // The exception being handled is reachable without a name. Modules are not roots of
    // their own: `__main__` is the global frame already, and an imported module the program
    // can still use is bound to a name somewhere.
    if let Some(id) = state.exception {
        placer.place_root(id, 0.0);
    }
    let Placer {
        objects, hidden, ..
    } = placer;
    let arrows = route(&frames, &objects);
    let right = frames
        .iter()
        .map(|f| f.rect.right())
        .chain(objects.iter().map(|o| o.rect.right()));
    let bottom = frames
        .iter()
        .map(|f| f.rect.bottom())
        .chain(objects.iter().map(|o| o.rect.bottom()));
    GraphLayout {
        width: right.fold(0.0, f64::max) + MARGIN,
        height: bottom.fold(0.0, f64::max) + MARGIN,
        frames,
        objects,
        arrows,
        hidden_objects: hidden.len(),
    }
}

/// The objects that heap mode `false` draws inside the one container slot referencing them:
/// referenced once, from a value slot of a list, tuple, dict, set or instance, and not a
/// function, class or module (which keep their own boxes).
fn nestable(state: &State, opts: &Options, frames: &[crate::FrameBox]) -> HashSet<ObjectId> {
    let mut roots: HashSet<ObjectId> = frames
        .iter()
        .flat_map(|f| &f.vars)
        .filter_map(|v| match v.value {
            Cell::Ref(id) => Some(id),
            _ => None,
        })
        .collect();
    roots.extend(state.exception);
    let mut count: HashMap<ObjectId, usize> = HashMap::new();
    let mut from_container: HashSet<ObjectId> = HashSet::new();
    let mut seen: HashSet<ObjectId> = roots.clone();
    let mut queue: VecDeque<ObjectId> = roots.iter().copied().collect();
    while let Some(id) = queue.pop_front() {
        let Some(obj) = state.object(id) else {
            continue;
        };
        let container = matches!(
            obj.value,
            ObjectValue::List { .. }
                | ObjectValue::Tuple { .. }
                | ObjectValue::Dict { .. }
                | ObjectValue::Set { .. }
                | ObjectValue::Instance { .. }
        );
        for (child, is_key) in child_refs(state, obj, opts) {
            *count.entry(child).or_default() += 1;
            if container && !is_key {
                from_container.insert(child);
            }
            if seen.insert(child) {
                queue.push_back(child);
            }
        }
    }
    from_container
        .into_iter()
        .filter(|id| count.get(id) == Some(&1) && !roots.contains(id))
        .filter(|id| {
            state.object(*id).is_some_and(|o| {
                !matches!(
                    o.value,
                    ObjectValue::Function { .. }
                        | ObjectValue::Class { .. }
                        | ObjectValue::Module { .. }
                )
            })
        })
        .collect()
}

/// Places objects depth-first: each root starts a row, and what an object references is
/// stacked in the column to its right, so related objects stay close.
struct Placer<'a> {
    state: &'a State,
    opts: &'a Options,
    heap_x: f64,
    next_row_y: f64,
    objects: Vec<ObjectBox>,
    placed: HashSet<ObjectId>,
    hidden: HashSet<ObjectId>,
    /// Objects too deeply nested to place to the right; they start rows of their own.
    deferred: VecDeque<ObjectId>,
    /// Objects drawn inside their container's cell (heap mode `false`).
    nest: &'a HashSet<ObjectId>,
}

impl<'a> Placer<'a> {
    fn new(state: &'a State, opts: &'a Options, heap_x: f64, nest: &'a HashSet<ObjectId>) -> Self {
        Placer {
            state,
            opts,
            heap_x,
            next_row_y: MARGIN,
            objects: Vec::new(),
            placed: HashSet::new(),
            hidden: HashSet::new(),
            deferred: VecDeque::new(),
            nest,
        }
    }

    /// Starts a row for `id` no higher than `y_hint`, then places anything deferred.
    fn place_root(&mut self, id: ObjectId, y_hint: f64) {
        self.deferred.push_back(id);
        let mut hint = y_hint;
        while let Some(next) = self.deferred.pop_front() {
            if self.placed.contains(&next) || self.state.object(next).is_none() {
                continue;
            }
            let y = self.next_row_y.max(hint);
            if let Some(bottom) = self.place(next, self.heap_x, y, 0) {
                self.next_row_y = bottom + OBJ_GAP_Y;
            }
            hint = 0.0;
        }
    }

    /// Places `id` at (x, y) and its unplaced references to the right; returns the bottom of
    /// the subtree, or `None` when the object was not placed.
    fn place(&mut self, id: ObjectId, x: f64, y: f64, depth: usize) -> Option<f64> {
        let obj = self.state.object(id)?;
        if self.objects.len() >= self.opts.max_objects {
            self.hidden.insert(id);
            return None;
        }
        let nesting = Nesting {
            ids: self.nest,
            depth: 0,
        };
        let mut b = object_box(self.state, obj, self.opts, nesting);
        self.placed.extend(b.nested_ids());
        b.translate(x, y);
        let (right, mut bottom) = (b.rect.right(), b.rect.bottom());
        let children = b.references();
        self.placed.insert(id);
        self.objects.push(b);
        let mut cy = y;
        for child in children {
            if self.placed.contains(&child) || self.hidden.contains(&child) {
                continue;
            }
            if depth + 1 >= MAX_NESTING {
                self.deferred.push_back(child);
                continue;
            }
            if let Some(b) = self.place(child, right + OBJ_GAP_X, cy, depth + 1) {
                bottom = bottom.max(b);
                cy = b + OBJ_GAP_Y;
            }
        }
        Some(bottom)
    }
}

/// Where an arrow from `s` ends on box `t`, and on which side.
fn attach(s: Point, t: Rect) -> (Point, Side) {
    let title_y = t.y + HEADER_H / 2.0;
    let near_x = t.x + (t.w / 2.0).min(16.0);
    if t.x >= s.x + 8.0 {
        (Point { x: t.x, y: title_y }, Side::Left)
    } else if t.right() <= s.x - 8.0 {
        (
            Point {
                x: t.right(),
                y: title_y,
            },
            Side::Right,
        )
    } else if s.y <= t.y {
        (Point { x: near_x, y: t.y }, Side::Top)
    } else {
        (
            Point {
                x: near_x,
                y: t.bottom(),
            },
            Side::Bottom,
        )
    }
}

/// One arrow for every reference whose target was placed.
/// Every box, the ones drawn inside cells included.
fn all_boxes<'a>(objects: &'a [ObjectBox], out: &mut Vec<&'a ObjectBox>) {
    for o in objects {
        out.push(o);
        for s in &o.slots {
            if let Cell::Nested(b) = &s.value {
                all_boxes(std::slice::from_ref(b.as_ref()), out);
            }
        }
    }
}

fn route(frames: &[crate::FrameBox], objects: &[ObjectBox]) -> Vec<Arrow> {
    let mut boxes = Vec::new();
    all_boxes(objects, &mut boxes);
    let at: HashMap<ObjectId, Rect> = boxes.iter().map(|o| (o.id, o.rect)).collect();
    let mut arrows = Vec::new();
    let mut push = |from: String, cell: Rect, to: ObjectId| {
        if let Some(t) = at.get(&to) {
            let start = cell.center();
            let (end, side) = attach(start, *t);
            arrows.push(Arrow {
                from,
                to,
                start,
                end,
                side,
            });
        }
    };
    for f in frames {
        for v in &f.vars {
            if let Cell::Ref(id) = v.value {
                push(format!("{}:{}", f.depth, v.name), v.cell, id);
            }
        }
    }
    for o in boxes {
        for s in &o.slots {
            if let Some(k) = s.key_ref {
                push(format!("{}:key", s.from), s.label_rect, k);
            }
            if let Cell::Ref(id) = s.value {
                push(s.from.clone(), s.cell, id);
            }
        }
    }
    arrows
}
