x = 3
print(x in {3, 1, 2}, x in {10, 2, 33, 7, 100, 64})
print(x in {"qq800875", "qq66172", "qq267459", "qq123646"})
s = {"q-98418", "q-511554", "q-29724", "q-936710"}
for v in {5, -1, 2}:
    pass
print(x not in {True, 2})
