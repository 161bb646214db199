"""A commit too big for one request: staged in hidden tabs, then swapped in by one small batchUpdate.

Google refuses a request body over 10,485,760 bytes and advises at most 2 MB. A commit whose
in-place plan (``write.plan_tab``) fits in :data:`MAX_REQUEST_BYTES` is sent as it is, in
one ``batchUpdate`` (a small school: 2 calls). A bigger one is *staged* (:func:`stage` plans it,
:func:`commit_staged` sends it):

1. every bulky ``updateCells`` of the plan is redirected to a hidden staging tab
   (``_sheets_sync staging <n>``) at the same coordinates, and split by rows (a row too big on its
   own by cells) into pieces packed into requests of at most :data:`MAX_REQUEST_BYTES`;
2. the *swap* is the in-place plan with each of those ``updateCells`` replaced by a ``copyPaste``
   from the staging tab (the header row, which carries the notes, is written directly), followed
   by ``deleteSheet`` of the staging tabs. It is a few kilobytes, and Google applies it whole or
   not at all.

Until the swap, people see the previous outputs; a run killed while staging leaves hidden
staging tabs that the next commit deletes (:func:`leftovers`). The live tabs keep their sheet ids
(links to a tab, filter views and protections survive), and the staff cells of kept rows are
never written, by the swap as by the one-request commit: the swap is planned from a re-read made
just before it, and sent only when the staged cells are exactly those that re-read asks for.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from gspread.exceptions import APIError
from gspread.urls import SPREADSHEET_BATCH_UPDATE_URL

from sheets_sync.adapters.gsheets.cells import add_sheet, grid_range
from sheets_sync.adapters.gsheets.http import MaybeApplied
from sheets_sync.errors import ConcurrentEditError

if TYPE_CHECKING:
    from sheets_sync.adapters.gsheets.workbook import GSheetsWorkbook
    from sheets_sync.adapters.gsheets.write import Plan

log = logging.getLogger(__name__)

MAX_REQUEST_BYTES = 2 * 1024 * 1024  # Google's advice (its hard limit is 10,485,760 bytes)
STAGING_PREFIX = "_sheets_sync staging "
SMALL_BYTES = 16 * 1024  # an updateCells smaller than this stays in the swap
_ENVELOPE = 64  # '{"requests":[...]}' and separators, rounded up
ROUNDS = 3  # stagings redone because the output tabs changed meanwhile, before giving up

CHANGING = (
    "the output tabs kept changing (rows inserted, deleted or sorted) while the sync wrote them; "
    "nothing was written. Fix: run again when nobody is rearranging them."
)


def body_bytes(body: Any) -> bytes:
    """The request body exactly as it is sent (compact UTF-8 JSON: see RetryingHTTPClient.write)."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def size(obj: Any) -> int:
    return len(body_bytes(obj))


def is_staging(title: str) -> bool:
    return title.startswith(STAGING_PREFIX)


