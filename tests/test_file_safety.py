"""Files on the machine (issue 13, items 10, 13, 14, 15 and 16), with real files, links and modes.

* 10: a failed factsheet write after a committed sync leaves nothing half-written and exits 9;
* 13: after ``forget`` no file the service keeps holds the person (backups included);
* 14: temporary files are created exclusively: a link planted at a predictable name is not followed;
* 15: links leaving their folder (a list file, the backups folder) are refused; a workbook path
  that is a link is written through to its target;
* 16: files holding personal data are created 0600 under umask 022; an existing file keeps its mode.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

from sheets_sync.adapters.factsheet import write_factsheet
from sheets_sync.adapters.mail.send import Outbox, mail_filename
from sheets_sync.adapters.xlsx.write import BACKUP_DIR, atomic_save
from sheets_sync.cli import main
from sheets_sync.core.digest.build import Mail
from sheets_sync.files import write_atomic

from ._hostile import sheet_part

EVA = ("Eva", "Lopez Arana", "eva.lopez@example.org", "612 345 678", "2019")
HEADER = ("Nombre", "Apellidos", "Correo electrónico", "Teléfono", "Año de graduación")


def run_cli(*args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    out = capsys.readouterr()
    return int(exit_info.value.code or 0), out.out, out.err


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def make_school(
    folder: Path, capsys: pytest.CaptureFixture[str], rows: tuple[tuple[str, ...], ...] = (EVA,)
) -> Path:
    book = folder / "school.xlsx"
    code, _, err = run_cli("init", "--workbook", str(book), "-q", capsys=capsys)
    assert code == 0, err
    wb = openpyxl.load_workbook(book)
    ws = wb.create_sheet("List - Ana Ruiz")
    for row in (HEADER, *rows):
        ws.append(list(row))
    wb["Staff"].append(["Ana Ruiz", "ana.ruiz@school.example", "Teacher", "Cocina", "Yes"])
    wb["Staff"].append(["Olga Ibarra", "olga@school.example", "Alumni office", "", "Yes"])  # gets a digest
    wb.save(book)
    return book


def mail(key: str = "teacher:Ana Ruiz:abc") -> Mail:
    return Mail(
        key=key,
        kind="teacher",
        to=("ana@example.org",),
        subject="Your list",
        text="hello",
        html="<p>hello</p>",
    )


# --------------------------------------------------------------------------- 14: exclusive temporary files


def test_a_link_planted_at_the_old_factsheet_temp_name_is_not_followed(tmp_path):
    victim = tmp_path / "passwd"
    victim.write_text("root:x:0:0\n")
    site = tmp_path / "site"
    site.mkdir()
    (site / ".factsheet.html.tmp").symlink_to(victim)
    write_factsheet(site / "factsheet.html", "<html>figures</html>")
    assert victim.read_text() == "root:x:0:0\n"
    assert (site / "factsheet.html").read_text() == "<html>figures</html>"
    assert (site / ".factsheet.html.tmp").is_symlink()  # left alone, not written through


def test_a_link_planted_at_the_old_outbox_temp_name_is_not_followed(tmp_path):
    victim = tmp_path / "authorized_keys"
    victim.write_text("ssh-ed25519 AAAA admin\n")
    pending = tmp_path / "outbox" / "pending"
    pending.mkdir(parents=True)
    (pending / (mail_filename(mail().key) + ".tmp")).symlink_to(victim)
    path = Outbox(pending).deliver(mail())
    assert victim.read_text() == "ssh-ed25519 AAAA admin\n"
    assert b"Subject: Your list" in path.read_bytes()
    assert [p.name for p in pending.iterdir() if p.name.endswith(".tmp") and not p.is_symlink()] == []


def test_write_atomic_never_writes_through_an_existing_temp_name(tmp_path, monkeypatch):
    """Even when the random name collides with a planted link, mkstemp's O_EXCL refuses it and
    picks another name: the link's target is untouched."""
    import tempfile

    victim = tmp_path / "victim"
    victim.write_text("keep")
    names = iter(["planted", "fresh"])
    monkeypatch.setattr(tempfile, "_get_candidate_names", lambda: names)
    (tmp_path / ".out.json.planted.tmp").symlink_to(victim)
    write_atomic(tmp_path / "out.json", "{}")
    assert victim.read_text() == "keep" and (tmp_path / "out.json").read_text() == "{}"


# --------------------------------------------------------------------------- 10: disk full after the commit


_FULL_DISK = """
import resource, signal, sys
from pathlib import Path
from sheets_sync.adapters.factsheet import write_factsheet
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write fails with EFBIG instead of killing us
resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))
try:
    write_factsheet(Path(sys.argv[1]), "<p>" + "x" * 1_000_000 + "</p>")
except OSError as exc:
    print("failed", exc.errno)
"""


