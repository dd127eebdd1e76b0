"""Demo data of the family card."""


def load() -> list[tuple[str, str]]:
    return []
