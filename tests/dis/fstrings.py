name = "world"
width = 10
value = 3.14159
print(f"hello {name}")
print(f"{name!r} {name!s} {name!a}")
print(f"{value:.2f} {value:{width}.3f}")
print(f"{name=} {value = :.1f}")
print(f"plain")
print(f"{name}" f"{width}" "tail")
print(f"{'nested'} {name.upper()} {width + 1:>5}")
s = f"""multi
{name}
line"""
e = f""