def test_a_factsheet_write_that_runs_out_of_space_leaves_no_partial_file(tmp_path):
    page = tmp_path / "factsheet.html"
    page.write_text("<p>last night's figures</p>")
    done = subprocess.run(
        [sys.executable, "-c", _FULL_DISK, str(page)], capture_output=True, text=True, timeout=120
    )
    assert done.stdout.startswith("failed"), done.stderr
    assert page.read_text() == "<p>last night's figures</p>"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["factsheet.html"]


def test_sync_whose_factsheet_cannot_be_written_commits_and_exits_9(tmp_path, capsys):
    book = make_school(tmp_path, capsys)
    blocker = tmp_path / "public"
    blocker.write_text("a file where the factsheet's folder should be")
    cfg = tmp_path / "sync.toml"
    cfg.write_text(f'[factsheet]\npath = "{blocker}/factsheet.html"\n', encoding="utf-8")
    code, out, err = run_cli(
        "sync", "--config", str(cfg), "--workbook", str(book), "--no-mail", capsys=capsys
    )
    assert code == 9, err
    assert "factsheet" in err and "committed" in err
    assert "the next run writes it" in out  # the report's warning says what to do
    alumni = openpyxl.load_workbook(book, read_only=True)["Alumni"]
    assert any("eva.lopez@example.org" in str(v) for row in alumni.iter_rows(values_only=True) for v in row)
    assert not [p for p in tmp_path.rglob("*.tmp")]


# --------------------------------------------------------------------------- 16: modes


def test_files_with_personal_data_are_created_0600_under_umask_022(tmp_path, capsys, umask_022):
    book = make_school(tmp_path, capsys)
    os.chmod(book, 0o600)  # openpyxl's save above made it 0644: start from what init made
    fresh = tmp_path / "fresh.xlsx"
    assert run_cli("init", "--workbook", str(fresh), "-q", capsys=capsys)[0] == 0
    assert mode(fresh) == 0o600
    assert run_cli("sync", "--workbook", str(book), capsys=capsys)[0] == 0
    assert mode(book) == 0o600
    mails = list((tmp_path / "outbox").rglob("*.eml"))
    assert mails and {mode(p) for p in mails} == {0o600}
    out = tmp_path / "export"
    out.mkdir()
    code, _, err = run_cli(
        "export", "eva.lopez@example.org", "--workbook", str(book), "--out", str(out), capsys=capsys
    )
    assert code == 0, err
    assert sorted(p.suffix for p in out.iterdir()) == [".json", ".xlsx"]
    assert {mode(p) for p in out.iterdir()} == {0o600}
    state = tmp_path / "google.json"
    assert run_cli("init", "--spreadsheet", "k1", "--emulator", str(state), "-q", capsys=capsys)[0] == 0
    assert mode(state) == 0o600
    assert mode(tmp_path / "factsheet.html") == 0o644  # public aggregates, meant to be published


def test_an_existing_file_keeps_its_mode(tmp_path, capsys, umask_022):
    book = make_school(tmp_path, capsys)
    os.chmod(book, 0o640)  # the office shares it with a group on purpose
    assert run_cli("sync", "--workbook", str(book), "--no-mail", capsys=capsys)[0] == 0
    assert mode(book) == 0o640


# --------------------------------------------------------------------------- 15: links


def test_a_list_folder_link_to_a_file_outside_it_is_refused(tmp_path, capsys):
    book = make_school(tmp_path, capsys, rows=())
    secret = tmp_path / "hr" / "payroll.xlsx"
    secret.parent.mkdir()
    pay = openpyxl.Workbook()
    pay.active.append(["Nombre", "Correo electrónico", "Salario"])
    pay.active.append(["Marta Gil", "marta.gil@example.org", "2350"])
    pay.save(secret)
    lists = tmp_path / "lists"
    lists.mkdir()
    (lists / "Pedro.xlsx").symlink_to(secret)
    own = openpyxl.Workbook()
    own.active.append(list(HEADER))
    own.active.append(list(EVA))
    own.save(lists / "Luis.xlsx")
    (lists / "Luis-link.xlsx").symlink_to(lists / "Luis.xlsx")  # a link inside the folder is fine
    cfg = tmp_path / "sync.toml"
    cfg.write_text(f'[[lists]]\nfolder = "{lists}"\n', encoding="utf-8")
    code, _, err = run_cli("sync", "--config", str(cfg), "--workbook", str(book), "--no-mail", capsys=capsys)
    assert code == 0, err
    wb = openpyxl.load_workbook(book, read_only=True)
    cells = " ".join(
        str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if v
    )
    assert "marta.gil@example.org" not in cells and "2350" not in cells
    assert "eva.lopez@example.org" in cells
    issues = [
        r for r in wb["Data issues"].iter_rows(values_only=True) if "Pedro.xlsx" in " ".join(map(str, r))
    ]
    assert len(issues) == 1 and "outside the list folder" in " ".join(map(str, issues[0]))


