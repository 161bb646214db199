"""Cell values: what a write stores (RAW vs USER_ENTERED) and what a read renders.

A stored cell is a dict shaped like the API's ``CellData``: ``userEnteredValue``
(``stringValue`` / ``numberValue`` / ``boolValue`` / ``formulaValue``) and
optionally ``userEnteredFormat`` (a ``numberFormat`` is set when typing a date,
a percentage, a grouped number, as Google does), ``note``, ``dataValidation``.
Formulas are stored as text; only plain arithmetic and same-sheet references
(``=4/2``, ``=A1*2``, ``=SUM(A1:A3)``) are evaluated, any other formula reads
back as its own text.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sheets_sync.emulator.formulas import Lookup, evaluate_formula, general_number

EPOCH = dt.datetime(1899, 12, 30)
_NUMBER = re.compile(r"^([+-]?)(\$?)((?:\d{1,3}(?:,\d{3})+)|\d*)(\.\d*)?([eE][+-]?\d+)?(%?)$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_SLASH_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_YMD_SLASH = re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")


def to_serial(value: dt.datetime) -> float:
    delta = value - EPOCH
    return delta.days + delta.seconds / 86400


def from_serial(serial: float) -> dt.datetime:
    return EPOCH + dt.timedelta(days=serial)


def _num(value: float) -> int | float:
    """JSON number as Google sends it: integral values without a fraction."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    return value


def parse_raw(value: Any) -> dict[str, Any] | None:
    """``RAW``: strings stay text (``=1+1`` too); ``None`` means "leave the cell"."""
    if value is None:
        return None
    if isinstance(value, bool):
        return {"userEnteredValue": {"boolValue": value}}
    if isinstance(value, (int, float)):
        return {"userEnteredValue": {"numberValue": _num(value)}}
    text = str(value)
    if text == "":
        return {}
    return {"userEnteredValue": {"stringValue": text}}


def parse_user_entered(value: Any) -> dict[str, Any] | None:
    """``USER_ENTERED``: parse like typing into the UI."""
    if value is None or not isinstance(value, str):
        return parse_raw(value)
    text = value
    if text == "":
        return {}
    if text.startswith("'"):
        return {"userEnteredValue": {"stringValue": text[1:]}}
    if text.startswith("=") and len(text) > 1:
        return {"userEnteredValue": {"formulaValue": text}}
    if text.upper() in ("TRUE", "FALSE"):
        return {"userEnteredValue": {"boolValue": text.upper() == "TRUE"}}
    stripped = text.strip()
    number = _parse_number(stripped)
    if number is not None:
        return number
    when = _parse_date(stripped)
    if when is not None:
        return when
    return {"userEnteredValue": {"stringValue": text}}


def _parse_number(text: str) -> dict[str, Any] | None:
    m = _NUMBER.match(text)
    if not m:
        return None
    sign, dollar, whole, frac, exp, pct = m.groups()
    if not any(ch.isdigit() for ch in (whole or "") + (frac or "")):
        return None
    value = float((whole or "0").replace(",", "") + (frac or "") + (exp or ""))
    if sign == "-":
        value = -value
    decimals = len(frac) - 1 if frac else 0
    cell: dict[str, Any] = {}
    if pct:
        value /= 100
        pattern = "0" + ("." + "0" * decimals if decimals else "") + "%"
        cell["userEnteredFormat"] = {"numberFormat": {"type": "PERCENT", "pattern": pattern}}
    elif dollar:
        pattern = '"$"#,##0' + ("." + "0" * decimals if decimals else "")
        cell["userEnteredFormat"] = {"numberFormat": {"type": "CURRENCY", "pattern": pattern}}
    elif "," in (whole or ""):
        pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
        cell["userEnteredFormat"] = {"numberFormat": {"type": "NUMBER", "pattern": pattern}}
    elif exp:
        cell["userEnteredFormat"] = {"numberFormat": {"type": "SCIENTIFIC", "pattern": "0.00E+00"}}
    cell["userEnteredValue"] = {"numberValue": _num(value)}
    return cell


