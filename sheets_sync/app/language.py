"""The workbook's language at the edges of a run: the core works on one (English) vocabulary.

* :func:`canonical_snapshot` reads a workbook in any of the five languages (or a mix: a school
  that switched, a teacher who types "Same" in a Spanish workbook): tab names, header rows,
  dropdown choices and the guide's fixed rows become their English message ids, so the core
  finds ``Staff``/``Decision``/``Yes`` whatever was typed.
* :func:`localise_writes` turns the service-owned tabs the core built into the school's
  language: tab names, headers, help notes, dropdowns and the values of dropdown columns.
* :func:`workbook_language` says which language a workbook is in (from its tab names).

Teacher list tabs keep their names (``Lista - Ana`` stays ``Lista - Ana``): :func:`list_teacher`
recognises the prefix in every language.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import replace
from functools import cache

from sheets_sync import i18n
from sheets_sync import schema as tabs
from sheets_sync.config.model import Config
from sheets_sync.core.lists import names
from sheets_sync.core.model import Grid
from sheets_sync.core.provision.plan import OUTPUT_CHOICES, OUTPUT_HEADERS, find_header_row
from sheets_sync.core.provision.templates import load_template
from sheets_sync.resources import read_template_text
from sheets_sync.workbook import CellValue, Snapshot, TabWrite

OUTPUT_NAMED = tuple(t for t in tabs.OUTPUT_TABS if t != tabs.STATE)  # the hidden state tab has one name
KNOWN_TABS = (*tabs.TEMPLATE_TABS, *OUTPUT_NAMED)


# columns of service-owned tabs whose values are our words (not typed by a person)
VALUE_COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    tabs.ALUMNI: {"Consent": (*tabs.YES_NO, "Unknown"), "Category": tabs.ALUMNI_CATEGORIES},
}
SURVEY_COLUMNS: dict[str, tuple[str, ...]] = {tabs.ALUMNI: ("Wants to get", "Offers to help")}
REF_COLUMNS: dict[str, tuple[str, ...]] = {tabs.OUTREACH_STATUS: ("Outreach row",)}  # <tab>!<row>
SURVEY_SHARE = re.compile(r"(GET|HELP): (.+) \(%\)")


@cache
def survey_labels() -> dict[str, dict[str, str]]:
    """The pre-graduation survey's answer labels in each language (``templates/pre-graduation_survey.toml``,
    the survey's own one place to translate): label -> {lang: text}."""
    data = tomllib.loads(read_template_text("pre-graduation_survey.toml"))
    return {
        str(c["label"]): {lang: str(c[lang]) for lang in i18n.LANGUAGES if lang in c}
        for c in data.get("choices", [])
    }


def _survey_word(lang: str, label: str) -> str:
    return survey_labels().get(label, {}).get(lang, label)


def _rollup_word(lang: str, text: str) -> str:
    """A Rollup cell in ``lang``: one of its own words, else a choice, header or guide row
    (category, stage, status, stocktaking item) it shows as a label; data stays as is."""
    found = i18n.translate_text(lang, i18n.ROLLUP, text)
    for context in (i18n.CHOICE, i18n.HEADER, i18n.ROW):
        if found is text:
            found = i18n.translate(lang, context, text)
    if found is text and (share := SURVEY_SHARE.fullmatch(text)):
        found = f"{share.group(1)}: {_survey_word(lang, share.group(2))} (%)"
    return found


def english_tab(title: str) -> str | None:
    """The English name of one of our tabs named in any language (None: not one of ours)."""
    if title in KNOWN_TABS or title == tabs.STATE:
        return title
    return i18n.canonical(i18n.TAB, title, among=KNOWN_TABS)


def list_teacher(title: str) -> str | None:
    """``"Lijst - Ana"`` -> ``"Ana"``: a teacher list tab in any language, any case, spacing or dash
    (None: not one). The words are the five languages' and the catalogs' (a sixth language)."""
    return names.list_teacher(title, i18n.all_translations(i18n.TAB, tabs.LIST_PREFIX))


