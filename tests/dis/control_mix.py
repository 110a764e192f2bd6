def f(items, d):
    for i in items:
        try:
            with open(i) as fh:
                return fh.read()
        except OSError:
            continue
        finally:
            d[i] = 1
    while items:
        try:
            items.pop()
        finally:
            if not items:
                break
    return sum(x for x in items), max((x for x in items), default=0)


def g(obj):
    return (obj
            .method(1)
            .other)


def h(a, *b, c, **d):
    return [*a, *b], {**d}, (yield)


def k(x):
    match x:
        case {"a": [1, *_]}:
            pass
        case _ if x:
            pass
        case _:
            pass


class M(object, metaclass=type, flag=True):
    global gname
    gname = 1
    z = [gname for _ in range(2)]


def chain(xs):
    return [x for x in xs if 0 < x < 10 and x != 5]


async def af(aiter):
    async for x in aiter:
        pass
    else:
        print("else")
    async with aiter as a, aiter as b:
        return a, b


def deep(x):
    try:
        pass
    except (ValueError, TypeError) as e:
        del e
    try:
        return 1
    except Exception:
        return 2
    else:
        return 3
    finally:
        print("f")
