"""Issue 7, proven: consent everywhere, ``forget``, ``export``, secrets and logs without personal data.

A small hand-made school (three people with rare names, so a leak cannot hide behind a common
word) runs through the real pipeline on each backend of ``tests/backends.py``: real .xlsx files,
real gspread against the emulator, real ``.eml`` files in the outbox.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import logging
import re
import shutil
import socket
from dataclasses import replace
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from openpyxl import load_workbook

from sheets_sync import schema as tabs
from sheets_sync import wiring
from sheets_sync.app.privacy import export, forget
from sheets_sync.app.sync import run_sync
from sheets_sync.config import SmtpConfig, parse_config
from sheets_sync.core.master.build import consent_of
from sheets_sync.core.model import SourceRecord
from sheets_sync.core.privacy import (
    SALT,
    Identifiers,
    Suppression,
    identifier_hash,
    record_identifiers,
    suppressed,
)
from sheets_sync.core.state import State
from sheets_sync.errors import ConfigError

from .backends import BACKENDS, Harness


def adapters(config) -> dict:
    """What ``run.py forget`` hands the use case: the config's list sources and mail queue."""
    return {"external": wiring.external_lists(config), "queue": wiring.mail_queue(config)}


try:
    from sheets_sync.emulator import SheetsEmulator
except ImportError:  # pragma: no cover - only while the Google backend is being written
    SheetsEmulator = None  # type: ignore[assignment,misc]

H = ["Full name", "Email", "Phone", "Graduation year", "Qualification", "Consent", "Last contact", "Notes"]
ZURINE = ("Zuriñe Olabarrieta", "zurine.ola@mail.example", "+34611222333")  # opted out in one list
KOLDO = ("Koldo Arrizabalaga", "koldo.a@mail.example", "+34622333444")  # the one who asks to be forgotten
MAITE = ("Maite Urrutikoetxea", "maite.u@mail.example", "+34633444555")
PAYLOAD = '=HYPERLINK("http://evil.example","x")'

SCHOOL: dict[str, list[list[str]]] = {
    tabs.STAFF: [
        ["Ana Tutor", "ana.tutor@school.example", "Tutor", "IT", "Yes"],
        ["Ben Teacher", "ben@school.example", "Teacher", "IT", "Yes"],
        ["Carla Mentor", "carla@school.example", "Mentor", "IT", "Yes"],
        ["Olga Office", "office@school.example", "Alumni office", "", "Yes"],
    ],
    "List - Ana Tutor": [
        H,
        [ZURINE[0], ZURINE[1], "+34 611 222 333", "2019", "IT systems", "yes", "2023-01-10", ""],
        [KOLDO[0], KOLDO[1], "+34 622 333 444", "2020", "IT systems", "yes", "2023-02-10", PAYLOAD],
        [MAITE[0], MAITE[1], "+34 633 444 555", "2018", "Web dev", "yes", "", ""],
    ],
    "List - Ben Teacher": [
        H,
        [ZURINE[0], ZURINE[1], "", "2019", "IT systems", "baja", "2024-03-05", ""],
        [KOLDO[0], KOLDO[1], "not-a-phone", "2020", "IT systems", "", "", ""],  # a Data issue about Koldo
    ],
    "List - Carla Mentor": [
        H,
        ["Koldo Arizabalaga", "", "", "2020", "", "", "", "met at the fair"],  # a Review pair with Koldo
        [MAITE[0], MAITE[1], "", "2018", "", "", "", ""],
    ],
    tabs.OUTREACH: [
        ["2024-05-01", ZURINE[0], "", ZURINE[1], "SECRET-PURPOSE-ZURINE", "Olga Office", "email", ""],
        ["2024-05-02", KOLDO[0], "", KOLDO[1], "PURPOSE-KOLDO", "Olga Office", "email", ""],
    ],
    tabs.ATTENDANCE: [
        ["Career fair", "2024-03-01", KOLDO[0], "", "", "2020", "IT systems", KOLDO[1], "IT"],
        ["Career fair", "2024-03-01", MAITE[0], "", "", "2018", "Web dev", MAITE[1], "IT"],
    ],
}
KOLDO_ROWS = {"List - Ana Tutor!3", "List - Ben Teacher!3", "Outreach!3", "Attendance!2"}
# the first sync runs yesterday: ``forget`` runs now (real clock), later syncs on the next days
DAY = dt.datetime.combine(dt.date.today() - dt.timedelta(days=1), dt.time(12), tzinfo=dt.timezone.utc)


