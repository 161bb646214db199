"""A1 notation as the Sheets API reads and writes it.

A range string is ``[sheet!]cells`` where *sheet* may be quoted (``'It''s'``)
and *cells* is ``A1``, ``A1:C3``, ``A:C``, ``2:5``, ``A5:C``, ``A1:C`` or a
named range. A bare string that names a sheet means the whole sheet.
Indexes here are 0-based and half-open like a ``GridRange``; ``None`` means
"unbounded on that side".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CELL = re.compile(r"^([A-Za-z]{0,3})(\d*)$")
_PLAIN_TITLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_LOOKS_LIKE_REF = re.compile(r"^([A-Za-z]{1,3}\d+|[Rr]\d*[Cc]\d*|true|false)$", re.IGNORECASE)


@dataclass(frozen=True)
class Span:
    """Bounds of a rectangle; ``None`` = open on that side (0-based, end exclusive)."""

    start_row: int | None
    end_row: int | None
    start_col: int | None
    end_col: int | None


def col_to_letters(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def letters_to_col(letters: str) -> int:
    """A -> 0, AA -> 26."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def split_sheet(text: str) -> tuple[str | None, str | None]:
    """Split ``'My ''tab'''!A1:B2`` into ``("My 'tab'", "A1:B2")``.

    Returns ``(None, text)`` when there is no sheet part and ``(title, None)``
    when the string is only a (quoted) sheet title.
    """
    if text.startswith("'"):
        i, title = 1, []
        while i < len(text):
            ch = text[i]
            if ch == "'":
                if i + 1 < len(text) and text[i + 1] == "'":
                    title.append("'")
                    i += 2
                    continue
                rest = text[i + 1 :]
                if rest == "":
                    return "".join(title), None
                if rest.startswith("!"):
                    return "".join(title), rest[1:] or None
                raise ValueError(text)
            title.append(ch)
            i += 1
        raise ValueError(text)
    if "!" in text:
        sheet, _, cells = text.rpartition("!")
        return sheet, cells or None
    return None, text


def parse_cells(cells: str) -> Span | None:
    """Parse the cell part (``A1:C``); ``None`` when it is not A1 notation."""
    parts = cells.split(":")
    if len(parts) > 2 or not all(parts):
        return None
    refs = []
    for part in parts:
        m = _CELL.match(part.replace("$", ""))
        if not m or (not m.group(1) and not m.group(2)):
            return None
        col = letters_to_col(m.group(1)) if m.group(1) else None
        row = int(m.group(2)) - 1 if m.group(2) else None
        if row is not None and row < 0:
            return None
        refs.append((row, col))
    if len(refs) == 1:
        row, col = refs[0]
        if row is None or col is None:
            return None  # "A" or "5" alone is not a range
        return Span(row, row + 1, col, col + 1)
    (r1, c1), (r2, c2) = refs
    # "A:C" (columns), "2:5" (rows), "A5:C" (open end), reversed corners are normalised
    if (r1 is None) != (r2 is None) and r1 is None:
        return None  # "A:C5" is not valid
    if (c1 is None) != (c2 is None) and c1 is None:
        return None
    rows = sorted(x for x in (r1, r2) if x is not None)
    cols = sorted(x for x in (c1, c2) if x is not None)
    start_row = rows[0] if r1 is not None else None
    end_row = rows[-1] + 1 if r2 is not None else None
    if r1 is not None and r2 is None:
        start_row, end_row = r1, None
    start_col = cols[0] if c1 is not None else None
    end_col = cols[-1] + 1 if c2 is not None else None
    if c1 is not None and c2 is None:
        start_col, end_col = c1, None
    return Span(start_row, end_row, start_col, end_col)


def quote_title(title: str) -> str:
    """Quote a sheet title the way Google echoes it (``Sheet1`` vs ``'My tab'``)."""
    if _PLAIN_TITLE.match(title) and not _LOOKS_LIKE_REF.match(title):
        return title
    return "'" + title.replace("'", "''") + "'"


def cell_a1(row: int, col: int) -> str:
    return f"{col_to_letters(col)}{row + 1}"


def format_span(start_row: int, end_row: int, start_col: int, end_col: int) -> str:
    """A1 text of a bounded rectangle; a single cell is written ``A1``."""
    first = cell_a1(start_row, start_col)
    if end_row - start_row == 1 and end_col - start_col == 1:
        return first
    return f"{first}:{cell_a1(end_row - 1, end_col - 1)}"


def format_range(title: str, start_row: int, end_row: int, start_col: int, end_col: int) -> str:
    return f"{quote_title(title)}!{format_span(start_row, end_row, start_col, end_col)}"


def format_open_span(span: Span) -> str:
    """A1 text of a span that may be open (used in error messages)."""

    def ref(row: int | None, col: int | None) -> str:
        return (col_to_letters(col) if col is not None else "") + (str(row + 1) if row is not None else "")

    start = ref(span.start_row, span.start_col)
    end = ref(
        span.end_row - 1 if span.end_row is not None else None,
        span.end_col - 1 if span.end_col is not None else None,
    )
    return start if start == end else f"{start}:{end}"
