//! Reference-count audits for tests and debugging: counts the references every live object
//! receives from other objects, frames and the VM's own roots, and reports objects whose
//! stored count is lower (they would be freed while still referenced).

use crate::object::*;
use crate::vm::Vm;

impl Vm {
    /// References the VM itself owns (types, caches, modules, frames, loaded code).
    fn root_refs(&self) -> Vec<ObjRef> {
        let mut out = Vec::new();
        out.extend(self.t.all());
        out.extend(self.e.all());
        out.extend(self.n.all());
        out.extend([
            self.none,
            self.true_,
            self.false_,
            self.not_implemented,
            self.ellipsis,
            self.empty_tuple,
            self.empty_str,
            self.empty_bytes,
            self.builtins,
            self.builtins_dict,
            self.sys,
            self.sys_modules,
            self.exc_info,
            self.stop_value,
            self.stdout_obj,
            self.stderr_obj,
        ]);
        out.extend(self.small_ints.iter().copied());
        out.extend(self.latin1.iter().copied());
        out.extend(self.bytes1.iter().copied());
        out.extend(self.interned.values().copied());
        for f in &self.frames {
            f.children(&mut out);
        }
        for c in &self.codes {
            out.extend(c.consts.iter().copied());
            out.extend(c.names.iter().copied());
        }
        out
    }

    /// Objects whose reference count is below the references found to them, as
    /// `(object, stored count, references found)`. Empty when the heap is consistent.
    pub fn audit_refcounts(&self) -> Vec<(ObjRef, u32, u32)> {
        let n = self.heap.slots.len();
        let mut found = vec![0u32; n];
        let mut refs = self.root_refs();
        for (i, slot) in self.heap.slots.iter().enumerate().skip(1) {
            if matches!(slot.obj.kind, Kind::Free) {
                continue;
            }
            let _ = i;
            slot.obj.kind.children(&mut refs);
            refs.push(slot.obj.class);
            refs.push(slot.obj.dict);
        }
        for r in refs {
            if !r.is_null() && (r.0 as usize) < n {
                found[r.0 as usize] += 1;
            }
        }
        let mut out = Vec::new();
        for (i, slot) in self.heap.slots.iter().enumerate().skip(1) {
            if matches!(slot.obj.kind, Kind::Free) {
                continue;
            }
            if found[i] > slot.rc {
                out.push((ObjRef(i as u32), slot.rc, found[i]));
            }
        }
        out
    }

    /// A readable line per audit problem (type and, for classes and functions, the name).
    pub fn describe_audit(&self) -> Vec<String> {
        self.audit_refcounts()
            .into_iter()
            .map(|(r, rc, found)| {
                let what = match self.kind(r) {
                    Kind::Type(t) => format!("class {}", t.name),
                    Kind::Str(s) => format!("str {:?}", s.s),
                    _ => self.type_name(r),
                };
                format!("#{} {what}: count {rc}, referenced {found} times", r.0)
            })
            .collect()
    }
}

#[cfg(debug_assertions)]
thread_local! {
    static AUDIT: bool = std::env::var_os("PYSCOPE_AUDIT").is_some();
    static OPS: bool = std::env::var_os("PYSCOPE_OPS").is_some();
}

impl Vm {
    /// With `PYSCOPE_AUDIT` set (debug builds), audits the heap before every instruction
    /// and reports the first inconsistency with the instruction that follows it.
    #[cfg(debug_assertions)]
    pub(crate) fn debug_audit(&self) {
        if OPS.with(|o| *o) {
            if let Some(f) = self.frames.last() {
                let ins = f.code.code.instrs[f.lasti as usize];
                eprintln!(
                    "[{}] {} {}:{} {:?} {} stack={:?}",
                    self.steps,
                    self.frames.len(),
                    f.code.code.qualname,
                    f.lasti,
                    ins.op,
                    ins.arg,
                    f.stack
                );
            }
        }
        if !AUDIT.with(|a| *a) {
            return;
        }
        let problems = self.describe_audit();
        if !problems.is_empty() {
            let f = self.frames.last();
            let at = f.map(|f| {
                format!(
                    "{} line {} instr {} {:?}",
                    f.code.code.qualname,
                    f.line(),
                    f.lasti,
                    f.code.code.instrs[f.lasti as usize].op
                )
            });
            panic!(
                "refcount audit at step {} ({:?}): {:?}",
                self.steps, at, problems
            );
        }
    }
}
