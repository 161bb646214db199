"""Load the guide's template tabs from ``templates/*.toml`` (pure: stdlib only).

A template file looks like::

    title = "Staff"                 # a tab of tabs.TEMPLATE_TABS
    guide = "§3 #1"                 # where the guide describes it
    about = "Who owns relationships and receives the digest."
    key_columns = ["Name"]          # optional: which columns identify a fixed row (default: first)

    [[columns]]                     # one per header of tabs.TEMPLATE_HEADERS[title], in order
    header = "Role"
    width = 18                      # characters
    note = "What to enter ..."      # help note on the header cell
    choices = "STAFF_ROLES"         # a tuple constant of sheets_sync.schema, or a list of strings

    [[rows]]                        # the guide's fixed rows, by header (missing = empty)
    Stage = "Awareness"

Headers must equal ``tabs.TEMPLATE_HEADERS`` exactly: the core reads the tabs by those names.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from sheets_sync import i18n
from sheets_sync import schema as tabs
from sheets_sync.resources import read_template_text

CATEGORY_SECTION = "Alumni categories"  # the Stocktaking section listing them (guide §2)


@dataclass(frozen=True)
class ColumnSpec:
    header: str
    width: int | None = None
    note: str = ""
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class TemplateSpec:
    """One template tab: its columns and the guide's fixed rows (as full rows, in header order)."""

    title: str
    guide: str
    about: str
    columns: tuple[ColumnSpec, ...]
    fixed_rows: tuple[tuple[str, ...], ...] = ()
    key_columns: tuple[int, ...] = (0,)  # indexes into ``columns``: a fixed row's identity
    language: str = i18n.DEFAULT_LANGUAGE
    english: TemplateSpec | None = None  # the spec this one translates (None: this is English)

    @property
    def source(self) -> TemplateSpec:
        """The English spec: the vocabulary the core reads (same columns and rows, same order)."""
        return self.english or self

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(c.header for c in self.columns)

    def key_of(self, row: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(row[i] if i < len(row) else "" for i in self.key_columns)


def template_file_name(title: str) -> str:
    """``"Experiential actions"`` -> ``"experiential_actions.toml"``."""
    return title.lower().replace(" ", "_") + ".toml"


def _choices(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        const = getattr(tabs, value, None)
        if not (isinstance(const, tuple) and all(isinstance(c, str) for c in const)):
            raise ValueError(f"{where}: choices = {value!r} is not a tuple constant of sheets_sync.schema")
        found: tuple[str, ...] = const
    elif isinstance(value, list) and all(isinstance(c, str) for c in value):
        found = tuple(value)
    else:
        raise ValueError(f"{where}: choices must be a list of strings or the name of a tabs constant")
    bad = [c for c in found if "," in c or '"' in c]
    if bad:
        raise ValueError(f"{where}: choices {bad} contain a comma or quote (not allowed in a dropdown)")
    return found


def parse_template(data: dict[str, Any], source: str = "<template>") -> TemplateSpec:
    """Build and validate a spec from parsed TOML. Raises ValueError naming the file and the fix."""
    title = data.get("title")
    if title not in tabs.TEMPLATE_HEADERS:
        raise ValueError(f"{source}: title {title!r} is not one of tabs.TEMPLATE_TABS")
    columns = []
    for i, col in enumerate(data.get("columns", [])):
        where = f"{source} columns[{i}]"
        width = col.get("width")
        if width is not None and not (isinstance(width, int) and 2 <= width <= 255):
            raise ValueError(f"{where}: width must be a whole number of characters 2..255")
        columns.append(
            ColumnSpec(
                header=str(col.get("header", "")),
                width=width,
                note=str(col.get("note", "")).strip(),
                choices=_choices(col.get("choices"), where),
            )
        )
    headers = tuple(c.header for c in columns)
    if headers != tabs.TEMPLATE_HEADERS[title]:
        raise ValueError(
            f"{source}: headers {headers} differ from tabs.TEMPLATE_HEADERS[{title!r}]; "
            "list exactly those headers, in that order"
        )
    rows = []
    for i, row in enumerate(data.get("rows", [])):
        unknown = set(row) - set(headers)
        if unknown:
            raise ValueError(f"{source} rows[{i}]: unknown headers {sorted(unknown)}")
        rows.append(tuple(str(row.get(h, "")) for h in headers))
    key_names = data.get("key_columns", [headers[0]])
    missing = [k for k in key_names if k not in headers]
    if missing:
        raise ValueError(f"{source}: key_columns {missing} are not headers of the tab")
    spec = TemplateSpec(
        title=title,
        guide=str(data.get("guide", "")),
        about=str(data.get("about", "")).strip(),
        columns=tuple(columns),
        fixed_rows=tuple(rows),
        key_columns=tuple(headers.index(k) for k in key_names),
    )
    keys = [spec.key_of(r) for r in spec.fixed_rows]
    if len(set(keys)) != len(keys) or any(not any(k) for k in keys):
        raise ValueError(f"{source}: fixed rows must have distinct, non-empty keys {key_names}")
    return spec


@cache
def load_template(title: str) -> TemplateSpec:
    """The spec of one template tab, from the package data."""
    name = template_file_name(title)
    text = read_template_text(name)
    return parse_template(tomllib.loads(text), source=f"templates/{name}")


def load_templates(
    categories: tuple[str, ...] = (), language: str = i18n.DEFAULT_LANGUAGE
) -> tuple[TemplateSpec, ...]:
    """Every template tab, in ``tabs.TEMPLATE_TABS`` order, in ``language``; ``categories``: the
    school's own alumni categories ([school] categories), added to the category dropdowns and the
    Stocktaking rows (as the school wrote them: they are its own words)."""
    return tuple(
        localise_template(with_categories(load_template(t), categories), language) for t in tabs.TEMPLATE_TABS
    )


def with_categories(spec: TemplateSpec, extra: tuple[str, ...]) -> TemplateSpec:
    """``spec`` with the school's own alumni categories in its category dropdowns and, for
    Stocktaking, one "Alumni categories" row each (the guide's "add rows as needed")."""
    if not extra:
        return spec
    names = tabs.alumni_categories(extra)
    columns = tuple(
        replace(c, choices=names) if c.choices == tabs.ALUMNI_CATEGORIES else c for c in spec.columns
    )
    rows = spec.fixed_rows
    if spec.title == tabs.STOCKTAKING:
        keys = {spec.key_of(r) for r in rows}
        values = {"Section": CATEGORY_SECTION}
        for name in names:
            row = tuple(values.get(h, name if h == "Item" else "") for h in spec.headers)
            if spec.key_of(row) not in keys:
                rows += (row,)
                keys.add(spec.key_of(row))
    return replace(spec, columns=columns, fixed_rows=rows)


def row_context(spec: TemplateSpec, col: int, value: str) -> str:
    """The catalog context of a fixed-row value: a dropdown choice, or the guide's own row text."""
    return i18n.CHOICE if value in spec.source.columns[col].choices else i18n.ROW


@cache
def localise_template(spec: TemplateSpec, language: str) -> TemplateSpec:
    """``spec`` (English) in ``language``: tab name, headers, help notes, choices and fixed rows."""
    lang = i18n.check_language(language)
    if lang == i18n.DEFAULT_LANGUAGE or spec.english is not None:
        return spec
    tr = i18n.Translator(lang)
    columns = tuple(
        ColumnSpec(
            header=tr.header(c.header),
            width=c.width,
            note=tr(i18n.NOTE, c.note),
            choices=tr.choices(c.choices),
        )
        for c in spec.columns
    )
    rows = tuple(
        tuple(tr(row_context(spec, i, v), v) if v else v for i, v in enumerate(row))
        for row in spec.fixed_rows
    )
    return TemplateSpec(
        title=tr.tab(spec.title),
        guide=spec.guide,
        about=spec.about,
        columns=columns,
        fixed_rows=rows,
        key_columns=spec.key_columns,
        language=lang,
        english=spec,
    )
