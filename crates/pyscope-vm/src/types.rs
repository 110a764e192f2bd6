//! The built-in types and exception classes, created when the VM starts, and the interned
//! names the VM looks up often. Also the machinery every class uses: MRO (C3), type lookup,
//! and creating new types.

use crate::dict::DictObj;
use crate::object::*;
use crate::vm::Vm;

macro_rules! type_table {
    ($( $field:ident: $name:literal, $base:ident, $layout:ident; )*) => {
        /// The built-in types, by role.
        #[derive(Clone, Debug, Default)]
        pub struct Types {
            pub type_: ObjRef,
            pub object: ObjRef,
            pub dict: ObjRef,
            $( pub $field: ObjRef, )*
        }

        impl Types {
            /// Every type, for reference audits.
            pub fn all(&self) -> Vec<ObjRef> {
                vec![self.type_, self.object, self.dict, $( self.$field, )*]
            }
        }

        /// Creates the built-in types after `type`, `object` and `dict` exist.
        fn create_types(vm: &mut Vm) {
            $(
                let base = vm.t.$base;
                vm.t.$field = vm.make_builtin_type($name, &[base], Layout::$layout);
            )*
        }
    };
}

type_table! {
    int: "int", object, Int;
    bool_: "bool", int, Bool;
    float: "float", object, Float;
    complex: "complex", object, Complex;
    str: "str", object, Str;
    bytes: "bytes", object, Bytes;
    bytearray: "bytearray", object, ByteArray;
    tuple: "tuple", object, Tuple;
    list: "list", object, List;
    set: "set", object, Set;
    frozenset: "frozenset", object, FrozenSet;
    range: "range", object, Other;
    slice: "slice", object, Other;
    function: "function", object, Function;
    builtin_function: "builtin_function_or_method", object, Other;
    method: "method", object, Other;
    none_type: "NoneType", object, Other;
    not_implemented_type: "NotImplementedType", object, Other;
    ellipsis_type: "ellipsis", object, Other;
    module: "module", object, Module;
    cell: "cell", object, Other;
    code: "code", object, Other;
    generator: "generator", object, Other;
    coroutine: "coroutine", object, Other;
    async_generator: "async_generator", object, Other;
    property: "property", object, Property;
    classmethod: "classmethod", object, Other;
    staticmethod: "staticmethod", object, Other;
    super_: "super", object, Other;
    list_iterator: "list_iterator", object, Other;
    list_reverseiterator: "list_reverseiterator", object, Other;
    tuple_iterator: "tuple_iterator", object, Other;
    str_ascii_iterator: "str_ascii_iterator", object, Other;
    str_iterator: "str_iterator", object, Other;
    bytes_iterator: "bytes_iterator", object, Other;
    range_iterator: "range_iterator", object, Other;
    dict_keyiterator: "dict_keyiterator", object, Other;
    dict_valueiterator: "dict_valueiterator", object, Other;
    dict_itemiterator: "dict_itemiterator", object, Other;
    dict_reversekeyiterator: "dict_reversekeyiterator", object, Other;
    set_iterator: "set_iterator", object, Other;
    dict_keys: "dict_keys", object, Other;
    dict_values: "dict_values", object, Other;
    dict_items: "dict_items", object, Other;
    reversed: "reversed", object, Other;
    enumerate: "enumerate", object, Other;
    zip: "zip", object, Other;
    map: "map", object, Other;
    filter: "filter", object, Other;
    callable_iterator: "callable_iterator", object, Other;
    seq_iterator: "iterator", object, Other;
    traceback: "traceback", object, Other;
    extra: "pyscope_native", object, Other;
}

