def f():
    import string
    return string.capwords("a b")


import string as st
print(st.capwords("x y"))
string = "not a module"
print(string.upper())
