import os
result = (
    os.path
    .join("a", "b")
)
value = (
    1 +
    2
)
items = [
    1,
    2,
]
text = "abc".upper(
).lower()
obj = type("T", (), {})()
obj.name = (
    "x"
)
call = print(
    "a",
    sep=""
)
