"""The ``Review`` queue: uncertain pairs out, staff Decisions (Same / Different) in.

A Decision is stored in the state (kind ``decision``, keyed by the two records' fingerprints, see
:mod:`.identity`) the first time it is seen, so it survives sorting, inserted rows and a typo fixed
elsewhere in the row. Every later run passes it to the engine (Same -> must link, Different ->
cannot link), does not propose the pair again, and keeps showing it in ``Review`` with its Decision
while both rows exist. To change your mind, pick the other value; an emptied cell changes nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sheets_sync.core.lists.tables import Table
from sheets_sync.core.master.identity import expired, name_key, pair_key, record_name, state_keys
from sheets_sync.core.matching.link import Linkage, MatchSettings, ScoredPair
from sheets_sync.core.model import DataIssue, SourceRecord
from sheets_sync.core.state import State
from sheets_sync.core.text.fold import fold
from sheets_sync.schema import REVIEW_DECISIONS

log = logging.getLogger(__name__)


_DECISION_WORDS = {
    "same": "Same",
    "the same": "Same",
    "same person": "Same",
    "different": "Different",
    "different people": "Different",
    "not the same": "Different",
}


def decision_word(text: str) -> str | None:
    """``"same"``, ``"SAME "`` -> ``"Same"``; None when not one of :data:`tabs.REVIEW_DECISIONS`."""
    return _DECISION_WORDS.get(fold(text))


@dataclass(frozen=True)
class Decisions:
    must_link: list[tuple[int, int]] = field(default_factory=list)
    cannot_link: list[tuple[int, int]] = field(default_factory=list)
    by_pair: dict[tuple[int, int], str] = field(default_factory=dict)  # (i, j), i < j -> decision
    issues: list[DataIssue] = field(default_factory=list)


def read_review_tab(
    table: Table,
    records: Sequence[SourceRecord],
    fps: Sequence[str],
    state: State,
    today: dt.date,
) -> list[DataIssue]:
    """Store in ``state`` every Decision typed in the Review tab (kind ``decision``).

    A Review row is tied to the two records it showed through the ``review`` state rows the previous
    run wrote (ref pair -> fingerprints), so sorting a list before the next run does not move a
    decision to another person. Without them, the refs are read against this run's rows and the
    decision is only taken when both names still match.
    """
    issues: list[DataIssue] = []
    if table.header_row is None:
        return issues
    shown = {(v.get("ref_a"), v.get("ref_b")): v for _, v in state.items("review") if isinstance(v, dict)}
    by_ref = {r.ref: i for i, r in enumerate(records)}
    when = today.isoformat()
    for row in table.rows:
        raw = row["Decision"]
        if not raw.strip():
            continue
        word = decision_word(raw)
        ref_a, ref_b = row["Source A"], row["Source B"]
        tab = table.title or "Review"
        if word is None:
            issues.append(
                DataIssue(
                    tab=tab,
                    row=row.row,
                    column="Decision",
                    value=raw,
                    problem="not a decision the sync understands",
                    fix=f"choose {' or '.join(REVIEW_DECISIONS)} from the dropdown",
                )
            )
            continue
        seen = shown.get((ref_a, ref_b)) or shown.get((ref_b, ref_a))
        if seen and isinstance(seen.get("a"), str) and isinstance(seen.get("b"), str):
            fp_a, fp_b = seen["a"], seen["b"]
        else:
            ia, ib = by_ref.get(ref_a), by_ref.get(ref_b)
            if (
                ia is None
                or ib is None
                or ia == ib
                or name_key(record_name(records[ia])) != name_key(row["Name A"])
                or name_key(record_name(records[ib])) != name_key(row["Name B"])
            ):
                issues.append(
                    DataIssue(
                        tab=tab,
                        row=row.row,
                        column="Decision",
                        value=raw,
                        problem=f"the decision for {ref_a} / {ref_b} no longer points at the same list rows",
                        fix="the rows were moved or deleted since; if the pair is still uncertain it is "
                        "proposed again below: decide it there",
                    )
                )
                continue
            fp_a, fp_b = fps[ia], fps[ib]
        key = pair_key(fp_a, fp_b)
        previous = state.get("decision", key)
        if isinstance(previous, dict) and previous.get("decision") == word:
            continue
        a, b = sorted((fp_a, fp_b))
        state.set("decision", key, {"a": a, "b": b, "decision": word, "date": when}, when=when)
    return issues


def decision_constraints(state: State, resolved: Mapping[str, int]) -> Decisions:
    """Staff decisions as engine constraints: Same -> must_link, Different -> cannot_link."""
    out = Decisions()
    for _, value in state.items("decision"):
        if not isinstance(value, dict):
            continue
        i, j = resolved.get(value.get("a", "")), resolved.get(value.get("b", ""))
        word = value.get("decision")
        if i is None or j is None or i == j or word not in REVIEW_DECISIONS:
            continue
        pair = (min(i, j), max(i, j))
        out.by_pair[pair] = word
        (out.must_link if word == "Same" else out.cannot_link).append(pair)
    out.must_link.sort()
    out.cannot_link.sort()
    return out


def rekey_decisions(state: State, resolved: Mapping[str, int], fps: Sequence[str], today: dt.date) -> None:
    """Follow records whose fingerprint changed; forget decisions whose rows are long gone."""
    when = today.isoformat()
    kept: dict[str, object] = {}
    for _, value in state.items("decision"):
        if not isinstance(value, dict) or not {"a", "b"} <= set(value):
            continue
        i, j = resolved.get(value["a"]), resolved.get(value["b"])
        info = dict(value)
        if i is not None and j is not None and i != j:
            info["a"], info["b"] = sorted((fps[i], fps[j]))
            info.pop("missing_since", None)
        else:
            info.setdefault("missing_since", when)
            if expired(info["missing_since"], today):
                continue
        kept[pair_key(info["a"], info["b"])] = info
    state.replace_kind("decision", kept, when=when)


CONTRADICTION = (
    "Same for {a} / {b} was not applied: it would put two rows marked Different in one alumnus",
    "keep one of the decisions: set Different on this pair, or change the Different that keeps them apart",
)


def contradiction_issues(
    records: Sequence[SourceRecord], pairs: Sequence[tuple[int, int]]
) -> list[DataIssue]:
    """A Data issues line per Same decision the engine could not apply (see ``Linkage.contradicted``)."""
    problem, fix = CONTRADICTION
    return [
        DataIssue(
            tab="Review",
            row=None,
            column="Decision",
            value="Same",
            problem=problem.format(a=records[i].ref, b=records[j].ref),
            fix=fix,
        )
        for i, j in pairs
    ]


# --------------------------------------------------------------------------- Review rows


# Every word of the Review tab's Reasons column, in one place (translatable, issue 14).
REASON_WORDS = {
    "joiner": ", ",
    "but": "but",
    "joins": "joins {a} + {b} list rows",
    "decided": "decided by staff: {decision}",
    "separator": " · ",
}


def reasons(pair: ScoredPair | None, decision: str = "", sizes: tuple[int, int] | None = None) -> str:
    """The evidence in words, agreements first: ``"same first name, same phone · but different
    emails · joins 3 + 1 list rows"``."""
    w = REASON_WORDS
    parts = []
    agreements = [a for a in (pair.agreements if pair is not None else ()) if not a.startswith("marked ")]
    if agreements:
        parts.append(w["joiner"].join(agreements))
    if pair is not None and pair.disagreements:
        parts.append(
            f"{w['but']} {w['joiner'].join(pair.disagreements)}"
            if agreements
            else w["joiner"].join(pair.disagreements)
        )
    if sizes is not None and not decision:
        parts.append(w["joins"].format(a=sizes[0], b=sizes[1]))
    if decision:
        parts.append(w["decided"].format(decision=decision))
    return w["separator"].join(parts)


