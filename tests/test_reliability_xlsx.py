"""Reliability of a whole sync on the local workbook: SIGKILL at random moments, and a person
editing the workbook while a sync runs.

The school: a small demo school (60 alumni, 4 lists) synced once; then a teacher adds a list and
a person types an Owner override and a Review decision. That is the *base*. A fault-free sync of
the base is the *reference*. Each fault test starts from a fresh copy of the base.

Kills are real: the sync runs in a forked child process (everything already imported, so a kill
costs no start-up time) or as ``python tests/_killer.py -- sync`` (the real CLI), and is ended with
SIGKILL either at a seeded random moment of its measured duration or while paused at a named
point of the write path (see ``tests/_killer.py``).
"""

from __future__ import annotations

import dataclasses
import hashlib
import multiprocessing
import os
import random
import select
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from email import message_from_bytes
from pathlib import Path

import openpyxl
import pytest

from sheets_sync import schema as tabs
from sheets_sync import wiring
from sheets_sync.adapters.xlsx.lock import lock_path_for
from sheets_sync.adapters.xlsx.workbook import XlsxWorkbook
from sheets_sync.commands import run_once
from sheets_sync.config import Config
from sheets_sync.demo import generate_school
from sheets_sync.errors import ConcurrentEditError
from sheets_sync.workbook import Snapshot

from ._killer import EventWriter, install, person_edit
from .backends import Harness

ROOT = Path(__file__).resolve().parents[1]
SEED = 12
COMPARED = (tabs.ALUMNI, tabs.REVIEW, tabs.OUTREACH_STATUS, tabs.ROLLUP, tabs.DATA_ISSUES)
LOG_COUNTS = ("Outcome", "Lists read", "Rows read", "Alumni", "Review pairs", "Data issues")
PAUSE_POINTS = ("queue", "commit", "backup", "replace", "replaced", "deliver", "factsheet")
RANDOM_KILLS = 9  # spread over the whole run
SAVE_KILLS = 4  # inside openpyxl writing the temporary file
LANES = 2


# --------------------------------------------------------------------------- the school


@dataclasses.dataclass(frozen=True)
class Base:
    dir: Path
    digest: str  # sha256 of the base workbook
    person: dict[str, object]  # every cell a person entered, as read from the base
    owner_cell: str  # Alumni!<cell> of the Owner override typed by the person
    staff: list[str]


@dataclasses.dataclass(frozen=True)
class Reference:
    grids: dict[str, tuple[tuple[str, ...], ...]]  # COMPARED + State
    sync_log: tuple[tuple[str, ...], ...]
    mails: set[tuple[str, str]]  # (file, Message-ID) delivered to outbox/
    timeline: dict[str, float]  # event -> seconds after the fork (first occurrence)
    save_seconds: float
    seconds: float


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def workbook_of(folder: Path) -> Path:
    return folder / "school.xlsx"


def config_for(base_config: Config, folder: Path) -> Config:
    return dataclasses.replace(base_config, workbook=workbook_of(folder))


def person_cells(snap: Snapshot) -> dict[str, object]:
    """Teacher and template tabs as read, the Owner overrides by Alumni ID, Review decisions by pair."""
    cells: dict[str, object] = {
        t: g.rows for t, g in snap.grids.items() if t.startswith(tabs.LIST_PREFIX) or t in tabs.TEMPLATE_TABS
    }
    alumni = snap.grids[tabs.ALUMNI].rows
    o = tabs.ALUMNI_HEADERS.index("Owner override")
    cells["owner overrides"] = {r[0]: r[o] for r in alumni[1:] if len(r) > o and r[o]}
    d = tabs.REVIEW_HEADERS.index("Decision")
    sa, sb = tabs.REVIEW_HEADERS.index("Source A"), tabs.REVIEW_HEADERS.index("Source B")
    cells["decisions"] = {
        (r[sa], r[sb]): r[d] for r in snap.grids[tabs.REVIEW].rows[1:] if len(r) > d and r[d]
    }
    return cells


def delivered(config: Config) -> dict[str, tuple[str, int]]:
    """Mails in outbox/ (delivered: no SMTP configured): file -> (Message-ID, inode)."""
    out = {}
    for path in config.outbox_dir.glob("*.eml"):
        msg = message_from_bytes(path.read_bytes())
        out[path.name] = (str(msg["Message-ID"]), path.stat().st_ino)
    return out


def pending(config: Config) -> list[str]:
    folder = config.outbox_dir / "pending"
    return sorted(p.name for p in folder.glob("*.eml")) if folder.exists() else []


