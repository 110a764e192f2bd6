import math


class A:
    import os as __os
    from os import path as __path

    def f(self):
        try:
            return 1
        finally:
            data = [x for x in range(3)]


def nans():
    return math.inf - math.inf, 1e400 * 0, 1e400 - 1e400


def semicolons(a):
    if a: print(a);
    return a;


def fstring_tuples(a, b):
    return f"{a, b}{ a, b :>9}{(a, b)}"


def powers():
    return 3j ** 0j, (1 + 2j) ** 2, (-8.0) ** 0.5, 2 ** -2


async def nested_async(it):
    return [[i + j async for i in it] for j in [1, 2]]


def annotations(o):
    (name): int
    o.attr: str
    x: "text" = 1
    return name
