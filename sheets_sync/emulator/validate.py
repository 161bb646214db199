"""Check each request the way Google's API front end does, driven by Google's discovery documents.

``Validator.check(method, url_path, query, raw_body)`` finds the API method from the path (the
documents' ``flatPath`` templates), then checks:

* query parameters: unknown names (Sheets), enum values, booleans, integers and their range;
* the JSON body against the method's request schema: unknown fields (at any depth), enum
  values, types (a number for a string, a string for an integer...), int32/uint32 ranges, one-of
  unions (``Request`` kinds, ``ExtendedValue``, ``DataFilter``...: see ``UNIONS``), and the
  request body size limit (10,485,760 bytes);
* the ``fields`` response mask names real fields of the response schema.

It answers like Google: 400 ``INVALID_ARGUMENT`` with Google's messages (``Invalid JSON payload
received. Unknown name "x" at 'requests[0]': Cannot find field.``, ``Invalid value at
'requests[0].update_cells.rows[0].values[0].user_entered_value.number_value' (TYPE_DOUBLE),
"abc"``) and a ``google.rpc.BadRequest`` detail listing the field violations. On success it
returns the body as Google reads it (snake_case names as camelCase, numbers sent as strings as
numbers, enum numbers as names) so the handlers never see a shape Google would not.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from sheets_sync.emulator.discovery import document
from sheets_sync.emulator.fields import parse_mask
from sheets_sync.emulator.state import ApiError

MAX_BODY_BYTES = 10_485_760
INT_RANGES = {"int32": (-(2**31), 2**31 - 1), "uint32": (0, 2**32 - 1)}
SCALAR_TYPES: dict[tuple[Any, Any], str] = {
    ("integer", "int32"): "TYPE_INT32",
    ("integer", "uint32"): "TYPE_UINT32",
    ("string", "int64"): "TYPE_INT64",
    ("string", "uint64"): "TYPE_UINT64",
    ("number", "double"): "TYPE_DOUBLE",
    ("number", "float"): "TYPE_FLOAT",
    ("boolean", None): "TYPE_BOOL",
}
# One-of unions of Google's protos (the REST reference says "Union field X can be only one of
# the following"); the discovery format cannot express them. ``None``: every field of the schema.
UNIONS: dict[str, dict[str, tuple[str, ...] | None]] = {
    "Request": {"kind": None},
    "Response": {"kind": None},
    "ExtendedValue": {"value": ("numberValue", "stringValue", "boolValue", "formulaValue", "errorValue")},
    "DataFilter": {"filter": ("developerMetadataLookup", "a1Range", "gridRange")},
    "UpdateCellsRequest": {"area": ("start", "range")},
    "ColorStyle": {"kind": ("rgbColor", "themeColor")},
    "DeveloperMetadataLocation": {"location": ("spreadsheet", "sheetId", "dimensionRange")},
    "EmbeddedObjectPosition": {"location": ("sheetId", "overlayPosition", "newSheet")},
    "ConditionValue": {"value": ("relativeDate", "userEnteredValue")},
    "ConditionalFormatRule": {"rule": ("booleanRule", "gradientRule")},
    "FindReplaceRequest": {"scope": ("range", "sheetId", "allSheets")},
    "PasteDataRequest": {"kind": ("delimiter", "html")},
    "ChartData": {"type": ("sourceRange", "columnReference")},
    "ChartSpec": {
        "chart": (
            "basicChart",
            "pieChart",
            "bubbleChart",
            "candlestickChart",
            "orgChart",
            "histogramChart",
            "waterfallChart",
            "treemapChart",
            "scorecardChart",
        )
    },
}
# Enum names the zero-value rule below would get wrong (the proto enum is named differently).
ENUM_NAMES = {
    "INPUT_VALUE_OPTION_UNSPECIFIED": "ValueInputOption",
    "majorDimension": "Dimension",
    "responseValueRenderOption": "ValueRenderOption",
    "responseDateTimeRenderOption": "DateTimeRenderOption",
}
# Where the HTTP body sits in the proto request (``body: "data"``); Google prefixes paths with it.
BODY_FIELD = {
    "sheets.spreadsheets.values.update": "data",
    "sheets.spreadsheets.values.append": "data",
    "sheets.spreadsheets.create": "spreadsheet",
}
_CAMEL = re.compile(r"(?<!^)([A-Z])")


def snake(name: str) -> str:
    return _CAMEL.sub(r"_\1", name).lower()


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _token(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text if len(text) <= 200 else text[:200] + "..."


class _Key(str):
    """A map key in a path (spelt ``['key']``)."""


Where = tuple[Any, Any] | None  # (parent, field name | list index | _Key), None at the body's root


def _spell(where: Where) -> str:
    parts: list[Any] = []
    while where is not None:
        where, segment = where
        parts.append(segment)
    text = ""
    for segment in reversed(parts):
        if isinstance(segment, _Key):
            text += f"[{str(segment)!r}]"
        elif isinstance(segment, int):
            text += f"[{segment}]"
        else:
            text += f".{segment}" if text else segment
    return text


@dataclass(frozen=True)
class Violation:
    field: str
    description: str


def bad_request(violations: list[Violation]) -> ApiError:
    """Google's 400 for a payload it cannot read: all problems in the message, one violation each."""
    details = [
        {
            "@type": "type.googleapis.com/google.rpc.BadRequest",
            "fieldViolations": [
                ({"field": v.field} if v.field else {}) | {"description": v.description} for v in violations
            ],
        }
    ]
    return ApiError(400, "\n".join(v.description for v in violations), details=details)


