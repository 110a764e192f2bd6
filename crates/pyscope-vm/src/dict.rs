//! CPython 3.11's compact dict table: an index table of 2**k slots beside a dense entries
//! array, with its probe sequence, dummy slots, usable counter and resize sizes, quirks
//! included. Key comparison is left to the caller (it may run Python code).

use crate::object::ObjRef;

pub const DKIX_EMPTY: i64 = -1;
pub const DKIX_DUMMY: i64 = -2;
const PERTURB_SHIFT: u32 = 5;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DictKind {
    General,
    /// Every key is an exact `str`: CPython stores no hash in the entries.
    Unicode,
}

/// One entry; a NULL key marks a deleted entry (a hole).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    pub hash: i64,
    pub key: ObjRef,
    pub value: ObjRef,
}

#[derive(Clone, Debug)]
pub struct DictObj {
    /// log2 of the index table size; 0 for the shared empty keys of `{}`.
    pub log2_size: u8,
    pub indices: Vec<i64>,
    pub entries: Vec<Entry>,
    /// `dk_usable`: insertions left before a resize.
    pub usable: i64,
    /// `ma_used`: live items.
    pub used: usize,
    pub kind: DictKind,
    /// The dict still points at CPython's static empty keys (`{}` before any insert).
    pub shared_empty: bool,
    /// Bumped on every change, so a lookup that ran Python code can notice a mutation.
    pub version: u64,
    /// Slots visited by the last lookup or insertion (for the trace).
    pub last_probe: Vec<u32>,
}

/// `USABLE_FRACTION(n)`.
pub fn usable_fraction(n: usize) -> usize {
    (n << 1) / 3
}

/// CPython 3.11's `calculate_log2_keysize`, including its over-sizing quirk for small and
/// power-of-two requests.
pub fn calculate_log2_keysize(minsize: usize) -> u8 {
    let m = (minsize | 8) - 1;
    let v = m | 7;
    (usize::BITS - v.leading_zeros()) as u8
}

/// `estimate_log2_keysize(n)`: the size to hold `n` items without resizing.
pub fn estimate_log2_keysize(n: usize) -> u8 {
    calculate_log2_keysize((n * 3).div_ceil(2))
}

/// Walks CPython's probe sequence for a hash: `i = hash & mask`, then repeatedly
/// `perturb >>= 5; i = (5*i + perturb + 1) & mask`.
#[derive(Clone, Copy, Debug)]
pub struct Probe {
    pub slot: usize,
    perturb: u64,
    mask: usize,
}

impl Probe {
    pub fn new(hash: i64, mask: usize) -> Probe {
        let h = hash as u64;
        Probe {
            slot: (h as usize) & mask,
            perturb: h,
            mask,
        }
    }

    pub fn advance(&mut self) {
        self.perturb >>= PERTURB_SHIFT;
        self.slot = (self
            .slot
            .wrapping_mul(5)
            .wrapping_add(self.perturb as usize)
            .wrapping_add(1))
            & self.mask;
    }
}

impl DictObj {
    /// `{}`: no table of its own yet.
    pub fn new() -> DictObj {
        DictObj {
            log2_size: 0,
            indices: vec![DKIX_EMPTY],
            entries: Vec::new(),
            usable: 0,
            used: 0,
            kind: DictKind::Unicode,
            shared_empty: true,
            version: 0,
            last_probe: Vec::new(),
        }
    }

    /// A fresh table of `2**log2` slots.
    pub fn with_log2(log2: u8, kind: DictKind) -> DictObj {
        let size = 1usize << log2;
        DictObj {
            log2_size: log2,
            indices: vec![DKIX_EMPTY; size],
            entries: Vec::with_capacity(usable_fraction(size)),
            usable: usable_fraction(size) as i64,
            used: 0,
            kind,
            shared_empty: false,
            version: 0,
            last_probe: Vec::new(),
        }
    }

    /// `dict_new_presized(n)`: small requests share the empty keys.
    pub fn presized(n: usize, unicode: bool) -> DictObj {
        if n <= usable_fraction(8) {
            return DictObj::new();
        }
        let kind = if unicode {
            DictKind::Unicode
        } else {
            DictKind::General
        };
        DictObj::with_log2(estimate_log2_keysize(n), kind)
    }

    pub fn mask(&self) -> usize {
        self.indices.len() - 1
    }

    pub fn size(&self) -> usize {
        self.indices.len()
    }

    /// Bytes per index (1, 2, 4 or 8), from the table size.
    pub fn index_width(&self) -> usize {
        match self.log2_size {
            0..=7 => 1,
            8..=15 => 2,
            16..=31 => 4,
            _ => 8,
        }
    }

