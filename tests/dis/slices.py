a = list(range(10))
print(a[1:2], a[:], a[::2], a[:3], a[1:], a[-1], a[::-1])
a[2:4] = [0, 0]
del a[:1]
b = a[1:2:3]
c = a[len(a) // 2:]
m = {}
m[1, 2] = 3
print(m[1, 2])
x = a[
    1:
    3
]
