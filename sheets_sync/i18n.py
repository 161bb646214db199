"""Every word a person sees, in their language (foundation: imports nothing of the package).

The words live in gettext catalogs, one ``.po`` file per language under the templates'
``locale/<lang>/LC_MESSAGES/sheets_sync.po`` (English is the source language: its text is the
message id). A message is identified by a *context* (what kind of text it is: a tab name, a
column header, a dropdown choice...) and its English text, so "Other" the dropdown choice and
"Other" the stocktaking row can be translated differently.

Two directions:

* writing: :func:`translate` / :class:`Translator` give the text in one language (the English
  text when a catalog lacks it, so nothing is ever blank);
* reading is language-blind: :func:`canonical` maps a text typed in *any* of the languages back
  to its English message id (case, spaces and accents ignored), so the core keeps working on one
  vocabulary whatever language a workbook, a tab or a cell is in.

The ``.po`` files are read directly (with Babel, cached per process): there is no compiled
``.mo`` to forget to rebuild, and a translator's edit in Poedit or Weblate is live on the next run.
``tools/catalogs.py`` extracts the messages and updates the catalogs (``make catalogs``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from .resources import templates_dir

LANGUAGES = ("en", "es", "it", "nl", "et")  # English first: the source language
DEFAULT_LANGUAGE = "en"
DOMAIN = "sheets_sync"
LANGUAGE_NAMES = {"en": "English", "es": "Español", "it": "Italiano", "nl": "Nederlands", "et": "Eesti"}

# Contexts (msgctxt): what kind of text a message is. Translators see them in Poedit/Weblate.
TAB = "tab name"
HEADER = "column header"
CHOICE = "dropdown choice"
NOTE = "help note"
ROW = "guide row"
ABOUT = "tab description"
CHART = "chart title"
ROLLUP = "rollup"  # the Rollup tab's table titles, headers, labels and notes
TEXT = "text"  # sentences the service writes: Rollup titles, Data issues problems and fixes, mails


def N_(context: str, msgid: str) -> str:  # noqa: N802 - the gettext convention for "mark only"
    """Mark ``msgid`` for extraction without translating it (constants, module-level tables)."""
    return msgid


def check_language(code: str | None) -> str:
    """``"ES"`` -> ``"es"``; None -> the default. Raises ValueError naming the languages we have."""
    lang = (code or DEFAULT_LANGUAGE).strip().lower().replace("_", "-").split("-")[0]
    if lang not in LANGUAGES:
        raise ValueError(f"language {code!r} is not one of {', '.join(LANGUAGES)}")
    return lang


def locale_dir() -> Path:
    """The folder holding ``<lang>/LC_MESSAGES/sheets_sync.po`` (under ``templates/``)."""
    return templates_dir() / "locale"


def catalog_path(lang: str) -> Path:
    return locale_dir() / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def messages(lang: str) -> dict[tuple[str | None, str], str]:
    """``(context, English) -> translation`` of one language: translated, non-fuzzy entries only."""
    if lang == DEFAULT_LANGUAGE:
        return {}
    from babel.messages.pofile import read_po

    path = catalog_path(check_language(lang))
    if not path.is_file():
        return {}
    with path.open("rb") as f:
        cat = read_po(f, locale=lang, domain=DOMAIN)
    return {
        (m.context, str(m.id)): str(m.string)
        for m in cat
        if m.id and isinstance(m.id, str) and m.string and not m.fuzzy
    }


def translate(lang: str, context: str, msgid: str) -> str:
    """``msgid`` (English) in ``lang``; the English text when the catalog has no translation."""
    if not msgid:
        return msgid
    return messages(lang).get((context, msgid), msgid)


class Translator:
    """The words of one language: ``tr.tab("Review")``, ``tr.header("Name")``, ``tr(NOTE, text)``."""

    def __init__(self, lang: str | None = None) -> None:
        self.lang = check_language(lang)

    def __call__(self, context: str, msgid: str) -> str:
        return translate(self.lang, context, msgid)

    def tab(self, msgid: str) -> str:
        return translate(self.lang, TAB, msgid)

    def header(self, msgid: str) -> str:
        return translate(self.lang, HEADER, msgid)

    def choice(self, msgid: str) -> str:
        return translate(self.lang, CHOICE, msgid)

    def headers(self, msgids: Iterable[str]) -> tuple[str, ...]:
        return tuple(self.header(h) for h in msgids)

    def choices(self, msgids: Iterable[str]) -> tuple[str, ...]:
        return tuple(self.choice(c) for c in msgids)

    def __repr__(self) -> str:
        return f"Translator({self.lang!r})"


def translate_text(lang: str, context: str, text: str) -> str:
    """Like :func:`translate` for a text the code may have filled in: ``"pairs at 0.89 or more"``
    is found as the message ``"pairs at {line} or more"`` and its translation gets the same 0.89."""
    found = translate(lang, context, text)
    if found is not text or lang == DEFAULT_LANGUAGE:
        return found
    for msgid, pattern in _patterns(context):
        hit = pattern.fullmatch(text)
        if hit is not None:
            local = messages(lang).get((context, msgid))
            return local.format(**hit.groupdict()) if local else text
    return text


@cache
def _patterns(context: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """The messages of ``context`` with ``{fields}``, as regular expressions over their English text."""
    ids = {
        msgid for lang in LANGUAGES[1:] for (ctx, msgid) in messages(lang) if ctx == context and "{" in msgid
    }
    out = []
    for msgid in sorted(ids):
        parts = re.split(r"\{(\w+)\}", msgid)
        regex = "".join(re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)" for i, part in enumerate(parts))
        out.append((msgid, re.compile(regex, re.S)))
    return tuple(out)


def fold(text: str) -> str:
    """The form texts are compared in: case, accents and runs of spaces ignored."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", bare).strip().casefold()


