"""The whole report as a PDF (WeasyPrint), from the same template the page prints with.

WeasyPrint needs Pango at run time (Debian: libpango-1.0-0, libpangoft2-1.0-0; see
scripts/ensure-system-deps.sh). The stylesheets are read from static/css directly, so the
renderer fetches nothing over the network.
"""

from __future__ import annotations

from pathlib import Path

from flask import current_app, render_template

from app.reports.model import Report
from app.reports.presenting import headline, period_label, scope_title, sections

STYLESHEETS = ("css/reports.css", "css/reports-print.css")


def _no_fetch(url: str, *args: object, **kwargs: object) -> dict[str, object]:
    """Refuse every resource the HTML might point at: a report embeds what it needs."""
    raise ValueError(f"no external resources in a report PDF: {url[:80]}")


def render_pdf(report: Report) -> bytes:
    # Imported here, not for a cycle: loading WeasyPrint and Pango takes 0.4 s, which every
    # process that loads the app (each CLI command, each test run) would pay up front.
    from weasyprint import CSS, HTML

    html = render_template(
        "reports/pdf.html",
        report=report,
        sections=sections(report),
        period=period_label(report),
        headline=headline(report),
        scope=scope_title(report),
    )
    static = Path(current_app.static_folder or "static")
    stylesheets = [CSS(filename=str(static / name)) for name in STYLESHEETS]
    document = HTML(string=html, url_fetcher=_no_fetch, base_url=str(static))
    body: bytes = document.write_pdf(stylesheets=stylesheets)
    return body
