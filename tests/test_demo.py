"""The demo school: reproducible, messy in the ways the issue lists, and its truth is consistent."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import openpyxl
import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sheets_sync import schema as tabs
from sheets_sync.demo import DemoList, DemoSchool, generate_school, true_pairs, vocab, write_demo_workbook
from sheets_sync.demo.people import strip_accents

REGION = vocab.REGIONS
RESERVED = re.compile(r"@([a-z0-9-]+\.)*(example\.(com|org|net)|school\.example)$", re.IGNORECASE)
SEEDS = (1, 7, 2024)


@pytest.fixture(scope="module")
def school() -> DemoSchool:
    return generate_school()


@pytest.fixture(scope="module")
def schools() -> dict[int, DemoSchool]:
    return {seed: generate_school(seed, alumni=150) for seed in SEEDS}


def cells(demo_list: DemoList, field: str) -> list[tuple[int, str, str]]:
    """(row index, person id, cell text) of one field in every data row of a list."""
    if field not in demo_list.columns:
        return []
    col = demo_list.columns.index(field)
    return [
        (i, pid, demo_list.rows[i][col] if col < len(demo_list.rows[i]) else "")
        for i, pid in enumerate(demo_list.truth)
        if pid is not None
    ]


def e164(text: str, language: str) -> str | None:
    try:
        number = phonenumbers.parse(text, REGION[language])
    except phonenumbers.NumberParseException:
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def shown(school: DemoSchool, field: str) -> dict[str, set[str]]:
    """person id -> every text written for ``field`` in any list (phones as E.164)."""
    out: dict[str, set[str]] = {}
    for demo_list in school.lists:
        for _, pid, text in cells(demo_list, field):
            if not text:
                continue
            value = e164(text, demo_list.language) if field == "phone" else text.lower()
            if value:
                out.setdefault(pid, set()).add(value)
    return out


# --------------------------------------------------------------------------- reproducibility


def test_same_seed_gives_identical_school():
    assert generate_school(3, alumni=80, lists=6) == generate_school(3, alumni=80, lists=6)


def test_other_seed_gives_another_school():
    a, b = generate_school(3, alumni=80), generate_school(4, alumni=80)
    assert a.lists[0].rows != b.lists[0].rows


def test_writing_twice_gives_the_same_cells(tmp_path):
    school = generate_school(5, alumni=40, lists=3)
    books = [openpyxl.load_workbook(write_demo_workbook(tmp_path / n, school)) for n in ("a.xlsx", "b.xlsx")]
    read = [{ws.title: list(ws.iter_rows(values_only=True)) for ws in wb} for wb in books]
    assert read[0] == read[1] and len(read[0]) == 3 + 1 + len(school.template_rows) + bool(school.survey)


# --------------------------------------------------------------------------- lists and layouts


def test_eight_lists_in_the_five_languages_with_their_own_headers(school):
    assert len(school.lists) == 8
    assert {d.language for d in school.lists} == set(vocab.LANGUAGES)
    for d in school.lists:
        header = d.rows[d.header_row - 1]
        assert header == [vocab.HEADERS[d.language][c] for c in d.columns]


@pytest.mark.parametrize(
    ("header_row", "above"),
    [(1, []), (3, ["title", "blank"]), (4, ["title", "title", "blank"])],
)
def test_header_rows_where_teachers_put_them(school, header_row, above):
    found = [d for d in school.lists if d.header_row == header_row]
    assert found
    for d in found:
        assert ["blank" if row == [] else "title" for row in d.rows[: header_row - 1]] == above


@pytest.mark.parametrize(
    ("field", "pattern"),
    [
        ("full_name", r"^[^,a-z]+, \S"),  # "GARCÍA LÓPEZ, Ana"
        ("full_name", r"^[A-Z][a-zà-ÿ'\- ]+.*, [A-Z]"),  # "Rossi, Marco"
        ("full_name", r"^[^,]+ [^,]+$"),  # "Ana García López"
        ("graduation_year", r"^\d{2}$"),  # "19"
        ("graduation_year", r"^\d{4}/\d{4}$"),  # "2018/2019"
        ("graduation_year", r"^\d{2}/\d{4}$"),  # "06/2019"
        ("graduation_year", r"^\d{4}$"),
        ("graduation_year", r"^\d{2}[/.-]\d{2}[/.-]\d{4}$"),  # a date typed as text
        ("last_contact", r"^\d{4}-\d{2}-\d{2}$"),  # a real Excel date in the workbook
        ("phone", r"^\+34 6\d\d \d{3} \d{3}$"),
        ("phone", r"^0034 "),
        ("phone", r"^6\d{8}$"),
        ("phone", r"^06-\d{8}$"),
        ("phone", r"\(0\)"),
        ("student_id", r"^0\d+$"),  # "007": Excel would eat the zero
        ("email", rf"@{re.escape(vocab.STUDENT_EMAIL_DOMAIN)}$"),
        ("email", r"@example\.(com|org|net)$"),
        ("email", r"^n/a$"),
        (
            "phone",
            "^(" + "|".join(map(re.escape, ("call me", "llamar", "chiedere", "bellen", "helista"))) + ")$",
        ),
        ("birth_date", r"^3[01][/.-]02[/.-]\d{4}$"),  # an impossible date
        ("strength", r"^[1-5]$"),
        ("role", r"^(Tutor|Mentor|Mentore|Class teacher|Profesor|Klassendocent|Klassijuhataja|Juhendaja)$"),
    ],
)
def test_the_lists_hold_every_kind_of_messy_cell(school, field, pattern):
    texts = [text for d in school.lists for _, _, text in cells(d, field)]
    assert any(re.search(pattern, t) for t in texts), (field, pattern)


@pytest.mark.parametrize("language", vocab.LANGUAGES)
def test_consent_is_written_in_the_list_language_and_some_opted_out(school, language):
    words = [t for d in school.lists if d.language == language for _, _, t in cells(d, "consent")]
    if not words:
        pytest.fail(f"no {language} list has a consent column")
    assert {w.lower() for w in words if w} <= {vocab.YES[language].lower(), vocab.NO[language].lower()}
    assert vocab.NO[language].lower() in {w.lower() for w in words}


def test_spanish_second_surnames_go_missing_and_accents_get_dropped(school):
    es = [p for p in school.people.values() if p["language"] == "es" and p["refs"]]
    written = shown(school, "surname") | {
        pid: {t} for d in school.lists for _, pid, t in cells(d, "full_name")
    }
    dropped = accents = 0
    for p in es:
        for text in written.get(p["id"], ()):
            if (
                p["surnames"][1].lower() not in text.lower()
                and strip_accents(p["surnames"][1]).lower() not in text.lower()
            ):
                dropped += 1
            if strip_accents(p["full_name"]) != p["full_name"] and strip_accents(text) == text:
                accents += 1
    assert dropped > 0 and accents > 0


def test_some_teachers_write_a_nickname(schools):
    for school in schools.values():
        found = False
        for d in school.lists:
            col = d.columns.index("first_name") if "first_name" in d.columns else d.columns.index("full_name")
            for i, pid in enumerate(d.truth):
                if pid is None:
                    continue
                p = school.people[pid]
                nicks = vocab.NICKNAMES[p["language"]].get(p["first_name"], ())
                found |= any(re.search(rf"\b{re.escape(n)}\b", d.rows[i][col]) for n in nicks)
        assert found


# --------------------------------------------------------------------------- truth and hard cases


def test_truth_marks_exactly_the_data_rows(school):
    for d in school.lists:
        assert len(d.truth) == len(d.rows)
        for i, (row, pid) in enumerate(zip(d.rows, d.truth, strict=True)):
            if i < d.header_row:
                assert pid is None
            assert (pid is None) == (not any(row) or i < d.header_row), (d.tab, i)


def test_true_pairs_only_pair_rows_of_the_same_person(school):
    owner = {d.ref(i): pid for d in school.lists for i, pid in enumerate(d.truth) if pid}
    pairs = true_pairs(school)
    assert pairs and all(len(p) == 2 for p in pairs)
    for pair in pairs:
        a, b = tuple(pair)
        assert owner[a] == owner[b]
    per_person = Counter(owner.values())
    assert len(pairs) == sum(n * (n - 1) // 2 for n in per_person.values())
    assert max(per_person.values()) >= 3  # the same alumnus in several lists


def test_refs_are_sheet_rows_of_list_tabs(school):
    for pid, facts in school.people.items():
        for ref in facts["refs"]:
            tab, row = ref.rsplit("!", 1)
            d = next(d for d in school.lists if d.tab == tab)
            assert tab.startswith(tabs.LIST_PREFIX) and d.truth[int(row) - 1] == pid


@pytest.mark.parametrize("seed", SEEDS)
def test_siblings_share_a_family_phone_and_surname_but_not_a_first_name(schools, seed):
    school = schools[seed]
    phones = shown(school, "phone")
    pairs = [
        (p, school.people[s])
        for p in school.people.values()
        for s in p["siblings"]
        if p["id"] < s and p["refs"]
    ]
    assert pairs
    shared = 0
    for a, b in pairs:
        assert a["surnames"] == b["surnames"] and a["landline"] == b["landline"] is not None
        assert a["first_name"] != b["first_name"] and a["birth_date"] != b["birth_date"]
        shared += a["landline"] in phones.get(a["id"], set()) & phones.get(b["id"], set())
    assert shared > 0


@pytest.mark.parametrize("seed", SEEDS)
def test_common_name_pairs_share_nothing_but_the_name(schools, seed):
    school = schools[seed]
    pairs = [(p, school.people[p["same_name_as"][0]]) for p in school.people.values() if p["same_name_as"]]
    names = {a["full_name"] for a, _ in pairs}
    assert {"María García López", "Marco Rossi", "Jan de Vries", "Mart Tamm"} <= names
    emails, phones = shown(school, "email"), shown(school, "phone")
    for a, b in pairs:
        assert a["full_name"] == b["full_name"] and a["id"] != b["id"]
        assert a["refs"] and b["refs"]
        for key in (
            "birth_date",
            "student_id",
            "graduation_year",
            "qualification",
            "city",
            "postcode",
            "address",
        ):
            assert a[key] != b[key], key
        assert not set(a["emails"]) & set(b["emails"]) and not set(a["phones"]) & set(b["phones"])
        assert not emails.get(a["id"], set()) & emails.get(b["id"], set())
        assert not phones.get(a["id"], set()) & phones.get(b["id"], set())


@pytest.mark.parametrize("seed", SEEDS)
def test_someone_appears_with_the_school_email_in_one_list_and_a_personal_one_in_another(schools, seed):
    school = schools[seed]
    emails = shown(school, "email")
    both = [
        p
        for p in school.people.values()
        if p["personal_email"]
        and p["school_email"] in emails.get(p["id"], set())
        and p["personal_email"] in emails.get(p["id"], set())
    ]
    assert both


def test_every_phone_is_valid_and_every_email_on_a_reserved_domain(school):
    for p in school.people.values():
        for number in p["phones"]:
            assert phonenumbers.is_valid_number(phonenumbers.parse(number)), number
        for email in p["emails"]:
            assert RESERVED.search(email), email
    everywhere = [c for d in school.lists for r in d.rows for c in r]
    everywhere += [c for rows in school.template_rows.values() for r in rows for c in r]
    everywhere += [c for r in school.staff for c in r]
    for text in everywhere:
        if "@" in text:
            assert RESERVED.search(text), text


def test_list_phones_parse_back_to_the_persons_numbers(school):
    for d in school.lists:
        for _, pid, text in cells(d, "phone"):
            number = e164(text, d.language)
            if number is not None:
                assert number in school.people[pid]["phones"], (d.tab, text)


# --------------------------------------------------------------------------- staff and templates


def test_staff_are_the_list_owners_the_offices_and_a_leader(school):
    assert all(len(r) == len(tabs.TEMPLATE_HEADERS[tabs.STAFF]) for r in school.staff)
    names = {r[0] for r in school.staff}
    assert {d.teacher for d in school.lists} <= names
    roles = Counter(r[2] for r in school.staff)
    assert roles["Alumni office"] + roles["Careers office"] >= 2 and roles["School leader"] == 1
    assert all(r[1].endswith("@" + vocab.STAFF_EMAIL_DOMAIN) for r in school.staff)
    assert set(roles) <= set(tabs.STAFF_ROLES)


@pytest.mark.parametrize(
    "tab",
    [
        tabs.ATTENDANCE,
        tabs.VOLUNTEERING,
        tabs.EVENT_FEEDBACK,
        tabs.EXPERIENTIAL,
        tabs.COMMUNICATIONS,
        tabs.OUTREACH,
        tabs.STORIES,
    ],
)
def test_template_rows_fit_the_template_headers(school, tab):
    rows = school.template_rows[tab]
    assert rows and all(len(r) == len(tabs.TEMPLATE_HEADERS[tab]) for r in rows)
    assert len(school.template_truth[tab]) == len(rows)


def test_attendance_mixes_listed_alumni_and_people_in_no_list(school):
    rows, truth = school.template_rows[tabs.ATTENDANCE], school.template_truth[tabs.ATTENDANCE]
    assert 10 <= len(rows) <= 30 and 2 <= len({r[0] for r in rows}) <= 3
    listed = [pid for pid in truth if school.people[pid]["in_lists"]]
    assert listed and len(listed) < len(truth)
    for row, pid in zip(rows, truth, strict=True):
        assert row[2] == school.people[pid]["full_name"]


def test_dates_fall_in_the_current_and_previous_school_year(school):
    end = school.school_year_end
    current = (dt.date(end - 1, 9, 1), dt.date(end, 8, 31))
    previous = (dt.date(end - 2, 9, 1), dt.date(end - 1, 8, 31))
    days = [dt.date.fromisoformat(r[1]) for r in school.template_rows[tabs.ATTENDANCE]]
    assert any(current[0] <= d <= current[1] for d in days)
    assert any(previous[0] <= d <= previous[1] for d in days)


def test_event_feedback_has_promoters_passives_and_detractors(school):
    scores = [int(r[3]) for r in school.template_rows[tabs.EVENT_FEEDBACK]]
    assert all(0 <= s <= 10 for s in scores)
    assert any(s >= 9 for s in scores) and any(s in (7, 8) for s in scores) and any(s <= 6 for s in scores)


def test_outreach_plans_five_approaches_one_for_an_opted_out_alumnus(school):
    rows, truth = school.template_rows[tabs.OUTREACH], school.template_truth[tabs.OUTREACH]
    header = tabs.TEMPLATE_HEADERS[tabs.OUTREACH]
    assert len(rows) == 5
    assert all(r[header.index("Alumni ID")] == "" for r in rows)
    assert any(r[header.index("Alumnus")] == "" and r[header.index("Email")] for r in rows)
    assert any(school.people[pid]["consent"] == "no" for pid in truth)


# --------------------------------------------------------------------------- the workbook


def test_workbook_opens_with_every_tab_and_cells_as_typed(tmp_path, school):
    path = write_demo_workbook(tmp_path / "out" / "demo.xlsx", school)
    wb = openpyxl.load_workbook(path)
    expected = [d.tab for d in school.lists] + [tabs.STAFF, *school.template_rows, "Form Responses 1"]
    assert wb.sheetnames == expected
    survey = [
        [c if c is not None else "" for c in row]
        for row in wb["Form Responses 1"].iter_rows(values_only=True)
    ]
    assert survey == school.survey and len(school.survey) > 10  # a Google Forms responses tab
    for d in school.lists:
        ws = wb[d.tab]
        for i, row in enumerate(d.rows):
            for j, text in enumerate(row):
                cell = ws.cell(row=i + 1, column=j + 1)
                if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                    assert cell.is_date and cell.value.date().isoformat() == text
                else:
                    assert (cell.value or "") == text and (not text or cell.data_type == "s"), (d.tab, i, j)
        phone_col = d.columns.index("phone") + 1
        phones = [ws.cell(row=i + 1, column=phone_col) for i, p in enumerate(d.truth) if p]
        assert all(c.data_type == "s" and c.number_format == "@" for c in phones if c.value is not None)
        assert sum(c.value is not None for c in phones) > len(phones) // 2
    for tab, rows in [(tabs.STAFF, school.staff), *school.template_rows.items()]:
        ws = wb[tab]
        assert [c.value for c in ws[1]] == list(tabs.TEMPLATE_HEADERS[tab])
        assert ws.max_row == len(rows) + 1


def test_many_lists_keep_unique_tab_names_excel_accepts(tmp_path):
    school = generate_school(9, alumni=400, lists=25)
    names = [d.tab for d in school.lists]
    assert len(set(names)) == 25 and all(len(n) <= 31 for n in names)
    assert all(not set(n) & set("[]:*?/\\") for n in names)


@pytest.mark.parametrize(("alumni", "lists"), [(1, 1), (5, 2), (25, 1)])
def test_tiny_schools_still_generate(alumni, lists):
    school = generate_school(1, alumni=alumni, lists=lists)
    assert sum(1 for d in school.lists for p in d.truth if p) >= alumni
    assert {pid for d in school.lists for pid in d.truth if pid} == {
        p for p, f in school.people.items() if f["in_lists"]
    }


def test_every_listed_alumnus_is_in_one_to_four_lists(school):
    counts = Counter(pid for d in school.lists for pid in d.truth if pid)
    assert set(counts.values()) <= {1, 2, 3, 4}
    assert set(counts.values()) >= {1, 2, 3}


@settings(max_examples=12, deadline=None)
@given(seed=st.integers(0, 10_000), alumni=st.integers(1, 60), lists=st.integers(1, 10))
def test_any_school_keeps_its_truth_consistent(seed, alumni, lists):
    school = generate_school(seed, alumni=alumni, lists=lists)
    listed = {p for p, f in school.people.items() if f["in_lists"]}
    assert len(listed) == alumni and len(school.lists) == lists
    seen: set[str] = set()
    for d in school.lists:
        width = len(d.rows[d.header_row - 1])
        assert len(d.truth) == len(d.rows)
        for row, pid in zip(d.rows, d.truth, strict=True):
            if pid is not None:
                assert len(row) == width and any(row)
                seen.add(pid)
    assert seen == listed
    owner = {d.ref(i): pid for d in school.lists for i, pid in enumerate(d.truth) if pid}
    assert all(owner[a] == owner[b] for a, b in map(tuple, true_pairs(school)))
