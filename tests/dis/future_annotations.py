from __future__ import annotations
import typing
def f(a: int, b: "str" = "x", *args: list[int], c: dict[str, int | None] = None, **kw: typing.Any) -> tuple[int, ...]:
    x: int = 1
    return a
class C:
    y: Callable[[int], str]
    z: -1 + 2 * 3 ** -4 = 0
    w: lambda x, *y, z=1, **k: x if y else not z
    v: a.b[c:d, ::2] and (e or f) < g is not h
    u: {1: 'a', **d} | {1, 2} | [x for x in y if x] | (1,) | ()
    t: f(x, *y, k=1, **z) @ await_ | 1e400 | 1.5j | ... | b'x' | -(-1) | ~x
    s: (1).real | x[1,] | x[(1, 2)] | x[*a] | 'it''s'
