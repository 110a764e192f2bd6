"""Module docstring."""


def f():
    """Function docstring."""
    return 1


def g():
    "single"


class C:
    """Class docstring."""

    def m(self):
        """Method docstring."""


def not_doc():
    x = 1
    "not a docstring"
    return x
