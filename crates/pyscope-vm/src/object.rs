//! The object model: every Python value is an `Object` in the heap, with its class and a
//! payload (`Kind`) laid out so that CPython's internals (dict tables, list capacity, string
//! kinds, cached hashes) can be read off directly.

use std::cell::Cell;
use std::rc::Rc;

use num_bigint::BigInt;
use pyscope_compiler::CodeObject;

use crate::dict::DictObj;
use crate::frame::Frame;
use crate::set::SetObj;
use crate::vm::Vm;

/// A reference to a heap object: an index into the heap's slot array. `NULL` (slot 0) is the
/// absent value, used as CPython uses a NULL pointer (unbound locals, the call marker).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjRef(pub u32);

impl ObjRef {
    pub const NULL: ObjRef = ObjRef(0);

    #[inline]
    pub fn is_null(self) -> bool {
        self.0 == 0
    }

    #[inline]
    pub fn opt(self) -> Option<ObjRef> {
        if self.0 == 0 { None } else { Some(self) }
    }
}

/// One heap object.
#[derive(Clone, Debug)]
pub struct Object {
    /// The object's type (a `Kind::Type` object).
    pub class: ObjRef,
    /// The instance `__dict__`, if the object has one (NULL otherwise).
    pub dict: ObjRef,
    pub kind: Kind,
}

/// The result of a native function: a new (owned) reference or an exception.
pub type PyResult<T = ObjRef> = Result<T, Flow>;

/// Why normal execution stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flow {
    /// A Python exception (an owned reference to the exception object).
    Exc(ObjRef),
    /// The run must stop now and unwind all native frames: a limit, Stop, or a replay that
    /// reached its target step. Python code cannot catch it.
    Halt,
}

/// A function implemented in Rust. `args` are borrowed; the result is owned.
pub type NativeFn = fn(&mut Vm, &Args) -> PyResult;

/// Arguments of a native call: positional values, then keyword values named by `kwnames`.
#[derive(Clone, Debug, Default)]
pub struct Args {
    pub args: Vec<ObjRef>,
    /// Names (str objects) of the last `kwnames.len()` values of `args`.
    pub kwnames: Vec<ObjRef>,
}

impl Args {
    pub fn positional(&self) -> &[ObjRef] {
        &self.args[..self.args.len() - self.kwnames.len()]
    }

    pub fn keywords(&self) -> impl Iterator<Item = (ObjRef, ObjRef)> + '_ {
        let n = self.args.len() - self.kwnames.len();
        self.kwnames
            .iter()
            .copied()
            .zip(self.args[n..].iter().copied())
    }

    pub fn new(args: Vec<ObjRef>) -> Args {
        Args {
            args,
            kwnames: Vec::new(),
        }
    }
}

/// A string, with the facts CPython keeps about it (PEP 393 kind, cached hash).
#[derive(Clone, Debug)]
pub struct StrObj {
    pub s: Box<str>,
    /// Length in code points.
    pub chars: usize,
    /// Bytes per character in CPython's compact representation: 1, 2 or 4.
    pub kind: u8,
    pub ascii: bool,
    /// The cached hash (-1: not computed yet).
    pub hash: Cell<i64>,
    /// Whether the UTF-8 form has been requested (CPython caches it and grows).
    pub utf8_cached: Cell<bool>,
}

impl StrObj {
    pub fn new(s: &str) -> StrObj {
        let mut max = 0u32;
        let mut chars = 0;
        for c in s.chars() {
            max = max.max(c as u32);
            chars += 1;
        }
        let kind = if max < 0x100 {
            1
        } else if max < 0x10000 {
            2
        } else {
            4
        };
        StrObj {
            s: s.into(),
            chars,
            kind,
            ascii: max < 0x80,
            hash: Cell::new(-1),
            utf8_cached: Cell::new(false),
        }
    }
}

#[derive(Clone, Debug)]
pub struct ListObj {
    pub items: Vec<ObjRef>,
    /// CPython's `allocated`: the capacity the list really holds.
    pub allocated: usize,
}

#[derive(Clone, Debug)]
pub struct BytesObj {
    pub data: Box<[u8]>,
    pub hash: Cell<i64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RangeObj {
    pub start: i64,
    pub stop: i64,
    pub step: i64,
}

impl RangeObj {
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn len(&self) -> i64 {
        if self.step > 0 && self.start < self.stop {
            ((self.stop as i128 - self.start as i128 - 1) / self.step as i128 + 1) as i64
        } else if self.step < 0 && self.start > self.stop {
            ((self.start as i128 - self.stop as i128 - 1) / (-(self.step as i128)) + 1) as i64
        } else {
            0
        }
    }

