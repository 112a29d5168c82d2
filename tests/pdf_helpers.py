"""Where every word of a generated PDF sits: ``pdftotext -bbox`` (poppler-utils, already needed
for the report tests' PNG pages) writes each word with its box, in points, per page. The report
tests assert from it that no word runs past the page margins (issue 21, item 12)."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from html import unescape
from pathlib import Path

MM = 72 / 25.4  # points per millimetre
# The report's @page margins (static/css/reports-print.css): 16 mm left and right.
SIDE_MARGIN_MM = 16
# Glyph boxes from pdftotext are a little wider than the ink; half a millimetre of slack.
TOLERANCE = 0.5 * MM

_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)
_WORD = re.compile(
    r'<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">(.*?)</word>', re.S
)


@dataclass(frozen=True)
class Word:
    page: int  # 1-based
    text: str
    x_min: float
    x_max: float
    y_min: float
    y_max: float
    page_width: float
    page_height: float

    @property
    def landscape(self) -> bool:
        return self.page_width > self.page_height


def pdf_words(pdf: Path) -> list[Word]:
    """Every word of the PDF with its box (points from the top left of its page)."""
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "pdftotext (poppler-utils) is needed: scripts/ensure-system-deps.sh"
    out = subprocess.run(
        [pdftotext, "-bbox", str(pdf), "-"], capture_output=True, text=True, timeout=120, check=True
    ).stdout
    words = []
    for number, (width, height, body) in enumerate(_PAGE.findall(out), start=1):
        for x_min, y_min, x_max, y_max, text in _WORD.findall(body):
            words.append(
                Word(
                    number,
                    unescape(text),
                    float(x_min),
                    float(x_max),
                    float(y_min),
                    float(y_max),
                    float(width),
                    float(height),
                )
            )
    return words


def words_outside_margins(pdf: Path, margin_mm: float = SIDE_MARGIN_MM) -> list[Word]:
    """The words that reach past the left or right margin of their page (none, in a report
    whose tables fit)."""
    margin = margin_mm * MM
    return [
        word
        for word in pdf_words(pdf)
        if word.x_max > word.page_width - margin + TOLERANCE or word.x_min < margin - TOLERANCE
    ]
