"""Who owns the relationship with an alumnus (guide §3 #1: "nobody knows who owns the relationship").

THE OWNER RULE, in order:

1. ``Owner override`` in the ``Alumni`` tab, when it names a row of the ``Staff`` tab.
2. Otherwise the teacher whose list states the strongest tie: the list's relationship strength
   (1 weak .. 5 strong) when the row has one, else its role counted as tutor 4, mentor 3,
   class teacher 2, teacher 1, other or unknown 0.
3. Equal ties: the most recent ``last contact`` wins (a row without one comes last).
4. Still equal: alphabetical order of the teacher's name (accents and case ignored).

A teacher's tie is their strongest row (a teacher holding the alumnus in two rows counts once).
``Also known to`` lists the other teachers, strongest first. Teacher names come from the list
(``List - <teacher>``) and are written as in the ``Staff`` tab when they can be matched there
(same name ignoring case and accents, or the only member of staff whose name starts with it).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sheets_sync.core.lists.tables import Table
from sheets_sync.core.model import SourceRecord
from sheets_sync.core.text.fold import fold
from sheets_sync.schema import TEMPLATE_HEADERS

ROLE_STRENGTH = {"tutor": 4, "mentor": 3, "class teacher": 2, "teacher": 1}


@dataclass(frozen=True)
class StaffDirectory:
    """The ``Staff`` tab's names, looked up case- and accent-insensitively."""

    names: tuple[str, ...]
    _found: dict[str, str | None] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_table(cls, staff: Table) -> StaffDirectory:
        header = TEMPLATE_HEADERS["Staff"][0]
        seen: dict[str, str] = {}
        for row in staff.rows:
            name = " ".join(row[header].split())
            if name and fold(name) and fold(name) not in seen:
                seen[fold(name)] = name
        return cls(tuple(seen.values()))

    def find(self, name: str) -> str | None:
        """The Staff name meant by ``name``: equal when folded, else the only one it starts."""
        key = fold(name)
        if key not in self._found:
            self._found[key] = self._find(key)
        return self._found[key]

    def _find(self, key: str) -> str | None:
        if not key:
            return None
        exact = [n for n in self.names if fold(n) == key]
        if exact:
            return exact[0]
        words = key.split()
        prefix = [n for n in self.names if fold(n).split()[: len(words)] == words]
        if len(prefix) == 1:
            return prefix[0]
        return None

    def canonical(self, teacher: str) -> str:
        return self.find(teacher) or " ".join(teacher.split())


@dataclass(frozen=True)
class Tie:
    teacher: str
    strength: int
    last_contact: str  # ISO date or ""


@dataclass(frozen=True)
class Ownership:
    owner: str
    also_known_to: tuple[str, ...]
    override: str = ""  # the override as written (kept in the tab even when it is not valid)
    override_problem: str = ""  # "" when the override was used or empty


def tie_strength(rec: SourceRecord) -> int:
    """Explicit strength when the row has one, else the role on the same 0..5 scale."""
    if rec.strength is not None:
        return rec.strength
    return ROLE_STRENGTH.get(rec.role, 0)


def teacher_ties(records: Iterable[SourceRecord], staff: StaffDirectory) -> list[Tie]:
    """One tie per teacher (their strongest row, their latest contact), strongest first."""
    best: dict[str, Tie] = {}
    for rec in records:
        if not rec.teacher.strip():
            continue
        name = staff.canonical(rec.teacher)
        tie = Tie(name, tie_strength(rec), rec.last_contact)
        old = best.get(fold(name))
        if old is not None:
            tie = Tie(old.teacher, max(old.strength, tie.strength), max(old.last_contact, tie.last_contact))
        best[fold(name)] = tie
    return rank(best.values())


def rank(ties: Iterable[Tie]) -> list[Tie]:
    """Strongest tie, then latest last contact, then teacher name (folded, then as written)."""
    by_name = sorted(ties, key=lambda t: (fold(t.teacher), t.teacher))
    by_contact = sorted(by_name, key=lambda t: t.last_contact, reverse=True)
    return sorted(by_contact, key=lambda t: t.strength, reverse=True)


def choose_owner(records: Sequence[SourceRecord], staff: StaffDirectory, override: str = "") -> Ownership:
    """Apply the owner rule (module doc) to the records of one alumnus."""
    ranked = [t.teacher for t in teacher_ties(records, staff)]
    override = " ".join(override.split())
    problem = ""
    owner = ""
    if override:
        owner = staff.find(override) or ""
        if not owner:
            problem = f"{override!r} is not a name in the Staff tab"
    if not owner:
        owner = ranked[0] if ranked else ""
    others = tuple(t for t in ranked if fold(t) != fold(owner))
    return Ownership(owner, others, override, problem)