def log_counts(row: tuple[str, ...]) -> dict[str, str]:
    return {h: row[tabs.SYNC_LOG_HEADERS.index(h)] for h in LOG_COUNTS}


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> tuple[Base, Config]:
    folder = tmp_path_factory.mktemp("base")
    school = generate_school(SEED, alumni=60, lists=4)
    h = Harness.create("xlsx", folder, school)
    wiring.provision(wiring.open_workbook(h.config, create=True))
    run_once(h.config)  # the previous run
    snap = h.read()
    # a teacher adds a list, so the next run has new alumni and new mails to send
    h.append_list_rows(
        "List - Newcomer",
        ["Full name", "Email", "Phone", "Graduation year"],
        [[f"Zoë Nieuw{i}", f"nieuw{i}@example.org", f"+3461234{i:04d}", "2024"] for i in range(6)],
    )
    staff = [r[0] for r in snap.grids[tabs.STAFF].rows[1:] if r and r[0]]
    owner_col = tabs.ALUMNI_HEADERS.index("Owner override")
    h.set_cell(tabs.ALUMNI, 2, owner_col, staff[-1])
    assert len(snap.grids[tabs.REVIEW].rows) > 1, "the seed must give at least one Review pair"
    h.set_cell(tabs.REVIEW, 2, tabs.REVIEW_HEADERS.index("Decision"), "Different")
    path = workbook_of(folder)
    letter = openpyxl.utils.get_column_letter(owner_col + 1)
    return (
        Base(folder, sha(path), person_cells(h.read()), f"{tabs.ALUMNI}!{letter}", staff),
        h.config,
    )


@pytest.fixture(scope="module")
def reference(base: tuple[Base, Config], tmp_path_factory: pytest.TempPathFactory) -> Reference:
    """A fault-free sync of the base in a forked child (also measures the timeline)."""
    b, cfg = base
    folder = copy_base(b, tmp_path_factory.mktemp("reference"))
    config = config_for(cfg, folder)
    child = Child.fork(config)
    events = child.wait_exit()
    assert child.status == 0, events
    first: dict[str, float] = {}
    for seconds, name in events:
        first.setdefault(name, seconds)
    snap = XlsxWorkbook(workbook_of(folder)).read()
    assert "deliver" in first, "the reference run must deliver mails, or the mail checks prove nothing"
    return Reference(
        grids={t: snap.grids[t].rows for t in (*COMPARED, tabs.STATE)},
        sync_log=snap.grids[tabs.SYNC_LOG].rows,
        mails={(name, mid) for name, (mid, _) in delivered(config).items()},
        timeline=first,
        save_seconds=first["save-done"] - first["save"],
        seconds=first["done"],
    )


def copy_base(b: Base, dest: Path) -> Path:
    shutil.copytree(b.dir, dest, dirs_exist_ok=True)
    return dest


# --------------------------------------------------------------------------- a killable sync


