"""Header vocabulary, header-row detection and column mapping."""

from __future__ import annotations

import pytest

from sheets_sync.core.lists.headers import VOCABULARY, detect_header, guess_field, map_columns
from sheets_sync.core.model import Grid
from sheets_sync.core.text.fold import fold
from sheets_sync.core.text.normalise import LANGUAGES
from sheets_sync.schema import FIELDS


@pytest.mark.parametrize(
    ("header", "field"),
    [
        # English
        ("First name", "first_name"),
        ("SURNAME", "surname"),
        ("Name", "full_name"),
        ("E-mail address", "email"),
        ("Phone number", "phone"),
        ("Student ID", "student_id"),
        ("Date of birth", "birth_date"),
        ("Graduation year", "graduation_year"),
        ("Qualification", "qualification"),
        ("Department", "department"),
        ("Alumni category", "category"),
        ("Relationship", "role"),
        ("Relationship strength", "strength"),
        ("Last contact", "last_contact"),
        ("GDPR consent", "consent"),
        ("Notes", "notes"),
        ("Home address", "address"),
        ("Postcode", "postcode"),
        ("Town", "city"),
        # Spanish
        ("Nombre", "first_name"),
        ("Apellidos", "surname"),
        ("Segundo apellido", "surname"),
        ("Nombre y apellidos", "full_name"),
        ("Correo electrónico", "email"),
        ("Teléfono móvil", "phone"),
        ("Nº de alumno", "student_id"),
        ("Fecha de nacimiento", "birth_date"),
        ("Año de graduación", "graduation_year"),
        ("Ciclo formativo", "qualification"),
        ("Familia profesional", "department"),
        ("Categoría", "category"),
        ("Relación", "role"),
        ("Fecha de último contacto", "last_contact"),
        ("Consentimiento RGPD", "consent"),
        ("Observaciones", "notes"),
        ("Dirección", "address"),
        ("Código postal", "postcode"),
        ("Localidad", "city"),
        # Italian
        ("Nome", "first_name"),
        ("Cognome", "surname"),
        ("Cognome e nome", "full_name"),
        ("Indirizzo email", "email"),
        ("Cellulare", "phone"),
        ("Matricola", "student_id"),
        ("Data di nascita", "birth_date"),
        ("Anno di diploma", "graduation_year"),
        ("Qualifica", "qualification"),
        ("Ruolo", "role"),
        ("Forza della relazione", "strength"),
        ("Consenso privacy", "consent"),
        ("Indirizzo", "address"),
        ("CAP", "postcode"),
        ("Città", "city"),
        # Dutch
        ("Voornaam", "first_name"),
        ("Achternaam", "surname"),
        ("Tussenvoegsel", "surname"),
        ("Naam", "full_name"),
        ("E-mailadres", "email"),
        ("Telefoonnummer", "phone"),
        ("Telefoonnummers", "phone"),
        ("Leerlingnummer", "student_id"),
        ("Geboortedatum", "birth_date"),
        ("Examenjaar", "graduation_year"),
        ("Opleiding", "qualification"),
        ("Afdeling", "department"),
        ("Toestemming", "consent"),
        ("Opmerkingen", "notes"),
        ("Woonplaats", "city"),
        # Estonian
        ("Eesnimi", "first_name"),
        ("Perekonnanimi", "surname"),
        ("Nimi", "full_name"),
        ("E-post", "email"),
        ("Telefon", "phone"),
        ("Õpilaskood", "student_id"),
        ("Sünniaeg", "birth_date"),
        ("Lõpetamise aasta", "graduation_year"),
        ("Eriala", "qualification"),
        ("Osakond", "department"),
        ("Roll", "role"),
        ("Suhte tugevus", "strength"),
        ("Viimane kontakt", "last_contact"),
        ("Nõusolek", "consent"),
        ("Märkused", "notes"),
        ("Aadress", "address"),
        ("Postiindeks", "postcode"),
        ("Linn", "city"),
        # typos and decorations
        ("Telefono movl", "phone"),
        ("  EMAIL (personal)  ", "email"),
    ],
)
def test_guess_field_knows_the_five_languages(header: str, field: str) -> None:
    assert guess_field(header).field == field


@pytest.mark.parametrize("header", ["", "Ana García", "ana@example.org", "2019", "Foo bar", "x" * 5000])
def test_guess_field_leaves_non_headers_alone(header: str) -> None:
    assert guess_field(header).field is None


def test_vocabulary_covers_every_field_in_every_language() -> None:
    assert set(VOCABULARY) == set(FIELDS)
    for by_language in VOCABULARY.values():
        assert set(by_language) == set(LANGUAGES)


def test_vocabulary_has_no_phrase_claimed_by_two_fields() -> None:
    owner: dict[str, str] = {}
    for field, by_language in VOCABULARY.items():
        for phrases in by_language.values():
            for phrase in phrases.split(","):
                key = fold(phrase)
                assert owner.setdefault(key, field) == field, f"{phrase!r}: {owner[key]} and {field}"


