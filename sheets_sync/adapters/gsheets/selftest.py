"""``run.py selftest``: the Google pieces of a live check on a throwaway spreadsheet.

The command (``commands.cmd_selftest``) refuses any spreadsheet that holds lists other than its
own (:func:`check_throwaway`), writes two small teachers' lists (:func:`write_lists`), runs
``init``, a first sync, a person's edit (:func:`type_owner`), and a nightly sync forced through
the staged commit (hidden staging tabs, then the swap); :func:`verify` then reads everything
back from Google and returns one line per check.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sheets_sync import schema as tabs
from sheets_sync.adapters.gsheets.cells import add_sheet, cell, quote, update_cells
from sheets_sync.adapters.gsheets.lock import LOCK_KEY
from sheets_sync.adapters.gsheets.stage import is_staging
from sheets_sync.adapters.gsheets.workbook import GSheetsWorkbook
from sheets_sync.adapters.gsheets.write import PROTECT_TAG
from sheets_sync.errors import ConfigError

log = logging.getLogger(__name__)

PREFIX = f"{tabs.LIST_PREFIX}Selftest "
OWNER = "Selftest Staff"
STAGED_LIMIT = 16 * 1024  # the nightly sync of the selftest goes through the staged commit
LISTS: dict[str, list[list[str]]] = {
    f"{PREFIX}Ana": [
        ["Name", "Email", "Phone", "Graduation year", "Qualification", "Consent"],
        ["Marta López García", "marta.lopez@example.org", "0612 345 678", "2019", "Cocina", "yes"],
        ["Jüri Õun", "juri.oun@example.ee", "+372 5123 4567", "2020", "Welding", "yes"],
        ["Chen Wei 陈伟", "chen.wei@example.com", "", "2021", "=1+1", "no"],
        ["Ana Bad", "not-an-email", "", "20199", "", ""],
    ],
    f"{PREFIX}Bea": [
        ["Apellidos", "Nombre", "Correo", "Teléfono", "Año"],
        ["López García", "Marta", "MARTA.LOPEZ@example.org", "612345678", "2019"],
        ["Rossi", "Giulia", "giulia.rossi@example.it", "", "2018"],
    ],
}
NOT_THROWAWAY = (
    "selftest writes tabs, so it only runs on a throwaway spreadsheet: {key} holds {tabs}. Fix: create a "
    "new, empty spreadsheet (https://sheets.new), share it with {account} as Editor, and give its key."
)


@dataclass(frozen=True)
class Check:
    ok: bool
    what: str


def check_throwaway(wb: GSheetsWorkbook, own: Sequence[str]) -> None:
    """Refuse a spreadsheet holding tabs selftest did not make (``own``: the tabs init makes)."""
    sheets = wb.get({"fields": "sheets(properties(title),data(rowData(values(formattedValue))))"})
    foreign = []
    for sheet in sheets.get("sheets", []):
        title = sheet["properties"]["title"]
        if title.startswith(PREFIX) or title in own or is_staging(title):
            continue
        if any(
            v.get("formattedValue")
            for d in sheet.get("data", [])
            for r in d.get("rowData", [])
            for v in r.get("values", [])
        ):
            foreign.append(title)
        elif title.startswith(tabs.LIST_PREFIX):
            foreign.append(title)
    if foreign:
        raise ConfigError(
            NOT_THROWAWAY.format(key=wb.key, tabs=", ".join(repr(t) for t in foreign), account=wb.account)
        )


def write_lists(wb: GSheetsWorkbook) -> None:
    """The two sample lists, replacing those of an earlier selftest."""
    sheets = wb.sheet_properties(refresh=True)
    used = {int(p.get("sheetId", 0)) for p in sheets}
    requests: list[dict[str, Any]] = [
        {"deleteSheet": {"sheetId": int(p["sheetId"])}} for p in sheets if p["title"] in LISTS
    ]
    for title, rows in LISTS.items():
        sheet_id = wb.new_sheet_id(used)
        width = max(len(r) for r in rows)
        requests.append(add_sheet(sheet_id, title, 100, max(width, 26)))
        grid = [[cell(v) for v in r] for r in rows]
        requests.append(update_cells(sheet_id, 0, len(rows), 0, width, grid, "userEnteredValue"))
    wb.apply(lambda attempt: ({"requests": requests}, None) if attempt == 0 else (None, None))
    wb.changed()


def _values(wb: GSheetsWorkbook, title: str) -> list[list[str]]:
    got = wb.http.values_batch_get(wb.key, [quote(title)], {"valueRenderOption": "FORMATTED_VALUE"})
    return [[str(c) for c in row] for row in (got.get("valueRanges", [{}])[0].get("values") or [])]


def type_owner(wb: GSheetsWorkbook) -> str:
    """A person types an Owner override on the first Alumni row; returns its Alumni ID."""
    rows = _values(wb, tabs.ALUMNI)
    col = rows[0].index("Owner override")
    rng = f"{quote(tabs.ALUMNI)}!{chr(65 + col)}2"
    wb.http.values_update(wb.key, rng, params={"valueInputOption": "RAW"}, body={"values": [[OWNER]]})
    wb.changed()
    return rows[1][0]


def sheet_ids(wb: GSheetsWorkbook) -> dict[str, int]:
    return {p["title"]: int(p.get("sheetId", 0)) for p in wb.sheet_properties(refresh=True)}


def verify(
    wb: GSheetsWorkbook, *, templates: Sequence[str], charts: int, owner_of: str, ids_before: dict[str, int]
) -> list[Check]:
    """Read everything back from Google and check what a school relies on."""
    fields = (
        "sheets(properties(sheetId,title,hidden),protectedRanges(description,warningOnly,unprotectedRanges),"
        "charts(chartId)),developerMetadata(metadataKey)"
    )
    meta = wb.get({"fields": fields})
    by_title = {s["properties"]["title"]: s for s in meta.get("sheets", [])}
    out: list[Check] = []

    def check(ok: bool, what: str) -> None:
        out.append(Check(bool(ok), what))

    missing = [t for t in (*templates, *tabs.OUTPUT_TABS) if t not in by_title]
    check(
        not missing,
        f"init and sync made every template and output tab ({len(templates)} + {len(tabs.OUTPUT_TABS)})"
        + (f"; missing {missing}" if missing else ""),
    )
    alumni = _values(wb, tabs.ALUMNI)
    header = alumni[0] if alumni else []
    marta = [r for r in alumni[1:] if r and "Marta" in r[header.index("Name")]] if "Name" in header else []
    sources = marta[0][header.index("Sources")] if len(marta) == 1 and "Sources" in header else ""
    check(
        len(marta) == 1 and all(t in sources for t in LISTS),
        f"the same alumna in two lists (different headers, languages, case) is one Alumni row citing both: {sources!r}",
    )
    check(len(alumni) - 1 >= 4, f"Alumni has a row per distinct person ({len(alumni) - 1} rows)")
    issues = _values(wb, tabs.DATA_ISSUES)
    check(
        any(PREFIX in " ".join(r) for r in issues[1:]),
        f"bad cells are reported in Data issues ({len(issues) - 1} rows)",
    )
    got = wb.get(
        {
            "ranges": [quote(t) for t in tabs.OUTPUT_TABS if t in by_title],
            "fields": "sheets(properties(title),data(rowData(values(userEnteredValue))))",
        }
    )
    formulas = sum(
        1
        for s in got.get("sheets", [])
        for d in s.get("data", [])
        for r in d.get("rowData", [])
        for v in r.get("values", [])
        if "formulaValue" in (v.get("userEnteredValue") or {})
    )
    check(formulas == 0, "no output cell is a formula (a list's '=1+1' stays text)")
    owned = [r for r in alumni[1:] if r and r[0] == owner_of]
    col = header.index("Owner override") if "Owner override" in header else -1
    check(
        len(owned) == 1 and col >= 0 and col < len(owned[0]) and owned[0][col] == OWNER,
        f"an Owner override a person typed between syncs is kept on its alumnus ({owner_of})",
    )
    state = by_title.get(tabs.STATE, {})
    check(state.get("properties", {}).get("hidden") is True, "the state tab is hidden")
    unprotected = [
        t
        for t in tabs.OUTPUT_TABS
        if t in by_title
        and not any(p.get("description") == PROTECT_TAG for p in by_title[t].get("protectedRanges", []))
    ]
    check(
        not unprotected,
        "every output tab carries the sync's warning-only protection"
        + (f"; not {unprotected}" if unprotected else ""),
    )
    got_charts = sum(len(s.get("charts", [])) for s in meta.get("sheets", []))
    check(
        got_charts == charts,
        f"the Rollup holds the charts of one run after two syncs ({got_charts} of {charts})",
    )
    staging = [t for t in by_title if is_staging(t)]
    check(not staging, "the staged commit left no staging tab")
    moved = [
        t
        for t in tabs.OUTPUT_TABS
        if t in ids_before and by_title.get(t, {}).get("properties", {}).get("sheetId") != ids_before[t]
    ]
    check(not moved, "the staged swap kept every output tab's sheet id (links and filter views survive)")
    locks = [m for m in meta.get("developerMetadata", []) if m.get("metadataKey") == LOCK_KEY]
    check(not locks, "the sync lock was released")
    return out


def run(
    wb: GSheetsWorkbook,
    *,
    templates: Sequence[str],
    holder: str,
    stale_after: dt.timedelta,
    init: Callable[[GSheetsWorkbook], object],
    sync: Callable[[GSheetsWorkbook], int],
) -> list[Check]:
    """The whole live check; ``init(wb)`` provisions, ``sync(wb)`` syncs and returns its charts."""
    check_throwaway(wb, [*templates, *tabs.OUTPUT_TABS])
    write_lists(wb)
    log.info("selftest: sample lists written, running init")
    with wb.lock(holder, stale_after=stale_after):
        init(wb)
    with wb.lock(holder, stale_after=stale_after):
        sync(wb)  # the first sync: every output tab created, one request
    owner_of = type_owner(wb)
    ids = sheet_ids(wb)
    wb.max_request_bytes = STAGED_LIMIT
    with wb.lock(holder, stale_after=stale_after):
        charts = sync(wb)  # a nightly sync, staged in hidden tabs and swapped in
    return verify(wb, templates=templates, charts=charts, owner_of=owner_of, ids_before=ids)