def _parse_date(text: str) -> dict[str, Any] | None:
    try:
        if m := _ISO_DATE.match(text):
            y, mo, d, hh, mi, ss = m.groups()
            when = dt.datetime(int(y), int(mo), int(d), int(hh or 0), int(mi or 0), int(ss or 0))
            if hh is None:
                kind, pattern = "DATE", "yyyy-mm-dd"
            else:
                kind, pattern = "DATE_TIME", "yyyy-mm-dd h:mm:ss"
        elif m := _SLASH_DATE.match(text):
            mo, d, y = m.groups()
            when, kind, pattern = dt.datetime(int(y), int(mo), int(d)), "DATE", "M/d/yyyy"
        elif m := _YMD_SLASH.match(text):
            y, mo, d = m.groups()
            when, kind, pattern = dt.datetime(int(y), int(mo), int(d)), "DATE", "yyyy/mm/dd"
        elif m := _TIME.match(text):
            hh, mi, ss = m.groups()
            if int(hh) > 23 or int(mi) > 59:
                return None
            seconds = int(hh) * 3600 + int(mi) * 60 + int(ss or 0)
            pattern = "h:mm:ss" if ss else "h:mm"
            return {
                "userEnteredValue": {"numberValue": _num(seconds / 86400)},
                "userEnteredFormat": {"numberFormat": {"type": "TIME", "pattern": pattern}},
            }
        else:
            return None
    except ValueError:
        return None
    return {
        "userEnteredValue": {"numberValue": _num(to_serial(when))},
        "userEnteredFormat": {"numberFormat": {"type": kind, "pattern": pattern}},
    }


# ---------------------------------------------------------------- reading


def effective_value(cell: dict[str, Any], lookup: Lookup | None = None) -> dict[str, Any] | None:
    """The computed ``ExtendedValue`` of a cell (formulas evaluated when trivial)."""
    entered = cell.get("userEnteredValue")
    if not entered:
        return None
    if "formulaValue" in entered:
        result = evaluate_formula(entered["formulaValue"], lookup)
        if result is None:
            return {"stringValue": entered["formulaValue"]}
        if isinstance(result, bool):
            return {"boolValue": result}
        if isinstance(result, str):
            return {"stringValue": result}
        return {"numberValue": _num(result)}
    return dict(entered)


def number_format(cell: dict[str, Any]) -> dict[str, Any] | None:
    fmt = cell.get("userEnteredFormat") or {}
    return fmt.get("numberFormat")


def format_value(value: dict[str, Any] | None, numfmt: dict[str, Any] | None) -> str:
    """The ``formattedValue`` of an effective value."""
    if not value:
        return ""
    if "stringValue" in value:
        return str(value["stringValue"])
    if "boolValue" in value:
        return "TRUE" if value["boolValue"] else "FALSE"
    if "errorValue" in value:
        return "#ERROR!"
    number = float(value.get("numberValue", 0))
    if numfmt and numfmt.get("pattern") is not None or numfmt and numfmt.get("type"):
        return apply_pattern(number, numfmt)
    return general_number(number)


def apply_pattern(number: float, numfmt: dict[str, Any]) -> str:
    kind = numfmt.get("type", "NUMBER")
    pattern = numfmt.get("pattern") or {
        "DATE": "yyyy-mm-dd",
        "TIME": "h:mm:ss",
        "DATE_TIME": "yyyy-mm-dd h:mm:ss",
        "PERCENT": "0.00%",
        "CURRENCY": '"$"#,##0.00',
        "NUMBER": "#,##0.00",
        "SCIENTIFIC": "0.00E+00",
        "TEXT": "@",
    }.get(kind, "General")
    if kind in ("DATE", "TIME", "DATE_TIME"):
        return _format_date(from_serial(number), pattern)
    if pattern in ("General", "@"):
        return general_number(number)
    return _format_number(number, pattern)


