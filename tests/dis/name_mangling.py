class Outer:
    __x = 1
    class Inner:
        __y = 2
        def m(self, __z):
            return self.__y, __z, Outer._Outer__x
    def n(self):
        __local = 3
        return __local
try:
    pass
except Exception as __e:
    pass
def g(a, /, b, *, c):
    return a, b, c
def ann(a: int, b: "str" = "x", *args: int, c: list = None, **kw: dict) -> bool:
    pass
x = [1, 2, 3][1:2]
y = (lambda: (yield))
print(x if x else y, end="")
