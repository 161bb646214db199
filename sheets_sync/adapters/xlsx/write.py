"""Write into an openpyxl workbook: service-owned tabs, ``init`` plans, and the atomic save.

Strings are always stored as string cells (never formulas, never error codes): ``=1+1`` from a
teacher's list stays the text ``=1+1``; such cells also get Excel's "quote prefix" so that editing
them in Excel or LibreOffice keeps them text.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import os
import re
import shutil
import stat
import zipfile
from collections.abc import Callable, Sequence
from copy import copy
from pathlib import Path
from typing import BinaryIO, TypeAlias

from openpyxl import Workbook as OpenpyxlWorkbook
from openpyxl.cell.cell import Cell
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.comments import Comment
from openpyxl.formatting.rule import Rule
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.styles.differential import DifferentialStyle
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from sheets_sync.adapters.xlsx.rows import FORMULA_LIKE, RowsXml, data_rows_xml
from sheets_sync.adapters.xlsx.text import capped, clean, decode, encode, excel_text, utf16_len
from sheets_sync.errors import BackendError, ConcurrentEditError
from sheets_sync.files import create_exclusive, write_atomic, write_target
from sheets_sync.workbook import (
    DIFFER_FILL,
    SAME_TEXT,
    CellValue,
    ChartSpec,
    ColumnFormat,
    ProvisionPlan,
    TabWrite,
    compare_formulas,
)

log = logging.getLogger(__name__)

NOTE_AUTHOR = "sheets_sync"
DV_MARK = "Pick from the list"  # errorTitle of our dropdowns: how we recognise (and replace) them
DV_MESSAGE = "Choose one of: {choices}"  # the dropdown's error message, cut to DV_ERROR_UNITS
# Excel drops a data validation whose texts exceed its limits when it opens the file. [MS-OI29500]
# 2.1.613 (notes on ECMA-376 Part 1 §18.3.1.32 dataValidation): "Office restricts the length of
# the value of the error attribute to 224 characters"; errorTitle (DV_MARK) and promptTitle at most 32;
# prompt at most 255. [MS-XLSB] 2.5.37 DValStrings says 225 for the error: the smaller is used.
DV_ERROR_UNITS = 224
# An inline list ("a,b,c") is a formula of at most 255 characters (Excel refuses a longer list
# source; Apache POI checks it since PR #187, DevExpress documents it for XlDataValidation). Longer
# choices are written down a column of a hidden tab, and the dropdown refers to that range.
MAX_LIST_FORMULA = 255
CHOICES_TAB = "_sheets_sync_choices"  # hidden; one column per list of choices too long to inline
DROPDOWN_ROWS = 1000  # rows below the header that get a dropdown
BACKUP_DIR = ".sheets_sync_backups"
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
LINE_POINTS = 15


def _fit_row_height(ws: Worksheet, row: int, text: str, width: int) -> None:
    """Spreadsheet programs do not grow rows for wrapped text on opening a file: set a height."""
    lines = sum(max(1, -(-len(line) // max(width - 1, 1))) for line in text.split("\n"))
    if lines > 1:
        current = ws.row_dimensions[row].height or LINE_POINTS
        ws.row_dimensions[row].height = max(current, lines * LINE_POINTS)


def _bold(cell: Cell) -> None:
    font = copy(cell.font)
    font.b = True
    cell.font = font


def set_value(cell: Cell, value: CellValue) -> None:
    """Store ``value`` as a value: text stays text, dates get a date format."""
    if isinstance(value, str):
        text = excel_text(value, cell.parent.title, cell.coordinate)
        cell.value = encode(text)  # Excel's _xHHHH_ escapes: read back as written
        cell.data_type = "s"  # openpyxl would make "=..." a formula and "#N/A" an error
        if text.startswith(FORMULA_LIKE):
            cell.quotePrefix = True
        return
    cell.value = value
    if isinstance(value, dt.datetime):
        cell.number_format = "yyyy-mm-dd hh:mm"
    elif isinstance(value, dt.date):
        cell.number_format = "yyyy-mm-dd"


def _dropdown(ws: Worksheet, col: int, first_row: int, last_row: int, choices: Sequence[str]) -> None:
    """A list validation on one column (replacing ours, leaving a person's own validations alone)."""
    letter = get_column_letter(col)
    target = f"{letter}{first_row}:{letter}{last_row}"
    keep = [
        dv
        for dv in ws.data_validations.dataValidation
        if not (dv.errorTitle == DV_MARK and all(r.min_col == col == r.max_col for r in dv.sqref.ranges))
    ]
    ws.data_validations.dataValidation = keep
    formula = '"' + ",".join(clean(c) for c in choices) + '"'
    if utf16_len(formula) > MAX_LIST_FORMULA:  # Excel would drop it: a range of the hidden tab
        formula = _choices_range(ws.parent, choices)
    dv = DataValidation(
        type="list",
        formula1=formula,
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="warning",  # a person may still keep another value: the sync reports it
        errorTitle=DV_MARK,  # within DV_TITLE_UNITS
        error=choices_message(choices),
    )
    dv.add(target)
    ws.add_data_validation(dv)


def _choices_range(wb: OpenpyxlWorkbook, choices: Sequence[str]) -> str:
    """A range of the hidden choices tab holding ``choices`` down one column (the column that
    already holds them, or the first empty one), as an absolute reference for a list validation."""
    if CHOICES_TAB in wb.sheetnames:
        ws = wb[CHOICES_TAB]
    else:
        ws = wb.create_sheet(CHOICES_TAB)
        ws.sheet_state = "hidden"
    wanted = [excel_text(c, CHOICES_TAB, "") for c in choices]
    col = 1
    while True:
        held = [ws.cell(row=r, column=col).value for r in range(1, ws.max_row + 1)]
        while held and held[-1] in (None, ""):
            held.pop()
        if not held or [decode(str(v)) for v in held] == wanted:
            break
        col += 1
    if not held:
        for r, choice in enumerate(choices, start=1):
            set_value(ws.cell(row=r, column=col), choice)
    letter = get_column_letter(col)
    return f"'{CHOICES_TAB}'!${letter}$1:${letter}${len(choices)}"


def choices_message(choices: Sequence[str], units: int = DV_ERROR_UNITS) -> str:
    """ "Choose one of: a, b, c" within ``units`` (UTF-16): as many choices as fit, then "…"."""
    cleaned = [clean(c) for c in choices]
    full = DV_MESSAGE.format(choices=", ".join(cleaned))
    if utf16_len(full) <= units:
        return full
    shown: list[str] = []
    for choice in cleaned:
        if utf16_len(DV_MESSAGE.format(choices=", ".join([*shown, choice, "\u2026"]))) > units:
            break
        shown.append(choice)
    return capped(DV_MESSAGE.format(choices=", ".join([*shown, "\u2026"])), units)


def _note(cell: Cell, text: str) -> None:
    """Our help note on a header cell; a note written by a person is kept."""
    if cell.comment is not None and cell.comment.author != NOTE_AUTHOR:
        return
    comment = Comment(clean(text), NOTE_AUTHOR)
    comment.width, comment.height = 320, 140
    cell.comment = comment


def _chart(ws: Worksheet, spec: ChartSpec) -> None:
    chart: BarChart | LineChart
    if spec.kind == "line":
        chart = LineChart()
    else:
        chart = BarChart()
        chart.type = "bar" if spec.kind == "bar" else "col"
    chart.title = spec.title
    chart.height, chart.width = 7.5, 15
    for col in spec.series_cols:
        data = Reference(ws, min_col=col + 1, min_row=spec.header_row + 1, max_row=spec.last_row + 1)
        chart.add_data(data, titles_from_data=True)
    cats = Reference(ws, min_col=spec.category_col + 1, min_row=spec.first_row + 1, max_row=spec.last_row + 1)
    chart.set_categories(cats)
    ws.add_chart(chart, spec.anchor)


def write_tab(wb: OpenpyxlWorkbook, tw: TabWrite, rows_xml: dict[str, RowsXml] | None = None) -> int:
    """Replace (or create) the tab ``tw.title``; returns the number of cells written. With
    ``rows_xml``, the data rows are not made into openpyxl cells but into XML, put there for
    :mod:`.splice` to add to the saved tab (the header and everything else is openpyxl's)."""
    index = None
    if tw.title in wb.sheetnames:
        old = wb[tw.title]
        index = wb.index(old)
        wb.remove(old)
    ws = wb.create_sheet(tw.title, index)
    top = 1 if tw.header_row else 0
    cells = 0
    if tw.header_row:
        for c, h in enumerate(tw.header, start=1):
            cell = ws.cell(row=1, column=c)
            set_value(cell, h)
            _bold(cell)
            if h in tw.notes:
                _note(cell, tw.notes[h])
        cells += len(tw.header)
    col_of = {h: i + 1 for i, h in enumerate(tw.header)}
    unlocked = [col_of[h] for h in tw.staff_columns if h in col_of] if tw.protected else []
    if rows_xml is not None:
        rows_xml[tw.title] = made = data_rows_xml(
            ws, tw, top=top, unlocked_cols=set(unlocked), unlocked_until=_unlocked_until(top, len(tw.rows))
        )
        cells += made.cells
    else:
        for r, row in enumerate(tw.rows, start=top + 1):
            for c, value in enumerate(row, start=1):
                if value is None or value == "":
                    continue
                set_value(ws.cell(row=r, column=c), value)
                cells += 1
        for i in tw.bold_rows:
            for cell in ws[top + i + 1]:
                _bold(cell)
    for i, width in enumerate(tw.widths):
        ws.column_dimensions[get_column_letter(i + 1)].width = width
    for h, width in tw.column_widths.items():
        if h in col_of:
            ws.column_dimensions[get_column_letter(col_of[h])].width = width
    last = max(top + len(tw.rows), DROPDOWN_ROWS)
    for h, choices in tw.dropdowns.items():
        if h in col_of and choices:
            _dropdown(ws, col_of[h], top + 1, last, choices)
    if tw.freeze_header and tw.header_row:
        ws.freeze_panes = f"{get_column_letter(tw.freeze_columns + 1)}2"
    if tw.header_row and tw.autofilter:
        ws.auto_filter.ref = f"A1:{get_column_letter(max(len(tw.header), 1))}{max(top + len(tw.rows), 2)}"
    if tw.header_row and tw.rows:
        _compare(ws, tw, col_of, top + 1, top + len(tw.rows))
    for spec in tw.charts:
        _chart(ws, spec)
    if tw.protected:
        _protect(ws, unlocked, top + 1, top + len(tw.rows), cells_too=rows_xml is None)
    if tw.hidden:
        ws.sheet_state = "hidden"
    return cells


def _compare(ws: Worksheet, tw: TabWrite, col_of: dict[str, int], first: int, last: int) -> None:
    """``tw.compare_columns`` as conditional formats (they follow the rows when a person sorts)."""
    differ = DifferentialStyle(fill=PatternFill(bgColor=DIFFER_FILL, fill_type="solid"))
    same = DifferentialStyle(font=Font(color=SAME_TEXT))
    for a, b in tw.compare_columns:
        if a not in col_of or b not in col_of:
            continue
        la, lb = get_column_letter(col_of[a]), get_column_letter(col_of[b])
        cells = f"{la}{first}:{la}{last} {lb}{first}:{lb}{last}"
        for formula, style in zip(compare_formulas(la, lb, first), (differ, same), strict=True):
            rule = Rule(type="expression", dxf=style, formula=[formula], stopIfTrue=True)
            ws.conditional_formatting.add(cells, rule)


def _unlocked_until(top: int, rows: int) -> int:
    """Last row whose staff-column cells are unlocked: the data, and room to type below it."""
    return max(top + rows, top + 1 + DROPDOWN_ROWS)


def _protect(
    ws: Worksheet, editable_cols: list[int], first_row: int, last_row: int, *, cells_too: bool
) -> None:
    """Sheet protection without a password (a guard against slips, not security); people can still
    select, copy, sort, filter and resize. Staff-entered columns stay editable (their cells are
    unlocked here, or in the rows' XML when ``cells_too`` is false)."""
    p = ws.protection
    p.sheet = True
    p.selectLockedCells = p.selectUnlockedCells = False
    p.formatColumns = p.formatRows = p.sort = p.autoFilter = False
    unlocked = Protection(locked=False)
    for col in editable_cols:
        ws.column_dimensions[get_column_letter(col)].protection = unlocked  # new cells typed below
        if not cells_too:
            continue
        for r in range(first_row, _unlocked_until(first_row - 1, last_row - first_row + 1) + 1):
            ws.cell(row=r, column=col).protection = unlocked


def apply_plan(wb: OpenpyxlWorkbook, plan: ProvisionPlan) -> int:
    """Apply one ``init`` plan; raises ConcurrentEditError (before any change to this tab) if an
    edit targets a cell that is not empty any more. Returns the number of cells written."""
    if plan.rename_from is not None and plan.rename_from in wb.sheetnames and plan.title not in wb.sheetnames:
        wb[plan.rename_from].title = plan.title  # init --language: the same tab, relabelled
    if plan.create and plan.title not in wb.sheetnames:
        ws = wb.create_sheet(plan.title)
    elif plan.title in wb.sheetnames:
        ws = wb[plan.title]
    else:
        raise ConcurrentEditError(
            f"Tab {plan.title!r} disappeared since init read the workbook; nothing was written. Fix: run init again."
        )
    for e in plan.edits:
        current = ws.cell(row=e.row + 1, column=e.col + 1).value
        if e.replaces is not None and isinstance(current, str) and current == e.replaces:
            continue  # a relabel of the text init read
        if current is not None and str(current).strip() != "":
            raise ConcurrentEditError(
                f"{plan.title}!{get_column_letter(e.col + 1)}{e.row + 1} was filled since init read the "
                "workbook; nothing was written. Fix: run init again."
            )
    widths = {cf.col: cf.width for cf in plan.columns if cf.width}
    for e in plan.edits:
        cell = ws.cell(row=e.row + 1, column=e.col + 1)
        set_value(cell, e.value)
        if e.row != plan.header_row:
            cell.alignment = WRAP_TOP
            if isinstance(e.value, str):
                _fit_row_height(ws, e.row + 1, e.value, widths.get(e.col) or 10)
    header = plan.header_row + 1
    if plan.create:  # printable on A4 landscape, header repeated (guide tasks get printed for meetings)
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_title_rows = f"{header}:{header}"
        ws.print_options.gridLines = True
        for cf in plan.columns:  # cells people type later wrap and align to the top too
            ws.column_dimensions[get_column_letter(cf.col + 1)].alignment = WRAP_TOP
        for cell in ws[header]:
            cell.fill = HEADER_FILL
    _format_columns(ws, plan.columns, header)
    for cell in ws[header]:
        if cell.value not in (None, ""):
            _bold(cell)
    if plan.freeze_rows:
        ws.freeze_panes = f"A{plan.freeze_rows + 1}"
    return len(plan.edits)


def _format_columns(ws: Worksheet, columns: Sequence[ColumnFormat], header: int) -> None:
    for cf in columns:
        letter = get_column_letter(cf.col + 1)
        if cf.width:
            ws.column_dimensions[letter].width = cf.width
        if cf.note:
            _note(ws.cell(row=header, column=cf.col + 1), cf.note)
        if cf.choices:
            _dropdown(ws, cf.col + 1, header + 1, header + DROPDOWN_ROWS, cf.choices)


def workbook_bytes(wb: OpenpyxlWorkbook) -> bytes:
    """The workbook as an uncompressed .xlsx in memory (for :mod:`.splice` to finish)."""
    wb.properties.modified = dt.datetime.now(tz=dt.timezone.utc).replace(tzinfo=None)  # as wb.save does
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
        ExcelWriter(wb, archive).save()
    return out.getvalue()


Content: TypeAlias = OpenpyxlWorkbook | Callable[[BinaryIO], None]  # a workbook, or a writer of one


def write_temporary(f: BinaryIO, content: Content) -> None:
    """Write ``content`` to the open temporary file and make it durable (fsync)."""
    if isinstance(content, OpenpyxlWorkbook):
        content.save(f)
    else:
        content(f)
    f.flush()
    os.fsync(f.fileno())


def atomic_save(
    content: Content,
    path: Path,
    *,
    backups: int,
    before_replace: Callable[[], None] = lambda: None,
) -> None:
    """Save ``content`` (a workbook, or a function writing one) atomically (:func:`~sheets_sync.
    files.write_atomic`: an exclusive temporary file next to the file, fsync, rename; a new
    workbook is 0600, an existing one keeps its mode; a ``path`` that is a link is written through
    to its target). Before the rename, the current file is backed up (the last ``backups`` kept)
    and ``before_replace`` runs (re-check that nobody changed the file); if it raises, nothing is
    replaced. A crash at any moment leaves the old or the new file."""
    target = write_target(path)

    def last_step() -> None:
        if backups > 0 and target.exists():
            _backup(target, backups)
        before_replace()

    try:
        write_atomic(target, lambda f: write_temporary(f, content), before_replace=last_step)
    except OSError as err:
        raise BackendError(
            f"Could not save {path}: {err.strerror or err}. The workbook was left as it was. "
            "Fix: check free disk space and write permission on its folder."
        ) from err


_BACKUP_SUFFIX = re.compile(r"\.bak-\d{8}T\d{6}(?:-\d{3})?")
BACKUP_LINK = (
    "no backup of %s was written: %s is a link (backups may only go to a real folder next to the "
    "workbook). Fix: replace the link with a folder"
)


def backups_of(path: Path) -> list[Path]:
    """The backups of the workbook ``path`` in its backup folder, oldest first: only regular
    files named exactly ``<name>.bak-<yyyymmddThhmmss>[-NNN]`` (nothing else there is touched)."""
    folder = path.parent / BACKUP_DIR
    if folder.is_symlink() or not folder.is_dir():
        return []
    found = []
    for name in os.listdir(folder):
        if name.startswith(path.name) and _BACKUP_SUFFIX.fullmatch(name[len(path.name) :]):
            candidate = folder / name
            if stat.S_ISREG(candidate.lstat().st_mode):
                found.append(candidate)
    return sorted(found)


def drop_backups(path: Path) -> int:
    """Delete every backup of the workbook ``path`` (``forget``: each one holds the person)."""
    gone = backups_of(path)
    for old in gone:
        old.unlink(missing_ok=True)
    return len(gone)


def _backup(path: Path, keep: int) -> Path | None:
    """Copy ``path`` into the backup folder (created 0700; a link there is refused: no backup,
    a warning), each copy created exclusively with the workbook's mode, then delete the oldest
    beyond ``keep``."""
    folder = path.parent / BACKUP_DIR
    if folder.is_symlink():
        log.warning(BACKUP_LINK, path.name, folder)
        return None
    folder.mkdir(mode=0o700, exist_ok=True)
    base = f"{path.name}.bak-{dt.datetime.now().strftime('%Y%m%dT%H%M%S')}"
    mode = stat.S_IMODE(path.stat().st_mode)
    same_second = [p.name[len(base) :] for p in backups_of(path) if p.name.startswith(base)]
    first = max((int(rest[1:] or 1) for rest in same_second), default=0) + 1
    for n in range(first, first + 1000):  # several saves in one second: -002, -003 ... (sort after)
        target = folder / (base if n == 1 else f"{base}-{n:03d}")
        try:
            with path.open("rb") as src:
                create_exclusive(target, lambda f, src=src: shutil.copyfileobj(src, f), mode=mode)  # type: ignore[misc]
            break
        except FileExistsError:
            continue
    else:
        raise FileExistsError(f"{folder}: too many backups in one second")
    old = backups_of(path)
    for extra in old[: max(0, len(old) - keep)]:
        extra.unlink(missing_ok=True)
    return target