def workbook_language(snapshot: Snapshot | None) -> str:
    """The language the workbook's tab names are in (English for a new or unrecognised one)."""
    if snapshot is None:
        return i18n.DEFAULT_LANGUAGE
    return i18n.detect_language(snapshot.grids, KNOWN_TABS) or i18n.DEFAULT_LANGUAGE


def school_language(config: Config, snapshot: Snapshot | None) -> str:
    """``[school] language`` when set, else the workbook's own."""
    return config.language or workbook_language(snapshot)


# --------------------------------------------------------------------------- reading


def _canonical_rows(
    rows: tuple[tuple[str, ...], ...],
    header_row: int,
    headers: Sequence[str],
    choices: Mapping[str, Sequence[str]],
    row_columns: frozenset[str] = frozenset(),
) -> tuple[tuple[str, ...], ...]:
    """Header cells, dropdown values and guide-row texts as their English ids; the rest as is."""
    header = rows[header_row]
    english = [i18n.canonical(i18n.HEADER, c, among=headers) if c.strip() else None for c in header]
    if all(e is None or e == c for e, c in zip(english, header, strict=True)) and not (
        choices or row_columns
    ):
        return rows
    out = list(rows)
    out[header_row] = tuple(e or c for e, c in zip(english, header, strict=True))
    convert: dict[int, tuple[str, Sequence[str] | None]] = {}
    for col, name in enumerate(english):
        if name is None:
            continue
        if name in choices:
            convert[col] = (i18n.CHOICE, choices[name])
        elif name in row_columns:
            convert[col] = (i18n.ROW, None)
    if convert:
        for r in range(header_row + 1, len(out)):
            row = out[r]
            if not any(col < len(row) and row[col] for col in convert):
                continue
            cells = list(row)
            for col, (context, among) in convert.items():
                if col < len(cells) and cells[col].strip():
                    found = i18n.canonical(context, cells[col], among=among)
                    if found is None and context == i18n.ROW:
                        found = i18n.canonical(i18n.CHOICE, cells[col])
                    if found is not None:
                        cells[col] = found
            out[r] = tuple(cells)
    return tuple(out)


def canonical_grid(grid: Grid, english: str) -> Grid:
    """One of our tabs with its name, headers and choices in English (other cells untouched)."""
    rows = grid.rows
    if english in tabs.TEMPLATE_HEADERS:
        spec = load_template(english)
        header_row = find_header_row(grid, spec.headers)
        if header_row is not None:
            choices = {c.header: c.choices for c in spec.columns if c.choices}
            row_cols = frozenset(
                spec.headers[i] for row in spec.fixed_rows for i, v in enumerate(row) if v
            ) - set(choices)
            rows = _canonical_rows(rows, header_row, spec.headers, choices, row_cols)
    elif english in OUTPUT_HEADERS and rows:
        rows = _canonical_rows(rows, 0, OUTPUT_HEADERS[english], OUTPUT_CHOICES.get(english, {}))
    if english == grid.title and rows is grid.rows:
        return grid
    return replace(grid, title=english, rows=rows)


def canonical_snapshot(snapshot: Snapshot) -> Snapshot:
    """The snapshot the core reads: our tabs under their English names, with English headers and
    choices. A tab also present under its English name wins over a translated twin."""
    grids: dict[str, Grid] = {}
    hidden = set()
    for title, grid in snapshot.grids.items():
        english = english_tab(title)
        if english is None:
            grids.setdefault(title, grid)
            continue
        if english in grids and english != title:
            continue  # the English-named tab (or the first translation) is the one read
        grids[english] = canonical_grid(grid, english)
        if title in snapshot.hidden:
            hidden.add(english)
    hidden |= {t for t in snapshot.hidden if t in grids}
    return replace(snapshot, grids=grids, hidden=frozenset(hidden))  # keeps what else it says


def real_titles(snapshot: Snapshot | None) -> dict[str, str]:
    """English name -> the name the tab has in this workbook (any language)."""
    found: dict[str, str] = {}
    for title in snapshot.grids if snapshot else ():
        english = english_tab(title)
        if english is not None and (english not in found or title == english):
            found[english] = title
    return found


