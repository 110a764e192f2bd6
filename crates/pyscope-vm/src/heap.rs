//! The heap: an arena of objects with true reference counts, stable ids and CPython-like
//! addresses (freed slots are reused last-in first-out, so `id()` values recur as in CPython).

use crate::object::{Kind, ObjRef, Object};

/// A heap slot: the reference count, a generation that changes when the slot is reused, and
/// the object.
#[derive(Clone, Debug)]
pub struct Slot {
    pub rc: u32,
    pub genr: u32,
    pub obj: Object,
}

#[derive(Clone, Debug)]
pub struct Heap {
    pub slots: Vec<Slot>,
    free: Vec<u32>,
    pub live: usize,
    /// Objects whose count reached zero and whose class defines `__del__`: the VM finalizes
    /// them, then frees them.
    pub pending_finalize: Vec<ObjRef>,
    /// A reusable work list for iterative freeing.
    scratch: Vec<ObjRef>,
}

/// The address `id()` reports for a slot.
pub fn address_of(r: ObjRef) -> u64 {
    0x7f3c_4000_0000 + u64::from(r.0) * 0x40
}

impl Heap {
    pub fn new() -> Heap {
        let null = Slot {
            rc: u32::MAX / 2,
            genr: 0,
            obj: Object {
                class: ObjRef::NULL,
                dict: ObjRef::NULL,
                kind: Kind::Free,
            },
        };
        Heap {
            slots: vec![null],
            free: Vec::new(),
            live: 0,
            pending_finalize: Vec::new(),
            scratch: Vec::new(),
        }
    }

    /// Stores a new object with a reference count of one.
    #[inline]
    pub fn alloc(&mut self, obj: Object) -> ObjRef {
        self.live += 1;
        match self.free.pop() {
            Some(i) => {
                let slot = &mut self.slots[i as usize];
                slot.rc = 1;
                slot.obj = obj;
                ObjRef(i)
            }
            None => {
                self.slots.push(Slot {
                    rc: 1,
                    genr: 0,
                    obj,
                });
                ObjRef(self.slots.len() as u32 - 1)
            }
        }
    }

    #[inline]
    pub fn get(&self, r: ObjRef) -> &Object {
        &self.slots[r.0 as usize].obj
    }

    #[inline]
    pub fn get_mut(&mut self, r: ObjRef) -> &mut Object {
        &mut self.slots[r.0 as usize].obj
    }

    #[inline]
    pub fn kind(&self, r: ObjRef) -> &Kind {
        &self.slots[r.0 as usize].obj.kind
    }

    #[inline]
    pub fn class_of(&self, r: ObjRef) -> ObjRef {
        self.slots[r.0 as usize].obj.class
    }

    #[inline]
    pub fn refcount(&self, r: ObjRef) -> u32 {
        self.slots[r.0 as usize].rc
    }

    /// The trace id of a live object: never reused within a run.
    pub fn trace_id(&self, r: ObjRef) -> u64 {
        (u64::from(self.slots[r.0 as usize].genr) << 32) | u64::from(r.0)
    }

    pub fn is_live(&self, r: ObjRef) -> bool {
        !r.is_null()
            && (r.0 as usize) < self.slots.len()
            && !matches!(self.slots[r.0 as usize].obj.kind, Kind::Free)
    }

    #[inline]
    pub fn incref(&mut self, r: ObjRef) {
        if !r.is_null() {
            self.slots[r.0 as usize].rc += 1;
        }
    }

    /// Whether instances of `class` need `__del__` called before they are freed.
    fn has_finalizer(&self, class: ObjRef) -> bool {
        match &self.slots[class.0 as usize].obj.kind {
            Kind::Type(t) => t.has_finalizer,
            _ => false,
        }
    }

    /// Drops one reference; frees the object (and, iteratively, what only it held) at zero.
    #[inline]
    pub fn decref(&mut self, r: ObjRef) {
        if r.is_null() {
            return;
        }
        let slot = &mut self.slots[r.0 as usize];
        slot.rc -= 1;
        if slot.rc == 0 {
            self.release(r);
        }
    }

    fn release(&mut self, first: ObjRef) {
        let mut work = std::mem::take(&mut self.scratch);
        work.push(first);
        while let Some(r) = work.pop() {
            if self.has_finalizer(self.slots[r.0 as usize].obj.class) {
                self.pending_finalize.push(r);
                continue;
            }
            self.free_slot(r, &mut work);
            // Children whose count reaches zero are queued by `free_slot`.
        }
        self.scratch = work;
    }

    /// Frees a slot whose count is zero and queues children that become unreferenced.
    pub fn free_slot(&mut self, r: ObjRef, work: &mut Vec<ObjRef>) {
        let slot = &mut self.slots[r.0 as usize];
        let obj = std::mem::replace(
            &mut slot.obj,
            Object {
                class: ObjRef::NULL,
                dict: ObjRef::NULL,
                kind: Kind::Free,
            },
        );
        slot.genr = slot.genr.wrapping_add(1);
        self.live -= 1;
        self.free.push(r.0);
        let mut children = Vec::new();
        obj.kind.children(&mut children);
        children.push(obj.class);
        children.push(obj.dict);
        for c in children {
            if c.is_null() {
                continue;
            }
            let s = &mut self.slots[c.0 as usize];
            s.rc -= 1;
            if s.rc == 0 {
                work.push(c);
            }
        }
    }

    /// Frees an object that was waiting for finalization (its count is zero again).
    pub fn free_finalized(&mut self, r: ObjRef) {
        let mut work = Vec::new();
        self.free_slot(r, &mut work);
        while let Some(c) = work.pop() {
            if self.has_finalizer(self.slots[c.0 as usize].obj.class) {
                self.pending_finalize.push(c);
            } else {
                self.free_slot(c, &mut work);
            }
        }
    }

    /// Number of slots, free or not (an upper bound for object indices).
    pub fn capacity(&self) -> usize {
        self.slots.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(kind: Kind) -> Object {
        Object {
            class: ObjRef::NULL,
            dict: ObjRef::NULL,
            kind,
        }
    }

    #[test]
    fn freeing_reuses_the_last_freed_slot_and_bumps_the_generation() {
        let mut h = Heap::new();
        let a = h.alloc(plain(Kind::Int(1)));
        let id_before = h.trace_id(a);
        h.decref(a);
        assert_eq!(h.live, 0);
        let b = h.alloc(plain(Kind::Int(2)));
        assert_eq!(a, b, "the slot is reused, like CPython's free lists");
        assert_ne!(id_before, h.trace_id(b), "trace ids are never reused");
    }

    #[test]
    fn freeing_a_container_releases_its_children() {
        let mut h = Heap::new();
        let x = h.alloc(plain(Kind::Int(7)));
        // The tuple takes over the reference `alloc` returned for `x`.
        let t = h.alloc(plain(Kind::Tuple(vec![x].into_boxed_slice())));
        assert_eq!(h.refcount(x), 1, "only the tuple holds it");
        assert!(h.is_live(x));
        h.decref(t);
        assert!(!h.is_live(x));
        assert!(!h.is_live(t));
    }
}
