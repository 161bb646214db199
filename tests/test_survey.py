"""The guide's pre-graduation survey end to end (issue 16): a Google Forms responses tab in,
consent with its source, offers of help, the survey table and the office digest out — on the
local workbook and on Google (real gspread against the emulator)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import gspread
import openpyxl
import pytest

from sheets_sync import schema as tabs
from sheets_sync import wiring
from sheets_sync.app.sync import run_sync
from sheets_sync.config.load import Config, GoogleConfig, ListConfig, parse_config
from sheets_sync.core.lists.read import ListOptions
from sheets_sync.core.model import Alumnus, Engagement, Grid, OutreachStatus
from sheets_sync.core.provision.templates import load_templates
from sheets_sync.core.survey.offers import open_offers
from sheets_sync.core.survey.read import (
    choices_in,
    classify_header,
    is_survey,
    read_survey,
    vocabulary,
)
from sheets_sync.core.survey.rollup import BY_QUALIFICATION, BY_YEAR, survey_tables
from sheets_sync.core.text.school_year import school_year_of
from sheets_sync.emulator import SheetsEmulator
from sheets_sync.emulator.seed import seed_spreadsheet

ROOT = Path(__file__).resolve().parents[1]
NOW = dt.datetime(2026, 6, 10, 8, 0, tzinfo=dt.timezone.utc)
TODAY = NOW.date()

QUESTIONS = {
    "en": (
        "Timestamp",
        "Email Address",
        "Name and surname",
        "Which qualification are you studying for?",
        "In which year do you expect to graduate?",
        "Would you like to keep in touch with your VET school?",
        "What kind of activities or services would you like to have with your VET school when you graduate?",
        "What kind of activities or services would you like to offer your VET school when you graduate?",
    ),
    "es": (
        "Marca temporal",
        "Dirección de correo electrónico",
        "Nombre y apellidos",
        "¿Qué ciclo formativo estás cursando?",
        "¿En qué año esperas titularte?",
        "¿Te gustaría seguir en contacto con tu centro de FP?",
        "¿Qué actividades o servicios te gustaría recibir de tu centro de FP cuando termines?",
        "¿Qué actividades o servicios te gustaría ofrecer a tu centro de FP cuando termines?",
    ),
}
# (yes, GET answers, HELP answers) as each form writes them into one cell
ANSWERS = {
    "en": {
        "yes": "Yes",
        "no": "No",
        "jobs+events": "Job opportunities, Information on events",
        "jobs": "Job opportunities",
        "startup+jobs": "Business start-up support, Job opportunities",
        "guest+mentoring": "Guest lecture, Mentoring",
        "career": "Career talks",
        "guest+visits": "Guest lecture, Workplace visits",
        "guest": "Guest lecture",
    },
    "es": {
        "yes": "Sí",
        "no": "No",
        "jobs+events": "Ofertas de empleo, Información sobre eventos",
        "jobs": "Ofertas de empleo",
        "startup+jobs": "Apoyo para crear una empresa, Ofertas de empleo",
        "guest+mentoring": "Clase como profesional invitado, Mentoría",
        "career": "Charlas de orientación profesional",
        "guest+visits": "Clase como profesional invitado, Visitas a mi lugar de trabajo",
        "guest": "Clase como profesional invitado",
    },
}
FORM_TAB = {"en": "Form Responses 1", "es": "Respuestas de formulario 1"}


def responses_grid(lang: str) -> Grid:
    a = ANSWERS[lang]
    rows = [
        list(QUESTIONS[lang]),
        ["2026-03-15 10:02:11", "ana.ruiz@example.com", "Ana Ruiz", "Electricity", "2026", a["yes"],
         a["jobs+events"], a["guest+mentoring"]],
        ["15/03/2026 10:05:40", "ben.cole@example.com", "Ben Cole", "Electricity", "2026", a["yes"],
         a["jobs"], a["career"]],
        ["2026-03-16 09:00:00", "carla.diaz@example.com", "Carla Diaz", "Electricity", "2026", a["no"], "", ""],
        ["16/03/2026 11:30:00", "dan.evans@example.com", "Dan Evans", "Cooking", "2026", a["yes"],
         a["startup+jobs"], a["guest+visits"]],
        # answered the follow-up questions although she said No: counted in (B), never proposed
        ["2026-03-17 12:00:00", "eva.fox@example.com", "Eva Fox", "Cooking", "2026", a["no"], a["jobs"], a["guest"]],
    ]  # fmt: skip
    return Grid.from_rows(FORM_TAB[lang], rows)


STAFF = Grid.from_rows(
    tabs.STAFF,
    [
        list(tabs.TEMPLATE_HEADERS[tabs.STAFF]),
        ["Tom Tutor", "tom@school.example", "Tutor", "Electricity", "Yes"],
        ["Olga Office", "olga@school.example", "Alumni office", "", "Yes"],
    ],
)
# Tom knows Ana (no consent column entry) and Ben, who said No to the school later on
TEACHER_LIST = Grid.from_rows(
    "List - Tom Tutor",
    [
        ["Name", "Email", "Graduation year", "Qualification", "Role", "Consent", "Last contact"],
        ["Ana Ruiz", "ana.ruiz@example.com", "2026", "Electricity", "tutor", "", "2026-04-01"],
        ["Ben Cole", "ben.cole@example.com", "2026", "Electricity", "tutor", "no", "2026-05-20"],
    ],
)


def volunteering(*rows: list[str]) -> Grid:
    return Grid.from_rows(
        tabs.VOLUNTEERING, [list(tabs.TEMPLATE_HEADERS[tabs.VOLUNTEERING]), *map(list, rows)]
    )


DAN_GUEST_LECTURE = ["Guest lecture", "2026-05-12", "Dan Evans", "2026", "Cooking", "2", "Olga Office",
                     "dan.evans@example.com", "Cooking"]  # fmt: skip


# --------------------------------------------------------------------------- the two backends


def write_xlsx(path: Path, grids: list[Grid]) -> None:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for grid in grids:
        sheet = book.create_sheet(grid.title)
        for row in grid.rows:
            sheet.append(list(row))
    book.save(path)


def school(
    kind: str, tmp_path: Path, grids: list[Grid], *, survey_apart: Grid | None = None, **conf
) -> Config:
    """A school workbook holding ``grids`` (and the survey in its own file/spreadsheet when given)."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    base = parse_config(
        {"school": {"name": "Test School", "timezone": "Europe/Madrid", **conf}}, base=tmp_path
    )
    base = replace(base, digest=replace(base.digest, outbox=tmp_path / "outbox"))
    if kind == "xlsx":
        write_xlsx(tmp_path / "school.xlsx", grids)
        lists: tuple[ListConfig, ...] = ()
        if survey_apart is not None:
            write_xlsx(tmp_path / "responses.xlsx", [survey_apart])
            lists = (ListConfig(teacher="", path=tmp_path / "responses.xlsx", survey=True),)
        return replace(base, workbook=tmp_path / "school.xlsx", lists=lists)
    emu = SheetsEmulator()
    seed_spreadsheet(emu, "school-key", {g.title: g for g in grids}, title="School")
    lists = ()
    if survey_apart is not None:  # the form's own spreadsheet, shared with the service account
        seed_spreadsheet(emu, "form-key", {survey_apart.title: survey_apart}, title="Survey (Responses)")
        lists = (ListConfig(teacher="", spreadsheet="form-key", survey=True),)
    emu.save(tmp_path / "emulator.json")
    google = GoogleConfig(spreadsheet="school-key", emulator=tmp_path / "emulator.json")
    return replace(base, google=google, lists=lists)