# --------------------------------------------------------------------------- the small school


def write_school(xlsx: Path, sheets: dict[str, list[list[str]]]) -> None:
    """Template tabs get rows under their header; other titles become a list tab (first row = header)."""
    book = load_workbook(xlsx)
    for title, rows in sheets.items():
        ws, first = (book[title], 2) if title in book.sheetnames else (book.create_sheet(title), 1)
        for i, values in enumerate(rows):
            for j, value in enumerate(values):
                ws.cell(row=first + i, column=j + 1, value=value).data_type = "s"
    book.save(xlsx)


def make_school(kind: str, tmp_path: Path, sheets: dict[str, list[list[str]]] = SCHOOL, **raw) -> Harness:
    """A provisioned workbook holding ``sheets``, on the ``kind`` backend (a Harness of backends.py)."""
    xlsx = tmp_path / "school.xlsx"
    data = {"school": {"name": "Test School", "default_region": "ES", "timezone": "Europe/Madrid"}, **raw}
    config = replace(parse_config(data, base=tmp_path), workbook=xlsx)
    wiring.provision(wiring.open_workbook(config, create=True))
    write_school(xlsx, sheets)
    if kind == "xlsx":
        return Harness(kind, config, None, tmp_path)
    from sheets_sync.adapters.xlsx.workbook import XlsxWorkbook
    from sheets_sync.emulator.a1 import quote_title

    emu = SheetsEmulator()
    grids = XlsxWorkbook(xlsx).read().grids
    key = emu.create_spreadsheet("Test school", sheets=list(grids))
    for title, grid in grids.items():
        if grid.rows:
            emu.set_values(key, f"{quote_title(title)}!A1", [list(r) for r in grid.rows])  # RAW, as typed
    state = tmp_path / "emulator.json"
    emu.save(state)
    google = replace(config.google, spreadsheet=key, emulator=state)
    return Harness(kind, replace(config, workbook=None, google=google), None, tmp_path)


def sync(h: Harness, day: dt.datetime = DAY):
    report, _ = run_sync(h.config, h.workbook(), outbox=wiring.mail_queue(h.config), now=day)
    return report


def tab_text(h: Harness, titles=tabs.OUTPUT_TABS) -> str:
    snap = h.read()
    return "\n".join("\t".join(r) for t in titles if t in snap.grids for r in snap.grids[t].rows)


def rows_of(h: Harness, title: str) -> list[dict[str, str]]:
    grid = h.read().grids[title]
    head = list(grid.rows[0])
    return [dict(zip(head, list(r) + [""] * (len(head) - len(r)), strict=True)) for r in grid.rows[1:]]


def mails(folder: Path) -> dict[str, str]:
    """Every .eml under ``folder`` (pending, sent, delivered): relative path -> decoded text parts."""
    out = {}
    for path in sorted(folder.rglob("*.eml")) if folder.exists() else []:
        msg = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
        parts = [str(msg["Subject"])]
        for part in msg.walk():
            if part.get_content_maintype() == "text":
                body = part.get_content()
                parts.append(html.unescape(body) if part.get_content_subtype() == "html" else body)
        out[str(path.relative_to(folder))] = "\n".join(parts)
    return out


def plain_parts(folder: Path) -> dict[str, str]:
    out = {}
    for path in sorted(folder.rglob("*.eml")):
        msg = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
        out[path.name] = msg.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    return out


def clear_rows(h: Harness, refs) -> None:
    """The owners delete the rows (every cell emptied)."""
    cells = [(ref.rsplit("!", 1)[0], int(ref.rsplit("!", 1)[1])) for ref in refs]
    if h.kind == "xlsx":
        book = load_workbook(h.config.workbook)
        for title, row in cells:
            for cell in book[title][row]:
                cell.value = None
        book.save(h.config.workbook)
        return
    grids = h.read().grids
    for title, row in cells:
        for col in range(len(grids[title].rows[row - 1])):
            h.set_cell(title, row, col, "")


@pytest.fixture(params=BACKENDS)
def school(request, tmp_path) -> Harness:
    return make_school(request.param, tmp_path)


# --------------------------------------------------------------------------- consent


def _rec(ref: str, consent: bool | None, last: str = "") -> SourceRecord:
    tab, row = ref.rsplit("!", 1)
    return SourceRecord(ref=ref, tab=tab, row=int(row), teacher="t", consent=consent, last_contact=last)


