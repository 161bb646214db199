"""Read .xlsx files as text, the way a person sees the cells (openpyxl, read-only mode).

* dates -> ISO ``yyyy-mm-dd`` (``yyyy-mm-dd hh:mm[:ss]`` when the time is not midnight);
* whole numbers -> ``2019`` (never ``2019.0``), other numbers without float noise (``0.3``);
* a number shown zero-padded (format ``000``) -> ``007``; a percentage (format ``0%``) -> ``23%``;
* booleans -> ``TRUE`` / ``FALSE``; empty -> ``""``; text as is;
* formulas -> the value Excel/LibreOffice cached when the file was last saved there
  (a formula written by a program that does not calculate has no cached value: ``""``).

Trailing empty cells and rows are trimmed. Used by :class:`~.xlsx.XlsxWorkbook` and
:class:`XlsxListSource` (a teacher's own file).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from sheets_sync.adapters.xlsx.fast import sheet_text_rows
from sheets_sync.adapters.xlsx.guard import MAX_GRID_CELLS, check_archive
from sheets_sync.adapters.xlsx.guard import MESSAGES as GUARD_MESSAGES
from sheets_sync.adapters.xlsx.text import decode, keep_escapes_for_decoding
from sheets_sync.core.model import Grid
from sheets_sync.errors import SourceError
from sheets_sync.workbook import ListSource

log = logging.getLogger(__name__)

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted .xlsx and old .xls both start so
_ZERO_PAD = re.compile(r"^0{2,}$")
_PERCENT = re.compile(r"^0(?:\.(0+))?%$")


def number_text(value: float | int) -> str:
    """``2019.0`` -> ``"2019"``, ``0.1 + 0.2`` -> ``"0.3"``, ``7`` -> ``"7"``."""
    if isinstance(value, int):
        return str(value)
    if value != value or value in (float("inf"), float("-inf")):
        return str(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.15g}"


def cell_text(value: Any, number_format: str = "General") -> str:
    """One cell value (as openpyxl returns it) as the text a person sees."""
    if value is None:
        return ""
    if isinstance(value, str):
        return decode(value)  # Excel's _xHHHH_ escapes (sheets_sync.adapters.xlsx.text)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds" if value.second else "minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat(timespec="seconds" if value.second else "minutes")
    if isinstance(value, dt.timedelta):
        total = int(value.total_seconds())
        hours, rest = divmod(total, 3600)
        return f"{hours}:{rest // 60:02d}" + (f":{rest % 60:02d}" if rest % 60 else "")
    if isinstance(value, (int, float)):
        fmt = number_format or "General"
        if _ZERO_PAD.match(fmt) and float(value).is_integer() and value >= 0:
            return str(int(value)).zfill(len(fmt))
        pct = _PERCENT.match(fmt)
        if pct:
            return f"{value * 100:.{len(pct.group(1) or '')}f}%"
        return number_text(value)
    return str(value)


def _trim(cells: list[str]) -> tuple[str, ...]:
    end = len(cells)
    while end and not cells[end - 1]:
        end -= 1
    return tuple(cells[:end])


def _rows_as_text(rows: Iterable[Iterable[Any]]) -> tuple[tuple[str, ...], ...]:
    out: list[tuple[str, ...]] = []
    for row in rows:
        out.append(
            _trim(
                [
                    "" if c.value is None else cell_text(c.value, getattr(c, "number_format", "General"))
                    for c in row
                ]
            )
        )
    while out and not out[-1]:
        out.pop()
    return tuple(out)


def check_openable(path: Path, data: bytes | None = None) -> bytes:
    """The file's bytes, or a SourceError saying what is wrong with it and how to fix it."""
    try:
        data = path.read_bytes() if data is None else data
    except FileNotFoundError:
        raise SourceError(
            f"{path}: file not found. Fix: check the path (run `init --workbook {path}` to create a workbook)."
        ) from None
    except IsADirectoryError:
        raise SourceError(
            f"{path} is a folder, not an .xlsx file. Fix: name the .xlsx file itself."
        ) from None
    except OSError as err:
        raise SourceError(
            f"{path}: cannot be read ({err.strerror}); it may be locked by another program. "
            "Fix: close it there, check its permissions, and run again."
        ) from None
    if data.startswith(OLE_MAGIC):
        if "EncryptionInfo".encode("utf-16-le") in data:
            raise SourceError(
                f"{path} is password-protected. Fix: open it in Excel or LibreOffice, remove the "
                "password (Excel: File › Info › Protect Workbook › Encrypt with Password) and save."
            )
        raise SourceError(
            f"{path} is an old-style .xls file. Fix: open it in Excel or LibreOffice and "
            "save it as Excel Workbook (.xlsx)."
        )
    if not data.startswith(b"PK"):
        raise SourceError(
            f"{path} is not an .xlsx workbook (empty, or another format such as CSV/ODS). "
            "Fix: open it in Excel or LibreOffice and save it as Excel Workbook (.xlsx)."
        )
    return data


@contextmanager
def _no_size_scan() -> Iterator[None]:
    """openpyxl's read-only worksheet, when its XML has no ``<dimension>``, parses the whole
    sheet to learn its size as it is loaded (keeping every row element: time and memory follow
    the file's length, 2 GB for 22 million ``<row r="5"/>``), before any limit can be held. The
    reader resets the dimensions anyway (it trusts the cells), so the scan is skipped."""
    original = ReadOnlyWorksheet._get_size
    ReadOnlyWorksheet._get_size = lambda self: None
    try:
        yield
    finally:
        ReadOnlyWorksheet._get_size = original


