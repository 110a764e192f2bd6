def f(x):
    match x:
        case []:
            return "empty"
        case [a]:
            return a
        case [a, b, *rest]:
            return a, b, rest
        case [_, _, *_]:
            return "many"
        case (first, *_, last):
            return first, last
        case _:
            return None
