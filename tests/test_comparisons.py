"""Every comparison level, one pair of rows at a time, through the real scoring code."""

from __future__ import annotations

import numpy as np
import pytest

from sheets_sync.core.matching.comparisons import DEFAULT_COMPARISONS
from sheets_sync.core.matching.features import prepare
from sheets_sync.core.matching.scoring import score_pairs
from sheets_sync.core.model import SourceRecord
from sheets_sync.core.text.fold import fold
from sheets_sync.core.text.synonyms import (
    corrected_nickname_groups,
    nickname_groups,
    qualification_code,
    qualification_faculty,
    sound_alike,
)


def rec(ref: str = "List - A!2", **fields) -> SourceRecord:
    tab = ref.split("!")[0]
    return SourceRecord(ref=ref, tab=tab, row=int(ref.split("!")[1]), teacher="t", **fields)


def levels(a: dict, b: dict) -> dict[str, str]:
    """field -> level kind for the pair (a, b); fields where a side is empty are left out."""
    f = prepare([rec("List - A!2", **a), rec("List - B!2", **b)])
    s = score_pairs(f, np.array([0]), np.array([1]), DEFAULT_COMPARISONS)
    out = {}
    for col, comparison in enumerate(DEFAULT_COMPARISONS):
        k = int(s.levels[0, col])
        if k >= 0:
            out[comparison.field] = comparison.levels[k].kind
    return out


@pytest.mark.parametrize(
    ("a", "b", "field", "kind"),
    [
        ({"first_name": "José"}, {"first_name": "Jose"}, "first_name", "exact"),
        ({"first_name": "Paco"}, {"first_name": "Francisco"}, "first_name", "nickname"),
        ({"first_name": "Beppe"}, {"first_name": "Giuseppe"}, "first_name", "nickname"),
        ({"first_name": "Wim"}, {"first_name": "Willem"}, "first_name", "nickname"),
        ({"first_name": "Bob"}, {"first_name": "Robert"}, "first_name", "nickname"),
        ({"first_name": "Juku"}, {"first_name": "Juhan"}, "first_name", "nickname"),
        ({"first_name": "Montse"}, {"first_name": "Montserrat"}, "first_name", "nickname"),
        ({"first_name": "Inma"}, {"first_name": "Inmaculada"}, "first_name", "nickname"),
        ({"first_name": "Lisa"}, {"first_name": "Elisabeth"}, "first_name", "nickname"),
        ({"first_name": "Lisa"}, {"first_name": "Elizabeth"}, "first_name", "nickname"),
        ({"first_name": "Lucía Sofía"}, {"first_name": "Lucía"}, "first_name", "part"),
        ({"first_name": "Jonathan"}, {"first_name": "Jonathon"}, "first_name", "fuzzy"),
        ({"first_name": "Jade"}, {"first_name": "Jode"}, "first_name", "typo"),
        ({"first_name": "Sra"}, {"first_name": "Sara"}, "first_name", "typo"),
        ({"first_name": "Jan"}, {"first_name": "Jon"}, "first_name", "else"),
        ({"first_name": "J."}, {"first_name": "Jan"}, "first_name", "initial"),
        ({"first_name": "Domenio"}, {"first_name": "Mimmo"}, "first_name", "nickname_typo"),
        ({"first_name": "Franki"}, {"first_name": "Francesca"}, "first_name", "nickname_typo"),
        ({"first_name": "Marco"}, {"first_name": "Martin"}, "first_name", "else"),
        ({"first_name": "Lucía"}, {"first_name": "Carmen"}, "first_name", "else"),
        ({"surname": "GARCÍA LÓPEZ"}, {"surname": "garcia lopez"}, "surname", "exact"),
        ({"surname": "García López"}, {"surname": "García"}, "surname", "part"),
        ({"surname": "de Vries"}, {"surname": "Vries"}, "surname", "part"),
        ({"surname": "Fernández"}, {"surname": "Fernandes"}, "surname", "fuzzy"),
        ({"surname": "Davis"}, {"surname": "Dawis"}, "surname", "fuzzy"),
        ({"surname": "Fajardo"}, {"surname": "Fayardo"}, "surname", "fuzzy"),
        ({"surname": "Rodrígez"}, {"surname": "Rodríguez Sánchez"}, "surname", "part_fuzzy"),
        ({"surname": "Tamajo"}, {"surname": "Tamayo-Mercader"}, "surname", "part_fuzzy"),
        ({"surname": "Rodríguez Sánchez"}, {"surname": "Rodrigo Sanz"}, "surname", "else"),
        ({"surname": "Hell"}, {"surname": "Hil"}, "surname", "else"),
        ({"surname": "Rossi"}, {"surname": "Tamm"}, "surname", "else"),
        ({"emails": ("ana@x.org",)}, {"emails": ("b@y.org", "ana@x.org")}, "email", "exact"),
        ({"emails": ("ana.lo@school.es",)}, {"emails": ("ana.lo@gmail.com",)}, "email", "local_part"),
        ({"emails": ("a@x.org",)}, {"emails": ("b@x.org",)}, "email", "else"),
        ({"phones": ("+34600000001",)}, {"phones": ("+34600000001",)}, "phone", "exact"),
        ({"phones": ("+34600000001",)}, {"phones": ("+34600000002",)}, "phone", "else"),
        ({"student_id": "007"}, {"student_id": "7"}, "student_id", "exact"),
        ({"student_id": "AB-12345"}, {"student_id": "ab12346"}, "student_id", "typo"),
        ({"student_id": "296"}, {"student_id": "297"}, "student_id", "else"),
        ({"birth_date": "2001-03-04"}, {"birth_date": "2001-03-04"}, "birth_date", "exact"),
        ({"birth_date": "2001-03-04"}, {"birth_date": "2001-04-03"}, "birth_date", "transposed"),
        ({"birth_date": "2001-03-14"}, {"birth_date": "2001-03-15"}, "birth_date", "typo"),
        ({"birth_date": "2001-03-04"}, {"birth_date": "2001-11-27"}, "birth_date", "year"),
        ({"birth_date": "2001-03-04"}, {"birth_date": "1985-11-27"}, "birth_date", "else"),
        ({"graduation_year": 2015}, {"graduation_year": 2015}, "graduation_year", "exact"),
        ({"graduation_year": 2015}, {"graduation_year": 2016}, "graduation_year", "within"),
        ({"graduation_year": 2015}, {"graduation_year": 2018}, "graduation_year", "else"),
        ({"qualification": "Cocina y Gastronomía"}, {"qualification": "Kokk"}, "qualification", "exact"),
        ({"qualification": "Peluquería"}, {"qualification": "Hairdressing"}, "qualification", "exact"),
        ({"qualification": "Acconciatura"}, {"qualification": "Kapper"}, "qualification", "exact"),
        ({"qualification": "Cucina"}, {"qualification": "Koken"}, "qualification", "exact"),
        ({"qualification": "Juuksur"}, {"qualification": "Chef"}, "qualification", "else"),
        ({"qualification": "Kok"}, {"qualification": "Turismo"}, "qualification", "related"),
        (
            {"qualification": "Gestión Administrativa"},
            {"qualification": "Informatica"},
            "qualification",
            "related",
        ),
        ({"qualification": "Soldadura"}, {"qualification": "Carpintería"}, "qualification", "related"),
        ({"qualification": "Soldadura"}, {"qualification": "Kok"}, "qualification", "else"),
        ({"postcode": "28001"}, {"postcode": "28001"}, "postcode", "exact"),
        ({"postcode": "28001"}, {"postcode": "28010"}, "postcode", "typo"),
        ({"postcode": "28001"}, {"postcode": "08999"}, "postcode", "else"),
        ({"city": "Tallinn"}, {"city": "tallinn"}, "city", "exact"),
    ],
)
def test_level_of_each_comparison(a: dict, b: dict, field: str, kind: str) -> None:
    assert levels(a, b)[field] == kind