@pytest.mark.parametrize(
    ("cells", "language"),
    [
        (["First name", "Surname", "Email", "Phone", "Graduation year"], "en"),
        (["Nombre", "Apellidos", "Correo electrónico", "Teléfono", "Año de graduación"], "es"),
        (["Nome", "Cognome", "Posta elettronica", "Cellulare", "Anno di diploma"], "it"),
        (["Voornaam", "Achternaam", "E-mailadres", "Telefoonnummer", "Examenjaar"], "nl"),
        (["Eesnimi", "Perekonnanimi", "E-post", "Telefon", "Lõpetamise aasta"], "et"),
    ],
)
def test_map_columns_guesses_the_language(cells: list[str], language: str) -> None:
    columns, guessed = map_columns(cells)
    assert guessed == language
    assert [c.field for c in columns] == ["first_name", "surname", "email", "phone", "graduation_year"]


def test_map_columns_reads_a_lone_first_name_column_as_a_full_name() -> None:
    columns, _ = map_columns(["Nombre", "Email"])
    assert [c.field for c in columns] == ["full_name", "email"]


def test_map_columns_keeps_several_phone_and_surname_columns() -> None:
    columns, _ = map_columns(["Nombre", "Primer apellido", "Segundo apellido", "Móvil", "Teléfono 2"])
    assert [c.field for c in columns] == ["first_name", "surname", "surname", "phone", "phone"]


def test_map_columns_gives_a_single_field_to_one_column_only() -> None:
    columns, _ = map_columns(["Name", "Full name", "Email"])
    assert [c.field for c in columns] == ["", "full_name", "email"]


def test_map_columns_config_overrides_win_whatever_the_case() -> None:
    columns, _ = map_columns(["Alumno", "Tel.", "Curso", "Notas"], {"tel.": "phone", "NOTAS": "ignore"})
    assert [(c.field, c.source) for c in columns] == [
        ("full_name", "detected"),
        ("phone", "config"),
        ("", "detected"),
        ("ignore", "config"),
    ]


def _grid(rows: list[list[str]]) -> Grid:
    return Grid.from_rows("List - Test", rows)


HEADER = ["Name", "Email", "Phone", "Year"]
DATA = [
    ["Ana García", "ana@example.org", "612 345 678", "2019"],
    ["Jan de Vries", "", "06 1234 5678", "2020"],
]


@pytest.mark.parametrize(
    ("above", "expected_row"),
    [
        ([], 1),
        ([["Alumni of the cookery course 2019"]], 2),  # title row
        ([["My alumni list"], [], []], 4),  # title + blank rows
        ([["Alumnos — tutor Ana Ruiz", "", "", ""], ["Actualizado 03/02/2024"], [], [], [], []], 7),
        ([[], ["", "", "LISTA DE ANTIGUOS ALUMNOS (merged title)"], [""]], 4),
    ],
)
def test_detect_header_finds_the_row_under_titles_and_blanks(
    above: list[list[str]], expected_row: int
) -> None:
    match = detect_header(_grid([*above, HEADER, *DATA]))
    assert match is not None and match.row + 1 == expected_row
    assert [c.field for c in match.columns] == ["full_name", "email", "phone", "graduation_year"]


def test_detect_header_prefers_the_header_over_a_title_that_names_a_field() -> None:
    rows = [["Alumnos 2019"], ["Nombre", "Apellidos", "Correo"], ["Ana", "García López", "ana@example.org"]]
    match = detect_header(_grid(rows))
    assert match is not None and match.row == 1 and match.language == "es"


def test_detect_header_returns_none_without_a_header() -> None:
    rows = [
        ["Ana García", "ana@example.org", "612 345 678"],
        ["Jan de Vries", "jan@example.org", "0612345678"],
    ]
    assert detect_header(_grid(rows)) is None


def test_detect_header_does_not_look_past_row_ten() -> None:
    rows = [[f"title {i}"] for i in range(10)] + [HEADER, *DATA]
    assert detect_header(_grid(rows)) is None


def test_detect_header_takes_the_configured_row() -> None:
    rows = [["Lista"], ["Nome", "Cognome"], ["Code", "Who"], ["1", "Rossi Mario"]]
    match = detect_header(_grid(rows), columns={"Who": "full_name", "Code": "student_id"}, header_row=3)
    assert match is not None and match.row == 2
    assert [c.field for c in match.columns] == ["student_id", "full_name"]


def test_detect_header_with_a_configured_row_that_names_nothing_is_none() -> None:
    assert detect_header(_grid([["a", "b"], ["c", "d"]]), header_row=1) is None
    assert detect_header(_grid([HEADER]), header_row=40) is None


def test_detect_header_uses_config_columns_to_find_an_odd_header() -> None:
    rows = [["Lista 2019"], ["Quién", "Contacto"], ["Ana García", "ana@example.org"]]
    match = detect_header(_grid(rows), columns={"Quién": "full_name", "Contacto": "email"})
    assert match is not None and match.row == 1
