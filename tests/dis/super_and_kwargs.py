def f():
    x = 1
    def g():
        nonlocal x
        x = 2
        del x
    return g

class A:
    def __init__(self):
        super().__init__()
    def f(self):
        return __class__
    class B:
        def g(self):
            return A
def lots(a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p, q, r, s, t, u, v, w, x, y, z, aa, bb, cc, dd):
    return lots(a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p, q, r, s, t, u, v, w, x, y, z, aa, bb, cc, dd)
def kwlots(o):
    return o.m(a=1, b=2, c=3, d=4, e=5, f=6, g=7, h=8, i=9, j=10, k=11, l=12, m=13, n=14, p=15, q=16)
print(f"{'a' if 1 else 'b'}", f"{f'{1}'}")
print("%s %d" % ("a", 1))
x = [i for i in range(10) if i if i > 2]
