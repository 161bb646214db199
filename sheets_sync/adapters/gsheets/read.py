"""Reading for the Google backend: cells as text, and a teacher's own spreadsheet (one call each).

:class:`GSheetsListSource` reads a spreadsheet shared with the service account as Viewer, with
``spreadsheets.readonly`` credentials, in a single ``spreadsheets.get`` (grid data, formatted
values only); any failure becomes a SourceError (one Data issue, the run goes on).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from gspread.exceptions import APIError

from sheets_sync.adapters.gsheets.auth import authorized_session, spreadsheet_key
from sheets_sync.adapters.gsheets.cells import quote
from sheets_sync.adapters.gsheets.dates import dates_as_iso, month_first
from sheets_sync.adapters.gsheets.http import RetryingHTTPClient
from sheets_sync.config import Config, ListConfig
from sheets_sync.core.model import Grid
from sheets_sync.errors import BackendError, ConfigError, SourceError
from sheets_sync.workbook import BackendStats, ListSource


def api_message(err: APIError) -> str:
    return str(err.error.get("message", "")) if isinstance(err.error, Mapping) else str(err)


def rows_as_text(values: Sequence[Sequence[Any]]) -> tuple[tuple[str, ...], ...]:
    out = []
    for row in values:
        cells = ["" if v is None else str(v) for v in row]
        while cells and not cells[-1]:
            cells.pop()
        out.append(tuple(cells))
    while out and not out[-1]:
        out.pop()
    return tuple(out)


def grid_values(data: Sequence[Mapping[str, Any]]) -> dict[tuple[int, int], dict[str, Any]]:
    """Cells of ``GridData`` blocks by (row, col)."""
    cells: dict[tuple[int, int], dict[str, Any]] = {}
    for block in data:
        r0, c0 = int(block.get("startRow", 0)), int(block.get("startColumn", 0))
        for i, row in enumerate(block.get("rowData") or []):
            for j, value in enumerate(row.get("values") or []):
                if value:
                    cells[(r0 + i, c0 + j)] = value
    return cells


def make_client(config: Config, session: Any) -> RetryingHTTPClient:
    return RetryingHTTPClient(
        None,
        session,
        timeout=config.google.timeout,
        max_retries=config.google.max_retries,
        stats=BackendStats(),
    )


def load_emulator(path: Path) -> Any:
    from sheets_sync.emulator import SheetsEmulator

    try:
        return SheetsEmulator.load_or_create(path)
    except (OSError, ValueError, KeyError) as exc:
        raise ConfigError(
            f"emulator state {path} cannot be read ({exc}) — delete it or give another path"
        ) from None


class GSheetsListSource(ListSource):
    """A teacher's own spreadsheet, read in one call (shared with the service account as Viewer)."""

    def __init__(
        self,
        key: str,
        connect: Callable[[], tuple[RetryingHTTPClient, str]],
        *,
        tabs: Sequence[str] = (),
        teacher: str = "",
    ) -> None:
        self.key = key
        self.tabs = tuple(tabs)
        self.teacher = teacher
        self._connect = connect
        self._title: str | None = None

    @classmethod
    def from_config(cls, config: Config, list_config: ListConfig) -> GSheetsListSource:
        key = spreadsheet_key(list_config.spreadsheet or "")

        def connect() -> tuple[RetryingHTTPClient, str]:
            if config.google.emulator is not None:
                emu = load_emulator(config.google.emulator)
                return make_client(config, emu.session()), emu.user_email
            session, account = authorized_session(config.google, readonly=True)
            return make_client(config, session), account

        return cls(key, connect, tabs=list_config.tabs, teacher=list_config.teacher)

    @property
    def name(self) -> str:
        return self._title or f"spreadsheet {self.key}"

    def read_grids(self) -> list[Grid]:
        http, account = self._connect()
        params: dict[str, Any] = {
            "includeGridData": "true",
            "fields": "properties(title,locale),"
            "sheets(properties(title,hidden),data(rowData(values(formattedValue,effectiveValue))))",
        }
        if self.tabs:
            params["ranges"] = [quote(t) for t in self.tabs]
        before = http.stats.api_calls
        try:
            got = http.spreadsheets_get(self.key, params)
        except APIError as err:
            raise SourceError(self._problem(err, account)) from None
        except BackendError as err:
            raise SourceError(str(err)) from None
        finally:
            self.api_calls += http.stats.api_calls - before
        self._title = (got.get("properties") or {}).get("title") or self.key
        locale = (got.get("properties") or {}).get("locale")
        grids = []
        for sheet in got.get("sheets", []):
            props = sheet.get("properties", {})
            if props.get("hidden") and not self.tabs:
                continue
            cells = grid_values(sheet.get("data") or [])
            height = max((r + 1 for r, _ in cells), default=0)
            width = max((c + 1 for _, c in cells), default=0)
            rows = [
                [str(cells.get((r, c), {}).get("formattedValue", "")) for c in range(width)]
                for r in range(height)
            ]
            if month_first(locale):  # a date cell's serial is its effectiveValue.numberValue
                raw = [
                    [
                        (cells.get((r, c), {}).get("effectiveValue") or {}).get("numberValue")
                        for c in range(width)
                    ]
                    for r in range(height)
                ]
                rows = [list(row) for row in dates_as_iso(rows, raw)]
            grids.append(Grid(title=props.get("title", ""), rows=rows_as_text(rows), location=self._title))
        return grids

    def _problem(self, err: APIError, account: str) -> str:
        if err.code == 403:
            return (
                f"spreadsheet {self.key} is not shared with {account}. Fix: ask its owner to share it with "
                f"{account} as Viewer."
            )
        if err.code == 404:
            return f"spreadsheet {self.key} not found: check the key or URL in the config's [[lists]] entry."
        if err.code == 400 and self.tabs:
            return f"spreadsheet {self.key} has no tab named {', '.join(self.tabs)} ({api_message(err)}). Fix: correct `tabs`."
        return f"spreadsheet {self.key} cannot be read ({err.code}: {api_message(err)})."
