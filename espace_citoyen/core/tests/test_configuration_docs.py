import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_every_environment_variable_of_the_settings_is_documented():
    """docs/configuration.md has a row for each variable config/settings.py reads, with
    a default and an example."""
    settings = (ROOT / "config" / "settings.py").read_text()
    names = set(
        re.findall(r"""env_(?:str|bool|int|list)\(\s*["']([A-Z_][A-Z0-9_]*)["']""", settings)
    )
    assert len(names) > 20
    rows = {
        match.group(1): match.group(0)
        for match in re.finditer(
            r"^\| `([A-Z_][A-Z0-9_]*)` \|.*$",
            (ROOT / "docs" / "configuration.md").read_text(),
            re.M,
        )
    }
    missing = sorted(names - set(rows))
    assert not missing, f"undocumented in docs/configuration.md: {missing}"
    for name in names:
        cells = [cell.strip() for cell in rows[name].strip("|").split("|")]
        # variable, type, default, example, meaning: none left blank
        assert len(cells) == 5 and all(cells), rows[name]
