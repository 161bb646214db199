"""Hand-edited .xlsx files for the hostile-file tests and bench/bench_hostile.py.

A real workbook is saved by openpyxl, then its zip is copied part by part with some parts
replaced. A replaced part may be a generator of byte chunks: it is written streamed (the file is
never held in memory), so gigabytes of XML cost no memory to produce.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path

import openpyxl

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
HEADER = ("Name", "Email", "Graduation year")


class Stream:
    """A part written chunk by chunk (never held in memory)."""

    def __init__(self, chunks: Callable[[], Iterable[bytes]]) -> None:
        self.chunks = chunks


Part = bytes | Stream | Callable[[bytes], bytes]  # new bytes, streamed, or an edit of the old bytes


def make_list_file(path: Path, tabs: Mapping[str, list[tuple[str, ...]]] | None = None) -> Path:
    """A teacher's own .xlsx, text in a shared-strings table as Excel writes it."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in (tabs or {"Students": [HEADER, ("Eva Lopez", "eva@example.org", "2019")]}).items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(list(row))
    raw = path.with_name(path.name + ".inline")
    wb.save(raw)
    to_shared_strings(raw, path)
    raw.unlink()
    return path


_INLINE = re.compile(rb'<c r="([A-Z]+[0-9]+)"([^>]*?) t="inlineStr"><is><t(?: [^>]*)?>([^<]*)</t></is></c>')
SHARED_REL = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
SHARED_TYPE = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"


def to_shared_strings(src: Path, dst: Path) -> Path:
    """Copy of the openpyxl-saved ``src`` (inline strings) with every text cell in a shared-strings
    table (``xl/sharedStrings.xml``), as Excel and LibreOffice save."""
    strings: dict[bytes, int] = {}
    parts: dict[str, Part] = {}
    with zipfile.ZipFile(src) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):

                def shared(m: re.Match[bytes]) -> bytes:
                    index = strings.setdefault(m.group(3), len(strings))
                    return b'<c r="%s"%s t="s"><v>%d</v></c>' % (m.group(1), m.group(2), index)

                parts[name] = _INLINE.sub(shared, zf.read(name))
    items = b"".join(b"<si><t>%s</t></si>" % text for text in strings)
    parts["xl/sharedStrings.xml"] = (
        b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="%s" count="%d" uniqueCount="%d">%s</sst>'
        % (MAIN_NS.encode(), len(strings), len(strings), items)
    )
    parts["xl/_rels/workbook.xml.rels"] = lambda old: old.replace(
        b"</Relationships>",
        b'<Relationship Id="rIdShared" Type="%s" Target="sharedStrings.xml"/></Relationships>' % SHARED_REL,
    )
    parts["[Content_Types].xml"] = lambda old: old.replace(
        b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="%s"/></Types>' % SHARED_TYPE
    )
    return rewrite(src, dst, parts)


def sheet_part(zf: zipfile.ZipFile, title: str) -> str:
    """The archive name of the worksheet ``title``."""
    import posixpath
    import re

    book = zf.read("xl/workbook.xml").decode()
    rels = zf.read("xl/_rels/workbook.xml.rels").decode()
    for m in re.finditer(r"<sheet\b[^>]*>", book):
        tag = m.group(0)
        if f'name="{title}"' in tag:
            rid = re.search(r'r:id="([^"]+)"', tag).group(1)  # type: ignore[union-attr]
            rel = re.search(rf'<Relationship\b[^>]*Id="{rid}"[^>]*>', rels).group(0)  # type: ignore[union-attr]
            target = re.search(r'Target="([^"]+)"', rel).group(1)  # type: ignore[union-attr]
            return target.lstrip("/") if target.startswith("/") else posixpath.normpath("xl/" + target)
    raise KeyError(title)


def rewrite(src: Path, dst: Path, parts: Mapping[str, Part], *, level: int = 6) -> Path:
    """Copy the .xlsx ``src`` to ``dst`` with ``parts`` replaced: bytes, a function of the old
    bytes, or a function returning byte chunks (streamed). A name not in ``src`` is added."""
    with (
        zipfile.ZipFile(src) as zin,
        zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as zout,
    ):
        names = zin.namelist()
        for name in names + [n for n in parts if n not in names]:
            new = parts.get(name)
            if new is None:
                zout.writestr(zin.getinfo(name), zin.read(name))
                continue
            if isinstance(new, Stream):
                with zout.open(name, "w", force_zip64=True) as out:
                    for chunk in new.chunks():
                        out.write(chunk)
            else:
                zout.writestr(name, new if isinstance(new, bytes) else new(zin.read(name)))
    return dst


