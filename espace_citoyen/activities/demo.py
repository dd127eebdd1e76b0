"""Demo data of activities."""


def load() -> list[tuple[str, str]]:
    return []
