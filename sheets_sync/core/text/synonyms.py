"""Text folding, first-name nicknames and qualification synonyms, loaded from ``templates/``.

* :func:`fold` — lower-case ASCII form used by every name comparison ("Jürgen Müller-Õun" ->
  "jurgen muller oun").
* :func:`nickname_groups` — the nickname groups a first name belongs to (``paco`` and
  ``francisco`` share the group ``es:francisco``), from ``templates/nicknames.csv``.
* :func:`corrected_nickname_groups` — the same for a one-word first name with a typo, through
  the known name one edit away ("Domenio" -> Domenico).
* :func:`qualification_code` — the code of a qualification named in any of the five languages or
  abbreviated ("Cocina y Gastronomía", "Cucina", "Koken", "Kokk", "Chef" -> ``cookery``), from
  ``templates/qualifications.csv``.
* :func:`qualification_faculty` — the faculty a qualification code belongs to (``cookery`` and
  ``hospitality`` are both ``hospitality``): courses of one faculty share teachers, workshops and
  first-year modules, so a teacher may name a neighbouring course of the same faculty.

* :func:`common_name` — whether a name is among the most frequent in the population of one of
  the five languages (``templates/common_names.csv``, from national statistics): two people
  called "Mart Tamm" are common enough that a shared name proves nothing, however few of them
  the lists happen to hold.

The tables are plain CSV so a school can add its own names without touching code.
"""

from __future__ import annotations

import csv
import functools
import re

from rapidfuzz import process
from rapidfuzz.distance import OSA

from sheets_sync.core.text.fold import PARTICLES, fold
from sheets_sync.resources import read_template_text

_SOUND_ALIKE = (("ph", "f"), ("ck", "k"), ("w", "v"), ("y", "i"), ("j", "i"), ("k", "c"), ("z", "s"))
_DOUBLE = re.compile(r"([a-z])\1+")


@functools.lru_cache(maxsize=200_000)
def sound_alike(folded: str) -> str:
    """A folded name with the letters teachers of the five languages write for one another made
    equal (ph/f, w/v, y/j/i, k/c, z/s) and doubled letters single: "Dawis" and "Davis", "Fajardo"
    and "Fayardo", "Jace" and "Jake", "Ioppi" and "Iopi" give one key. Used only to widen the
    *similar* level of a name comparison, never for an exact agreement."""
    out = folded
    for old, new in _SOUND_ALIKE:
        out = out.replace(old, new)
    return _DOUBLE.sub(r"\1", out)


def _read_csv(name: str) -> list[dict[str, str]]:
    text = read_template_text(name)
    return list(csv.DictReader(text.splitlines()))


@functools.lru_cache(maxsize=1)
def _nickname_table() -> dict[str, frozenset[str]]:
    table: dict[str, set[str]] = {}
    for row in _read_csv("nicknames.csv"):
        group = f"{row['language']}:{fold(row['canonical'])}"
        names = [row["canonical"], *row["variants"].split(";")]
        for name in names:
            key = fold(name)
            if key:
                table.setdefault(key, set()).add(group)
    return {name: frozenset(groups) for name, groups in table.items()}


def nickname_groups(folded_first_name: str) -> frozenset[str]:
    """Groups of the whole folded first name and of each of its tokens ("maria jose" -> both)."""
    table = _nickname_table()
    groups: set[str] = set(table.get(folded_first_name, ()))
    for token in folded_first_name.split():
        groups.update(table.get(token, ()))
    return frozenset(groups)


MIN_CORRECTED_NAME = 5  # shorter names are not corrected: "Jan" one edit from "Jon" is another name


@functools.lru_cache(maxsize=200_000)
def corrected_nickname_groups(folded_first_name: str) -> frozenset[str]:
    """Nickname groups of the known name one typo away from a one-word first name that the table
    does not know ("domenio" -> "domenico" -> it:domenico, so it meets "Mimmo"); empty when the
    name is known, shorter than ``MIN_CORRECTED_NAME`` or has no known name one edit away."""
    name = folded_first_name
    if len(name) < MIN_CORRECTED_NAME or " " in name or nickname_groups(name):
        return frozenset()
    table = _nickname_table()
    best = process.extractOne(name, _nickname_keys(), scorer=OSA.distance, score_cutoff=1)
    return table[best[0]] if best is not None else frozenset()


