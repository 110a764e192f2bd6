a = b = 1
x, y = 1, 2
x, y = y, x
p, q, r = r0 = (1, 2, 3)
first, *rest = [1, 2, 3]
*init, last = "abcd"
(m, n), o = (1, 2), 3
a += 1
lst = [1]
lst[0] += 2
class O: pass
obj = O()
obj.attr = 5
obj.attr *= 2
t: int = 3
u: list
obj.attr2: int = 4
del a, lst[0], obj.attr
z = (w := 10) + w
x, y, z = y, z, x
