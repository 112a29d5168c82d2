"""``flask --app app report --location L|--all --from D --to D --format pdf|csv --out PATH``:
the periodic report for scheduled runs (a system timer, docs/reports.md).

``--format pdf`` writes one PDF to PATH; ``--format csv`` writes one CSV file per table into the
directory PATH (made when missing). Every run is written to the audit log (user: none,
address: cli). Exit status 0 on success, 2 for bad input (unknown location, bad dates).
"""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app

from app.exceptions import DomainError
from app.extensions import db
from app.reports import rules
from app.reports.builder import build_report
from app.reports.layout import table_csv
from app.reports.pdf import render_pdf
from app.reports.presenting import tables
from app.reports.scope import all_locations
from app.reports.services import audit_report


@click.command("report")
@click.option("--location", "location_code", metavar="CODE", help="De locatie (bijv. ZS).")
@click.option("--all", "whole_group", is_flag=True, help="De hele groep (alle locaties).")
@click.option("--from", "start_text", required=True, metavar="JJJJ-MM-DD", help="Eerste dag.")
@click.option("--to", "end_text", required=True, metavar="JJJJ-MM-DD", help="Laatste dag.")
@click.option(
    "--format", "fmt", type=click.Choice(["pdf", "csv"]), default="pdf", show_default=True
)
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(path_type=Path),
    help="PDF: het bestand; CSV: de map voor de bestanden.",
)
def report_command(
    location_code: str | None,
    whole_group: bool,
    start_text: str,
    end_text: str,
    fmt: str,
    out: Path,
) -> None:
    """Maak de periodieke rapportage als PDF of als CSV-bestanden."""
    if whole_group == bool(location_code):
        raise click.UsageError("Kies --location CODE of --all (één van beide).")
    try:
        start = rules.parse_day(start_text, "begindatum (--from)")
        end = rules.parse_day(end_text, "einddatum (--to)")
        # Run by whoever runs the server: the comparison shows every location.
        everything = [loc.code for loc in all_locations()]
        report = build_report(
            None if whole_group else [location_code or ""],
            start,
            end,
            comparison_codes=everything,
        )
    except (rules.PeriodError, DomainError) as error:
        raise click.UsageError(str(error)) from None
    if fmt == "pdf":
        with current_app.test_request_context():
            body = render_pdf(report)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(body)
        written = [out]
    else:
        out.mkdir(parents=True, exist_ok=True)
        written = []
        with current_app.test_request_context():
            for name, table in tables(report).items():
                path = out / f"{name}.csv"
                path.write_text(table_csv(table), encoding="utf-8")
                written.append(path)
    audit_report(None, report, "export", detail=f"cli {fmt}")
    db.session.commit()
    click.echo(
        f"Rapportage {report.scope_label} {start:%d-%m-%Y} t/m {end:%d-%m-%Y}: "
        f"{len(written)} bestand(en) in {out}."
    )
