"""Fingerprints, resolving earlier fingerprints, and stable Alumni IDs (on hand-made clusters)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from sheets_sync.core.master.identity import (
    assign_ids,
    fingerprints,
    follow_alias,
    format_id,
    id_number,
    normalise_id,
    resolve,
)
from sheets_sync.core.model import SourceRecord
from sheets_sync.core.state import State

TODAY = dt.date(2025, 3, 1)


def rec(tab: str, row: int, name: str, **kw: object) -> SourceRecord:
    return SourceRecord(ref=f"{tab}!{row}", tab=tab, row=row, teacher=tab[7:], full_name=name, **kw)


ANA = rec("List - Ana", 2, "María García López", emails=("maria@x.es",), birth_date="2000-01-02")
BOB = rec("List - Ana", 3, "Marco Rossi", phones=("+393331234567",))
CAT = rec("List - Bob", 2, "Jan de Vries", student_id="S-1")
DAN = rec("List - Bob", 3, "Mart Tamm")


def moved(r: SourceRecord, row: int) -> SourceRecord:
    return dataclasses.replace(r, row=row, ref=f"{r.tab}!{row}")


def run(records: list[SourceRecord], clusters: list[list[int]], state: State, today: dt.date = TODAY):
    """Ids per record after one run; the state is updated in place."""
    fps = fingerprints(records)
    resolved = resolve(state.keys("member"), fps)
    result = assign_ids(clusters, fps, [(r.tab, r.row) for r in records], resolved, state, today)
    per_record = {}
    for c, members in enumerate(clusters):
        for i in members:
            per_record[records[i].ref] = result.ids[c]
    return per_record, result


# --------------------------------------------------------------------------- fingerprints


def test_fingerprint_ignores_row_number_and_name_order():
    a = rec("List - Ana", 2, "García López, María", emails=("maria@x.es",), birth_date="2000-01-02")
    assert fingerprints([ANA]) == fingerprints([moved(a, 40)])


def test_fingerprint_holds_no_personal_data():
    fp = fingerprints([ANA])[0]
    assert "maria" not in fp.lower() and "garcia" not in fp.lower() and "2000" not in fp


def test_identical_rows_of_one_tab_get_distinct_fingerprints():
    fps = fingerprints([DAN, moved(DAN, 9)])
    assert len(set(fps)) == 2


def test_fingerprints_do_not_depend_on_input_order():
    recs = [ANA, BOB, DAN, moved(DAN, 9)]
    forward = dict(zip([r.ref for r in recs], fingerprints(recs), strict=True))
    backward = dict(zip([r.ref for r in recs[::-1]], fingerprints(recs[::-1]), strict=True))
    assert forward == backward


@pytest.mark.parametrize(
    ("before", "after", "found"),
    [
        (ANA, moved(ANA, 30), True),  # sorted
        (ANA, dataclasses.replace(ANA, full_name="Maria Garcia Lopez"), True),  # accents only: same key
        (ANA, dataclasses.replace(ANA, full_name="María García Lópes"), True),  # typo in the name
        (ANA, dataclasses.replace(ANA, emails=("maria@new.es",)), True),  # one field changed
        (ANA, dataclasses.replace(ANA, tab="List - Eva", teacher="Eva"), True),  # moved to another list
        (ANA, dataclasses.replace(ANA, emails=(), birth_date=""), False),  # two fields changed
        (BOB, dataclasses.replace(BOB, phones=()), True),  # name still there
        (DAN, dataclasses.replace(DAN, full_name="Mart Tam"), True),  # name only: sketch agrees
        (DAN, dataclasses.replace(DAN, full_name="Karl Tamm"), False),  # name only: another person
    ],
)
def test_resolve_tolerates_one_changed_field(before, after, found):
    old = fingerprints([before])
    got = resolve(old, fingerprints([after]))
    assert (old[0] in got) is found


def test_resolve_refuses_an_ambiguous_pairing():
    one = rec("List - Ana", 2, "Ana Pérez", emails=("a@x.es",))
    two = rec("List - Ana", 3, "Ana Pérez", emails=("b@x.es",))
    changed = dataclasses.replace(one, emails=("c@x.es",))
    assert resolve(fingerprints([one, two]), fingerprints([changed])) == {}


# --------------------------------------------------------------------------- ids


@pytest.mark.parametrize(
    ("text", "number"), [("A-00042", 42), ("a42", 42), (" A 7 ", 7), ("B-1", None), ("", None)]
)
def test_id_number(text, number):
    assert id_number(text) == number
    assert normalise_id(text) == (format_id(number) if number else None)


def test_first_run_numbers_alumni_in_list_order():
    state = State()
    ids, result = run([DAN, ANA, BOB, CAT], [[0], [1, 3], [2]], state)
    assert ids == {ANA.ref: "A-00001", CAT.ref: "A-00001", BOB.ref: "A-00002", DAN.ref: "A-00003"}
    assert result.new_ids == ["A-00001", "A-00002", "A-00003"]
    assert state.get("counter", "alumni_id") == 3


def test_rerun_with_unchanged_lists_changes_nothing():
    state = State()
    first, _ = run([ANA, BOB, CAT], [[0, 2], [1]], state)
    rows = state.to_rows()
    again, result = run([ANA, BOB, CAT], [[0, 2], [1]], state, TODAY + dt.timedelta(days=1))
    assert again == first and result.new_ids == [] and state.to_rows() == rows


def test_sorted_and_inserted_rows_keep_their_ids():
    state = State()
    first, _ = run([ANA, BOB, CAT, DAN], [[0], [1], [2], [3]], state)
    new = rec("List - Ana", 2, "Eva Kask", emails=("eva@x.ee",))
    shuffled = [moved(CAT, 3), new, moved(ANA, 4), moved(DAN, 2), moved(BOB, 3)]  # Ana: row inserted
    ids, result = run(shuffled, [[0], [1], [2], [3], [4]], state)
    assert ids["List - Ana!2"] == "A-00005"  # the new row
    assert ids["List - Ana!4"] == first[ANA.ref] and ids["List - Ana!3"] == first[BOB.ref]
    assert ids["List - Bob!2"] == first[DAN.ref] and ids["List - Bob!3"] == first[CAT.ref]
    assert result.new_ids == ["A-00005"]


def test_merge_keeps_the_older_id_and_records_an_alias():
    state = State()
    first, _ = run([ANA, BOB, CAT], [[0], [1], [2]], state)
    ids, result = run([ANA, BOB, CAT], [[1, 2], [0]], state)
    assert ids[CAT.ref] == ids[BOB.ref] == "A-00002"
    assert result.merged == [("A-00002", "A-00003")]
    assert follow_alias(state, "A-00003") == "A-00002"
    assert state.get("alumni", "A-00003") is None


def test_split_leaves_the_id_with_the_larger_part():
    state = State()
    run([ANA, BOB, CAT], [[0, 1, 2]], state)
    ids, result = run([ANA, BOB, CAT], [[0], [1, 2]], state)
    assert ids[BOB.ref] == ids[CAT.ref] == "A-00001" and ids[ANA.ref] == "A-00002"
    assert result.split == [("A-00001", "A-00002")]


def test_ids_are_never_reused():
    state = State()
    run([ANA, BOB], [[0], [1]], state)
    run([ANA], [[0]], state)  # Bob's row deleted
    ids, _ = run([ANA, CAT], [[0], [1]], state)
    assert ids[CAT.ref] == "A-00003"


def test_a_row_that_comes_back_gets_its_id_back_within_the_retention_period():
    state = State()
    first, _ = run([ANA, BOB], [[0], [1]], state)
    run([ANA], [[0]], state)  # Bob's list could not be read tonight
    ids, result = run([ANA, BOB], [[0], [1]], state, TODAY + dt.timedelta(days=30))
    assert ids[BOB.ref] == first[BOB.ref] and result.new_ids == []


def test_a_merged_alias_chain_resolves_in_one_step():
    state = State()
    run([ANA, BOB, CAT], [[0], [1], [2]], state)
    run([ANA, BOB, CAT], [[0], [1, 2]], state)  # A-3 -> A-2
    run([ANA, BOB, CAT], [[0, 1, 2]], state)  # A-2 -> A-1
    assert state.get("alias", "A-00003") == "A-00001"
    assert state.get("alias", "A-00002") == "A-00001"


def test_a_changed_row_replaces_its_old_fingerprint_in_the_state():
    state = State()
    first, _ = run([ANA], [[0]], state)
    old = set(state.keys("member"))
    changed = dataclasses.replace(ANA, emails=("maria@new.es",))
    ids, _ = run([changed], [[0]], state)
    assert ids == first
    assert set(state.keys("member")) == set(fingerprints([changed])) and not old & set(state.keys("member"))
