//! CPython 3.11's set table: open addressing with runs of up to nine linear probes, dummies
//! that count toward the fill, reuse of the last dummy seen, and the resize rule
//! `fill*5 >= mask*3`. Key comparison is left to the caller.

use crate::object::ObjRef;

const LINEAR_PROBES: usize = 9;
const PERTURB_SHIFT: u32 = 5;
pub const SET_MINSIZE: usize = 8;

/// One slot: empty (`key` NULL, hash 0), dummy (`key` NULL, hash -1) or active.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SetEntry {
    pub hash: i64,
    pub key: ObjRef,
}

impl SetEntry {
    pub const EMPTY: SetEntry = SetEntry {
        hash: 0,
        key: ObjRef::NULL,
    };
    pub const DUMMY: SetEntry = SetEntry {
        hash: -1,
        key: ObjRef::NULL,
    };

    pub fn is_empty(&self) -> bool {
        self.key.is_null() && self.hash == 0
    }

    pub fn is_dummy(&self) -> bool {
        self.key.is_null() && self.hash == -1
    }

    pub fn is_active(&self) -> bool {
        !self.key.is_null()
    }
}

#[derive(Clone, Debug)]
pub struct SetObj {
    pub table: Vec<SetEntry>,
    /// Active plus dummy slots.
    pub fill: usize,
    /// Active slots.
    pub used: usize,
    /// Where `pop()` resumes scanning.
    pub finger: usize,
    /// Cached frozenset hash (-1: not computed).
    pub hash: i64,
    pub version: u64,
    /// Slots visited by the last lookup or insertion (for the trace).
    pub last_probe: Vec<u32>,
}

/// Visits the slots of CPython's set probe sequence: the home slot, up to nine linear
/// neighbours when they fit without wrapping, then a perturbed jump.
fn probe_slots(hash: i64, mask: usize, mut visit: impl FnMut(usize) -> bool) {
    let mut perturb = hash as u64;
    let mut i = (hash as u64 as usize) & mask;
    loop {
        let probes = if i + LINEAR_PROBES <= mask {
            LINEAR_PROBES
        } else {
            0
        };
        for j in 0..=probes {
            if !visit(i + j) {
                return;
            }
        }
        perturb >>= PERTURB_SHIFT;
        i = (i
            .wrapping_mul(5)
            .wrapping_add(1)
            .wrapping_add(perturb as usize))
            & mask;
    }
}

/// What an insertion did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Added {
    /// An equal key was already present.
    Present,
    /// The key was stored.
    Inserted,
}

impl SetObj {
    pub fn new() -> SetObj {
        SetObj {
            table: vec![SetEntry::EMPTY; SET_MINSIZE],
            fill: 0,
            used: 0,
            finger: 0,
            hash: -1,
            version: 0,
            last_probe: Vec::new(),
        }
    }

    pub fn mask(&self) -> usize {
        self.table.len() - 1
    }

    pub fn children(&self, out: &mut Vec<ObjRef>) {
        out.extend(self.table.iter().filter(|e| e.is_active()).map(|e| e.key));
    }

