"""``forget`` (right to erasure) and ``export`` (subject access request).

forget: find the person (by Alumni ID, an absorbed alias id, or email) with a fresh computation,
record a suppression entry per identifier (a salted hash, never the data), purge the state rows
and the mails (pending and sent ``.eml``) that concern them, then run one ordinary sync on that
edited state, so every service-owned tab is rewritten without them in the same atomic commit as
always; then delete every backup of the workbook (``.sheets_sync_backups/``: each earlier version,
and the one that commit made, holds the person). Rows the service may not edit (teacher lists, staff tabs) are never touched: they are
listed so their owners can delete them, and every later sync ignores them (and the office
digest lists them) while they remain.

export: everything held about the person as JSON and as a readable .xlsx.

Both are use cases: the command hands in the adapters (teacher lists outside the workbook, the
mail queue, the export workbook writer); this module names no concrete one.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import secrets
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from sheets_sync import schema as tabs
from sheets_sync.app.inputs import ExternalList
from sheets_sync.app.language import canonical_grid, canonical_snapshot, real_titles
from sheets_sync.app.outputs import outreach_cells
from sheets_sync.app.sync import Computed, MailSink, compute, new_report, run_sync
from sheets_sync.config import Config
from sheets_sync.core.master.identity import fingerprints, follow_alias, normalise_id
from sheets_sync.core.model import Alumnus, Grid, SourceRecord
from sheets_sync.core.privacy import (
    KIND,
    SALT_KEY,
    SALT_KIND,
    Identifiers,
    Suppression,
    is_suppressed,
    record_identifiers,
    row_identifiers,
    suppression_keys,
)
from sheets_sync.core.state import State
from sheets_sync.errors import ConfigError
from sheets_sync.files import write_atomic
from sheets_sync.workbook import Snapshot, Workbook

log = logging.getLogger(__name__)

# state kinds whose entries may name a forgotten person's Alumni ID / record fingerprints
_SOURCE_A, _SOURCE_B = tabs.REVIEW_HEADERS.index("Source A"), tabs.REVIEW_HEADERS.index("Source B")
_PURGED_KINDS = ("member", "decision", "alumni", "alias", "sent", "pending", "digest")


@dataclass(frozen=True)
class Person:
    alumnus: Alumnus | None
    records: tuple[SourceRecord, ...]
    alumni_id: str | None
    staff_rows: tuple[str, ...] = ()  # Outreach / Attendance / ... rows linked to them (<tab>!<row>)
    alumni_ids: tuple[str, ...] = ()  # their Alumni ID and every alias id leading to it


def _compute(config: Config, snapshot: Snapshot, external: Sequence[ExternalList]) -> Computed:
    """A full computation, written nowhere (what a dry run sees)."""
    report = new_report("dry-run")  # on the core's (English) view of a workbook in any language
    return compute(config, canonical_snapshot(snapshot), external, report, today=dt.date.today())


def find_person(who: str, computed: Computed, state: State) -> Person:
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
        return Person(None, (), None)
    refs = set(target.sources)
    aid = target.alumni_id
    staff_rows = [s.row for s in computed.master.outreach if s.alumni_id == aid]
    staff_rows += [e.source for e in computed.master.engagements if e.alumni_id == aid]
    return Person(target, tuple(r for r in records if r.ref in refs), aid, tuple(dict.fromkeys(staff_rows)))


@dataclass(frozen=True)
class ForgetResult:
    found: bool
    alumni_id: str | None
    teacher_cells: tuple[str, ...]  # <tab>!<row> the service may not edit that still hold the person
    mails_removed: int
    report: Any = None
    backups_removed: int = 0  # earlier versions of the workbook (each held the person)

    def lines(self) -> list[str]:
        if not self.found:
            return ["forget: nobody matches — nothing was changed (check the Alumni ID or email)"]
        out = [
            f"forget: {self.alumni_id or 'the person'} removed from every service-owned tab, the state tab "
            f"and the outbox; {self.mails_removed} mail(s) deleted",
            f"{self.backups_removed} backup(s) of the workbook deleted (every earlier version held the "
            "person; the workbook as it is now is the only copy left)",
            "the erasure is recorded in the Sync log (date and who asked; no personal data)",
        ]
        if self.teacher_cells:
            out.append(
                "these rows (teacher lists, staff tabs) still hold the person; ask their owners to delete them:"
            )
            out.extend(f"  {ref}" for ref in self.teacher_cells)
            out.append("until then every sync ignores them and the office digest lists them")
        return out


def _ids_of(state: State, alumni_id: str | None) -> set[str]:
    """The Alumni ID and every alias id that leads to it."""
    if not alumni_id:
        return set()
    return {alumni_id} | {k for k, _ in state.items("alias") if follow_alias(state, k) == alumni_id}


def _id_pattern(ids: Iterable[str]) -> re.Pattern[str] | None:
    ids = sorted(ids)
    if not ids:
        return None
    return re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, ids)) + r")(?!\d)", re.IGNORECASE)


def _scrub(value: Any, pattern: re.Pattern[str]) -> Any:
    """``value`` without the list items that mention an id (a backlog of new ids, merge pairs)."""
    if isinstance(value, dict):
        return {k: _scrub(v, pattern) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub(v, pattern) for v in value if not pattern.search(json.dumps(v))]
    return value


def _purge_state(state: State, person: Person, keys: set[str], today: str, by: str) -> None:
    fps = set(fingerprints(person.records)) if person.records else set()
    ids = _ids_of(state, person.alumni_id)
    pattern = _id_pattern(ids)
    for kind in _PURGED_KINDS:
        for key, value in list(state.items(kind)):
            text = state.entries[kind][key]
            if key in fps or any(fp in key or fp in text for fp in fps):
                state.delete(kind, key)
            elif pattern is not None and pattern.search(key):
                state.delete(kind, key)
            elif pattern is not None and pattern.search(text):
                scrubbed = _scrub(value, pattern)
                if kind in ("digest", "pending") and not pattern.search(json.dumps(scrubbed)):
                    state.set(kind, key, scrubbed, when=today)
                else:
                    state.delete(kind, key)
    for key in keys:
        state.set(KIND, key, today, when=today)
    state.set("erasure", f"{today}-{len(state.keys('erasure')) + 1}", {"date": today, "by": by}, when=today)


def _salt(state: State) -> str:
    salt = state.get(SALT_KIND, SALT_KEY)
    if not isinstance(salt, str) or not salt:
        salt = secrets.token_hex(16)
        state.set(SALT_KIND, SALT_KEY, salt, when=dt.date.today().isoformat())
    return salt


def _identifiers(person: Person, computed: Computed, region: str) -> list[Identifiers]:
    found = [record_identifiers(r) for r in person.records]
    rows = set(person.staff_rows)
    for title, table in computed.tables.items():
        for row in table.rows:
            if f"{table.title or title}!{row.row}" in rows:
                found.append(row_identifiers(title, row, region, computed.today))
    found.append(Identifiers(tuple(f"alumni:{i}" for i in person.alumni_ids)))
    return found


def _mentions(person: Person, ids: set[str]) -> Callable[[str], bool]:
    """Does a mail's folded text mention the person (an email, phone, name or one of their ids)?"""
    needles = {e.casefold() for r in person.records for e in r.emails}
    needles.update(p for r in person.records for p in r.phones)
    needles.update(" ".join(r.full_name.casefold().split()) for r in person.records if r.full_name)
    if person.alumnus is not None:
        needles.update(e.casefold() for e in person.alumnus.emails)
        needles.update(person.alumnus.phones)
        if person.alumnus.name:
            needles.add(" ".join(person.alumnus.name.casefold().split()))
    needles.discard("")
    pattern = _id_pattern(ids)
    return lambda text: (
        any(n in text for n in needles) or (pattern is not None and bool(pattern.search(text)))
    )