class Child:
    """``run_once`` in a forked process that reports probe events through a pipe."""

    def __init__(self, pid: int, fd: int, started: float) -> None:
        self.pid, self.fd, self.started = pid, fd, started
        self.events: list[tuple[float, str]] = []
        self.status: int | None = None
        self._buf = b""

    @classmethod
    def fork(cls, config: Config, pause_at: str = "") -> Child:
        r, w = os.pipe()
        started = time.monotonic()
        pid = os.fork()
        if pid == 0:  # the child: never returns into pytest
            code = 1
            try:
                os.close(r)
                writer = EventWriter(w, pause_at)
                install(writer)
                writer("start", "")
                run_once(config)
                writer("done", "")
                code = 0
            except BaseException:
                import traceback

                traceback.print_exc()
            finally:
                os._exit(code)
        os.close(w)
        return cls(pid, r, started)

    def _pump(self, timeout: float) -> bool:
        """Read available event lines; False at end of stream."""
        ready, _, _ = select.select([self.fd], [], [], max(timeout, 0))
        if not ready:
            return True
        chunk = os.read(self.fd, 65536)
        if not chunk:
            return False
        self._buf += chunk
        *lines, self._buf = self._buf.split(b"\n")
        for line in lines:
            seconds, name, *_ = line.decode().split(" ")
            self.events.append((float(seconds), name))
        return True

    def seen(self, name: str) -> bool:
        return any(n == name for _, n in self.events)

    def wait_event(self, name: str, limit: float = 60) -> bool:
        """Wait until ``name`` is reported; False if the child ended first."""
        end = time.monotonic() + limit
        while not self.seen(name):
            if time.monotonic() > end:
                raise TimeoutError(f"child never reached {name}: {self.events}")
            if not self._pump(0.5):
                return False
        return True

    def sleep(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end and self._pump(end - time.monotonic()):
            pass

    def kill(self) -> bool:
        """SIGKILL and reap (a zombie's pid still looks alive). True if it was still running."""
        pid, status = os.waitpid(self.pid, os.WNOHANG)
        alive = pid == 0
        if alive:
            os.kill(self.pid, signal.SIGKILL)
            status = os.waitpid(self.pid, 0)[1]
        self.status = os.waitstatus_to_exitcode(status)
        while self._pump(5):  # the rest of the events, up to the end of the stream
            pass
        os.close(self.fd)
        return alive

    def wait_exit(self, limit: float = 120) -> list[tuple[float, str]]:
        end = time.monotonic() + limit
        while self._pump(1):
            if time.monotonic() > end:
                raise TimeoutError(self.events)
        os.close(self.fd)
        self.status = os.waitstatus_to_exitcode(os.waitpid(self.pid, 0)[1])
        return self.events


# --------------------------------------------------------------------------- the checks


@dataclasses.dataclass
class Outcome:
    point: str
    killed: bool
    after_kill: str  # "previous" | "new"
    lock_left: bool
    temp_left: bool


def check_after_kill(b: Base, ref: Reference, config: Config, child_pid: int) -> tuple[str, bool]:
    """The workbook opens, no person's cell differs, outputs are the previous or the new ones."""
    path = config.workbook
    assert path is not None
    if sha(path) == b.digest:
        state = "previous"  # byte for byte the base workbook
    else:
        snap = XlsxWorkbook(path).read()  # opens with openpyxl, every cell read
        assert person_cells(snap) == b.person
        for title in (*COMPARED, tabs.STATE):
            assert snap.grids[title].rows == ref.grids[title], f"{title} is neither the old nor the new one"
        log = snap.grids[tabs.SYNC_LOG].rows
        assert len(log) == len(ref.sync_log) and log[:-1] == ref.sync_log[:-1]
        assert log_counts(log[-1]) == log_counts(ref.sync_log[-1])
        state = "new"
    lock = lock_path_for(path)
    if lock.exists():
        assert f'"pid": {child_pid},' in lock.read_text(), "a lock left behind must be the killed run's"
    return state, lock.exists()


def check_rerun(b: Base, ref: Reference, config: Config, before: dict[str, tuple[str, int]]) -> None:
    """One clean run: outputs equal the reference, every digest delivered once, lock released."""
    report = run_once(config)
    path = config.workbook
    assert path is not None
    assert not lock_path_for(path).exists()
    snap = XlsxWorkbook(path).read()
    for title in COMPARED:
        assert snap.grids[title].rows == ref.grids[title], title
    assert log_counts(snap.grids[tabs.SYNC_LOG].rows[-1]) == log_counts(ref.sync_log[-1])
    assert report.outcome == ref.sync_log[-1][tabs.SYNC_LOG_HEADERS.index("Outcome")]
    assert person_cells(snap) == b.person
    after = delivered(config)
    assert {(name, mid) for name, (mid, _) in after.items()} == ref.mails  # none lost
    for name, (mid, inode) in before.items():  # none delivered a second time
        assert after[name] == (mid, inode), f"{name} was delivered again"
    assert pending(config) == []


def kill_and_recover(
    b: Base, ref: Reference, cfg: Config, folder: Path, label: str, event: str, delay: float
) -> Outcome:
    """One kill point on a fresh copy of the base: run, SIGKILL, check, clean rerun, check."""
    config = config_for(cfg, copy_base(b, folder))
    first_mails = delivered(config)  # the previous run's digests: never again
    paused = event if label.startswith("paused") else ""
    child = Child.fork(config, pause_at=paused)
    if paused:
        assert child.wait_event("paused"), f"{label}: the run ended before pausing ({child.events})"
    elif event:
        assert child.wait_event(event), f"{label}: the run ended before {event}"
        child.sleep(delay)
    else:
        child.sleep(delay)
    killed = child.kill()
    where = child.events[-1][1] if child.events else "before start"
    state, lock_left = check_after_kill(b, ref, config, child.pid)
    if paused in ("replaced", "deliver", "factsheet"):
        assert state == "new", label
    if paused in ("queue", "commit", "backup", "replace"):
        assert state == "previous", label
    temps = list(folder.glob(".school.xlsx.*.tmp"))  # a save killed half-way leaves its temporary file
    for tmp in temps:  # ... found by the next night's run
        os.utime(tmp, (time.time() - 3600, time.time() - 3600))
    check_rerun(b, ref, config, {**first_mails, **delivered(config)})
    assert not list(folder.glob(".school.xlsx.*.tmp")), "temporary copies of the workbook left behind"
    return Outcome(f"{label} (last event: {where})", killed, state, lock_left, bool(temps))


def test_sigkill_at_random_moments_and_write_points(base, reference, tmp_path, record_property):
    b, cfg = base
    rng = random.Random(SEED)
    plan: list[tuple[str, str, float]] = []  # (label, wait for event, then sleep seconds)
    plan += [("random", "", rng.uniform(0.02, 1.0) * reference.seconds) for _ in range(RANDOM_KILLS)]
    plan += [("in save", "save", rng.uniform(0, reference.save_seconds)) for _ in range(SAVE_KILLS)]
    plan += [(f"paused at {p}", p, 0.0) for p in PAUSE_POINTS]
    started = time.monotonic()
    # two lanes (forked workers, each forking the killed syncs): the machine's two cores
    with ProcessPoolExecutor(LANES, mp_context=multiprocessing.get_context("fork")) as pool:
        futures = [
            pool.submit(kill_and_recover, b, reference, cfg, tmp_path / f"kill{i:02d}", *point)
            for i, point in enumerate(plan)
        ]
        outcomes = [f.result() for f in futures]
    seconds = time.monotonic() - started
    killed = [o for o in outcomes if o.killed]
    record_property("kills", len(killed))
    record_property("seconds", round(seconds, 1))
    summary = "\n".join(
        f"{o.point}: {o.after_kill}, lock left {o.lock_left}, temp file left {o.temp_left}" for o in outcomes
    )
    print(f"\n{len(killed)}/{len(plan)} kills in {seconds:.1f}s (run {reference.seconds:.2f}s)\n{summary}")
    assert len(killed) >= len(plan) - 3, "most kill points must land while the sync runs"
    assert {o.after_kill for o in killed} == {"previous", "new"}
    assert any(o.lock_left for o in killed), "the stale-lock recovery was never exercised"
    assert any(o.temp_left for o in killed), "no kill landed inside the save"


def test_sigkill_of_the_real_cli_inside_the_save(base, reference, tmp_path):
    """``python tests/_killer.py -- sync --workbook X`` (run.py's main with probes), killed at a
    seeded random moment while the workbook is being saved; ``run.py sync`` then recovers."""
    b, cfg = base
    folder = copy_base(b, tmp_path / "cli")
    config = config_for(cfg, folder)
    events = tmp_path / "events.txt"
    events.touch()
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "tests" / "_killer.py"), "--events", str(events), "--", "sync"]
        + ["--workbook", str(config.workbook), "--quiet"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    end = time.monotonic() + 120
    while " save" not in events.read_text():
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
        assert time.monotonic() < end
        time.sleep(0.005)
    time.sleep(random.Random(SEED).uniform(0, reference.save_seconds))
    proc.send_signal(signal.SIGKILL)
    assert proc.wait() == -signal.SIGKILL
    check_after_kill(b, reference, config, proc.pid)
    assert lock_path_for(config.workbook).exists()  # killed inside the commit: the lock is stale
    before = delivered(config)
    temps = list(folder.glob(".school.xlsx.*.tmp"))
    assert temps, "killed inside the save: its temporary file is left"
    for tmp in temps:  # found by the next night's run
        os.utime(tmp, (time.time() - 3600, time.time() - 3600))
    done = subprocess.run(
        [sys.executable, str(ROOT / "run.py"), "sync", "--workbook", str(config.workbook), "--quiet"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert not lock_path_for(config.workbook).exists()
    assert not list(folder.glob(".school.xlsx.*.tmp"))
    snap = XlsxWorkbook(config.workbook).read()
    for title in COMPARED:
        assert snap.grids[title].rows == reference.grids[title], title
    assert person_cells(snap) == b.person
    after = delivered(config)
    assert {(n, m) for n, (m, _) in after.items()} == reference.mails
    assert all(after[n] == v for n, v in before.items())


# --------------------------------------------------------------------------- a person edits during a sync


@contextmanager
def person_edits_at(event: str, path: Path, edit: str) -> Iterator[dict[str, str]]:
    """While installed, a person saves ``edit`` into the workbook at the first ``event``."""
    seen: dict[str, str] = {}

    def hook(name: str, detail: str) -> None:
        if name == event and not seen:
            seen["event"] = name
            person_edit(path, edit)
            seen["digest"] = sha(path)

    restore = install(hook)
    try:
        yield seen
    finally:
        restore()


@pytest.mark.parametrize("event", ["read", "commit", "save"])
def test_edit_during_the_sync_is_noticed_and_nothing_written(base, tmp_path, event):
    b, cfg = base
    config = config_for(cfg, copy_base(b, tmp_path / "edit"))
    path = config.workbook
    assert path is not None
    mails_before = delivered(config)
    cell = f"{b.owner_cell}3"
    with person_edits_at(event, path, f"{cell}={b.staff[0]}") as seen:
        with pytest.raises(ConcurrentEditError, match="nothing was written"):
            run_once(config)
    assert seen["event"] == event
    assert sha(path) == seen["digest"]  # exactly the person's file: nothing of the sync's
    assert openpyxl.load_workbook(path)[tabs.ALUMNI][cell[len(tabs.ALUMNI) + 1 :]].value == b.staff[0]
    assert delivered(config) == mails_before  # nothing sent for a run that wrote nothing
    assert not lock_path_for(path).exists()
    run_once(config)  # the next run succeeds and keeps the edit
    rows = XlsxWorkbook(path).read().grids[tabs.ALUMNI].rows
    owner, override = tabs.ALUMNI_HEADERS.index("Owner"), tabs.ALUMNI_HEADERS.index("Owner override")
    assert rows[2][override] == b.staff[0] and rows[2][owner] == b.staff[0]
    assert pending(config) == []


def test_cli_exits_5_when_a_person_saves_during_the_sync(base, tmp_path):
    b, cfg = base
    config = config_for(cfg, copy_base(b, tmp_path / "cli-edit"))
    path = config.workbook
    assert path is not None
    cell = f"{b.owner_cell}3"
    done = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "_killer.py"), "--edit-at", "read", "--edit"]
        + [f"{cell}={b.staff[0]}", "--", "sync", "--workbook", str(path), "--quiet"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 5, done.stderr
    assert "changed on disk since it was read" in done.stderr and "run again" in done.stderr
    assert openpyxl.load_workbook(path)[tabs.ALUMNI][cell[len(tabs.ALUMNI) + 1 :]].value == b.staff[0]
    assert run_once(config).outcome in ("ok", "ok-with-issues")


def test_excel_lock_file_means_nothing_is_written(base, tmp_path):
    """``run.py sync`` while Excel has the workbook open (its ``~$`` owner file): exit 5."""
    b, cfg = base
    config = config_for(cfg, copy_base(b, tmp_path / "excel"))
    path = config.workbook
    assert path is not None
    mails_before = delivered(config)
    owner_file = path.with_name(f"~${path.name}")
    owner_file.write_bytes(b"\x0bA teacher")
    done = subprocess.run(
        [sys.executable, str(ROOT / "run.py"), "sync", "--workbook", str(path), "--quiet"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 5, done.stderr
    assert "open in Excel or LibreOffice" in done.stderr and owner_file.name in done.stderr
    assert "close it there and run again" in done.stderr
    assert sha(path) == b.digest
    assert delivered(config) == mails_before
    owner_file.unlink()  # Excel closed
    assert run_once(config).outcome in ("ok", "ok-with-issues")


@pytest.mark.parametrize("owner_file", [".~lock.school.xlsx#", "~$hool.xlsx"])
def test_office_lock_files_mean_nothing_is_written(base, tmp_path, owner_file):
    """LibreOffice's lock file, and Excel's for a long name (first two characters dropped)."""
    b, cfg = base
    config = config_for(cfg, copy_base(b, tmp_path / "office"))
    path = config.workbook
    assert path is not None
    mails_before = delivered(config)
    (path.parent / owner_file).write_text("Ana,ana-pc,ana-pc,27.11.2026 10:00,file:///home/ana;")
    with pytest.raises(ConcurrentEditError, match="nothing was written") as err:
        run_once(config)
    assert owner_file in str(err.value)
    assert sha(path) == b.digest and delivered(config) == mails_before
    assert not lock_path_for(path).exists()
    (path.parent / owner_file).unlink()
    assert run_once(config).outcome in ("ok", "ok-with-issues")
