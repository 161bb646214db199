"""lookup.link_batches gives, batch by batch, exactly what matching.link_to gives (same pairs, same
weights to the last bit, same clusters), on a generated school and on rows made to reach the
corners: a whole name in the first-name column, rows joining two records by email and phone, rows
that only a name or only an email finds, empty batches."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging

import numpy as np
import pytest

from sheets_sync.core import lookup
from sheets_sync.core.engagements import Linker, link_engagements, link_staff_tabs, outreach_status
from sheets_sync.core.features import Features, prepare
from sheets_sync.core.lists import ListOptions, read_list
from sheets_sync.core.matching import MatchSettings, link, link_to
from sheets_sync.core.model import Alumnus, Grid, SourceRecord
from sheets_sync.core.state import State
from sheets_sync.core.tables import read_table
from sheets_sync.demo import generate_school
from sheets_sync.tabs import ATTENDANCE, EVENT_FEEDBACK, OUTREACH, STORIES, TEMPLATE_HEADERS, VOLUNTEERING

TODAY = dt.date(2026, 6, 1)
SETTINGS = MatchSettings()


@pytest.fixture(scope="module")
def school() -> tuple[list[SourceRecord], list[list[int]], list[list[SourceRecord]]]:
    demo = generate_school(11, alumni=300, lists=8, as_of=TODAY)
    records: list[SourceRecord] = []
    for demo_list in demo.lists:
        grid = Grid(demo_list.tab, tuple(tuple(r) for r in demo_list.rows))
        records += read_list(grid, ListOptions(teacher=demo_list.teacher, today=TODAY)).records
    clusters = link(records, SETTINGS).clusters
    linker = Linker(records, clusters, [], SETTINGS, State.from_grid(None), TODAY)
    staff = []
    for tab in (OUTREACH, ATTENDANCE):
        head = TEMPLATE_HEADERS[tab]
        name = head.index("Alumnus" if tab == OUTREACH else "Name")
        contact = head.index("Email" if tab == OUTREACH else "Contact (optional)")
        grad = head.index("Year of graduation") if tab == ATTENDANCE else None
        staff.append(
            [
                linker.query(tab, i + 2, row[name], row[contact], row[grad] if grad is not None else "")
                for i, row in enumerate(demo.template_rows[tab])
            ]
        )
    return records, clusters, [*staff, _corner_rows(records)]


def _corner_rows(records: list[SourceRecord]) -> list[SourceRecord]:
    """Rows a staff tab could hold, built from the records so that they do find someone."""
    with_email = [r for r in records if r.emails][:40]
    with_phone = [r for r in records if r.phones][:40]
    out: list[SourceRecord] = []
    for k, (a, b) in enumerate(zip(with_email, with_phone[5:], strict=False)):
        base = SourceRecord(ref=f"Corner!{k}", tab="Corner", row=k, teacher="")
        kind = k % 5
        if kind == 0:  # the whole name in the first-name column (second reading of the name)
            out.append(dataclasses.replace(base, first_name=a.full_name, full_name=a.full_name))
        elif kind == 1:  # an email of one record and a phone of another: joins their identity groups
            out.append(dataclasses.replace(base, full_name=a.full_name, emails=a.emails, phones=b.phones))
        elif kind == 2:  # the name alone
            out.append(
                dataclasses.replace(base, first_name=a.first_name, surname=a.surname, full_name=a.full_name)
            )
        elif kind == 3:  # the email alone
            out.append(dataclasses.replace(base, emails=a.emails))
        else:  # names swapped, a year
            out.append(
                dataclasses.replace(
                    base,
                    first_name=b.surname,
                    surname=b.first_name,
                    full_name=b.full_name,
                    graduation_year=2019,
                )
            )
    return out


def test_batches_link_exactly_as_link_to_links_each(school):
    records, clusters, batches = school
    assert all(batches) and sum(map(len, batches)) > 60
    expected = [link_to(batch, records, clusters, SETTINGS) for batch in batches]
    assert lookup.link_batches(batches, records, clusters, SETTINGS) == expected
    assert sum(1 for batch in expected for target, _ in batch if target is not None) > 20  # not vacuous


@pytest.mark.parametrize(
    "shape",
    [
        pytest.param((0, 2), id="empty-batch-first"),
        pytest.param((2, 0, 1), id="empty-batch-between"),
        pytest.param((2,), id="one-batch"),
        pytest.param((), id="no-batches"),
    ],
)
def test_empty_and_single_batches_are_as_link_to(school, shape):
    records, clusters, batches = school
    chosen = [batches[i] if i else [] for i in shape]
    expected = [link_to(batch, records, clusters, SETTINGS) for batch in chosen]
    assert lookup.link_batches(chosen, records, clusters, SETTINGS) == expected


def test_no_records_finds_nobody(school):
    _, _, batches = school
    assert lookup.link_batches(batches, [], [], SETTINGS) == [[(None, None)] * len(b) for b in batches]


def _same_partition(a: np.ndarray, b: np.ndarray) -> bool:
    """Equal up to renaming the codes (-1, "unknown", stays -1)."""
    pairs = set(zip(a.ravel().tolist(), b.ravel().tolist(), strict=True))
    return (
        np.array_equal(a < 0, b < 0)
        and len({x for x, _ in pairs}) == len(pairs)
        and len({y for _, y in pairs}) == len(pairs)
    )


def _assert_same_features(view: Features, true: Features, where: str = "") -> None:
    for field in dataclasses.fields(true):
        got, want = getattr(view, field.name), getattr(true, field.name)
        name = where + field.name
        if field.name == "counts":
            assert got.keys() == want.keys(), name
            for key in want:
                assert np.array_equal(got[key], want[key]), f"{name}[{key}]"
        elif field.name == "alt":
            assert (got is None) == (want is None), name
            if want is not None:
                _assert_same_features(got, want, "alt.")
        elif isinstance(want, np.ndarray) and want.dtype.kind == "i" and want.ndim >= 1:
            assert _same_partition(got, want) if _is_code(field.name) else np.array_equal(got, want), name
        elif isinstance(want, np.ndarray):
            assert np.array_equal(got, want), name
        else:
            assert got == want, name


def _is_code(name: str) -> bool:
    return name.endswith("_code") or name in ("email", "email_local", "phone", "first_nick", "sur_nick")


def test_a_batch_view_is_what_prepare_gives_for_that_batch_and_the_records(school):
    records, _, batches = school
    queries = [q for batch in batches for q in batch]
    f = prepare([*queries, *records])
    columns = lookup._columns(f)
    alt_columns = lookup._columns(f.alt, f) if f.alt is not None else {}
    assert columns is not None and alt_columns is not None
    start = 0
    for batch in batches:
        rows = np.r_[np.arange(start, start + len(batch)), np.arange(len(queries), f.n)]
        _assert_same_features(lookup._view(f, rows, columns, alt_columns), prepare([*batch, *records]))
        start += len(batch)


def test_a_count_it_cannot_recount_falls_back_to_link_to(school, monkeypatch, caplog):
    records, clusters, batches = school
    monkeypatch.delitem(lookup.RECOUNTS, "city")
    with caplog.at_level(logging.INFO, logger="sheets_sync.core.lookup"):
        found = lookup.link_batches(batches, records, clusters, SETTINGS)
    assert found == [link_to(batch, records, clusters, SETTINGS) for batch in batches]
    assert "no recount for the 'city' counts" in caplog.text


def test_staff_tabs_linked_together_are_as_linked_one_by_one():
    demo = generate_school(12, alumni=200, lists=6, as_of=TODAY)
    records: list[SourceRecord] = []
    for demo_list in demo.lists:
        grid = Grid(demo_list.tab, tuple(tuple(r) for r in demo_list.rows))
        records += read_list(grid, ListOptions(teacher=demo_list.teacher, today=TODAY)).records
    clusters = link(records, SETTINGS).clusters
    by_cluster = [
        Alumnus(alumni_id=f"A-{c:05d}", name=records[m[0]].full_name, consent="Yes" if c % 3 else "No")
        for c, m in enumerate(clusters)
    ]
    linker = Linker(records, clusters, by_cluster, SETTINGS, State.from_grid(None), TODAY)

    def table(tab: str):
        rows = (tuple(TEMPLATE_HEADERS[tab]), *(tuple(r) for r in demo.template_rows[tab]))
        return read_table(Grid(tab, rows), TEMPLATE_HEADERS[tab])[0]

    outreach = table(OUTREACH)
    tables = {
        "attendance": table(ATTENDANCE),
        "volunteering": table(VOLUNTEERING),
        "stories": table(STORIES),
        "event_feedback": table(EVENT_FEEDBACK),
    }
    together = link_staff_tabs(outreach, tables, linker)
    rows, outreach_issues = outreach_status(outreach, linker)
    engagements, engagement_issues = link_engagements(tables, linker)
    assert (together.outreach_rows, together.outreach_issues) == (rows, outreach_issues)
    assert (together.engagements, together.engagement_issues) == (engagements, engagement_issues)
    assert sum(1 for e in engagements if e.alumni_id) > 5 and any(row[3] for row in rows)  # not vacuous