def sync(config: Config, now: dt.datetime = NOW):
    workbook = wiring.open_workbook(config)
    report, computed = run_sync(config, workbook, external=wiring.external_lists(config), now=now)
    return computed, wiring.open_workbook(config).read()


def rows_of(snapshot, title: str) -> list[dict[str, str]]:
    grid = snapshot.get(title)
    header = list(grid.rows[0])
    return [dict(zip(header, [*row, *[""] * len(header)], strict=False)) for row in grid.rows[1:]]


def by_name(snapshot) -> dict[str, dict[str, str]]:
    return {r["Name"]: r for r in rows_of(snapshot, tabs.ALUMNI)}


def office_text(computed) -> str:
    mail = next(m for m in computed.mails if m.kind == "office")
    return mail.text


def rollup_rows(snapshot, title: str) -> list[list[str]]:
    """The rows of one table of the Rollup tab (header first), as text."""
    grid = snapshot.get(tabs.ROLLUP)
    start = next(i for i, r in enumerate(grid.rows) if r and r[0] == title)
    out = []
    for row in grid.rows[start + 1 :]:
        if not any(c.strip() for c in row):
            break
        out.append([c.strip() for c in row])
    return out


def number(text: str) -> float:
    return float(text.replace(",", "."))


BACKENDS = ["xlsx", "google"]


