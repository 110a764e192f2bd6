x = 1
if x:
    pass
elif x == 2:
    y = 1
elif x == 3:
    pass
if x: y = 2
else: y = 3
while x:
    x -= 1
else:
    pass
for i in []: pass
try:
    pass
finally:
    pass
with open("f") if False else None as f:
    pass
print(*[1], sep="")
def f(a, b):
    return a if b else (lambda: a)
lst = [1,2]
lst[0], lst[1] = lst[1], lst[0]
a = b = c = [1]
print(not x, -x, +x, ~x)
print(x.real.imag)
try:
    import nonexistent
except ImportError as e:
    print(e)
raise SystemExit(0) if False else None
