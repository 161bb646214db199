"""Messages that are true and actionable (issue 13 #5): the office digest says who receives each
list's fixes; a list's phone region follows its language; a teacher's mail never says "config"."""

from __future__ import annotations

import email
import tomllib
from dataclasses import replace
from email import policy
from pathlib import Path

from sheets_sync import schema as tabs
from sheets_sync.config.model import ListConfig
from sheets_sync.core.digest.items import staff_members
from sheets_sync.core.lists.tables import read_table
from sheets_sync.core.model import Grid

from ._school import School

REPO = Path(__file__).resolve().parents[1]
STAFF_HEADER = ["Name", "Email", "Role", "Department", "Receives digest"]


def _mails(folder: Path) -> list[email.message.EmailMessage]:
    return [email.message_from_bytes(p.read_bytes(), policy=policy.default) for p in folder.rglob("*.eml")]


def _text(mail: email.message.EmailMessage) -> str:
    return mail.get_body(preferencelist=("plain",)).get_content()


def _html(mail: email.message.EmailMessage) -> str:
    return mail.get_body(preferencelist=("html",)).get_content()


def _school(tmp_path: Path, digest_ana: str) -> School:
    return School.create(
        "xlsx",
        tmp_path,
        {
            "List - Ana Ruiz": [["Nombre", "Correo", "Teléfono"], ["Lucía Martín", "lucia@example", "12"]],
            "List - Pedro Gil": [["Nombre", "Correo", "Teléfono"], ["Pablo Ortega", "pablo@example", "12"]],
            tabs.STAFF: [
                STAFF_HEADER,
                ["Office", "office@school.example", "Alumni office", "", "Yes"],
                ["Ana Ruiz", "ana@school.example", "Teacher", "", digest_ana],
                ["Pedro Gil", "pedro@school.example", "Teacher", "", "No"],
            ],
        },
    )


def test_office_digest_says_who_receives_each_lists_fixes(tmp_path):
    school = _school(tmp_path, "Yes")
    school.init()
    school.sync()
    (office,) = [m for m in _mails(tmp_path) if "office@school.example" in str(m["To"])]
    text = _text(office)
    assert "Each teacher receives their own list of fixes" not in text  # Pedro set No: untrue
    assert "List - Pedro Gil" in text and "nobody: Pedro Gil has Receives digest = No" in text
    assert "mailed to Ana Ruiz" in text
    assert "Receives digest = No" in _html(office)
    assert not any("pedro@school.example" in str(m["To"]) for m in _mails(tmp_path))


def test_office_digest_says_each_teacher_receives_fixes_only_when_true(tmp_path):
    school = _school(tmp_path, "")  # empty: receives the digest (the Staff note says so too)
    school.init()
    school.add_tab("List - Sara Bell", [["Name", "Email"], ["Eva Mas", "eva@example"]])
    school.sync()
    (office,) = [m for m in _mails(tmp_path) if "office@school.example" in str(m["To"])]
    assert "Each teacher receives their own list of fixes" not in _text(office)  # still Pedro and Sara
    assert "nobody: Sara Bell has no email in Staff" in _text(office)
    assert any("ana@school.example" in str(m["To"]) for m in _mails(tmp_path))


def test_staff_note_code_and_docs_agree_an_empty_receives_digest_cell_means_yes():
    grid = Grid.from_rows(tabs.STAFF, [STAFF_HEADER, ["Ana Ruiz", "ana@school.example", "Teacher", "", ""]])
    table, _ = read_table(grid, tabs.TEMPLATE_HEADERS[tabs.STAFF])
    assert staff_members(table)["ana ruiz"].receives_digest
    spec = tomllib.loads((REPO / "templates" / "staff.toml").read_text(encoding="utf-8"))
    (note,) = [c["note"] for c in spec["columns"] if c["header"] == "Receives digest"]
    assert "Yes or empty" in note and "Empty counts as No" not in note
    docs = (REPO / "docs" / "digests.md").read_text(encoding="utf-8")
    assert "empty cell counts as *Yes*" in docs


def test_a_lists_phone_region_follows_its_language_unless_configured(tmp_path):
    school = School.create(
        "xlsx",
        tmp_path,
        {
            "List - Mart Tamm": [
                ["Eesnimi", "Perekonnanimi", "E-post", "Telefon"],
                ["Kati", "Kask", "kati@example.ee", "5123 4567"],  # an Estonian mobile
                ["Mari", "Mets", "mari@example.ee", "12"],
            ],
            "List - Jan de Vries": [
                ["Naam", "E-mail", "Telefoon"],
                ["Eva Bos", "eva@example.nl", "612 345 678"],
            ],
        },
    )  # the school's default region is ES
    school.config = replace(
        school.config, lists=(ListConfig(teacher="Jan de Vries", tab="List - Jan de Vries", region="ES"),)
    )
    school.init()
    school.sync()
    header, *rows = school.rows(tabs.ALUMNI)
    phones = {r[header.index("Emails")]: r[header.index("Phones")] for r in rows}
    assert phones["kati@example.ee"] == "+37251234567"
    assert phones["eva@example.nl"] == "+34612345678"  # configured: ES first
    issues_header, *issues = school.rows(tabs.DATA_ISSUES)
    (bad,) = [
        r for r in issues if r[0] == "List - Mart Tamm" and r[issues_header.index("Column")] == "Telefon"
    ]
    assert "for EE" in bad[issues_header.index("Problem")]
    assert "+372" in bad[issues_header.index("Fix")] and "+34" not in bad[issues_header.index("Fix")]


def test_a_teachers_mail_never_tells_a_teacher_to_edit_the_config(tmp_path):
    school = School.create(
        "xlsx",
        tmp_path,
        {
            "List - Ana Ruiz": [
                ["Nombre", "Correo", "Teléfono", "Año", "Empresa actual", "Nacimiento"],
                ["Lucía Martín", "lucia@example", "12", "20199", "Talleres", "31/02/2001"],
                ["", "", "", "", "solo notas", ""],
            ],
            "List - Nobody Header": [["just", "words"], ["more", "words"]],
            tabs.STAFF: [
                STAFF_HEADER,
                ["Ana Ruiz", "ana@school.example", "Teacher", "", "Yes"],
                ["Nobody Header", "nobody@school.example", "Teacher", "", "Yes"],
                ["Marco Rossi", "marco@school.example", "Teacher", "", "Yes"],
            ],
        },
    )
    school.config = replace(
        school.config, lists=(ListConfig(teacher="Marco Rossi", path=tmp_path / "moved.xlsx"),)
    )
    school.init()
    school.sync()
    teachers = [m for m in _mails(tmp_path) if "Ana Ruiz" in _text(m) or "thing" in str(m["Subject"])]
    to = {str(m["To"]) for m in teachers}
    assert {"ana@school.example", "nobody@school.example", "marco@school.example"} <= to
    for mail in teachers:
        for body in (_text(mail), _html(mail)):
            assert "config" not in body.lower() and "[lists" not in body, body
