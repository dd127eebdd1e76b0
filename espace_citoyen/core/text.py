"""Pure text helpers: comparisons that ignore case and accents, used by every search."""

import re
import unicodedata

_WORD = re.compile(r"[a-z0-9]+")


def fold(text: str) -> str:
    """Lower case without accents or ligatures: "Écoles Œuvre" -> "ecoles oeuvre"."""
    text = text.replace("œ", "oe").replace("Œ", "Oe").replace("æ", "ae").replace("Æ", "Ae")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def words(text: str) -> list[str]:
    """The folded words of a text, punctuation dropped: "L'école, 2e" -> [l, ecole, 2e]."""
    return _WORD.findall(fold(text))
