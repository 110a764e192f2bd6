//! The opcode table: every instruction the compiler emits, with CPython 3.11's name, number,
//! inline-cache size and stack effect, so the disassembly reads like `python3 -m dis`.
//!
//! Jump arguments inside Pyscope are absolute instruction indices; the disassembler turns them
//! into CPython's relative code-unit offsets. Pseudo-instructions (`SETUP_*`, `POP_BLOCK`, the
//! direction-less jumps) only exist between code generation and assembly.

/// Declares the opcode enum together with its metadata table.
///
/// Each row is `Name = number, caches, "stack effect", "what it does"`.
macro_rules! opcodes {
    ($( $(#[$doc:meta])* $name:ident = $num:expr, $caches:expr, $effect:literal; )*) => {
        /// One bytecode operation. The discriminant is CPython 3.11's opcode number
        /// (pseudo-instructions use numbers from 256 up, as CPython's compiler does).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[repr(u16)]
        #[allow(non_camel_case_types)]
        pub enum Opcode {
            $( $(#[$doc])* #[doc = concat!("\n\nStack: `", $effect, "`")] $name = $num, )*
        }

        impl Opcode {
            /// Every opcode, in table order.
            pub const ALL: &'static [Opcode] = &[$(Opcode::$name,)*];

            /// CPython's name for the opcode, as `dis` prints it.
            pub fn name(self) -> &'static str {
                match self { $(Opcode::$name => stringify!($name),)* }
            }

            /// The number of inline cache entries that follow the instruction in CPython 3.11.
            pub fn cache_entries(self) -> u32 {
                match self { $(Opcode::$name => $caches,)* }
            }

            /// The documented stack picture, `before => after`.
            pub fn stack_picture(self) -> &'static str {
                match self { $(Opcode::$name => $effect,)* }
            }
        }
    };
}

opcodes! {
    /// Placeholder for an inline cache entry; never executed.
    CACHE = 0, 0, "=>";
    /// Discards the top of the stack.
    POP_TOP = 1, 0, "x =>";
    /// Pushes the NULL marker that `CALL` uses to tell plain calls from method calls.
    PUSH_NULL = 2, 0, "=> NULL";
    /// Does nothing; keeps a line number alive.
    NOP = 9, 0, "=>";
    /// `+x`
    UNARY_POSITIVE = 10, 0, "x => +x";
    /// `-x`
    UNARY_NEGATIVE = 11, 0, "x => -x";
    /// `not x`
    UNARY_NOT = 12, 0, "x => not x";
    /// `~x`
    UNARY_INVERT = 15, 0, "x => ~x";
    /// `container[key]`
    BINARY_SUBSCR = 25, 4, "container, key => container[key]";
    /// Pushes `len(TOS)` for sequence patterns.
    GET_LEN = 30, 0, "x => x, len(x)";
    /// Pushes whether TOS is a mapping (for `match`).
    MATCH_MAPPING = 31, 0, "x => x, bool";
    /// Pushes whether TOS is a sequence (for `match`).
    MATCH_SEQUENCE = 32, 0, "x => x, bool";
    /// Looks the keys tuple up in the mapping; pushes a values tuple or None.
    MATCH_KEYS = 33, 0, "mapping, keys => mapping, keys, values_or_none";
    /// Saves the exception being handled and makes TOS the current one.
    PUSH_EXC_INFO = 35, 0, "exc => prev_exc, exc";
    /// Tests whether the exception matches the type.
    CHECK_EXC_MATCH = 36, 0, "exc, type => exc, bool";
    /// Exception-group matching (`except*`); not used by Pyscope.
    CHECK_EG_MATCH = 37, 0, "exc, type => rest, match";
    /// Calls `__exit__(type, value, tb)` for a `with` block that raised.
    WITH_EXCEPT_START = 49, 0, "exit, lasti, prev, exc => exit, lasti, prev, exc, result";
    /// `aiter(x)`
    GET_AITER = 50, 0, "x => aiter(x)";
    /// Pushes the awaitable of `anext(TOS)`.
    GET_ANEXT = 51, 0, "aiter => aiter, awaitable";
    /// Starts `async with`: pushes `__aexit__` and the awaitable of `__aenter__()`.
    BEFORE_ASYNC_WITH = 52, 0, "mgr => exit, awaitable";
    /// Starts `with`: pushes the bound `__exit__` and the result of `__enter__()`.
    BEFORE_WITH = 53, 0, "mgr => exit, value";
    /// Ends `async for` when StopAsyncIteration arrives.
    END_ASYNC_FOR = 54, 0, "aiter, exc =>";
    /// `container[key] = value`
    STORE_SUBSCR = 60, 1, "value, container, key =>";
    /// `del container[key]`
    DELETE_SUBSCR = 61, 0, "container, key =>";
    /// `iter(x)`
    GET_ITER = 68, 0, "x => iter(x)";
    /// `iter(x)` for `yield from`, keeping generators and coroutines as they are.
    GET_YIELD_FROM_ITER = 69, 0, "x => iter";
    /// Prints an expression statement's value in interactive mode.
    PRINT_EXPR = 70, 0, "x =>";
    /// Pushes `builtins.__build_class__`.
    LOAD_BUILD_CLASS = 71, 0, "=> __build_class__";
    /// Pushes `AssertionError`.
    LOAD_ASSERTION_ERROR = 74, 0, "=> AssertionError";
    /// Turns the current frame into a generator, coroutine or async generator object.
    RETURN_GENERATOR = 75, 0, "=>";
    /// `tuple(list)`
    LIST_TO_TUPLE = 82, 0, "list => tuple";
    /// Returns TOS to the caller.
    RETURN_VALUE = 83, 0, "value =>";
    /// `from module import *`
    IMPORT_STAR = 84, 0, "module =>";
    /// Creates `__annotations__` in the namespace.
    SETUP_ANNOTATIONS = 85, 0, "=>";
    /// Suspends the generator, sending TOS out; the value sent in replaces it.
    YIELD_VALUE = 86, 0, "value => sent";
    /// Wraps a value yielded by an async generator.
    ASYNC_GEN_WRAP = 87, 0, "value => wrapped";
    /// `except*` support; not used by Pyscope.
    PREP_RERAISE_STAR = 88, 0, "orig, list => exc";
    /// Restores the exception that was being handled before this handler.
    POP_EXCEPT = 89, 0, "prev_exc =>";
    /// `name = TOS` in a namespace.
    STORE_NAME = 90, 0, "value =>";
    /// `del name` in a namespace.
    DELETE_NAME = 91, 0, "=>";
    /// Unpacks TOS into `arg` values, pushed right to left.
    UNPACK_SEQUENCE = 92, 1, "seq => item_n .. item_1";
    /// Calls `next()` on the iterator; jumps and pops it when exhausted.
    FOR_ITER = 93, 0, "iter => iter, item | (jump)";
    /// Starred unpacking: `arg & 0xFF` before the star, `arg >> 8` after.
    UNPACK_EX = 94, 0, "seq => after.., list, before..";
    /// `obj.name = value`
    STORE_ATTR = 95, 4, "value, obj =>";
    /// `del obj.name`
    DELETE_ATTR = 96, 0, "obj =>";
    /// `global name = value`
    STORE_GLOBAL = 97, 0, "value =>";
    /// `del name` for a global.
    DELETE_GLOBAL = 98, 0, "=>";
    /// Swaps TOS with the item `arg` places down.
    SWAP = 99, 0, "a, .., b => b, .., a";
    /// Pushes `co_consts[arg]`.
    LOAD_CONST = 100, 0, "=> const";
    /// Pushes a name looked up in locals, then globals, then builtins.
    LOAD_NAME = 101, 0, "=> value";
    /// Builds a tuple from `arg` items.
    BUILD_TUPLE = 102, 0, "items.. => tuple";
    /// Builds a list from `arg` items.
    BUILD_LIST = 103, 0, "items.. => list";
    /// Builds a set from `arg` items.
    BUILD_SET = 104, 0, "items.. => set";
    /// Builds a dict from `arg` key/value pairs.
    BUILD_MAP = 105, 0, "k1, v1, .. => dict";
    /// `obj.name`
    LOAD_ATTR = 106, 4, "obj => obj.name";
    /// Rich comparison `cmp_op[arg]`.
    COMPARE_OP = 107, 2, "a, b => result";
    /// Imports a module: `level, fromlist => module`.
    IMPORT_NAME = 108, 0, "level, fromlist => module";
    /// Loads an attribute of the module on TOS for `from .. import`.
    IMPORT_FROM = 109, 0, "module => module, value";
    /// Unconditional forward jump.
    JUMP_FORWARD = 110, 0, "=>";
    /// If TOS is false jump and keep it, else pop it.
    JUMP_IF_FALSE_OR_POP = 111, 0, "x => x | (popped)";
    /// If TOS is true jump and keep it, else pop it.
    JUMP_IF_TRUE_OR_POP = 112, 0, "x => x | (popped)";
    /// Pops TOS and jumps forward if it is false.
    POP_JUMP_FORWARD_IF_FALSE = 114, 0, "x =>";
    /// Pops TOS and jumps forward if it is true.
    POP_JUMP_FORWARD_IF_TRUE = 115, 0, "x =>";
    /// Pushes a global (or builtin); with `arg & 1`, a NULL first.
    LOAD_GLOBAL = 116, 5, "=> [NULL], value";
    /// `a is b` (`arg` 1: `is not`).
    IS_OP = 117, 0, "a, b => bool";
    /// `a in b` (`arg` 1: `not in`).
    CONTAINS_OP = 118, 0, "a, b => bool";
    /// Re-raises TOS; with `arg`, restores `f_lasti` from the item below.
    RERAISE = 119, 0, "[lasti], exc =>";
    /// Pushes a copy of the item `arg` places down.
    COPY = 120, 0, "x, .. => x, .., x";
    /// Binary or in-place operator `arg` (see `BINARY_OPS`).
    BINARY_OP = 122, 1, "a, b => a op b";
    /// Sends TOS into the sub-iterator below; jumps when it returns.
    SEND = 123, 0, "iter, value => iter, result | (jump: value)";
    /// Pushes local `arg`.
    LOAD_FAST = 124, 0, "=> value";
    /// Stores TOS into local `arg`.
    STORE_FAST = 125, 0, "value =>";
    /// Deletes local `arg`.
    DELETE_FAST = 126, 0, "=>";
    /// Pops TOS and jumps forward unless it is None.
    POP_JUMP_FORWARD_IF_NOT_NONE = 128, 0, "x =>";
    /// Pops TOS and jumps forward if it is None.
    POP_JUMP_FORWARD_IF_NONE = 129, 0, "x =>";
    /// `raise` (0), `raise exc` (1), `raise exc from cause` (2).
    RAISE_VARARGS = 130, 0, "[exc, [cause]] =>";
    /// `iter = awaitable(TOS)`
    GET_AWAITABLE = 131, 0, "x => awaitable";
    /// Makes a function from the code object on TOS; flags in `arg` pick the extras below it.
    MAKE_FUNCTION = 132, 0, "[defaults], [kwdefaults], [annotations], [closure], code => function";
    /// `slice(start, stop[, step])`
    BUILD_SLICE = 133, 0, "start, stop, [step] => slice";
    /// Backward jump that does not check for interrupts.
    JUMP_BACKWARD_NO_INTERRUPT = 134, 0, "=>";
    /// Turns local `arg` into a cell holding its current value.
    MAKE_CELL = 135, 0, "=>";
    /// Pushes the cell in slot `arg` (to build a closure).
    LOAD_CLOSURE = 136, 0, "=> cell";
    /// Pushes the contents of the cell in slot `arg`.
    LOAD_DEREF = 137, 0, "=> value";
    /// Stores TOS into the cell in slot `arg`.
    STORE_DEREF = 138, 0, "value =>";
    /// Empties the cell in slot `arg`.
    DELETE_DEREF = 139, 0, "=>";
    /// Unconditional backward jump.
    JUMP_BACKWARD = 140, 0, "=>";
    /// `func(*args, **kwargs)`; `arg & 1` means kwargs are present.
    CALL_FUNCTION_EX = 142, 0, "NULL, func, args, [kwargs] => result";
    /// Prefix that widens the next argument (never emitted: Pyscope args are 32-bit).
    EXTENDED_ARG = 144, 0, "=>";
    /// Appends TOS to the list `arg` places down (comprehensions).
    LIST_APPEND = 145, 0, "list, .., x => list, ..";
    /// Adds TOS to the set `arg` places down.
    SET_ADD = 146, 0, "set, .., x => set, ..";
    /// Stores `key: value` into the dict `arg` places down.
    MAP_ADD = 147, 0, "dict, .., key, value => dict, ..";
    /// Loads a free variable in a class body, trying the class namespace first.
    LOAD_CLASSDEREF = 148, 0, "=> value";
    /// Copies the closure's cells into the frame's free-variable slots.
    COPY_FREE_VARS = 149, 0, "=>";
    /// Marks the start of a function (arg 0) or a resumption point.
    RESUME = 151, 0, "=>";
    /// Class pattern with `arg` positional sub-patterns.
    MATCH_CLASS = 152, 0, "subject, cls, names => attrs_or_none";
    /// Formats a value for an f-string (`arg` holds the conversion and spec flag).
    FORMAT_VALUE = 155, 0, "value, [spec] => str";
    /// Builds a dict from `arg` values and a constant tuple of keys.
    BUILD_CONST_KEY_MAP = 156, 0, "v1, .., keys => dict";
    /// Concatenates `arg` strings.
    BUILD_STRING = 157, 0, "s1, .. => str";
    /// Loads a method for a call: `method, self` or `NULL, attribute`.
    LOAD_METHOD = 160, 10, "obj => method_or_NULL, self_or_attr";
    /// Extends the list `arg` places down with TOS.
    LIST_EXTEND = 162, 0, "list, .., iterable => list, ..";
    /// Updates the set `arg` places down with TOS.
    SET_UPDATE = 163, 0, "set, .., iterable => set, ..";
    /// Merges TOS into the dict `arg` places down for `**` in a call (duplicate keys fail).
    DICT_MERGE = 164, 0, "dict, .., mapping => dict, ..";
    /// Updates the dict `arg` places down with TOS.
    DICT_UPDATE = 165, 0, "dict, .., mapping => dict, ..";
    /// Prepares a call with `arg` arguments (specialisation hook in CPython).
    PRECALL = 166, 1, "=>";
    /// Calls with `arg` arguments; keyword names come from the last `KW_NAMES`.
    CALL = 171, 4, "method_or_NULL, callable, args.. => result";
    /// Records the tuple `co_consts[arg]` as the keyword names of the next call.
    KW_NAMES = 172, 0, "=>";
    /// Pops TOS and jumps backward unless it is None.
    POP_JUMP_BACKWARD_IF_NOT_NONE = 173, 0, "x =>";
    /// Pops TOS and jumps backward if it is None.
    POP_JUMP_BACKWARD_IF_NONE = 174, 0, "x =>";
    /// Pops TOS and jumps backward if it is false.
    POP_JUMP_BACKWARD_IF_FALSE = 175, 0, "x =>";
    /// Pops TOS and jumps backward if it is true.
    POP_JUMP_BACKWARD_IF_TRUE = 176, 0, "x =>";

    /// Pseudo: protects the following block; the handler receives the exception.
    SETUP_FINALLY = 256, 0, "=> | (handler: exc)";
    /// Pseudo: like `SETUP_FINALLY`, but the handler also receives `lasti`.
    SETUP_CLEANUP = 257, 0, "=> | (handler: lasti, exc)";
    /// Pseudo: protects a `with` body; the handler keeps `__exit__` below.
    SETUP_WITH = 258, 0, "=> | (handler: lasti, exc)";
    /// Pseudo: ends the innermost protected block.
    POP_BLOCK = 259, 0, "=>";
    /// Pseudo: unconditional jump, resolved to a forward or backward jump.
    JUMP = 260, 0, "=>";
    /// Pseudo: jump without interrupt check, resolved by direction.
    JUMP_NO_INTERRUPT = 261, 0, "=>";
    /// Pseudo: pop and jump if false, resolved by direction.
    POP_JUMP_IF_FALSE = 262, 0, "x =>";
    /// Pseudo: pop and jump if true, resolved by direction.
    POP_JUMP_IF_TRUE = 263, 0, "x =>";
    /// Pseudo: pop and jump if None, resolved by direction.
    POP_JUMP_IF_NONE = 264, 0, "x =>";
    /// Pseudo: pop and jump unless None, resolved by direction.
    POP_JUMP_IF_NOT_NONE = 265, 0, "x =>";
}

/// The operators of `BINARY_OP`, indexed by its argument, as `dis` shows them.
pub const BINARY_OPS: [&str; 26] = [
    "+", "&", "//", "<<", "@", "*", "%", "|", "**", ">>", "-", "/", "^", "+=", "&=", "//=", "<<=",
    "@=", "*=", "%=", "|=", "**=", ">>=", "-=", "/=", "^=",
];

/// The comparison operators of `COMPARE_OP`, indexed by its argument.
pub const COMPARE_OPS: [&str; 6] = ["<", "<=", "==", "!=", ">", ">="];

/// Offset between a binary operator and its in-place form in `BINARY_OPS`.
pub const INPLACE_OFFSET: u32 = 13;

impl Opcode {
    /// Whether the argument is a jump target.
    pub fn is_jump(self) -> bool {
        use Opcode::*;
        matches!(
            self,
            FOR_ITER
                | JUMP_FORWARD
                | JUMP_BACKWARD
                | JUMP_BACKWARD_NO_INTERRUPT
                | JUMP_IF_FALSE_OR_POP
                | JUMP_IF_TRUE_OR_POP
                | POP_JUMP_FORWARD_IF_FALSE
                | POP_JUMP_FORWARD_IF_TRUE
                | POP_JUMP_FORWARD_IF_NONE
                | POP_JUMP_FORWARD_IF_NOT_NONE
                | POP_JUMP_BACKWARD_IF_FALSE
                | POP_JUMP_BACKWARD_IF_TRUE
                | POP_JUMP_BACKWARD_IF_NONE
                | POP_JUMP_BACKWARD_IF_NOT_NONE
                | SEND
                | JUMP
                | JUMP_NO_INTERRUPT
                | POP_JUMP_IF_FALSE
                | POP_JUMP_IF_TRUE
                | POP_JUMP_IF_NONE
                | POP_JUMP_IF_NOT_NONE
                | SETUP_FINALLY
                | SETUP_CLEANUP
                | SETUP_WITH
        )
    }

    /// Whether control never falls through to the next instruction.
    pub fn is_terminator(self) -> bool {
        use Opcode::*;
        matches!(
            self,
            RETURN_VALUE
                | RAISE_VARARGS
                | RERAISE
                | JUMP
                | JUMP_NO_INTERRUPT
                | JUMP_FORWARD
                | JUMP_BACKWARD
                | JUMP_BACKWARD_NO_INTERRUPT
        )
    }

    /// Whether the instruction only exists before assembly.
    pub fn is_pseudo(self) -> bool {
        (self as u16) >= 256
    }

    /// Whether CPython 3.11 gives the instruction an argument.
    pub fn has_arg(self) -> bool {
        (self as u16) >= 90
    }

    /// The net change of stack depth; `jump` selects the branch-taken effect.
    ///
    /// This mirrors CPython's `stack_effect()`, which the assembler uses to size frames and to
    /// find the stack depth that each exception handler unwinds to.
    pub fn stack_effect(self, arg: u32, jump: bool) -> i32 {
        use Opcode::*;
        let a = arg as i32;
        match self {
            CACHE | NOP | EXTENDED_ARG | RESUME | KW_NAMES | COPY_FREE_VARS | MAKE_CELL => 0,
            POP_TOP => -1,
            PUSH_NULL => 1,
            UNARY_POSITIVE | UNARY_NEGATIVE | UNARY_NOT | UNARY_INVERT => 0,
            BINARY_SUBSCR | BINARY_OP | COMPARE_OP | IS_OP | CONTAINS_OP => -1,
            GET_LEN | MATCH_MAPPING | MATCH_SEQUENCE | MATCH_KEYS => 1,
            PUSH_EXC_INFO => 1,
            CHECK_EXC_MATCH => 0,
            CHECK_EG_MATCH => 0,
            WITH_EXCEPT_START => 1,
            GET_AITER => 0,
            GET_ANEXT => 1,
            BEFORE_ASYNC_WITH | BEFORE_WITH => 1,
            END_ASYNC_FOR => -2,
            STORE_SUBSCR => -3,
            DELETE_SUBSCR => -2,
            GET_ITER | GET_YIELD_FROM_ITER => 0,
            PRINT_EXPR => -1,
            LOAD_BUILD_CLASS | LOAD_ASSERTION_ERROR => 1,
            // The first resumption pushes the value sent in, which the prologue's POP_TOP drops.
            RETURN_GENERATOR => 1,
            LIST_TO_TUPLE => 0,
            RETURN_VALUE => -1,
            IMPORT_STAR => -1,
            SETUP_ANNOTATIONS => 0,
            YIELD_VALUE | ASYNC_GEN_WRAP => 0,
            PREP_RERAISE_STAR => -1,
            POP_EXCEPT => -1,
            STORE_NAME | STORE_GLOBAL => -1,
            DELETE_NAME | DELETE_GLOBAL | DELETE_FAST | DELETE_DEREF => 0,
            UNPACK_SEQUENCE => a - 1,
            FOR_ITER => {
                if jump {
                    -1
                } else {
                    1
                }
            }
            UNPACK_EX => (a & 0xFF) + (a >> 8),
            STORE_ATTR => -2,
            DELETE_ATTR => -1,
            SWAP => 0,
            LOAD_CONST | LOAD_NAME | LOAD_FAST | LOAD_CLOSURE | LOAD_DEREF | LOAD_CLASSDEREF => 1,
            BUILD_TUPLE | BUILD_LIST | BUILD_SET | BUILD_STRING => 1 - a,
            BUILD_MAP => 1 - 2 * a,
            BUILD_CONST_KEY_MAP => -a,
            LOAD_ATTR => 0,
            IMPORT_NAME => -1,
            IMPORT_FROM => 1,
            JUMP_FORWARD
            | JUMP_BACKWARD
            | JUMP_BACKWARD_NO_INTERRUPT
            | JUMP
            | JUMP_NO_INTERRUPT => 0,
            JUMP_IF_FALSE_OR_POP | JUMP_IF_TRUE_OR_POP => {
                if jump {
                    0
                } else {
                    -1
                }
            }
            POP_JUMP_FORWARD_IF_FALSE
            | POP_JUMP_FORWARD_IF_TRUE
            | POP_JUMP_FORWARD_IF_NONE
            | POP_JUMP_FORWARD_IF_NOT_NONE
            | POP_JUMP_BACKWARD_IF_FALSE
            | POP_JUMP_BACKWARD_IF_TRUE
            | POP_JUMP_BACKWARD_IF_NONE
            | POP_JUMP_BACKWARD_IF_NOT_NONE
            | POP_JUMP_IF_FALSE
            | POP_JUMP_IF_TRUE
            | POP_JUMP_IF_NONE
            | POP_JUMP_IF_NOT_NONE => -1,
            LOAD_GLOBAL => 1 + (a & 1),
            RERAISE => -1,
            COPY => 1,
            SEND => {
                if jump {
                    -1
                } else {
                    0
                }
            }
            STORE_FAST | STORE_DEREF => -1,
            RAISE_VARARGS => -a,
            GET_AWAITABLE => 0,
            MAKE_FUNCTION => -((a & 1) + ((a >> 1) & 1) + ((a >> 2) & 1) + ((a >> 3) & 1)),
            BUILD_SLICE => {
                if a == 3 {
                    -2
                } else {
                    -1
                }
            }
            CALL_FUNCTION_EX => -2 - (a & 1),
            LIST_APPEND | SET_ADD => -1,
            MAP_ADD => -2,
            MATCH_CLASS => -2,
            FORMAT_VALUE => {
                if a & 0x04 != 0 {
                    -1
                } else {
                    0
                }
            }
            LOAD_METHOD => 1,
            LIST_EXTEND | SET_UPDATE | DICT_MERGE | DICT_UPDATE => -1,
            PRECALL => -a,
            CALL => -1,
            SETUP_FINALLY | SETUP_WITH => {
                if jump {
                    1
                } else {
                    0
                }
            }
            SETUP_CLEANUP => {
                if jump {
                    2
                } else {
                    0
                }
            }
            POP_BLOCK => 0,
        }
    }

    /// The opcode for a given CPython number, if it is a real instruction.
    pub fn from_number(n: u16) -> Option<Opcode> {
        Opcode::ALL.iter().copied().find(|op| *op as u16 == n)
    }
}

/// One instruction: an opcode and its (already resolved) argument.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Instr {
    pub op: Opcode,
    pub arg: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_unique_and_round_trip() {
        for op in Opcode::ALL {
            assert_eq!(Opcode::from_number(*op as u16), Some(*op), "{}", op.name());
        }
    }

    #[test]
    fn call_effects_balance_a_simple_call() {
        // PUSH_NULL, LOAD_NAME f, LOAD_CONST x, PRECALL 1, CALL 1 leaves one result.
        let total = Opcode::PUSH_NULL.stack_effect(0, false)
            + Opcode::LOAD_NAME.stack_effect(0, false)
            + Opcode::LOAD_CONST.stack_effect(0, false)
            + Opcode::PRECALL.stack_effect(1, false)
            + Opcode::CALL.stack_effect(1, false);
        assert_eq!(total, 1);
    }

    #[test]
    fn real_opcodes_have_cpython_argument_convention() {
        assert!(!Opcode::POP_TOP.has_arg());
        assert!(Opcode::LOAD_CONST.has_arg());
        assert_eq!(Opcode::LOAD_GLOBAL.cache_entries(), 5);
        assert_eq!(Opcode::LOAD_METHOD.cache_entries(), 10);
    }
}