def test_empty_side_gives_no_level() -> None:
    assert "email" not in levels({"emails": ("a@x.org",)}, {})
    assert "birth_date" not in levels({"birth_date": "2001-01-01"}, {"birth_date": ""})


def test_swapped_names_are_read_in_the_better_order() -> None:
    f = prepare(
        [rec(first_name="García López", surname="María"), rec(first_name="María", surname="García López")]
    )
    s = score_pairs(f, np.array([0]), np.array([1]), DEFAULT_COMPARISONS)
    assert int(s.swapped[0]) == 1
    assert s.weight[0] > 10


def test_shared_phone_with_different_first_names_is_household_level() -> None:
    got = levels(
        {"first_name": "Lucía", "surname": "Pérez", "phones": ("+34911111111",)},
        {"first_name": "Carmen", "surname": "Pérez", "phones": ("+34911111111",)},
    )
    assert got["phone"] == "household"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Técnico en Cocina y Gastronomía", "cookery"),
        ("Zelfstandig werkend kok", "cookery"),
        ("Chef/Cookery", "cookery"),
        ("Peluquería y Cosmética Capilar", "hairdressing"),
        ("Elettricista", "electrician"),
        ("SMR", "it"),
        ("IT/ICT", "it"),
        ("Administración y Finanzas", "accounting"),
        ("Verpleegkunde", "healthcare"),
        ("Keevitaja", "welding"),
        ("Puusepp", "carpentry"),
        ("Hostelería y Turismo", "hospitality"),
        ("Bosbouw", "forestry"),
        ("Hovenier", "gardening"),
        ("Underwater basket weaving", ""),
    ],
)
def test_qualification_synonyms(text: str, code: str) -> None:
    assert qualification_code(text) == code