macro_rules! exception_table {
    ($( $field:ident: $name:literal < $base:ident; )*) => {
        /// The built-in exception classes.
        #[derive(Clone, Debug, Default)]
        pub struct ExcTypes {
            pub base_exception: ObjRef,
            $( pub $field: ObjRef, )*
        }

        impl ExcTypes {
            /// Every exception class, for reference audits.
            pub fn all(&self) -> Vec<ObjRef> {
                vec![self.base_exception, $( self.$field, )*]
            }
        }

        fn create_exceptions(vm: &mut Vm) {
            vm.e.base_exception = vm.make_builtin_type("BaseException", &[vm.t.object], Layout::Exception);
            $(
                let base = vm.e.$base;
                vm.e.$field = vm.make_builtin_type($name, &[base], Layout::Exception);
            )*
        }

        /// Every built-in exception class, by name (for the builtins module).
        pub fn exception_names(e: &ExcTypes) -> Vec<(&'static str, ObjRef)> {
            let mut v = vec![("BaseException", e.base_exception)];
            $( v.push(($name, e.$field)); )*
            v
        }
    };
}

exception_table! {
    system_exit: "SystemExit" < base_exception;
    keyboard_interrupt: "KeyboardInterrupt" < base_exception;
    generator_exit: "GeneratorExit" < base_exception;
    exception: "Exception" < base_exception;
    stop_iteration: "StopIteration" < exception;
    stop_async_iteration: "StopAsyncIteration" < exception;
    arithmetic_error: "ArithmeticError" < exception;
    floating_point_error: "FloatingPointError" < arithmetic_error;
    overflow_error: "OverflowError" < arithmetic_error;
    zero_division_error: "ZeroDivisionError" < arithmetic_error;
    assertion_error: "AssertionError" < exception;
    attribute_error: "AttributeError" < exception;
    buffer_error: "BufferError" < exception;
    eof_error: "EOFError" < exception;
    import_error: "ImportError" < exception;
    module_not_found_error: "ModuleNotFoundError" < import_error;
    lookup_error: "LookupError" < exception;
    index_error: "IndexError" < lookup_error;
    key_error: "KeyError" < lookup_error;
    memory_error: "MemoryError" < exception;
    name_error: "NameError" < exception;
    unbound_local_error: "UnboundLocalError" < name_error;
    os_error: "OSError" < exception;
    file_not_found_error: "FileNotFoundError" < os_error;
    file_exists_error: "FileExistsError" < os_error;
    permission_error: "PermissionError" < os_error;
    is_a_directory_error: "IsADirectoryError" < os_error;
    not_a_directory_error: "NotADirectoryError" < os_error;
    timeout_error: "TimeoutError" < os_error;
    reference_error: "ReferenceError" < exception;
    runtime_error: "RuntimeError" < exception;
    not_implemented_error: "NotImplementedError" < runtime_error;
    recursion_error: "RecursionError" < runtime_error;
    syntax_error: "SyntaxError" < exception;
    indentation_error: "IndentationError" < syntax_error;
    tab_error: "TabError" < indentation_error;
    system_error: "SystemError" < exception;
    type_error: "TypeError" < exception;
    value_error: "ValueError" < exception;
    unicode_error: "UnicodeError" < value_error;
    unicode_decode_error: "UnicodeDecodeError" < unicode_error;
    unicode_encode_error: "UnicodeEncodeError" < unicode_error;
    warning: "Warning" < exception;
    deprecation_warning: "DeprecationWarning" < warning;
    user_warning: "UserWarning" < warning;
    runtime_warning: "RuntimeWarning" < warning;
    syntax_warning: "SyntaxWarning" < warning;
}

macro_rules! name_table {
    ($( $field:ident = $text:literal; )*) => {
        /// Interned names the VM looks up by identity.
        #[derive(Clone, Debug, Default)]
        pub struct Names {
            $( pub $field: ObjRef, )*
        }

        impl Names {
            /// Every interned name, for reference audits.
            pub fn all(&self) -> Vec<ObjRef> {
                vec![$( self.$field, )*]
            }
        }

        fn create_names(vm: &mut Vm) {
            $( vm.n.$field = vm.intern($text); )*
        }
    };
}

