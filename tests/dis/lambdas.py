double = lambda x: x * 2
add = lambda a, b=1, *c, d, e=2, **f: a + b
noarg = lambda: None
print(sorted([3, 1, 2], key=lambda v: -v))
adders = [lambda y, n=n: y + n for n in range(3)]
curry = lambda a: lambda b: a + b
multi = lambda x: (
    x + 1
)
