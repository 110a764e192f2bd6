//! CPython 3.11's list capacity rules: `list_resize` over-allocation (with the big-jump and
//! shrink-below-half rules) and `list_preallocate_exact` for extending an empty list.

use crate::object::{Kind, ListObj, ObjRef};
use crate::vm::Vm;

/// The capacity `list_resize` picks when a list of `old` items becomes `new` items long, or
/// `None` when the current allocation is kept.
pub fn resized_capacity(allocated: usize, old: usize, new: usize) -> Option<usize> {
    if allocated >= new && new >= allocated >> 1 {
        return None;
    }
    if new == 0 {
        return Some(0);
    }
    let mut cap = (new + (new >> 3) + 6) & !3;
    if new - old.min(new) > cap - new {
        cap = (new + 3) & !3;
    }
    Some(cap)
}

impl ListObj {
    /// Applies `list_resize(newsize)` to the allocation (items are managed by the caller).
    pub fn resize_to(&mut self, newsize: usize) {
        if let Some(cap) = resized_capacity(self.allocated, self.items.len(), newsize) {
            self.allocated = cap;
        }
    }

    /// `_PyList_AppendTakeRef`.
    pub fn append(&mut self, v: ObjRef) {
        if self.allocated <= self.items.len() {
            let n = self.items.len();
            self.resize_to(n + 1);
        }
        self.items.push(v);
    }

    /// `list_preallocate_exact(n)`: round up to even.
    pub fn preallocate_exact(&mut self, n: usize) {
        self.allocated = (n + 1) & !1;
    }

    /// Makes room for `extra` more items as `list_extend` does for a list or tuple source.
    pub fn reserve_for_extend(&mut self, extra: usize) {
        if extra == 0 {
            return;
        }
        if self.allocated == 0 {
            self.preallocate_exact(extra);
        } else {
            let n = self.items.len();
            self.resize_to(n + extra);
        }
    }

    /// Shrinks after removing items (`list_resize` to the new length).
    pub fn after_shrink(&mut self) {
        let n = self.items.len();
        if let Some(cap) = resized_capacity(self.allocated, n + 1, n) {
            self.allocated = cap;
        }
    }
}

impl Vm {
    pub fn list_obj(&self, r: ObjRef) -> &ListObj {
        match self.kind(r) {
            Kind::List(l) => l,
            other => panic!("list_obj on {other:?}"),
        }
    }

    pub fn list_mut(&mut self, r: ObjRef) -> &mut ListObj {
        match &mut self.heap.get_mut(r).kind {
            Kind::List(l) => l,
            _ => panic!("list_mut on a non-list"),
        }
    }

    /// `list.append(v)`, taking ownership of `v`.
    pub fn list_append(&mut self, l: ObjRef, v: ObjRef) {
        self.list_mut(l).append(v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn append_growth_matches_cpython() {
        let mut l = ListObj {
            items: Vec::new(),
            allocated: 0,
        };
        let mut caps = Vec::new();
        for i in 0..17 {
            l.append(ObjRef(i + 1));
            caps.push(l.allocated);
        }
        assert_eq!(caps[0], 4);
        assert_eq!(caps[4], 8);
        assert_eq!(caps[8], 16);
        assert_eq!(caps[16], 24);
    }

    #[test]
    fn big_jumps_are_not_overallocated() {
        assert_eq!(resized_capacity(3, 3, 30), Some(32));
        assert_eq!(resized_capacity(0, 0, 1), Some(4));
    }
}