name_table! {
    init = "__init__"; new = "__new__"; repr = "__repr__"; str_ = "__str__"; eq = "__eq__";
    ne = "__ne__"; lt = "__lt__"; le = "__le__"; gt = "__gt__"; ge = "__ge__"; hash = "__hash__";
    len = "__len__"; iter = "__iter__"; next = "__next__"; getitem = "__getitem__";
    setitem = "__setitem__"; delitem = "__delitem__"; contains = "__contains__"; call = "__call__";
    getattr = "__getattr__"; getattribute = "__getattribute__"; setattr = "__setattr__";
    delattr = "__delattr__"; get = "__get__"; set = "__set__"; delete = "__delete__";
    name = "__name__"; qualname = "__qualname__"; module = "__module__"; doc = "__doc__";
    dict = "__dict__"; class = "__class__"; bool_ = "__bool__"; enter = "__enter__";
    exit = "__exit__"; index = "__index__"; int_ = "__int__"; float_ = "__float__";
    format = "__format__"; set_name = "__set_name__"; init_subclass = "__init_subclass__";
    class_getitem = "__class_getitem__"; mro_entries = "__mro_entries__"; prepare = "__prepare__";
    classcell = "__classcell__"; slots = "__slots__"; match_args = "__match_args__";
    annotations = "__annotations__"; all = "__all__"; path = "__path__"; file = "__file__";
    spec = "__spec__"; package = "__package__"; builtins = "__builtins__"; main = "__main__";
    missing = "__missing__"; reversed = "__reversed__"; del = "__del__"; neg = "__neg__";
    pos = "__pos__"; invert = "__invert__"; abs = "__abs__"; round = "__round__";
    length_hint = "__length_hint__"; await_ = "__await__"; aiter = "__aiter__";
    anext = "__anext__"; aenter = "__aenter__"; aexit = "__aexit__"; loader = "__loader__";
    complex_ = "__complex__"; bytes_ = "__bytes__"; sizeof = "__sizeof__"; copy = "__copy__";
    deepcopy = "__deepcopy__"; reduce = "__reduce__"; instancecheck = "__instancecheck__";
    subclasscheck = "__subclasscheck__"; trunc = "__trunc__"; floor = "__floor__";
    ceil = "__ceil__"; dir = "__dir__"; objclass = "__objclass__"; wrapped = "__wrapped__";
}

impl Vm {
    /// Creates a VM with its built-in types and singletons (no modules yet).
    pub(crate) fn bootstrap_types(vm: &mut Vm) {
        // `type` and `object` refer to each other; create both, then give them dicts.
        let type_ = vm.heap.alloc(Object {
            class: ObjRef::NULL,
            dict: ObjRef::NULL,
            kind: Kind::Free,
        });
        let object = vm.heap.alloc(Object {
            class: ObjRef::NULL,
            dict: ObjRef::NULL,
            kind: Kind::Free,
        });
        let dict_t = vm.heap.alloc(Object {
            class: ObjRef::NULL,
            dict: ObjRef::NULL,
            kind: Kind::Free,
        });
        vm.t.type_ = type_;
        vm.t.object = object;
        vm.t.dict = dict_t;
        for (r, name, bases, mro, layout) in [
            (object, "object", vec![], vec![object], Layout::Object),
            (
                type_,
                "type",
                vec![object],
                vec![type_, object],
                Layout::Type,
            ),
            (
                dict_t,
                "dict",
                vec![object],
                vec![dict_t, object],
                Layout::Dict,
            ),
        ] {
            for b in bases.iter().chain(mro.iter().skip(1)) {
                vm.heap.incref(*b);
            }
            vm.heap.incref(type_);
            let ns = vm.heap.alloc(Object {
                class: dict_t,
                dict: ObjRef::NULL,
                kind: Kind::Dict(Box::new(DictObj::new())),
            });
            vm.heap.incref(dict_t);
            let t = TypeObj {
                name: name.into(),
                qualname: name.into(),
                module: "builtins".into(),
                bases,
                mro,
                dict: ns,
                layout,
                slots: Vec::new(),
                has_dict: false,
                builtin: true,
                has_finalizer: false,
            };
            *vm.heap.get_mut(r) = Object {
                class: type_,
                dict: ObjRef::NULL,
                kind: Kind::Type(Box::new(t)),
            };
        }
        create_types(vm);
        create_exceptions(vm);
    }

    pub(crate) fn bootstrap_names(vm: &mut Vm) {
        create_names(vm);
    }

