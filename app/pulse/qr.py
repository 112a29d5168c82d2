"""QR codes for a peiling's short link, as SVG (for screens and print) and PNG (for documents)."""

from __future__ import annotations

import io

import segno


def _make(url: str) -> segno.QRCode:
    # Error correction M (segno raises it when that costs no extra size): a poster in the aula
    # gets scratched or photographed at an angle.
    return segno.make(url, error="m", micro=False)


def qr_svg(url: str, *, title: str = "", description: str = "") -> bytes:
    """A standalone SVG document; black on white, with a quiet zone of four modules."""
    out = io.BytesIO()
    _make(url).save(
        out,
        kind="svg",
        scale=10,
        border=4,
        dark="#000",
        light="#fff",
        xmldecl=True,
        title=title or None,
        desc=description or None,
        svgclass="qr-code",
        lineclass=None,
    )
    return out.getvalue()


def qr_png(url: str, *, scale: int = 32) -> bytes:
    """A PNG large enough to print sharply on an A4 poster (about 1,200 pixels square)."""
    out = io.BytesIO()
    _make(url).save(out, kind="png", scale=scale, border=4, dark="#000", light="#fff")
    return out.getvalue()
