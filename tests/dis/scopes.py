counter = 0
limit = 10


def bump():
    global counter
    counter += 1
    return counter


def read():
    return counter + limit


class Holder:
    counter = counter
    value = limit


def shadows():
    limit = 1
    return limit