def _rows_holding(person: Person, computed: Computed, state: State, region: str) -> tuple[str, ...]:
    """The person's rows, and any other row the new suppression entries catch (a name-only row)."""
    sup = Suppression.of(state)
    refs = {r.ref for r in person.records} | set(person.staff_rows)
    refs.update(r.ref for r in computed.records if is_suppressed(r, sup))
    for title, table in computed.tables.items():
        for row in table.rows:
            if sup.matches(row_identifiers(title, row, region, computed.today)):
                refs.add(f"{table.title or title}!{row.row}")
    return tuple(sorted(refs))


def _without_person(snapshot: Snapshot, state: State, person: Person) -> Snapshot:
    """The snapshot the forget run computes from: the edited state, and no old ``Alumni`` /
    ``Review`` row of theirs (a staff decision or override there would be read back)."""
    refs = {r.ref for r in person.records}
    ids = set(person.alumni_ids)
    grids = dict(snapshot.grids)
    grids[tabs.STATE] = Grid.from_rows(tabs.STATE, [list(tabs.STATE_HEADERS), *state.to_rows()])
    titles = real_titles(snapshot)  # Alumni / Review under their names in the workbook's language
    review = grids.get(titles.get(tabs.REVIEW, tabs.REVIEW))
    head = list(canonical_grid(review, tabs.REVIEW).rows[0]) if review is not None and review.rows else []
    sources = [head.index(h) for h in ("Source A", "Source B") if h in head]  # by header: old tabs too
    for english, gone in (
        (tabs.ALUMNI, lambda row: bool(row) and row[0] in ids),
        (tabs.REVIEW, lambda row: bool(refs & {row[c] for c in sources if c < len(row)})),
    ):
        title = titles.get(english, english)
        grid = grids.get(title)
        if grid is not None and grid.rows:
            kept = [grid.rows[0], *(r for r in grid.rows[1:] if not gone(r))]
            grids[title] = replace(grid, rows=tuple(kept))
    return replace(snapshot, grids=grids)


