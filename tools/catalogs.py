#!/usr/bin/env python3
"""The translation catalogs' tooling (Babel): extract, update, check.

    python tools/catalogs.py extract   # write locale/sheets_sync.pot from the code and templates
    python tools/catalogs.py update    # extract, then merge it into every <lang>/LC_MESSAGES/*.po
    python tools/catalogs.py check     # exit 1 when a language misses or has a fuzzy translation
    python tools/catalogs.py init LANG # start a sixth language (e.g. eu, ca, de) from the template

``make catalogs`` runs ``update``; ``make check-catalogs`` runs ``check``. Messages come from:

* the tab schema (``sheets_sync.tabs``/``schema``): tab names, column headers, dropdown choices;
* the guide's template TOML files: help notes and the guide's fixed rows;
* the package's Python source: every ``N_("<context>", "<text>")`` marker.

A translator edits only the ``.po`` files (Poedit, Weblate); no compiled ``.mo`` is kept: the
service reads the ``.po`` files directly (``sheets_sync.i18n``).
"""

from __future__ import annotations

import datetime as dt
import io
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sheets_sync import i18n  # noqa: E402
from sheets_sync import schema as tabs  # noqa: E402
from sheets_sync.resources import templates_dir  # noqa: E402

KEYWORDS = {"N_": ((1, "c"), 2)}
# fixed, so that re-extracting unchanged messages changes no file (git shows real edits only)
CREATION_DATE = dt.datetime(2026, 12, 4, tzinfo=dt.timezone.utc)
Message = tuple[str, str, str]  # context, English text, where (for translators)


def schema_messages() -> Iterator[Message]:
    where = "tab schema"
    for title in tabs.TEMPLATE_TABS:
        yield i18n.TAB, title, where
    for title in tabs.OUTPUT_TABS:
        if title != tabs.STATE:  # hidden, machine-readable
            yield i18n.TAB, title, where
    yield i18n.TAB, tabs.LIST_PREFIX, "tab schema: the prefix of a teacher's list tab"
    for title, headers in tabs.TEMPLATE_HEADERS.items():
        for h in headers:
            yield i18n.HEADER, h, f"{title} tab"
    for name in dir(tabs):
        value = getattr(tabs, name)
        if name == "STATE_HEADERS":  # the hidden state tab is machine-readable
            continue
        if name.endswith("_NOTES") and isinstance(value, dict):  # help notes of output columns
            for note in value.values():
                yield i18n.NOTE, note, f"tab schema {name}"
            continue
        if name.endswith("_HEADERS") and isinstance(value, tuple):
            for h in value:
                yield i18n.HEADER, h, f"tab schema {name}"
        elif name.isupper() and isinstance(value, tuple) and name not in ("TEMPLATE_TABS", "OUTPUT_TABS"):
            if all(isinstance(v, str) for v in value) and not name.endswith("_COLUMNS"):
                for v in value:
                    if not (v.isidentifier() and v.islower()):  # machine names (FIELDS) are no words
                        yield i18n.CHOICE, v, f"dropdown {name}"


# modules whose string constants are the Rollup tab's words (table titles, headers, labels)
ROLLUP_MODULES = (
    "sheets_sync/core/rollup/alumni.py",
    "sheets_sync/core/rollup/templates.py",
    "sheets_sync/core/rollup/build.py",
    "sheets_sync/core/survey/rollup.py",
)


def rollup_messages() -> Iterator[Message]:
    """Every word-like string constant of the Rollup modules (docstrings, identifiers such as
    ``TITLES`` or ``RollupInput``, and fragments ending in a space left out)."""
    import ast

    for rel in ROLLUP_MODULES:
        tree = ast.parse((ROOT / rel).read_text(encoding="utf-8"))
        docs = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef))
            and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
        }
        docs |= {
            id(v) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for v in n.values
        }  # f-string parts
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Constant) and isinstance(node.value, str)) or id(node) in docs:
                continue
            text = node.value
            if len(text) < 2 or not text[0].isupper() or text.endswith(" ") or "\n" in text:
                continue
            if text.isidentifier() and (text.isupper() or any(c.isupper() for c in text[1:])):
                continue  # TITLES, RollupInput, NPS: names, not words
            yield i18n.ROLLUP, text, f"{rel}:{node.lineno}"


