//! Differences between two states, so the UI can highlight and animate what a step changed.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::{ObjectId, State};

/// What changed from one state to another.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateDiff {
    /// Objects present only in the later state.
    pub created: Vec<ObjectId>,
    /// Objects present in both whose contents changed.
    pub changed: Vec<ObjectId>,
    /// Objects present only in the earlier state (freed or no longer reachable).
    pub freed: Vec<ObjectId>,
    /// Variables bound to a different object (or newly bound or unbound): (frame id, name).
    pub rebound: Vec<(u64, String)>,
}

/// Compares two states of the same run.
pub fn diff(before: &State, after: &State) -> StateDiff {
    let a: BTreeMap<ObjectId, _> = before.heap.iter().map(|o| (o.id, o)).collect();
    let b: BTreeMap<ObjectId, _> = after.heap.iter().map(|o| (o.id, o)).collect();
    let mut out = StateDiff::default();
    for (id, obj) in &b {
        match a.get(id) {
            None => out.created.push(*id),
            Some(old) if old.value != obj.value => out.changed.push(*id),
            _ => {}
        }
    }
    out.freed = a.keys().filter(|id| !b.contains_key(id)).copied().collect();
    let frames_before: BTreeMap<u64, _> = before.frames.iter().map(|f| (f.id, f)).collect();
    for f in &after.frames {
        let old: BTreeMap<&str, Option<ObjectId>> = frames_before
            .get(&f.id)
            .map(|o| {
                o.locals
                    .iter()
                    .map(|b| (b.name.as_str(), b.value))
                    .collect()
            })
            .unwrap_or_default();
        let mut seen = BTreeSet::new();
        for binding in &f.locals {
            seen.insert(binding.name.as_str());
            if old.get(binding.name.as_str()).copied().flatten() != binding.value {
                out.rebound.push((f.id, binding.name.clone()));
            }
        }
        for (name, value) in &old {
            if value.is_some() && !seen.contains(name) {
                out.rebound.push((f.id, name.to_string()));
            }
        }
    }
    out
}
