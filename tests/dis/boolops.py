a, b, c = 1, 0, 2
x = a and b
y = a or b or c
z = a and (b or c)
w = not a
if a and b or c:
    print("yes")
if not (a or b):
    print("no")
if a and not b and c:
    pass
v = (a if b else c) or a
if (a if b else c):
    pass
while a and b:
    a = 0