@pytest.mark.parametrize("kind", BACKENDS)
@pytest.mark.parametrize("lang", ["en", "es"])
def test_google_form_responses_give_the_survey_table_consent_and_offers(
    kind: str, lang: str, tmp_path: Path
) -> None:
    config = school(kind, tmp_path, [STAFF, TEACHER_LIST, responses_grid(lang)])
    computed, snap = sync(config)

    alumni = by_name(snap)
    assert alumni["Ana Ruiz"]["Consent"] == "Yes"
    assert alumni["Ana Ruiz"]["Consent source"] == f"Pre-graduation survey, 2026-03-15 ({FORM_TAB[lang]}!2)"
    assert alumni["Ana Ruiz"]["Owner"] == "Tom Tutor"  # the survey is nobody's list
    assert alumni["Ana Ruiz"]["Wants to get"] == "Information on events; Job opportunities"
    assert alumni["Ana Ruiz"]["Offers to help"] == "Guest lecture; Mentoring"
    assert alumni["Dan Evans"]["Offers to help"] == "Guest lecture; Workplace visits"
    assert alumni["Dan Evans"]["Consent source"] == f"Pre-graduation survey, 2026-03-16 ({FORM_TAB[lang]}!5)"
    assert (
        alumni["Dan Evans"]["Graduation year"] == "2026" and alumni["Dan Evans"]["Qualification"] == "Cooking"
    )
    # a later "No" anywhere wins over the survey's "Yes"; a No keeps no offers
    assert alumni["Ben Cole"]["Consent"] == "No" and alumni["Ben Cole"]["Offers to help"] == ""
    assert "List - Tom Tutor!3" in alumni["Ben Cole"]["Consent source"]
    for name in ("Carla Diaz", "Eva Fox"):
        assert alumni[name]["Consent"] == "No"
        assert alumni[name]["Consent source"].startswith("Pre-graduation survey, 2026-03-1")
        assert alumni[name]["Offers to help"] == "" and alumni[name]["Wants to get"] == ""

    table = rollup_rows(snap, BY_YEAR)
    header, rows = table[0], {r[0]: r for r in table[1:]}
    year = rows["2025-26"]
    got = {h: year[i] for i, h in enumerate(header)}
    assert (got["Respondents (A)"], got["Not willing to keep in touch (B)"]) == ("5", "2")
    assert got["Willing to keep in touch (A-B)"] == "3"
    expected = {  # of all 5 respondents; then of the 3 who said Yes
        "Interested in keeping in touch (%)": 60.0,
        "GET: Job opportunities (%)": 100.0,
        "GET: Information on events (%)": 33.3,
        "GET: Business start-up support (%)": 33.3,
        "GET: Other (%)": 0.0,
        "HELP: Guest lecture (%)": 66.7,
        "HELP: Career talks (%)": 33.3,
        "HELP: Mentoring (%)": 33.3,
        "HELP: Workplace visits (%)": 33.3,
        "HELP: Joining the alumni network (%)": 0.0,
    }
    assert {h: number(got[h]) for h in expected} == expected

    by_q = rollup_rows(snap, BY_QUALIFICATION)
    assert by_q[0][0] == "Qualification (2025-26)"
    q = {r[0]: r for r in by_q[1:]}
    assert q["Electricity"][1:5] == ["3", "1", "2", "66.7"]
    assert q["Cooking"][1:5] == ["2", "1", "1", "50"] or q["Cooking"][1:5] == ["2", "1", "1", "50.0"]
    assert q["Total"][1:4] == ["5", "2", "3"]

    # Alumni base counts the No answers in "Not willing to keep in touch (B)"
    base = {r[0]: r for r in rollup_rows(snap, "Alumni base")[1:]}
    assert base["Total"][2] == "3"  # Ben (teacher's No), Carla, Eva

    text = office_text(computed)
    offers = text.split("OFFERS OF HELP NOBODY HAS TAKEN UP", 1)[1]
    ids = {name: row["Alumni ID"] for name, row in alumni.items()}
    assert f"{ids['Ana Ruiz']} | Guest lecture, Mentoring | owner: Tom Tutor" in offers
    assert f"{ids['Dan Evans']} | Guest lecture, Workplace visits | owner: (no owner)" in offers
    for never in ("Ben Cole", "Carla Diaz", "Eva Fox"):
        assert ids[never] not in offers
    assert "Ana Ruiz" not in text  # the office digest carries Alumni IDs, not names