    pub fn children(&self, out: &mut Vec<ObjRef>) {
        for e in &self.entries {
            if !e.key.is_null() {
                out.push(e.key);
                out.push(e.value);
            }
        }
    }

    /// Live entries in iteration order.
    pub fn iter(&self) -> impl Iterator<Item = &Entry> + '_ {
        self.entries.iter().filter(|e| !e.key.is_null())
    }

    /// Looks `key` up: `Ok(Some((slot, ix)))` when found, `Ok(None)` when absent. `eq` decides
    /// equality of a stored key with equal hash that is not the same object.
    pub fn lookup<E>(
        &self,
        hash: i64,
        key: ObjRef,
        mut eq: impl FnMut(ObjRef) -> Result<bool, E>,
    ) -> Result<Option<(usize, usize)>, E> {
        if self.shared_empty {
            return Ok(None);
        }
        let mut p = Probe::new(hash, self.mask());
        loop {
            let ix = self.indices[p.slot];
            if ix == DKIX_EMPTY {
                return Ok(None);
            }
            if ix >= 0 {
                let e = &self.entries[ix as usize];
                if e.key == key || (e.hash == hash && eq(e.key)?) {
                    return Ok(Some((p.slot, ix as usize)));
                }
            }
            p.advance();
        }
    }

    /// The slots a lookup of `hash` visits until it finds `key` or an empty slot.
    pub fn probe_path<E>(
        &self,
        hash: i64,
        key: ObjRef,
        mut eq: impl FnMut(ObjRef) -> Result<bool, E>,
    ) -> Result<Vec<u32>, E> {
        let mut out = Vec::new();
        if self.shared_empty {
            return Ok(vec![0]);
        }
        let mut p = Probe::new(hash, self.mask());
        for _ in 0..=self.size() * 2 {
            out.push(p.slot as u32);
            let ix = self.indices[p.slot];
            if ix == DKIX_EMPTY {
                break;
            }
            if ix >= 0 {
                let e = &self.entries[ix as usize];
                if e.key == key || (e.hash == hash && eq(e.key)?) {
                    break;
                }
            }
            p.advance();
        }
        Ok(out)
    }

    /// The first EMPTY or DUMMY slot on the probe path (`find_empty_slot`).
    pub fn find_empty_slot(&self, hash: i64) -> usize {
        let mut p = Probe::new(hash, self.mask());
        while self.indices[p.slot] >= 0 {
            p.advance();
        }
        p.slot
    }

    /// The first EMPTY slot on the probe path (building indices after a resize).
    fn find_unused_slot(&self, hash: i64) -> usize {
        let mut p = Probe::new(hash, self.mask());
        while self.indices[p.slot] != DKIX_EMPTY {
            p.advance();
        }
        p.slot
    }

    /// The slot that holds entry index `ix` (`lookdict_index`).
    pub fn slot_of_index(&self, hash: i64, ix: usize) -> Option<usize> {
        let mut p = Probe::new(hash, self.mask());
        for _ in 0..=self.size() {
            let v = self.indices[p.slot];
            if v == ix as i64 {
                return Some(p.slot);
            }
            if v == DKIX_EMPTY {
                return None;
            }
            p.advance();
        }
        None
    }

    /// Appends a new entry for a key known to be absent (the table must have room).
    pub fn insert_new(&mut self, hash: i64, key: ObjRef, value: ObjRef) {
        let slot = self.find_empty_slot(hash);
        self.record_probe_to(hash, slot);
        self.indices[slot] = self.entries.len() as i64;
        self.entries.push(Entry { hash, key, value });
        self.used += 1;
        self.usable -= 1;
        self.version += 1;
    }

    /// Records the probe path from the hash's home slot to `target` (for the trace).
    pub fn record_probe_to(&mut self, hash: i64, target: usize) {
        self.last_probe.clear();
        let mut p = Probe::new(hash, self.mask());
        for _ in 0..=self.size() {
            self.last_probe.push(p.slot as u32);
            if p.slot == target {
                break;
            }
            p.advance();
        }
    }

    /// `insert_to_emptydict`: the first insertion into `{}` makes an 8-slot table.
    pub fn insert_into_empty(&mut self, hash: i64, key: ObjRef, value: ObjRef, key_is_str: bool) {
        let kind = if key_is_str {
            DictKind::Unicode
        } else {
            DictKind::General
        };
        *self = DictObj {
            version: self.version + 1,
            ..DictObj::with_log2(3, kind)
        };
        self.insert_new(hash, key, value);
    }

    /// `dictresize`: a new table of `2**log2` slots; live entries copied compactly in order.
    pub fn resize(&mut self, log2: u8, unicode: bool) {
        let kind = if unicode && self.kind == DictKind::Unicode {
            DictKind::Unicode
        } else {
            DictKind::General
        };
        let live: Vec<Entry> = self.iter().copied().collect();
        let mut fresh = DictObj::with_log2(log2, kind);
        for e in &live {
            let slot = fresh.find_unused_slot(e.hash);
            fresh.indices[slot] = fresh.entries.len() as i64;
            fresh.entries.push(*e);
        }
        fresh.used = live.len();
        fresh.usable = usable_fraction(fresh.size()) as i64 - live.len() as i64;
        fresh.version = self.version + 1;
        *self = fresh;
    }

    /// `insertion_resize`: grow (or convert) before inserting into a full table.
    pub fn insertion_resize(&mut self, unicode: bool) {
        let log2 = calculate_log2_keysize(self.used * 3);
        self.resize(log2, unicode);
    }

    /// Deletes the entry at index `ix`, whose slot is `slot`: the slot becomes DUMMY and the
    /// entry a hole. Returns the old key and value (owned by the caller now).
    pub fn delete_at(&mut self, slot: usize, ix: usize) -> (ObjRef, ObjRef) {
        self.indices[slot] = DKIX_DUMMY;
        let e = &mut self.entries[ix];
        let old = (e.key, e.value);
        *e = Entry {
            hash: 0,
            key: ObjRef::NULL,
            value: ObjRef::NULL,
        };
        self.used -= 1;
        self.version += 1;
        old
    }

    /// `dict.popitem()`: removes the last live entry; trailing holes are dropped too.
    pub fn pop_last(&mut self) -> Option<Entry> {
        let ix = self.entries.iter().rposition(|e| !e.key.is_null())?;
        let e = self.entries[ix];
        if let Some(slot) = self.slot_of_index(e.hash, ix) {
            self.indices[slot] = DKIX_DUMMY;
        }
        self.entries.truncate(ix);
        self.used -= 1;
        self.version += 1;
        Some(e)
    }

    /// Replaces the table with `{}`'s shared empty keys; returns the entries it held.
    pub fn clear(&mut self) -> Vec<Entry> {
        let old = std::mem::take(&mut self.entries);
        let version = self.version + 1;
        *self = DictObj::new();
        self.version = version;
        old.into_iter().filter(|e| !e.key.is_null()).collect()
    }

    /// `sys.getsizeof` of the dict.
    pub fn sizeof(&self) -> usize {
        if self.shared_empty {
            return 64;
        }
        let entry = if self.kind == DictKind::Unicode {
            16
        } else {
            24
        };
        let index_bytes = self.size() * self.index_width();
        16 + 48 + 32 + index_bytes + usable_fraction(self.size()) * entry
    }

    /// Whether `dict_merge` may copy this table wholesale into an empty dict.
    pub fn clonable_for_merge(&self) -> bool {
        !self.shared_empty
            && self.used == self.entries.len()
            && (self.log2_size == 3 || usable_fraction(self.size() / 2) < self.used)
    }

    /// The `kind` name `pyscope.dict_table` reports.
    pub fn kind_name(&self) -> &'static str {
        match self.kind {
            DictKind::Unicode => "unicode",
            DictKind::General => "general",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keysize_has_the_311_quirk() {
        assert_eq!(calculate_log2_keysize(0), 3);
        assert_eq!(calculate_log2_keysize(3), 4);
        assert_eq!(calculate_log2_keysize(8), 3);
        assert_eq!(calculate_log2_keysize(15), 4);
        assert_eq!(calculate_log2_keysize(16), 5);
        assert_eq!(calculate_log2_keysize(32), 6);
        assert_eq!(estimate_log2_keysize(6), 4);
        assert_eq!(estimate_log2_keysize(11), 5);
    }

    #[test]
    fn probe_sequence_shifts_before_adding() {
        let mut p = Probe::new(0, 7);
        let mut seen = vec![p.slot];
        for _ in 0..7 {
            p.advance();
            seen.push(p.slot);
        }
        assert_eq!(seen, vec![0, 1, 6, 7, 4, 5, 2, 3]);
    }

    #[test]
    fn sizes_match_cpython() {
        assert_eq!(DictObj::new().sizeof(), 64);
        assert_eq!(DictObj::with_log2(3, DictKind::Unicode).sizeof(), 184);
        assert_eq!(DictObj::with_log2(3, DictKind::General).sizeof(), 224);
        assert_eq!(DictObj::with_log2(4, DictKind::Unicode).sizeof(), 272);
        assert_eq!(DictObj::with_log2(9, DictKind::General).sizeof(), 9304);
    }
}
