a = [1, 2]
def f(*args):
    return *args, 1
print(
    (x for x in a),
)
with (open("a") as f1,
      open("b") as f2):
    pass
def g(x=lambda: 1, *, y=[i for i in range(2)]):
    pass
d = {"a": 1, **{"b": 2}, "c": 3}
class K:
    gen = (i for i in range(3))
    data = [i for i in gen]
    try:
        import missing
    except ImportError:
        missing = None
def h():
    x = [y for y in range(5) if (z := y) > 2]
    return x, z