@dataclass(frozen=True)
class ReadResult:
    grids: dict[str, Grid]  # in workbook order
    hidden: frozenset[str]
    version: str  # sha256 of the bytes read
    unreadable: dict[str, str] = field(default_factory=dict)  # tab -> why it cannot be read


def read_xlsx(path: Path, *, location: str = "", tabs: Iterable[str] = ()) -> ReadResult:
    """Every worksheet of ``path`` (or only ``tabs``) as text grids. Raises SourceError."""
    import io

    data = check_openable(path)
    version = hashlib.sha256(data).hexdigest()
    archive = check_archive(data, path)  # a DTD, past a size budget: refused before parsing
    unreadable = {
        tab: GUARD_MESSAGES["dangling"].format(tab=tab, target=where.target)
        for tab, where in archive.dangling.items()
        if not tabs or tab in set(tabs)
    }
    try:
        with _no_size_scan():
            wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as err:
        raise SourceError(
            f"{path} is damaged and cannot be opened as .xlsx ({type(err).__name__}). "
            "Fix: open it in Excel or LibreOffice (which can often repair it) and save it again, "
            "or restore a backup from .sheets_sync_backups/."
        ) from None
    wanted = set(tabs)
    try:
        missing = wanted - set(wb.sheetnames) - set(unreadable)
        if missing:
            raise SourceError(
                f"{path}: no tab named {', '.join(sorted(missing))}; it has {', '.join(wb.sheetnames)}. "
                "Fix: correct `tabs` in the config."
            )
        grids: dict[str, Grid] = {}
        hidden: set[str] = set()
        keep_escapes_for_decoding(wb.worksheets, data)
        cells_left = MAX_GRID_CELLS
        for ws in wb.worksheets:  # chartsheets are not worksheets: skipped
            if wanted and ws.title not in wanted:
                continue
            if ws.sheet_state != "visible":
                hidden.add(ws.title)
            ws.reset_dimensions()  # trust the cells, not a possibly wrong <dimension> element
            rows = sheet_text_rows(ws, cell_text, where=str(path), max_cells=cells_left)  # lxml
            if rows is None:  # openpyxl's own way
                rows = _rows_as_text(ws.iter_rows())
            cells_left -= sum(max(len(r), 1) for r in rows)
            grids[ws.title] = Grid(title=ws.title, rows=rows, location=location)
    except SourceError:
        raise
    except Exception as err:  # openpyxl raises many types on malformed sheets
        raise SourceError(
            f"{path}: a tab cannot be read ({type(err).__name__}: {err}). "
            "Fix: open and save the file in Excel or LibreOffice."
        ) from None
    finally:
        wb.close()
    log.debug("read %s: %d tabs", path.name, len(grids))
    return ReadResult(grids=grids, hidden=frozenset(hidden), version=version, unreadable=unreadable)


class XlsxListSource(ListSource):
    """A teacher's own .xlsx file (all its visible tabs, or ``tabs``) read as list grids."""

    def __init__(self, path: Path, *, tabs: Iterable[str] = (), teacher: str = "", refused: str = "") -> None:
        self.path = Path(path)
        self.tabs = tuple(tabs)
        self.teacher = teacher or self.path.stem
        self.refused = refused  # why the file is not read (a link leaving its folder)

    @property
    def name(self) -> str:
        return str(self.path)

    def read_grids(self) -> list[Grid]:
        if self.refused:
            raise SourceError(self.refused)
        result = read_xlsx(self.path, location=str(self.path), tabs=self.tabs)
        if result.unreadable:  # the whole file is one Data issues row, naming the tab
            raise SourceError(f"{self.path}: " + "; ".join(result.unreadable.values()))
        return [g for t, g in result.grids.items() if self.tabs or t not in result.hidden]


def is_lock_or_temp_file(path: Path) -> bool:
    """Excel (``~$x.xlsx``), LibreOffice (``.~lock.x.xlsx#``) and hidden/temporary files."""
    return path.name.startswith(("~$", ".")) or path.name.endswith("#")


def sources_in_folder(folder: Path, *, teacher: str = "", tabs: Iterable[str] = ()) -> list[XlsxListSource]:
    """One source per .xlsx/.xlsm file in ``folder`` (sorted; not recursive), teacher = file stem
    unless ``teacher`` is given. Raises SourceError when the folder does not exist.

    A link to a file outside the folder is not read (a teacher's folder must not become a way to
    mail any file of the machine to a teacher): its source raises, one ``Data issues`` row."""
    folder = Path(folder)
    if not folder.is_dir():
        raise SourceError(f"{folder}: folder not found. Fix: correct `folder` of this list in the config.")
    files = sorted(
        p
        for p in folder.iterdir()
        if p.suffix.lower() in (".xlsx", ".xlsm") and p.is_file() and not is_lock_or_temp_file(p)
    )
    inside = folder.resolve()
    return [
        XlsxListSource(
            p,
            tabs=tabs,
            teacher=teacher or p.stem,
            refused=LINK_OUTSIDE.format(path=p, folder=folder)
            if p.is_symlink() and inside not in p.resolve().parents
            else "",
        )
        for p in files
    ]


LINK_OUTSIDE = (
    "{path} is a link to a file outside the list folder {folder}; it is not read. Fix: put the "
    "file itself in the folder (copy it, do not link it), or remove the link"
)
