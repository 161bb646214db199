"""A "No" that is heard: consent / keep-in-touch columns phrased as questions in five languages
are read as consent, and every column not read into a field is reported in `Data issues` and in
the teacher's own digest, not only by `check` (issue 13 #4). Real workbooks, both backends."""

from __future__ import annotations

import email
from email import policy

import pytest

from sheets_sync import schema as tabs
from sheets_sync.core.lists.headers import guess_field

from ._school import KINDS, School


@pytest.mark.parametrize(
    "header",
    [
        "¿Quiere recibir info?",
        "¿Desea recibir información del centro?",
        "Mantener contacto",
        "Do you want to receive news?",
        "Keep in touch?",
        "Happy to be contacted?",
        "Vuole ricevere informazioni?",
        "Restare in contatto?",
        "Wil je op de hoogte blijven?",
        "Mogen wij contact opnemen?",
        "Kas soovite infot saada?",
        "Kas võib ühendust võtta?",
    ],
)
def test_keep_in_touch_questions_are_consent(header):
    assert guess_field(header).field == "consent"


@pytest.mark.parametrize("header", ["Last contacted", "Info", "Mailing address", "Telefoon"])
def test_neighbouring_headers_keep_their_field(header):
    assert guess_field(header).field != "consent"


LIST = "List - Ana Ruiz"
ROWS = [
    ["Nombre", "Apellidos", "Correo", "¿Quiere recibir info?", "Tutor/a", "Empresa actual"],
    ["Lucía", "Martín Pérez", "lucia@example.com", "NO", "Ana Ruiz", "Talleres Gómez"],
    ["Pablo", "Ortega Ruiz", "pablo@example.com", "Sí", "Ana Ruiz", ""],
]
STAFF = [
    ["Name", "Email", "Role", "Department", "Receives digest"],
    ["Ana Ruiz", "ana.ruiz@school.example", "Teacher", "", "Yes"],
]


@pytest.mark.parametrize("kind", KINDS)
def test_a_no_in_a_question_column_is_heard_and_unread_columns_are_reported(kind, tmp_path):
    school = School.create(kind, tmp_path, {LIST: ROWS, tabs.STAFF: STAFF})
    school.init()
    school.sync()
    header, *rows = school.rows(tabs.ALUMNI)
    consent = {r[header.index("Emails")]: r[header.index("Consent")] for r in rows}
    assert consent == {"lucia@example.com": "No", "pablo@example.com": "Yes"}

    issues_header, *issues = school.rows(tabs.DATA_ISSUES)
    col = {h: i for i, h in enumerate(issues_header)}
    unread = {
        r[col["Column"]]: r
        for r in issues
        if r[col["Tab"]] == LIST and "column not read" in r[col["Problem"]]
    }
    assert set(unread) == {"Tutor/a", "Empresa actual"}
    assert all(r[col["Row"]] == "1" and r[col["List owner"]] == "Ana Ruiz" for r in unread.values())

    mails = [email.message_from_bytes(p.read_bytes(), policy=policy.default) for p in tmp_path.rglob("*.eml")]
    to_ana = [m for m in mails if "ana.ruiz@school.example" in str(m["To"])]
    assert to_ana, [str(m["To"]) for m in mails]
    text = to_ana[0].get_body(preferencelist=("plain",)).get_content()
    assert "Tutor/a" in text and "Empresa actual" in text and "column not read" in text
    assert "config" not in text.lower()
