"""Offers of help not yet taken up, for the office digest (guide §3 #3: an offer nobody asks for
is wasted). Pure.

An alumnus is listed when they offered a guest lecture, a career talk, mentoring or a workplace
visit in the pre-graduation survey, did not opt out anywhere, and in the last ``WINDOW_DAYS``
days was neither approached (an ``Outreach`` row resolved to them) nor recorded volunteering
(a ``Volunteering`` row or story interview linked to them). A row without a readable date counts
as recent: better to leave out one name than to ask someone twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sheets_sync.core.model import Alumnus, Engagement, OutreachStatus
from sheets_sync.core.rollup.alumni import NO_OWNER
from sheets_sync.core.survey.read import vocabulary
from sheets_sync.core.text.school_year import parse_date

WINDOW_DAYS = 365


@dataclass(frozen=True)
class OpenOffer:
    alumni_id: str
    name: str
    offers: tuple[str, ...]
    owner: str  # the relationship owner to loop in, or NO_OWNER


def _recent(text: str, since: dt.date) -> bool:
    day = parse_date(text)
    return day is None or day >= since


def open_offers(
    alumni: Sequence[Alumnus],
    outreach: Iterable[OutreachStatus],
    engagements: Iterable[Engagement],
    today: dt.date,
) -> list[OpenOffer]:
    """Every alumnus with an offer of help still waiting for someone to ask, by Alumni ID."""
    kinds = set(vocabulary().offer_labels)
    since = today - dt.timedelta(days=WINDOW_DAYS)
    taken = {s.alumni_id for s in outreach if s.alumni_id and _recent(s.date, since)}
    for e in engagements:
        if e.mode == "V" and e.alumni_id and _recent(e.date, since):
            taken.add(e.alumni_id)
    found = []
    for a in sorted(alumni, key=lambda a: a.alumni_id):
        offers = tuple(o for o in a.offers if o in kinds)
        if offers and not a.opted_out and a.alumni_id not in taken:
            found.append(OpenOffer(a.alumni_id, a.name, offers, a.owner or NO_OWNER))
    return found