@pytest.mark.parametrize("kind", BACKENDS)
def test_an_offer_taken_up_in_volunteering_leaves_the_office_digest(kind: str, tmp_path: Path) -> None:
    config = school(kind, tmp_path, [STAFF, TEACHER_LIST, responses_grid("en")])
    computed, snap = sync(config)
    dan, ana = (by_name(snap)[n]["Alumni ID"] for n in ("Dan Evans", "Ana Ruiz"))
    assert f"{dan} | Guest lecture, Workplace visits" in office_text(computed)

    # the office records Dan's guest lecture: his offer is taken up and leaves the digest
    taken = [STAFF, TEACHER_LIST, responses_grid("en"), volunteering(DAN_GUEST_LECTURE)]
    computed, snap = sync(school(kind, tmp_path / "b", taken))
    assert by_name(snap)["Dan Evans"]["Alumni ID"] == dan
    offers = office_text(computed).split("OFFERS OF HELP NOBODY HAS TAKEN UP", 1)[1]
    assert dan not in offers and ana in offers
    assert (
        by_name(snap)["Dan Evans"]["Offers to help"] == "Guest lecture; Workplace visits"
    )  # still on record


@pytest.mark.parametrize("kind", BACKENDS)
def test_responses_in_the_forms_own_file_or_spreadsheet(kind: str, tmp_path: Path) -> None:
    config = school(kind, tmp_path, [STAFF, TEACHER_LIST], survey_apart=responses_grid("es"))
    computed, snap = sync(config)
    alumni = by_name(snap)
    assert alumni["Ana Ruiz"]["Consent source"].startswith("Pre-graduation survey, 2026-03-15 (")
    assert alumni["Ana Ruiz"]["Owner"] == "Tom Tutor"
    assert computed.rollup.table(BY_YEAR).rows[0][1:4] == (5, 2, 3)


# --------------------------------------------------------------------------- categories


