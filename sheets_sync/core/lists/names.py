"""Which tabs are teachers' lists, by name (issue 13 #2).

A list tab is named ``List - <teacher>``; people also write ``Lista - Ana Ruiz``, ``List -Pedro
Gil``, ``list - marta lópez`` or ``Lijst – Wim`` (an en dash typed by a Mac or Word). So the
word "list" in any of the five languages (List, Lista, Lijst, Nimekiri, Elenco), any case, any
spacing, any kind of dash (or a colon) before the teacher's name: all read.

A tab that does not match but still *looks* like a list (one of those words, or a plural, as a
word of its title: ``Lista Ana``, ``Listas 2019``, ``Ana's list``) is not guessed at: it is
reported (``check``, the sync summary, ``Data issues``) with the name to give it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

# "list" in English, Spanish/Italian, Dutch, Estonian, Italian
LIST_WORDS = ("list", "lista", "lijst", "nimekiri", "elenco")
_PLURALS = ("lists", "listas", "liste", "lijsten", "nimekirjad", "elenchi", "listado", "listados")
DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d:"
_WORD = re.compile(r"[^\W\d_]+")
_LOOKS = frozenset(LIST_WORDS + _PLURALS)

# Messages (kept together for translation)
NOT_READ = "this tab looks like a teacher list but is not read: its name is not 'List - <teacher>'"
NOT_READ_FIX = (
    "rename the tab 'List - <teacher name>' (e.g. 'List - Ana Ruiz'; Lista, Lijst, Nimekiri or "
    'Elenco work too), or name it in the config: [[lists]] teacher = "…" tab = "{title}"'
)
NOT_READ_WARNING = (
    "tab {title!r} looks like a teacher list but is not read — rename it 'List - <teacher name>'"
)


def _normal(title: str) -> str:
    return unicodedata.normalize("NFC", title)


@lru_cache(maxsize=8)
def _pattern(words: frozenset[str]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(
        r"^\s*(?:" + alternatives + r")\s*[" + re.escape(DASHES) + r"]+\s*(?P<teacher>\S.*?)\s*$",
        re.IGNORECASE,
    )


def list_teacher(title: str, words: Iterable[str] = ()) -> str | None:
    """The teacher of a list tab (``"Lista - Ana Ruiz"`` -> ``"Ana Ruiz"``), None when not a list name.

    ``words``: more words for "list" (the translation catalogs' ``List - `` prefix, for a sixth
    language), besides the five of :data:`LIST_WORDS`.
    """
    extra = {w.strip(" " + DASHES).casefold() for w in words}
    match = _pattern(frozenset(LIST_WORDS) | {w for w in extra if w}).match(_normal(title))
    return match["teacher"] if match else None


def looks_like_list(title: str) -> bool:
    """True when the title has "list" (five languages, or a plural) as a word of its own."""
    return any(word.casefold() in _LOOKS for word in _WORD.findall(_normal(title)))
