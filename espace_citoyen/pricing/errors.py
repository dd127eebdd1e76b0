"""The error of pricing's pure rules: a figure that breaks a rule, with a French message
for the user and the form field it concerns."""


class RuleError(ValueError):
    """A rule broken by a figure; the message is for the user, in French."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