@pytest.mark.parametrize(
    ("consents", "expected", "source"),
    [
        ([True, False, None], "No", "L!2 (2024-01-02)"),  # a "no" anywhere wins
        ([False, True], "No", "L!1 (2024-01-01)"),
        ([True, None], "Yes", "L!1 (2024-01-01)"),
        ([None, None], "Unknown", ""),
        ([True, True, False], "No", "L!3 (2024-01-03)"),
    ],
)
def test_consent_no_anywhere_wins_and_says_where_and_when(consents, expected, source):
    recs = [_rec(f"L!{i + 1}", c, f"2024-01-0{i + 1}") for i, c in enumerate(consents)]
    assert consent_of(recs) == (expected, source)


def test_opted_out_alumnus_is_counted_but_never_proposed_for_contact(school: Harness):
    sync(school)
    alumni = {r["Name"]: r for r in rows_of(school, tabs.ALUMNI)}
    zurine = alumni[ZURINE[0]]
    assert (zurine["Consent"], zurine["Consent source"]) == ("No", "List - Ben Teacher!2 (2024-03-05)")
    assert alumni[KOLDO[0]]["Consent"] == "Yes"

    rollup = school.read().grids[tabs.ROLLUP].rows
    head_at = next(i for i, r in enumerate(rollup) if "Not willing to keep in touch (B)" in r)
    col = rollup[head_at].index("Not willing to keep in touch (B)")
    total = next(r for r in rollup[head_at + 1 :] if r and r[0] == "Total")
    assert total[col] == "1" and total[rollup[head_at].index("Total (A)")] == str(len(alumni))

    status = {r["Alumnus (as entered)"]: r for r in rows_of(school, tabs.OUTREACH_STATUS)}
    assert status[ZURINE[0]]["Status"].lower() == "do not contact"
    assert "do not contact" in status[ZURINE[0]]["Warning"].lower()
    assert status[ZURINE[0]]["Owner to loop in"] == ""
    assert status[KOLDO[0]]["Owner to loop in"] == "Ana Tutor"  # the control: consented, looped in

    sent = mails(school.config.outbox_dir)
    assert any(name.startswith("owner_") for name in sent)
    assert any("PURPOSE-KOLDO" in text for text in sent.values())  # the control reaches a mail
    for name, text in sent.items():
        assert "SECRET-PURPOSE-ZURINE" not in text, name  # the purpose/details never travel
    for name, text in plain_parts(school.config.outbox_dir).items():
        for line in text.splitlines():
            if ZURINE[0] in line or (name.startswith("office") and "Outreach!2" in line):
                assert "do not contact" in line.lower(), (name, line)


# --------------------------------------------------------------------------- forget


def _forget_and_check(h: Harness, who: str, *, extra_rows: set[str] = frozenset()):
    sync(h)
    assert KOLDO[1] in tab_text(h)
    outbox = h.config.outbox_dir
    # one mail still waiting for SMTP and one kept as sent evidence, both about Koldo
    (outbox / "pending").mkdir(exist_ok=True)
    (outbox / "sent").mkdir(exist_ok=True)
    about = sorted(n for n, t in mails(outbox).items() if KOLDO[0] in t or "A-00002" in t)
    assert len(about) >= 2, about
    shutil.move(outbox / about[0], outbox / "pending" / about[0])
    shutil.move(outbox / about[1], outbox / "sent" / about[1])
    unrelated = sorted(
        n for n, t in mails(outbox).items() if not any(x in t for x in KOLDO) and "A-00002" not in t
    )
    assert unrelated, "the school has mails about the others"
    issues_before = {f"{r['Tab']}!{r['Row']}" for r in rows_of(h, tabs.DATA_ISSUES)}
    assert "List - Ben Teacher!3" in issues_before  # Koldo's bad phone

    result = forget(h.config, h.workbook(), who, by="DPO Ines", **adapters(h.config))
    assert result.found and result.alumni_id == "A-00002"
    assert set(result.teacher_cells) == KOLDO_ROWS | extra_rows
    lines = "\n".join(result.lines())
    assert all(ref in lines for ref in result.teacher_cells)

    text = tab_text(h)
    for leak in (*KOLDO, "622 333 444", "PURPOSE-KOLDO", "not-a-phone", "A-00002", PAYLOAD):
        assert leak not in text, leak
    assert ZURINE[1] in text and MAITE[1] in text  # nobody else was erased
    for r in rows_of(h, tabs.DATA_ISSUES):
        assert f"{r['Tab']}!{r['Row']}" not in result.teacher_cells
    *earlier, log_row = rows_of(h, tabs.SYNC_LOG)
    assert "erasure" in log_row["Message"] and "DPO Ines" in log_row["Message"]
    assert log_row["Mode"] == "forget" and {r["Mode"] for r in earlier} == {"sync"}
    assert log_row["Started"].startswith(dt.date.today().isoformat())

    state = State.from_grid(h.read().grids[tabs.STATE])
    assert "A-00002" not in state.entries.get("alumni", {})
    assert "A-00002" not in json.dumps(state.entries)
    assert all(v != "A-00002" for _, v in state.items("member"))
    suppress = state.keys("suppress")
    assert suppress and all(re.fullmatch(r"[0-9a-f]{64}", k) for k in suppress)
    unsalted = hashlib.sha256((SALT + f"email:{KOLDO[1]}").encode()).hexdigest()
    assert unsalted not in suppress  # salted per workbook: no precomputed table across schools
    assert [v for _, v in state.items("erasure")] == [{"date": dt.date.today().isoformat(), "by": "DPO Ines"}]

    left = mails(outbox)
    assert not (outbox / "pending" / about[0]).exists() and not (outbox / "sent" / about[1]).exists()
    assert set(unrelated) <= set(left)
    for name, body in left.items():
        assert not any(x in body for x in KOLDO) and "A-00002" not in body, name
    return result