# --------------------------------------------------------------------------- writing


def localise_write(tw: TabWrite, lang: str, titles: Mapping[str, str]) -> TabWrite:
    """One service-owned tab in ``lang``. An output tab that exists already keeps its name (in
    whatever language: ``init --language`` renames tabs), so a sync never makes a twin tab."""
    if tw.title == tabs.STATE:
        return tw
    tr = i18n.Translator(lang)
    title = titles.get(tw.title) or tr.tab(tw.title)
    if lang == i18n.DEFAULT_LANGUAGE and title == tw.title:
        return tw
    head = {h: tr.header(h) for h in tw.header} if tw.header_row else {}

    def h(name: str) -> str:
        return head.get(name, name)

    rows: Sequence[Sequence[CellValue]] = tw.rows
    value_columns = {
        tw.header.index(name): tuple(choices)
        for name, choices in {**tw.dropdowns, **VALUE_COLUMNS.get(tw.title, {})}.items()
        if tw.header_row and name in tw.header
    }
    tab_columns = {tw.header.index(name) for name in ("Tab",) if tw.title == tabs.DATA_ISSUES}
    survey_columns = [tw.header.index(n) for n in SURVEY_COLUMNS.get(tw.title, ()) if n in tw.header]
    ref_columns = [tw.header.index(n) for n in REF_COLUMNS.get(tw.title, ()) if n in tw.header]
    if value_columns or tab_columns or survey_columns or ref_columns:
        rows = [
            _localise_row(row, value_columns, tab_columns, tr, titles, survey_columns, ref_columns)
            for row in tw.rows
        ]
    if tw.title == tabs.ROLLUP:  # free-form: table titles, headers, labels and notes are our words
        rows = [[_rollup_word(lang, c) if isinstance(c, str) and c else c for c in row] for row in tw.rows]
    return replace(
        tw,
        title=title,
        header=tuple(h(x) for x in tw.header),
        rows=rows,
        key_columns=tuple(h(x) for x in tw.key_columns),
        staff_columns=tuple(h(x) for x in tw.staff_columns),
        dropdowns={h(k): tr.choices(v) for k, v in tw.dropdowns.items()},
        notes={h(k): i18n.translate_text(lang, i18n.NOTE, v) for k, v in tw.notes.items()},
        column_widths={h(k): v for k, v in tw.column_widths.items()},
        charts=tuple(replace(c, title=tr(i18n.CHART, c.title)) for c in tw.charts),
        compare_columns=tuple((h(a), h(b)) for a, b in tw.compare_columns),
    )


def _localise_row(
    row: Sequence[CellValue],
    value_columns: Mapping[int, tuple[str, ...]],
    tab_columns: set[int],
    tr: i18n.Translator,
    titles: Mapping[str, str],
    survey_columns: Sequence[int] = (),
    ref_columns: Sequence[int] = (),
) -> list[CellValue]:
    cells = list(row)
    for col, choices in value_columns.items():
        if col < len(cells) and cells[col] in choices:
            cells[col] = _rollup_word(tr.lang, str(cells[col]))
    for col in survey_columns:
        if col < len(cells) and isinstance(cells[col], str) and cells[col]:
            cells[col] = "; ".join(_survey_word(tr.lang, x) for x in str(cells[col]).split("; "))
    for col in tab_columns:
        if col < len(cells) and isinstance(cells[col], str) and cells[col] in KNOWN_TABS:
            cells[col] = titles.get(str(cells[col])) or tr.tab(str(cells[col]))
    for col in ref_columns:  # "Outreach!4": the reference with the tab's name in this workbook
        value = cells[col] if col < len(cells) else None
        if isinstance(value, str) and "!" in value:
            tab, _, where = value.rpartition("!")
            if tab in KNOWN_TABS:
                cells[col] = f"{titles.get(tab) or tr.tab(tab)}!{where}"
    return cells


def localise_writes(writes: Sequence[TabWrite], lang: str, snapshot: Snapshot | None) -> list[TabWrite]:
    titles = real_titles(snapshot)
    return [localise_write(tw, lang, titles) for tw in writes]
