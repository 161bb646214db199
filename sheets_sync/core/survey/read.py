"""The guide's pre-graduation survey (§3 #3, question 29), read like any list (pure).

A survey tab is the ``Pre-graduation survey`` template tab made by ``init``, a tab named in the
config (``[[surveys]]``) or any tab whose header row holds Google Forms' ``Timestamp`` column and
the keep-in-touch question, in any of the five languages (the texts live in
``templates/pre-graduation_survey.toml``). Its rows become :class:`SourceRecord` objects that are
matched like any list row (students are tomorrow's alumni): the Yes/No answer is their consent,
dated by the answer ("Pre-graduation survey, 2026-03-15"), the two checkbox questions (GET, HELP;
one cell, comma-separated, in the form's own language) what they want and offer. Every readable
Yes/No answer is also a :class:`SurveyResponse` the rollup counts, named or not.
"""

from __future__ import annotations

import datetime as dt
import logging
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache, lru_cache

from rapidfuzz import fuzz

from sheets_sync.core.lists.read import ListOptions, ListResult, read_list
from sheets_sync.core.model import DataIssue, Grid, ListSummary, SourceRecord
from sheets_sync.core.text import words
from sheets_sync.core.text.normalise import LANGUAGES, clean_text, fold, quote
from sheets_sync.core.text.school_year import parse_date
from sheets_sync.resources import read_template_text

log = logging.getLogger(__name__)

SURVEY_FILE = "pre-graduation_survey.toml"
SOURCE_LABEL = "Pre-graduation survey"  # how a consent from the survey is described in Alumni
SCAN_ROWS = 10
FUZZY_MIN = 88  # rapidfuzz ratio between a header and a question text, both folded
GET, HELP = "get", "help"


@dataclass(frozen=True)
class Question:
    key: str  # timestamp, name, email, phone, qualification, expected_year, keep_in_touch, get, help
    field: str  # the record field its answer fills ("" = read by this module)
    texts: tuple[tuple[str, str], ...]  # (language, question text)
    phrases: tuple[str, ...]  # folded phrases that identify it inside a longer header


@dataclass(frozen=True)
class Choice:
    question: str  # get | help
    label: str  # as the sync writes it
    offer: bool  # an offer of help the office digest proposes
    texts: tuple[str, ...]  # every way it is written (five languages + also), folded


@dataclass(frozen=True)
class Vocabulary:
    questions: tuple[Question, ...]
    choices: tuple[Choice, ...]

    def question(self, key: str) -> Question:
        return next(q for q in self.questions if q.key == key)

    def labels(self, question: str) -> tuple[str, ...]:
        return tuple(c.label for c in self.choices if c.question == question)

    @property
    def offer_labels(self) -> tuple[str, ...]:
        return tuple(c.label for c in self.choices if c.offer)


@cache
def vocabulary() -> Vocabulary:
    """The survey's questions and answers, from the package data (one place to translate)."""
    data = tomllib.loads(read_template_text(SURVEY_FILE))
    questions = tuple(
        Question(
            key=key,
            field=str(q.get("field", "")),
            texts=tuple((lang, str(q[lang])) for lang in LANGUAGES if lang in q),
            phrases=tuple(fold(p) for p in q.get("phrases", ()) if fold(p)),
        )
        for key, q in data["questions"].items()
    )
    choices = tuple(
        Choice(
            question=str(c["question"]),
            label=str(c["label"]),
            offer=bool(c.get("offer", False)),
            texts=tuple(
                dict.fromkeys(
                    fold(t)
                    for t in [c["label"], *(c[lang] for lang in LANGUAGES if lang in c), *c.get("also", ())]
                )
            ),
        )
        for c in data["choices"]
    )
    return Vocabulary(questions, choices)


# --------------------------------------------------------------------------- recognising the tab


def classify_header(text: str) -> str | None:
    """The survey question a header cell asks (a key of :class:`Question`), or None."""
    folded = fold(text)
    if not folded:
        return None
    vocab = vocabulary()
    for q in vocab.questions:  # the question as a form writes it, or nearly
        if any(fold(t) == folded for _, t in q.texts):
            return q.key
    best: tuple[int, str] | None = None
    padded = f" {folded} "
    for q in vocab.questions:
        for phrase in q.phrases:
            if f" {phrase} " in padded and (best is None or len(phrase) > best[0]):
                best = (len(phrase), q.key)
    if best is not None:
        return best[1]
    if len(folded) >= 20:  # a school that reworded a question a little
        for q in vocab.questions:
            if any(fuzz.ratio(fold(t), folded) >= FUZZY_MIN for _, t in q.texts):
                return q.key
    return None


@dataclass(frozen=True)
class SurveyLayout:
    row: int  # 0-based header row
    columns: dict[str, int]  # question key -> 0-based column (first one wins)
    stamped: bool = False  # a column headed as Google Forms heads its first one ("Timestamp", ...)

    @property
    def google_form(self) -> bool:
        """Shaped like a Google Forms responses tab: its timestamp and the keep-in-touch question."""
        return self.stamped and "keep_in_touch" in self.columns


def find_layout(grid: Grid, header_row: int | None = None) -> SurveyLayout | None:
    """The header row (first ten rows, or ``header_row``, 1-based) holding the keep-in-touch question."""
    rows = [header_row - 1] if header_row else range(min(SCAN_ROWS, len(grid.rows)))
    best: SurveyLayout | None = None
    for r in rows:
        if r < 0 or r >= len(grid.rows):
            continue
        found: dict[str, int] = {}
        for c, cell in enumerate(grid.rows[r]):
            key = classify_header(cell)
            if key is not None:
                found.setdefault(key, c)
        if "keep_in_touch" in found and (best is None or len(found) > len(best.columns)):
            stamps = {fold(t) for _, t in vocabulary().question("timestamp").texts}
            best = SurveyLayout(r, found, any(fold(cell) in stamps for cell in grid.rows[r]))
    return best


