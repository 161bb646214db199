"""The master list: records + the matching engine -> ``Alumni``, ``Review``, ``Outreach status`` rows,
owners, stable ids and linked engagement records. Pure: no I/O; the state comes in and a new copy
goes out.

Steps of :func:`build_master`:

1. fingerprint every record and tie the previous run's fingerprints to this run's records
   (:mod:`.identity`), so sorting or inserting rows changes nothing;
2. store the Decisions typed in ``Review`` and turn every stored decision into an engine
   constraint (Same -> must link, Different -> cannot link);
3. run the engine (:func:`.matching.link`) and give each cluster its stable Alumni ID;
4. build one :class:`Alumnus` per cluster (best name, consent, owner by the rule in :mod:`.owners`);
5. write the rows of ``Alumni``, ``Review`` and ``Outreach status`` and link engagement records.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from sheets_sync.core.lists.tables import Table
from sheets_sync.core.master.engagements import Linker, link_staff_tabs
from sheets_sync.core.master.identity import (
    assign_ids,
    fingerprints,
    follow_alias,
    name_key,
    normalise_id,
    resolve,
    state_keys,
)
from sheets_sync.core.master.owners import StaffDirectory, choose_owner
from sheets_sync.core.master.review import (
    Decisions,
    contradiction_issues,
    decision_constraints,
    read_review_tab,
    rekey_decisions,
    review_rows,
)
from sheets_sync.core.matching.link import Linkage, MatchSettings, link
from sheets_sync.core.model import Alumnus, DataIssue, Engagement, OutreachStatus, SourceRecord
from sheets_sync.core.state import State
from sheets_sync.core.text.fold import fold
from sheets_sync.schema import ALUMNI, OUTREACH

log = logging.getLogger(__name__)

JOIN = "; "


@dataclass(frozen=True)
class MasterInput:
    records: Sequence[SourceRecord]
    staff: Table  # the Staff tab
    alumni_tab: Table  # the current Alumni tab, read by header (its staff column: "Owner override")
    review_tab: Table  # the current Review tab, read by header (its staff column: "Decision")
    tables: Mapping[str, Table]  # staff tabs about people, by tab: Outreach, Attendance, Volunteering...
    state: State  # previous state (read-only; a new one is returned)
    settings: MatchSettings
    today: dt.date
    default_region: str = "ES"  # for phone numbers typed without a country code in staff tabs


@dataclass(frozen=True)
class MasterResult:
    alumni: list[Alumnus]  # sorted by Alumni ID
    review_rows: list[list]  # rows under tabs.REVIEW_HEADERS (Decision carried over)
    outreach: list[OutreachStatus]  # the Outreach status tab, typed
    engagements: list[Engagement]
    issues: list[DataIssue]
    state: State  # updated copy: members, aliases, decisions, review, alumni, counter
    new_ids: list[str]
    merged: list[tuple[str, str]]  # (surviving id, absorbed id)
    split: list[tuple[str, str]]  # (id kept by the larger part, new id of the smaller part)
    new_review_pairs: int
    merge_confidence: float = 0.89  # MatchSettings.merge_confidence: merged links show this or more


def build_master(inp: MasterInput) -> MasterResult:
    records = list(inp.records)
    state = inp.state.copy()
    fps = fingerprints(records)
    issues = read_review_tab(inp.review_tab, records, fps, state, inp.today)
    old = state_keys(state, "member") | {
        v[k] for _, v in state.items("decision") if isinstance(v, dict) for k in "ab" if k in v
    }
    resolved = resolve(old, fps)
    decisions = decision_constraints(state, resolved)
    linkage = (
        link(records, inp.settings, must_link=decisions.must_link, cannot_link=decisions.cannot_link)
        if records
        else Linkage(clusters=[], confidence=[], review=[], merges=[])
    )
    result = assemble(inp, records, fps, resolved, decisions, linkage, state)
    issues += contradiction_issues(records, linkage.contradicted)
    return MasterResult(**{**result.__dict__, "issues": issues + result.issues})


def assemble(
    inp: MasterInput,
    records: Sequence[SourceRecord],
    fps: Sequence[str],
    resolved: dict[str, int],
    decisions: Decisions,
    linkage: Linkage,
    state: State,
) -> MasterResult:
    """Everything after the engine: ids, alumni, rows, outreach, engagements (``state`` is updated)."""
    clusters = [sorted(c) for c in linkage.clusters]
    refs = [(r.tab, r.row) for r in records]
    ids = assign_ids(clusters, fps, refs, resolved, state, inp.today)
    rekey_decisions(state, resolved, fps, inp.today)

    staff = StaffDirectory.from_table(inp.staff)
    alumni_table = inp.alumni_tab
    overrides, issues = carried_overrides(alumni_table, inp.state, state, set(ids.ids))
    by_cluster: list[Alumnus] = []
    for c, members in enumerate(clusters):
        recs = sorted((records[i] for i in members), key=lambda r: (r.tab, r.row))
        conf = linkage.confidence[c] if c < len(linkage.confidence) else 1.0
        by_cluster.append(make_alumnus(ids.ids[c], recs, staff, overrides.get(ids.ids[c], ""), conf))
    alumni = sorted(by_cluster, key=lambda a: a.alumni_id)
    issues += remember_overrides(alumni, staff, alumni_table, state, inp.today)

    id_of_record = [""] * len(records)
    for c, members in enumerate(clusters):
        for i in members:
            id_of_record[i] = ids.ids[c]
    rrows, new_pairs = review_rows(
        records, fps, linkage, decisions, state, inp.today, alumni_ids=id_of_record, settings=inp.settings
    )
    linker = Linker(records, clusters, by_cluster, inp.settings, state, inp.today, inp.default_region)
    outreach = inp.tables.get(OUTREACH) or Table(OUTREACH, None, ())
    staff_links = link_staff_tabs(outreach, inp.tables, linker)
    log.info(
        "master: %d records -> %d alumni (%d new, %d merged, %d split), %d review rows (%d new)",
        len(records),
        len(alumni),
        len(ids.new_ids),
        len(ids.merged),
        len(ids.split),
        len(rrows),
        new_pairs,
    )
    return MasterResult(
        alumni=alumni,
        review_rows=rrows,
        outreach=staff_links.outreach,
        engagements=staff_links.engagements,
        issues=issues + staff_links.outreach_issues + staff_links.engagement_issues,
        state=state,
        new_ids=ids.new_ids,
        merged=ids.merged,
        split=ids.split,
        new_review_pairs=new_pairs,
        merge_confidence=inp.settings.merge_confidence,
    )


# --------------------------------------------------------------------------- Owner override


def remember_overrides(
    alumni: Sequence[Alumnus], staff: StaffDirectory, alumni_tab: Table, state: State, today: dt.date
) -> list[DataIssue]:
    """Keep each alumnus's ``Owner override`` in the state (a lost tab or hidden row loses nothing);
    an override naming nobody in Staff is a Data issue (the owner rule decides meanwhile)."""
    issues: list[DataIssue] = []
    when = today.isoformat()
    tab_row = _rows_by_id(alumni_tab)
    for a in alumni:
        info = state.get("alumni", a.alumni_id) or {}
        info = {k: v for k, v in info.items() if k != "owner_override"}
        if a.owner_override:
            info["owner_override"] = a.owner_override
        state.set("alumni", a.alumni_id, info, when=when)
        if not a.owner_override:
            continue
        ownership = choose_owner((), staff, a.owner_override)
        if ownership.override_problem:
            issues.append(
                DataIssue(
                    tab=ALUMNI,
                    row=tab_row.get(a.alumni_id),
                    column="Owner override",
                    value=a.owner_override,
                    problem=f"{a.alumni_id}: {ownership.override_problem}",
                    fix="write the name as in the Staff tab, or add this person to Staff; until then the "
                    "owner is chosen by the owner rule",
                )
            )
    return issues


def _rows_by_id(table: Table) -> dict[str, int]:
    """Sheet row of each Alumni ID in the current tab (the backend keeps rows where they are)."""
    out: dict[str, int] = {}
    for row in table.rows:
        aid = normalise_id(row["Alumni ID"])
        if aid is not None:
            out.setdefault(aid, row.row)
    return out


def carried_overrides(
    alumni: Table,
    old_state: State,
    state: State,
    current: set[str],
) -> tuple[dict[str, str], list[DataIssue]]:
    """``Owner override`` per current Alumni ID: from the Alumni tab (also through aliases), else from
    the state (which keeps a copy, so a lost tab or a hidden row loses nothing)."""
    issues: list[DataIssue] = []
    seen_in_tab: set[str] = set()
    candidates: dict[str, list[tuple[int, str, str]]] = {}
    for row in alumni.rows:
        aid = normalise_id(row["Alumni ID"])
        if aid is None:
            continue
        seen_in_tab.add(aid)
        text = " ".join(row["Owner override"].split())
        target = follow_alias(state, aid)
        if target in current:
            candidates.setdefault(target, []).append((0 if aid == target else 1, aid, text))
        elif text:
            issues.append(
                DataIssue(
                    tab=ALUMNI,
                    row=row.row,
                    column="Owner override",
                    value=text,
                    problem=f"{aid} is no longer in any teacher's list, so this override was not kept",
                    fix="nothing to do if the alumnus was removed on purpose; it comes back if their row does",
                )
            )
    for aid, info in old_state.items("alumni"):
        text = info.get("owner_override", "") if isinstance(info, dict) else ""
        target = follow_alias(state, aid)
        if text and target in current and aid not in seen_in_tab:
            candidates.setdefault(target, []).append((2 if aid == target else 3, aid, text))
    out: dict[str, str] = {}
    for target, options in candidates.items():
        options.sort()
        best = options[0]
        if best[0] == 0 and not best[2]:  # cleared in the tab on the surviving row
            absorbed = [o for o in options if o[0] == 1 and o[2]]
            out[target] = absorbed[0][2] if absorbed else ""
        else:
            out[target] = next((o[2] for o in options if o[2]), "")
    return {k: v for k, v in out.items() if v}, issues


# --------------------------------------------------------------------------- one alumnus


def _name(rec: SourceRecord) -> str:
    return " ".join((rec.full_name or " ".join(p for p in (rec.first_name, rec.surname) if p)).split())


def _accents(text: str) -> int:
    return sum(1 for ch in unicodedata.normalize("NFD", text) if unicodedata.combining(ch))


def _supports(record_words: list[str], form_words: list[str]) -> bool:
    """Every word of a row's name is a word of ``form`` (or an initial of one): "Carlota Carbonell"
    supports "Carlota Carbonell Landa"; "Carleta Carbonell Landa" does not."""
    pool = list(form_words)
    for w in record_words:
        hit = next((f for f in pool if f == w or (len(w) == 1 and f.startswith(w))), None)
        if hit is None:
            return False
        pool.remove(hit)
    return True


def best_name(recs: Sequence[SourceRecord]) -> str:
    """The name most source rows agree on: each distinct form (accents, case and word order
    ignored) counts the rows whose every name word it contains, so "Carlota Carbonell" backs
    "Carlota Carbonell Landa" and a typo seen once ("Carleta") never beats two agreeing rows.
    Ties: the form with more words spelled as in the alumnus's email addresses (a school address
    is made from the registered name: "asdrubal.torrecilla@" settles Torrecilla / Torreecilla),
    then the form of the most recent row (last contact), then the most complete form (most words
    that are not initials), then alphabetical. Shown as typed with accents and mixed case."""
    named = [(n, r) for n, r in ((_name(r), r) for r in recs) if n]
    if not named:
        return ""
    if len({n for n, _ in named}) == 1:
        return named[0][0]
    keys = [name_key(n) for n, _ in named]
    words = [k.split() for k in keys]
    forms = sorted(set(keys))
    support = {f: sum(1 for w in words if _supports(w, f.split())) for f in forms}
    latest = {
        f: max((r.last_contact for (_, r), k in zip(named, keys, strict=True) if k == f), default="")
        for f in forms
    }

    def complete(key: str) -> int:
        return sum(1 for w in key.split() if len(w) > 1)

    mailed = {w for r in recs for e in r.emails for w in _WORDS.split(fold(e.split("@")[0])) if len(w) > 1}
    spelled = {f: sum(1 for w in f.split() if w in mailed) for f in forms}  # as in an email address
    key = min(forms, key=lambda f: (-support[f], -spelled[f], _desc(latest[f]), -complete(f), f))
    shown = _count(n for n, k in zip((n for n, _ in named), keys, strict=True) if k == key)
    return min(shown, key=lambda n: (-_accents(n), n.isupper() or n.islower(), -shown[n], n))


_WORDS = re.compile(r"[^a-z]+")


def _desc(iso: str) -> tuple[int, ...]:
    """Sort key putting the most recent ISO date first (no date last)."""
    return tuple(-ord(c) for c in iso) if iso else (1,)


def _count(values: Iterable[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for v in values:
        if v:
            counts[v] = counts.get(v, 0) + 1
    return counts


def most_common(values: Iterable[str]) -> str:
    """The most frequent non-empty value; a tie goes to the alphabetically first."""
    counts = _count(values)
    if len(counts) <= 1:
        return next(iter(counts), "")
    return min(counts, key=lambda v: (-counts[v], v))


def ranked_union(groups: Iterable[Sequence[str]]) -> tuple[str, ...]:
    """Every value of every group, most frequent first, then alphabetical."""
    counts = _count(v for g in groups for v in dict.fromkeys(g))
    if len(counts) <= 1:
        return tuple(counts)
    return tuple(sorted(counts, key=lambda v: (-counts[v], v)))


def consent_of(recs: Sequence[SourceRecord]) -> tuple[str, str]:
    """No if any row says no; Yes if one says yes and none says no; else Unknown. With the rows
    (a survey answer as "Pre-graduation survey, 2026-03-15 (<tab>!<row>)")."""
    for value, word in ((False, "No"), (True, "Yes")):
        rows = [r for r in recs if r.consent is value]
        if rows:
            return word, JOIN.join(_consent_source(r) for r in rows)
    return "Unknown", ""


def _consent_source(r: SourceRecord) -> str:
    if r.consent_label:
        return f"{r.consent_label} ({r.ref})"
    return f"{r.ref} ({r.last_contact})" if r.last_contact else r.ref


def _answers(groups: Iterable[Sequence[str]], consent: str) -> tuple[str, ...]:
    """Survey answers of every row, in first-seen order; none once the alumnus said No."""
    return () if consent == "No" else tuple(dict.fromkeys(v for g in groups for v in g))


def make_alumnus(
    alumni_id: str, recs: Sequence[SourceRecord], staff: StaffDirectory, override: str, confidence: float
) -> Alumnus:
    years: dict[int, int] = {}
    for r in recs:
        if r.graduation_year:
            years[r.graduation_year] = years.get(r.graduation_year, 0) + 1
    consent, consent_source = consent_of(recs)
    ownership = choose_owner(recs, staff, override)
    return Alumnus(
        alumni_id=alumni_id,
        name=best_name(recs),
        emails=ranked_union(r.emails for r in recs),
        phones=ranked_union(r.phones for r in recs),
        graduation_year=min(years, key=lambda y: (-years[y], -y)) if years else None,
        qualification=most_common(r.qualification for r in recs),
        department=most_common(r.department for r in recs),
        category=most_common(r.category for r in recs),
        consent=consent,
        consent_source=consent_source,
        owner=ownership.owner,
        owner_override=ownership.override,
        also_known_to=ownership.also_known_to,
        sources=tuple(r.ref for r in recs),
        confidence=round(min(max(confidence, 0.0), 1.0), 2),
        last_contact=max((r.last_contact for r in recs), default=""),
        birth_date=most_common(r.birth_date for r in recs),
        student_ids=ranked_union([r.student_id] for r in recs),
        wants=_answers((r.wants for r in recs), consent),
        offers=_answers((r.offers for r in recs), consent),
    )
