"""The local workbook backend (.xlsx via openpyxl): the embedded default.

* ``read()`` — every tab as text (see :mod:`.read`), version = sha256 of the file bytes.
* ``commit()`` — refuses (writes nothing) if the file changed since ``read()`` or a person has it
  open in Excel/LibreOffice; otherwise replaces the service-owned tabs, keeps every other tab as
  it is, and saves atomically with backups in ``.sheets_sync_backups/``.
* ``provision()`` — applies ``init`` plans (never touches a non-empty cell, parses only the tabs
  it plans; the others are copied like ``commit`` copies them), same safety.
* ``lock()`` — one sync at a time (``<workbook>.sheets_sync.lock``).

Limits of openpyxl that matter to people: shapes/drawings other than charts and images are
dropped when a tab it parses is saved. Formulas keep their cached results on every save path
(:mod:`.splice` puts back what openpyxl drops), so every reader, not only Excel, sees them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from openpyxl import Workbook as OpenpyxlWorkbook
from openpyxl.reader.excel import ExcelReader

from sheets_sync.adapters.xlsx.guard import check_archive, put_back
from sheets_sync.adapters.xlsx.lock import hold_lock, refuse_if_open_elsewhere
from sheets_sync.adapters.xlsx.read import XlsxListSource, check_openable, read_xlsx, sources_in_folder
from sheets_sync.adapters.xlsx.splice import KeptCells, SpliceError, formula_values, strip_kept, without_cells
from sheets_sync.adapters.xlsx.text import raw_shared_strings
from sheets_sync.adapters.xlsx.write import (
    CHOICES_TAB,
    Content,
    apply_plan,
    atomic_save,
    drop_backups,
    workbook_bytes,
    write_tab,
)
from sheets_sync.errors import ConcurrentEditError, SourceError
from sheets_sync.files import write_target
from sheets_sync.workbook import BackendStats, ProvisionPlan, Snapshot, TabWrite, Workbook

__all__ = ["XlsxWorkbook", "XlsxListSource", "sources_in_folder"]

log = logging.getLogger(__name__)


def file_version(path: Path) -> str | None:
    """sha256 of the file's bytes (None when it does not exist)."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return None


class XlsxWorkbook(Workbook):
    """A local .xlsx workbook. ``backups``: how many previous versions to keep (0 = none)."""

    def __init__(self, path: Path, *, backups: int = 5) -> None:
        self.path = Path(path)
        self.backups = backups
        self.stats = BackendStats()
        self._read_version: str | None = None

    @property
    def name(self) -> str:
        return str(self.path)

    def exists(self) -> bool:
        return self.path.exists()

    def read(self) -> Snapshot:
        result = read_xlsx(self.path)
        self._read_version = result.version
        log.info(
            "read workbook: %d tabs, %d rows",
            len(result.grids),
            sum(len(g.rows) for g in result.grids.values()),
        )
        return Snapshot(
            grids=result.grids, version=result.version, hidden=result.hidden, unreadable=result.unreadable
        )

    def _check_unchanged(self, expected: str | None, data: bytes | None = None) -> None:
        """Refuse unless the file is the one read (``data``: its bytes, when just read)."""
        refuse_if_open_elsewhere(self.path)
        current = hashlib.sha256(data).hexdigest() if data is not None else file_version(self.path)
        if current is None and expected is not None:
            raise ConcurrentEditError(
                f"{self.path} was moved or deleted since it was read; nothing was written. "
                "Fix: put it back (or restore one from .sheets_sync_backups/) and run again."
            )
        if current != expected:
            raise ConcurrentEditError(
                f"{self.path.name} changed on disk since it was read (someone saved it, or another "
                "program wrote it); nothing was written. Fix: run again — it reads the new version."
            )

    def _load(self, data: bytes) -> OpenpyxlWorkbook:
        try:
            reader = _StoredStrings(io.BytesIO(data), keep_vba=self.path.suffix.lower() == ".xlsm")
            reader.stored = raw_shared_strings(data)
            reader.read()
            return reader.wb
        except (zipfile.BadZipFile, KeyError, OSError, ValueError) as err:
            raise SourceError(
                f"{self.path} cannot be opened for writing ({type(err).__name__}: {err}). Fix: open and "
                "save it in Excel or LibreOffice, or restore a backup from .sheets_sync_backups/."
            ) from None

    def commit(self, snapshot: Snapshot, writes: Sequence[TabWrite]) -> str:
        """Replace the tabs in ``writes``; returns the new version. All or nothing.

        The other tabs' cells are copied over as they are, not re-parsed (:mod:`.splice`);
        when that is not possible for a workbook, openpyxl round-trips them."""
        if not self.path.exists():
            self._check_unchanged(snapshot.version)  # says it was moved or deleted
        data = check_openable(self.path)  # read once: checked, then stripped for openpyxl
        self._check_unchanged(snapshot.version, data)
        replaced = [tw.title for tw in writes]
        stripped, kept = strip_kept(data, replaced, parsed=(CHOICES_TAB,))
        wb = self._load(stripped)
        cells = sum(write_tab(wb, tw, kept.new_rows) for tw in writes)
        _ensure_visible_active(wb)
        unchanged = lambda: self._check_unchanged(snapshot.version)  # noqa: E731
        try:
            atomic_save(
                _keeping(data, _spliced(wb, kept)), self.path, backups=self.backups, before_replace=unchanged
            )
        except SpliceError as err:
            log.info("commit: the kept tabs are re-parsed (%s)", err)
            wb = self._load(without_cells(data, replaced))
            for tw in writes:
                write_tab(wb, tw)
            _ensure_visible_active(wb)
            results = formula_values(data, replaced)
            atomic_save(
                _keeping(data, _spliced(wb, results, last=True)),
                self.path,
                backups=self.backups,
                before_replace=unchanged,
            )
        self.stats.cells_written += cells
        version = file_version(self.path) or ""
        self._read_version = version
        log.info("committed %d tabs, %d cells", len(writes), cells)
        return version

    def provision(self, plans: Sequence[ProvisionPlan]) -> None:
        """Create/upgrade template tabs (creating the file if needed); never changes an entered cell.

        Only the tabs of ``plans`` are parsed; every other tab (the teachers' lists) is copied
        over as ``commit`` copies it, and formulas keep their cached results (:mod:`.splice`)."""
        existed = self.path.exists()
        data = b""
        kept = KeptCells()
        if existed:
            expected = self._read_version if self._read_version is not None else file_version(self.path)
            data = check_openable(self.path)
            check_archive(data, self.path)  # a DTD, past the size budget: refused before parsing
            self._check_unchanged(expected, data)
            stripped, kept = strip_kept(data, (), parsed={CHOICES_TAB, *(p.title for p in plans)})
            wb = self._load(stripped)
        else:
            refuse_if_open_elsewhere(self.path)
            if not self.path.parent.is_dir():
                raise SourceError(
                    f"{self.path.parent}: folder not found. Fix: create it or choose another path."
                )
            wb = OpenpyxlWorkbook()
            expected = None

        def apply(wb: OpenpyxlWorkbook) -> int:
            default = wb.active if not existed else None
            cells = sum(apply_plan(wb, p) for p in plans)
            if default is not None and len(wb.sheetnames) > 1:
                wb.remove(default)  # the empty "Sheet" of a brand-new workbook
            _ensure_visible_active(wb)
            return cells

        cells = apply(wb)
        unchanged = lambda: self._check_unchanged(expected)  # noqa: E731
        try:
            atomic_save(
                _keeping(data, _spliced(wb, kept)), self.path, backups=self.backups, before_replace=unchanged
            )
        except SpliceError as err:
            log.info("init: every tab is parsed (%s)", err)
            wb = self._load(data)
            apply(wb)
            atomic_save(
                _keeping(data, _spliced(wb, formula_values(data), last=True)),
                self.path,
                backups=self.backups,
                before_replace=unchanged,
            )
        self.stats.cells_written += cells
        self._read_version = file_version(self.path)
        log.info(
            "provisioned %d tabs (%d created), %d cells", len(plans), sum(p.create for p in plans), cells
        )

    @contextmanager
    def lock(self, holder: str, *, stale_after: dt.timedelta) -> Iterator[None]:
        if not self.path.parent.is_dir():
            raise SourceError(
                f"{self.path.parent}: folder not found. Fix: create it or correct the workbook path."
            )
        with hold_lock(self.path, holder, stale_after=stale_after):
            yield

    def drop_backups(self) -> int:
        """Delete every backup of this workbook in ``.sheets_sync_backups/`` (nothing else there)."""
        return drop_backups(write_target(self.path))


