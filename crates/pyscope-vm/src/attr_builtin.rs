//! Attributes that built-in objects expose through C-level descriptors in CPython:
//! `__class__`, `__dict__`, a class's `__name__` and `__mro__`, a function's `__defaults__`,
//! an exception's `args`, `__slots__` values, and the like.

use crate::object::*;
use crate::vm::Vm;

impl Vm {
    /// A special attribute of `obj`, if `name` is one (a new reference).
    pub(crate) fn builtin_attr(&mut self, obj: ObjRef, name: ObjRef) -> PyResult<Option<ObjRef>> {
        let n = self.str_of(name).to_string();
        if !n.starts_with("__")
            && !matches!(
                self.kind(obj),
                Kind::Instance(_)
                    | Kind::Exception(_)
                    | Kind::Generator(_)
                    | Kind::Int(_)
                    | Kind::BigInt(_)
                    | Kind::Bool(_)
                    | Kind::Float(_)
                    | Kind::Complex(_)
                    | Kind::Slice(_)
                    | Kind::Range(_)
                    | Kind::Property(_)
                    | Kind::Cell(_)
            )
        {
            return Ok(None);
        }
        if n == "__class__" {
            let c = self.class_of(obj);
            return Ok(Some(self.share(c)));
        }
        let v = match self.kind(obj) {
            Kind::Type(_) => self.type_special(obj, &n)?,
            Kind::Function(_) => self.function_special(obj, &n),
            Kind::BoundMethod(f, s) => match n.as_str() {
                "__self__" => Some(*s),
                "__func__" => Some(*f),
                "__name__" | "__qualname__" | "__doc__" | "__module__" => {
                    let f = *f;
                    return Ok(Some(self.getattr(f, name)?));
                }
                _ => None,
            },
            Kind::Native(nat) => {
                let (nm, recv, owner) = (nat.name, nat.receiver, nat.owner);
                match n.as_str() {
                    "__name__" => return Ok(Some(self.new_str(nm))),
                    "__qualname__" => {
                        let q = if owner.is_null() {
                            nm.to_string()
                        } else {
                            format!("{}.{nm}", self.type_obj(owner).name)
                        };
                        return Ok(Some(self.new_string(q)));
                    }
                    "__self__" => Some(if recv.is_null() { self.none } else { recv }),
                    "__doc__" => Some(self.none),
                    "__module__" => {
                        return Ok(Some(if owner.is_null() {
                            self.new_str("builtins")
                        } else {
                            self.none()
                        }));
                    }
                    _ => None,
                }
            }
            Kind::Instance(_) => {
                let class = self.class_of(obj);
                if let Some(i) = self.slot_index(class, name) {
                    if let Kind::Instance(slots) = self.kind(obj) {
                        let v = slots[i];
                        if v.is_null() {
                            return Err(self.no_attribute(obj, name));
                        }
                        return Ok(Some(self.share(v)));
                    }
                }
                None
            }
            Kind::Exception(_) => return self.exception_special(obj, &n),
            Kind::Generator(g) => match n.as_str() {
                "__name__" => Some(g.name),
                "__qualname__" => Some(g.qualname),
                "gi_running" | "cr_running" | "ag_running" => {
                    return Ok(Some(self.bool_obj(g.running)));
                }
                "gi_frame" | "cr_frame" | "ag_frame" => Some(self.none),
                "gi_suspended" | "cr_suspended" => {
                    return Ok(Some(self.bool_obj(g.started && !g.finished && !g.running)));
                }
                _ => None,
            },
            Kind::Int(_) | Kind::BigInt(_) | Kind::Bool(_) => match n.as_str() {
                "real" | "numerator" => {
                    let v = crate::numbers::num_of(self, obj).expect("an int");
                    return Ok(Some(self.new_num(v)));
                }
                "imag" => return Ok(Some(self.new_int(0))),
                "denominator" => return Ok(Some(self.new_int(1))),
                _ => None,
            },
            Kind::Float(f) => match n.as_str() {
                "real" => {
                    let f = *f;
                    return Ok(Some(self.new_float(f)));
                }
                "imag" => return Ok(Some(self.new_float(0.0))),
                _ => None,
            },
            Kind::Complex(c) => match n.as_str() {
                "real" => {
                    let r = c.0;
                    return Ok(Some(self.new_float(r)));
                }
                "imag" => {
                    let i = c.1;
                    return Ok(Some(self.new_float(i)));
                }
                _ => None,
            },
            Kind::Slice(s) => match n.as_str() {
                "start" => Some(s[0]),
                "stop" => Some(s[1]),
                "step" => Some(s[2]),
                _ => None,
            },
            Kind::Range(r) => {
                let r = **r;
                match n.as_str() {
                    "start" => return Ok(Some(self.new_int(r.start))),
                    "stop" => return Ok(Some(self.new_int(r.stop))),
                    "step" => return Ok(Some(self.new_int(r.step))),
                    _ => None,
                }
            }
            Kind::Property(p) => match n.as_str() {
                "fget" => Some(p.fget),
                "fset" => Some(p.fset),
                "fdel" => Some(p.fdel),
                "__doc__" => Some(p.doc),
                _ => None,
            },
            Kind::ClassMethod(f) | Kind::StaticMethod(f) => match n.as_str() {
                "__func__" | "__wrapped__" => Some(*f),
                _ => None,
            },
            Kind::Cell(c) => match n.as_str() {
                "cell_contents" => {
                    if c.is_null() {
                        return Err(self.new_exc(self.e.value_error, "Cell is empty"));
                    }
                    Some(*c)
                }
                _ => None,
            },
            Kind::Module(_) if n == "__dict__" => Some(self.heap.get(obj).dict),
            _ => None,
        };
        let v = match v {
            Some(v) => Some(v),
            None if n == "__dict__" => {
                let class = self.class_of(obj);
                if !self.type_obj(class).has_dict && self.heap.get(obj).dict.is_null() {
                    None
                } else {
                    let mut d = self.heap.get(obj).dict;
                    if d.is_null() {
                        d = self.new_dict();
                        self.heap.get_mut(obj).dict = d;
                    }
                    Some(d)
                }
            }
            None => None,
        };
        Ok(v.map(|v| {
            if v.is_null() {
                self.none()
            } else {
                self.share(v)
            }
        }))
    }

