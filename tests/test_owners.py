"""The owner rule: override, strongest tie, latest contact, alphabetical."""

from __future__ import annotations

import pytest

from sheets_sync.core.lists.tables import read_table
from sheets_sync.core.master.owners import StaffDirectory, choose_owner, tie_strength
from sheets_sync.core.model import Grid, SourceRecord
from sheets_sync.schema import TEMPLATE_HEADERS

STAFF_ROWS = [
    ["Name", "Email", "Role", "Department", "Receives digest"],
    ["Ana Martínez", "ana@school.es", "Tutor", "Cookery", "Yes"],
    ["Bob Smith", "bob@school.es", "Teacher", "Mechanics", "No"],
    ["Carla Rossi", "carla@school.it", "Mentor", "", ""],
    ["Dirk de Vries", "dirk@school.nl", "Class teacher", "", ""],
]


def staff(rows: list[list[str]] = STAFF_ROWS) -> StaffDirectory:
    table, _ = read_table(Grid.from_rows("Staff", rows), TEMPLATE_HEADERS["Staff"])
    return StaffDirectory.from_table(table)


def held(
    teacher: str, role: str = "", strength: int | None = None, last: str = "", row: int = 2
) -> SourceRecord:
    tab = f"List - {teacher}"
    return SourceRecord(
        ref=f"{tab}!{row}", tab=tab, row=row, teacher=teacher, full_name="X Y", role=role, strength=strength,
        last_contact=last,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("records", "override", "owner", "also"),
    [
        # role ranks: tutor > mentor > class teacher > teacher > other / unknown
        ([held("Bob Smith", "teacher"), held("Ana Martínez", "tutor")], "", "Ana Martínez", ("Bob Smith",)),
        ([held("Ana Martínez", "mentor"), held("Carla Rossi", "tutor")], "", "Carla Rossi", ("Ana Martínez",)),
        ([held("Bob Smith", "other"), held("Dirk de Vries", "class teacher")], "", "Dirk de Vries", ("Bob Smith",)),
        ([held("Bob Smith", "teacher"), held("Carla Rossi", "")], "", "Bob Smith", ("Carla Rossi",)),
        # an explicit strength beats the role of another list
        ([held("Ana Martínez", "tutor"), held("Bob Smith", "teacher", 5)], "", "Bob Smith", ("Ana Martínez",)),
        ([held("Ana Martínez", "tutor", 2), held("Bob Smith", "", 3)], "", "Bob Smith", ("Ana Martínez",)),
        # equal ties: most recent last contact, a missing date last
        (
            [held("Ana Martínez", "mentor", last="2023-01-01"), held("Bob Smith", "mentor", last="2024-06-01")],
            "", "Bob Smith", ("Ana Martínez",),
        ),
        ([held("Ana Martínez", "mentor"), held("Bob Smith", "mentor", last="2020-01-01")], "", "Bob Smith", ("Ana Martínez",)),
        # still equal: alphabetical, accents and case ignored
        ([held("carla rossi", "mentor"), held("Ana Martínez", "mentor")], "", "Ana Martínez", ("Carla Rossi",)),
        # override first, when it names a Staff row (any case / accents)
        ([held("Ana Martínez", "tutor"), held("Bob Smith")], "bob smith", "Bob Smith", ("Ana Martínez",)),
        ([held("Ana Martínez", "tutor")], "ANA MARTINEZ", "Ana Martínez", ()),
        ([held("Ana Martínez", "tutor")], "Carla Rossi", "Carla Rossi", ("Ana Martínez",)),
        # an override naming nobody in Staff falls back to the rule
        ([held("Ana Martínez", "tutor"), held("Bob Smith")], "Zoe Nobody", "Ana Martínez", ("Bob Smith",)),
        # list names mapped to Staff names: accents, case, first name only when unique
        ([held("ana martinez", "tutor"), held("Bob")], "", "Ana Martínez", ("Bob Smith",)),
        # a teacher who is not in Staff keeps the list's name
        ([held("Eva Kask", "tutor"), held("Bob Smith")], "", "Eva Kask", ("Bob Smith",)),
        # one teacher holding the alumnus twice counts once, with their strongest row
        ([held("Bob Smith", "teacher"), held("Bob Smith", "tutor", row=3), held("Carla Rossi", "mentor")],
         "", "Bob Smith", ("Carla Rossi",)),
        ([], "", "", ()),
    ],
)  # fmt: skip
def test_owner_rule(records, override, owner, also):
    got = choose_owner(records, staff(), override)
    assert (got.owner, got.also_known_to) == (owner, also)


def test_unknown_override_is_kept_and_reported():
    got = choose_owner([held("Ana Martínez", "tutor")], staff(), "Zoe Nobody")
    assert got.override == "Zoe Nobody" and "Staff" in got.override_problem


def test_tie_order_does_not_depend_on_record_order():
    records = [held("Carla Rossi", "mentor"), held("Ana Martínez", "mentor"), held("Bob Smith", "mentor")]
    assert choose_owner(records, staff()) == choose_owner(records[::-1], staff())


def test_ambiguous_first_name_is_not_guessed():
    directory = staff([*STAFF_ROWS, ["Ana López", "al@school.es", "Teacher", "", ""]])
    assert directory.find("Ana") is None and directory.find("ana lopez") == "Ana López"


@pytest.mark.parametrize(
    ("role", "strength", "expected"),
    [("tutor", None, 4), ("mentor", None, 3), ("class teacher", None, 2), ("teacher", None, 1),
     ("other", None, 0), ("", None, 0), ("teacher", 5, 5), ("tutor", 1, 1)],
)  # fmt: skip
def test_tie_strength(role, strength, expected):
    assert tie_strength(held("Bob Smith", role, strength)) == expected
