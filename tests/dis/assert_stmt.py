def check(a, b):
    assert a <= b, "a must not exceed b"
    assert a
    assert b, f"b is {b}"
    assert not a in [1, 2]
    assert a < b < 10
    return a


assert check(1, 2) == 1