@dataclass(frozen=True)
class Method:
    id: str
    http: str
    pattern: re.Pattern[str]
    parameters: dict[str, Any]
    request: str | None
    response: str | None


class Api:
    """One discovery document: its methods (matched by path) and schemas (walked by ``read``)."""

    def __init__(self, doc: dict[str, Any]) -> None:
        self.name = str(doc["name"])
        self.doc = doc
        self.schemas: dict[str, Any] = doc["schemas"]
        self.globals: dict[str, Any] = doc.get("parameters", {})
        self.package = {"sheets": "google.apps.sheets.v4"}.get(self.name, f"google.{self.name}")
        self.methods = list(self._methods(doc, "/" + str(doc.get("servicePath", ""))))
        self._fields: dict[str, dict[str, tuple[str, dict[str, Any], str]]] = {}
        self._unions: dict[str, dict[str, str]] = {}
        for schema, unions in UNIONS.items():
            props = self.schemas.get(schema, {}).get("properties", {})
            self._unions[schema] = {
                member: union
                for union, members in unions.items()
                for member in (members or props)
                if member in props
            }

    @staticmethod
    def _methods(resource: dict[str, Any], base: str) -> Any:
        for m in resource.get("methods", {}).values():
            template = base + str(m.get("flatPath") or m["path"])
            regex = ""
            for part in re.split(r"(\{\+?[^}]+\})", template):
                if part.startswith("{"):
                    name = part.strip("{}+")
                    regex += f"(?P<{name}>.+)" if part.startswith("{+") else f"(?P<{name}>[^/]+?)"
                else:
                    regex += re.escape(part)
            yield Method(
                id=m["id"],
                http=m["httpMethod"],
                pattern=re.compile(regex + "$"),
                parameters=m.get("parameters", {}),
                request=(m.get("request") or {}).get("$ref"),
                response=(m.get("response") or {}).get("$ref"),
            )
        for sub in resource.get("resources", {}).values():
            yield from Api._methods(sub, base)

    def find(self, http: str, path: str) -> Method | None:
        for m in self.methods:
            if m.http == http and m.pattern.match(path):
                return m
        return None

    def fields(self, schema: str) -> dict[str, tuple[str, dict[str, Any], str]]:
        """``{json name or proto name: (json name, property, proto name)}`` of a schema (cached)."""
        out = self._fields.get(schema)
        if out is None:
            out = {}
            for name, prop in self.schemas[schema].get("properties", {}).items():
                out[name] = (name, prop, snake(name))
                out.setdefault(snake(name), (name, prop, snake(name)))
            self._fields[schema] = out
        return out

    def enum_type(self, prop: dict[str, Any], name: str, schema: str | None) -> str:
        first = prop["enum"][0]
        if name in ENUM_NAMES:
            found = ENUM_NAMES[name]
        elif first in ENUM_NAMES:
            found = ENUM_NAMES[first]
        elif first.endswith("_UNSPECIFIED"):
            found = "".join(w.capitalize() for w in first[: -len("_UNSPECIFIED")].split("_"))
        else:
            found = (f"{schema}." if schema else "") + name[:1].upper() + name[1:]
        return f"type.googleapis.com/{self.package}.{found}"

    def type_name(self, prop: dict[str, Any], name: str, schema: str | None) -> str:
        if "$ref" in prop:
            return f"type.googleapis.com/{self.package}.{prop['$ref']}"
        kind = prop.get("type")
        if kind == "array":
            items = prop.get("items", {})
            if items.get("type") == "array" and items.get("items", {}).get("type") == "any":
                return "type.googleapis.com/google.protobuf.ListValue"
            return self.type_name(items, name, schema)
        if kind == "any":
            return "type.googleapis.com/google.protobuf.Value"
        if "enum" in prop:
            return self.enum_type(prop, name, schema)
        return SCALAR_TYPES.get((kind, prop.get("format")), "TYPE_STRING")

    # ------------------------------------------------------------ the body walk
    # ``where`` is the path of a value, kept as a chain ``(parent, segment)`` and only spelt out
    # (``requests[0].update_cells.rows[0]``) for a violation: a 2 MB body has ~10^5 values.

    def read(
        self, value: Any, prop: dict[str, Any], where: Where, out: list[Violation], ctx: tuple[str, str]
    ) -> Any:
        """Check ``value`` against ``prop``; return it as Google reads it. ``ctx`` = (schema, field)."""
        if value is None:  # JSON null: the field is not set
            return None
        ref = prop.get("$ref")
        if ref is not None:
            return self.message(value, ref, where, out)
        kind = prop.get("type")
        if kind == "string" and len(prop) <= 2 and type(value) is str:  # plain string: the common case
            return value
        if kind == "array":
            if not isinstance(value, list):
                return self._invalid(value, prop, where, out, ctx)
            items = prop.get("items", {})
            nullable = items.get("type") in ("any", "array")
            result = []
            for i, v in enumerate(value):
                if v is None and not nullable:  # a null element is not "unset"
                    result.append(self._invalid(v, items, (where, i), out, ctx))
                else:
                    result.append(self.read(v, items, (where, i), out, ctx))
            return result
        if kind == "object" and "additionalProperties" in prop:
            if not isinstance(value, dict):
                return self._invalid(value, prop, where, out, ctx)
            sub = prop["additionalProperties"]
            return {k: self.read(v, sub, (where, _Key(k)), out, ctx) for k, v in value.items()}
        if kind == "any":
            return value
        return self._scalar(value, prop, where, out, ctx)

    def message(self, value: Any, schema: str, where: Where, out: list[Violation]) -> Any:
        if not isinstance(value, dict):
            return self._invalid(value, {"$ref": schema}, where, out, (schema, ""))
        fields = self.fields(schema)
        unions = self._unions.get(schema)
        taken: dict[str, str] = {}
        result: dict[str, Any] = {}
        for key, sub in value.items():
            found = fields.get(key)
            if found is None:
                path = _spell(where)
                at = f" at '{path}'" if path else ""
                out.append(
                    Violation(
                        path, f'Invalid JSON payload received. Unknown name "{key}"{at}: Cannot find field.'
                    )
                )
                continue
            name, prop, proto_name = found
            if unions and sub is not None and name in unions:
                union = unions[name]
                if union in taken:
                    path = _spell(where)
                    out.append(
                        Violation(
                            path,
                            f"Invalid value at '{path}' (oneof), oneof field '{snake(union)}' is already set. "
                            f"Cannot set '{key}'",
                        )
                    )
                    continue
                taken[union] = key
            result[name] = self.read(sub, prop, (where, proto_name), out, (schema, name))
        return result

    def _scalar(
        self, value: Any, prop: dict[str, Any], where: Where, out: list[Violation], ctx: tuple[str, str]
    ) -> Any:
        kind, fmt = prop.get("type"), prop.get("format")
        if "enum" in prop:
            if isinstance(value, str) and value in prop["enum"]:
                return value
            if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < len(prop["enum"]):
                return prop["enum"][value]
            return self._invalid(value, prop, where, out, ctx)
        if kind == "boolean":
            return value if isinstance(value, bool) else self._invalid(value, prop, where, out, ctx)
        if kind == "integer" or (kind == "string" and fmt in ("int64", "uint64")):
            number = _as_int(value)
            low, high = INT_RANGES.get(fmt or "", (-(2**63), 2**64 - 1))
            if number is None or not low <= number <= high:
                return self._invalid(value, prop, where, out, ctx)
            return number if kind == "integer" else value
        if kind == "number":
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                return value
            if isinstance(value, str) and value and value.strip() == value:
                try:
                    return float(value)
                except ValueError:
                    pass
            return self._invalid(value, prop, where, out, ctx)
        return value if isinstance(value, str) else self._invalid(value, prop, where, out, ctx)

    def _invalid(
        self, value: Any, prop: dict[str, Any], where: Where, out: list[Violation], ctx: tuple[str, str]
    ) -> Any:
        schema, name = ctx
        kind = self.type_name(prop, name, schema or None)
        path = _spell(where)
        out.append(Violation(path, f"Invalid value at '{path}' ({kind}), {_token(value)}"))
        return value

    # ------------------------------------------------------------ field masks

    def mask_problem(self, schema: str, mask: str) -> str | None:
        """The first path of ``mask`` that names no field of ``schema`` (``None``: all real)."""
        try:
            tree = parse_mask(mask)
        except ValueError:
            return mask
        return self._tree_problem(schema, tree, "")

    def _tree_problem(self, schema: str, tree: dict[str, Any], prefix: str) -> str | None:
        fields = self.fields(schema)
        for key, sub in tree.items():
            if key == "*":
                continue
            found = fields.get(key)
            if found is None:
                return prefix + key
            if not sub:
                continue
            prop = found[1]
            while prop.get("type") == "array":
                prop = prop.get("items", {})
            if "additionalProperties" in prop:
                continue
            if "$ref" not in prop:
                return prefix + key + "." + next(iter(sub))
            problem = self._tree_problem(prop["$ref"], sub, prefix + key + ".")
            if problem:
                return problem
        return None


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if math.isfinite(value) and value.is_integer() else None
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value):
        return int(value)
    return None