@pytest.mark.parametrize(
    ("text", "folded"),
    [("Jürgen Müller-Õun", "jurgen muller oun"), ("  O'Brien ", "obrien"), ("Straße", "strasse"), ("", "")],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [("davis", "dawis", True), ("jake", "jace", True), ("fajardo", "fayardo", True), ("ioppi", "iopi", True),
     ("philip", "filip", True), ("hell", "hil", False), ("marco", "mario", False)],
)  # fmt: skip
def test_sound_alike_keys(a: str, b: str, same: bool) -> None:
    assert (sound_alike(a) == sound_alike(b)) is same


@pytest.mark.parametrize(
    ("code", "faculty"),
    [("cookery", "hospitality"), ("hospitality", "hospitality"), ("it", "business"), ("welding", "building"),
     ("nonsense", "")],
)  # fmt: skip
def test_qualification_faculty(code: str, faculty: str) -> None:
    assert qualification_faculty(code) == faculty


def test_nickname_groups_cover_five_languages() -> None:
    for a, b in [
        ("paco", "francisco"),
        ("beppe", "giuseppe"),
        ("wim", "willem"),
        ("bob", "robert"),
        ("jaan", "johannes"),
    ]:
        assert nickname_groups(a) & nickname_groups(b), (a, b)


def _name_pair_weight(others: list[dict]) -> float:
    """Weight of two rows "Mart Tamm" (nothing else) next to ``others``, extra rows of that name."""
    rows = [
        rec("List - A!2", first_name="Mart", surname="Tamm"),
        rec("List - B!2", first_name="Mart", surname="Tamm"),
    ]
    rows += [rec(f"List - C!{k + 2}", first_name="Mart", surname="Tamm", **o) for k, o in enumerate(others)]
    # other names around, so that "Mart" and "Tamm" on their own stay rare (no per-field TF)
    rows += [rec(f"List - D!{k + 2}", first_name=f"N{k}", surname=f"S{k}") for k in range(2000)]
    s = score_pairs(prepare(rows), np.array([0]), np.array([1]), DEFAULT_COMPARISONS)
    return float(s.weight[0])


@pytest.mark.parametrize(
    ("others", "bits_less"),
    [
        ([], 0.0),  # only the pair carries the name
        ([{}], 0.0),  # one more row: as likely the pair's own person as anyone
        ([{"emails": (f"m{k}@x.org",)} for k in range(4)], 2.0),  # four other people: 2 bits less
        ([{"emails": (f"m{k}@x.org",)} for k in range(8)], 3.0),
        # eight more rows, but one person's (one email links them): counted once
        ([{"emails": ("mart@x.org",)} for _ in range(8)], 0.0),
    ],
)
def test_a_full_name_many_alumni_carry_weighs_less(others: list[dict], bits_less: float) -> None:
    assert _name_pair_weight([]) - _name_pair_weight(others) == pytest.approx(bits_less)


@pytest.mark.parametrize(
    ("years", "expected"),
    [
        (list(range(2000, 2010)) * 60, (0.1, 0.18)),  # 10 cohorts evenly: 1/10 equal, 2/10 near (ends 1)
        (list(range(1990, 2020)) * 20, (1 / 30, 58 / 900)),  # 30 cohorts: agreements much rarer
        ([2015] * 499, None),  # too few rows with a year: the defaults hold
    ],
)
def test_year_u_is_read_from_the_spread_of_years(years: list[int], expected) -> None:
    from sheets_sync.core.matching.features import year_u

    got = year_u(np.array(years + [-1] * 50, dtype=np.int64))
    assert got == expected if expected is None else got == pytest.approx(expected)


def test_same_graduation_year_weighs_more_when_the_lists_span_many_cohorts() -> None:
    from sheets_sync.core.matching.scoring import level_weights

    def same_year_weight(cohorts: int) -> float:
        records = [rec(f"List - A!{k + 2}", graduation_year=1990 + k % cohorts) for k in range(600)]
        f = prepare(records)
        comparison = next(c for c in DEFAULT_COMPARISONS if c.field == "graduation_year")
        return float(level_weights(f, comparison, np.array([0], dtype=np.int8), np.array([0]))[0])

    assert same_year_weight(30) > same_year_weight(10) + 1.5


@pytest.mark.parametrize(
    ("name", "group"),
    [("domenio", "it:domenico"), ("viccy", "en:victoria"), ("conkepcion", "es:concepcion"),
     ("domenico", None), ("barrrj", None), ("jon", None)],
)  # fmt: skip
def test_corrected_nickname_groups(name: str, group: str | None) -> None:
    got = corrected_nickname_groups(name)
    assert (group in got) if group else got == frozenset()


def test_a_misspelt_name_seen_on_many_rows_is_a_real_name_not_corrected() -> None:
    rows = [rec(f"List - A!{k + 2}", first_name="Domenio", surname="Tosto") for k in range(3)]
    f = prepare([*rows, rec("List - B!2", first_name="Mimmo", surname="Tosto")])
    s = score_pairs(f, np.array([0]), np.array([3]), DEFAULT_COMPARISONS)
    first = next(k for k, c in enumerate(DEFAULT_COMPARISONS) if c.field == "first_name")
    assert DEFAULT_COMPARISONS[first].levels[int(s.levels[0, first])].kind == "else"