@pytest.mark.parametrize("kind", BACKENDS)
def test_a_configured_category_appears_in_alumni_base_and_the_dropdowns(kind: str, tmp_path: Path) -> None:
    listing = Grid.from_rows(
        "List - Tom Tutor",
        [
            ["Name", "Email", "Category"],
            ["Ana Ruiz", "ana.ruiz@example.com", "erasmus+ trainees"],
            ["Ben Cole", "ben.cole@example.com", "apprentice"],
        ],
    )
    config = school(kind, tmp_path, [STAFF, listing], categories=["Erasmus+ trainees"])
    wiring.provision(wiring.open_workbook(config), config.categories)
    _, snap = sync(config)
    base = rollup_rows(snap, "Alumni base")
    labels = [r[0] for r in base[1:]]
    assert labels == [*tabs.alumni_categories(("Erasmus+ trainees",)), "Unknown", "Total"]
    assert labels.index("Erasmus+ trainees") == labels.index("Other") - 1
    rows = {r[0]: r for r in base[1:]}
    assert rows["Erasmus+ trainees"][1] == "1" and rows["Apprentices"][1] == "1"
    assert by_name(snap)["Ana Ruiz"]["Category"] == "Erasmus+ trainees"
    # the Stocktaking tab gains a row for it
    stock = [tuple(r[:2]) for r in snap.get(tabs.STOCKTAKING).rows]
    assert ("Alumni categories", "Erasmus+ trainees") in stock
    column = "ABCDEFGHIJKLMNOPQRSTU"[tabs.TEMPLATE_HEADERS[tabs.STORIES].index("Alumni category")]
    if kind == "xlsx":
        book = openpyxl.load_workbook(config.workbook)
        formulas = [v.formula1 for v in book[tabs.STORIES].data_validations.dataValidation]
        assert any("Erasmus+ trainees" in (f or "") and "Visiting students" in (f or "") for f in formulas)
    else:  # the dropdown as Google stores it, read back through real gspread
        emu = SheetsEmulator.load(config.google.emulator)
        sheet = gspread.Client(auth=None, session=emu.session()).open_by_key("school-key")  # type: ignore[arg-type]
        meta = sheet.fetch_sheet_metadata({"includeGridData": "true", "ranges": f"Stories!{column}2"})
        rule = meta["sheets"][0]["data"][0]["rowData"][0]["values"][0]["dataValidation"]["condition"]
        assert rule["type"] == "ONE_OF_LIST"
        assert [v["userEnteredValue"] for v in rule["values"]] == list(
            tabs.alumni_categories(("Erasmus+ trainees",))
        )


def test_the_guides_categories_are_the_defaults() -> None:
    assert tabs.ALUMNI_CATEGORIES == (
        "Graduates",
        "Non-Graduates",
        "Certificate or Award",
        "Apprentices",
        "Visiting students",
        "Former employees",
        "Other",
    )
    stories = next(s for s in load_templates(("Erasmus+ trainees",)) if s.title == tabs.STORIES)
    column = next(c for c in stories.columns if c.header == "Alumni category")
    assert column.choices[-2:] == ("Erasmus+ trainees", "Other")


# --------------------------------------------------------------------------- the pure parts


def test_every_question_text_in_every_language_is_recognised() -> None:
    vocab = vocabulary()
    for q in vocab.questions:
        assert {lang for lang, _ in q.texts} == {"en", "es", "it", "nl", "et"}, q.key
        for lang, text in q.texts:
            assert classify_header(text) == q.key, (lang, text)
    assert classify_header("Keep in touch?") == "keep_in_touch"
    assert classify_header("Would like to offer (HELP)") == "help"
    assert classify_header("Would like to get (GET)") == "get"
    assert classify_header("Surname") is None


def test_checkbox_cells_in_any_language_and_other_answers() -> None:
    assert choices_in("Informazioni sugli eventi, Opportunità di lavoro", "get") == (
        "Information on events",
        "Job opportunities",
    )
    assert choices_in("Gastles, Bezoek aan mijn werkplek", "help") == ("Guest lecture", "Workplace visits")
    assert choices_in("Külalisloeng; Mentorlus", "help") == ("Guest lecture", "Mentoring")
    # Google Forms' "Other" writes the typed text as is: it counts as Other, once
    assert choices_in("Job opportunities, workshops on welding, fairs", "get") == (
        "Job opportunities",
        "Other",
    )
    assert choices_in("", "get") == ()