@pytest.mark.parametrize("who", ["A-00002", "a2", KOLDO[1].upper()])
def test_forget_removes_the_person_from_every_service_owned_tab_and_the_outbox(school: Harness, who):
    _forget_and_check(school, who)


def test_forget_by_an_absorbed_alias_id(tmp_path):
    h = make_school("xlsx", tmp_path)
    sync(h)
    review = rows_of(h, tabs.REVIEW)
    assert [(r["Name A"], r["Name B"]) for r in review] == [(KOLDO[0], "Koldo Arizabalaga")]
    h.set_cell(tabs.REVIEW, 2, tabs.REVIEW_HEADERS.index("Decision"), "Same")
    sync(h, DAY + dt.timedelta(days=1))
    state = State.from_grid(h.read().grids[tabs.STATE])
    aliases = dict(state.items("alias"))
    assert aliases == {"A-00004": "A-00002"}
    assert state.keys("decision")
    _forget_and_check(h, "A-00004", extra_rows={"List - Carla Mentor!2"})
    after = State.from_grid(h.read().grids[tabs.STATE])
    assert not after.keys("decision") and not after.keys("alias")  # both were about Koldo's rows


def test_forget_finds_the_person_in_encoded_mails_by_name_alone(tmp_path):
    from sheets_sync.adapters.mail.send import build_message
    from sheets_sync.core.digest.build import Mail

    h = make_school("xlsx", tmp_path)
    sync(h)
    sent_dir = h.config.outbox_dir / "sent"  # delivered over SMTP, kept as evidence
    sent_dir.mkdir(exist_ok=True)
    body = "Meet the class of 2019 — " + "with a long line that needs soft breaks " * 3
    for key, who in (("owner:x:1", "Zuriñe  OLABARRIETA"), ("owner:x:2", "Maite Urrutikoetxea")):
        mail = Mail(
            key, "owner", ("x@school.example",), "News", f"{body}{who}.", f"<p>{body}<b>{who}</b></p>"
        )
        (sent_dir / f"{key.replace(':', '_')}.eml").write_bytes(
            bytes(build_message(mail, "s@school.example"))
        )
    raw = (sent_dir / "owner_x_1.eml").read_bytes()
    assert b"Zuri\xc3\xb1e" not in raw and b"OLABARRIETA" in raw  # quoted-printable on the wire
    result = forget(h.config, h.workbook(), ZURINE[1], by="DPO", **adapters(h.config))
    assert result.found and not (sent_dir / "owner_x_1.eml").exists()
    assert (sent_dir / "owner_x_2.eml").exists()