def _format_number(number: float, pattern: str) -> str:
    section = pattern.split(";")[0]
    prefix = suffix = ""
    literal = re.findall(r'"([^"]*)"', section)
    core = re.sub(r'"[^"]*"', "", section)
    if literal:
        if section.startswith('"'):
            prefix = literal[0]
        else:
            suffix = literal[-1]
    if "E" in core.upper():
        decimals = len(core.split(".")[1].upper().split("E")[0]) if "." in core else 0
        mantissa, _, exp = f"{number:.{decimals}E}".partition("E")
        return f"{prefix}{mantissa}E{'+' if int(exp) >= 0 else '-'}{abs(int(exp)):02d}{suffix}"
    percent = "%" in core
    if percent:
        number *= 100
    decimals = len(re.sub(r"[^0#?]", "", core.split(".")[1])) if "." in core else 0
    grouped = "," in core.split(".")[0]
    text = f"{abs(number):{',' if grouped else ''}.{decimals}f}"
    sign = "-" if number < 0 and float(text.replace(",", "")) != 0 else ""
    return f"{sign}{prefix}{text}{'%' if percent else ''}{suffix}"


def _format_date(when: dt.datetime, pattern: str) -> str:
    tokens = re.findall(r"yyyy|yy|mmmm|mmm|mm|m|MM|M|dddd|ddd|dd|d|hh|h|HH|H|ss|s|am/pm|AM/PM|.", pattern)
    out: list[str] = []
    has_ampm = any(t.lower() == "am/pm" for t in tokens)
    for i, token in enumerate(tokens):
        low = token.lower()
        prev = next((t.lower() for t in reversed(tokens[:i]) if t.isalpha()), "")
        nxt = next((t.lower() for t in tokens[i + 1 :] if t.isalpha()), "")
        is_minute = low in ("m", "mm") and (prev.startswith("h") or nxt.startswith("s"))
        if low == "yyyy":
            out.append(f"{when.year:04d}")
        elif low == "yy":
            out.append(f"{when.year % 100:02d}")
        elif low == "mmmm":
            out.append(when.strftime("%B"))
        elif low == "mmm":
            out.append(when.strftime("%b"))
        elif low in ("mm", "m"):
            value = when.minute if is_minute else when.month
            out.append(f"{value:02d}" if low == "mm" else str(value))
        elif low == "dddd":
            out.append(when.strftime("%A"))
        elif low == "ddd":
            out.append(when.strftime("%a"))
        elif low in ("dd", "d"):
            out.append(f"{when.day:02d}" if low == "dd" else str(when.day))
        elif low in ("hh", "h"):
            hour = when.hour % 12 or 12 if has_ampm else when.hour
            out.append(f"{hour:02d}" if low == "hh" else str(hour))
        elif low in ("ss", "s"):
            out.append(f"{when.second:02d}" if low == "ss" else str(when.second))
        elif low == "am/pm":
            out.append("AM" if when.hour < 12 else "PM")
        else:
            out.append(token)
    return "".join(out)


def render(
    cell: dict[str, Any] | None,
    option: str,
    date_option: str = "SERIAL_NUMBER",
    lookup: Lookup | None = None,
) -> Any:
    """One cell as ``values.get`` returns it for ``valueRenderOption=option``."""
    if not cell or not cell.get("userEnteredValue"):
        return ""
    entered = cell["userEnteredValue"]
    if option == "FORMULA" and "formulaValue" in entered:
        return entered["formulaValue"]
    value = effective_value(cell, lookup)
    numfmt = number_format(cell)
    if option == "FORMATTED_VALUE":
        return format_value(value, numfmt)
    if not value:
        return ""
    if "numberValue" in value:
        if (
            date_option == "FORMATTED_STRING"
            and numfmt
            and numfmt.get("type") in ("DATE", "TIME", "DATE_TIME")
        ):
            return format_value(value, numfmt)
        return _num(value["numberValue"])
    if "boolValue" in value:
        return value["boolValue"]
    if "errorValue" in value:
        return "#ERROR!"
    return value.get("stringValue", "")


def is_empty(cell: dict[str, Any] | None) -> bool:
    return not cell or not cell.get("userEnteredValue")


def ref_lookup_value(cell: dict[str, Any] | None) -> Any:
    """Value of a referenced cell inside a formula (numbers as float)."""
    if not cell:
        return ""
    value = effective_value(cell, None) or {}
    if "numberValue" in value:
        return float(value["numberValue"])
    if "boolValue" in value:
        return value["boolValue"]
    return value.get("stringValue", "")


__all__ = ["parse_raw", "parse_user_entered", "render", "is_empty"]