@cache
def _reverse(context: str) -> dict[str, frozenset[str]]:
    """Folded text in any language -> the English message ids it translates (one context)."""
    found: dict[str, set[str]] = {}
    for lang in LANGUAGES[1:]:
        for (ctx, msgid), text in messages(lang).items():
            if ctx == context:
                found.setdefault(fold(text), set()).add(msgid)
                found.setdefault(fold(msgid), set()).add(msgid)
    return {k: frozenset(v) for k, v in found.items()}


def canonical(context: str, text: str, among: Iterable[str] | None = None) -> str | None:
    """The English message id ``text`` stands for, in any language (None: not a known text).

    ``among`` restricts the answer to these ids (the headers of one tab, the choices of one
    dropdown), which also settles a text two messages share in some language.
    """
    key = fold(text)
    if not key:
        return None
    wanted = None if among is None else list(among)
    if wanted is not None:
        for msgid in wanted:
            if fold(msgid) == key:
                return msgid
    ids = _reverse(context).get(key, frozenset())
    if wanted is not None:
        hits = [m for m in wanted if m in ids]
    else:
        hits = sorted(ids)
    return hits[0] if len(hits) >= 1 and (wanted is not None or len(hits) == 1) else None


def detect_language(texts: Iterable[str], msgids: Iterable[str], context: str = TAB) -> str | None:
    """The language most of ``texts`` are written in, judged on the ones that translate one of
    ``msgids`` (tab names, headers) and read differently across languages; None: no evidence."""
    wanted = list(msgids)
    votes = dict.fromkeys(LANGUAGES, 0)
    for text in texts:
        key = fold(text)
        speakers = [
            lang for lang in LANGUAGES if any(fold(translate(lang, context, m)) == key for m in wanted)
        ]
        if 0 < len(speakers) < len(LANGUAGES):
            for lang in speakers:
                votes[lang] += 1
    best = max(votes.values())
    if best == 0:
        return None
    return next(lang for lang in LANGUAGES if votes[lang] == best)  # a tie goes to English first


def all_translations(context: str, msgid: str) -> tuple[str, ...]:
    """``msgid`` in every language (English first), without repeats."""
    out: list[str] = []
    for lang in LANGUAGES:
        text = translate(lang, context, msgid)
        if text not in out:
            out.append(text)
    return tuple(out)