@functools.lru_cache(maxsize=1)
def _nickname_keys() -> tuple[str, ...]:
    return tuple(sorted(k for k in _nickname_table() if " " not in k and len(k) >= MIN_CORRECTED_NAME - 1))


@functools.lru_cache(maxsize=1)
def _qualification_table() -> tuple[dict[str, str], tuple[tuple[tuple[str, ...], str], ...]]:
    exact: dict[str, str] = {}
    phrases: list[tuple[tuple[str, ...], str]] = []
    for row in _read_csv("qualifications.csv"):
        code = row["code"].strip()
        for synonym in [row["label"], code, *row["synonyms"].split(";")]:
            key = fold(synonym)
            if key and key not in exact:
                exact[key] = code
                phrases.append((tuple(key.split()), code))
    # Longest phrase first, so "electromecanica de vehiculos" wins over "electricidad"-like stems.
    phrases.sort(key=lambda item: (-len(item[0]), -sum(map(len, item[0])), item[1]))
    return exact, tuple(phrases)


@functools.lru_cache(maxsize=50_000)
def qualification_code(text: str) -> str:
    """The synonym table's code for a qualification, or ``""`` when it is not recognised.

    An exact (folded) synonym wins; otherwise the longest synonym found as a run of whole words
    inside the text ("Técnico Superior en Cocina" -> ``cookery``).
    """
    key = fold(text)
    if not key:
        return ""
    exact, phrases = _qualification_table()
    if key in exact:
        return exact[key]
    tokens = key.split()
    best: tuple[int, str] | None = None  # (rank in ``phrases``, code): the earliest-ranked phrase found
    by_first = _phrases_by_first_word()
    for start, token in enumerate(tokens):  # linear in the text (a 50,000-character cell took seconds)
        for rank, phrase, code in by_first.get(token, ()):
            if best is not None and rank >= best[0]:
                break
            if tuple(tokens[start : start + len(phrase)]) == phrase:
                best = (rank, code)
                break
    return best[1] if best else ""


@functools.lru_cache(maxsize=1)
def _faculties() -> dict[str, str]:
    return {
        row["code"].strip(): (row.get("faculty") or "").strip() for row in _read_csv("qualifications.csv")
    }


def qualification_faculty(code: str) -> str:
    """The ``faculty`` column of ``templates/qualifications.csv`` for a code (``""`` when unknown)."""
    return _faculties().get(code, "")


@functools.lru_cache(maxsize=1)
def _common_names() -> tuple[frozenset[str], frozenset[str]]:
    """Folded common first names and common surname words (particles dropped: "de Vries" -> vries)."""
    first: set[str] = set()
    surnames: set[str] = set()
    for row in _read_csv("common_names.csv"):
        for name in (row.get("names") or "").split(";"):
            words = [w for w in fold(name).split() if w not in PARTICLES]
            if not words:
                continue
            if row.get("kind", "").strip() == "first":
                first.add(words[0])
            else:
                surnames.add(" ".join(words))
    return frozenset(first), frozenset(surnames)


def common_name(first: str, surname: str) -> bool:
    """Both the (folded) first name's first word and a word of the surname are among the most
    frequent in the population: "maria" + "garcia lopez", "mart" + "tamm", "jan" + "de vries"."""
    firsts, surnames = _common_names()
    given = first.split()
    if not given or given[0] not in firsts:
        return False
    words = [w for w in surname.split() if w not in PARTICLES]
    return any(w in surnames for w in words) or " ".join(words) in surnames


@functools.lru_cache(maxsize=1)
def _phrases_by_first_word() -> dict[str, tuple[tuple[int, tuple[str, ...], str], ...]]:
    """``_qualification_table``'s phrases grouped by their first word, in rank order."""
    grouped: dict[str, list[tuple[int, tuple[str, ...], str]]] = {}
    for rank, (phrase, code) in enumerate(_qualification_table()[1]):
        grouped.setdefault(phrase[0], []).append((rank, phrase, code))
    return {word: tuple(items) for word, items in grouped.items()}
