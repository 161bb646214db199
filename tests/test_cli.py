"""The CLI as a person meets it: help for every command, one-line errors, documented exit codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sheets_sync.cli import EXIT_CODES, build_parser

REPO = Path(__file__).resolve().parents[1]
COMMANDS = ["init", "sync", "check", "demo", "schedule", "forget", "export"]


def run(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(REPO / "run.py"), *args],
        capture_output=True,
        text=True,
        cwd=cwd or REPO,
        timeout=300,
        env=env,
    )


def test_help_lists_every_command_and_exit_code():
    out = run("--help").stdout
    for command in COMMANDS:
        assert command in out
    for code in EXIT_CODES:
        assert f"  {code}  " in out


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command):
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    assert sub.choices[command].description, f"{command} has no description"


def test_missing_workbook_is_a_one_line_config_error(tmp_path):
    result = run("sync", cwd=tmp_path)
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "--workbook" in lines[0]


def test_workbook_that_does_not_exist_says_how_to_create_it(tmp_path):
    result = run("sync", "--workbook", str(tmp_path / "nope.xlsx"), cwd=tmp_path)
    assert result.returncode == 3
    assert "run.py init" in result.stderr


def test_bad_config_reports_every_problem_with_exit_2(tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text('[school]\ntimezone = "Nowhere/City"\n[digest]\nfrequency = "hourly"\n')
    result = run("check", "--config", str(cfg), "--workbook", str(tmp_path / "x.xlsx"), cwd=tmp_path)
    assert result.returncode == 2
    assert "school.timezone" in result.stderr and "digest.frequency" in result.stderr


def test_init_then_check_prints_the_mapping(tmp_path):
    wb = tmp_path / "school.xlsx"
    assert run("init", "--workbook", str(wb), cwd=tmp_path).returncode == 0
    from openpyxl import load_workbook

    book = load_workbook(wb)
    ws = book.create_sheet("List - Ana Ruiz")
    ws.append(["Lista de antiguos alumnos 2024"])
    ws.append([])
    ws.append(["Nombre", "Apellidos", "Correo electrónico", "Teléfono"])
    ws.append(["Ana", "García López", "ana@example.com", "612 345 678"])
    book.save(wb)
    result = run("check", "--workbook", str(wb), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "List - Ana Ruiz" in result.stdout and "header on row 3" in result.stdout
    assert "'Correo electrónico'" in result.stdout and "email" in result.stdout


def test_lock_held_exits_4_naming_the_holder(tmp_path):
    wb = tmp_path / "school.xlsx"
    assert run("init", "--workbook", str(wb), cwd=tmp_path).returncode == 0
    import datetime as dt

    from sheets_sync.adapters.xlsx.workbook import XlsxWorkbook

    with XlsxWorkbook(wb).lock("other-host:4242", stale_after=dt.timedelta(hours=3)):
        result = run("sync", "--workbook", str(wb), cwd=tmp_path)
    assert result.returncode == 4
    assert "other-host:4242" in result.stderr


def test_strict_exits_8_when_data_issues_are_found(tmp_path):
    wb = tmp_path / "school.xlsx"
    assert run("init", "--workbook", str(wb), cwd=tmp_path).returncode == 0
    from openpyxl import load_workbook

    book = load_workbook(wb)
    ws = book.create_sheet("List - Jan")
    ws.append(["Naam", "E-mail", "Geboortedatum"])
    ws.append(["Jan de Vries", "not-an-email", "31-02-2001"])
    book.save(wb)
    plain = run("sync", "--workbook", str(wb), "--no-mail", cwd=tmp_path)
    assert plain.returncode == 0, plain.stderr
    strict = run("sync", "--workbook", str(wb), "--no-mail", "--strict", cwd=tmp_path)
    assert strict.returncode == 8
    assert "data issue" in strict.stderr


def test_json_logs_carry_no_personal_data(tmp_path):
    wb = tmp_path / "school.xlsx"
    assert run("init", "--workbook", str(wb), cwd=tmp_path).returncode == 0
    from openpyxl import load_workbook

    book = load_workbook(wb)
    ws = book.create_sheet("List - Mart")
    ws.append(["Eesnimi", "Perekonnanimi", "E-post", "Telefon"])
    ws.append(["Mart", "Tamm", "mart.tamm@example.org", "+372 5123 4567"])
    book.save(wb)
    result = run("sync", "--workbook", str(wb), "--log-format", "json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    import json

    lines = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    assert lines and all({"time", "level", "message"} <= set(entry) for entry in lines)
    for needle in ("Tamm", "mart.tamm", "5123"):
        assert needle not in result.stderr