def is_survey(grid: Grid) -> bool:
    """A Google Forms responses tab of the survey (recognised by its headers alone)."""
    layout = find_layout(grid)
    return layout is not None and layout.google_form


# --------------------------------------------------------------------------- reading answers


@lru_cache(maxsize=4096)  # a form's answers repeat: one cell text is parsed once
def choices_in(text: str, question: str) -> tuple[str, ...]:
    """The answers of one checkbox cell (comma-separated, any language), in the form's order;
    an answer that is none of the choices (Google Forms' "Other" text) counts as ``Other``."""
    vocab = vocabulary()
    options = [c for c in vocab.choices if c.question == question]
    found: set[str] = set()
    for piece in text.replace(";", ",").replace("\n", ",").split(","):
        folded = fold(piece)
        if not folded:
            continue
        label = next((c.label for c in options if folded in c.texts), None)
        if label is None:  # "Guest lecture on welding": the longest known text inside it
            padded = f" {folded} "
            hits = [(len(t), c.label) for c in options for t in c.texts if f" {t} " in padded]
            label = max(hits)[1] if hits else options[-1].label  # the last choice is "Other"
        found.add(label)
    return tuple(c.label for c in options if c.label in found)


@dataclass(frozen=True)
class SurveyResponse:
    """One answered keep-in-touch question, for the rollup (named or anonymous)."""

    ref: str
    date: dt.date | None
    qualification: str
    keep: bool
    wants: tuple[str, ...] = ()  # GET labels (only when keep)
    offers: tuple[str, ...] = ()  # HELP labels (only when keep)


@dataclass(frozen=True)
class SurveyResult:
    records: list[SourceRecord]
    issues: list[DataIssue]
    summary: ListSummary
    responses: list[SurveyResponse]


def read_survey(grid: Grid, options: ListOptions) -> SurveyResult:
    """Read one survey tab: records to match (consent dated by the answer, wants, offers) and the
    responses the rollup counts. Never raises on cell content; bad cells are Data issues."""
    layout = find_layout(grid, options.header_row)
    if layout is None:
        plain = read_list(grid, options)  # no keep-in-touch question: read as a plain list
        issue = DataIssue(
            tab=grid.ref_title,
            row=None,
            column="",
            value="",
            problem="no keep-in-touch question found in this survey tab",
            fix="keep the question 'Would you like to keep in touch with your VET school?' (any of the five "
            'languages) as a column header, or map its column to "consent" in the config\'s [surveys.columns]',
            list_owner=options.teacher,
        )
        return SurveyResult(plain.records, [issue, *plain.issues], plain.summary, [])
    vocab = vocabulary()
    header = grid.rows[layout.row]
    columns: dict[str, str] = {}
    for key, col in layout.columns.items():
        columns[header[col]] = vocab.question(key).field or "ignore"
    columns.update(options.columns)  # the config has the last word
    result: ListResult = read_list(grid, replace(options, header_row=layout.row + 1, columns=columns))
    today = options.today or dt.date.today()
    by_row = {r.row: r for r in result.records}
    records: list[SourceRecord] = []
    issues = list(result.issues)
    latest: dict[str, SurveyResponse] = {}  # respondent (first email, else name) -> their latest answer
    date_col = layout.columns.get("timestamp")
    for index in range(layout.row + 1, len(grid.rows)):
        cells = grid.rows[index]
        if not any(c.strip() for c in cells):
            continue
        row = index + 1

        def cell(key: str, cells: Sequence[str] = cells) -> str:
            col = layout.columns.get(key)
            return cells[col] if col is not None and col < len(cells) else ""

        when: dt.date | None = None
        stamp = clean_text(cell("timestamp"))
        if stamp:
            when = parse_date(stamp)  # Google shows "15/03/2026 10:23:45" in Europe
            if when is None or when > today:
                issues.append(
                    DataIssue(
                        tab=grid.ref_title,
                        row=row,
                        column=header[date_col] if date_col is not None else "",
                        value=quote(stamp),
                        problem="answer date not understood"
                        if when is None
                        else "answer date is in the future",
                        fix="write it as yyyy-mm-dd (e.g. 2026-03-15) or dd/mm/yyyy",
                        list_owner=options.teacher,
                    )
                )
                when = None
        keep = words.consent(cell("keep_in_touch")).value
        wants = choices_in(cell(GET), GET) if keep else ()
        offers = choices_in(cell(HELP), HELP) if keep else ()
        record = by_row.get(row)
        if record is not None:
            label = f"{SOURCE_LABEL}, {when.isoformat()}" if when else SOURCE_LABEL
            records.append(
                replace(
                    record,
                    consent_label=label if record.consent is not None else "",
                    wants=wants,
                    offers=offers,
                    last_contact=max(record.last_contact, when.isoformat() if when else ""),
                )
            )
        if keep is not None:
            qualification = record.qualification if record else clean_text(cell("qualification"))
            response = SurveyResponse(f"{grid.ref_title}!{row}", when, qualification, keep, wants, offers)
            who = (record.emails[:1] or (fold(record.full_name),)) if record else ()
            key = who[0] if who and who[0] else response.ref  # anonymous answers are each one respondent
            if key not in latest or (when or dt.date.min) >= (latest[key].date or dt.date.min):
                latest[key] = response  # a student who sent the form twice counts once: the later answer
    responses = list(latest.values())
    log.info("survey %r: %d responses, %d records", grid.title, len(responses), len(records))
    summary = replace(result.summary, teacher=SOURCE_LABEL)  # what `check` shows in place of a teacher
    return SurveyResult(records, issues, summary, responses)
