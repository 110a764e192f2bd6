data = [1, 2, 3, 4]
squares = [x * x for x in data]
evens = [x for x in data if x % 2 == 0 if x > 0]
pairs = [(a, b) for a in range(3) for b in range(a)]
lookup = {k: v for k, v in zip("abc", data)}
unique = {x % 3 for x in data}
total = sum(x for x in data)
gen = (y for y in [1, 2, 3])
nested = [[c for c in row] for row in ["ab", "cd"]]
tmp = [z for x in data for z in [x + 1]]
consts = [c for c in (1, 2, 3)]
cond = [x if x > 2 else -x for x in data]


def scoped(n):
    return [i * n for i in range(n)]
