class Ctx:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


with Ctx() as c:
    print(c)

with Ctx(), Ctx() as d:
    pass


def h():
    with Ctx() as a:
        return a


def loop():
    for i in range(3):
        with Ctx():
            if i:
                break
