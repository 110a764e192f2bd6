x = 1
y = (f'a{x:02d}'
     f'.{x:06d}')
z = (f"<{x}:"
     f" value={x}>")
x = 1; w = 5
y = ("zz"
     f'A{x:a{w}b}B')
z = f'{x:{w}}'
