"""Field masks (``fields=sheets.properties.title``, ``userEnteredFormat(textFormat,numberFormat)``).

A mask parses into a tree: ``{"sheets": {"properties": {"title": {}}}}`` where
an empty dict means "this whole field". The same tree serves response masks
(``spreadsheets.get?fields=``) and update masks (``updateCells.fields``).
"""

from __future__ import annotations

import copy
import re
from typing import Any

Tree = dict[str, Any]
_TOKENS = re.compile(r"\s*([A-Za-z0-9_@*]+|[.,/()])")


def parse_mask(text: str) -> Tree:
    """Parse ``a.b(c,d),e/f`` into a tree; raises ValueError on bad syntax."""
    tokens = [m.group(1) for m in _TOKENS.finditer(text)]
    if "".join(tokens) != re.sub(r"\s+", "", text):
        raise ValueError(text)
    pos = 0

    def parse_list(stop: str | None) -> Tree:
        nonlocal pos
        tree: Tree = {}
        while pos < len(tokens):
            if stop is not None and tokens[pos] == stop:
                return tree
            merge(tree, parse_path())
            if pos < len(tokens) and tokens[pos] == ",":
                pos += 1
        if stop is not None:
            raise ValueError(text)
        return tree

    def parse_path() -> Tree:
        nonlocal pos
        name = tokens[pos]
        if not re.match(r"^[A-Za-z0-9_@*]+$", name):
            raise ValueError(text)
        pos += 1
        sub: Tree = {}
        if pos < len(tokens) and tokens[pos] in (".", "/"):
            pos += 1
            sub = parse_path()
        elif pos < len(tokens) and tokens[pos] == "(":
            pos += 1
            sub = parse_list(")")
            pos += 1
        return {name: sub}

    def merge(into: Tree, other: Tree) -> None:
        for key, sub in other.items():
            if key in into:
                if into[key] == {} or sub == {}:
                    into[key] = {}
                else:
                    merge(into[key], sub)
            else:
                into[key] = sub

    return parse_list(None)


def mentions(tree: Tree | None, *path: str) -> bool:
    """True when the mask selects something at or below ``path``."""
    if tree is None:
        return False
    node: Tree = tree
    for key in path:
        if "*" in node:
            return True
        if key not in node:
            return False
        node = node[key]
        if node == {}:
            return True
    return True


def apply_response_mask(value: Any, tree: Tree | None) -> Any:
    """Keep only the selected fields of a response (present fields only)."""
    if not tree or "*" in tree:
        return value
    if isinstance(value, list):
        return [apply_response_mask(v, tree) for v in value]
    if isinstance(value, dict):
        return {k: apply_response_mask(value[k], sub) for k, sub in tree.items() if k in value}
    return value


def apply_update_mask(target: dict[str, Any], source: dict[str, Any] | None, tree: Tree) -> dict[str, Any]:
    """New dict: ``target`` with the masked fields taken from ``source`` (absent = cleared)."""
    source = source or {}
    if "*" in tree:
        return copy.deepcopy({k: v for k, v in source.items() if v is not None})
    result = dict(target)
    for key, sub in tree.items():
        value = source.get(key)
        if sub == {} or not isinstance(value, (dict, type(None))):
            if value is None:
                result.pop(key, None)
            else:
                result[key] = copy.deepcopy(value)
            continue
        inner = apply_update_mask(target.get(key) or {}, value, sub)
        if inner:
            result[key] = inner
        else:
            result.pop(key, None)
    return result


def full_mask(source: dict[str, Any]) -> Tree:
    """The mask that selects every field present in ``source`` (for ``fields`` omitted)."""
    return {k: {} for k in source}