class _StoredStrings(ExcelReader):  # type: ignore[misc]
    """openpyxl's loader, given the shared strings as stored: openpyxl deletes every ``x005F_``
    in them, which turns a literal ``_x0041_`` typed by a person (stored ``_x005F_x0041_``) into
    an escape of "A" once openpyxl writes the text back (:mod:`.text`)."""

    stored: list[str] | None = None
    shared_strings: list[str]

    def read_strings(self) -> None:
        super().read_strings()
        if self.stored is not None and len(self.stored) == len(self.shared_strings):
            self.shared_strings = self.stored


def _keeping(data: bytes, content: Content) -> Content:
    """``content`` with every tab of the original ``data`` whose part is not in the file declared
    again as it was (openpyxl drops such a tab): ``read`` reports it, no save loses it."""
    dangling = check_archive(data, "the workbook").dangling if data else {}
    if not dangling:
        return content

    def write(f: BinaryIO) -> None:
        buffer = io.BytesIO()
        if isinstance(content, OpenpyxlWorkbook):
            content.save(buffer)
        else:
            content(buffer)
        f.write(put_back(buffer.getvalue(), dangling))

    return write


def _spliced(wb: OpenpyxlWorkbook, kept: KeptCells, *, last: bool = False) -> Content:
    """What :func:`atomic_save` writes: ``wb`` as openpyxl saves it, with ``kept`` put back.
    ``last``: on a SpliceError, save ``wb`` as it is rather than fail (formula results lost)."""
    if not kept:
        return wb

    def write(f: BinaryIO) -> None:
        saved = workbook_bytes(wb)
        try:
            kept.splice(saved, f)
        except SpliceError as err:
            if not last:
                raise
            log.warning("formula results of teachers' tabs not kept in this save (%s)", err)
            f.seek(0)
            f.truncate()
            wb.save(f)

    return write


def _ensure_visible_active(wb: OpenpyxlWorkbook) -> None:
    """Excel refuses a file whose active tab is hidden (or with no visible tab)."""
    visible = [ws for ws in wb.worksheets if ws.sheet_state == "visible"]
    if not visible:
        raise SourceError("Every tab of the workbook would be hidden. Fix: unhide at least one tab.")
    if wb.active is None or wb.active.sheet_state != "visible":
        wb.active = wb.worksheets.index(visible[0])
    for ws in wb.worksheets:  # only the active tab may be "selected"
        ws.sheet_view.tabSelected = ws is wb.active
