import enum
class Color(enum.Enum):
    RED = 1
def m(v):
    match v:
        case Color.RED:
            return 1
        case [1, *rest, 2]:
            return rest
        case {**rest}:
            return rest
        case [*_]:
            return 0
        case (1 | 2) as n:
            return n
        case str(x) if (y := x):
            return y
        case [[a, b], {"k": c}]:
            return a, b, c
        case Color(value=3):
            return 3
def n(v):
    match v:
        case [a, *_, b]:
            return a, b
        case [*_, last]:
            return last
        case [first, *_]:
            return first
