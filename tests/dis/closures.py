def outer():
    count = 0

    def inc(step=1):
        nonlocal count
        count += step
        return count

    def get():
        return count

    return inc, get


def arg_cell(x):
    def inner():
        return x
    x += 1
    return inner


def shadow():
    v = 1

    class K:
        v = 2

        def m(self):
            return v

    return K
