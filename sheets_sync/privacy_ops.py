"""``forget`` (right to erasure) and ``export`` (subject access request).

forget: find the person (by Alumni ID or email) with a fresh computation, record a suppression
entry per identifier (a salted hash, never the data), purge the state rows and queued mails
that concern them, then run one ordinary sync on that edited state, so every service-owned tab
is rewritten without them in the same atomic commit as always. Teacher-owned cells are never
touched by the service: they are listed so their owners can delete them, and every later sync
ignores them (and says so) while they remain.

export: everything held about the person as JSON and as a readable .xlsx.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from . import tabs
from .backends.base import Snapshot, Workbook
from .config import Config
from .core.identity import fingerprints, follow_alias, normalise_id
from .core.model import Alumnus, Grid, SourceRecord
from .core.privacy import identifier_hash, record_identifiers
from .core.state import State
from .errors import ConfigError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Person:
    alumnus: Alumnus | None
    records: tuple[SourceRecord, ...]
    alumni_id: str | None


def _compute(config: Config, snapshot: Snapshot) -> Any:
    from . import adapters
    from .pipeline import compute, new_report

    report = new_report("dry-run")
    return compute(config, snapshot, adapters.external_lists(config), report, today=dt.date.today())


def find_person(who: str, computed: Any, state: State) -> Person:
    """Resolve an Alumni ID (aliases followed) or an email to the alumnus and its source records."""
    alumni: Sequence[Alumnus] = computed.master.alumni
    records: Sequence[SourceRecord] = computed.records
    wanted_id = normalise_id(who)
    target: Alumnus | None = None
    if wanted_id:
        wanted_id = follow_alias(state, wanted_id)
        target = next((a for a in alumni if a.alumni_id == wanted_id), None)
    elif "@" in who:
        email = who.strip().lower()
        target = next((a for a in alumni if email in (e.lower() for e in a.emails)), None)
        if target is None:  # an email seen only in a row that became no alumnus
            hits = tuple(r for r in records if email in (e.lower() for e in r.emails))
            return Person(None, hits, None)
    else:
        raise ConfigError(
            f"{who!r} is neither an Alumni ID (A-00042) nor an email address — give one of those"
        )
    if target is None:
        return Person(None, (), wanted_id)
    refs = set(target.sources)
    return Person(target, tuple(r for r in records if r.ref in refs), target.alumni_id)


@dataclass(frozen=True)
class ForgetResult:
    found: bool
    alumni_id: str | None
    teacher_cells: tuple[str, ...]
    mails_removed: int
    report: Any = None

    def lines(self) -> list[str]:
        if not self.found:
            return ["forget: nobody matches — nothing was changed (check the Alumni ID or email)"]
        out = [
            "forget: removed from every service-owned tab, the state tab and the outbox; "
            f"{self.mails_removed} queued mail(s) deleted",
            "the erasure is recorded in the Sync log (date and who asked; no personal data)",
        ]
        if self.teacher_cells:
            out.append("these teacher-owned rows still hold the person; ask their owners to delete them:")
            out.extend(f"  {ref}" for ref in self.teacher_cells)
            out.append("until then every sync ignores them and the office digest lists them")
        return out


def _purge_state(state: State, person: Person, today: str, by: str) -> None:
    fps = set(fingerprints(person.records)) if person.records else set()
    for kind in ("member", "decision"):
        for key, value in list(state.items(kind)):
            text = json.dumps(value)
            if (
                key in fps
                or any(fp in key or fp in text for fp in fps)
                or (person.alumni_id and person.alumni_id in text)
            ):
                state.delete(kind, key)
    if person.alumni_id:
        state.delete("alumni", person.alumni_id)
        for key, value in list(state.items("alias")):
            if key == person.alumni_id or value == person.alumni_id:
                state.delete("alias", key)
    for identifier in {i for r in person.records for i in record_identifiers(r)}:
        state.set("suppress", identifier_hash(identifier), today, when=today)
    state.set(
        "erasure",
        identifier_hash(f"erasure:{person.alumni_id or today}"),
        {"date": today, "by": by},
        when=today,
    )


def _purge_outbox(folder: Path, person: Person) -> int:
    needles = {e.lower() for r in person.records for e in r.emails}
    if person.alumnus is not None:
        needles.update(e.lower() for e in person.alumnus.emails)
        needles.add(person.alumnus.alumni_id.lower())
        if person.alumnus.name:
            needles.add(person.alumnus.name.lower())
    needles.update(r.full_name.lower() for r in person.records if r.full_name)
    removed = 0
    if not folder.exists() or not needles:
        return 0
    for path in folder.rglob("*.eml"):
        try:
            text = path.read_bytes().decode("utf-8", "replace").lower()
        except OSError:
            continue
        if any(n and n in text for n in needles):
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def _with_state(snapshot: Snapshot, state: State) -> Snapshot:
    grid = Grid.from_rows(tabs.STATE, [list(tabs.STATE_HEADERS), *state.to_rows()])
    grids = dict(snapshot.grids)
    grids[tabs.STATE] = grid
    return replace(snapshot, grids=grids)


def forget(config: Config, workbook: Workbook, who: str, *, by: str = "", queue: Any = None) -> ForgetResult:
    from .pipeline import run_sync

    snapshot = workbook.read()
    state = State.from_grid(snapshot.get(tabs.STATE))
    computed = _compute(config, snapshot)
    person = find_person(who, computed, state)
    if person.alumnus is None and not person.records:
        return ForgetResult(False, None, (), 0)
    today = dt.date.today().isoformat()
    _purge_state(state, person, today, by or "unknown")
    removed = _purge_outbox(config.outbox_dir, person)
    teacher_cells = tuple(sorted(r.ref for r in person.records))
    message = f"erasure of one person requested by {by or 'unknown'}; {len(teacher_cells)} teacher row(s) still hold them"
    report, _ = run_sync(
        config, workbook, external=(), outbox=None, snapshot=_with_state(snapshot, state), message=message
    )
    log.info("erasure done: %d suppression keys, %d mails removed", len(state.keys("suppress")), removed)
    return ForgetResult(True, person.alumni_id, teacher_cells, removed, report)


# --------------------------------------------------------------------------- export


def _row_dict(header: Sequence[str], row: Sequence[Any]) -> dict[str, Any]:
    return {h: (row[i] if i < len(row) else "") for i, h in enumerate(header)}


def collect(config: Config, workbook: Workbook, who: str) -> dict[str, Any]:
    snapshot = workbook.read()
    state = State.from_grid(snapshot.get(tabs.STATE))
    computed = _compute(config, snapshot)
    person = find_person(who, computed, state)
    refs = {r.ref for r in person.records}
    master = computed.master
    data: dict[str, Any] = {
        "subject": who,
        "exported": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "alumni_id": person.alumni_id,
        "master_record": asdict(person.alumnus) if person.alumnus else None,
        "source_rows": [
            {"ref": r.ref, "teacher": r.teacher, "as_entered": dict(r.raw)} for r in person.records
        ],
        "review": [
            _row_dict(tabs.REVIEW_HEADERS, row)
            for row in master.review_rows
            if row[0] in refs or row[1] in refs
        ],
        "outreach": [
            _row_dict(tabs.OUTREACH_STATUS_HEADERS, row)
            for row in master.outreach_rows
            if person.alumni_id and person.alumni_id in row
        ],
        "engagements": [
            asdict(e) for e in master.engagements if person.alumni_id and e.alumni_id == person.alumni_id
        ],
    }
    return data


def export(config: Config, workbook: Workbook, who: str, *, out: Path) -> list[Path]:
    from openpyxl import Workbook as XlsxBook

    data = collect(config, workbook, who)
    if data["master_record"] is None and not data["source_rows"]:
        raise ConfigError(f"nobody matches {who!r} — check the Alumni ID or email")
    stem = f"export-{data['alumni_id'] or 'person'}-{dt.date.today().isoformat()}"
    json_path = out / f"{stem}.json"
    json_path.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str), encoding="utf-8")

    book = XlsxBook()
    sheet = book.active
    sheet.title = "Master record"
    for key, value in (data["master_record"] or {}).items():
        _append_text(sheet, [key, "; ".join(map(str, value)) if isinstance(value, (list, tuple)) else value])
    sections = {
        "Source rows": [
            {"ref": s["ref"], "teacher": s["teacher"], **s["as_entered"]} for s in data["source_rows"]
        ],
        "Review": data["review"],
        "Outreach": data["outreach"],
        "Engagements": data["engagements"],
    }
    for title, rows in sections.items():
        ws = book.create_sheet(title)
        headers: list[str] = []
        for row in rows:
            headers.extend(k for k in row if k not in headers)
        _append_text(ws, headers or ["(nothing held)"])
        for row in rows:
            _append_text(ws, [row.get(h, "") for h in headers])
    xlsx_path = out / f"{stem}.xlsx"
    book.save(xlsx_path)
    return [json_path, xlsx_path]


def _append_text(ws: Any, values: Sequence[Any]) -> None:
    """Append a row; every string stays a string (no formula from a list cell)."""
    ws.append([None if v is None else v if isinstance(v, (int, float)) else str(v) for v in values])
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"
