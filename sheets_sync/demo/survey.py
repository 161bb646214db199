"""The demo school's pre-graduation survey: a Google Forms responses tab (guide §3 #3).

Students of the last two graduating classes whose survey date (mid-March) has passed answered
the form in English, two or three months before graduating. Their Yes/No agrees with what the
demo knows of them (someone who opted out said No); the GET and HELP answers follow the guide's
Alfa-college figures (job opportunities 76 %, guest lecture 62 %, ...).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from sheets_sync.core.survey.read import vocabulary
from sheets_sync.demo import vocab
from sheets_sync.demo.people import Person

TAB = "Form Responses 1"
QUESTIONS = ("timestamp", "email", "name", "qualification", "expected_year", "keep_in_touch", "get", "help")
# the guide's Alfa-college shares (of those who said Yes)
GET_SHARES = {
    "Job opportunities": 0.76,
    "Information on events": 0.52,
    "Business start-up support": 0.17,
    "Other": 0.05,
}
HELP_SHARES = {
    "Guest lecture": 0.62,
    "Career talks": 0.30,
    "Mentoring": 0.20,
    "Workplace visits": 0.17,
    "Joining the alumni network": 0.12,
}
YES_WHEN_UNKNOWN = 0.6


def survey_years(school_year_end: int, as_of: dt.date | None) -> list[int]:
    """The graduating classes (years) whose survey, in mid-March, is not in the future."""
    last = (
        school_year_end if as_of is None or as_of >= dt.date(school_year_end, 3, 20) else school_year_end - 1
    )
    return [last - 1, last]


def _answers(rng: random.Random, shares: dict[str, float]) -> str:
    labels = vocabulary()
    picked = [label for label, share in shares.items() if rng.random() < share]
    assert all(p in (*labels.labels("get"), *labels.labels("help")) for p in picked)
    return ", ".join(picked)


def survey_rows(
    rng: random.Random, people: Sequence[Person], school_year_end: int, as_of: dt.date | None
) -> tuple[list[list[str]], list[str | None]]:
    """(the tab's rows, header first; the person id of each data row)."""
    texts = {q.key: dict(q.texts)["en"] for q in vocabulary().questions}
    rows: list[list[str]] = [[texts[k] for k in QUESTIONS]]
    truth: list[str | None] = []
    for year in survey_years(school_year_end, as_of):
        for p in sorted((p for p in people if p.graduation_year == year), key=lambda p: p.pid):
            if rng.random() < 0.2:  # not everyone answers
                continue
            keep = p.consent == "yes" or (p.consent is None and rng.random() < YES_WHEN_UNKNOWN)
            when = dt.datetime(year, 3, 9, 9) + dt.timedelta(
                days=rng.randint(0, 10), minutes=rng.randint(0, 600)
            )
            rows.append(
                [
                    when.strftime("%Y-%m-%d %H:%M:%S"),
                    p.personal_email or p.school_email,
                    p.full_name,
                    vocab.QUALIFICATIONS[p.qualification][1]["en"][0],
                    str(year),
                    "Yes" if keep else "No",
                    _answers(rng, GET_SHARES) if keep else "",
                    _answers(rng, HELP_SHARES) if keep else "",
                ]
            )
            truth.append(p.pid)
    return rows, truth
