"""The emulator refuses what Google refuses, the way Google does (issue 11, point 2).

Each case is a request Google answers with 400 INVALID_ARGUMENT, sent over real HTTP (a
``requests`` session mounted on the emulator, as gspread does), with the valid request it
was derived from: the bad one must be refused with Google's message and leave the
spreadsheet untouched, the good one must be accepted (the check does not cry wolf).
"""

from __future__ import annotations

import json
from typing import Any

import gspread
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sheets_sync.emulator import FakeClock, SheetsEmulator
from sheets_sync.emulator.discovery import document, revisions
from sheets_sync.emulator.limits import condition_rules
from sheets_sync.emulator.validate import MAX_BODY_BYTES, UNIONS, api

BASE = "https://sheets.googleapis.com/v4/spreadsheets"
CELLS = {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 1, "startColumnIndex": 0, "endColumnIndex": 1}


def _cell(value: dict[str, Any]) -> dict[str, Any]:
    return {"updateCells": {"range": CELLS, "rows": [{"values": [value]}], "fields": "userEnteredValue"}}


def _chart(chart_type: str, axis: str, domain_cols: int = 1) -> dict[str, Any]:
    domain = {
        "sheetId": 0,
        "startRowIndex": 0,
        "endRowIndex": 5,
        "startColumnIndex": 0,
        "endColumnIndex": domain_cols,
    }
    series = {"sheetId": 0, "startRowIndex": 0, "endRowIndex": 5, "startColumnIndex": 2, "endColumnIndex": 3}
    basic = {
        "chartType": chart_type,
        "domains": [{"domain": {"sourceRange": {"sources": [domain]}}}],
        "series": [{"series": {"sourceRange": {"sources": [series]}}, "targetAxis": axis}],
    }
    position = {"overlayPosition": {"anchorCell": {"sheetId": 0, "rowIndex": 0, "columnIndex": 5}}}
    return {"addChart": {"chart": {"spec": {"basicChart": basic}, "position": position}}}


def _validation(kind: str, values: list[str]) -> dict[str, Any]:
    condition = {"type": kind, "values": [{"userEnteredValue": v} for v in values]}
    return {"setDataValidation": {"range": CELLS, "rule": {"condition": condition, "strict": False}}}


def _protect(rng: dict[str, Any]) -> dict[str, Any]:
    inner = {"sheetId": 0, "startRowIndex": 1, "endRowIndex": 2, "startColumnIndex": 0, "endColumnIndex": 1}
    return {
        "addProtectedRange": {
            "protectedRange": {"range": rng, "unprotectedRanges": [inner], "warningOnly": True}
        }
    }


def _props(**props: Any) -> dict[str, Any]:
    return {"updateSheetProperties": {"properties": {"sheetId": 0, **props}, "fields": ",".join(props)}}


def _rows(dimension: str) -> dict[str, Any]:
    return {
        "insertDimension": {"range": {"sheetId": 0, "dimension": dimension, "startIndex": 1, "endIndex": 2}}
    }


