def g(cmd):
    match cmd.split():
        case ["go", ("north" | "south") as direction]:
            print(direction)
        case ["drop", *objs]:
            print(objs)
        case [("a" | "b") as x, ("c" | "d") as y]:
            print(x, y)
        case [x, y] | [y, x, _]:
            print(x, y)
    match cmd:
        case "quit":
            pass
