"""Pure rules of the portal: matching a search against the catalogue, colour contrast."""

from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

from espace_citoyen.core.text import words

# Words that carry no meaning for a search ("carte de la famille" = "carte famille").
STOPWORDS = frozenset(
    "a au aux avec ce ces d dans de des du en et je j l la le les leur ma mes mon ne "
    "nos notre ou par pas pour qu que qui sa se ses son sur ta te tes ton un une vos "
    "votre vous".split()
)
# Two stems match when they share this many first letters: "inscrire" (inscrir) and
# "inscription" (inscript) are one search for a parent.
SHARED_PREFIX = 5

_stemmer = snowballstemmer.stemmer("french")


@lru_cache(maxsize=4096)
def stem(word: str) -> str:
    return _stemmer.stemWord(word)


def terms(text: str) -> list[str]:
    """The search terms of a text: folded words, stop words dropped, stemmed."""
    return [stem(word) for word in words(text) if word not in STOPWORDS]


def term_matches(query_term: str, entry_term: str) -> bool:
    """Same stem, or a long enough common beginning ("inscrir" ~ "inscript")."""
    if query_term == entry_term:
        return True
    if len(query_term) >= SHARED_PREFIX and len(entry_term) >= SHARED_PREFIX:
        return query_term[:SHARED_PREFIX] == entry_term[:SHARED_PREFIX]
    # A short query term finds words that begin with it ("cart" -> "carte").
    return len(query_term) >= 3 and entry_term.startswith(query_term)


@dataclass(frozen=True)
class SearchEntry:
    title: str
    keywords: str
    summary: str


WEIGHTS = (("title", 3), ("keywords", 2), ("summary", 1))


def match_score(query: str, entry: SearchEntry) -> int:
    """0 if some word of the query is found nowhere in the entry, else a relevance score
    (title counts most). Case, accents and simple French endings do not matter."""
    query_terms = terms(query)
    if not query_terms:
        return 0
    fields = {name: terms(getattr(entry, name)) for name, _weight in WEIGHTS}
    score = 0
    for query_term in query_terms:
        best = max(
            (
                weight
                for name, weight in WEIGHTS
                if any(term_matches(query_term, t) for t in fields[name])
            ),
            default=0,
        )
        if best == 0:
            return 0
        score += best
    return score


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(hex_colour: str) -> float:
    hex_colour = hex_colour.lstrip("#")
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2.1 contrast ratio between two #rrggbb colours, from 1 to 21."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def darken(hex_colour: str, factor: float = 0.75) -> str:
    """The same hue, darker: hover states of the commune's colour."""
    hex_colour = hex_colour.lstrip("#")
    r, g, b = (int(int(hex_colour[i : i + 2], 16) * factor) for i in (0, 2, 4))
    return f"#{r:02x}{g:02x}{b:02x}"