@cache
def api(name: str) -> Api:
    return Api(document(name))


def _query_value(a: Api, name: str, prop: dict[str, Any], values: list[str], out: list[Violation]) -> None:
    kind = prop.get("type")
    for text in values:
        ok = True
        if "enum" in prop:
            ok = text in prop["enum"]
        elif kind == "boolean":
            ok = text.lower() in ("true", "false")
        elif kind == "integer":
            number = _as_int(text)
            low, high = INT_RANGES.get(prop.get("format") or "int32", INT_RANGES["int32"])
            ok = number is not None and low <= number <= high
        if not ok:
            if "enum" in prop:  # a query enum is named after its parameter (ValueInputOption...)
                enum = ENUM_NAMES.get(name, name[:1].upper() + name[1:])
                kind_name = f"type.googleapis.com/{a.package}.{enum}"
            else:
                kind_name = a.type_name(prop, name, None)
            field = snake(name)
            out.append(Violation(field, f"Invalid value at '{field}' ({kind_name}), {_token(text)}"))


def _bad_selection(a: Api, method: Method, query: dict[str, list[str]]) -> str | None:
    """The first path of the ``fields`` response mask that names no field of the response."""
    for mask in query.get("fields", []) if method.response else []:
        bad = a.mask_problem(str(method.response), mask)
        if bad is not None:
            return bad
    return None


