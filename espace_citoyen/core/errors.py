"""The one exception type that services raise for a rule the user broke.

Its message is written for the user, in French, and views show it as it is."""


class ApplicationError(Exception):
    def __init__(self, message: str, *, field: str | None = None, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code

    def __str__(self) -> str:
        return str(self.message)
