"""Header vocabulary (five languages), header-row detection and column -> field mapping.

A header cell is compared in its folded form (no accents, lower case, words only; see
:func:`~sheets_sync.core.text.normalise.fold`). The longest vocabulary phrase found in it wins, so
"Nº de alumno" is a student id (not a name: "alumno"), "Relationship strength" is a strength (not a
role) and "Fecha de último contacto" a last-contact date (not a generic date). A word of five letters
or more also matches the start of a longer word ("telefoon" in "telefoonnummers"). When no phrase is
found, a close spelling of a whole phrase (rapidfuzz, >= 90) is accepted ("Telefono movl").
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from sheets_sync.core.model import Grid
from sheets_sync.core.text.fold import fold
from sheets_sync.core.text.normalise import LANGUAGES
from sheets_sync.schema import FIELDS

log = logging.getLogger(__name__)

SCAN_ROWS = 10  # the header must be in the first ten rows
IGNORE = "ignore"

# field -> language -> phrases separated by commas (written naturally; folded when the tables are built)
VOCABULARY: dict[str, dict[str, str]] = {
    "first_name": {
        "en": "first name, firstname, first names, given name, forename, christian name",
        "es": "nombre, nombres, nombre de pila, nombre pila",
        "it": "nome, nome proprio, nomi",
        "nl": "voornaam, voornamen, roepnaam",
        "et": "eesnimi, eesnimed, eesnime",
    },
    "surname": {
        "en": "surname, last name, lastname, family name, second name, surnames",
        "es": "apellido, apellidos, primer apellido, segundo apellido, 1er apellido, 2o apellido",
        "it": "cognome, cognomi",
        "nl": "achternaam, familienaam, tussenvoegsel, tussenvoegsels, tsv, geslachtsnaam",
        "et": "perekonnanimi, perenimi, perekonnanime",
    },
    "full_name": {
        "en": (
            "name, full name, student name, name of student, alumnus, alumna, alumni name, student, pupil, "
            "learner, name and surname, name surname, surname and name, former student"
        ),
        "es": (
            "nombre completo, nombre y apellidos, nombre y apellido, apellidos y nombre, apellidos nombre, "
            "apellido y nombre, alumno, alumna, alumno a, estudiante, nombre del alumno, nombre alumno, "
            "exalumno, antiguo alumno"
        ),
        "it": (
            "nome e cognome, cognome e nome, nome cognome, cognome nome, nominativo, studente, alunno, allievo, "
            "nome completo, ex allievo, ex alunno"
        ),
        "nl": "naam, volledige naam, leerling, naam leerling, oud leerling, naam student, alumnus",
        "et": "nimi, ees ja perekonnanimi, taisnimi, opilane, opilase nimi, vilistlane, vilistlase nimi, lopetaja",
    },
    "email": {
        "en": "email, e mail, email address, e mail address, mail, emails",
        "es": "correo, correo electronico, direccion de correo, email personal",
        "it": "posta elettronica, indirizzo email, indirizzo e mail, posta, pec",
        "nl": "emailadres, e mailadres, mailadres, e mailadressen",
        "et": "e post, epost, e posti aadress, meiliaadress, meil",
    },
    "phone": {
        "en": "phone, telephone, phone number, mobile, mobile number, tel, cell, contact number",
        "es": "telefono, movil, celular, tlf, tfno, telf, numero de telefono, telefono movil",
        "it": "telefono, cellulare, numero di telefono, recapito telefonico, recapito, telefono cellulare",
        "nl": "telefoon, telefoonnummer, mobiel, mobiel nummer, gsm, telefoonnr, mobiele nummer",
        "et": "telefon, telefoninumber, mobiil, telefoni number, mobiiltelefon, tel nr",
    },
    "student_id": {
        "en": "student id, id, student number, student no, id number, learner id, student code, student nr",
        "es": (
            "id alumno, numero de alumno, no de alumno, n de alumno, no alumno, num alumno, expediente, numero "
            "de expediente, nia, codigo alumno, n o de alumno, n o alumno"
        ),
        "it": "matricola, numero di matricola, n matricola, codice studente, id studente",
        "nl": "leerlingnummer, studentnummer, leerling nr, stamnummer, studentnr, llnr, ovnummer",
        "et": "opilase kood, opilaskood, matriklinumber, matrikli nr, opilase number, opilase id",
    },
    "birth_date": {
        "en": "date of birth, birth date, birthdate, dob, born, birthday",
        "es": "fecha de nacimiento, f nacimiento, nacimiento, fecha nac, f nac, fecha nacimiento",
        "it": "data di nascita, data nascita, nato il, nata il, nascita",
        "nl": "geboortedatum, geb datum, geboren, geboortedag",
        "et": "synniaeg, sunniaeg, synnikuupaev, sunnikuupaev, synd, sund",
    },
    "graduation_year": {
        "en": (
            "graduation year, year of graduation, graduated, grad year, class of, year, leaving year, year "
            "left, cohort, year of completion, graduation"
        ),
        "es": (
            "ano de graduacion, ano graduacion, ano, promocion, ano de finalizacion, ano de salida, graduacion, "
            "fin de estudios, curso academico, ano promocion, titulado en"
        ),
        "it": "anno di diploma, anno diploma, anno, anno di conseguimento, diplomato nel, anno uscita",
        "nl": "afstudeerjaar, jaar van afstuderen, jaar, examenjaar, diplomajaar, uitstroomjaar",
        "et": "lopetamise aasta, lopetamisaasta, aasta, lopuaasta, lend, lopetamise aeg",
    },
    "qualification": {
        "en": "qualification, course, programme, program, diploma, degree, specialty, study",
        "es": "titulo, titulacion, ciclo, ciclo formativo, especialidad, estudios",
        "it": "qualifica, corso, percorso, specializzazione, titolo di studio, indirizzo di studio",
        "nl": "opleiding, kwalificatie, studierichting, richting, crebo, opleidingsnaam",
        "et": "kutse, kvalifikatsioon, eriala, oppekava, kutseoppe oppekava",
    },
    "department": {
        "en": "department, dept, faculty, area, sector",
        "es": "departamento, familia profesional, area, depto, dpto",
        "it": "dipartimento, settore, reparto",
        "nl": "afdeling, sector, domein, team",
        "et": "osakond, valdkond, oppesuund",
    },
    "category": {
        "en": "category, alumni category, type, alumni type",
        "es": "categoria, tipo, tipo de alumni",
        "it": "categoria, tipologia",
        "nl": "categorie, soort",
        "et": "kategooria, liik, tuup",
    },
    "role": {
        "en": "role, relationship, relation, my role, connection, relationship to student",
        "es": "rol, relacion, vinculo, papel, mi rol, cargo",
        "it": "ruolo, relazione, rapporto, il mio ruolo",
        "nl": "rol, relatie, mijn rol, functie, band",
        "et": "roll, seos, suhe, minu roll",
    },
    "strength": {
        "en": "strength, relationship strength, closeness, tie strength, strength of relationship",
        "es": "fuerza, intensidad, grado de relacion, cercania, nivel de relacion, fuerza relacion",
        "it": "forza, intensita, vicinanza, forza della relazione, forza relazione",
        "nl": "sterkte, relatiesterkte, band sterkte, sterkte relatie, nabijheid",
        "et": "tugevus, suhte tugevus, lahedus, seose tugevus",
    },
    "last_contact": {
        "en": "last contact, last contacted, last contact date, date of last contact, contacted",
        "es": "ultimo contacto, fecha ultimo contacto, fecha de ultimo contacto, contactado",
        "it": "ultimo contatto, data ultimo contatto, data dell ultimo contatto, contattato",
        "nl": "laatste contact, laatst gesproken, laatste contactdatum, laatst gecontacteerd",
        "et": "viimane kontakt, viimati suheldud, viimane kontakt kuupaev, viimati",
    },
    "consent": {  # also the keep-in-touch question as a column header ("¿Quiere recibir info?")
        "en": (
            "consent, gdpr, gdpr consent, opt in, permission, may contact, opted in, keep in touch, "
            "stay in touch, receive info, receive information, receive news, receive updates, "
            "wants to receive, want to receive, happy to be contacted, can we contact, may we contact, "
            "ok to contact, contact ok, agrees to be contacted, newsletter, mailing list"
        ),
        "es": (
            "consentimiento, rgpd, lopd, autorizacion, acepta, permiso, acepta contacto, recibir info, "
            "recibir informacion, recibir noticias, quiere recibir, desea recibir, acepta recibir, "
            "mantener contacto, seguir en contacto, mantenerse en contacto, podemos contactar, "
            "se le puede contactar, contactable"
        ),
        "it": (
            "consenso, privacy, autorizzazione, liberatoria, consenso privacy, ricevere informazioni, "
            "ricevere info, ricevere notizie, vuole ricevere, desidera ricevere, restare in contatto, "
            "rimanere in contatto, mantenere i contatti, possiamo contattarla, contattabile"
        ),
        "nl": (
            "toestemming, avg, akkoord, privacy toestemming, op de hoogte blijven, op de hoogte houden, "
            "informatie ontvangen, info ontvangen, nieuws ontvangen, contact houden, in contact blijven, "
            "contact opnemen, mogen wij contact opnemen, mag contact opnemen, nieuwsbrief"
        ),
        "et": (
            "nousolek, isikuandmete tootlemise nousolek, luba, nous, infot saada, soovib infot, "
            "soovite infot, uudiseid saada, uudiskiri, uhendust hoida, kontakti hoida, "
            "voib uhendust votta, tohib uhendust votta"
        ),
    },
    "notes": {
        "en": "notes, note, comments, comment, remarks, observations, info, other info",
        "es": "notas, observaciones, comentarios, nota, otros datos",
        "it": "osservazioni, commenti, annotazioni, altro",
        "nl": "opmerkingen, notities, opmerking, aantekeningen, bijzonderheden",
        "et": "markused, kommentaarid, markus, lisainfo",
    },
    "address": {
        "en": "address, street, street address, home address, postal address",
        "es": "direccion, domicilio, calle, direccion postal",
        "it": "indirizzo, via, residenza, indirizzo di residenza",
        "nl": "adres, straat, straatnaam, woonadres, huisnummer",
        "et": "aadress, tanav, elukoht, postiaadress",
    },
    "postcode": {
        "en": "postcode, post code, postal code, zip, zip code, zipcode",
        "es": "codigo postal, cp, c p, cod postal",
        "it": "cap, codice postale, c a p",
        "nl": "postcode",
        "et": "postiindeks, sihtnumber, indeks",
    },
    "city": {
        "en": "city, town, locality, home town",
        "es": "ciudad, localidad, municipio, poblacion",
        "it": "citta, comune, localita, paese, comune di residenza",
        "nl": "plaats, woonplaats, stad, gemeente, plaatsnaam",
        "et": "linn, asula, vald, linn vald, omavalitsus",
    },
}
assert set(VOCABULARY) == set(FIELDS), "every config field needs header words"

# Fields that may come from several columns (joined in column order, or merged as lists)
MULTI_COLUMN = frozenset({"surname", "email", "phone", "notes", "address", "qualification"})
IDENTITY_FIELDS = frozenset({"first_name", "surname", "full_name", "email", "phone", "student_id"})

# Phrase tables: folded phrase (as words) -> (field, languages)
_PHRASES: dict[tuple[str, ...], tuple[str, frozenset[str]]] = {}
for _field, _by_language in VOCABULARY.items():
    for _language, _phrases in _by_language.items():
        for _phrase in _phrases.split(","):
            _key = tuple(fold(_phrase).split())
            _old = _PHRASES.get(_key)
            if _old is None:
                _PHRASES[_key] = (_field, frozenset({_language}))
            elif _old[0] == _field:
                _PHRASES[_key] = (_field, _old[1] | {_language})
_PREFIXES = {k[0]: v for k, v in _PHRASES.items() if len(k) == 1 and len(k[0]) >= 5}
_FUZZY_CHOICES = [" ".join(k) for k in _PHRASES if len(" ".join(k)) >= 6]
_MAX_PHRASE = max(len(k) for k in _PHRASES)
_LOOKS_LIKE_DATA = re.compile(r"@|\d{4,}|^\+?[\d\s().\-/]{6,}$|^\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}$")


@dataclass(frozen=True)
class HeaderGuess:
    """What one header cell was read as: its field (or None), the languages whose words matched,
    and how sure we are (2 = whole header is a phrase, 1 = phrase inside, 0.9 = word start,
    0.5 = fuzzy; + 0.01 per word of the phrase, so "Full name" beats "Name")."""

    field: str | None
    languages: frozenset[str] = frozenset()
    score: float = 0.0


@lru_cache(maxsize=16384)
def guess_field(header: str) -> HeaderGuess:
    """The field a header cell names, or ``HeaderGuess(None)``. Pure and cached."""
    words = fold(header).split()
    if not words or len(words) > 12:
        return HeaderGuess(None)
    key = tuple(words)
    if key in _PHRASES:
        field, languages = _PHRASES[key]
        return HeaderGuess(field, languages, 2.0 + 0.01 * len(key))  # longer = more specific
    for size in range(min(_MAX_PHRASE, len(words)), 0, -1):
        for start in range(len(words) - size + 1):
            hit = _PHRASES.get(tuple(words[start : start + size]))
            if hit is not None:
                return HeaderGuess(hit[0], hit[1], 1.0 + 0.01 * size)
    for word in words:
        for cut in range(len(word) - 1, 4, -1):
            hit = _PREFIXES.get(word[:cut])
            if hit is not None:
                return HeaderGuess(hit[0], hit[1], 0.9)
    joined = " ".join(words)
    if len(joined) >= 6:
        found = process.extractOne(joined, _FUZZY_CHOICES, scorer=fuzz.ratio, score_cutoff=90)
        if found is not None:
            field, languages = _PHRASES[tuple(found[0].split())]
            return HeaderGuess(field, languages, 0.5)
    return HeaderGuess(None)


@dataclass(frozen=True)
class Column:
    """One column of the list: index (0-based), the header as written, the field it feeds.

    ``field`` is a name from ``config.FIELDS``, ``"ignore"`` (config said so) or ``""`` (not
    recognised: the text is kept in ``raw`` only). ``source`` is "detected" or "config".
    """

    index: int
    header: str
    field: str
    source: str = "detected"


@dataclass(frozen=True)
class HeaderMatch:
    row: int  # 0-based index into Grid.rows
    columns: tuple[Column, ...]
    language: str | None

    @property
    def mapped(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.field and c.field != IGNORE)

    @property
    def fields(self) -> set[str]:
        return {c.field for c in self.mapped}


def _override(header: str, columns: Mapping[str, str]) -> str | None:
    if not columns:
        return None
    if header in columns:
        return columns[header]
    folded = fold(header)
    for written, field in columns.items():
        if fold(written) == folded and folded:
            return field
    return None


def map_columns(
    cells: Sequence[str], columns: Mapping[str, str] | None = None, language: str | None = None
) -> tuple[tuple[Column, ...], str | None]:
    """Map one header row's cells to fields; return the columns and the language the words suggest.

    Config overrides win. A single-valued field claimed by two columns goes to the more certain
    (or, on a tie, the first) one; the other is left unrecognised. A lone first-name column with
    no surname and no full-name column is read as a full name ("Nombre" often holds it all).
    """
    columns = columns or {}
    votes: Counter[str] = Counter()
    chosen: list[tuple[int, str, str, str, float]] = []
    for index, raw_header in enumerate(cells):
        header = raw_header.strip()
        if not header:
            continue
        forced = _override(header, columns)
        if forced is not None:
            chosen.append((index, header, forced, "config", 3.0))
            continue
        guess = guess_field(header)
        if guess.field is None:
            chosen.append((index, header, "", "detected", 0.0))
            continue
        for lang in guess.languages:
            votes[lang] += 1
        chosen.append((index, header, guess.field, "detected", guess.score))
    best: dict[str, tuple[float, int]] = {}
    for index, _, field, _, score in chosen:
        if field and field != IGNORE and field not in MULTI_COLUMN:
            if field not in best or score > best[field][0]:
                best[field] = (score, index)
    result: list[Column] = []
    for index, header, field, source, _ in chosen:
        if field and field != IGNORE and field not in MULTI_COLUMN and best[field][1] != index:
            field = ""
        result.append(Column(index, header, field, source))
    fields = {c.field for c in result}
    if "first_name" in fields and not fields & {"surname", "full_name"}:
        result = [
            Column(c.index, c.header, "full_name", c.source)
            if c.field == "first_name" and c.source == "detected"
            else c
            for c in result
        ]
    guessed = _pick_language(votes, language)
    return tuple(result), guessed


def _pick_language(votes: Counter[str], hint: str | None) -> str | None:
    """The hint when given; else the language with the most header words (None on a tie)."""
    if hint or not votes:
        return hint
    top = max(votes.values())
    leaders = [lang for lang in LANGUAGES if votes[lang] == top]
    return leaders[0] if len(leaders) == 1 else None


def _row_score(grid: Grid, index: int, columns: Mapping[str, str]) -> tuple[float, HeaderMatch]:
    cells = grid.rows[index]
    mapped_columns, language = map_columns(cells, columns)
    match = HeaderMatch(index, mapped_columns, language)
    mapped = match.mapped
    if not mapped:
        return 0.0, match
    filled = [c for c in cells if c.strip()]
    data_like = sum(1 for c in filled if _LOOKS_LIKE_DATA.search(c.strip()))
    long_cells = sum(1 for c in filled if len(c) > 60)
    score = 3.0 * len(match.fields) + len(mapped) - 2.0 * data_like - long_cells
    score += 0.5 * len(mapped) / max(len(filled), 1)
    # the next non-blank row should look like data: several cells filled
    for below in grid.rows[index + 1 : index + 4]:
        below_filled = [c for c in below if c.strip()]
        if below_filled:
            if len(below_filled) >= 2:
                score += 1.0
            break
    if not match.fields & IDENTITY_FIELDS:
        score -= 2.0
    return score, match


def detect_header(
    grid: Grid,
    columns: Mapping[str, str] | None = None,
    header_row: int | None = None,
    language: str | None = None,
) -> HeaderMatch | None:
    """Find the header row (or take ``header_row``, 1-based) and map its columns.

    Every one of the first ten rows is scored: +3 per distinct field named, +1 per mapped cell,
    -2 per cell that looks like data (an email, a long number, a date), +1 when the next filled
    row has several cells, -2 when no identity field (name, email, phone, id) is named. The best
    row wins if it names two fields, or one identity field. None when no row qualifies.
    """
    columns = columns or {}
    if header_row is not None:
        index = header_row - 1
        if index >= len(grid.rows):
            return None
        cols, guessed = map_columns(grid.rows[index], columns, language)
        match = HeaderMatch(index, cols, guessed)
        return match if match.mapped else None
    best: tuple[float, HeaderMatch] | None = None
    for index in range(min(SCAN_ROWS, len(grid.rows))):
        score, match = _row_score(grid, index, columns)
        if score > 0 and (best is None or score > best[0]):
            best = (score, match)
    if best is None:
        return None
    match = best[1]
    if len(match.fields) < 2 and not match.fields & IDENTITY_FIELDS:
        return None
    cols, guessed = map_columns(grid.rows[match.row], columns, language)
    log.debug("header row %d of %r: %d columns mapped", match.row + 1, grid.title, len(match.mapped))
    return HeaderMatch(match.row, cols, guessed)


def expected_words(language: str | None = None, per_field: int = 1) -> str:
    """A short list of header words for messages ("Name, Email, Phone, ...") in a language."""
    lang = language if language in LANGUAGES else "en"
    shown: list[str] = []
    for field in ("full_name", "first_name", "surname", "email", "phone", "student_id", "graduation_year"):
        shown.extend(p.strip() for p in VOCABULARY[field][lang].split(",")[:per_field])
    return ", ".join(word.capitalize() for word in shown)