def template_messages() -> Iterator[Message]:
    for path in sorted(templates_dir().glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        title = data.get("title", path.stem)
        choices_of: dict[str, tuple[str, ...]] = {}
        for col in data.get("columns", []):
            header = col.get("header", "")
            if col.get("note"):
                yield i18n.NOTE, str(col["note"]).strip(), f"{title} tab, note on {header!r}"
            choices = col.get("choices")
            if isinstance(choices, str):
                choices_of[header] = tuple(getattr(tabs, choices))
            elif isinstance(choices, list):
                choices_of[header] = tuple(choices)
                for c in choices:
                    if not c.isdigit():  # numbers (a 0-10 score) read the same everywhere
                        yield i18n.CHOICE, c, f"{title} tab, dropdown of {header!r}"
        for row in data.get("rows", []):
            for header, value in row.items():
                if not value:
                    continue
                ctx = i18n.CHOICE if value in choices_of.get(header, ()) else i18n.ROW
                yield ctx, str(value), f"{title} tab, guide row, column {header!r}"


def source_messages() -> Iterator[Message]:
    package = ROOT / "sheets_sync"
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(package),
        method_map=[("**.py", "python")],
        keywords=KEYWORDS,
        comment_tags=("Translators:",),
        strip_comment_tags=True,
    ):
        if context and isinstance(message, str):
            yield context, message, f"sheets_sync/{filename}:{lineno}"


def extract() -> Catalog:
    """Every message of the current code and templates, as a gettext template (POT)."""
    pot = Catalog(
        project="sheets_sync",
        domain=i18n.DOMAIN,
        fuzzy=False,
        creation_date=CREATION_DATE,
        revision_date=CREATION_DATE,
        copyright_holder="sheets_sync authors",
        msgid_bugs_address="the project's issue tracker",
    )
    for context, text, where in [
        *schema_messages(),
        *template_messages(),
        *rollup_messages(),
        *source_messages(),
    ]:
        if pot.get(text, context=context) is None:
            pot.add(text, context=context, auto_comments=[where])
    return pot


def pot_path() -> Path:
    return i18n.locale_dir() / f"{i18n.DOMAIN}.pot"


def po_path(lang: str) -> Path:
    return i18n.catalog_path(lang)


def _write(catalog: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    write_po(buf, catalog, width=100, omit_header=False, sort_output=False)
    path.write_bytes(buf.getvalue())


def read(lang: str) -> Catalog:
    with po_path(lang).open("rb") as f:
        return read_po(f, locale=lang, domain=i18n.DOMAIN)


def update(langs: list[str]) -> None:
    pot = extract()
    _write(pot, pot_path())
    for lang in langs:
        path = po_path(lang)
        if path.exists():
            cat = read(lang)
        else:
            cat = Catalog(locale=lang, domain=i18n.DOMAIN, project="sheets_sync", fuzzy=False)
        cat.update(pot, no_fuzzy_matching=False)
        cat.obsolete.clear()  # a message gone from the code is gone (git keeps the history)
        _write(cat, path)
        print(f"{path.relative_to(ROOT)}: {len(cat)} messages")


def problems(lang: str, pot: Catalog | None = None) -> list[str]:
    """Missing, fuzzy or placeholder-breaking translations of one language (empty: complete)."""
    pot = pot or extract()
    if not po_path(lang).exists():
        return [f"{lang}: no catalog at {po_path(lang)}"]
    cat = read(lang)
    out = []
    for msg in pot:
        if not msg.id:
            continue
        have = cat.get(msg.id, context=msg.context)
        label = f"{lang}: [{msg.context}] {str(msg.id)[:70]!r}"
        if have is None or not have.string:
            out.append(f"{label}: no translation")
        elif have.fuzzy:
            out.append(f"{label}: fuzzy (check it, then remove the fuzzy flag)")
        elif _fields(str(msg.id)) != _fields(str(have.string)):
            out.append(
                f"{label}: placeholders {_fields(str(have.string))} differ from {_fields(str(msg.id))}"
            )
    return out


def _fields(text: str) -> list[str]:
    import string

    return sorted(f for _, f, _, _ in string.Formatter().parse(text) if f is not None)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("extract", "update", "check", "init"):
        print(__doc__)
        return 2
    cmd, rest = argv[0], argv[1:]
    langs = [i18n.check_language(x) for x in rest] or list(i18n.LANGUAGES[1:])
    if cmd == "extract":
        pot = extract()
        _write(pot, pot_path())
        print(f"{pot_path().relative_to(ROOT)}: {len(pot)} messages")
    elif cmd == "init":
        if len(rest) != 1:
            print("usage: catalogs.py init LANG")
            return 2
        lang = rest[0].lower()
        if po_path(lang).exists():
            print(f"{po_path(lang)} exists: run update")
            return 2
        update_one = Catalog(locale=lang, domain=i18n.DOMAIN, project="sheets_sync", fuzzy=False)
        update_one.update(extract())
        _write(update_one, po_path(lang))
        print(f"wrote {po_path(lang)}: translate it, then add {lang!r} to sheets_sync.i18n.LANGUAGES")
    elif cmd == "update":
        update(langs)
    else:
        pot = extract()
        found = [p for lang in langs for p in problems(lang, pot)]
        for line in found:
            print(line)
        print(f"{len(pot)} messages, {len(langs)} languages, {len(found)} problem(s)")
        return 1 if found else 0
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
