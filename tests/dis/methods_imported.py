import math
import os.path
import collections as col
from functools import reduce

print(math.sqrt(16))
print(os.path.join("a", "b"))
d = col.OrderedDict()
d.update(a=1)
print(reduce(lambda a, b: a + b, [1, 2, 3]))
s = "text"
print(s.upper())


def use():
    import json
    return math.floor(2.5), json.dumps([1])


class C:
    def m(self):
        return math.ceil(1.5)
