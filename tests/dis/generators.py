def count(n):
    i = 0
    while i < n:
        yield i
        i += 1


def delegate():
    yield from count(3)
    x = yield
    return x


def gen_with_return():
    try:
        yield 1
    finally:
        print("closed")


g = (i for i in range(3) if i)
print(list(count(3)), list(delegate()))
