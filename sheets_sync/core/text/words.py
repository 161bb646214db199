"""Normalisers for word-valued fields: consent, role, relationship strength, alumni category, postcode.

Words are recognised in English, Spanish, Italian, Dutch and Estonian, with or without accents, in
any case; the longest phrase found in a cell wins ("no titulado" is a non-graduate, not a graduate).
"""

from __future__ import annotations

import re

from sheets_sync.core.text.fold import clean_text, fold
from sheets_sync.core.text.normalise import (
    EXCEL_NUMBER,
    Parsed,
    longest_phrase,
    phrase_lookup,
    quote,
    short_cache,
)
from sheets_sync.schema import ALUMNI_CATEGORIES

_CONSENT = phrase_lookup(
    {
        "yes": (
            "yes, y, true, 1, x, ok, si, s, ja, j, jah, jaa, oui, agreed, agree, accepted, accepts, given, "
            "signed, acepta, aceptado, autoriza, autorizado, vale, consiente, dado, firmado, accetta, "
            "accettato, autorizzato, consenso, dato, firmato, akkoord, toestemming, gegeven, getekend, goed, "
            "nous, noustub, lubatud, antud, opted in, opt in"
        ),
        "no": (
            "no, n, false, 0, nee, nein, ei, non, not, unsubscribed, baja, revoked, withdrawn, declined, "
            "refused, denied, rechaza, rechazado, denegado, revocado, retirado, nega, negato, rifiutato, "
            "revocato, afgemeld, geweigerd, ingetrokken, keeldus, keeldub, tagasi, voetud, opted out, opt out, "
            "dado de baja, de baja, no contactar, do not contact, dont contact, no contact, non contattare, "
            "niet benaderen, niet contacteren, geen toestemming, ei soovi, mitte votta uhendust, not given, no "
            "consent, sin consentimiento, senza consenso, ei ole nous, ei nous"
        ),
    }
)
_CONSENT_MARKS = {"✓": True, "✔": True, "☑": True, "✅": True, "✗": False, "✘": False, "❌": False}


@short_cache
def consent(text: str) -> Parsed[bool | None]:
    """Yes/no words in five languages, ticks and 1/0. "No" wins when both appear (opted out wins)."""
    s = clean_text(text)
    if not s:
        return Parsed(None)
    if s in _CONSENT_MARKS:
        return Parsed(_CONSENT_MARKS[s])
    folded = fold(s)
    words = folded.split()
    hits = {_CONSENT.get(tuple(words[i : i + n])) for n in (1, 2, 3, 4) for i in range(len(words) - n + 1)}
    if "no" in hits:
        return Parsed(False)
    if "yes" in hits:
        return Parsed(True)
    return Parsed(
        None,
        f"consent not understood: {quote(s)}",
        "write Yes or No (sí/no, sì/no, ja/nee, jah/ei are fine too)",
    )


_ROLES = phrase_lookup(
    {
        "class teacher": (
            "class teacher, form teacher, form tutor, homeroom teacher, tutor de grupo, tutora de grupo, tutor "
            "de curso, tutor de clase, coordinatore di classe, coordinatrice di classe, coordinatore, "
            "coordinatrice, klassenmentor, klassenleraar, klassijuhataja, ruhmajuhendaja, ruhmajuhataja"
        ),
        "tutor": (
            "tutor, tutora, tutor de practicas, tutor fct, tutor aziendale, tutor scolastico, tutor di stage, "
            "juhendaja, praktikajuhendaja, praktijkbegeleider, stagebegeleider, begeleider"
        ),
        "mentor": (
            "mentor, mentora, mentore, slb, slber, studieloopbaanbegeleider, loopbaanbegeleider, coach, "
            "mentoropetaja"
        ),
        "teacher": (
            "teacher, lecturer, instructor, trainer, profesor, profesora, profe, maestro, maestra, docente, "
            "professore, professoressa, insegnante, docent, leraar, lerares, opettaja, opetaja, kutseopetaja, "
            "oppejoud"
        ),
        "other": "other, otro, otra, altro, altra, anders, overig, muu",
    }
)


@short_cache
def role(text: str) -> Parsed[str]:
    """The teacher's relationship to the alumnus -> tutor / mentor / class teacher / teacher / other.

    Any other wording ("football coach", "neighbour") is a legitimate ``other``; a value without
    letters is a problem.
    """
    s = clean_text(text)
    if not s:
        return Parsed("")
    hit = longest_phrase(s, _ROLES)
    if hit:
        return Parsed(hit)
    if not any(c.isalpha() for c in s):
        return Parsed("", f"not a role: {quote(s)}", "write tutor, mentor, class teacher, teacher or other")
    return Parsed("other")


_STRENGTH = phrase_lookup(
    {
        "5": (
            "very strong, very close, muy fuerte, muy alta, molto forte, fortissimo, zeer sterk, heel sterk, "
            "vaga tugev, very high"
        ),
        "4": (
            "strong, close, high, fuerte, alta, alto, estrecha, forte, stretto, sterk, hoog, nauw, tugev, "
            "korge, lahedane"
        ),
        "3": "medium, moderate, average, normal, media, medio, regular, normale, gemiddeld, matig, keskmine",
        "2": "weak, low, loose, debil, baja, bajo, debole, bassa, basso, zwak, laag, nork, madal",
        "1": "very weak, very low, muy debil, muy baja, molto debole, zeer zwak, vaga nork",
    }
)
_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")
_OUT_OF = re.compile(r"^(\d+(?:[.,]\d+)?)\s*(?:/|de|di|van|of|out of|uit|st)\s*(\d+)$")