    pub fn get(&self, i: i64) -> i64 {
        self.start + i * self.step
    }
}

/// A compiled code object together with its materialised constants.
#[derive(Debug)]
pub struct LoadedCode {
    pub code: Rc<CodeObject>,
    /// `co_consts` as heap objects (owned references, kept for the run).
    pub consts: Vec<ObjRef>,
    /// `co_names` as interned str objects (owned references).
    pub names: Vec<ObjRef>,
    /// The run-wide id of this code object (for traces).
    pub id: u32,
    /// Index of the first instruction in the run-wide instruction numbering.
    pub base: u32,
}

#[derive(Clone, Debug)]
pub struct FunctionObj {
    pub code: Rc<LoadedCode>,
    pub globals: ObjRef,
    pub name: ObjRef,
    pub qualname: ObjRef,
    pub defaults: ObjRef,
    pub kwdefaults: ObjRef,
    pub closure: ObjRef,
    pub doc: ObjRef,
    pub annotations: ObjRef,
    pub module: ObjRef,
}

/// How a native function binds when found on a class.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NativeKind {
    /// A plain function (module function, or bound method already holding `self`).
    Function,
    /// A method descriptor: accessing it on an instance binds `self`.
    Method,
    /// Binds the class, like `classmethod`.
    ClassMethod,
    /// Never binds, like `staticmethod`.
    StaticMethod,
}

#[derive(Clone, Debug)]
pub struct NativeObj {
    pub name: &'static str,
    pub func: NativeFn,
    /// The bound receiver (NULL when unbound).
    pub receiver: ObjRef,
    pub kind: NativeKind,
    /// The class that defines a method descriptor (for error messages).
    pub owner: ObjRef,
}

/// Which built-in layout the instances of a type carry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    Object,
    Int,
    Bool,
    Float,
    Complex,
    Str,
    Bytes,
    ByteArray,
    Tuple,
    List,
    Dict,
    Set,
    FrozenSet,
    Exception,
    Type,
    Function,
    Module,
    Property,
    Other,
}

#[derive(Clone, Debug)]
pub struct TypeObj {
    pub name: String,
    pub qualname: String,
    pub module: String,
    pub bases: Vec<ObjRef>,
    pub mro: Vec<ObjRef>,
    /// The namespace (a dict object).
    pub dict: ObjRef,
    pub layout: Layout,
    /// `__slots__` names, if the class (or a base) declares them without `__dict__`.
    pub slots: Vec<String>,
    /// Whether instances get a `__dict__`.
    pub has_dict: bool,
    pub builtin: bool,
    /// Whether the type (or a base) defines `__del__`.
    pub has_finalizer: bool,
}

#[derive(Clone, Debug)]
pub struct ModuleObj {
    pub name: String,
    pub file: Option<String>,
    /// Whether this module is the learner's own code (shown in the heap).
    pub user: bool,
}

/// One line of a traceback.
#[derive(Clone, Debug)]
pub struct TbEntry {
    pub code: Rc<LoadedCode>,
    pub instr: u32,
}