def _side(rec: SourceRecord) -> list:
    return [
        "; ".join(rec.emails),
        "; ".join(rec.phones),
        rec.student_id,
        rec.birth_date,
        rec.graduation_year if rec.graduation_year is not None else "",
        rec.qualification,
    ]


def _orientation(
    a: int,
    b: int,
    key: str,
    records: Sequence[SourceRecord],
    shown_as: Mapping[str, tuple[str | None, str | None]],
    owner_of_refs: Mapping[tuple[str | None, str | None], str],
) -> tuple[int, int]:
    """Which record goes in ``Source A``. The same as last run while the rows did not move; else
    list order, unless that ``Source A`` / ``Source B`` pair showed *another* pair last run (after a
    sort): then the other way round, so a Decision cell a backend keeps by those two columns is never
    left next to a different pair."""
    refs = (records[a].ref, records[b].ref)
    before = shown_as.get(key)
    if before is not None and set(before) == set(refs):
        return (a, b) if before == refs else (b, a)
    if owner_of_refs.get(refs, key) != key:
        return b, a
    return a, b


def review_rows(
    records: Sequence[SourceRecord],
    fps: Sequence[str],
    linkage: Linkage,
    decisions: Decisions,
    state: State,
    today: dt.date,
    *,
    alumni_ids: Sequence[str] | None = None,
    settings: MatchSettings | None = None,
) -> tuple[list[list], int]:
    """Rows under schema.REVIEW_HEADERS: undecided pairs first, the pairs whose answer changes
    most first (the two alumni hold the most list rows between them: a Same there joins the
    largest clusters), then the most confident; decided pairs last.

    ``alumni_ids``: the Alumni ID of each record's alumnus this run (one per cluster). Also
    rewrites the ``review`` state rows (shown refs -> fingerprints, how the next run ties a typed
    Decision to its records) and returns how many undecided pairs were not shown last run.
    """
    settings = settings or MatchSettings()
    scored: dict[tuple[int, int], ScoredPair] = {}
    for p in list(linkage.merges) + list(linkage.review):
        scored[(min(p.i, p.j), max(p.i, p.j))] = p
    size: dict[int, int] = {}
    cluster_of: dict[int, int] = {}
    for c, members in enumerate(linkage.clusters):
        for i in members:
            cluster_of[i] = c
        size[c] = len(members)
    previous = state_keys(state, "review")
    shown_as = {k: (v.get("ref_a"), v.get("ref_b")) for k, v in state.items("review") if isinstance(v, dict)}
    owner_of_refs = {refs: k for k, refs in shown_as.items()}
    pos = [(r.tab, r.row) for r in records]
    entries: list[tuple[tuple, list, str, dict[str, str]]] = []
    new = 0
    pairs: list[tuple[tuple[int, int], ScoredPair | None, str]]
    pairs = [((min(p.i, p.j), max(p.i, p.j)), p, "") for p in linkage.review]
    pairs = [x for x in pairs if x[0] not in decisions.by_pair and x[0][0] != x[0][1]]
    pairs += [(ij, scored.get(ij), word) for ij, word in decisions.by_pair.items()]
    seen: set[tuple[int, int]] = set()
    for (i, j), pair, word in pairs:
        if (i, j) in seen:
            continue
        seen.add((i, j))
        a, b = sorted((i, j), key=lambda k: pos[k])
        key = pair_key(fps[a], fps[b])
        a, b = _orientation(a, b, key, records, shown_as, owner_of_refs)
        ra, rb = records[a], records[b]
        sizes = (size.get(cluster_of.get(a, -1), 1), size.get(cluster_of.get(b, -1), 1))
        confidence = settings.confidence(pair.weight, merged=False) if pair is not None else ""
        ids = ("", "") if alumni_ids is None else (alumni_ids[a], alumni_ids[b])
        row: list[object] = [
            word,
            record_name(ra),
            record_name(rb),
            *ids,
            confidence,
            reasons(pair, word, sizes),
        ]
        for va, vb in zip(_side(ra), _side(rb), strict=True):
            row += [va, vb]
        row += [ra.ref, rb.ref]
        if not word and key not in previous:
            new += 1
        impact = 0 if word else sizes[0] + sizes[1]
        order = (1 if word else 0, -impact, -(pair.weight if pair is not None else 0.0), pos[a], pos[b])
        entries.append((order, row, key, {"ref_a": ra.ref, "ref_b": rb.ref, "a": fps[a], "b": fps[b]}))
    entries.sort(key=lambda e: e[0])
    state.replace_kind("review", {key: info for _, _, key, info in entries}, when=today.isoformat())
    return [e[1] for e in entries], new
