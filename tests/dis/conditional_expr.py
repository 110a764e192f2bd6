a = 1
b = 2 if a else 3
c = (a if a > 0 else -a) + 1
print("yes" if a else "no")
d = [x if x else 0 for x in range(3)]
