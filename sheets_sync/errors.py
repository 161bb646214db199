"""One exception hierarchy. Every message says what is wrong *and how to fix it*.

Only these stop a run (config and usage problems, an unreachable workbook, a held
lock). Bad cells and unreadable lists are data: they become ``DataIssue`` rows.
The CLI maps each class to a documented exit code (see ``cli.EXIT_CODES``).
"""

from __future__ import annotations


class SheetsSyncError(Exception):
    """Base class. ``str(err)`` is a one-line message that names the fix."""

    exit_code = 1


class ConfigError(SheetsSyncError):
    """The configuration or the command line is wrong. Carries every problem at once."""

    exit_code = 2

    def __init__(self, problems: list[str] | str) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("; ".join(self.problems))


class SourceError(SheetsSyncError):
    """The workbook / spreadsheet itself cannot be opened or read (not one list: the main one)."""

    exit_code = 3


class LockHeldError(SheetsSyncError):
    """Another sync holds the lock on this workbook."""

    exit_code = 4


class ConcurrentEditError(SheetsSyncError):
    """The workbook changed on disk between our read and our write; nothing was written."""

    exit_code = 5


class BackendError(SheetsSyncError):
    """Writing to the backend failed after the retry budget; outputs are left as they were."""

    exit_code = 6


class DeliveryError(SheetsSyncError):
    """A mail could not be delivered. Never stops a run: logged and retried next run."""

    exit_code = 7


class DataIssuesFound(SheetsSyncError):
    """Raised by the CLI only with ``--strict`` when the run completed with data issues."""

    exit_code = 8


class OutputFileError(SheetsSyncError):
    """The sync committed (the workbook holds the new results) but a file written after it (the
    factsheet) could not be written; the previous file is kept. The next run writes it again."""

    exit_code = 9