def leftovers(sheets: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """``deleteSheet`` of every staging tab an interrupted commit left behind (``sheets``: properties)."""
    return [{"deleteSheet": {"sheetId": int(p.get("sheetId", 0))}} for p in sheets if is_staging(p["title"])]


@dataclass
class Staged:
    """A commit in three parts: ``setup`` (one request list), ``batches`` (each one request list)
    and ``swap`` (one request list). ``digest`` identifies the staged cells."""

    setup: list[dict[str, Any]] = field(default_factory=list)
    batches: list[list[dict[str, Any]]] = field(default_factory=list)
    swap: list[dict[str, Any]] = field(default_factory=list)
    staging_ids: tuple[int, ...] = ()
    digest: str = ""


def fits(requests: Sequence[dict[str, Any]], limit: int = MAX_REQUEST_BYTES) -> bool:
    return size({"requests": list(requests)}) <= limit


def _pieces(uc: dict[str, Any], sheet_id: int, limit: int) -> Iterable[tuple[dict[str, Any], int]]:
    """The cells of one ``updateCells`` as requests on ``sheet_id`` of at most ``limit`` bytes each
    (with their size, give or take the digits of the range)."""
    rng = uc["range"]
    r0, c0, c1 = (
        int(rng.get("startRowIndex", 0)),
        int(rng.get("startColumnIndex", 0)),
        rng.get("endColumnIndex"),
    )
    fields = uc["fields"]
    overhead = 40 + size(
        {"updateCells": {"range": grid_range(sheet_id, 0, 1, 0, 1), "rows": [], "fields": fields}}
    )
    block: list[dict[str, Any]] = []
    start, used = r0, overhead

    def flush(end: int) -> dict[str, Any]:
        return {
            "updateCells": {
                "range": grid_range(sheet_id, start, end, c0, c1),
                "rows": block,
                "fields": fields,
            }
        }

    for i, row in enumerate(uc.get("rows") or []):
        r = r0 + i
        weight = size(row) + 1
        if overhead + weight > limit:  # one row too big on its own: cell by cell
            if block:
                yield flush(r), used
            for j, value in enumerate(row.get("values") or []):
                if value:
                    one = {"values": [value]}
                    rng1 = grid_range(sheet_id, r, r + 1, c0 + j, c0 + j + 1)
                    yield (
                        {"updateCells": {"range": rng1, "rows": [one], "fields": fields}},
                        overhead + size(one),
                    )
            block, start, used = [], r + 1, overhead
            continue
        if used + weight > limit and block:
            yield flush(r), used
            block, start, used = [], r, overhead
        block.append(row)
        used += weight
    if block:
        yield flush(start + len(block)), used


def _pack(
    pieces: Iterable[tuple[dict[str, Any], int]], first: list[dict[str, Any]], limit: int
) -> list[list[dict[str, Any]]]:
    batches: list[list[dict[str, Any]]] = [list(first)]
    used = size({"requests": first})
    for piece, weight in pieces:
        weight += 1
        if used + weight > limit and batches[-1]:
            batches.append([])
            used = _ENVELOPE
        batches[-1].append(piece)
        used += weight
    return [b for b in batches if b]


def stage(
    requests: Sequence[dict[str, Any]],
    staging_ids: dict[int, int],
    new_id: Callable[[], int],
    delete_first: Sequence[dict[str, Any]] = (),
    *,
    limit: int = MAX_REQUEST_BYTES,
    small: int = SMALL_BYTES,
) -> Staged:
    """Split the in-place ``requests`` of a commit into staging writes and a swap.

    ``staging_ids`` maps a live sheet id to the sheet id its staging tab gets (filled here with
    ``new_id()`` for the tabs that need one; pass the same dict again to re-plan onto the same
    staging tabs).
    ``delete_first`` (the leftovers of an interrupted run) opens the first staging request.
    """
    piece_limit = max(1024, limit - _ENVELOPE)
    small = min(small, limit // 16)
    staged: list[tuple[dict[str, Any], int]] = []
    swap: list[dict[str, Any]] = []
    extent: dict[int, tuple[int, int]] = {}
    for req in requests:
        uc = req.get("updateCells")
        if uc is None or (len(uc.get("rows") or ()) < 256 and size(req) <= small):
            swap.append(req)
            continue
        rng = uc["range"]
        live = int(rng["sheetId"])
        r0, r1 = int(rng.get("startRowIndex", 0)), int(rng["endRowIndex"])
        c0, c1 = int(rng.get("startColumnIndex", 0)), int(rng["endColumnIndex"])
        rows = list(uc.get("rows") or [])
        if r0 == 0 and r1 > 1:  # the header row (notes, bold) is written directly
            swap.append({"updateCells": {**uc, "range": {**rng, "endRowIndex": 1}, "rows": rows[:1]}})
            r0, rows = 1, rows[1:]
        if live not in staging_ids:
            staging_ids[live] = new_id()
        target = staging_ids[live]
        rows_now, cols_now = extent.get(target, (0, 0))
        extent[target] = (max(rows_now, r1), max(cols_now, c1))
        staged += _pieces({**uc, "range": {**rng, "startRowIndex": r0}, "rows": rows}, target, piece_limit)
        source = grid_range(target, r0, r1, c0, c1)
        swap.append(
            {
                "copyPaste": {
                    "source": source,
                    "destination": grid_range(live, r0, r1, c0, c1),
                    "pasteType": "PASTE_NORMAL",
                    "pasteOrientation": "NORMAL",
                }
            }
        )
    used = [t for t in staging_ids.values() if t in extent]
    setup = list(delete_first)
    for n, target in enumerate(used, start=1):
        rows_now, cols_now = extent[target]
        add = add_sheet(target, f"{STAGING_PREFIX}{n}", rows_now, cols_now)
        add["addSheet"]["properties"]["hidden"] = True
        setup.append(add)
    swap += [{"deleteSheet": {"sheetId": t}} for t in used]
    digest = hashlib.sha256(body_bytes(setup[len(delete_first) :]))
    for piece, _ in staged:
        digest.update(body_bytes(piece))
    return Staged(
        setup=setup,
        batches=_pack(staged, setup, limit),
        swap=swap,
        staging_ids=tuple(used),
        digest=digest.hexdigest(),
    )


# --------------------------------------------------------------------------- sending


def _send(wb: GSheetsWorkbook, requests: list[dict[str, Any]], applied: Callable[[], bool]) -> None:
    """One batchUpdate; when its outcome is unknown, ``applied()`` (a re-read) decides on a resend."""
    attempt = 0
    while True:
        try:
            wb.http.write(SPREADSHEET_BATCH_UPDATE_URL % wb.key, {"requests": requests})
            return
        except MaybeApplied as exc:
            wb.http.backoff(attempt, exc.reason, exc.kind)
            attempt += 1
            if applied():
                return
        except APIError as err:
            raise wb.translate(err) from None


def commit_staged(
    wb: GSheetsWorkbook,
    replan: Callable[[], tuple[Plan, list[dict[str, Any]]]],
    plan: Plan,
    stale: list[dict[str, Any]],
) -> int:
    """Stage ``plan`` (the in-place requests of a commit, from a fresh read) and swap it in.

    ``replan()`` re-reads the spreadsheet and plans again (same requests when nothing changed);
    ``stale`` are the ``deleteSheet`` of leftover staging tabs. Returns the cells written."""
    staging_ids: dict[int, int] = {}
    taken = {int(p.get("sheetId", 0)) for p in wb.sheet_properties()}

    def new_id() -> int:
        return wb.new_sheet_id(taken)

    for _ in range(ROUNDS):
        st = stage(plan.requests, staging_ids, new_id, stale, limit=wb.max_request_bytes)
        log.info(
            "staging the outputs in %d hidden tabs: %d requests, largest %d bytes",
            len(st.staging_ids),
            len(st.batches),
            max((size({"requests": b}) for b in st.batches), default=0),
        )

        def staged(ids: frozenset[int] = frozenset(st.staging_ids)) -> bool:
            return ids <= {int(p.get("sheetId", 0)) for p in wb.sheet_properties(refresh=True)}

        for i, batch in enumerate(st.batches):
            _send(wb, batch, staged if i == 0 else lambda: False)  # later batches rewrite the same cells
        attempt = 0
        while True:
            plan, found = replan()  # the re-read the swap is planned on
            ours = set(st.staging_ids)
            if not any(int(d["deleteSheet"]["sheetId"]) in ours for d in found):
                return plan.cells  # a swap whose answer was lost had been applied
            again = stage(plan.requests, staging_ids, new_id, (), limit=wb.max_request_bytes)
            if again.digest != st.digest:  # rows moved since the staging: stage again
                log.warning("the output tabs changed while the sync staged them: staging again")
                staging_ids.clear()
                stale = found
                break
            swap = [d for d in found if int(d["deleteSheet"]["sheetId"]) not in ours] + again.swap
            if not fits(swap, wb.max_request_bytes):
                log.warning(
                    "the swap request is %d bytes (over %d)", size({"requests": swap}), wb.max_request_bytes
                )
            try:
                wb.http.write(SPREADSHEET_BATCH_UPDATE_URL % wb.key, {"requests": swap})
                return plan.cells
            except MaybeApplied as exc:
                wb.http.backoff(attempt, exc.reason, exc.kind)
                attempt += 1
            except APIError as err:
                raise wb.translate(err) from None
    raise ConcurrentEditError(CHANGING)
