def f(x):
    try:
        return x + 1
    finally:
        print("cleanup")


def g(items):
    for i in items:
        try:
            if i:
                continue
            break
        finally:
            print(i)
    return items


try:
    f(1)
except ValueError:
    pass
finally:
    print("done")