    /// Creates a built-in type with the given bases (single inheritance chain).
    pub fn make_builtin_type(&mut self, name: &str, bases: &[ObjRef], layout: Layout) -> ObjRef {
        let base = bases[0];
        let mut mro = vec![ObjRef::NULL];
        mro.extend(self.type_obj(base).mro.iter().copied());
        for b in bases.iter().chain(mro[1..].iter()) {
            self.heap.incref(*b);
        }
        let ns = self.new_dict();
        let t = TypeObj {
            name: name.into(),
            qualname: name.into(),
            module: "builtins".into(),
            bases: bases.to_vec(),
            mro,
            dict: ns,
            layout,
            slots: Vec::new(),
            has_dict: layout == Layout::Exception
                || layout == Layout::Function
                || layout == Layout::Module,
            builtin: true,
            has_finalizer: false,
        };
        let r = self.alloc(self.t.type_, Kind::Type(Box::new(t)));
        if let Kind::Type(t) = &mut self.heap.get_mut(r).kind {
            t.mro[0] = r;
        }
        r
    }

    /// Looks a name up along the type's MRO; returns a borrowed reference.
    pub fn type_lookup(&self, class: ObjRef, name: ObjRef) -> Option<ObjRef> {
        let t = self.type_obj(class);
        for &c in &t.mro {
            let ns = self.type_obj(c).dict;
            if let Some(v) = self.dict_get_str_fast(ns, name) {
                return Some(v);
            }
        }
        None
    }

    /// Looks up a name given as text along the MRO (for names not pre-interned).
    pub fn type_lookup_str(&mut self, class: ObjRef, name: &str) -> Option<ObjRef> {
        let key = self.intern(name);
        let r = self.type_lookup(class, key);
        self.decref(key);
        r
    }

    /// Whether `sub` is `sup` or inherits from it.
    pub fn is_subtype(&self, sub: ObjRef, sup: ObjRef) -> bool {
        sub == sup || self.type_obj(sub).mro.contains(&sup)
    }

    /// Whether `obj` is an instance of `class` (by its real type).
    pub fn isinstance_of(&self, obj: ObjRef, class: ObjRef) -> bool {
        self.is_subtype(self.class_of(obj), class)
    }

    /// Computes the C3 linearisation for a new class with `bases`.
    pub fn c3_mro(&self, new: ObjRef, bases: &[ObjRef]) -> Result<Vec<ObjRef>, String> {
        let mut seqs: Vec<Vec<ObjRef>> = bases
            .iter()
            .map(|b| self.type_obj(*b).mro.clone())
            .collect();
        seqs.push(bases.to_vec());
        let mut out = vec![new];
        loop {
            seqs.retain(|s| !s.is_empty());
            if seqs.is_empty() {
                return Ok(out);
            }
            let candidate = seqs
                .iter()
                .map(|s| s[0])
                .find(|c| !seqs.iter().any(|s| s[1..].contains(c)));
            let Some(c) = candidate else {
                let names: Vec<String> = bases
                    .iter()
                    .map(|b| self.type_obj(*b).name.clone())
                    .collect();
                return Err(format!(
                    "Cannot create a consistent method resolution order (MRO) for bases {}",
                    names.join(", ")
                ));
            };
            out.push(c);
            for s in seqs.iter_mut() {
                if s[0] == c {
                    s.remove(0);
                }
            }
        }
    }

    /// Adds native methods to a type's namespace.
    pub fn add_methods(&mut self, class: ObjRef, methods: &[(&'static str, NativeFn, NativeKind)]) {
        let ns = self.type_obj(class).dict;
        for &(name, func, kind) in methods {
            let f = self.new_native(name, func, ObjRef::NULL, kind);
            if let Kind::Native(n) = &mut self.heap.get_mut(f).kind {
                n.owner = class;
            }
            let key = self.intern(name);
            self.dict_set_str_owned(ns, key, f);
        }
    }

    /// Sets a class attribute (taking ownership of `value`).
    pub fn set_type_attr(&mut self, class: ObjRef, name: &str, value: ObjRef) {
        let ns = self.type_obj(class).dict;
        let key = self.intern(name);
        self.dict_set_str_owned(ns, key, value);
    }
}
