def risky(n):
    if n:
        raise ValueError("bad")
    return n


try:
    risky(1)
except ValueError as e:
    print("caught", e)
except (TypeError, KeyError):
    print("other")
else:
    print("no error")

try:
    risky(0)
except Exception:
    pass

try:
    risky(1)
except:
    print("bare")


def nested():
    try:
        try:
            risky(1)
        except ValueError:
            raise RuntimeError("wrapped")
    except RuntimeError as err:
        return str(err)
    return None