def test_a_teacher_list_is_not_taken_for_a_survey() -> None:
    listing = Grid.from_rows(
        "Sheet1", [["Name", "Email", "Date", "Keep in touch?"], ["Ana", "a@x.es", "", "Yes"]]
    )
    assert not is_survey(listing)  # no Google Forms timestamp column
    assert is_survey(responses_grid("es")) and is_survey(responses_grid("en"))


def test_anonymous_answers_are_counted_and_bad_dates_are_data_issues() -> None:
    rows = [list(QUESTIONS["en"]), ["2026-03-15 10:00:00", "", "", "Cooking", "", "Yes", "Job opportunities", ""],
            ["soon", "x@example.com", "Xavi Vidal", "Cooking", "2026", "No", "", ""]]  # fmt: skip
    result = read_survey(Grid.from_rows("Form Responses 1", rows), ListOptions(teacher="", today=TODAY))
    assert [(r.keep, r.wants) for r in result.responses] == [(True, ("Job opportunities",)), (False, ())]
    assert [r.full_name for r in result.records] == ["Xavi Vidal"]
    assert result.records[0].consent is False and result.records[0].consent_label == "Pre-graduation survey"
    problems = {(i.row, i.problem) for i in result.issues}
    assert (3, "answer date not understood") in problems
    assert any(i.row == 2 and "names nobody" in i.problem for i in result.issues)


@pytest.mark.parametrize(
    ("stamp", "day"),
    [
        ("15/03/2026 10:23:45", "2026-03-15"),  # Google Forms in a European spreadsheet, as displayed
        ("15.03.2026 10:23", "2026-03-15"),
        ("2026-03-15T10:23:45", "2026-03-15"),
        ("2026-03-15 10:23:45", "2026-03-15"),  # a date cell (xlsx, or Google in a month-first locale)
        ("15/03/2026", "2026-03-15"),
    ],
)
def test_timestamps_as_google_and_excel_show_them(stamp: str, day: str) -> None:
    rows = [list(QUESTIONS["es"]), [stamp, "ana@example.com", "Ana Ruiz", "Cocina", "2026", "Sí", "", ""]]
    result = read_survey(Grid.from_rows("Respuestas", rows), ListOptions(teacher="", today=TODAY))
    assert result.issues == []
    assert result.records[0].consent_label == f"Pre-graduation survey, {day}"


def test_a_student_who_sent_the_form_twice_counts_once_with_the_later_answer() -> None:
    grid = responses_grid("en")
    again = ("2026-03-20 08:00:00", "ana.ruiz@example.com", "Ana Ruiz", "Electricity", "2026", "No", "", "")
    result = read_survey(Grid(grid.title, (*grid.rows, again)), ListOptions(teacher="", today=TODAY))
    assert len(result.records) == 6  # both rows are matched (and merged) like any list rows
    assert len(result.responses) == 5
    assert [r.keep for r in result.responses if r.ref.endswith("!7")] == [False]
    assert not any(r.ref.endswith("!2") for r in result.responses)


def test_shares_rest_on_those_who_said_yes_and_years_are_school_years() -> None:
    result = read_survey(responses_grid("en"), ListOptions(teacher="", today=TODAY))
    year = school_year_of(TODAY)
    by_year, by_q = survey_tables(result.responses, (9, 1), year)
    assert [r[0] for r in by_year.rows] == ["2025-26"]
    assert by_q.total is not None and by_q.total[1:5] == (5, 2, 3, 60.0)
    none_year, none_q = survey_tables((), (9, 1), year)
    assert none_year.rows == () and none_q.total is None