@pytest.mark.parametrize("who", ["A-09999", "nobody@nowhere.example"])
def test_forget_of_nobody_changes_nothing(tmp_path, who):
    h = make_school("xlsx", tmp_path)
    sync(h)
    before, outbox = h.read().grids, mails(h.config.outbox_dir)
    result = forget(h.config, h.workbook(), who, by="DPO", **adapters(h.config))
    assert not result.found and result.teacher_cells == ()
    assert "nothing was changed" in result.lines()[0]
    assert h.read().grids == before and mails(h.config.outbox_dir) == outbox


def test_forget_of_something_that_is_no_id_nor_email_is_refused(tmp_path):
    h = make_school("xlsx", tmp_path)
    with pytest.raises(ConfigError, match="neither an Alumni ID"):
        forget(h.config, h.workbook(), "Koldo", by="DPO", **adapters(h.config))


def test_forgotten_person_stays_out_and_the_office_digest_lists_rows_until_deleted(school: Harness):
    result = _forget_and_check(school, KOLDO[1])
    day2 = DAY + dt.timedelta(days=1)
    report = sync(school, day2)
    assert set(report.forgotten_rows) == set(result.teacher_cells)
    text = tab_text(school)
    for leak in (*KOLDO, "A-00002"):
        assert leak not in text
    office = plain_parts(school.config.outbox_dir)[f"office_{day2.date().isoformat()}.eml"]
    assert "ERASURE STILL INCOMPLETE" in office
    assert all(ref in office for ref in result.teacher_cells)
    assert KOLDO[0] not in office

    clear_rows(school, result.teacher_cells)  # the owners delete the rows
    day3 = DAY + dt.timedelta(days=2)
    report = sync(school, day3)
    assert report.forgotten_rows == []
    office = plain_parts(school.config.outbox_dir)[f"office_{day3.date().isoformat()}.eml"]
    assert "ERASURE STILL INCOMPLETE" not in office
    assert not any(ref in office for ref in result.teacher_cells)
    assert ZURINE[0] in {r["Name"] for r in rows_of(school, tabs.ALUMNI)}


def test_a_name_only_row_added_later_stays_out_but_a_namesake_with_an_email_does_not(tmp_path):
    h = make_school("xlsx", tmp_path)
    sync(h)
    forget(h.config, h.workbook(), "A-00002", by="DPO", **adapters(h.config))
    write_school(
        h.config.workbook,
        {
            "List - Dan New": [
                H,
                [KOLDO[0], "", "", "", "", "", "", ""],
                [KOLDO[0], "koldo.other@mail.example"],
            ]
        },
    )
    report = sync(h, DAY + dt.timedelta(days=1))
    assert "List - Dan New!2" in report.forgotten_rows and "List - Dan New!3" not in report.forgotten_rows
    emails = [r["Emails"] for r in rows_of(h, tabs.ALUMNI) if r["Name"] == KOLDO[0]]
    assert emails == ["koldo.other@mail.example"]


