"""The matching engine end to end on small hand-made lists: the hard cases of issue 3."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sheets_sync.core.matching.link import MatchSettings, link, link_to
from sheets_sync.core.model import SourceRecord


def rec(ref: str, **fields) -> SourceRecord:
    tab, row = ref.split("!")
    if "first_name" in fields or "surname" in fields:
        fields.setdefault("full_name", f"{fields.get('first_name', '')} {fields.get('surname', '')}".strip())
    return SourceRecord(ref=ref, tab=tab, row=int(row), teacher=tab, **fields)


def together(linkage, records, a: str, b: str) -> bool:
    index = {r.ref: k for k, r in enumerate(records)}
    return any(index[a] in c and index[b] in c for c in linkage.clusters)


def in_review(linkage, records, a: str, b: str) -> bool:
    pair = {a, b}
    return any({records[p.i].ref, records[p.j].ref} == pair for p in linkage.review)


def test_siblings_sharing_landline_and_surname_stay_distinct() -> None:
    home = ("+34911234567",)
    records = [
        rec("List - Ana!2", first_name="Lucía", surname="Pérez Gil", phones=home, graduation_year=2015,
            qualification="Cocina y Gastronomía", city="Madrid"),
        rec("List - Ana!3", first_name="Carmen", surname="Pérez Gil", phones=home, graduation_year=2018,
            qualification="Cocina y Gastronomía", city="Madrid"),
        rec("List - Bo!2", first_name="Lucía", surname="Pérez", phones=home, graduation_year=2015,
            emails=("lucia.perez@gmail.com",)),
    ]  # fmt: skip
    linkage = link(records)
    assert not together(linkage, records, "List - Ana!2", "List - Ana!3")
    assert not together(linkage, records, "List - Ana!3", "List - Bo!2")
    assert together(linkage, records, "List - Ana!2", "List - Bo!2")


def test_twins_with_shared_phone_go_to_review_not_merged() -> None:
    home = ("+3726123456",)
    records = [
        rec(
            "List - A!2",
            first_name="Mart",
            surname="Tamm",
            phones=home,
            graduation_year=2012,
            qualification="Kokk",
        ),
        rec(
            "List - B!2",
            first_name="Jaak",
            surname="Tamm",
            phones=home,
            graduation_year=2012,
            qualification="Chef",
        ),
    ]
    linkage = link(records)
    assert len(linkage.clusters) == 2


@pytest.mark.parametrize(
    ("first", "surname", "one", "two"),
    [
        ("María", "García López", {"graduation_year": 2010, "qualification": "Peluquería"},
         {"graduation_year": 2016, "qualification": "Soldadura"}),
        ("Marco", "Rossi", {"graduation_year": 2011, "emails": ("marco.rossi@libero.it",)},
         {"graduation_year": 2019, "emails": ("mrossi@gmail.com",)}),
        ("Jan", "de Vries", {"phones": ("+31612345678",), "birth_date": "1990-02-03"},
         {"phones": ("+31687654321",), "birth_date": "1996-07-08"}),
        ("Mart", "Tamm", {"qualification": "Kokk"}, {"qualification": "Juuksur"}),
        ("Mart", "Tamm", {}, {}),  # nothing at all but the name: never merged
    ],
)  # fmt: skip
def test_different_people_with_a_common_name_are_never_merged(first, surname, one, two) -> None:
    records = [
        rec("List - A!2", first_name=first, surname=surname, **one),
        rec("List - B!5", first_name=first, surname=surname, **two),
    ]
    linkage = link(records)
    assert len(linkage.clusters) == 2


@pytest.mark.parametrize(
    "shared",
    [
        {"phones": ("+393331234567",)},
        {"graduation_year": 2014, "qualification": "Acconciatura"},
        {"graduation_year": 2014},
    ],
)
def test_school_and_personal_email_merge_when_name_and_more_agree(shared: dict) -> None:
    records = [
        rec("List - A!2", first_name="Giulia", surname="Bernasconi", emails=("giulia.bernasconi@school.example",),
            **shared),
        rec("List - B!7", first_name="Giulia", surname="Bernasconi", emails=("giuli88@gmail.com",),
            **{**shared, "qualification": "Hairdressing"} if "qualification" in shared else shared),
    ]  # fmt: skip
    linkage = link(records)
    assert linkage.clusters == [[0, 1]]
    assert linkage.merges and "same first name" in linkage.merges[0].agreements
    assert "different emails" in linkage.merges[0].disagreements


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            {"first_name": "María", "surname": "García López"},
            {"first_name": "García López", "surname": "María"},
        ),
        ({"first_name": "María", "surname": "García López"}, {"first_name": "Maria", "surname": "Garcia"}),
        ({"first_name": "Francisco", "surname": "Ruiz"}, {"first_name": "Paco", "surname": "Ruiz"}),
        ({"first_name": "Giuseppe", "surname": "Verdi"}, {"first_name": "Beppe", "surname": "Verdi"}),
        ({"first_name": "Willem", "surname": "Jansen"}, {"first_name": "Wim", "surname": "Jansen"}),
        ({"first_name": "Robert", "surname": "Smith"}, {"first_name": "Bob", "surname": "Smith"}),
        ({"first_name": "Johannes", "surname": "Kask"}, {"first_name": "Jaan", "surname": "Kask"}),
        (
            {"first_name": "Jonathan", "surname": "Whitfield"},
            {"first_name": "Jonathon", "surname": "Whitfeld"},
        ),
        ({"first_name": "J.", "surname": "Bakker"}, {"first_name": "Joost", "surname": "Bakker"}),
        (
            {"first_name": "Salvador Sainz", "surname": "Torres"},
            {"first_name": "Salvador", "surname": "Sainz Torres"},
        ),
        (
            {"first_name": "Pelaez", "surname": "Alberdi Flavia"},
            {"first_name": "Flavia", "surname": "Pelaez Alberdi"},
        ),
    ],
)
def test_same_person_under_different_spellings_is_merged(a: dict, b: dict) -> None:
    phone = ("+34600111222",)
    records = [
        rec("List - A!2", phones=phone, graduation_year=2012, **a),
        rec("List - B!3", phones=phone, **b),
    ]
    assert link(records).clusters == [[0, 1]]


def test_uncertain_pair_goes_to_review_with_reasons() -> None:
    records = [
        rec("List - A!2", first_name="Ana", surname="Molina Ruiz", graduation_year=2015, qualification="Cocina",
            emails=("ana@school.example",)),
        rec("List - B!3", first_name="Ana", surname="Molina", graduation_year=2016, emails=("anita@gmail.com",)),
    ]  # fmt: skip
    linkage = link(records)
    assert len(linkage.clusters) == 2
    assert len(linkage.review) == 1
    pair = linkage.review[0]
    s = MatchSettings()
    assert s.lower <= pair.weight < s.upper
    assert "surname partly equal (Molina Ruiz/Molina)" in pair.agreements
    assert "graduation year differs by 1" in pair.disagreements


def test_must_link_forces_and_cannot_link_forbids() -> None:
    phone = ("+3725551234",)
    records = [
        rec("List - A!2", first_name="Kati", surname="Saar", phones=phone, graduation_year=2010),
        rec("List - B!2", first_name="Katrin", surname="Saar", phones=phone, graduation_year=2010),
        rec("List - C!2", first_name="Piret", surname="Mets"),
    ]
    assert link(records).clusters == [[0, 1], [2]]
    assert link(records, cannot_link=[(0, 1)]).clusters == [[0], [1], [2]]
    forced = link(records, must_link=[(0, 2)])
    assert [0, 1, 2] in forced.clusters
    assert any("marked Same in Review" in m.agreements for m in forced.merges)


def test_link_to_attaches_engagement_rows_to_clusters() -> None:
    records = [
        rec(
            "List - A!2",
            first_name="Pieter",
            surname="de Jong",
            emails=("pdj@example.nl",),
            graduation_year=2011,
        ),
        rec("List - B!2", first_name="Piet", surname="de Jong", emails=("pdj@example.nl",)),
        rec("List - B!3", first_name="Sanne", surname="Visser", phones=("+31611112222",)),
    ]
    linkage = link(records)
    queries = [
        rec("Attendance!2", first_name="Pieter", surname="de Jong", emails=("pdj@example.nl",)),
        rec("Attendance!3", first_name="Sanne", surname="Visser", phones=("+31611112222",)),
        rec("Attendance!4", first_name="Nobody", surname="Known"),
    ]
    got = link_to(queries, records, linkage.clusters)
    cluster_of = {k: c for c, members in enumerate(linkage.clusters) for k in members}
    assert got[0][0] == cluster_of[0] and got[0][1] is not None and "same email" in got[0][1].agreements
    assert got[1][0] == cluster_of[2]
    assert got[2] == (None, None)


def test_settings_from_config_zero_means_default_and_checks_order() -> None:
    assert MatchSettings.from_config(0.0, 0.0) == MatchSettings()
    assert MatchSettings.from_config(20.0, 10.0).upper == 20.0
    with pytest.raises(ValueError, match="lower_threshold"):
        MatchSettings.from_config(5.0, 9.0)


def test_empty_input() -> None:
    assert link([]).clusters == []


POOL = [
    rec("List - A!2", first_name="Lucía", surname="Pérez", phones=("+34911234567",), graduation_year=2015),
    rec("List - A!3", first_name="Carmen", surname="Pérez", phones=("+34911234567",), graduation_year=2018),
    rec(
        "List - B!2", first_name="Lucia", surname="Perez Gil", phones=("+34911234567",), graduation_year=2015
    ),
    rec("List - B!3", first_name="Paco", surname="Ruiz", emails=("paco@x.es",), student_id="881"),
    rec("List - C!2", first_name="Francisco", surname="Ruiz", emails=("paco@x.es",)),
    rec("List - C!3", first_name="Francisco", surname="Ruiz", student_id="882", emails=("fr@y.es",)),
    rec("List - C!4", first_name="María", surname="García López", graduation_year=2010),
    rec("List - D!2", first_name="María", surname="García López", graduation_year=2019),
    rec(
        "List - D!3", first_name="Jan", surname="de Vries", birth_date="1990-01-02", phones=("+31600000001",)
    ),
    rec("List - D!4", first_name="Jan", surname="Vries", birth_date="1990-02-01", phones=("+31600000001",)),
]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.permutations(list(range(len(POOL)))), st.lists(st.sampled_from(range(len(POOL))), max_size=3))
def test_result_does_not_depend_on_row_order_and_every_row_lands_once(order, dupes) -> None:
    base = link(POOL)
    expected = {frozenset(POOL[k].ref for k in c) for c in base.clusters}
    shuffled = [POOL[k] for k in order]
    linkage = link(shuffled)
    assert sorted(k for c in linkage.clusters for k in c) == list(range(len(POOL)))
    assert {frozenset(shuffled[k].ref for k in c) for c in linkage.clusters} == expected
    assert len(linkage.confidence) == len(linkage.clusters)
    # exact duplicate rows (same ref twice) still each land in exactly one cluster
    rows = shuffled + [dataclasses.replace(POOL[k]) for k in dupes]
    again = link(rows)
    assert sorted(k for c in again.clusters for k in c) == list(range(len(rows)))


def test_em_estimation_runs_on_enough_rows_and_keeps_clear_matches() -> None:
    firsts = ["Ana", "Luis", "Marta", "Jan", "Mart", "Giulia", "Pieter", "Kadri", "Sofia", "Tom"]
    records = []
    for k in range(600):
        first, surname = firsts[k % 10], f"Surname{k:04d}"
        email = (f"p{k}@school.example",)
        records.append(rec(f"List - A!{k + 2}", first_name=first, surname=surname, emails=email,
                           graduation_year=2000 + k % 20))  # fmt: skip
        records.append(rec(f"List - B!{k + 2}", first_name=first, surname=surname, emails=email,
                           phones=(f"+3460{k:07d}",)))  # fmt: skip
    linkage = link(records, MatchSettings(estimate=True))
    assert len(linkage.clusters) == 600
    assert all(len(c) == 2 for c in linkage.clusters)


@pytest.mark.parametrize(
    ("whole", "other"),
    [
        ("Margus Ivask", {"first_name": "Margsu", "surname": "Ivask"}),
        ("GARCÍA LÓPEZ María", {"first_name": "Maria", "surname": "Garcia Lopez"}),
        ("Jan de Vries", {"first_name": "Jan", "surname": "Vries"}),
    ],
)
def test_whole_name_in_the_first_name_column_is_re_split(whole: str, other: dict) -> None:
    email = ("m.ivask@kool.ee",)
    records = [rec("List - A!2", first_name=whole, emails=email), rec("List - B!3", emails=email, **other)]
    linkage = link(records)
    assert linkage.clusters == [[0, 1]]
    assert not any("different first name" in text for text in linkage.merges[0].disagreements)


@pytest.mark.parametrize(
    ("first_name", "surname", "expected"),
    [
        ("Margus Ivask", "", ("margus", "ivask")),
        ("GARCÍA LÓPEZ María", "", ("maria", "garcia lopez")),
        ("Margus", "", None),
        ("Margus Ivask", "Tamm", None),
    ],
)
def test_second_reading_of_a_whole_name_in_the_first_name_column(first_name, surname, expected) -> None:
    from sheets_sync.core.matching.features import resplit_name

    assert resplit_name(rec("List - A!2", first_name=first_name, surname=surname)) == expected


def test_compound_first_name_without_surname_still_matches_as_given() -> None:
    records = [
        rec("List - A!2", first_name="Lucía Sofía", emails=("ls@x.es",), graduation_year=2014),
        rec("List - B!3", first_name="Lucía Sofía", surname="Pardo", emails=("ls@x.es",), graduation_year=2014),
    ]  # fmt: skip
    linkage = link(records)
    assert linkage.clusters == [[0, 1]]
    assert "whole name read from the first-name column" not in linkage.merges[0].agreements


def test_a_name_alone_never_merges_in_small_lists_but_may_in_large_ones() -> None:
    settings = MatchSettings()
    assert settings.corroborate_for(2) and settings.corroborate_for(999)
    assert not settings.corroborate_for(1000)
    assert not MatchSettings(corroborate=False).corroborate_for(2)


def test_a_rare_name_alone_merges_in_large_lists_a_crowded_one_does_not() -> None:
    filler = [rec(f"List - F!{k + 2}", first_name=f"Name{k}", surname=f"Family{k}",
                  emails=(f"p{k}@x.org",)) for k in range(1000)]  # fmt: skip
    rare = [rec("List - A!2", first_name="Eulalia", surname="Zabaleta"),
            rec("List - B!2", first_name="Eulalia", surname="Zabaleta", graduation_year=2015)]  # fmt: skip
    crowded = [rec(f"List - {t}!{k + 3}", first_name="Mart", surname="Tamm", emails=(f"mart{t}{k}@x.org",))
               for t in "AB" for k in range(3)]  # fmt: skip
    records = filler + rare + crowded
    linkage = link(records)
    assert together(linkage, records, "List - A!2", "List - B!2")
    assert not any(
        together(linkage, records, a.ref, b.ref) for a in crowded for b in crowded if a.ref < b.ref
    )


@pytest.mark.parametrize(
    ("first", "surname", "one", "two"),
    [
        ("Mart", "Tamm", {}, {}),
        ("María", "García López", {}, {"graduation_year": 2012}),
        ("Jan", "de Vries", {"qualification": "Kok"}, {}),
        ("Marco", "Rossi", {}, {}),
    ],
)  # fmt: skip
def test_a_name_common_in_the_population_never_merges_alone_in_large_lists(first, surname, one, two) -> None:
    """The issue's hard case at any size: the only two "Mart Tamm" of 1,000 rows, nothing else
    in common, are two people as far as anyone can tell (a shared contact would merge them)."""
    filler = [rec(f"List - F!{k + 2}", first_name=f"Name{k}", surname=f"Family{k}",
                  emails=(f"p{k}@x.org",)) for k in range(1000)]  # fmt: skip
    pair = [rec("List - A!2", first_name=first, surname=surname, **one),
            rec("List - B!2", first_name=first, surname=surname, **two)]  # fmt: skip
    records = filler + pair
    assert not together(link(records), records, "List - A!2", "List - B!2")
    shared = [dataclasses.replace(r, phones=("+34612345678",)) for r in pair]
    assert together(link(filler + shared), filler + shared, "List - A!2", "List - B!2")


@pytest.mark.parametrize(
    ("first", "surname", "common"),
    [("Mart", "Tamm", True), ("maria", "garcia lopez", True), ("Jan", "de Vries", True),
     ("Sanne", "Vries", True), ("Eulalia", "Zabaleta", False), ("Mart", "Zabaleta", False),
     ("Wieteke", "de Vries", False), ("", "Smith", False)],
)  # fmt: skip
def test_common_names_come_from_the_population_table(first: str, surname: str, common: bool) -> None:
    from sheets_sync.core.text.fold import fold
    from sheets_sync.core.text.synonyms import common_name

    assert common_name(fold(first), fold(surname)) is common


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ({"first_name": "Henk Geertsen"}, {"first_name": "Hendrik", "surname": "Geertsen"}),
        ({"first_name": "Thijn Vink"}, {"first_name": "Thijn", "surname": "Vinc"}),
        ({"first_name": "Valentina", "surname": "Fallier"}, {"first_name": "Vale", "surname": "Falier"}),
        ({"first_name": "Carolinna", "surname": "Stucchi"}, {"first_name": "Carolina", "surname": "Stcuchi"}),
    ],
)
def test_blocking_compares_re_split_and_sound_alike_names(a: dict, b: dict) -> None:
    from sheets_sync.core.matching.blocking import candidate_pairs
    from sheets_sync.core.matching.features import prepare

    i, j = candidate_pairs(prepare([rec("List - A!2", **a), rec("List - B!3", **b)]))
    assert (i.tolist(), j.tolist()) == ([0], [1])
