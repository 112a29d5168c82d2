"""QR codes of a peiling's link: SVG with a title, PNG, both black on white."""

import re

from app.pulse.qr import qr_png, qr_svg

URL = "https://schoolfit.example.nl/p/K7MQ4TZP"


def test_svg_is_a_standalone_document_with_title_and_description() -> None:
    svg = qr_svg(URL, title="QR-code", description=f"Scan: {URL}").decode()
    assert svg.startswith("<?xml")
    assert "<title>QR-code</title>" in svg and f"<desc>Scan: {URL}</desc>" in svg
    assert 'xmlns="http://www.w3.org/2000/svg"' in svg
    assert "style=" not in svg and "<script" not in svg
    width = int(re.search(r'width="(\d+)"', svg).group(1))  # type: ignore[union-attr]
    assert width >= 250


def test_png_is_large_enough_to_print() -> None:
    png = qr_png(URL)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width = int.from_bytes(png[16:20], "big")
    height = int.from_bytes(png[20:24], "big")
    assert width == height >= 1000
