s = "héllo wörld"
print(s.upper(), "ünï".title())
t = 1 + \
    2
@property
# comment
def f(self): return 1
@staticmethod
async def g(): pass
if 0:
    print("never")
while 0:
    pass
if True:
    print("always")
else:
    print("never")
assert False, "x"
def after_return():
    return 1
    print("dead")
def fin():
    try:
        return 1
    finally:
        return 2
def reraise():
    try:
        pass
    except:
        raise
def gen():
    x = yield 1
    y = yield
    return x + y
print(f"""a{
s
}b""")
print(f"{s:{'>'}{10}}")
v = {k: v for k, v in {}.items() if v}
for a, *b in [(1, 2, 3)]:
    pass
while True:
    pass
