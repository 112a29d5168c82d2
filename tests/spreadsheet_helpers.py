"""Spreadsheets built part by part, for the import's limits: honest and lying zip bombs,
damaged sheets, and ordinary .xlsx files written by openpyxl."""

from __future__ import annotations

import hashlib
import io
import os
import zipfile
from collections.abc import Iterable
from pathlib import Path

from openpyxl import Workbook

from tests.npm_helpers import cache_root

# Bombs above this many rows are kept on disk between runs: the 10-million-row one takes about
# 15 s to compress, once per machine rather than once per database per run.
CACHED_ROWS = 1_000_000

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
    'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
    'worksheet+xml"/></Types>'
)
PACKAGE_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Blad1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)
SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_TAIL = b"</sheetData></worksheet>"
# The header and one row of a student export, as inline strings (no shared strings part).
STUDENT_HEADER = ("leerlingnummer", "roepnaam", "achternaam", "klas", "locatie")


def inline_row(*values: str) -> bytes:
    cells = "".join(f'<c t="inlineStr"><is><t>{v}</t></is></c>' for v in values)
    return f"<row>{cells}</row>".encode()


SHARED_STRINGS_REL = (
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/sharedStrings" Target="sharedStrings.xml"/>'
)


def shared_strings_part(items: Iterable[str]) -> bytes:
    """A sharedStrings part; each item is the XML inside one ``<si>``."""
    body = "".join(f"<si>{item}</si>" for item in items)
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"{body}</sst>"
    ).encode()


def xlsx_package(
    sheet_parts: Iterable[bytes],
    *,
    level: int = 6,
    zip64: bool = True,
    shared_strings: bytes | None = None,
) -> bytes:
    """A minimal .xlsx whose first sheet's XML is ``sheet_parts`` joined (streamed into the
    zip, so a sheet of a gigabyte never sits in memory), with a sharedStrings part if given."""
    buffer = io.BytesIO()
    rels = WORKBOOK_RELS
    if shared_strings is not None:
        rels = rels.replace("</Relationships>", SHARED_STRINGS_REL + "</Relationships>")
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", PACKAGE_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", rels)
        if shared_strings is not None:
            archive.writestr("xl/sharedStrings.xml", shared_strings)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=zip64) as sheet:
            for part in sheet_parts:
                sheet.write(part)
    return buffer.getvalue()


def xlsx_bomb(rows: int, row: bytes | None = None, *, level: int = 6, zip64: bool = True) -> bytes:
    """A student export of ``rows`` identical rows: 10 million rows pack into a few MB."""
    row = row or inline_row("1001", "Lotte", "Groot", "2B", "ZS")
    if rows < CACHED_ROWS:
        return _packed_bomb(rows, row, level, zip64)
    # The key holds this file's text: a changed way of building a bomb builds it afresh.
    recipe = Path(__file__).read_bytes() + repr((rows, row, level, zip64)).encode()
    path = cache_root("spreadsheets") / f"bomb-{hashlib.sha256(recipe).hexdigest()[:16]}.xlsx"
    if path.exists():
        return path.read_bytes()
    data = _packed_bomb(rows, row, level, zip64)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.part")  # two runs at once never read half a file
    partial.write_bytes(data)
    partial.replace(path)
    return data


def _packed_bomb(rows: int, row: bytes, level: int, zip64: bool) -> bytes:
    batch = row * 10_000

    def parts() -> Iterable[bytes]:
        yield SHEET_HEAD + inline_row(*STUDENT_HEADER)
        for _ in range(rows // 10_000):
            yield batch
        yield row * (rows % 10_000) + SHEET_TAIL

    return xlsx_package(parts(), level=level, zip64=zip64)


def declared_smaller(data: bytes, part: str, declared: int) -> bytes:
    """``data`` with the unpacked size of ``part`` understated in the zip's central directory
    (a lying bomb): the zip module then stops after ``declared`` bytes with a checksum error."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    info = archive.getinfo(part)
    name = part.encode()
    position = data.find(b"PK\x01\x02")
    while position >= 0:
        length = int.from_bytes(data[position + 28 : position + 30], "little")
        if data[position + 46 : position + 46 + length] == name:
            break
        position = data.find(b"PK\x01\x02", position + 4)
    assert position >= 0 and info.file_size > declared
    patched = bytearray(data)
    if info.file_size >= 0xFFFFFFFF or info.compress_size >= 0xFFFFFFFF:
        raise ValueError("zip64 sizes: write the sheet without force_zip64")
    patched[position + 24 : position + 28] = declared.to_bytes(4, "little")
    return bytes(patched)


def openpyxl_xlsx(rows: Iterable[Iterable[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
