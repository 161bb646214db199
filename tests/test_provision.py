"""The guide's templates as data, and the pure ``init`` planner (no I/O)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sheets_sync import schema as tabs
from sheets_sync.core.model import Grid
from sheets_sync.core.provision.plan import find_header_row, plan_all, plan_provision
from sheets_sync.core.provision.templates import TemplateSpec, load_template, load_templates, parse_template
from sheets_sync.errors import SourceError
from sheets_sync.workbook import ProvisionPlan

# ---------------------------------------------------------------- helpers


def apply(grid: Grid | None, plan: ProvisionPlan, title: str = "") -> Grid:
    """What a backend does with a plan, on a grid (refusing edits to non-empty cells)."""
    rows = [list(r) for r in (grid.rows if grid else ())]
    for e in plan.edits:
        while len(rows) <= e.row:
            rows.append([])
        row = rows[e.row]
        while len(row) <= e.col:
            row.append("")
        assert not row[e.col].strip(), f"edit to non-empty cell {e}"
        row[e.col] = str(e.value)
    return Grid.from_rows(title or plan.title, rows)


def spec(title: str) -> TemplateSpec:
    return load_template(title)


# ---------------------------------------------------------------- template data


def test_every_template_tab_has_a_spec_with_the_fixed_headers() -> None:
    specs = load_templates()
    assert [s.title for s in specs] == list(tabs.TEMPLATE_TABS)
    for s in specs:
        assert s.headers == tabs.TEMPLATE_HEADERS[s.title]
        assert all(c.note for c in s.columns), f"{s.title}: every header needs a help note"
        assert all(c.width for c in s.columns), f"{s.title}: every column needs a width"
        assert s.guide.startswith("§")


@pytest.mark.parametrize(
    ("title", "header", "choices"),
    [
        (tabs.STAFF, "Role", tabs.STAFF_ROLES),
        (tabs.STAFF, "Receives digest", tabs.YES_NO),
        (tabs.STOCKTAKING, "Ticked", tabs.YES_NO),
        (tabs.FRAMEWORK, "Stage", tabs.FRAMEWORK_STAGES),
        (tabs.FRAMEWORK, "Mode", tabs.ENGAGEMENT_MODES),
        (tabs.STORIES, "Alumni category", tabs.ALUMNI_CATEGORIES),
        (tabs.STORIES, "Current status", tabs.CURRENT_STATUS),
        (tabs.STORIES, "Consent to publish", tabs.YES_NO),
        (tabs.STORIES, "Photo submitted", tabs.YES_NO),
        (tabs.PDCA, "Status", tabs.PDCA_STATUS),
        (tabs.EVENT_FEEDBACK, "Score (0-10)", tuple(str(i) for i in range(11))),
    ],
)
def test_dropdowns_use_the_fixed_choices(title: str, header: str, choices: tuple[str, ...]) -> None:
    s = spec(title)
    assert s.columns[s.headers.index(header)].choices == choices


def column(s: TemplateSpec, header: str, section: str | None = None) -> list[str]:
    i = s.headers.index(header)
    return [r[i] for r in s.fixed_rows if section is None or r[0] == section]


def test_framework_rows_are_the_five_stages_with_their_activity_ideas() -> None:
    s = spec(tabs.FRAMEWORK)
    assert tuple(column(s, "Stage")) == tabs.FRAMEWORK_STAGES
    ideas = column(s, "Activity ideas")
    assert all(i.startswith("• ") for i in ideas)
    assert "Employ other graduates." in ideas[4]
    assert "feeder schools" in ideas[0]


def test_pdca_rows_are_the_four_building_blocks() -> None:
    blocks = column(spec(tabs.PDCA), "Building block")
    assert len(blocks) == 4
    assert blocks[2] == "Communicate the value of alumni relations"
    assert blocks[0].startswith("Ensure there is a management culture")


def test_stakeholder_rows_are_the_guide_actors() -> None:
    assert column(spec(tabs.STAKEHOLDERS), "Stakeholder") == [
        "Tutors",
        "Other teachers",
        "Alumni Relations Staff/Office",
        "School Administrators",
    ]


@pytest.mark.parametrize(
    ("section", "items"),
    [
        (
            "Actions in place",
            [
                "Guest lectures",
                "Career Talks",
                "Open Days",
                "Training opportunities",
                "Job Postings/offers",
                "Networking events",
                "Student internships",
                "Mentoring",
                "Advisory role",
                "Alumni profiles",
                "Alumni awards",
                "Other",
            ],
        ),
        ("Motivations", ["Fund-raising", "Enhancement of study programmes", "Information on career paths"]),
        (
            "What we offer",
            ["Info on events", "Job opportunities", "Access to incubation facilities", "Networking"],
        ),
        ("Channels", ["Online surveys", "Phone", "E-mail"]),
        ("Alumni categories", list(tabs.ALUMNI_CATEGORIES)),
    ],
)
def test_stocktaking_has_the_guide_questions_and_tick_options(section: str, items: list[str]) -> None:
    got = column(spec(tabs.STOCKTAKING), "Item", section)
    assert "Tick all that apply" in got[0]  # the question comes first
    for item in items:
        assert item in got[1:]
    if section == "Actions in place":
        assert got[1:] == items


@pytest.mark.parametrize(
    "section",
    ["VET alumni culture", "Strengths", "Weaknesses", "Opportunities and threats", "Further information"],
)
def test_stocktaking_open_questions_are_present(section: str) -> None:
    assert len(column(spec(tabs.STOCKTAKING), "Item", section)) == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(title="Nope"), "title"),
        (lambda d: d["columns"].pop(), "differ from tabs.TEMPLATE_HEADERS"),
        (lambda d: d["columns"][2].update(choices="NOT_A_CONSTANT"), "not a tuple constant"),
        (lambda d: d["columns"][2].update(choices=["a,b", "c"]), "comma"),
        (lambda d: d["columns"][0].update(width=0), "width"),
        (lambda d: d["rows"].append({"Stakeholder": "Tutors"}), "distinct"),
        (lambda d: d["rows"].append({"Nope": "x"}), "unknown headers"),
        (lambda d: d.update(key_columns=["Nope"]), "key_columns"),
    ],
)
def test_bad_template_file_is_refused_with_the_reason(change, message: str) -> None:
    data = {
        "title": tabs.STAKEHOLDERS,
        "columns": [
            {"header": h, "width": 10, "note": "n"} for h in tabs.TEMPLATE_HEADERS[tabs.STAKEHOLDERS]
        ],
        "rows": [{"Stakeholder": "Tutors"}],
    }
    change(data)
    with pytest.raises(ValueError, match=message):
        parse_template(data, "x.toml")


# ---------------------------------------------------------------- planning


def test_new_tab_gets_header_and_fixed_rows() -> None:
    s = spec(tabs.FRAMEWORK)
    plan = plan_provision(None, s)
    assert plan.create and plan.header_row == 0 and plan.freeze_rows == 1
    grid = apply(None, plan)
    assert grid.rows[0] == s.headers
    assert [r[0] for r in grid.rows[1:]] == list(tabs.FRAMEWORK_STAGES)
    assert {c.col for c in plan.columns} == set(range(len(s.headers)))
    assert all(c.width for c in plan.columns)


def test_empty_existing_tab_is_filled_like_a_new_one() -> None:
    plan = plan_provision(Grid.from_rows(tabs.PDCA, [[], [""]]), spec(tabs.PDCA))
    assert not plan.create
    assert len(plan.edits) == len(tabs.TEMPLATE_HEADERS[tabs.PDCA]) + 4


def test_existing_tab_keeps_entered_cells_and_gets_what_is_missing() -> None:
    s = spec(tabs.STAKEHOLDERS)
    existing = Grid.from_rows(
        tabs.STAKEHOLDERS,
        [
            ["Our actor map 2024"],  # a title row above the header
            [],
            ["stakeholder", "What's in it for them?", "", "", "My column"],  # case differs; 2 headers missing
            ["Tutors", "Recognition"],
            ["Employers", "Good interns", "", "", "x"],
            [],
            ["", "", "", "", "", "", "stray note"],
        ],
    )
    plan = plan_provision(existing, s)
    assert plan.header_row == 2 and plan.freeze_rows == 3 and not plan.create
    new = apply(existing, plan)
    # missing headers appended after every used column (col 7 holds a stray note)
    assert new.rows[2][7:] == ("What may put them off?", "Contact person")
    # missing fixed rows appended after the last used row, Tutors not repeated
    assert [r[0] for r in new.rows[7:]] == [
        "Other teachers",
        "Alumni Relations Staff/Office",
        "School Administrators",
    ]
    for r, row in enumerate(existing.rows):
        for c, text in enumerate(row):
            assert new.cell(r, c) == text
    # width only for columns init creates; notes and choices for every template column
    widths = {c.col: c.width for c in plan.columns}
    assert widths[0] is None and widths[7] is not None
    assert all(c.note for c in plan.columns)


def test_plan_is_idempotent_on_every_template() -> None:
    snapshot_grids: dict[str, Grid] = {}
    for plan in plan_all(None):
        snapshot_grids[plan.title] = apply(None, plan)
    again = plan_all(snapshot_grids)
    assert [p.edits for p in again] == [()] * len(tabs.TEMPLATE_TABS)
    assert not any(p.create for p in again)


def test_stocktaking_rows_are_keyed_by_section_and_item() -> None:
    s = spec(tabs.STOCKTAKING)
    first = apply(None, plan_provision(None, s))
    # a person removes the "Other" row of "Channels" (but "Other" still exists in other sections)
    rows = [list(r) for r in first.rows if not (r[0] == "Channels" and r[1] == "Other")]
    plan = plan_provision(Grid.from_rows(s.title, rows), s)
    assert [(e.col, e.value) for e in plan.edits] == [(0, "Channels"), (1, "Other")]
    assert plan.edits[0].row == len(rows)


def test_tab_with_content_but_no_header_is_a_conflict_reported_with_a_fix() -> None:
    grids = {
        tabs.STAFF: Grid.from_rows(tabs.STAFF, [["who", "where"], ["Ana", "x"]]),
        tabs.PDCA: Grid.from_rows(tabs.PDCA, [["just notes"]]),
    }
    with pytest.raises(SourceError) as err:
        plan_all(grids)
    assert "'Staff'" in str(err.value) and "'PDCA'" in str(err.value) and "Fix" in str(err.value)


def test_header_row_is_the_row_with_most_template_headers() -> None:
    grid = Grid.from_rows("t", [["Name"], ["x"], ["Name", "Email", "Role"], ["Ana", "a@x", "Tutor"]])
    assert find_header_row(grid, tabs.TEMPLATE_HEADERS[tabs.STAFF]) == 2
    assert find_header_row(Grid.from_rows("t", [["a"]]), ("Name",)) is None


cell_text = st.sampled_from(["", "", "x", "Tutors", "Plan", "  ", "Name", "Other teachers"])


@settings(max_examples=150, deadline=None)
@given(
    title=st.sampled_from([tabs.STAKEHOLDERS, tabs.PDCA, tabs.STAFF, tabs.FRAMEWORK]),
    above=st.integers(0, 3),
    header_keep=st.lists(st.booleans(), min_size=6, max_size=6),
    data=st.lists(st.lists(cell_text, max_size=8), max_size=8),
)
def test_plan_never_edits_a_filled_cell_and_is_idempotent(title, above, header_keep, data) -> None:
    s = spec(title)
    header = [h if keep else "" for h, keep in zip(s.headers, header_keep, strict=False)]
    if not any(header):
        header[0] = s.headers[0]
    rows = [["Title"]] * above + [header] + data
    existing = Grid.from_rows(title, rows)
    plan = plan_provision(existing, s)
    new = apply(existing, plan)  # asserts no edit on a non-empty cell
    for r, row in enumerate(existing.rows):
        for c, text in enumerate(row):
            if text.strip():
                assert new.cell(r, c) == text
    assert plan_provision(new, s).edits == ()
