a, b, c = 1, 2, 3
print(a < b, a == b, a != b, a >= b, a is b, a is not None)
print(a < b < c, a < b > c == a)
print(a in [1, 2], a not in (3, 4), a in {5, 6})
if a is None:
    pass
if a is not None:
    pass
if not a is None:
    pass
if a < b < c:
    print("chain")
if not (a == b):
    pass
r = not a in [b, c]