    /// Active keys in slot order (iteration order).
    pub fn keys(&self) -> impl Iterator<Item = ObjRef> + '_ {
        self.table.iter().filter(|e| e.is_active()).map(|e| e.key)
    }

    /// Finds `key`: the slot index if present.
    pub fn lookup<E>(
        &self,
        hash: i64,
        key: ObjRef,
        mut eq: impl FnMut(ObjRef) -> Result<bool, E>,
    ) -> Result<Option<usize>, E> {
        let mask = self.mask();
        let mut result = Ok(None);
        probe_slots(hash, mask, |i| {
            let e = self.table[i];
            if e.is_empty() {
                return false;
            }
            if e.is_active() && e.hash == hash {
                if e.key == key {
                    result = Ok(Some(i));
                    return false;
                }
                match eq(e.key) {
                    Ok(true) => {
                        result = Ok(Some(i));
                        return false;
                    }
                    Ok(false) => {}
                    Err(err) => {
                        result = Err(err);
                        return false;
                    }
                }
            }
            true
        });
        result
    }

    /// The slots a lookup visits (for `pyscope.probe` and the trace).
    pub fn probe_path<E>(
        &self,
        hash: i64,
        key: ObjRef,
        mut eq: impl FnMut(ObjRef) -> Result<bool, E>,
    ) -> Result<Vec<u32>, E> {
        let mut out = Vec::new();
        let mut err = None;
        probe_slots(hash, self.mask(), |i| {
            out.push(i as u32);
            let e = self.table[i];
            if e.is_empty() {
                return false;
            }
            if e.is_active() && e.hash == hash {
                if e.key == key {
                    return false;
                }
                match eq(e.key) {
                    Ok(true) => return false,
                    Ok(false) => {}
                    Err(x) => {
                        err = Some(x);
                        return false;
                    }
                }
            }
            out.len() < self.table.len() * 4
        });
        match err {
            Some(e) => Err(e),
            None => Ok(out),
        }
    }

    /// `set_add_entry`: adds `key` unless an equal key is present; reuses the last dummy seen.
    pub fn add<E>(
        &mut self,
        hash: i64,
        key: ObjRef,
        mut eq: impl FnMut(ObjRef) -> Result<bool, E>,
    ) -> Result<Added, E> {
        let mask = self.mask();
        let mut freeslot: Option<usize> = None;
        let mut unused: Option<usize> = None;
        let mut present = false;
        let mut err = None;
        let mut path = Vec::new();
        probe_slots(hash, mask, |i| {
            path.push(i as u32);
            let e = self.table[i];
            if e.is_empty() {
                unused = Some(i);
                return false;
            }
            if e.is_active() && e.hash == hash {
                if e.key == key {
                    present = true;
                    return false;
                }
                match eq(e.key) {
                    Ok(true) => {
                        present = true;
                        return false;
                    }
                    Ok(false) => {}
                    Err(x) => {
                        err = Some(x);
                        return false;
                    }
                }
            } else if e.is_dummy() {
                freeslot = Some(i);
            }
            true
        });
        if let Some(e) = err {
            return Err(e);
        }
        self.last_probe = path;
        if present {
            return Ok(Added::Present);
        }
        self.version += 1;
        if let Some(f) = freeslot {
            self.table[f] = SetEntry { hash, key };
            self.used += 1;
            return Ok(Added::Inserted);
        }
        let slot = unused.expect("the probe ends at an unused slot");
        self.table[slot] = SetEntry { hash, key };
        self.fill += 1;
        self.used += 1;
        if self.fill * 5 >= mask * 3 {
            let minused = if self.used > 50000 {
                self.used * 2
            } else {
                self.used * 4
            };
            self.resize(minused);
        }
        Ok(Added::Inserted)
    }

    /// Stores a key known to be absent at the first empty slot of its path.
    fn insert_clean(table: &mut [SetEntry], hash: i64, key: ObjRef) {
        let mask = table.len() - 1;
        let mut slot = 0;
        probe_slots(hash, mask, |i| {
            if table[i].key.is_null() {
                slot = i;
                return false;
            }
            true
        });
        table[slot] = SetEntry { hash, key };
    }

    /// `set_table_resize`: the smallest power of two above `minused` (at least 8); active
    /// entries re-inserted in slot order, dummies dropped.
    pub fn resize(&mut self, minused: usize) {
        let mut newsize = SET_MINSIZE;
        while newsize <= minused {
            newsize <<= 1;
        }
        let old = std::mem::replace(&mut self.table, vec![SetEntry::EMPTY; newsize]);
        for e in old.iter().filter(|e| e.is_active()) {
            Self::insert_clean(&mut self.table, e.hash, e.key);
        }
        self.fill = self.used;
        self.version += 1;
    }

    /// Turns the slot into a dummy; returns the key (owned by the caller now).
    pub fn remove_at(&mut self, slot: usize) -> ObjRef {
        let key = self.table[slot].key;
        self.table[slot] = SetEntry::DUMMY;
        self.used -= 1;
        self.version += 1;
        key
    }

    /// `set.pop()`: scans from the finger to the first active slot.
    pub fn pop(&mut self) -> Option<ObjRef> {
        if self.used == 0 {
            return None;
        }
        let mask = self.mask();
        let mut i = self.finger & mask;
        while !self.table[i].is_active() {
            i = (i + 1) & mask;
        }
        let key = self.remove_at(i);
        self.finger = i + 1;
        Some(key)
    }

    /// `set.clear()`: back to the empty 8-slot table (the finger is kept).
    pub fn clear(&mut self) -> Vec<ObjRef> {
        let keys: Vec<ObjRef> = self.keys().collect();
        self.table = vec![SetEntry::EMPTY; SET_MINSIZE];
        self.fill = 0;
        self.used = 0;
        self.version += 1;
        keys
    }

    /// `set_merge` from another set's table, for keys known to be unique in `other` (the
    /// caller adds references for the copied keys).
    pub fn merge_from<E>(
        &mut self,
        other: &SetObj,
        mut eq: impl FnMut(ObjRef, ObjRef) -> Result<bool, E>,
    ) -> Result<(), E> {
        if other.used == 0 {
            return Ok(());
        }
        if (self.fill + other.used) * 5 >= self.mask() * 3 {
            self.resize((self.used + other.used) * 2);
        }
        if self.fill == 0 && self.mask() == other.mask() && other.fill == other.used {
            for (i, e) in other.table.iter().enumerate() {
                if e.is_active() {
                    self.table[i] = *e;
                }
            }
            self.fill = other.fill;
            self.used = other.used;
            self.version += 1;
            return Ok(());
        }
        if self.fill == 0 {
            for e in other.table.iter().filter(|e| e.is_active()) {
                Self::insert_clean(&mut self.table, e.hash, e.key);
            }
            self.fill = other.used;
            self.used = other.used;
            self.version += 1;
            return Ok(());
        }
        for e in other.table.iter().filter(|e| e.is_active()) {
            let key = e.key;
            self.add(e.hash, key, |k| eq(k, key))?;
        }
        Ok(())
    }

    /// `sys.getsizeof` of the set.
    pub fn sizeof(&self) -> usize {
        if self.table.len() > SET_MINSIZE {
            216 + 16 * self.table.len()
        } else {
            216
        }
    }

    /// The frozenset hash: shuffled entry hashes XORed together (empty and dummy slots cancel
    /// out in CPython's loop, so only active entries count), then mixed with the size.
    pub fn frozen_hash(&self) -> i64 {
        let shuffle = |h: u64| ((h ^ 89869747) ^ (h << 16)).wrapping_mul(3644798167);
        let mut hash: u64 = 0;
        for e in self.table.iter().filter(|e| e.is_active()) {
            hash ^= shuffle(e.hash as u64);
        }
        hash ^= (self.used as u64 + 1).wrapping_mul(1927868237);
        hash ^= (hash >> 11) ^ (hash >> 25);
        hash = hash.wrapping_mul(69069).wrapping_add(907133923);
        let h = hash as i64;
        if h == -1 { 590923713 } else { h }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn add(s: &mut SetObj, k: u32) {
        s.add(i64::from(k), ObjRef(k), |_| Ok::<bool, ()>(false))
            .unwrap();
    }

    #[test]
    fn grows_from_8_to_32_on_the_fifth_add() {
        let mut s = SetObj::new();
        for k in 1..=4 {
            add(&mut s, k);
        }
        assert_eq!(s.table.len(), 8);
        add(&mut s, 5);
        assert_eq!(s.table.len(), 32);
        assert_eq!(s.sizeof(), 728);
    }

    #[test]
    fn dummies_are_reused_and_keep_fill() {
        let mut s = SetObj::new();
        add(&mut s, 1);
        let slot = s
            .lookup(1, ObjRef(1), |_| Ok::<bool, ()>(false))
            .unwrap()
            .unwrap();
        s.remove_at(slot);
        assert_eq!((s.fill, s.used), (1, 0));
        add(&mut s, 9);
        assert_eq!((s.fill, s.used), (1, 1), "9 lands on 1's dummy slot");
    }
}