def forget(
    config: Config,
    workbook: Workbook,
    who: str,
    *,
    by: str = "",
    external: Sequence[ExternalList],
    queue: MailSink,
) -> ForgetResult:
    """Erase ``who`` (Alumni ID, alias id or email) from everything the service owns (see module doc).

    The adapters are handed in: ``external`` the teacher lists outside the workbook, ``queue`` the mail
    queue (its files that mention the person are deleted; the rewriting sync queues through it).
    """
    snapshot = workbook.read()
    state = State.from_grid(snapshot.get(tabs.STATE))
    computed = _compute(config, snapshot, external)
    person = find_person(who, computed, state)
    if person.alumnus is None and not person.records:
        log.info("forget: nobody matches; nothing changed")
        return ForgetResult(False, None, (), 0)
    ids = _ids_of(state, person.alumni_id)
    person = replace(person, alumni_ids=tuple(sorted(ids)))
    keys = suppression_keys(_identifiers(person, computed, config.default_region), _salt(state))
    today = dt.date.today().isoformat()
    removed = queue.purge(_mentions(person, ids))
    _purge_state(state, person, keys, today, by or "unknown")
    for kind in ("pending", "sent"):  # mail keys whose file is gone must not block a new mail
        for key in list(state.keys(kind)):
            if queue.file_name(key) in removed:
                state.delete(kind, key)
    cells = _rows_holding(person, computed, state, config.default_region)
    message = (
        f"erasure of one person requested by {by or 'unknown'}; "
        f"{len(cells)} row(s) in teacher lists/staff tabs still hold them"
    )
    report, _ = run_sync(
        config,
        workbook,
        external=external,
        outbox=queue,
        snapshot=_without_person(snapshot, state, person),
        message=message,
        mode="forget",
    )
    backups = workbook.drop_backups()  # after the commit: its own backup holds the person too
    log.info(
        "erasure done: %d suppression keys, %d mails removed, %d backups deleted, %d rows left",
        len(keys),
        len(removed),
        backups,
        len(cells),
    )
    return ForgetResult(True, person.alumni_id, tuple(cells), len(removed), report, backups)


# --------------------------------------------------------------------------- export


def _row_dict(header: Sequence[str], row: Sequence[Any]) -> dict[str, Any]:
    return {h: (row[i] if i < len(row) else "") for i, h in enumerate(header)}


def collect(
    config: Config, workbook: Workbook, who: str, *, external: Sequence[ExternalList]
) -> dict[str, Any]:
    """Everything the service holds about ``who``, as plain data (what ``export`` writes)."""
    snapshot = workbook.read()
    state = State.from_grid(snapshot.get(tabs.STATE))
    computed = _compute(config, snapshot, external)
    person = find_person(who, computed, state)
    refs = {r.ref for r in person.records}
    staff = set(person.staff_rows)
    master = computed.master
    aid = person.alumni_id
    return {
        "subject": who,
        "exported": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "alumni_id": aid,
        "master_record": asdict(person.alumnus) if person.alumnus else None,
        "source_rows": [
            {"ref": r.ref, "teacher": r.teacher, "as_entered": dict(r.raw)} for r in person.records
        ],
        "review": [
            _row_dict(tabs.REVIEW_HEADERS, row)
            for row in master.review_rows
            if {row[_SOURCE_A], row[_SOURCE_B]} & refs
        ],
        "outreach": [
            _row_dict(tabs.OUTREACH_STATUS_HEADERS, outreach_cells(s))
            for s in master.outreach
            if aid and s.alumni_id == aid
        ],
        "engagements": [asdict(e) for e in master.engagements if aid and e.alumni_id == aid],
        "staff_rows": [
            {"ref": f"{table.title or title}!{row.row}", "as_entered": {**row.values, **row.extra}}
            for title, table in computed.tables.items()
            for row in table.rows
            if f"{table.title or title}!{row.row}" in staff
        ],
        "service_memory": {"first_seen": (state.get("alumni", aid) or {}).get("first_seen", "")}
        if aid
        else {},
    }


ExportWriter = Callable[[Mapping[str, Any], Path], None]  # the data as a readable workbook at a path


def export(
    config: Config,
    workbook: Workbook,
    who: str,
    *,
    out: Path,
    external: Sequence[ExternalList],
    write_workbook: ExportWriter,
) -> list[Path]:
    """Write ``export-<id>-<date>.json`` and ``.xlsx`` into ``out`` (0600); returns both paths."""
    data = collect(config, workbook, who, external=external)
    if data["master_record"] is None and not data["source_rows"]:
        raise ConfigError(f"nobody matches {who!r} — check the Alumni ID or email")
    stem = f"export-{data['alumni_id'] or 'person'}-{dt.date.today().isoformat()}"
    json_path = out / f"{stem}.json"
    write_atomic(json_path, json.dumps(data, ensure_ascii=False, indent=2, default=str))  # 0600
    xlsx_path = out / f"{stem}.xlsx"
    write_workbook(data, xlsx_path)
    log.info("export written: %d source rows", len(data["source_rows"]))
    return [json_path, xlsx_path]