# (case, bad request, its valid twin, Google's message for the bad one)
CASES: list[tuple[str, dict[str, Any], dict[str, Any], str]] = [
    (
        "request kind that does not exist",
        {
            "addDeveloperMetadata": {
                "developerMetadata": {"metadataKey": "k", "location": {"spreadsheet": True}}
            }
        },
        {
            "createDeveloperMetadata": {
                "developerMetadata": {"metadataKey": "k", "location": {"spreadsheet": True}}
            }
        },
        "Invalid JSON payload received. Unknown name \"addDeveloperMetadata\" at 'requests[0]': Cannot find field.",
    ),
    (
        "unknown field in a request",
        {
            "updateSheetProperties": {
                "properties": {"sheetId": 0, "title": "A"},
                "fields": "title",
                "force": True,
            }
        },
        _props(title="A"),
        "Invalid JSON payload received. Unknown name \"force\" at 'requests[0].update_sheet_properties': "
        "Cannot find field.",
    ),
    (
        "unknown field in CellData",
        _cell({"userEnteredValue": {"stringValue": "x"}, "comment": "y"}),
        _cell({"userEnteredValue": {"stringValue": "x"}, "note": "y"}),
        "Invalid JSON payload received. Unknown name \"comment\" at 'requests[0].update_cells.rows[0].values[0]': "
        "Cannot find field.",
    ),
    (
        "enum value COLUMNS that does not exist",
        _chart("COLUMNS", "LEFT_AXIS"),
        _chart("COLUMN", "LEFT_AXIS"),
        "Invalid value at 'requests[0].add_chart.chart.spec.basic_chart.chart_type' "
        '(type.googleapis.com/google.apps.sheets.v4.BasicChartType), "COLUMNS"',
    ),
    (
        "enum value ROW that does not exist",
        _rows("ROW"),
        _rows("ROWS"),
        "Invalid value at 'requests[0].insert_dimension.range.dimension' "
        '(type.googleapis.com/google.apps.sheets.v4.Dimension), "ROW"',
    ),
    (
        "a number for a string field",
        _props(title=2024),
        _props(title="2024"),
        "Invalid value at 'requests[0].update_sheet_properties.properties.title' (TYPE_STRING), 2024",
    ),
    (
        "a string for an integer field",
        {"updateSheetProperties": {"properties": {"sheetId": "first", "title": "A"}, "fields": "title"}},
        {"updateSheetProperties": {"properties": {"sheetId": "0", "title": "A"}, "fields": "title"}},
        "Invalid value at 'requests[0].update_sheet_properties.properties.sheet_id' (TYPE_INT32), \"first\"",
    ),
    (
        "an int32 out of range",
        {"appendDimension": {"sheetId": 0, "dimension": "ROWS", "length": 2**31}},
        {"appendDimension": {"sheetId": 0, "dimension": "ROWS", "length": 10}},
        f"Invalid value at 'requests[0].append_dimension.length' (TYPE_INT32), {2**31}",
    ),
    (
        "two ExtendedValue members at once",
        _cell({"userEnteredValue": {"stringValue": "x", "numberValue": 1}}),
        _cell({"userEnteredValue": {"stringValue": "x"}}),
        "Invalid value at 'requests[0].update_cells.rows[0].values[0].user_entered_value' (oneof), "
        "oneof field 'value' is already set. Cannot set 'numberValue'",
    ),
    (
        "two DataFilter members at once",
        {
            "deleteDeveloperMetadata": {
                "dataFilter": {"a1Range": "Sheet1!A1", "developerMetadataLookup": {"metadataKey": "k"}}
            }
        },
        {"deleteDeveloperMetadata": {"dataFilter": {"developerMetadataLookup": {"metadataKey": "k"}}}},
        "Invalid value at 'requests[0].delete_developer_metadata.data_filter' (oneof), "
        "oneof field 'filter' is already set. Cannot set 'developerMetadataLookup'",
    ),
    (
        "a bogus field in a fields mask",
        {
            "repeatCell": {
                "range": CELLS,
                "cell": {"userEnteredFormat": {}},
                "fields": "userEnteredFormat.bold",
            }
        },
        {
            "repeatCell": {
                "range": CELLS,
                "cell": {"userEnteredFormat": {"textFormat": {"bold": True}}},
                "fields": "userEnteredFormat.textFormat.bold",
            }
        },
        "Invalid requests[0].repeatCell: Invalid field mask: 'userEnteredFormat.bold' is not a field of CellData.",
    ),
    (
        "a 50,001-character cell",
        _cell({"userEnteredValue": {"stringValue": "x" * 50_001}}),
        _cell({"userEnteredValue": {"stringValue": "x" * 50_000}}),
        "Invalid requests[0].updateCells: Your input contains more than the maximum of 50000 characters "
        "in a single cell.",
    ),
    (
        "deleting every non-frozen row",
        {
            "deleteDimension": {
                "range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 1, "endIndex": 1000}
            }
        },
        {"deleteDimension": {"range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 1, "endIndex": 999}}},
        "Invalid requests[0].deleteDimension: Sorry, it is not possible to delete all non-frozen rows.",
    ),
    (
        "a BAR chart on LEFT_AXIS",
        _chart("BAR", "LEFT_AXIS"),
        _chart("BAR", "BOTTOM_AXIS"),
        "Invalid requests[0].addChart: LEFT_AXIS is not a valid minor axis for a BAR chart; use BOTTOM_AXIS.",
    ),
    (
        "a chart source two columns wide",
        _chart("COLUMN", "LEFT_AXIS", domain_cols=2),
        _chart("COLUMN", "LEFT_AXIS", domain_cols=1),
        "Invalid requests[0].addChart: The domain source range must be exactly one column or one row wide "
        "(ChartSourceRange: exactly one dimension must have a length of 1).",
    ),
    (
        "ONE_OF_LIST without values",
        _validation("ONE_OF_LIST", []),
        _validation("ONE_OF_LIST", ["Yes"]),
        "Invalid requests[0].setDataValidation: ConditionType 'ONE_OF_LIST' requires at least 1 ConditionValue, "
        "but 0 were given.",
    ),
    (
        "NUMBER_BETWEEN with one value",
        _validation("NUMBER_BETWEEN", ["1"]),
        _validation("NUMBER_BETWEEN", ["1", "9"]),
        "Invalid requests[0].setDataValidation: ConditionType 'NUMBER_BETWEEN' requires exactly two "
        "ConditionValues, but 1 were given.",
    ),
    (
        "unprotectedRanges on a protection that is not a whole sheet",
        _protect({"sheetId": 0, "startRowIndex": 0, "endRowIndex": 5}),
        _protect({"sheetId": 0}),
        "Invalid requests[0].addProtectedRange: Unprotected ranges are only supported on protected sheets.",
    ),
    (
        "two request kinds in one Request",
        {**_props(title="A"), "deleteSheet": {"sheetId": 0}},
        _props(title="A"),
        "Invalid value at 'requests[0]' (oneof), oneof field 'kind' is already set. Cannot set 'deleteSheet'",
    ),
]


@pytest.fixture()
def emu() -> SheetsEmulator:
    return _fresh()


def _fresh() -> SheetsEmulator:
    emu = SheetsEmulator(clock=FakeClock())
    emu.create_spreadsheet("Alumni", sheets=["Sheet1", "Data"], key="KEY")
    body = {"requests": [_props(gridProperties={"frozenRowCount": 1})]}
    body["requests"][0]["updateSheetProperties"]["fields"] = "gridProperties.frozenRowCount"
    emu.apply_batch(emu.spreadsheet("KEY"), body)
    return emu


def _post(emu: SheetsEmulator, url: str, body: Any) -> Any:
    return emu.session().post(url, data=json.dumps(body), headers={"Content-Type": "application/json"})


@pytest.mark.parametrize("case,bad,good,message", CASES, ids=[c[0] for c in CASES])
def test_refused_like_google_and_the_valid_twin_is_accepted(
    emu: SheetsEmulator, case: str, bad: dict[str, Any], good: dict[str, Any], message: str
) -> None:
    before = json.dumps(emu.spreadsheet("KEY").to_json(), sort_keys=True)
    answer = _post(emu, f"{BASE}/KEY:batchUpdate", {"requests": [bad]})
    assert answer.status_code == 400, answer.text
    error = answer.json()["error"]
    assert (error["code"], error["status"]) == (400, "INVALID_ARGUMENT")
    assert error["message"] == message
    assert json.dumps(emu.spreadsheet("KEY").to_json(), sort_keys=True) == before, (
        "a refused batch changed nothing"
    )
    assert [m for _, _, m in emu.rejections] == [message]
    accepted = _post(emu, f"{BASE}/KEY:batchUpdate", {"requests": [good]})
    assert accepted.status_code == 200, accepted.text


def test_gspread_sees_googles_error_with_the_field_violation(emu: SheetsEmulator) -> None:
    sh = emu.client().open_by_key("KEY")
    with pytest.raises(gspread.exceptions.APIError) as caught:
        sh.batch_update({"requests": [CASES[0][1]]})
    error = caught.value.response.json()["error"]
    assert caught.value.code == 400
    violation = error["details"][0]
    assert violation["@type"] == "type.googleapis.com/google.rpc.BadRequest"
    assert violation["fieldViolations"] == [{"field": "requests[0]", "description": CASES[0][3]}]


def test_every_problem_of_a_payload_is_reported_at_once(emu: SheetsEmulator) -> None:
    body = {"requests": [_rows("ROW"), {"addDeveloperMetadata": {}}], "includeSpreadsheetInResponse": "yes"}
    error = _post(emu, f"{BASE}/KEY:batchUpdate", body).json()["error"]
    assert error["message"].split("\n") == [
        "Invalid value at 'requests[0].insert_dimension.range.dimension' "
        '(type.googleapis.com/google.apps.sheets.v4.Dimension), "ROW"',
        "Invalid JSON payload received. Unknown name \"addDeveloperMetadata\" at 'requests[1]': Cannot find field.",
        "Invalid value at 'include_spreadsheet_in_response' (TYPE_BOOL), \"yes\"",
    ]
    assert len(error["details"][0]["fieldViolations"]) == 3


def test_body_over_googles_limit_is_refused(emu: SheetsEmulator) -> None:
    filler = "x" * 40_000
    rows = [
        {"values": [{"userEnteredValue": {"stringValue": filler}}]}
        for _ in range(MAX_BODY_BYTES // 40_000 + 1)
    ]
    body = {
        "requests": [{"updateCells": {"start": {"sheetId": 0}, "rows": rows, "fields": "userEnteredValue"}}]
    }
    answer = _post(emu, f"{BASE}/KEY:batchUpdate", body)
    assert answer.status_code == 400
    assert answer.json()["error"]["message"] == "Request payload size exceeds the limit: 10485760 bytes."


def test_values_requests_are_checked_too(emu: SheetsEmulator) -> None:
    session = emu.session()
    url = f"{BASE}/KEY/values/Sheet1!A1"
    missing = session.put(url, json={"values": [["a"]]})
    assert missing.json()["error"]["message"] == "'valueInputOption' is required but not specified"
    wrong = session.put(url, params={"valueInputOption": "USER_ENTER"}, json={"values": [["a"]]})
    assert wrong.json()["error"]["message"] == (
        "Invalid value at 'value_input_option' (type.googleapis.com/google.apps.sheets.v4.ValueInputOption), "
        '"USER_ENTER"'
    )
    unknown = session.get(url, params={"valueRender": "FORMULA"})
    assert unknown.json()["error"]["message"] == (
        'Invalid JSON payload received. Unknown name "valueRender": Cannot bind query parameter. '
        "Field 'valueRender' could not be found in request message."
    )
    long_text = session.put(url, params={"valueInputOption": "RAW"}, json={"values": [["x" * 50_001]]})
    assert long_text.json()["error"]["message"].startswith(
        "Your input contains more than the maximum of 50000"
    )
    not_a_list = session.put(url, params={"valueInputOption": "RAW"}, json={"values": "X"})
    assert not_a_list.json()["error"]["message"] == (
        "Invalid value at 'data.values' (type.googleapis.com/google.protobuf.ListValue), \"X\""
    )
    bad_mask = session.get(f"{BASE}/KEY", params={"fields": "sheets(properties(title,colour))"})
    assert bad_mask.status_code == 400
    assert bad_mask.json()["error"]["message"] == "Invalid field selection sheets.properties.colour"
    ok = session.put(
        url, params={"valueInputOption": "RAW", "includeValuesInResponse": "True"}, json={"values": [["a"]]}
    )
    assert ok.status_code == 200
    assert emu.get_values("KEY", "Sheet1!A1") == [["a"]]


def test_google_reads_numbers_as_strings_and_proto_names(emu: SheetsEmulator) -> None:
    """What Google's JSON parser accepts is accepted: an int as a numeric string, snake_case names."""
    body = {
        "requests": [
            {
                "update_sheet_properties": {
                    "properties": {"sheet_id": "0", "title": "Renamed"},
                    "fields": "title",
                }
            }
        ]
    }
    assert _post(emu, f"{BASE}/KEY:batchUpdate", body).status_code == 200
    assert emu.sheet_titles("KEY")[0] == "Renamed"


def test_validation_can_be_switched_off() -> None:
    emu = SheetsEmulator(validate=False)
    emu.create_spreadsheet("A", key="KEY")
    answer = _post(emu, f"{BASE}/KEY:batchUpdate", {"requests": [_props(title="A") | {"x": 1}]})
    assert answer.status_code == 400  # the handler still refuses two kinds, but no schema check ran
    assert "Unknown name" not in answer.json()["error"]["message"]


def test_shipped_documents_are_googles_with_their_revision() -> None:
    sheets, drive = document("sheets"), document("drive")
    assert (sheets["name"], sheets["version"], drive["name"], drive["version"]) == (
        "sheets",
        "v4",
        "drive",
        "v3",
    )
    assert sheets["rootUrl"] == "https://sheets.googleapis.com/"
    assert all(len(r) == 8 and r.isdigit() for r in revisions().values())
    assert "createDeveloperMetadata" in sheets["schemas"]["Request"]["properties"]
    assert "addDeveloperMetadata" not in sheets["schemas"]["Request"]["properties"]


def test_unions_and_condition_arities_are_still_in_the_document() -> None:
    """A refreshed document that renamed a union member or reworded an arity would silently weaken the check."""
    schemas = api("sheets").schemas
    for schema, unions in UNIONS.items():
        for members in unions.values():
            for member in members or ():
                assert member in schemas[schema]["properties"], f"{schema}.{member}"
    rules = condition_rules()
    assert rules["NUMBER_BETWEEN"] == (2, 2, True)
    assert rules["ONE_OF_LIST"][:1] == (1,)
    assert rules["TEXT_IS_EMAIL"] == (0, 0, True)
    assert rules["BOOLEAN"] == (0, 2, True)
    assert rules["BLANK"][2] is False  # conditional formatting only


# ---------------------------------------------------------------- never a 500 for a client's mistake

# the request kinds the Google backend sends, each valid on the fixture's spreadsheet
BACKEND_REQUESTS: list[dict[str, Any]] = [
    {
        "addSheet": {
            "properties": {
                "title": "New",
                "gridProperties": {"rowCount": 10, "columnCount": 3},
                "hidden": True,
            }
        }
    },
    _cell({"userEnteredValue": {"stringValue": "x"}, "note": "n"}),
    {
        "repeatCell": {
            "range": CELLS,
            "cell": {"userEnteredFormat": {"textFormat": {"bold": True}}},
            "fields": "userEnteredFormat.textFormat.bold",
        }
    },
    _validation("ONE_OF_LIST", ["Yes", "No"]),
    _protect({"sheetId": 0}),
    _props(title="Renamed"),
    {"appendDimension": {"sheetId": 0, "dimension": "ROWS", "length": 5}},
    {"deleteDimension": {"range": {"sheetId": 0, "dimension": "ROWS", "startIndex": 5, "endIndex": 9}}},
    {
        "updateDimensionProperties": {
            "range": {"sheetId": 0, "dimension": "COLUMNS", "startIndex": 0, "endIndex": 2},
            "properties": {"pixelSize": 120},
            "fields": "pixelSize",
        }
    },
    {
        "copyPaste": {
            "source": CELLS,
            "destination": {**CELLS, "startRowIndex": 3, "endRowIndex": 4},
            "pasteType": "PASTE_NORMAL",
        }
    },
    _chart("COLUMN", "LEFT_AXIS"),
    {
        "createDeveloperMetadata": {
            "developerMetadata": {
                "metadataKey": "k",
                "metadataValue": "v",
                "location": {"spreadsheet": True},
                "visibility": "DOCUMENT",
            }
        }
    },
    {"deleteDeveloperMetadata": {"dataFilter": {"developerMetadataLookup": {"metadataKey": "k"}}}},
    {"deleteSheet": {"sheetId": 0}},
]
JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**40), max_value=2**40),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=5),
    st.sampled_from(["0", "-1", "999999", "ROWS", "", "1.5"]),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.sampled_from(["sheetId", "x", "title"]), st.integers(), max_size=2),
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(value, dict):
        for k, v in value.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _paths(v, (*prefix, i))
    return out


def _replace(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[path[0]] = _replace(value[path[0]], path[1:], new)
    return copy


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_a_mangled_backend_request_is_answered_200_or_400_never_500(data: Any) -> None:
    """The emulator is strict (an unexpected exception fails the test): any field replaced by junk
    is either still a request Google accepts, or refused with a 400."""
    request = data.draw(st.sampled_from(BACKEND_REQUESTS))
    path = data.draw(st.sampled_from(_paths(request)))
    mangled = _replace(request, path, data.draw(JUNK))
    answer = _post(_fresh(), f"{BASE}/KEY:batchUpdate", {"requests": [mangled]})
    assert answer.status_code in (200, 400), answer.text
