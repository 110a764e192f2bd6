class Point:
    __match_args__ = ("x", "y")

    def __init__(self, x, y):
        self.x = x
        self.y = y


def where(p):
    match p:
        case Point(0, 0):
            return "origin"
        case Point(x=0, y=y):
            return f"on y at {y}"
        case Point(x, y) if x == y:
            return "diagonal"
        case {"kind": "k", **rest}:
            return rest
        case {"a": 1, "b": b}:
            return b
        case {}:
            return "mapping"
        case str() | bytes():
            return "text"
        case int(n) | float(n) if n < 0:
            return "negative"
        case 1 | 2 | 3:
            return "small"
        case -1:
            return "minus one"
        case None:
            return "none"
        case True:
            return "true"
        case other:
            return other
