"""The Google Sheets backend (gspread's HTTP client + google-auth), same behaviour as the workbook.

API budget of one sync, whatever the number of tabs and rows:

* ``read()``: 2 calls — one ``spreadsheets.get`` of the metadata, one ``values:batchGet`` of
  every tab (formatted, as a person sees it);
* ``commit()``: 2 calls — one ``spreadsheets.get`` of the key/staff columns of the output tabs
  (so an edit typed since our read is kept), one ``spreadsheets.batchUpdate`` with every output
  (Google applies all of it or none);
* ``lock()``: 3 calls to take (read, write, verify), 1 to release (developer metadata).

``open_spreadsheet(config)`` honours ``[google] emulator``: the same code runs against a
:class:`~sheets_sync.emulator.SheetsEmulator` loaded from that file, saved back after each change.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import random
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from gspread.exceptions import APIError
from gspread.urls import SPREADSHEET_BATCH_UPDATE_URL

from sheets_sync import schema as tabs
from sheets_sync.adapters.gsheets.auth import authorized_session, spreadsheet_key
from sheets_sync.adapters.gsheets.cells import col_letter, quote
from sheets_sync.adapters.gsheets.dates import dates_as_iso, has_slash_dates, month_first
from sheets_sync.adapters.gsheets.http import MaybeApplied, RetryingHTTPClient
from sheets_sync.adapters.gsheets.lock import hold_lock
from sheets_sync.adapters.gsheets.read import (
    GSheetsListSource,
    api_message,
    grid_values,
    load_emulator,
    make_client,
    rows_as_text,
)
from sheets_sync.adapters.gsheets.stage import MAX_REQUEST_BYTES, commit_staged, fits, is_staging, leftovers
from sheets_sync.adapters.gsheets.write import PROTECT_TAG, Plan, TabState, plan_provision, plan_tab
from sheets_sync.config import Config
from sheets_sync.core.model import Grid
from sheets_sync.errors import BackendError, ConcurrentEditError, ConfigError, SheetsSyncError, SourceError
from sheets_sync.files import write_atomic
from sheets_sync.workbook import BackendStats, ProvisionPlan, Snapshot, TabWrite, Workbook

__all__ = ["GSheetsListSource", "GSheetsWorkbook", "open_spreadsheet"]

log = logging.getLogger(__name__)

PROPS = "properties(sheetId,title,index,hidden,gridProperties(rowCount,columnCount))"
META_FIELDS = (
    f"properties(title,locale),sheets({PROPS},protectedRanges(protectedRangeId,description),charts(chartId),"
    "conditionalFormats(ranges(sheetId)))"
)
FRESH_FIELDS = (
    f"sheets({PROPS},protectedRanges(protectedRangeId,description),charts(chartId),"
    "data(startRow,startColumn,rowData(values(formattedValue,note))))"
)
# the commit's re-read of key/staff columns; charts and protections come from META_FIELDS, a read
# of the whole sheets' metadata (whether Google returns a sheet's charts for ranges that do not
# intersect them is not documented)
COLUMNS_FIELDS = f"sheets({PROPS},data(startRow,startColumn,rowData(values(formattedValue))))"


class GSheetsWorkbook(Workbook):
    """A Google spreadsheet reached through ``http`` (a :class:`RetryingHTTPClient`)."""

    def __init__(
        self,
        http: RetryingHTTPClient,
        key: str,
        *,
        account: str = "the service account",
        on_change: Callable[[], None] = lambda: None,
    ) -> None:
        self.http = http
        self.key = key
        self.account = account
        self.stats: BackendStats = http.stats
        self.commit_calls = 2  # a re-read of the staff columns + one batchUpdate (for the Sync log row)
        self._on_change = on_change
        self._title: str | None = None
        self._locale: str | None = None
        self._sheets: list[dict[str, Any]] | None = None  # properties of every tab, from the last read
        self._extras: dict[str, dict[str, Any]] = {}  # title -> protectedRanges and charts, same read
        self.max_request_bytes = MAX_REQUEST_BYTES  # a bigger commit is staged (stage.py)

    @property
    def name(self) -> str:
        return f"spreadsheet {self._title!r} ({self.key})" if self._title else f"spreadsheet {self.key}"

    # ------------------------------------------------------------------ calls

    def translate(self, err: APIError) -> SheetsSyncError:
        code, message = err.code, api_message(err)
        if code == 403:
            return SourceError(
                f"{self.account} may not open spreadsheet {self.key} ({message}). Fix: share the spreadsheet "
                f"with {self.account} as Editor (Share button, top right), then run again."
            )
        if code == 404:
            return SourceError(
                f"spreadsheet {self.key} not found: check the key or URL (the part between /d/ and /edit)."
            )
        if code == 401:
            return SourceError(
                f"Google refused the credentials ({message}). Fix: create a new key for the service account "
                "(or delete ~/.config/sheets_sync/token.json for the OAuth flow) and run again."
            )
        return BackendError(
            f"Google Sheets refused a request ({code}: {message}); nothing was written. Fix: run again; if "
            "it happens again, a tab may have been renamed or deleted by hand — check the output tabs."
        )

    def get(self, params: dict[str, Any]) -> dict[str, Any]:
        try:
            return dict(self.http.spreadsheets_get(self.key, params))
        except APIError as err:
            raise self.translate(err) from None

    def apply(self, plan: Callable[[int], tuple[dict[str, Any] | None, Any]]) -> tuple[Any, Any]:
        """Send the batchUpdate ``plan(attempt)`` builds from a fresh read; when a write may or may not
        have been applied (timeout, dropped connection, 5xx), re-read and re-plan, within the budget."""
        attempt = 0
        while True:
            body, extra = plan(attempt)
            if not body or not body.get("requests"):
                return None, extra
            try:
                return self.http.write(SPREADSHEET_BATCH_UPDATE_URL % self.key, body), extra
            except MaybeApplied as exc:
                self.http.backoff(attempt, exc.reason, exc.kind)
                attempt += 1
            except APIError as err:
                raise self.translate(err) from None

    def changed(self) -> None:
        self._on_change()

    def _metadata(self) -> list[dict[str, Any]]:
        meta = self.get({"fields": META_FIELDS})
        self._title = (meta.get("properties") or {}).get("title", self._title)
        self._locale = (meta.get("properties") or {}).get("locale")
        self._sheets = [s.get("properties", {}) for s in meta.get("sheets", [])]
        self._extras = {s.get("properties", {}).get("title", ""): s for s in meta.get("sheets", [])}
        return meta.get("sheets", [])

    def sheet_properties(self, *, refresh: bool = False) -> list[dict[str, Any]]:
        """The properties of every tab, from the last metadata read (or a new one)."""
        if self._sheets is None or refresh:
            self._metadata()
        return list(self._sheets or [])

    def new_sheet_id(self, used: set[int]) -> int:
        while True:
            candidate = random.randint(1, 2**31 - 1)
            if candidate not in used:
                used.add(candidate)
                return candidate

    # ------------------------------------------------------------------ read

    def read(self) -> Snapshot:
        sheets = [s for s in self._metadata() if not is_staging(s["properties"]["title"])]
        titles = [s["properties"]["title"] for s in sheets]
        shown = self._values(titles, "FORMATTED_VALUE", "FORMATTED_STRING")
        grids = {t: Grid(title=t, rows=rows_as_text(rows)) for t, rows in shown.items()}
        if month_first(self._locale):
            # slash dates that are date cells become ISO text (one more read, only when some tab
            # shows a slash date: see gsheets_dates)
            dated = [t for t, g in grids.items() if has_slash_dates(g.rows)]
            for title, raw in self._values(dated, "UNFORMATTED_VALUE", "SERIAL_NUMBER").items():
                grids[title] = Grid(title=title, rows=dates_as_iso(grids[title].rows, raw))
        hidden = frozenset(s["properties"]["title"] for s in sheets if s["properties"].get("hidden"))
        digest = hashlib.sha256(
            json.dumps([[t, g.rows] for t, g in grids.items()], ensure_ascii=False).encode("utf-8")
        ).hexdigest()
        log.info("read spreadsheet: %d tabs, %d rows", len(grids), sum(len(g.rows) for g in grids.values()))
        return Snapshot(grids=grids, version=digest, hidden=hidden)

    def _values(self, titles: Sequence[str], render: str, dates: str) -> dict[str, list[list[Any]]]:
        """Every cell of the tabs ``titles`` in one ``values:batchGet`` (none for no tabs)."""
        if not titles:
            return {}
        params: dict[str, Any] = {"valueRenderOption": render, "dateTimeRenderOption": dates}
        try:
            got = self.http.values_batch_get(self.key, [quote(t) for t in titles], params)
        except APIError as err:
            raise self.translate(err) from None
        ranges = got.get("valueRanges", [])
        return {t: vr.get("values") or [] for t, vr in zip(titles, ranges, strict=False)}

    # ------------------------------------------------------------------ commit

    def _fresh(self, writes: Sequence[TabWrite], refresh: bool) -> tuple[dict[str, TabState], set[int]]:
        """The output tabs as they are now: properties, our protections, charts, key/staff columns."""
        if self._sheets is None or refresh:
            self._metadata()
        assert self._sheets is not None
        existing = {p["title"] for p in self._sheets}
        ranges: list[str] = []
        for tw in writes:
            if tw.title not in existing:
                continue
            header = list(tw.header) if tw.header_row else []
            cols = [header.index(h) for h in (*tw.key_columns, *tw.staff_columns) if h in header]
            if tw.staff_columns and tw.key_columns and cols:
                ranges += [f"{quote(tw.title)}!{col_letter(c)}:{col_letter(c)}" for c in cols]
            else:
                ranges.append(f"{quote(tw.title)}!A1")
        used = {int(p.get("sheetId", 0)) for p in self._sheets}
        if not ranges:
            return {}, used
        try:
            got = self.http.spreadsheets_get(self.key, {"ranges": ranges, "fields": COLUMNS_FIELDS})
        except APIError as err:
            if err.code == 400:
                raise ConcurrentEditError(
                    f"an output tab was renamed or deleted while the sync ran ({api_message(err)}); nothing was "
                    "written. Fix: run again."
                ) from None
            raise self.translate(err) from None
        states: dict[str, TabState] = {}
        for sheet in got.get("sheets", []):
            props = sheet["properties"]
            cells = grid_values(sheet.get("data") or [])
            columns: dict[int, list[str]] = {}
            for (r, c), value in sorted(cells.items()):
                column = columns.setdefault(c, [])
                column.extend([""] * (r - len(column)))
                column.append(str(value.get("formattedValue", "")))
            grid = props.get("gridProperties", {})
            extras = self._extras.get(props["title"], {})
            states[props["title"]] = TabState(
                sheet_id=int(props.get("sheetId", 0)),
                title=props["title"],
                rows=int(grid.get("rowCount", 0)),
                cols=int(grid.get("columnCount", 0)),
                our_protections=tuple(
                    int(p["protectedRangeId"])
                    for p in extras.get("protectedRanges", [])
                    if p.get("description") == PROTECT_TAG
                ),
                chart_ids=tuple(int(c["chartId"]) for c in extras.get("charts", [])),
                conditional_rules=len(extras.get("conditionalFormats", [])),
                columns=columns,
            )
        return states, used

    def _plan(
        self, writes: Sequence[TabWrite], new_ids: dict[str, int], *, refresh: bool
    ) -> tuple[Plan, list[dict[str, Any]]]:
        """The in-place requests of a commit, planned on a fresh read, and the ``deleteSheet`` of
        the staging tabs found (an interrupted commit's). ``new_ids`` keeps the sheet ids given to
        new tabs, so that a re-plan gives the same requests."""
        states, used = self._fresh(writes, refresh=refresh)
        assert self._sheets is not None
        out = Plan()
        for tw in writes:
            state = states.get(tw.title)
            if state is None and tw.title not in new_ids:
                new_ids[tw.title] = self.new_sheet_id(used)
            p = plan_tab(tw, state, new_ids.get(tw.title, 0) if state is None else 0)
            out.requests += p.requests
            out.cells += p.cells
        return out, leftovers(self._sheets)

    def commit(self, snapshot: Snapshot, writes: Sequence[TabWrite]) -> str:
        """Every tab of ``writes``, people seeing all of the old or all of the new outputs, keeping
        staff cells typed since ``snapshot``: one batchUpdate when it fits in
        ``max_request_bytes``, else staged in hidden tabs and swapped in (``stage.py``)."""
        new_ids: dict[str, int] = {}
        first, stale = self._plan(writes, new_ids, refresh=False)
        if fits(stale + first.requests, self.max_request_bytes):

            def plan(attempt: int) -> tuple[dict[str, Any], int]:
                p, old = (first, stale) if attempt == 0 else self._plan(writes, new_ids, refresh=True)
                return {"requests": old + p.requests}, p.cells

            _, cells = self.apply(plan)
        else:
            cells = commit_staged(self, lambda: self._plan(writes, new_ids, refresh=True), first, stale)
        self._sheets = None  # tabs may have been added: re-read the metadata next time
        self.stats.cells_written += cells
        self.changed()
        log.info("committed %d tabs, %d cells", len(writes), cells)
        return hashlib.sha256(f"{snapshot.version}:{self.stats.api_calls}:{cells}".encode()).hexdigest()

    # ------------------------------------------------------------------ init

    def provision(self, plans: Sequence[ProvisionPlan]) -> None:
        def plan(attempt: int) -> tuple[dict[str, Any] | None, int]:
            sheets = [s["properties"] for s in self._metadata()]
            by_title = {p["title"]: p for p in sheets}

            def current_title(p: ProvisionPlan) -> str:  # init --language renames a tab in place
                if p.title not in by_title and p.rename_from is not None and p.rename_from in by_title:
                    return p.rename_from
                return p.title

            wanted = [current_title(p) for p in plans if current_title(p) in by_title]
            lonely = None
            if len(sheets) == 1 and sheets[0]["title"] not in {current_title(p) for p in plans}:
                title = sheets[0]["title"]
                if not title.startswith(tabs.LIST_PREFIX) and title not in tabs.OUTPUT_TABS:
                    lonely = sheets[0]  # the empty "Sheet1" of a new spreadsheet: removed if still empty
                    wanted.append(title)
            fresh: dict[str, dict[tuple[int, int], dict[str, Any]]] = {}
            if wanted:
                got = self.get({"ranges": [quote(t) for t in wanted], "fields": FRESH_FIELDS})
                for sheet in got.get("sheets", []):
                    fresh[sheet["properties"]["title"]] = grid_values(sheet.get("data") or [])
            used = {int(p.get("sheetId", 0)) for p in sheets}
            requests: list[dict[str, Any]] = []
            cells = 0
            for pl in plans:
                props = by_title.get(current_title(pl))
                state = values = None
                if props is not None:
                    found = fresh.get(current_title(pl), {})
                    height = max((r + 1 for r, _ in found), default=0)
                    width = max((c + 1 for _, c in found), default=0)
                    values = [
                        [str(found.get((r, c), {}).get("formattedValue", "")) for c in range(width)]
                        for r in range(height)
                    ]
                    grid = props.get("gridProperties", {})
                    state = TabState(
                        sheet_id=int(props.get("sheetId", 0)),
                        title=current_title(pl),
                        rows=int(grid.get("rowCount", 0)),
                        cols=int(grid.get("columnCount", 0)),
                        notes={k: str(v["note"]) for k, v in found.items() if v.get("note")},
                    )
                p = plan_provision(pl, state, values or [], self.new_sheet_id(used) if state is None else 0)
                requests += p.requests
                cells += p.cells
            if lonely is not None and not any(
                v.get("formattedValue") for v in fresh.get(lonely["title"], {}).values()
            ):
                if any(pl.create and pl.title not in by_title for pl in plans):
                    requests.append({"deleteSheet": {"sheetId": int(lonely.get("sheetId", 0))}})
            return {"requests": requests}, cells

        _, cells = self.apply(plan)
        self._sheets = None
        self.stats.cells_written += cells
        self.changed()
        log.info(
            "provisioned %d tabs (%d created), %d cells", len(plans), sum(p.create for p in plans), cells
        )

    # ------------------------------------------------------------------ lock

    @contextmanager
    def lock(self, holder: str, *, stale_after: dt.timedelta) -> Iterator[None]:
        with hold_lock(self, holder, stale_after=stale_after):
            yield


# --------------------------------------------------------------------------- opening


def _save_emulator(emu: Any, path: Path) -> None:
    """Like ``emu.save`` but compact (10x faster on big states); atomic, 0600 (it holds the cells)."""
    write_atomic(path, json.dumps(emu.to_json(), ensure_ascii=False, separators=(",", ":")))


def open_spreadsheet(config: Config) -> GSheetsWorkbook:
    """The spreadsheet ``config.google.spreadsheet`` (key or URL), on Google or on the emulator."""
    google = config.google
    if not google.spreadsheet:
        raise ConfigError("no spreadsheet given — use --spreadsheet KEY_OR_URL or [google] spreadsheet")
    key = spreadsheet_key(google.spreadsheet)
    if google.emulator is not None:
        path = google.emulator
        emu = load_emulator(path)
        emu.ensure_spreadsheet(key, title=config.school_name)
        http = make_client(config, emu.session())
        return GSheetsWorkbook(http, key, account=emu.user_email, on_change=lambda: _save_emulator(emu, path))
    session, account = authorized_session(google)
    return GSheetsWorkbook(make_client(config, session), key, account=account)