def test_forget_cli_prints_every_row_that_still_holds_them(tmp_path, monkeypatch, capsys):
    from sheets_sync.cli import main

    h = make_school("xlsx", tmp_path)
    sync(h)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exit_:
        main(["forget", KOLDO[1], "--workbook", str(h.config.workbook), "--by", "DPO"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    for ref in KOLDO_ROWS:
        assert f"  {ref}\n" in out
    assert not any(x in out for x in KOLDO[1:])


# --------------------------------------------------------------------------- suppression (core)


def _person(name="Koldo Arrizabalaga", email="", phone="", year=None, dob="") -> SourceRecord:
    return SourceRecord(
        ref="L!2",
        tab="L",
        row=2,
        teacher="t",
        full_name=name,
        emails=(email,) if email else (),
        phones=(phone,) if phone else (),
        graduation_year=year,
        birth_date=dob,
    )


FORGOTTEN = _person(email="koldo.a@mail.example", phone="+34622333444", year=2020, dob="2001-02-03")


@pytest.mark.parametrize(
    ("row", "dropped"),
    [
        (_person(email="KOLDO.A@mail.example"), True),  # an email, any case
        (_person(name="Somebody Else", phone="+34622333444"), True),  # a phone, whatever the name
        (_person(name="Arrizabalaga, Koldo"), True),  # a name-only row, any order
        (_person(name="KOLDO ARRIZABALAGA", year=2020), True),  # name + the same year
        (_person(year=2015), False),  # a namesake of another year
        (_person(email="koldo.other@mail.example"), False),  # a namesake with their own email
        (_person(name="Koldo Arizabalaga"), False),  # another spelling: only a Review pair can say
        (_person(dob="2001-02-03", email="new@mail.example"), True),  # name + birth date
    ],
)
def test_suppression_drops_rows_of_the_forgotten_person_only(row, dropped):
    state = State()
    state.set("salt", "suppress", "pepper")
    for ident in record_identifiers(FORGOTTEN).all():
        state.set("suppress", identifier_hash(ident, "pepper"), "2025-03-03")
    kept, refs = suppressed([row], state)
    assert (refs == ["L!2"]) is dropped and (kept == []) is dropped


def test_suppression_entries_are_salted_hashes_and_nothing_else():
    ids = record_identifiers(FORGOTTEN)
    assert (
        Suppression(frozenset(), "a")
        .hashes(ids.all())
        .isdisjoint(Suppression(frozenset(), "b").hashes(ids.all()))
    )
    state = State()
    for ident in ids.all():
        state.set("suppress", identifier_hash(ident, "s"), "2025-03-03")
    text = json.dumps(state.to_rows()).lower()
    for piece in ("koldo", "arrizabalaga", "mail.example", "622333444", "2001", "2020"):
        assert piece not in text.replace("2025-03-03", "")
    assert Identifiers(("email:x",)).all() == ("email:x",)


# --------------------------------------------------------------------------- export


@pytest.mark.parametrize("who", ["A-00002", KOLDO[1]])
def test_export_holds_everything_about_the_person_in_json_and_a_text_only_xlsx(tmp_path, who):
    h = make_school("xlsx", tmp_path)
    sync(h)
    out = tmp_path / "export"
    out.mkdir()
    json_path, xlsx_path = export(
        h.config,
        h.workbook(),
        who,
        out=out,
        external=wiring.external_lists(h.config),
        write_workbook=wiring.export_writer(),
    )
    data = json.loads(json_path.read_text(encoding="utf-8"))
    assert data["alumni_id"] == "A-00002" and data["master_record"]["name"] == KOLDO[0]
    assert data["master_record"]["consent"] == "Yes"
    rows = {s["ref"]: s["as_entered"] for s in data["source_rows"]}
    assert set(rows) == {"List - Ana Tutor!3", "List - Ben Teacher!3"}
    assert rows["List - Ben Teacher!3"]["Phone"] == "not-a-phone"  # as entered, not as normalised
    assert rows["List - Ana Tutor!3"]["Notes"] == PAYLOAD
    assert [(r["Source A"], r["Source B"]) for r in data["review"]] == [
        ("List - Ana Tutor!3", "List - Carla Mentor!2")
    ]
    assert [r["Purpose"] for r in data["outreach"]] == ["PURPOSE-KOLDO"]
    assert [(e["source"], e["kind"]) for e in data["engagements"]] == [("Attendance!2", "Career fair")]
    assert {s["ref"] for s in data["staff_rows"]} == {"Outreach!3", "Attendance!2"}
    for other in (*ZURINE, *MAITE):
        assert other not in json_path.read_text(encoding="utf-8")

    book = load_workbook(xlsx_path)
    assert {"Master record", "Source rows", "Review", "Outreach", "Engagements"} <= set(book.sheetnames)
    values = []
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} is a formula"
                values.append(cell.value)
    assert PAYLOAD in values and "not-a-phone" in values and KOLDO[1] in " ".join(map(str, values))


def test_export_of_nobody_says_so(tmp_path):
    h = make_school("xlsx", tmp_path)
    sync(h)
    with pytest.raises(ConfigError, match="nobody matches"):
        export(
            h.config,
            h.workbook(),
            "A-09999",
            out=tmp_path,
            external=wiring.external_lists(h.config),
            write_workbook=wiring.export_writer(),
        )
    assert not list(tmp_path.glob("export-*"))


# --------------------------------------------------------------------------- secrets


@pytest.mark.parametrize(
    ("mode", "warned"), [(0o644, True), (0o640, True), (0o604, True), (0o600, False), (0o400, False)]
)
def test_check_warns_when_the_key_file_is_readable_by_others(tmp_path, mode, warned):
    key = tmp_path / "key.json"
    key.write_text("{}")
    key.chmod(mode)
    config = parse_config({"google": {"spreadsheet": "abc", "credentials": str(key)}}, base=tmp_path)
    warnings = [w for w in wiring.check_secrets(config) if "readable by other users" in w]
    assert bool(warnings) is warned
    if warned:
        assert f"chmod 600 {key}" in warnings[0]


@pytest.mark.skipif("google" not in BACKENDS, reason="the Google backend is not in this tree yet")
@pytest.mark.parametrize(("mode", "warned"), [(0o644, True), (0o600, False)])
def test_check_command_prints_the_key_file_warning(tmp_path, monkeypatch, capsys, mode, warned):
    from sheets_sync.cli import main

    h = make_school("google", tmp_path)
    key = tmp_path / "key.json"
    key.write_text("{}")
    key.chmod(mode)
    monkeypatch.chdir(tmp_path)
    args = [
        "check",
        "--spreadsheet",
        h.config.google.spreadsheet,
        "--emulator",
        str(h.config.google.emulator),
    ]
    with pytest.raises(SystemExit) as exit_:
        main([*args, "--credentials", str(key)])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert ("warning: the service-account key" in out) is warned
    assert "List - Ana Tutor" in out  # the check itself ran


def test_a_password_in_the_config_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="SHEETS_SYNC_SMTP_PASSWORD"):
        parse_config({"smtp": {"host": "mail.example", "password": "hunter2"}}, base=tmp_path)


