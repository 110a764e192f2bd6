import functools


def deco(fn):
    @functools.wraps(fn)
    def wrapper(*a, **k):
        return fn(*a, **k)
    return wrapper


def param(n):
    def inner(fn):
        return fn
    return inner


@deco
@param(
    3
)
def target(x):
    return x


@deco
class Decorated:
    @deco
    def m(self):
        return 1


@deco
async def coro():
    return 1
