"""Rows per second normalised by ``core.lists.read_list`` (header detection + every normaliser).

    .venv/bin/python bench/bench_lists.py [--rows 20000] [--repeat 3]

Builds five in-memory teacher lists (one per partner language, Faker names, emails and phones in
national and international forms, years as "2019" / "19" / "2018/2019", dd/mm/yyyy birth dates,
consent and role words, a title row and a blank row) with ``--rows`` rows in total, then reads
them as the sync does. Caches are cleared before the "cold" run (every phone and email unseen);
"warm" is a second read of the same lists. Prints CPU seconds and rows per second.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time

from faker import Faker

from sheets_sync.core.lists.read import ListOptions, read_list
from sheets_sync.core.model import Grid
from sheets_sync.core.text import normalise
from sheets_sync.core.text import words as normalise_words

LISTS = {
    "es": (
        "es_ES",
        "ES",
        ["Nº de alumno", "Apellidos, Nombre", "Correo electrónico", "Teléfono", "Promoción",
         "Fecha de nacimiento", "Consentimiento", "Relación", "Categoría", "Ciclo", "Observaciones"],
        ["sí", "no", "x", ""], ["tutora", "profesor", "tutor de grupo", ""],
    ),
    "it": (
        "it_IT",
        "IT",
        ["Matricola", "Cognome e nome", "Email", "Cellulare", "Anno di diploma", "Data di nascita",
         "Consenso privacy", "Ruolo", "Categoria", "Qualifica", "Note"],
        ["sì", "no", ""], ["docente", "tutor", "coordinatore di classe"],
    ),
    "nl": (
        "nl_NL",
        "NL",
        ["Leerlingnummer", "Naam", "E-mailadres", "Telefoonnummer", "Examenjaar", "Geboortedatum",
         "Toestemming", "Rol", "Categorie", "Opleiding", "Opmerkingen"],
        ["ja", "nee", ""], ["mentor", "docent", "SLB"],
    ),
    "et": (
        "et_EE",
        "EE",
        ["Õpilaskood", "Nimi", "E-post", "Telefon", "Lõpetamise aasta", "Sünniaeg", "Nõusolek", "Roll",
         "Kategooria", "Eriala", "Märkused"],
        ["jah", "ei", ""], ["klassijuhataja", "juhendaja", "õpetaja"],
    ),
    "en": (
        "en_GB",
        "GB",
        ["Student ID", "Full name", "Email address", "Mobile", "Graduation year", "Date of birth",
         "Consent", "Role", "Category", "Qualification", "Notes"],
        ["yes", "no", "y", ""], ["form tutor", "teacher", "mentor"],
    ),
}  # fmt: skip


def build(rows: int) -> list[tuple[Grid, ListOptions]]:
    rnd = random.Random(7)
    out = []
    per_list = rows // len(LISTS)
    for language, (locale, region, header, consent_words, roles) in LISTS.items():
        fake = Faker(locale)
        fake.seed_instance(7)
        data: list[list[str]] = [[f"Alumni list ({language})"], [], header]
        for i in range(per_list):
            year = rnd.randint(2005, 2024)
            name = f"{fake.last_name().upper()}, {fake.first_name()}" if i % 4 == 0 else fake.name()
            data.append(
                [
                    f"{i:05d}",
                    name,
                    fake.free_email() if i % 10 else f"{fake.user_name()}@",
                    fake.phone_number(),
                    rnd.choice([str(year), str(year)[2:], f"{year - 1}/{year}", f"06/{year}"]),
                    fake.date_of_birth(minimum_age=18, maximum_age=45).strftime("%d/%m/%Y"),
                    rnd.choice(consent_words),
                    rnd.choice(roles),
                    rnd.choice(["Graduate", "dropout", "", "certificate"]),
                    fake.job()[:30],
                    rnd.choice(["", "", fake.sentence()]),
                ]
            )
        options = ListOptions(teacher=f"Teacher {language}", region=region, today=dt.date(2025, 6, 1))
        out.append((Grid.from_rows(f"List - {language}", data), options))
    return out


def clear_caches() -> None:
    for module in (normalise, normalise_words):
        for value in vars(module).values():
            if callable(getattr(value, "cache_clear", None)):
                value.cache_clear()


def run(lists: list[tuple[Grid, ListOptions]]) -> tuple[float, int, int, int]:
    start = time.process_time()
    rows = records = issues = 0
    for grid, options in lists:
        result = read_list(grid, options)
        rows += result.summary.rows
        records += result.summary.records
        issues += result.summary.issues
    return time.process_time() - start, rows, records, issues


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    lists = build(args.rows)
    cold = []
    for _ in range(args.repeat):
        clear_caches()
        cold.append(run(lists))
    warm = run(lists)
    seconds, rows, records, issues = min(cold)
    print(f"lists: {len(lists)}  rows: {rows}  records: {records}  data issues: {issues}")
    print(f"cold caches: {seconds:.2f} s CPU  ({rows / seconds:,.0f} rows/s)  best of {args.repeat}")
    print(f"warm caches: {warm[0]:.2f} s CPU  ({rows / warm[0]:,.0f} rows/s)")


if __name__ == "__main__":
    main()
