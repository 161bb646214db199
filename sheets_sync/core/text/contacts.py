"""Emails and phone numbers: one cell -> every address / E.164 number in it, as a :class:`Parsed`.

Email addresses are checked with email-validator (plain ASCII addresses by a regular expression
it always agrees with), phone numbers with phonenumbers (the common shapes read from their digits
once per number). See :mod:`sheets_sync.core.text.normalise` for the rules every normaliser follows.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from sheets_sync.core.text.fold import clean_text
from sheets_sync.core.text.normalise import EXCEL_NUMBER, Parsed, quote, short_cache

log = logging.getLogger(__name__)


# Messages (kept together for translation). The fix is for the list's owner: never "edit the config".
PHONE_INVALID = "not a valid phone number for {region}"
PHONE_FIX = "write it with its country code, e.g. {example}"


def _found(text: str, found: list[str], bad: list[str], problem: str, fix: str) -> Parsed[tuple[str, ...]]:
    """What a cell of emails or phones gave: the values found, and the parts that are not one
    (a cell with nothing recognisable is all bad) quoted in the problem."""
    if not found and not bad and clean_text(text):
        bad.append(clean_text(text))
    if bad:
        return Parsed(tuple(found), f"{problem}: {quote(', '.join(bad))}", fix)
    return Parsed(tuple(found))


_EMAIL_SEPARATORS = re.compile(r"[;,/\s|]+")
_EMAIL_TRIM = "<>()[]{}\"'.:"


# A plain ASCII address that email_validator always accepts as is: checked here without calling it
# (it costs ~0.2 ms per address). Special-use top-level domains still go to the library.
_PLAIN_EMAIL = re.compile(
    r"^(?=.{1,64}@)[a-z0-9_%+\-]+(?:\.[a-z0-9_%+\-]+)*"
    r"@(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?\.)+([a-z]{2,63})$"
)
_SPECIAL_USE_TLDS = frozenset(
    {"arpa", "invalid", "local", "localhost", "onion", "test", "internal", "home", "lan"}
)


@short_cache
def _check_email(address: str) -> str | None:
    lowered = address.lower()
    plain = _PLAIN_EMAIL.match(lowered)
    if plain and plain[1] not in _SPECIAL_USE_TLDS and "--" not in lowered:
        return lowered
    try:
        return validate_email(address, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        return None


@short_cache
def emails(text: str) -> Parsed[tuple[str, ...]]:
    """One or more addresses separated by ``;`` ``,`` ``/`` spaces or newlines -> lower-cased, checked.

    Words without ``@`` next to an address ("Ana <ana@x.es>", "mailto:") are ignored. Good addresses
    are kept even when another part of the cell is bad (the bad part is the problem).
    """
    found: list[str] = []
    bad: list[str] = []
    for part in _EMAIL_SEPARATORS.split(text.replace("mailto:", " ")):
        part = part.strip(_EMAIL_TRIM)
        if not part:
            continue
        if "@" not in part:
            if "." in part and not found and not any("@" in p for p in text.split()):
                bad.append(part)
            continue
        normalised = _check_email(part)
        if normalised is None:
            bad.append(part)
        elif normalised not in found:
            found.append(normalised)
    return _found(
        text, found, bad, "not a valid email address", "write it as name@domain.tld; separate several with ;"
    )


_PHONE_HARD_SEPARATORS = re.compile(r"[;\n|]+|\s+(?:or|o|of|või|oppure)\s+", re.IGNORECASE)
_PHONE_SOFT_SEPARATORS = re.compile(r"[,/]")
_DIGITS = re.compile(r"\d")
_EXCEL_SCIENTIFIC = re.compile(r"^\d(?:[.,]\d+)?[eE]\+?\d+$")


_BARE_DIGITS = re.compile(r"^[\d\s.\-]+$")
_LABEL_IN_BRACKETS = re.compile(r"\([^)]*[^\W\d_][^)]*\)")
_AFTER_LAST_DIGIT = re.compile(r"(?<=\d)[^\d]*$")


def _split_phones(text: str) -> list[str]:
    pieces: list[str] = []
    for chunk in _PHONE_HARD_SEPARATORS.split(text):
        soft = _PHONE_SOFT_SEPARATORS.split(chunk)
        if len(soft) > 1 and all(len(_DIGITS.findall(s)) >= 6 for s in soft):
            pieces.extend(soft)
        else:
            pieces.append(chunk)
    # drop labels that follow or sit inside a number: "612 34 56 78 (madre)", "0612345678 ouders"
    pieces = [_AFTER_LAST_DIGIT.sub("", _LABEL_IN_BRACKETS.sub(" ", p)) for p in pieces]
    return [p.strip() for p in pieces if p.strip()]


def _candidates(piece: str) -> list[str]:
    """The number a cell holds: as typed, or what Excel made of it ("612345678.0", "3.4612E+10")."""
    if EXCEL_NUMBER.match(piece):
        return [piece.split(".")[0]]
    if _EXCEL_SCIENTIFIC.match(piece):
        try:
            return [str(int(float(piece.replace(",", "."))))]
        except (ValueError, OverflowError):
            return []
    return [piece]


def _attempts(text: str, digits: str, bare: bool) -> list[str]:
    attempts = [text]
    if bare and len(digits) >= 10 and digits[0] != "0":
        attempts.append("+" + digits)  # "34612345678": an international number without its +
    return attempts


@short_cache
def _parse_phone(piece: str, region: str) -> str | None:
    for candidate in _candidates(piece):
        digits = "".join(_DIGITS.findall(candidate))
        bare = _BARE_DIGITS.match(candidate) is not None
        simple = _SIMPLE_PHONE.match(candidate) if len(candidate) <= 100 and len(digits) >= 3 else None
        if simple:  # the common shapes: only the + and the digits matter to phonenumbers
            return _parse_digits(bool(simple[1]), digits, bare, region)
        found = _first_valid(_attempts(candidate, digits, bare), region)
        if found is not None:
            return found
    return None


def parse_phone_as_typed(piece: str, region: str) -> str | None:
    """:func:`_parse_phone` without its fast path: phonenumbers reads the text as typed (the
    reference the fast path is tested and benchmarked against)."""
    for candidate in _candidates(piece):
        digits = "".join(_DIGITS.findall(candidate))
        found = _first_valid(_attempts(candidate, digits, _BARE_DIGITS.match(candidate) is not None), region)
        if found is not None:
            return found
    return None


# "+34 612 34 56 78", "(+34) 612-345-678", "0612.34.56.78", "06/12345678": a + (perhaps in a
# bracket) and ASCII digits with spaces . - ( ) / between them. phonenumbers.parse reads such a
# text exactly as "+" + digits or digits (no letters, extension or second number to find), so
# the parse is done on that canonical form, once per number whatever way it was typed.
_SIMPLE_PHONE = re.compile(r"^\(?(\+?)[0-9 .\-()/]*$")


@lru_cache(maxsize=65536)
def _parse_digits(plus: bool, digits: str, bare: bool, region: str) -> str | None:
    return _first_valid(_attempts("+" + digits if plus else digits, digits, bare), region)


def _first_valid(attempts: list[str], region: str) -> str | None:
    for attempt in attempts:
        try:
            number = phonenumbers.parse(attempt, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return None


@short_cache
def phones(text: str, region: str = "ES", fallback_region: str | None = None) -> Parsed[tuple[str, ...]]:
    """One or more phone numbers -> E.164 (``+34612345678``).

    Numbers without a country code are read in ``region``; when one is not valid there but is
    in ``fallback_region`` (the list's language region) that one is used. Several numbers may be
    separated by ``;`` ``,`` ``/`` newlines or "or"; labels such as "mobile:" are fine.
    """
    found: list[str] = []
    bad: list[str] = []
    for piece in _split_phones(text[:2000]):
        if len(_DIGITS.findall(piece)) < 3:
            continue  # a label ("mother", "móvil") on its own
        e164 = _parse_phone(piece, region.upper())
        if e164 is None and fallback_region and fallback_region != region:
            e164 = _parse_phone(piece, fallback_region.upper())
        if e164 is None:
            bad.append(piece)
        elif e164 not in found:
            found.append(e164)
    return _found(
        text, found, bad, PHONE_INVALID.format(region=region), PHONE_FIX.format(example=example(region))
    )


@lru_cache(maxsize=64)
def example(region: str) -> str:
    """A mobile number of ``region`` as people write it internationally (``+372 5123 4567``)."""
    number = phonenumbers.example_number_for_type(region.upper(), phonenumbers.PhoneNumberType.MOBILE)
    if number is None:
        return "+<country code> <number>"
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
