def f(*args, **kwargs):
    return args, kwargs

f()
f(1, 2)
f(1, key=2)
f(*[1, 2])
f(1, *[2], 3)
f(**{"a": 1})
f(1, *(2,), x=3, **{"y": 4})
f(a=1, b=2, c=3)
r = f(
    1,
    2,
)
print(len("abc"), abs(-3))
print(f(f(1), f(2, k=3)))
obj = [3, 1, 2]
obj.sort(reverse=True)
obj.append(
    4)
"x".join(["a", "b"])
g = f
g(1)(2) if False else None
