from pathlib import Path

import pytest

from sheets_sync.config.load import load_config, parse_config
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