#[derive(Clone, Debug)]
pub struct ExcObj {
    pub args: ObjRef,
    pub traceback: Vec<TbEntry>,
    pub cause: ObjRef,
    pub context: ObjRef,
    pub suppress_context: bool,
    pub notes: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GenKind {
    Generator,
    Coroutine,
    AsyncGenerator,
}

#[derive(Clone, Debug)]
pub struct GenObj {
    /// The suspended frame (None while running or once finished).
    pub frame: Option<Box<Frame>>,
    pub name: ObjRef,
    pub qualname: ObjRef,
    pub kind: GenKind,
    pub running: bool,
    /// Whether the frame has been resumed at least once.
    pub started: bool,
    pub finished: bool,
    pub code: Rc<LoadedCode>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DictViewKind {
    Keys,
    Values,
    Items,
}

/// Built-in iterator state.
#[derive(Clone, Debug)]
pub enum IterObj {
    /// Iterates a list, tuple, str or bytes by index.
    Seq {
        seq: ObjRef,
        index: usize,
    },
    /// Iterates a str by byte position (non-ASCII strings).
    StrChars {
        s: ObjRef,
        byte_pos: usize,
        index: usize,
    },
    Range {
        next: i64,
        step: i64,
        remaining: i64,
    },
    Dict {
        dict: ObjRef,
        pos: usize,
        kind: DictViewKind,
        used: usize,
        seen: usize,
    },
    Set {
        set: ObjRef,
        pos: usize,
        used: usize,
        seen: usize,
    },
    Reversed {
        seq: ObjRef,
        index: isize,
    },
    Enumerate {
        it: ObjRef,
        count: i64,
    },
    Zip {
        its: Vec<ObjRef>,
        strict: bool,
    },
    Map {
        func: ObjRef,
        its: Vec<ObjRef>,
    },
    Filter {
        func: ObjRef,
        it: ObjRef,
        negate: bool,
    },
    /// `iter(callable, sentinel)`.
    CallIter {
        func: ObjRef,
        sentinel: ObjRef,
    },
    /// The old sequence protocol: `__getitem__` with 0, 1, 2, ... until IndexError.
    GetItem {
        obj: ObjRef,
        index: i64,
    },
    Exhausted,
}

#[derive(Clone, Debug)]
pub struct PropertyObj {
    pub fget: ObjRef,
    pub fset: ObjRef,
    pub fdel: ObjRef,
    pub doc: ObjRef,
}

/// The payload of an object.
#[derive(Clone, Debug)]
pub enum Kind {
    /// A free heap slot.
    Free,
    None,
    NotImplemented,
    Ellipsis,
    Bool(bool),
    Int(i64),
    BigInt(Box<BigInt>),
    Float(f64),
    Complex(Box<(f64, f64)>),
    Str(Box<StrObj>),
    Bytes(Box<BytesObj>),
    ByteArray(Box<Vec<u8>>),
    Tuple(Box<[ObjRef]>),
    List(Box<ListObj>),
    Dict(Box<DictObj>),
    Set(Box<SetObj>),
    Range(Box<RangeObj>),
    Slice(Box<[ObjRef; 3]>),
    Function(Box<FunctionObj>),
    Native(Box<NativeObj>),
    BoundMethod(ObjRef, ObjRef),
    Type(Box<TypeObj>),
    /// A plain instance; `slots` holds `__slots__` values.
    Instance(Box<Vec<ObjRef>>),
    Module(Box<ModuleObj>),
    Cell(ObjRef),
    Code(Rc<LoadedCode>),
    Generator(Box<GenObj>),
    Exception(Box<ExcObj>),
    Property(Box<PropertyObj>),
    ClassMethod(ObjRef),
    StaticMethod(ObjRef),
    Super(Box<[ObjRef; 2]>),
    Iter(Box<IterObj>),
    DictView(ObjRef, DictViewKind),
    /// Python-level state for stdlib objects implemented natively (deque, Counter, ...).
    Extra(Box<crate::extra::Extra>),
}

impl Kind {
    /// The object references held by this payload (for deallocation and reachability).
    pub fn children(&self, out: &mut Vec<ObjRef>) {
        match self {
            Kind::Tuple(items) => out.extend(items.iter().copied()),
            Kind::List(l) => out.extend(l.items.iter().copied()),
            Kind::Dict(d) => d.children(out),
            Kind::Set(s) => s.children(out),
            Kind::Slice(s) => out.extend(s.iter().copied()),
            Kind::Function(f) => out.extend([
                f.globals,
                f.name,
                f.qualname,
                f.defaults,
                f.kwdefaults,
                f.closure,
                f.doc,
                f.annotations,
                f.module,
            ]),
            Kind::Native(n) => out.push(n.receiver),
            Kind::BoundMethod(a, b) => out.extend([*a, *b]),
            Kind::Type(t) => {
                out.extend(t.bases.iter().copied());
                // `mro[0]` is the class itself, an uncounted reference.
                out.extend(t.mro.iter().skip(1).copied());
                out.push(t.dict);
            }
            Kind::Instance(slots) => out.extend(slots.iter().copied()),
            Kind::Cell(c) => out.push(*c),
            Kind::Generator(g) => {
                out.extend([g.name, g.qualname]);
                if let Some(f) = &g.frame {
                    f.children(out);
                }
            }
            Kind::Exception(e) => out.extend([e.args, e.cause, e.context]),
            Kind::Property(p) => out.extend([p.fget, p.fset, p.fdel, p.doc]),
            Kind::ClassMethod(f) | Kind::StaticMethod(f) => out.push(*f),
            Kind::Super(s) => out.extend(s.iter().copied()),
            Kind::Iter(it) => match &**it {
                IterObj::Seq { seq, .. } | IterObj::Reversed { seq, .. } => out.push(*seq),
                IterObj::StrChars { s, .. } => out.push(*s),
                IterObj::Dict { dict, .. } => out.push(*dict),
                IterObj::Set { set, .. } => out.push(*set),
                IterObj::Enumerate { it, .. } => out.push(*it),
                IterObj::Zip { its, .. } => out.extend(its.iter().copied()),
                IterObj::Map { func, its } => {
                    out.push(*func);
                    out.extend(its.iter().copied());
                }
                IterObj::Filter { func, it, .. } => out.extend([*func, *it]),
                IterObj::CallIter { func, sentinel } => out.extend([*func, *sentinel]),
                IterObj::GetItem { obj, .. } => out.push(*obj),
                IterObj::Range { .. } | IterObj::Exhausted => {}
            },
            Kind::DictView(d, _) => out.push(*d),
            Kind::Extra(n) => n.children(out),
            Kind::Free
            | Kind::None
            | Kind::NotImplemented
            | Kind::Ellipsis
            | Kind::Bool(_)
            | Kind::Int(_)
            | Kind::BigInt(_)
            | Kind::Float(_)
            | Kind::Complex(_)
            | Kind::Str(_)
            | Kind::Bytes(_)
            | Kind::ByteArray(_)
            | Kind::Range(_)
            | Kind::Module(_)
            | Kind::Code(_) => {}
        }
    }
}
