"""read_list: a teacher's list in any layout and language -> records + data issues, nothing lost."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sheets_sync.core.lists.read import ListOptions, read_list
from sheets_sync.core.model import Grid

TODAY = dt.date(2025, 6, 1)


def _options(**kwargs: object) -> ListOptions:
    return ListOptions(teacher="Ana Ruiz", today=TODAY, **kwargs)  # type: ignore[arg-type]


SPANISH = [
    ["ANTIGUOS ALUMNOS — CICLO DE COCINA", "", "", ""],
    [],
    [
        "Nº de alumno",
        "Apellidos, Nombre",
        "Correo electrónico",
        "Teléfono",
        "Promoción",
        "Fecha de nacimiento",
        "Consentimiento",
        "Relación",
        "Categoría",
    ],
    [
        "007",
        "GARCÍA LÓPEZ, Ana",
        "Ana.Garcia@Gmail.com",
        "612 345 678",
        "2018/2019",
        "03/03/2001",
        "sí",
        "tutora",
        "titulada",
    ],
    [
        "008",
        "Pedro Ruiz Sanz",
        "pedro@correo",
        "612 345 679; 912 345 678",
        "19",
        "31/02/2001",
        "quizás",
        "profesor",
        "abandono",
    ],
    [],
    ["", "", "", "", "", "", "", "", "nota suelta"],
    ["009", "van der Berg, Jan", "", "", "2020", "2001-03-03 00:00:00", "no", "mentor", ""],
]


def test_read_list_reads_a_spanish_list_under_a_title() -> None:
    grid = Grid.from_rows("List - Ana Ruiz", SPANISH)
    result = read_list(grid, _options())
    summary = result.summary
    assert (summary.header_row, summary.language, summary.readable) == (3, "es", True)
    assert (summary.rows, summary.records) == (4, 3)
    ana, pedro, jan = result.records
    assert ana.ref == "List - Ana Ruiz!4" and ana.row == 4 and ana.teacher == "Ana Ruiz"
    assert (ana.first_name, ana.surname, ana.full_name) == ("Ana", "García López", "Ana García López")
    assert ana.student_id == "007"
    assert ana.emails == ("ana.garcia@gmail.com",)
    assert ana.phones == ("+34612345678",)
    assert (ana.graduation_year, ana.birth_date, ana.consent) == (2019, "2001-03-03", True)
    assert (ana.role, ana.category) == ("tutor", "Graduates")
    assert ana.raw[1] == ("Apellidos, Nombre", "GARCÍA LÓPEZ, Ana")
    assert pedro.phones == ("+34612345679", "+34912345678")
    assert (pedro.first_name, pedro.surname) == ("Pedro", "Ruiz Sanz")
    assert (pedro.emails, pedro.birth_date, pedro.consent) == ((), "", None)
    assert (pedro.role, pedro.category) == ("teacher", "Non-Graduates")
    assert (jan.first_name, jan.surname, jan.birth_date, jan.consent) == (
        "Jan",
        "van der Berg",
        "2001-03-03",
        False,
    )
    problems = {(i.row, i.column) for i in result.issues}
    assert problems == {
        (5, "Correo electrónico"),
        (5, "Fecha de nacimiento"),
        (5, "Consentimiento"),
        (7, ""),  # a row that names nobody
    }
    assert all(i.tab == "List - Ana Ruiz" and i.list_owner == "Ana Ruiz" and i.fix for i in result.issues)
    assert summary.issues == len(result.issues)


@pytest.mark.parametrize(
    ("rows", "region", "expected"),
    [
        (
            [
                ["Student name", "Email address", "Mobile", "Year of graduation", "Role", "Strength"],
                ["Smith, John", "john@school.co.uk", "07911 123456", "2019", "form tutor", "strong"],
            ],
            "GB",
            ("John", "Smith", "john@school.co.uk", "+447911123456", 2019, "class teacher", 4),
        ),
        (
            [
                ["Cognome", "Nome", "Posta elettronica", "Cellulare", "Anno di diploma", "Ruolo", "Forza"],
                ["ROSSI", "MARIO", "mario.rossi@scuola.it", "333 123 4567", "2018/19", "docente", "debole"],
            ],
            "IT",
            ("Mario", "Rossi", "mario.rossi@scuola.it", "+393331234567", 2019, "teacher", 2),
        ),
        (
            [
                [
                    "Voornaam",
                    "Tussenvoegsel",
                    "Achternaam",
                    "E-mailadres",
                    "Telefoonnummer",
                    "Examenjaar",
                    "Rol",
                ],
                ["jan", "van der", "berg", "Jan@School.nl", "06 12345678", "06/2019", "SLB"],
            ],
            "NL",
            ("Jan", "van der Berg", "jan@school.nl", "+31612345678", 2019, "mentor", None),
        ),
        (
            [
                [
                    "Eesnimi",
                    "Perekonnanimi",
                    "E-post",
                    "Telefon",
                    "Lõpetamise aasta",
                    "Roll",
                    "Suhte tugevus",
                ],
                ["Mari-Liis", "TAMM", "mari@kool.ee", "5123 4567", "2019", "klassijuhataja", "5"],
            ],
            "EE",
            ("Mari-Liis", "Tamm", "mari@kool.ee", "+37251234567", 2019, "class teacher", 5),
        ),
    ],
)
def test_read_list_reads_each_partner_language(
    rows: list[list[str]], region: str, expected: tuple[object, ...]
) -> None:
    result = read_list(Grid.from_rows("List - X", rows), _options(region=region))
    assert result.issues == []
    (record,) = result.records
    got = (
        record.first_name,
        record.surname,
        record.emails[0],
        record.phones[0],
        record.graduation_year,
        record.role,
        record.strength,
    )
    assert got == expected


def test_language_region_breaks_a_tie_for_national_numbers() -> None:
    rows = [["Naam", "Telefoon"], ["Jan de Vries", "06 12345678"]]
    result = read_list(Grid.from_rows("List - X", rows), _options(region="ES"))
    assert result.summary.language == "nl"
    assert result.records[0].phones == ("+31612345678",)
    assert result.records[0].surname == "de Vries"


def test_region_comes_first_when_a_number_is_valid_there() -> None:
    rows = [["Naam", "Telefoon"], ["Jan de Vries", "612 345 678"]]
    result = read_list(Grid.from_rows("List - X", rows), _options(region="ES"))
    assert result.records[0].phones == ("+34612345678",)


def test_no_header_is_one_issue_and_an_unreadable_summary() -> None:
    rows = [["Ana García", "ana@example.org"], ["Jan de Vries", "jan@example.org"]]
    result = read_list(Grid.from_rows("lists/ana.xlsx", rows, location="lists/ana.xlsx"), _options())
    assert result.records == []
    (issue,) = result.issues
    assert issue.row is None and "header" in issue.problem and "Email" in issue.fix
    assert issue.list_owner == "Ana Ruiz"
    assert result.summary.readable is False and result.summary.header_row is None


def test_empty_list_is_unreadable() -> None:
    result = read_list(Grid.from_rows("List - X", [[], ["", " "]]), _options())
    assert result.summary.readable is False and len(result.issues) == 1


def test_config_overrides_header_row_and_columns() -> None:
    rows = [
        ["Lista"],
        ["Quién", "Tel.", "Curso", "Notas"],
        ["Ana García", "612345678", "DAM", "Notas privadas"],
    ]
    options = _options(header_row=2, columns={"Quién": "full_name", "Tel.": "phone", "Notas": "ignore"})
    result = read_list(Grid.from_rows("List - X", rows), options)
    (record,) = result.records
    assert (record.full_name, record.phones, record.notes) == ("Ana García", ("+34612345678",), "")
    assert result.summary.mapping == (
        ("Quién", "full_name"),
        ("Tel.", "phone"),
        ("Curso", ""),
        ("Notas", "ignore"),
    )
    assert ("Notas", "Notas privadas") in record.raw


def test_blank_rows_are_skipped_and_odd_rows_reported() -> None:
    rows = [
        ["Name", "Email", "Notes"],
        [],
        ["", "", ""],
        ["Ana García", "ana@example.org", ""],
        ["Name", "Email", "Notes"],  # the header pasted again
        ["", "", "call back in May"],  # names nobody
    ]
    result = read_list(Grid.from_rows("List - X", rows), _options())
    assert [r.row for r in result.records] == [4]
    assert [(i.row, i.column) for i in result.issues] == [(5, ""), (6, "")]
    assert result.summary.rows == 3


def test_placeholders_are_empty_values_not_issues() -> None:
    rows = [
        ["Naam", "E-mailadres", "Telefoon", "Toestemming"],
        ["Jan de Vries", "n.v.t.", "-", "nee"],
        ["Eva Bos", "?", "onbekend", "-"],
        ["-", "n/a", "", ""],
    ]
    result = read_list(Grid.from_rows("List - X", rows), _options(region="NL"))
    jan, eva = result.records
    assert (jan.emails, jan.phones, jan.consent) == ((), (), False)
    assert (eva.emails, eva.phones) == ((), ())
    assert [(i.row, i.column) for i in result.issues] == [(3, "Toestemming"), (4, "")]
    assert ("Telefoon", "-") in jan.raw


def test_cells_beyond_the_header_are_kept_in_raw() -> None:
    rows = [["Name", "Email"], ["Ana García", "ana@example.org", "extra"]]
    (record,) = read_list(Grid.from_rows("List - X", rows), _options()).records
    assert record.raw == (("Name", "Ana García"), ("Email", "ana@example.org"), ("Column C", "extra"))


def test_formulas_are_text_and_huge_cells_are_survived() -> None:
    huge = "😀 Ana " * 9000
    rows = [
        ["Name", "Email", "Notes"],
        ['=HYPERLINK("http://school.es/ana","Ana")', "ana@example.org", huge],
        ["Ana García", huge, ""],
    ]
    result = read_list(Grid.from_rows("List - X", rows), _options())
    assert len(result.records) == 2
    assert result.records[0].full_name == '=HYPERLINK("http://school.es/ana","Ana")'
    assert result.records[0].notes == huge.strip()
    (issue,) = result.issues
    assert issue.row == 3 and issue.column == "Email" and len(issue.value) <= 300


def test_multiple_email_columns_merge_without_duplicates() -> None:
    rows = [["Nome", "Email", "Email 2"], ["Rossi Mario", "m@scuola.it", "M@scuola.it; mario@casa.it"]]
    (record,) = read_list(Grid.from_rows("List - X", rows), _options()).records
    assert record.emails == ("m@scuola.it", "mario@casa.it")


def test_external_list_ref_uses_the_file_and_tab() -> None:
    grid = Grid.from_rows("Sheet1", [["Name"], ["Ana García"]], location="lists/ana.xlsx")
    (record,) = read_list(grid, _options()).records
    assert record.ref == "lists/ana.xlsx › Sheet1!2" and record.tab == "lists/ana.xlsx › Sheet1"


_cell = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", " ", "Ana García", "a@b.es", "612 345 678", "2019", "sí", "=SUM(A1)", "007", "😀"]),
)
_header = st.sampled_from(
    ["Name", "Email", "Teléfono", "Año", "Cognome", "Nimi", "x", "", "Notes", "Consent"]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    above=st.lists(st.lists(_cell, max_size=3), max_size=4),
    header=st.lists(_header, min_size=1, max_size=6),
    data=st.lists(st.lists(_cell, max_size=7), max_size=15),
)
def test_read_list_never_crashes_and_never_loses_a_row(
    above: list[list[str]], header: list[str], data: list[list[str]]
) -> None:
    rows = [*above, header, *data]
    grid = Grid.from_rows("List - H", rows)
    result = read_list(grid, _options())
    if not result.summary.readable:
        assert result.records == [] and len(result.issues) == 1
        return
    start = result.summary.header_row
    assert start is not None
    non_blank = {i + 1 for i in range(start, len(rows)) if any(c.strip() for c in rows[i])}
    as_records = {r.row for r in result.records}
    row_issues = {i.row for i in result.issues if i.column == ""}
    assert as_records | row_issues == non_blank
    assert not as_records & row_issues
    assert result.summary.rows == len(non_blank)
