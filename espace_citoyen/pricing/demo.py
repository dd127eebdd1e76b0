"""Demo data of pricing."""


def load() -> list[tuple[str, str]]:
    return []
