"""Every word a person sees, in their language (issue 14): the catalogs, init in a language,
switching a workbook's language in place, and reading that is language-blind."""

from __future__ import annotations

import importlib.util
from dataclasses import replace
from pathlib import Path

import pytest

from sheets_sync import i18n
from sheets_sync import schema as tabs
from sheets_sync import wiring as adapters
from sheets_sync.app.language import canonical_snapshot, list_teacher, workbook_language
from sheets_sync.commands import run_once
from sheets_sync.core.model import Grid
from sheets_sync.core.provision.plan import plan_all
from sheets_sync.core.provision.templates import load_templates
from sheets_sync.demo import generate_school
from sheets_sync.workbook import Snapshot

from .backends import BACKENDS, Harness

OTHERS = i18n.LANGUAGES[1:]
ROOT = Path(__file__).resolve().parent.parent


def _catalogs():
    spec = importlib.util.spec_from_file_location("catalogs", ROOT / "tools" / "catalogs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def catalogs():
    return _catalogs()


@pytest.fixture(scope="module")
def pot(catalogs):
    return catalogs.extract()


# --------------------------------------------------------------------------- catalogs


@pytest.mark.parametrize("lang", OTHERS)
def test_every_message_is_translated_and_none_is_fuzzy(catalogs, pot, lang):
    """Extracted afresh from the code and templates: a new string nobody translated fails here."""
    problems = catalogs.problems(lang, pot)
    assert problems == [], "\n".join(problems[:20]) + "\nFix: python tools/catalogs.py update, translate"


def test_the_checker_sees_a_missing_and_a_fuzzy_entry(catalogs, pot, tmp_path, monkeypatch):
    from babel.messages.pofile import read_po, write_po

    with catalogs.po_path("es").open("rb") as f:
        cat = read_po(f, locale="es")
    first, second = [m for m in cat if m.id][:2]
    first.string = ""
    second.flags.add("fuzzy")
    path = tmp_path / "es.po"
    with path.open("wb") as f:
        write_po(f, cat)
    monkeypatch.setattr(catalogs, "po_path", lambda lang: path)
    found = catalogs.problems("es", pot)
    assert len(found) == 2 and "no translation" in found[0] and "fuzzy" in found[1]


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_translated_templates_are_valid_tabs(lang):
    """Dropdowns stay valid (no comma or quote), headers distinct per
    tab, tab names distinct, and each one reads back to its English id."""
    specs = load_templates(language=lang)
    names = [s.title for s in specs] + [i18n.translate(lang, i18n.TAB, t) for t in tabs.OUTPUT_TABS[:-1]]
    assert len(set(names)) == len(names)
    for spec in specs:
        assert len(set(map(i18n.fold, spec.headers))) == len(spec.headers), spec.title
        for column, english in zip(spec.columns, spec.source.columns, strict=True):
            assert i18n.canonical(i18n.HEADER, column.header, among=spec.source.headers) == english.header
            for choice, source in zip(column.choices, english.choices, strict=True):
                assert "," not in choice and '"' not in choice, (spec.title, choice)
                assert i18n.canonical(i18n.CHOICE, choice, among=english.choices) == source
        assert i18n.canonical(i18n.TAB, spec.title, among=tabs.TEMPLATE_TABS) == spec.source.title
    for headers in (
        tabs.ALUMNI_HEADERS,
        tabs.REVIEW_HEADERS,
        tabs.SYNC_LOG_HEADERS,
        tabs.DATA_ISSUES_HEADERS,
    ):
        local = [i18n.translate(lang, i18n.HEADER, h) for h in headers]
        assert len(set(map(i18n.fold, local))) == len(local)


def test_reading_is_blind_to_language_case_and_accents():
    assert i18n.canonical(i18n.CHOICE, "si", among=tabs.YES_NO) == "Yes"
    assert i18n.canonical(i18n.CHOICE, "JAH", among=tabs.YES_NO) == "Yes"
    assert i18n.canonical(i18n.CHOICE, "nee", among=tabs.YES_NO) == "No"
    assert i18n.canonical(i18n.CHOICE, "Igual", among=tabs.REVIEW_DECISIONS) == "Same"
    assert i18n.canonical(i18n.CHOICE, "erinevad inimesed", among=tabs.REVIEW_DECISIONS) == "Different"
    assert i18n.canonical(i18n.CHOICE, "Maybe", among=tabs.YES_NO) is None
    assert i18n.canonical(i18n.TAB, "Revisión") == "Review"
    assert i18n.canonical(i18n.TAB, "revision") == "Review"
    for prefix, name in [
        ("List - ", "Ana"),
        ("Lista - ", "Ana"),
        ("Lijst - ", "Ana"),
        ("Nimekiri - ", "Ana"),
    ]:
        assert list_teacher(prefix + name) == name
    assert list_teacher("Elenco - Ana Rossi") == "Ana Rossi"
    assert list_teacher("Listino prezzi") is None


def test_a_spanish_snapshot_reads_as_english():
    review = Grid.from_rows(
        "Revisión",
        [[i18n.translate("es", i18n.HEADER, h) for h in tabs.REVIEW_HEADERS], ["Same"] + [""] * 20],
    )
    staff = Grid.from_rows(
        "Personal",
        [
            ["Nombre", "Correo electrónico", "Función", "Departamento", "Recibe el resumen"],
            ["Ana", "a@x.es", "tutor/a", "", "si"],
        ],
    )
    view = canonical_snapshot(Snapshot({"Revisión": review, "Personal": staff}, version="1"))
    assert set(view.grids) == {tabs.REVIEW, tabs.STAFF}
    assert view.grids[tabs.REVIEW].rows[0] == tabs.REVIEW_HEADERS
    assert view.grids[tabs.REVIEW].rows[1][0] == "Same"  # an English word in a Spanish workbook
    assert view.grids[tabs.STAFF].rows[0] == tabs.TEMPLATE_HEADERS[tabs.STAFF]
    assert view.grids[tabs.STAFF].rows[1] == ("Ana", "a@x.es", "Tutor", "", "Yes")
    assert workbook_language(Snapshot({"Revisión": review, "Personal": staff}, version="1")) == "es"


# --------------------------------------------------------------------------- init


@pytest.mark.parametrize("lang", OTHERS)
def test_init_creates_every_template_tab_in_the_language(lang):
    plans = plan_all(None, language=lang)
    english = plan_all(None)
    assert [p.title for p in plans] == [i18n.translate(lang, i18n.TAB, t) for t in tabs.TEMPLATE_TABS]
    for plan, source in zip(plans, english, strict=True):
        assert len(plan.edits) == len(source.edits)  # same headers and fixed rows
        assert [c.choices != () for c in plan.columns] == [c.choices != () for c in source.columns]
        english_texts = {str(e.value) for e in source.edits} - {"PDCA", "V", "E", "C", "No"}
        same = [e.value for e in plan.edits if e.value in english_texts and e.value not in _same_in(lang)]
        assert same == [], (plan.title, same)


def _same_in(lang: str) -> set[str]:
    """Words a language writes as English does (PDCA, Mentor, Networking...): declared in its catalog."""
    return {msgid for (_, msgid), text in i18n.messages(lang).items() if text == msgid}


@pytest.fixture(scope="module")
def bigger_school():
    return generate_school(11, alumni=120, lists=8)  # the end-to-end school: it has Review pairs


@pytest.mark.parametrize("kind", BACKENDS)
def test_switching_language_relabels_in_place_and_keeps_every_entered_cell(kind, tmp_path, bigger_school):
    h = Harness.create(kind, tmp_path, bigger_school)
    adapters.provision(adapters.open_workbook(h.config, create=True))
    run_once(h.config)
    before = h.read()
    stock = before.grids[tabs.STOCKTAKING]
    ticked = tabs.TEMPLATE_HEADERS[tabs.STOCKTAKING].index("Ticked")
    h.set_cell(tabs.STOCKTAKING, 4, ticked, "Yes")  # a person's answers
    h.set_cell(tabs.STOCKTAKING, 5, ticked, "No")
    h.set_cell(tabs.STOCKTAKING, 6, 4, "asked the head of studies")
    h.set_cell(tabs.ALUMNI, 2, tabs.ALUMNI_HEADERS.index("Owner override"), "Ana Staff")
    assert len(before.grids[tabs.REVIEW].rows) > 1
    h.set_cell(tabs.REVIEW, 2, tabs.REVIEW_HEADERS.index("Decision"), "Same")
    entered = h.read()

    created, relabelled = adapters.provision(adapters.open_workbook(h.config), language="nl")
    assert created == 0 and relabelled > 0
    after = h.read()
    nl = i18n.Translator("nl")
    assert nl.tab(tabs.STOCKTAKING) in after.grids and tabs.STOCKTAKING not in after.grids
    for title in (*tabs.TEMPLATE_TABS, tabs.ALUMNI, tabs.REVIEW, tabs.ROLLUP):
        assert nl.tab(title) in after.grids, title
    for title, grid in entered.grids.items():
        if list_teacher(title) is not None:
            assert after.grids[title].rows == grid.rows  # teacher lists untouched
    stock = after.grids[nl.tab(tabs.STOCKTAKING)]
    assert stock.rows[0] == nl.headers(tabs.TEMPLATE_HEADERS[tabs.STOCKTAKING])
    assert stock.rows[3][ticked] == "Ja" and stock.rows[4][ticked] == "Nee"
    assert stock.rows[5][4] == "asked the head of studies"
    assert stock.rows[1][0] == i18n.translate("nl", i18n.ROW, "VET alumni culture")
    assert len(stock.rows) == len(entered.grids[tabs.STOCKTAKING].rows)  # no fixed row added twice
    # every entered cell is still there, meaning for meaning
    assert (
        canonical_snapshot(after).grids[tabs.STOCKTAKING].rows
        == canonical_snapshot(entered).grids[tabs.STOCKTAKING].rows
    )
    assert adapters.provision(adapters.open_workbook(h.config), language="nl") == (0, 0)  # idempotent

    config = replace(h.config, language="nl")
    run_once(config)
    synced = h.read()
    alumni = synced.grids[nl.tab(tabs.ALUMNI)].rows
    assert alumni[0] == nl.headers(tabs.ALUMNI_HEADERS)
    assert alumni[1][tabs.ALUMNI_HEADERS.index("Owner override")] == "Ana Staff"
    assert len(alumni) == len(before.grids[tabs.ALUMNI].rows) - 1  # the relabelled Same was applied
    assert not (set(synced.grids) & {tabs.ALUMNI, tabs.REVIEW, tabs.ROLLUP, tabs.STAFF})  # no twins
    decision = tabs.REVIEW_HEADERS.index("Decision")
    decisions = [r[decision] for r in synced.grids[nl.tab(tabs.REVIEW)].rows[1:] if len(r) > decision]
    assert not set(decisions) & set(tabs.REVIEW_DECISIONS)  # relabelled by init, on both backends
    # and back to English: the same workbook, word for word
    adapters.provision(adapters.open_workbook(h.config), language="en")
    back = h.read()
    assert back.grids[tabs.STOCKTAKING].rows == entered.grids[tabs.STOCKTAKING].rows


@pytest.mark.parametrize("kind", BACKENDS)
def test_a_decision_typed_in_another_language_is_understood(kind, tmp_path, bigger_school):
    h = Harness.create(kind, tmp_path, bigger_school)
    adapters.provision(adapters.open_workbook(h.config, create=True), language="es")
    config = replace(h.config, language="es")
    run_once(config)
    es = i18n.Translator("es")
    snap = h.read()
    review = snap.grids[es.tab(tabs.REVIEW)].rows
    assert review[0] == es.headers(tabs.REVIEW_HEADERS)
    assert len(review) > 1, "the school should have a Review pair"
    sa, sb = tabs.REVIEW_HEADERS.index("Source A"), tabs.REVIEW_HEADERS.index("Source B")
    pair = (review[1][sa], review[1][sb])
    h.set_cell(es.tab(tabs.REVIEW), 2, tabs.REVIEW_HEADERS.index("Decision"), "Different")  # English
    run_once(config)
    after = h.read()
    kept = {(r[sa], r[sb]): r for r in after.grids[es.tab(tabs.REVIEW)].rows[1:]}
    decision = kept[pair][tabs.REVIEW_HEADERS.index("Decision")]  # Google keeps a person's cell as typed
    assert decision in ("Different", es.choice("Different"))
    sources = tabs.ALUMNI_HEADERS.index("Sources")
    for r in after.grids[es.tab(tabs.ALUMNI)].rows[1:]:
        assert not set(pair) <= set(r[sources].split("; "))


# --------------------------------------------------------------------------- a whole school per language


def _words_of(lang: str) -> set[str]:
    """English catalogue strings that ``lang`` writes differently (the ones that must not show)."""
    own = set(i18n.messages(lang).values())  # Italian writes "E-mail" too: then it is Italian
    english = {msgid for (_, msgid) in i18n.messages(lang)} - own
    return {w for w in english if len(w) > 1}


@pytest.fixture(scope="module")
def school():
    return generate_school(5, alumni=60, lists=4)


@pytest.fixture(scope="module")
def english_run(tmp_path_factory, school):
    return _run(tmp_path_factory.mktemp("en"), school, "en")


def _run(folder: Path, school, lang: str):
    h = Harness.create("xlsx", folder, school)
    adapters.provision(adapters.open_workbook(h.config, create=True), language=lang)
    run_once(replace(h.config, language=lang))
    return h.read()


# columns that copy what a person typed (an Outreach row's purpose, the value a Data issue is about)
COPIED = {
    tabs.OUTREACH_STATUS: {"Alumnus (as entered)", "Purpose", "Requested by"},
    tabs.DATA_ISSUES: {"Value", "Column"},
}


def _typed_by_a_person(tab: str, grid: Grid, row: int, col: int) -> bool:
    """Cells the demo school typed (its staff write English into Volunteering, Outreach...): in a
    template tab, anything below the header outside a dropdown column; in an output tab, the
    columns that copy a person's input. Headers, choices and the guide's rows are always ours."""
    if row == 0:
        return False
    if tab in tabs.TEMPLATE_HEADERS:
        spec = load_templates()[tabs.TEMPLATE_TABS.index(tab)]
        fixed = {v for r in spec.fixed_rows for v in r}
        if col >= len(spec.columns):
            return True
        return not spec.columns[col].choices and grid.cell(row, col) not in fixed
    english = {tabs.OUTREACH_STATUS: tabs.OUTREACH_STATUS_HEADERS, tabs.DATA_ISSUES: tabs.DATA_ISSUES_HEADERS}
    headers = english.get(tab, ())
    return col < len(headers) and headers[col] in COPIED.get(tab, set())


def _numbers(grid: Grid) -> list[tuple[int, int, str]]:
    out = []
    for r, row in enumerate(grid.rows):
        for c, cell in enumerate(row):
            try:
                float(cell.replace(",", "."))
            except ValueError:
                continue
            out.append((r, c, cell))
    return out


@pytest.mark.parametrize("lang", OTHERS)
def test_a_school_synced_in_a_language_shows_no_english_word_and_the_same_figures(
    lang, tmp_path, school, english_run
):
    local = _run(tmp_path, school, lang)
    tr = i18n.Translator(lang)
    ours = [*tabs.TEMPLATE_TABS, *[t for t in tabs.OUTPUT_TABS if t != tabs.STATE]]
    assert {tr.tab(t) for t in ours} <= set(local.grids)
    assert not set(ours) & set(local.grids) - {tr.tab(t) for t in ours}  # no English twin
    assert len(local.grids) == len(english_run.grids)
    english_words = _words_of(lang)
    seen = []
    for t in ours:
        grid, source = local.grids[tr.tab(t)], english_run.grids[t]
        assert len(grid.rows) == len(source.rows), t
        assert [len(r) for r in grid.rows[:1]] == [len(r) for r in source.rows[:1]], t  # same columns
        for r, row in enumerate(grid.rows):
            seen += [
                (t, r, c, cell)
                for c, cell in enumerate(row)
                if cell in english_words and not _typed_by_a_person(t, grid, r, c)
            ]
    assert seen == [], sorted({(t, c, w) for t, _, c, w in seen})
    refs = [r[0] for r in local.grids[tr.tab(tabs.OUTREACH_STATUS)].rows[1:] if r and r[0]]
    assert refs and all(ref.startswith(tr.tab(tabs.OUTREACH) + "!") for ref in refs)
    rollup = tr.tab(tabs.ROLLUP)
    assert _numbers(local.grids[rollup]) == _numbers(english_run.grids[tabs.ROLLUP])  # same figures


def test_forget_finds_and_erases_a_person_in_a_dutch_workbook(tmp_path, school):
    from sheets_sync.app.privacy import forget

    h = Harness.create("xlsx", tmp_path, school)
    adapters.provision(adapters.open_workbook(h.config, create=True), language="nl")
    config = replace(h.config, language="nl")
    run_once(config)
    nl = i18n.Translator("nl")
    row = h.read().grids[nl.tab(tabs.ALUMNI)].rows[1]
    alumni_id, emails = row[0], row[tabs.ALUMNI_HEADERS.index("Emails")]
    result = forget(
        config,
        adapters.open_workbook(config),
        alumni_id,
        by="DPO",
        external=adapters.external_lists(config),
        queue=adapters.mail_queue(config),
    )
    assert result.found
    after = h.read()
    assert tabs.ALUMNI not in after.grids  # no English twin
    ours = [nl.tab(t) for t in tabs.OUTPUT_TABS if t != tabs.STATE]
    flat = "\n".join("\t".join(r) for t in ours if t in after.grids for r in after.grids[t].rows)
    assert alumni_id not in {r[0] for r in after.grids[nl.tab(tabs.ALUMNI)].rows[1:]}
    for email in filter(None, emails.split("; ")):
        assert email not in flat