    fn type_special(&mut self, cls: ObjRef, n: &str) -> PyResult<Option<ObjRef>> {
        let t = self.type_obj(cls).clone();
        Ok(match n {
            "__name__" => Some(self.new_str(&t.name)),
            "__qualname__" => Some(self.new_str(&t.qualname)),
            "__mro__" => {
                let items: Vec<ObjRef> = t.mro.iter().map(|c| self.share(*c)).collect();
                Some(self.new_tuple(items))
            }
            "__bases__" => {
                let items: Vec<ObjRef> = t.bases.iter().map(|c| self.share(*c)).collect();
                Some(self.new_tuple(items))
            }
            "__base__" => Some(match t.bases.first() {
                Some(b) => self.share(*b),
                None => self.none(),
            }),
            "__dict__" => Some(self.share(t.dict)),
            "__module__" => match self.dict_get_by_name(t.dict, "__module__") {
                Some(m) => Some(self.share(m)),
                None => Some(self.new_str(&t.module)),
            },
            "__doc__" => match self.dict_get_by_name(t.dict, "__doc__") {
                Some(d) => Some(self.share(d)),
                None => Some(self.none()),
            },
            "__subclasses__" => None,
            _ => None,
        })
    }

    fn function_special(&mut self, f: ObjRef, n: &str) -> Option<ObjRef> {
        let Kind::Function(func) = self.kind(f) else {
            return None;
        };
        let v = match n {
            "__name__" => func.name,
            "__qualname__" => func.qualname,
            "__doc__" => func.doc,
            "__defaults__" => func.defaults,
            "__kwdefaults__" => func.kwdefaults,
            "__closure__" => func.closure,
            "__globals__" => func.globals,
            "__module__" => func.module,
            "__annotations__" => {
                let a = func.annotations;
                if a.is_null() {
                    let d = self.new_dict();
                    if let Kind::Function(func) = &mut self.heap.get_mut(f).kind {
                        func.annotations = d;
                    }
                    return Some(self.share(d));
                }
                a
            }
            "__code__" => {
                let code = func.code.clone();
                return Some(self.alloc(self.t.code, Kind::Code(code)));
            }
            _ => return None,
        };
        Some(if v.is_null() { self.none } else { v })
    }

