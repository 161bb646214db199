"""A staff row that gives only a name links to the one alumnus with exactly that name — never to
one of several namesakes (then the row says Not found and asks for an email or Alumni ID)."""

from __future__ import annotations

from sheets_sync.schema import OUTREACH_STATUS_HEADERS

from .test_master import LISTS, OUTREACH_HEAD, alumnus_with, col, outreach_rows, sync


def _status(name: str) -> tuple[str, str, str]:
    result = sync(LISTS, outreach=[OUTREACH_HEAD, ["2025-04-01", name, "", "", "Guest lecture", "Carla"]])
    (out,) = outreach_rows(result)
    h = OUTREACH_STATUS_HEADERS
    return out[col("Alumni ID", h)], out[col("Status", h)], out[col("Owner to loop in", h)]


def test_a_unique_full_name_alone_finds_the_alumnus_and_its_owner():
    eva = alumnus_with(sync(LISTS), "List - Bob Smith!4").alumni_id
    assert _status("EVA KASK") == (eva, "Owner to loop in: Bob Smith", "Bob Smith")


def test_a_name_shared_by_two_alumni_is_not_guessed():
    first = sync(LISTS)
    rossi = {
        alumnus_with(first, "List - Ana Martínez!3").alumni_id,
        alumnus_with(first, "List - Bob Smith!3").alumni_id,
    }
    assert len(rossi) == 2  # two different people: a name alone never merges
    alumni_id, status, owner = _status("Marco Rossi")
    assert (alumni_id, status, owner) == ("", "Not found", "")
