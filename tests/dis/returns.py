def early(x):
    if x:
        return 1
    elif x is None:
        return
    else:
        return (
            x
        )


def implicit(x):
    if x:
        print(x)


def loop_return(items):
    for i in items:
        if i:
            return i
    return None


def while_true():
    while True:
        return 1


def none_only():
    pass
