"""Evaluation of trivial formulas: arithmetic, ``&``, same-sheet refs, SUM/MIN/MAX/AVERAGE/COUNT.

Anything else is "unsupported" (``None``) and the cell reads back as its formula text.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

from sheets_sync.emulator.a1 import parse_cells

Lookup = Callable[[int, int], Any]


def general_number(number: float) -> str:
    if number == 0:
        return "0"
    if abs(number) >= 1e15 or abs(number) < 1e-10:
        mantissa, _, exp = f"{number:.5E}".partition("E")
        mantissa = mantissa.rstrip("0").rstrip(".")
        return f"{mantissa}E{'+' if int(exp) >= 0 else '-'}{abs(int(exp)):02d}"
    digits = max(0, 10 - max(0, int(math.floor(math.log10(abs(number)))) + 1) + 1)
    text = f"{round(number, min(digits, 10)):.{min(digits, 10)}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


_TOKEN = re.compile(
    r"\s*(?:(\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+)|([A-Za-z]+\d+(?::[A-Za-z]+\d+)?)|"
    r"([A-Za-z]+)\s*\(|(\"[^\"]*\")|([-+*/^(),&]))"
)


def evaluate_formula(formula: str, lookup: Lookup | None) -> float | str | bool | None:
    """Evaluate ``=`` arithmetic, same-sheet refs and SUM/MIN/MAX/AVERAGE; ``None`` if unsupported."""
    text = formula[1:].strip()
    tokens: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            return None
        number, ref, func, string, op = m.groups()
        if number is not None:
            tokens.append(("num", number))
        elif ref is not None:
            tokens.append(("ref", ref))
        elif func is not None:
            tokens.append(("func", func.upper()))
        elif string is not None:
            tokens.append(("str", string[1:-1]))
        else:
            tokens.append(("op", op))
        pos = m.end()
    try:
        parser = _Parser(tokens, lookup)
        result = parser.expr()
        if parser.i != len(tokens):
            return None
        return result
    except (_Unsupported, ZeroDivisionError, OverflowError, ValueError, TypeError):
        return None


class _Unsupported(Exception):
    pass


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]], lookup: Lookup | None) -> None:
        self.tokens, self.i, self.lookup = tokens, 0, lookup

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        if self.i >= len(self.tokens):
            raise _Unsupported
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def expr(self) -> Any:
        left = self.term()
        while (tok := self.peek()) and tok in (("op", "+"), ("op", "-"), ("op", "&")):
            self.take()
            right = self.term()
            if tok[1] == "&":
                left = f"{_text(left)}{_text(right)}"
            else:
                left = _f(left) + _f(right) if tok[1] == "+" else _f(left) - _f(right)
        return left

    def term(self) -> Any:
        left = self.power()
        while (tok := self.peek()) and tok in (("op", "*"), ("op", "/")):
            self.take()
            right = self.power()
            left = _f(left) * _f(right) if tok[1] == "*" else _f(left) / _f(right)
        return left

    def power(self) -> Any:
        base = self.unary()
        if self.peek() == ("op", "^"):
            self.take()
            return _f(base) ** _f(self.power())
        return base

    def unary(self) -> Any:
        tok = self.peek()
        if tok in (("op", "-"), ("op", "+")):
            self.take()
            value = _f(self.unary())
            return -value if tok == ("op", "-") else value
        return self.atom()

    def atom(self) -> Any:
        kind, text = self.take()
        if kind == "num":
            return float(text)
        if kind == "str":
            return text
        if kind == "ref":
            values = self.ref_values(text)
            if ":" in text:
                raise _Unsupported
            return values[0] if values else 0.0
        if kind == "func":
            args: list[Any] = []
            while self.peek() != ("op", ")"):
                tok = self.peek()
                if tok and tok[0] == "ref" and ":" in tok[1]:
                    self.take()
                    args.extend(v for v in self.ref_values(tok[1]) if isinstance(v, float))
                else:
                    args.append(self.expr())
                if self.peek() == ("op", ","):
                    self.take()
            self.take()
            return _call(text, args)
        if (kind, text) == ("op", "("):
            value = self.expr()
            if self.take() != ("op", ")"):
                raise _Unsupported
            return value
        raise _Unsupported

    def ref_values(self, ref: str) -> list[Any]:
        if self.lookup is None:
            raise _Unsupported
        span = parse_cells(ref)
        if span is None:
            raise _Unsupported
        out = []
        for row in range(span.start_row or 0, span.end_row or 0):
            for col in range(span.start_col or 0, span.end_col or 0):
                out.append(self.lookup(row, col))
        return out


def _f(value: Any) -> float:
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, (int, float)):
        return float(value)
    if value in ("", None):
        return 0.0
    raise _Unsupported


def _text(value: Any) -> str:
    if isinstance(value, float):
        return general_number(value)
    return "" if value is None else str(value)


def _call(name: str, args: list[Any]) -> float:
    nums = [_f(a) for a in args]
    if name == "SUM":
        return sum(nums)
    if name == "MIN":
        return min(nums) if nums else 0.0
    if name == "MAX":
        return max(nums) if nums else 0.0
    if name == "AVERAGE":
        return sum(nums) / len(nums)
    if name == "COUNT":
        return float(len(nums))
    raise _Unsupported
