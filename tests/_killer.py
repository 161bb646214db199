"""Probes for the reliability tests: named events along a sync's write path, and a way to stop
(pause) a sync at one of them so a test can SIGKILL it exactly there, or let "a person" edit the
workbook there.

Events, in the order a local-workbook sync meets them:

``start`` -> ``read`` (snapshot taken) -> ``queue`` (a mail written to outbox/pending, once per
mail) -> ``commit`` (XlsxWorkbook.commit entered) -> ``save`` / ``save-done`` (writing the temporary
file, openpyxl's save or the spliced bytes) -> ``backup`` -> ``replace`` (just before os.replace of the workbook) ->
``replaced`` (just after) -> ``deliver`` (a pending mail moved to outbox/, once per mail) ->
``factsheet`` -> ``done``.

Used two ways:

* in-process (forked child or the test process itself): :func:`install` with a hook;
* as a script, the real CLI with probes: ``python tests/_killer.py [--events FILE] [--pause-at
  EVENT[:N]] [--edit-at EVENT --edit TAB!A1=value] -- sync --workbook X`` (exit codes of run.py).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

Hook = Callable[[str, str], None]

EVENTS = (
    "start",
    "read",
    "queue",
    "commit",
    "save",
    "save-done",
    "backup",
    "replace",
    "replaced",
    "deliver",
    "factsheet",
    "done",
)


def install(hook: Hook) -> Callable[[], None]:
    """Wrap the write path so that ``hook(event, detail)`` runs at each event; returns ``restore``."""
    from sheets_sync import wiring
    from sheets_sync.adapters.xlsx import workbook as xlsx
    from sheets_sync.adapters.xlsx import write as xlsx_write

    saved: list[tuple[object, str, object]] = []

    def patch(
        owner: object, name: str, make: Callable[[Callable[..., object]], Callable[..., object]]
    ) -> None:
        original = getattr(owner, name)
        saved.append((owner, name, original))
        setattr(owner, name, make(original))

    def before(event: str) -> Callable[[Callable[..., object]], Callable[..., object]]:
        def make(fn: Callable[..., object]) -> Callable[..., object]:
            def wrapper(*args: object, **kwargs: object) -> object:
                hook(event, "")
                return fn(*args, **kwargs)

            return wrapper

        return make

    def read(fn: Callable[..., object]) -> Callable[..., object]:
        def wrapper(*args: object, **kwargs: object) -> object:
            result = fn(*args, **kwargs)
            hook("read", "")
            return result

        return wrapper

    def save(fn: Callable[..., object]) -> Callable[..., object]:
        def wrapper(*args: object, **kwargs: object) -> object:
            hook("save", "")
            result = fn(*args, **kwargs)
            hook("save-done", "")
            return result

        return wrapper

    def replace(fn: Callable[..., object]) -> Callable[..., object]:
        def wrapper(src: object, dst: object, *args: object, **kwargs: object) -> object:
            target = Path(os.fsdecode(dst))  # type: ignore[arg-type]
            if target.suffix.lower() in (".xlsx", ".xlsm"):
                hook("replace", target.name)
                result = fn(src, dst, *args, **kwargs)
                hook("replaced", target.name)
                return result
            if target.suffix == ".eml":
                hook("queue" if target.parent.name == "pending" else "deliver", target.name)
            return fn(src, dst, *args, **kwargs)

        return wrapper

    patch(xlsx.XlsxWorkbook, "read", read)
    patch(xlsx.XlsxWorkbook, "commit", before("commit"))
    patch(xlsx_write, "write_temporary", save)
    patch(xlsx_write, "_backup", before("backup"))
    patch(os, "replace", replace)
    patch(wiring, "write_factsheet", before("factsheet"))

    def restore() -> None:
        for owner, name, original in reversed(saved):
            setattr(owner, name, original)

    return restore


class EventWriter:
    """A hook writing ``<seconds since start> <event> <detail>`` lines to a file descriptor and
    pausing for good (until killed) at the ``count``-th ``pause_at`` event."""

    def __init__(self, fd: int | None, pause_at: str = "", count: int = 1) -> None:
        self.fd = fd
        self.pause_at = pause_at
        self.count = count
        self.seen: dict[str, int] = {}
        self.t0 = time.monotonic()

    def emit(self, line: str) -> None:
        if self.fd is not None:
            os.write(self.fd, (line + "\n").encode())

    def __call__(self, event: str, detail: str) -> None:
        self.seen[event] = self.seen.get(event, 0) + 1
        self.emit(f"{time.monotonic() - self.t0:.4f} {event} {detail}".rstrip())
        if event == self.pause_at and self.seen[event] == self.count:
            self.emit(f"{time.monotonic() - self.t0:.4f} paused {event}")
            while True:  # wait here for SIGKILL
                time.sleep(3600)


def person_edit(workbook: Path, edit: str) -> None:
    """A person types ``value`` into ``TAB!A1`` (openpyxl load + save, as Excel would rewrite it)."""
    from openpyxl import load_workbook

    where, _, value = edit.partition("=")
    tab, _, cell = where.rpartition("!")
    book = load_workbook(workbook)
    book[tab][cell] = value
    book.save(workbook)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="_killer.py")
    parser.add_argument("--events", type=Path, help="append event lines to this file")
    parser.add_argument("--pause-at", default="", help="EVENT[:N]: stop for good at the N-th EVENT")
    parser.add_argument("--edit-at", default="", help="EVENT at which a person edits the workbook")
    parser.add_argument("--edit", default="", help="TAB!A1=value, with --edit-at")
    parser.add_argument("cli", nargs=argparse.REMAINDER, help="-- then run.py arguments")
    args = parser.parse_args(argv)
    cli_args = args.cli[1:] if args.cli[:1] == ["--"] else args.cli
    event, _, n = args.pause_at.partition(":")
    fd = os.open(args.events, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644) if args.events else None
    writer = EventWriter(fd, event, int(n or 1))
    workbook = Path(cli_args[cli_args.index("--workbook") + 1]) if "--workbook" in cli_args else None
    edited = False

    def hook(name: str, detail: str) -> None:
        nonlocal edited
        writer(name, detail)
        if name == args.edit_at and not edited and workbook is not None:
            edited = True
            person_edit(workbook, args.edit)

    install(hook)
    writer("start", "")
    from sheets_sync.cli import main as cli_main

    try:
        cli_main(cli_args)
    finally:
        writer("done", "")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    main(sys.argv[1:])