def repeated(head: bytes, unit: bytes, total: int, tail: bytes, chunk: int = 1 << 20) -> Stream:
    """A part of ``head`` + ``unit`` repeated to about ``total`` bytes + ``tail``, as chunks."""

    def chunks() -> Iterator[bytes]:
        yield head
        block = unit * max(1, chunk // len(unit))
        left = total
        while left > 0:
            piece = block if left >= len(block) else unit * max(1, left // len(unit))
            yield piece
            left -= len(piece)
        yield tail

    return Stream(chunks)


def sheet_xml(rows: str) -> bytes:
    return f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN_NS}"><sheetData>{rows}</sheetData></worksheet>'.encode()


def inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


HEAD_ROW = '<row r="1">' + "".join(inline(f"{c}1", h) for c, h in zip("ABC", HEADER, strict=True)) + "</row>"
SHEET_HEAD = (
    f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN_NS}"><sheetData>{HEAD_ROW}'.encode()
)
SHEET_TAIL = b"</sheetData></worksheet>"


# --------------------------------------------------------------------------- the files


def far_row() -> bytes:
    """One ``<row r="999999999">`` (a 225 KB workbook took 5.5 GB)."""
    return sheet_xml(HEAD_ROW + '<row r="999999999">' + inline("A999999999", "Eva") + "</row>")


def far_columns(n: int = 40) -> bytes:
    """``n`` cells at column AAAAAA (took 4.9 GB and 49 s)."""
    rows = "".join(f'<row r="{i}">{inline(f"AAAAAA{i}", "x")}</row>' for i in range(2, n + 2))
    return sheet_xml(HEAD_ROW + rows)


def empty_rows(total: int) -> Stream:
    """``total`` bytes of ``<row r="5"/>`` (2 GB compress to about 4 MB)."""
    return repeated(SHEET_HEAD, b'<row r="5"/>', total, SHEET_TAIL)


def huge_cell(chars: int) -> Stream:
    """One inline-string cell of ``chars`` characters."""
    return repeated(
        SHEET_HEAD + b'<row r="2"><c r="A2" t="inlineStr"><is><t>',
        b"x" * 1024,
        chars,
        b"</t></is></c></row>" + SHEET_TAIL,
    )


def comments(total: int) -> Stream:
    """``total`` bytes of XML comments inside the sheet's data."""
    return repeated(SHEET_HEAD, b"<!-- " + b"c" * 1000 + b" -->", total, SHEET_TAIL)


def small_rows(count: int) -> Stream:
    """``count`` small rows without a number (20 million: 155 MB, ran for 11 minutes)."""
    return repeated(SHEET_HEAD, b"<row><c><v>1</v></c></row>", count * 26, SHEET_TAIL)


DOCTYPE = b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE x [<!ENTITY e "entity text">]>'


def with_doctype(old: bytes) -> bytes:
    """The part with a DOCTYPE declaring an entity, used in its first text (if any)."""
    body = old.split(b"?>", 1)[1] if old.startswith(b"<?xml") else old
    body = body.replace(b"<t>", b"<t>&e;", 1).replace(
        b'<t xml:space="preserve">', b'<t xml:space="preserve">&e;', 1
    )
    return DOCTYPE + body


def retarget(book: Path, title: str, target: str) -> Callable[[bytes], bytes]:
    """An edit of ``xl/_rels/workbook.xml.rels`` pointing the tab ``title`` at ``target``."""
    with zipfile.ZipFile(book) as zf:
        tag = next(
            m.group(0)
            for m in re.finditer(rb"<sheet\b[^>]*>", zf.read("xl/workbook.xml"))
            if b'name="%s"' % title.encode() in m.group(0)
        )
    rid = re.search(rb'r:id="([^"]+)"', tag).group(1)  # type: ignore[union-attr]

    def edit(old: bytes) -> bytes:
        rel = re.compile(rb'(<Relationship\b[^>]*Id="%s"[^>]*Target=")[^"]*(")' % re.escape(rid))
        new, count = rel.subn(lambda m: m.group(1) + target.encode() + m.group(2), old)
        if not count:  # Target before Id
            rel = re.compile(rb'(<Relationship\b[^>]*Target=")[^"]*("[^>]*Id="%s")' % re.escape(rid))
            new, count = rel.subn(lambda m: m.group(1) + target.encode() + m.group(2), old)
        assert count == 1
        return new

    return edit