def _drive_error(location: str, message: str = "Invalid Value", reason: str = "invalid") -> ApiError:
    errors = [
        {
            "message": message,
            "domain": "global",
            "reason": reason,
            "location": location,
            "locationType": "parameter",
        }
    ]
    return ApiError(400, message, errors=errors)


class Validator:
    """Checks requests for the emulator: ``check`` returns the body as Google reads it, or raises."""

    def __init__(self) -> None:
        self.sheets = api("sheets")
        self.drive = api("drive")

    def check(
        self, http: str, host: str, path: str, query: dict[str, list[str]], raw: bytes | str | None
    ) -> tuple[Method | None, Any]:
        size = len(raw.encode("utf-8") if isinstance(raw, str) else raw or b"")
        is_sheets = host.endswith("sheets.googleapis.com")
        if is_sheets and size > MAX_BODY_BYTES:
            raise ApiError(400, f"Request payload size exceeds the limit: {MAX_BODY_BYTES} bytes.")
        a = self.sheets if is_sheets else self.drive
        method = a.find(http, path)
        body: Any = None
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                if is_sheets:
                    raise bad_request(
                        [Violation("", "Invalid JSON payload received. Unexpected token.")]
                    ) from None
                raise ApiError(
                    400,
                    "Parse Error",
                    errors=[{"domain": "global", "reason": "parseError", "message": "Parse Error"}],
                ) from None
        if method is None:
            return None, body  # routing answers 404 as Google does
        if is_sheets:
            return method, self._sheets(a, method, query, body)
        self._drive_query(a, method, query)
        return method, body

    def _sheets(self, a: Api, method: Method, query: dict[str, list[str]], body: Any) -> Any:
        out: list[Violation] = []
        for name, values in query.items():
            prop = method.parameters.get(name) or a.globals.get(name) or method.parameters.get(camel(name))
            if prop is None:
                out.append(
                    Violation(
                        "",
                        f'Invalid JSON payload received. Unknown name "{name}": Cannot bind query parameter. '
                        f"Field '{name}' could not be found in request message.",
                    )
                )
                continue
            _query_value(
                a, name if name in method.parameters or name in a.globals else camel(name), prop, values, out
            )
        if out:
            raise bad_request(out)
        bad = _bad_selection(a, method, query)
        if bad is not None:
            raise ApiError(400, f"Invalid field selection {bad}")
        if method.request is None or body is None:
            return body
        prefix = BODY_FIELD.get(method.id)
        root: Where = (None, prefix) if prefix else None
        if not isinstance(body, dict):
            if prefix:
                a._invalid(body, {"$ref": method.request}, root, out, (method.request, ""))
            else:
                out.append(
                    Violation(
                        "", 'Invalid JSON payload received. Unknown name "": Root element must be a message.'
                    )
                )
            raise bad_request(out)
        read = a.message(body, method.request, root, out)
        if out:
            raise bad_request(out)
        return read

    def _drive_query(self, a: Api, method: Method, query: dict[str, list[str]]) -> None:
        for name, values in query.items():
            prop = method.parameters.get(name) or a.globals.get(name)
            if prop is None:
                continue  # Drive ignores parameters it does not know
            problems: list[Violation] = []
            _query_value(a, name, prop, values, problems)
            if problems:
                raise _drive_error(name)
        bad = _bad_selection(a, method, query)
        if bad is not None:
            raise _drive_error("fields", f"Invalid field selection {bad}", "invalidParameter")
