"""What the demo generator returns, and the truth the matching benchmark scores against."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations

from sheets_sync.schema import LIST_PREFIX


@dataclass(frozen=True)
class DemoList:
    """One teacher's list exactly as typed (title rows, blank rows, header, data rows)."""

    teacher: str
    language: str  # en es it nl et
    rows: list[list[str]]
    truth: list[str | None]  # per row of ``rows``: the person id for data rows, None otherwise
    header_row: int = 1  # sheet row (1-based) of the header
    columns: tuple[str, ...] = ()  # the field each column holds (sheets_sync.demo.vocab.FIELDS keys)

    @property
    def tab(self) -> str:
        return f"{LIST_PREFIX}{self.teacher}"

    def ref(self, index: int) -> str:
        """``<tab>!<row>`` of ``rows[index]`` (sheet rows count from 1)."""
        return f"{self.tab}!{index + 1}"


@dataclass(frozen=True)
class DemoSchool:
    staff: list[list[str]]  # rows under tabs.TEMPLATE_HEADERS["Staff"]
    lists: list[DemoList]
    template_rows: dict[str, list[list[str]]]  # tab -> data rows, columns as tabs.TEMPLATE_HEADERS[tab]
    people: dict[str, dict]  # person id -> canonical facts
    # tab -> per data row of template_rows[tab]: the person id it is about (None: nobody in particular)
    template_truth: dict[str, list[str | None]] = field(default_factory=dict)
    school_year_end: int = 2026
    survey: list[list[str]] = field(default_factory=list)  # the Google Forms responses tab, header first
    survey_truth: list[str | None] = field(default_factory=list)  # person id per data row of ``survey``


def true_pairs(school: DemoSchool) -> set[frozenset[str]]:
    """Every pair of list rows (``"List - <teacher>!<row>"``) that are the same person."""
    refs_by_person: dict[str, list[str]] = {}
    for demo_list in school.lists:
        for index, pid in enumerate(demo_list.truth):
            if pid is not None:
                refs_by_person.setdefault(pid, []).append(demo_list.ref(index))
    return {frozenset(pair) for refs in refs_by_person.values() for pair in combinations(refs, 2)}


def truth_clusters(school: DemoSchool) -> dict[str, str]:
    """``<tab>!<row>`` -> person id for every data row of every list."""
    return {
        demo_list.ref(index): pid
        for demo_list in school.lists
        for index, pid in enumerate(demo_list.truth)
        if pid is not None
    }