    fn exception_special(&mut self, e: ObjRef, n: &str) -> PyResult<Option<ObjRef>> {
        let x = self.exc_obj(e);
        let v = match n {
            "args" => x.args,
            "__cause__" => x.cause,
            "__context__" => x.context,
            "__suppress_context__" => return Ok(Some(self.bool_obj(x.suppress_context))),
            "__traceback__" => {
                return Ok(Some(if x.traceback.is_empty() {
                    self.none()
                } else {
                    self.alloc(self.t.traceback, Kind::None)
                }));
            }
            "__notes__" if !x.notes.is_empty() => {
                let notes = x.notes.clone();
                let items: Vec<ObjRef> = notes.iter().map(|s| self.new_str(s)).collect();
                return Ok(Some(self.new_list(items)));
            }
            "value" if self.isinstance_of(e, self.e.stop_iteration) => {
                return Ok(Some(self.stop_iteration_value(e)));
            }
            "code" if self.isinstance_of(e, self.e.system_exit) => {
                let args = x.args;
                let items = self.tuple_items(args).to_vec();
                return Ok(Some(match items.len() {
                    0 => self.none(),
                    1 => self.share(items[0]),
                    _ => self.share(args),
                }));
            }
            _ => return Ok(None),
        };
        Ok(Some(if v.is_null() {
            self.none()
        } else {
            self.share(v)
        }))
    }

    /// Sets a special attribute; returns whether `name` was one.
    pub(crate) fn set_builtin_attr(
        &mut self,
        obj: ObjRef,
        name: ObjRef,
        value: ObjRef,
    ) -> PyResult<bool> {
        let n = self.str_of(name).to_string();
        match self.kind(obj) {
            Kind::Function(_) => {
                let v = self.share(value);
                let Kind::Function(f) = &mut self.heap.get_mut(obj).kind else {
                    unreachable!("checked")
                };
                let slot = match n.as_str() {
                    "__name__" => &mut f.name,
                    "__qualname__" => &mut f.qualname,
                    "__doc__" => &mut f.doc,
                    "__defaults__" => &mut f.defaults,
                    "__kwdefaults__" => &mut f.kwdefaults,
                    "__module__" => &mut f.module,
                    "__annotations__" => &mut f.annotations,
                    _ => {
                        self.decref(v);
                        return Ok(false);
                    }
                };
                let old = std::mem::replace(slot, v);
                self.decref(old);
                Ok(true)
            }
            Kind::Exception(_) => {
                let v = self.share(value);
                let none = value == self.none;
                let x = self.exc_mut(obj);
                let old = match n.as_str() {
                    "__cause__" => {
                        x.suppress_context = true;
                        std::mem::replace(&mut x.cause, if none { ObjRef::NULL } else { v })
                    }
                    "__context__" => {
                        std::mem::replace(&mut x.context, if none { ObjRef::NULL } else { v })
                    }
                    "__suppress_context__" => {
                        let b = matches!(self.kind(value), Kind::Bool(true));
                        self.exc_mut(obj).suppress_context = b;
                        self.decref(v);
                        return Ok(true);
                    }
                    "args" => {
                        let items: Vec<ObjRef> = self.collect_iter(value)?;
                        self.decref(v);
                        let t = self.new_tuple(items);
                        let old = std::mem::replace(&mut self.exc_mut(obj).args, t);
                        self.decref(old);
                        return Ok(true);
                    }
                    _ => {
                        self.decref(v);
                        return Ok(false);
                    }
                };
                if none {
                    self.decref(v);
                }
                self.decref(old);
                Ok(true)
            }
            _ => Ok(false),
        }
    }
}
