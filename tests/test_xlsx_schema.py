"""Every XML part of the workbooks ``init`` and ``sync`` write is valid against the ECMA-376
transitional schemas (issue 17), checked with lxml's XMLSchema over the demo school.

The schemas are the public ones, vendored unmodified in ``tests/data/ecma376`` (see its README
for where each file comes from). Excel is stricter than the schemas in places (limits such as
the 224-character validation message are tested in ``test_xlsx_as_excel.py``), never looser: a
part that fails here is one Excel may "repair" on opening, dropping what it does not accept.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from functools import cache
from pathlib import Path

import pytest
from lxml import etree

from sheets_sync import wiring
from sheets_sync.adapters.xlsx.workbook import XlsxWorkbook
from sheets_sync.commands import run_once
from sheets_sync.config.load import parse_config
from sheets_sync.demo import generate_school, write_demo_workbook

SCHEMAS = Path(__file__).parent / "data" / "ecma376"
# namespace of a part's root element -> the schema file declaring it
ROOTS = {
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main": "sml.xsd",
    "http://schemas.openxmlformats.org/drawingml/2006/main": "dml-main.xsd",
    "http://schemas.openxmlformats.org/drawingml/2006/chart": "dml-chart.xsd",
    "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing": "dml-spreadsheetDrawing.xsd",
    "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties": (
        "shared-documentPropertiesExtended.xsd"
    ),
    "http://schemas.openxmlformats.org/package/2006/content-types": "opc-contentTypes.xsd",
    "http://schemas.openxmlformats.org/package/2006/relationships": "opc-relationships.xsd",
    "http://schemas.openxmlformats.org/package/2006/metadata/core-properties": "opc-coreProperties.xsd",
}
# imported by the schemas from the web: the local copies instead (imported first, so the
# schemas' own imports of these namespaces are skipped and nothing is fetched)
LOCAL = {
    "http://www.w3.org/XML/1998/namespace": "xml.xsd",
    "http://purl.org/dc/elements/1.1/": "dc.xsd",
    "http://purl.org/dc/dcmitype/": "dcmitype.xsd",
    "http://purl.org/dc/terms/": "dcterms.xsd",
}
# VML (the legacy drawing of cell notes) has no root element a schema declares: its root is a
# bare <xml>; its shapes are checked as the children of that root.
VML = "urn:schemas-microsoft-com:vml"
# The one place where the schemas and Excel disagree: sml.xsd types a text run <t> as the simple
# type ST_Xstring, so no attribute is allowed on it, while Excel writes <t xml:space="preserve">
# itself (and needs it to keep leading or trailing spaces: ECMA-376 Part 1 §18.4.12 and the XML
# rules on white space; the schema gap is docx4j issue #41). It is removed before validating.
SML_TEXT = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}t"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


@cache
def schema() -> etree.XMLSchema:
    """One schema importing every namespace a workbook part can have as its root."""
    imports = {**LOCAL, **ROOTS, VML: "vml-main.xsd"}
    driver = (
        '<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:sheets-sync:test">'
        + "".join(
            f'<xsd:import namespace="{ns}" schemaLocation="{(SCHEMAS / name).as_uri()}"/>'
            for ns, name in imports.items()
        )
        + "</xsd:schema>"
    )
    parser = etree.XMLParser(no_network=True, load_dtd=False, resolve_entities=False)
    return etree.XMLSchema(etree.fromstring(driver.encode(), parser, base_url=SCHEMAS.as_uri() + "/"))


def problems(path: Path) -> tuple[int, list[str]]:
    """(parts checked, one line per schema error) for every XML part of the workbook."""
    checker = schema()
    found: list[str] = []
    checked = 0
    parser = etree.XMLParser(no_network=True, load_dtd=False, resolve_entities=False, huge_tree=True)
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if not name.endswith((".xml", ".rels", ".vml")):
                continue
            root = etree.parse(io.BytesIO(archive.read(name)), parser).getroot()
            documents = (
                [root] if not name.endswith(".vml") else [etree.ElementTree(c).getroot() for c in root]
            )
            for doc in documents:
                ns = etree.QName(doc).namespace
                if ns not in ROOTS and ns != VML and not name.endswith(".vml"):
                    found.append(f"{name}: root {doc.tag} has no schema here")
                    continue
                if name.endswith(".vml") and ns not in (VML, "urn:schemas-microsoft-com:office:office"):
                    found.append(f"{name}: {doc.tag} is not VML")
                    continue
                checked += 1
                for t in doc.iter(SML_TEXT):
                    t.attrib.pop(XML_SPACE, None)
                if not checker.validate(etree.ElementTree(_copy(doc))):
                    found.extend(f"{name}:{e.line}: {e.message}" for e in checker.error_log)
    return checked, found


def _copy(element: etree._Element) -> etree._Element:
    """A stand-alone copy (a VML shape validated as a document of its own)."""
    return etree.fromstring(etree.tostring(element))


@pytest.fixture(scope="module")
def demo_school(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The demo school's workbook after ``init``, and after ``sync`` (twice: charts and state)."""
    root = tmp_path_factory.mktemp("schema")
    out: dict[str, Path] = {}
    path = write_demo_workbook(root / "school.xlsx", generate_school(alumni=120))
    config = parse_config(
        {"school": {"name": "Test School", "default_region": "ES", "timezone": "Europe/Madrid"}}, base=root
    )
    config = replace(config, workbook=path)
    wiring.provision(XlsxWorkbook(path))
    out["init"] = root / "after-init.xlsx"
    out["init"].write_bytes(path.read_bytes())
    run_once(config)
    run_once(config)
    out["sync"] = path
    return out


def test_the_schemas_catch_an_invalid_part(tmp_path: Path) -> None:
    """The check can fail: a worksheet with a cell out of place is reported."""
    bad = tmp_path / "bad.xlsx"
    sheet = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row r="1"><c r="A1" t="bogus"><v>1</v></c></row></sheetData></worksheet>'
    )
    with zipfile.ZipFile(bad, "w") as archive:
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    checked, found = problems(bad)
    assert checked == 1 and found and "bogus" in found[0]


@pytest.mark.parametrize("step", ["init", "sync"])
def test_every_part_the_service_writes_is_schema_valid(demo_school: dict[str, Path], step: str) -> None:
    checked, found = problems(demo_school[step])
    assert checked > 20  # worksheets, styles, theme, notes, charts, drawings, relationships ...
    assert not found, "\n".join(found[:20])
