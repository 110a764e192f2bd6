total = 0
for i in range(10):
    if i % 2:
        continue
    if i > 6:
        break
    total += i
else:
    print("no break")

n = 0
while n < 5:
    n += 1
    if n == 3:
        continue
else:
    print("done")

while True:
    n -= 1
    if not n:
        break

for a, (b, c) in [(1, (2, 3))]:
    print(a, b, c)

for x in {1, 2}:
    pass

while n:
    pass
