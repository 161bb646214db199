"""Review decisions have exactly the effect they say (issue 15).

* ``Same`` joins the two alumni and nothing else;
* ``Different`` keeps them apart and nothing else;
* no decision changes the Alumni ID of a row it did not name.

The first test reproduces the issue's Cándida case: a Same on one pair used to be applied before
the engine clustered, so the same-list rule then pushed a third row of the same teacher out of its
alumnus ("1 new, 1 merged, 1 split") and proposed it again in Review with score 1.
"""

from __future__ import annotations

from tests.test_master import REVIEW_HEADERS, as_grid, col, review_row, sources, sync, with_decision

DECISION = col("Decision", REVIEW_HEADERS)

# Ana's list holds Cándida twice: once with her phone only, once with her email, year and course.
# Bob's list has her phone, year and course: Ana!2 ~ Bob!2 merge on name + phone; Ana!3 ~ Bob!2
# (name with a dropped second surname, year, course: a name alone never merges in small lists)
# waits in Review.
HEAD = ["First name", "Surname", "Email", "Phone", "Graduation year", "Qualification"]
CANDIDA = {
    "Ana Martínez": [
        HEAD,
        ["Cándida", "Ferrer Puig", "", "+34 611 222 333", "", ""],
        ["Candida", "Ferrer", "candida.ferrer@gmail.com", "", "2019", "Cookery"],
        ["Rosa", "Vidal Soler", "rosa.vidal@gmail.com", "", "2018", "Welding"],
    ],
    "Bob Smith": [
        HEAD,
        ["Cándida", "Ferrer Puig", "", "+34 611 222 333", "2019", "Cocina"],
        ["Rosa", "Vidal", "rosa.vidal@gmail.com", "", "2018", "Soldadura"],
    ],
}
A2, A3, B2 = "List - Ana Martínez!2", "List - Ana Martínez!3", "List - Bob Smith!2"


def ids(result) -> dict[str, str]:
    return {ref: a.alumni_id for a in result.alumni for ref in a.sources}


def test_candida_same_joins_the_pair_and_never_splits_a_third_row():
    first = sync(CANDIDA)
    before = ids(first)
    assert before[A2] == before[B2] != before[A3]  # the engine's own view
    assert review_row(first, A3, B2)[DECISION] == ""
    second = sync(CANDIDA, first, review_tab=with_decision(first, A3, B2, "Same"))
    after = ids(second)
    assert after[A2] == after[B2] == after[A3]  # joined, and Ana!2 was not pushed out
    assert after[A2] == before[A2]  # the older alumnus keeps its id; no row it did not name moved
    assert second.split == [] and second.new_ids == []
    assert all(after[r] == before[r] for r in before if r not in (A3,))
    assert second.merged == [(before[A2], before[A3])]
    undecided = [r for r in second.review_rows if not r[DECISION]]
    assert not any({A2, B2} <= sources(r) or {A2, A3} <= sources(r) for r in undecided)
    third = sync(CANDIDA, second)  # stable on the next night
    assert ids(third) == after and third.split == [] and third.new_ids == []


def test_different_keeps_the_pair_apart_and_changes_nothing_else():
    first = sync(CANDIDA)
    before = ids(first)
    second = sync(CANDIDA, first, review_tab=with_decision(first, A3, B2, "Different"))
    assert ids(second) == before  # no id moved, nothing merged or split
    assert second.new_ids == [] and second.merged == [] and second.split == []
    assert review_row(second, A3, B2)[DECISION] == "Different"
    undecided = [r for r in second.review_rows if not r[DECISION]]
    assert not any(sources(r) & {A3} for r in undecided)  # never proposed again


def test_different_holds_when_a_new_row_would_bridge_the_two():
    first = sync(CANDIDA)
    second = sync(CANDIDA, first, review_tab=with_decision(first, A3, B2, "Different"))
    bridge = ["Cándida", "Ferrer Puig", "candida.ferrer@gmail.com", "+34 611 222 333", "2019", "Cookery"]
    carla = {"Carla Rossi": [HEAD, bridge]}  # shares Ana!3's email and Bob!2's phone
    third = sync({**CANDIDA, **carla}, second)
    after = ids(third)
    assert after[A3] != after[B2]  # the decision holds
    assert after[A2] == after[B2] == ids(second)[B2]  # and the rows it did not name keep their id
    assert after[A3] == ids(second)[A3]


def test_same_then_different_on_the_same_pair_separates_them_again():
    first = sync(CANDIDA)
    second = sync(CANDIDA, first, review_tab=with_decision(first, A3, B2, "Same"))
    assert ids(second)[A3] == ids(second)[B2]
    third = sync(CANDIDA, second, review_tab=with_decision(second, A3, B2, "Different"))
    after = ids(third)
    assert after[A3] != after[B2] and after[A2] == after[B2] == ids(second)[B2]


def test_a_same_that_contradicts_a_different_is_not_applied_and_is_reported():
    first = sync(CANDIDA)
    rows = [list(r) for r in first.review_rows]
    review_row(first, A3, B2)  # the pair exists; add a second decided row by hand: A2 / A3 Different
    different = list(rows[0])
    different[REVIEW_HEADERS.index("Source A")], different[REVIEW_HEADERS.index("Source B")] = A2, A3
    different[REVIEW_HEADERS.index("Name A")] = "Cándida Ferrer Puig"
    different[REVIEW_HEADERS.index("Name B")] = "Candida Ferrer"
    different[DECISION] = "Different"
    same = next(r for r in rows if sources(r) == {A3, B2})
    same[DECISION] = "Same"
    second = sync(CANDIDA, first, review_tab=as_grid("Review", REVIEW_HEADERS, [same, different]))
    after = ids(second)
    assert after[A3] != after[A2] == after[B2]  # Different holds, nothing moved
    assert second.split == [] and second.merged == []
    (issue,) = [i for i in second.issues if i.tab == "Review" and "was not applied" in i.problem]
    assert A3 in issue.problem and B2 in issue.problem
