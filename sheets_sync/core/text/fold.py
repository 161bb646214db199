"""The two forms of a cell's text, and the name particles, shared by every reader and the matching.

``clean_text`` is the display form (trimmed, invisible characters gone, one space between words);
``fold`` is what two cells are compared by: headers, names, words, staff names, event names. It is
case-, accent- and punctuation-blind and knows the letters NFKD does not decompose (ø, æ, ł, ß...).
"""

from __future__ import annotations

import functools
import re
import unicodedata

_SPECIAL = str.maketrans(
    {
        "ß": "ss",
        "ø": "o",
        "Ø": "o",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "ł": "l",
        "Ł": "l",
        "đ": "d",
        "Đ": "d",
        "ı": "i",
        "'": "",
        "’": "",
        "`": "",
    }
)
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_SPACES = re.compile(r"\s+")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)


def clean_text(text: str) -> str:
    """Strip, drop invisible characters, collapse runs of whitespace (newlines too) to one space."""
    if text.isascii() and text.isprintable() and "  " not in text:
        return text.strip()
    return _SPACES.sub(" ", text.translate(_INVISIBLE)).strip()


@functools.lru_cache(maxsize=200_000)
def fold(text: str) -> str:
    """Comparison form: no accents, lower case, only ``[0-9a-z]`` words separated by one space.

    ``"Nº de alumno"`` -> ``"no de alumno"``, ``"E-mail address"`` -> ``"e mail address"``,
    ``"Lõpetamise aasta"`` -> ``"lopetamise aasta"``, ``"Søren Strauß"`` -> ``"soren strauss"``,
    ``"O'Brien"`` -> ``"obrien"`` (an apostrophe joins, it does not separate).
    """
    if not text:
        return ""
    if text.isascii():
        return _NON_ALNUM.sub(" ", text.translate(_SPECIAL).lower()).strip()
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return _NON_ALNUM.sub(" ", stripped).strip()


# Words that start a surname in the five languages ("Jan van der Berg", "Ana de la Fuente",
# "Mario De Luca", "Maria dos Santos"): the one list, used to split names, to case them and to
# look names up in the common-names table.
PARTICLES = frozenset(
    "van von der den de del della dello delle degli dei di da dal dalla dos das du la las le lo los "
    "ter ten te het t y i d".split()
)
# Italian particles keep their capital ("Di Marco", "Della Valle"); the others are written lower case
ITALIAN_PARTICLES = frozenset("della dello delle degli dei di da dal dalla le lo d".split())
LOWERCASE_PARTICLES = PARTICLES - ITALIAN_PARTICLES