def test_a_linked_backups_folder_gets_no_copy_and_loses_nothing(tmp_path, capsys):
    book = make_school(tmp_path, capsys)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    decoys = ["school.xlsx.bak-20200101T000000", "school.xlsx.bak-notes", "unrelated.txt"]
    for name in decoys:
        (elsewhere / name).write_text("keep me")
    (tmp_path / BACKUP_DIR).symlink_to(elsewhere)
    cfg = tmp_path / "sync.toml"
    cfg.write_text("[operations]\nbackups = 1\n", encoding="utf-8")
    for _ in range(2):
        code, _, err = run_cli(
            "sync", "--config", str(cfg), "--workbook", str(book), "--no-mail", capsys=capsys
        )
        assert code == 0, err
    assert sorted(p.name for p in elsewhere.iterdir()) == sorted(decoys)
    assert "is a link" in err  # logged as a warning on each run


def test_rotation_deletes_only_the_workbooks_own_backups(tmp_path):
    book = tmp_path / "school.xlsx"
    wb = openpyxl.Workbook()
    wb.save(book)
    folder = tmp_path / BACKUP_DIR
    folder.mkdir()
    others = [
        "school.xlsx.bak-notes.txt",
        "school.xlsx.bak-old-important",
        "school.xlsx.bak-20200101T000000.keep",
    ]
    for name in others:
        (folder / name).write_text("keep me")
    for _ in range(3):
        atomic_save(openpyxl.Workbook(), book, backups=1)
    own = [p.name for p in folder.iterdir() if p.name not in others]
    assert len(own) == 1 and own[0].startswith("school.xlsx.bak-")
    assert all((folder / n).read_text() == "keep me" for n in others)


def test_a_workbook_path_that_is_a_link_is_written_through_to_its_target(tmp_path, capsys):
    real_dir = tmp_path / "share"
    real_dir.mkdir()
    book = make_school(real_dir, capsys)
    link = tmp_path / "school.xlsx"
    link.symlink_to(book)
    code, _, err = run_cli("sync", "--workbook", str(link), "--no-mail", capsys=capsys)
    assert code == 0, err
    assert link.is_symlink() and link.resolve() == book.resolve()
    alumni = openpyxl.load_workbook(book, read_only=True)["Alumni"]
    assert any("eva.lopez@example.org" in str(v) for row in alumni.iter_rows(values_only=True) for v in row)
    assert (real_dir / BACKUP_DIR).is_dir()  # the backups sit next to the real file


# --------------------------------------------------------------------------- 13: forget


def files_holding(root: Path, needle: bytes, *, skip: set[tuple[str, str]]) -> list[str]:
    """Every file under ``root`` (zip parts unpacked) whose bytes hold ``needle``."""
    found = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        data = path.read_bytes()
        if data.startswith(b"PK"):
            with zipfile.ZipFile(path) as zf:
                for name in zf.namelist():
                    if (path.name, name) not in skip and needle in zf.read(name):
                        found.append(f"{path.relative_to(root)}:{name}")
        elif needle in data:
            found.append(str(path.relative_to(root)))
    return found


def test_after_forget_no_file_the_service_keeps_holds_the_person(tmp_path, capsys):
    book = make_school(
        tmp_path, capsys, rows=(EVA, ("Jon", "Sanz", "jon.sanz@example.org", "699 111 222", "2020"))
    )
    for _ in range(3):
        assert run_cli("sync", "--workbook", str(book), capsys=capsys)[0] == 0
    backups = tmp_path / BACKUP_DIR
    assert len(list(backups.iterdir())) == 3
    unrelated = backups / "notes.txt"
    unrelated.write_text("office notes, not a backup")
    with zipfile.ZipFile(book) as zf:  # the teacher's own tab: not the service's to edit
        teacher_tab = sheet_part(zf, "List - Ana Ruiz")
    assert files_holding(tmp_path, b"eva.lopez@example.org", skip={("school.xlsx", teacher_tab)})
    code, out, err = run_cli("forget", "eva.lopez@example.org", "--workbook", str(book), capsys=capsys)
    assert code == 0, err
    assert "3 backup(s) of the workbook deleted" in out or "4 backup(s) of the workbook deleted" in out
    assert "List - Ana Ruiz" in out  # the row the teacher must delete is named
    for needle in (b"eva.lopez@example.org", b"Arana", b"612 345 678", b"612345678"):
        assert files_holding(tmp_path, needle, skip={("school.xlsx", teacher_tab)}) == []
    assert unrelated.read_text() == "office notes, not a backup"
    assert files_holding(tmp_path, b"jon.sanz@example.org", skip=set())  # the others stay