@short_cache
def strength(text: str) -> Parsed[int | None]:
    """Relationship strength 1 (weak) .. 5 (strong): a number, ``"4/5"``, ``"8/10"``, stars, or a word
    (very weak 1, weak 2, medium 3, strong 4, very strong 5 — in the five languages)."""
    s = clean_text(text)
    if not s:
        return Parsed(None)
    fix = "write a number from 1 (weak) to 5 (strong), or weak / medium / strong"
    stars = s.count("★") + s.count("*") + s.count("⭐")
    if stars and not s.strip("★*⭐☆ "):
        return Parsed(min(stars, 5))
    folded = fold(s.replace(",", "."))
    number: float | None = None
    scale = 5.0
    dotted = s.replace(",", ".")
    if _NUMBER.match(dotted):
        number = float(dotted)
    elif m := _OUT_OF.match(dotted.lower()):
        number, scale = float(m[1]), float(m[2])
    if number is not None:
        if scale <= 0 or number < 0 or number > scale:
            return Parsed(None, f"strength out of range: {quote(s)}", fix)
        value = number if scale == 5 else number / scale * 5
        if not 1 <= round(value) <= 5:
            return Parsed(None, f"strength out of range: {quote(s)}", fix)
        return Parsed(int(round(value)))
    hit = longest_phrase(folded, _STRENGTH)
    if hit:
        return Parsed(int(hit))
    return Parsed(None, f"strength not understood: {quote(s)}", fix)


_CATEGORIES = phrase_lookup(
    {
        ALUMNI_CATEGORIES[0]: (
            "graduate, graduates, graduated, diploma, titulado, titulada, titulados, graduado, graduada, "
            "egresado, egresada, diplomato, diplomata, diplomati, qualificato, gediplomeerd, geslaagd, "
            "afgestudeerd, lopetanud, lopetaja, lopetajad, vilistlane, with diploma, con titulo, met diploma, "
            "diploma obtained"
        ),
        ALUMNI_CATEGORIES[1]: (
            "dropout, dropouts, nongraduate, abandono, abandona, ritirato, ritirata, abbandono, uitvaller, "
            "uitgevallen, gestopt, katkestanud, katkestaja, valjalangenu, drop out, dropped out, non graduate, "
            "non graduates, not graduated, did not graduate, early leaver, left early, no titulado, no "
            "titulada, sin titulo, non diplomato, non diplomata, senza diploma, niet geslaagd, zonder diploma, "
            "voortijdig schoolverlater, ei lopetanud"
        ),
        ALUMNI_CATEGORIES[2]: (
            "certificate, certificates, certification, award, awards, certificado, certificacion, acreditacion, "
            "premio, certificato, certificazione, attestato, certificaat, certificering, prijs, sertifikaat, "
            "tunnistus, auhind, certificate or award, professional certificate, certificado de profesionalidad"
        ),
        ALUMNI_CATEGORIES[3]: (
            "apprentice, apprentices, apprenticeship, aprendiz, aprendices, formacion dual, fp dual, dual, "
            "apprendista, apprendisti, apprendistato, leerling bbl, bbl, leerwerktraject, leerbaan, "
            "praktikant opipoiss, opipoiss, toopohine ope, tookohapohine ope"
        ),
        ALUMNI_CATEGORIES[4]: (
            "visiting student, visiting students, mobility student, exchange student, erasmus, erasmus student, "
            "estudiante de movilidad, estudiante visitante, estudiante erasmus, studente in mobilita, "
            "studente ospite, studente erasmus, uitwisselingsstudent, gaststudent, vahetusopilane, "
            "kulalisopilane"
        ),
        ALUMNI_CATEGORIES[5]: (
            "former employee, former employees, former staff, ex employee, staff, antiguo empleado, "
            "antigua empleada, ex empleado, ex empleada, ex trabajador, ex dipendente, ex docente, "
            "oud medewerker, voormalig medewerker, oud werknemer, endine tootaja, endine opetaja"
        ),
        ALUMNI_CATEGORIES[-1]: "other, otro, otra, altro, anders, overig, muu",
    }
)


@short_cache
def category(text: str, extra: tuple[str, ...] = ()) -> Parsed[str]:
    """Alumni category words -> one of ``tabs.ALUMNI_CATEGORIES`` (guide §2) or of the school's own
    ``extra`` categories (written as configured, case and accents aside); anything else is Other."""
    s = clean_text(text)
    if not s:
        return Parsed("")
    folded = fold(s)
    own = next((c for c in extra if fold(c) == folded), None)
    if own is not None:
        return Parsed(own)
    return Parsed(longest_phrase(s, _CATEGORIES) or ALUMNI_CATEGORIES[-1])


def postcode(text: str) -> Parsed[str]:
    """Kept as text ("08001" survives), upper-cased, single spaces ("1234 ab" -> "1234 AB")."""
    s = clean_text(text).upper()
    if EXCEL_NUMBER.match(s):
        s = s.split(".")[0]
    return Parsed(s)
