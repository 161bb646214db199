from pathlib import Path

import pytest

from sheets_sync.config import load_config, parse_config
from sheets_sync.errors import ConfigError

REPO = Path(__file__).resolve().parents[1]


def test_example_config_parses():
    config = load_config(REPO / "config" / "sheets_sync.example.toml")
    assert config.workbook is not None and config.workbook.name == "alumni-demo.xlsx"
    assert config.rollup.detractor_max == 6
    assert config.schedule.time.hour == 2
    assert config.backend == "xlsx"


def test_all_problems_reported_at_once(tmp_path):
    data = {
        "school": {"timezone": "Mars/Olympus"},
        "rollup": {"school_year_start": "13-40", "hourly_value": "lots"},
        "digest": {"frequency": "hourly"},
        "lists": [
            {"path": "a.xlsx", "folder": "b/"},
            {"teacher": "X", "path": "x.xlsx", "columns": {"Tel": "fone"}},
        ],
        "bogus": {},
    }
    with pytest.raises(ConfigError) as err:
        parse_config(data, base=tmp_path)
    text = str(err.value)
    for key in (
        "school.timezone",
        "rollup.school_year_start",
        "rollup.hourly_value",
        "digest.frequency",
        "lists[0].path",
        "lists[1].columns.Tel",
        "[bogus]",
    ):
        assert key in text, key
    assert len(err.value.problems) >= 7


def test_smtp_password_in_file_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="SHEETS_SYNC_SMTP_PASSWORD"):
        parse_config({"smtp": {"host": "h", "password": "secret"}}, base=tmp_path)


def test_smtp_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("SHEETS_SYNC_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SHEETS_SYNC_SMTP_PORT", "2525")
    monkeypatch.setenv("SHEETS_SYNC_SMTP_SECURITY", "none")
    config = parse_config({}, base=tmp_path)
    assert config.digest.smtp is not None
    assert (config.digest.smtp.host, config.digest.smtp.port, config.digest.smtp.security) == (
        "127.0.0.1",
        2525,
        "none",
    )


def test_relative_paths_resolve_against_the_config_file(tmp_path):
    (tmp_path / "conf").mkdir()
    path = tmp_path / "conf" / "c.toml"
    path.write_text('[workbook]\npath = "../wb.xlsx"\n[[lists]]\nteacher = "Ana"\npath = "lists/ana.xlsx"\n')
    config = load_config(path)
    assert (
        config.workbook == (tmp_path / "conf" / "../wb.xlsx").resolve()
        or config.workbook.resolve() == (tmp_path / "wb.xlsx").resolve()
    )
    assert config.lists[0].path.resolve() == (tmp_path / "conf" / "lists" / "ana.xlsx").resolve()


def test_invalid_toml_names_the_file(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text("[school\nname=")
    with pytest.raises(ConfigError, match="bad.toml"):
        load_config(path)


@pytest.mark.parametrize(
    ("section", "key", "value", "attribute"),
    [
        ("rollup", "hourly_value", 0, lambda c: c.rollup.hourly_value),
        ("google", "max_retries", 0, lambda c: c.google.max_retries),
        ("digest", "weekday", 0, lambda c: c.digest.weekday),
        ("digest", "keep_sent_days", 0, lambda c: c.digest.keep_sent_days),
        ("factsheet", "min_count", 0, lambda c: c.factsheet_min_count),
        ("operations", "backups", 0, lambda c: c.backups),
        ("rollup", "detractor_max", 0, lambda c: c.rollup.detractor_max),
    ],
)
def test_zero_is_a_value_not_a_missing_key(tmp_path, section, key, value, attribute):
    assert attribute(parse_config({section: {key: value}}, base=tmp_path)) == value


def test_defaults_come_from_the_dataclasses(tmp_path):
    from sheets_sync.config import Config

    assert parse_config({}, base=tmp_path) == Config()


SECRET = "hunter2-s3cr3t"


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"operations": {"backups": SECRET}}, "operations.backups"),
        ({"factsheet": {"min_count": SECRET}}, "factsheet.min_count"),
        ({"operations": {"lock_stale_minutes": SECRET}}, "operations.lock_stale_minutes"),
        ({"digest": {"office_recipients": [f"a@b.example\nBcc: {SECRET}@x"]}}, "digest.office_recipients"),
        ({"digest": {"office_recipients": SECRET}}, "digest.office_recipients"),
        ({"google": {"timeout": SECRET}}, "google.timeout"),
        ({"smtp": {"host": "mail.example", "port": SECRET}}, "smtp.port"),
        ({"smtp": {"host": "mail.example", "user": 42}}, "smtp.user"),
        ({"school": {"name": f"x\n{SECRET}"}}, "school.name"),
        ({"matching": {"estimate_parameters": SECRET}}, "matching.estimate_parameters"),
        ({"schedule": {"time": SECRET}}, "schedule.time"),
        ({"lists": [{"teacher": "Ana", "path": "a.xlsx", "header_row": SECRET}]}, "lists[0].header_row"),
        ({"lists": [SECRET]}, "lists[0]"),
        ({"digest": SECRET}, "digest"),
    ],
)
def test_a_wrong_value_names_the_key_and_never_echoes_the_value(tmp_path, data, key):
    with pytest.raises(ConfigError) as err:
        parse_config(data, base=tmp_path)
    assert f"[{key}]" in str(err.value)
    assert SECRET not in str(err.value)


def test_a_wrong_type_is_exit_2_with_one_line_per_problem_and_no_traceback(tmp_path):
    import subprocess
    import sys

    config = tmp_path / "c.toml"
    config.write_text(f'[factsheet]\nmin_count = "x"\n[operations]\nlock_stale_minutes = "{SECRET}"\n')
    run = subprocess.run(
        [
            sys.executable,
            str(REPO / "run.py"),
            "check",
            "--workbook",
            str(tmp_path / "w.xlsx"),
            "--config",
            str(config),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 2, run.stderr
    assert "Traceback" not in run.stderr and SECRET not in run.stderr + run.stdout
    assert "[factsheet.min_count]" in run.stderr and "[operations.lock_stale_minutes]" in run.stderr