def test_open_offers_window_and_opt_out() -> None:
    ana = Alumnus("A-00001", "Ana Ruiz", offers=("Guest lecture", "Joining the alumni network"), owner="Tom")
    ben = Alumnus("A-00002", "Ben Cole", offers=("Mentoring",), consent="No")
    cai = Alumnus("A-00003", "Cai Bo", offers=("Joining the alumni network",))  # not an offer to ask for
    dan = Alumnus("A-00004", "Dan Evans", offers=("Career talks",))
    old = Engagement("V", "2024-01-10", "Volunteering!2", "Career talk", alumni_id="A-00004")
    found = open_offers([ana, ben, cai, dan], [], [old], TODAY)
    assert [(o.alumni_id, o.offers, o.owner) for o in found] == [
        ("A-00001", ("Guest lecture",), "Tom"),
        ("A-00004", ("Career talks",), "(no owner)"),
    ]
    status = OutreachStatus("Outreach!2", "2026-05-01", "Ana", "A-00001", "Ana", "Tom", "", "", "", "")
    assert [o.alumni_id for o in open_offers([ana, dan], [status], [old], TODAY)] == ["A-00004"]


def test_docs_print_the_questions_as_the_sync_reads_them() -> None:
    text = (ROOT / "docs" / "survey.md").read_text(encoding="utf-8")
    vocab = vocabulary()
    for q in vocab.questions:
        if q.key == "timestamp":
            continue
        for lang, question in q.texts:
            assert question in text, (q.key, lang)
    for c in vocab.choices:
        assert c.label in text


def test_the_template_tab_made_by_init_is_read_as_a_survey(tmp_path: Path) -> None:
    config = school("xlsx", tmp_path, [STAFF, TEACHER_LIST])
    wiring.provision(wiring.open_workbook(config))
    book = openpyxl.load_workbook(config.workbook)
    sheet = book[tabs.SURVEY]
    assert [c.value for c in sheet[1]] == list(tabs.TEMPLATE_HEADERS[tabs.SURVEY])
    sheet.append(["2026-03-02", "Ana Ruiz", "ana.ruiz@example.com", "", "Electricity", "2026", "Yes",
                  "Job opportunities", "Career talks, Mentoring"])  # fmt: skip
    sheet.append(["2026-03-02", "Zoe Marsh", "zoe@example.com", "", "Cooking", "2026", "No", "", ""])
    book.save(config.workbook)
    computed, snap = sync(config)
    alumni = by_name(snap)
    assert (
        alumni["Ana Ruiz"]["Consent source"] == "Pre-graduation survey, 2026-03-02 (Pre-graduation survey!2)"
    )
    assert alumni["Ana Ruiz"]["Offers to help"] == "Career talks; Mentoring"
    assert alumni["Zoe Marsh"]["Consent"] == "No"
    assert computed.rollup.table(BY_YEAR).rows[0][:5] == ("2025-26", 2, 1, 1, 50.0)
    assert computed.rollup.headline["survey_respondents"] == 2


def test_factsheet_shows_the_survey_with_small_counts_suppressed() -> None:
    from sheets_sync.adapters.charts import survey_shares
    from sheets_sync.adapters.factsheet import public_tables

    result = read_survey(responses_grid("en"), ListOptions(teacher="", today=TODAY))
    tables = survey_tables(result.responses, (9, 1), school_year_of(TODAY))
    public = {t["title"]: t for t in public_tables(tables, min_count=5)}
    row = public[BY_YEAR]["rows"][0]
    assert row[0] == "2025-26" and row[2] == "< 5" and set(row[4:]) == {"–"}  # 2 No answers: shares hidden
    assert survey_shares(tables[0], min_count=5) is None  # 3 Yes answers: too few to chart publicly
    png = survey_shares(tables[0], min_count=1)
    assert png is not None and png.startswith(b"\x89PNG")
