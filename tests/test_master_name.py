"""The master name is the one most source rows agree on (issue 15)."""

from __future__ import annotations

import dataclasses

import pytest

from sheets_sync.core.master.build import best_name
from sheets_sync.core.model import SourceRecord

BASE = SourceRecord(ref="L!2", tab="L", row=2, teacher="T")


def rows(*names: str | tuple[str, str]) -> list[SourceRecord]:
    out = []
    for k, item in enumerate(names):
        name, when = item if isinstance(item, tuple) else (item, "")
        out.append(dataclasses.replace(BASE, ref=f"L!{k + 2}", row=k + 2, full_name=name, last_contact=when))
    return out


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        # a name seen once never beats two agreeing rows, however complete or recent it is
        (["Carleta Carbonell Landa", "Carlota Carbonell Landa", "Carlota Carbonell Landa"], "Carlota Carbonell Landa"),
        ([("Carleta Carbonell Landa", "2025-01-01"), "Carlota Carbonell", "Carlota Carbonell Landa"],
         "Carlota Carbonell Landa"),
        (["Clariisa Almagro Seguí", "Clarisa Almagro Seguí", "Clarisa Almagro"], "Clarisa Almagro Seguí"),
        (["Torreecilla Nuñez, Ana", "Ana Torrecilla Nuñez", "ANA TORRECILLA"], "Ana Torrecilla Nuñez"),
        # a shorter form backs the complete one
        (["María García", "María García", "María García López"], "María García López"),
        # a tie goes to the most recent row, then to the most complete form
        ([("Jon Smith", "2020-01-01"), ("John Smith", "2024-05-01")], "John Smith"),
        (["Jan de Vries", "Jan Vries"], "Jan de Vries"),  # "Jan Vries" backs the longer form
        # an initial backs the full word
        (["J. Miller", "John Miller", "Jon Miller"], "John Miller"),
        # accents and mixed case win among spellings of one form
        (["MARIA GARCIA", "María García", "maria garcia"], "María García"),
    ],
)  # fmt: skip
def test_the_name_most_sources_agree_on(names, expected):
    assert best_name(rows(*names)) == expected


def test_between_two_rows_the_spelling_of_the_email_address_settles_it():
    recs = rows("Asdrubal Torreecilla Calzada", "Asdrubal Torrecilla")
    recs[0] = dataclasses.replace(recs[0], emails=("asdrubal.torrecilla@students.school.example",))
    assert best_name(recs) == "Asdrubal Torrecilla"
