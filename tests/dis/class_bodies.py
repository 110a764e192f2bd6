class Base:
    """A docstring."""
    attr = 1
    __private = 2

    def method(self):
        return self.__private

    @property
    def prop(self):
        return self.attr

    @staticmethod
    def stat():
        return Base.attr


class Child(Base, metaclass=type):
    x: int = 3
    y: str

    def method(self):
        return super().method() + 1

    def uses_class(self):
        return __class__


class Empty:
    pass