SECRET = "s3cr3t-PW-7f2a"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("accepted", [True, False])
def test_the_smtp_password_never_reaches_logs_tabs_mails_or_repr(tmp_path, monkeypatch, caplog, accepted):
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword

    received: list[bytes] = []
    logins: list[bytes] = []

    class Inbox:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
            received.append(envelope.original_content)
            return "250 OK"

    def authenticate(server, session, envelope, mechanism, auth_data):
        assert isinstance(auth_data, LoginPassword)
        logins.append(auth_data.password)
        return AuthResult(success=accepted and auth_data.password == SECRET.encode(), handled=False)

    monkeypatch.setenv("SHEETS_SYNC_SMTP_PASSWORD", SECRET)
    port = _free_port()
    controller = Controller(
        Inbox(), hostname="127.0.0.1", port=port, authenticator=authenticate, auth_require_tls=False
    )
    controller.start()
    try:
        h = make_school("xlsx", tmp_path)
        smtp = SmtpConfig(host="127.0.0.1", port=port, security="none", user="mailer", timeout=5)
        config = replace(h.config, digest=replace(h.config.digest, smtp=smtp))
        h = replace(h, config=config)
        queue = wiring.mail_queue(config)
        with caplog.at_level(logging.DEBUG):
            report, _ = run_sync(config, h.workbook(), outbox=queue, now=DAY)
    finally:
        controller.stop()
    assert logins and logins[0] == SECRET.encode()  # the password really went to the server
    assert (report.mails_sent > 0 and received) if accepted else (report.mails_failed > 0 and not received)
    assert caplog.records
    assert SECRET not in caplog.text
    assert SECRET not in tab_text(h, tuple(h.read().grids))
    for path in config.outbox_dir.rglob("*"):
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes()
    assert all(SECRET.encode() not in raw for raw in received)
    for obj in (queue, queue.smtp, config, config.digest, smtp):
        assert SECRET not in repr(obj)
    assert SECRET not in " ".join(report.summary_lines() + report.warnings)


# --------------------------------------------------------------------------- logs


def test_a_sync_of_the_demo_school_logs_no_personal_data(tmp_path, caplog):
    from sheets_sync.commands import run_once
    from sheets_sync.demo import generate_school

    school = generate_school(5, alumni=60, lists=5)
    h = Harness.create("xlsx", tmp_path, school)
    wiring.provision(wiring.open_workbook(h.config, create=True))
    with caplog.at_level(logging.INFO):
        run_once(h.config)
        forget(
            h.config, h.workbook(), rows_of(h, tabs.ALUMNI)[0]["Alumni ID"], by="DPO", **adapters(h.config)
        )
    messages = "\n".join(r.getMessage() for r in caplog.records if r.levelno >= logging.INFO)
    assert "alumni" in messages.lower()  # the steps were logged
    leaks = []
    for row in rows_of(h, tabs.ALUMNI):
        for text in [row["Name"], *row["Emails"].split("; "), *row["Phones"].split("; ")]:
            if text and len(text) > 4 and text in messages:
                leaks.append(text)
    for person in school.people.values():
        for text in (person["full_name"], *person["emails"], *person["phones"]):
            if text and text in messages:
                leaks.append(text)
    assert not leaks, leaks[:5]
