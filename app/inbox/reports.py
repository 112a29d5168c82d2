"""The Dutch report the inbox writes beside each file it moves (``<name>.verslag.txt``)."""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from app.core.localtime import local_time_text
from app.core.vocabulary import ImportKind, ImportStatus

TITLE = "SchoolFit – verslag van de import-inbox"
WHEN = "dd-MM-yyyy HH:mm:ss"


@dataclass(frozen=True)
class ReportFacts:
    filename: str
    kind: ImportKind
    status: ImportStatus
    changed_at: datetime  # the file's last change before it was taken
    processed_at: datetime
    runner: str
    digest: str
    rows: int | None
    lines: list[str] = field(default_factory=list)
    advice: list[str] = field(default_factory=list)


def report_text(facts: ReportFacts, keep_days: int) -> str:
    rows = "–" if facts.rows is None else str(facts.rows)
    head = [
        TITLE,
        "",
        f"Bestand:    {facts.filename}",
        f"Soort:      {facts.kind.dutch}",
        f"Ontvangen:  {local_time_text(facts.changed_at, WHEN)} (laatst gewijzigd)",
        f"Verwerkt:   {local_time_text(facts.processed_at, WHEN)} door {facts.runner}",
        f"Regels:     {rows}",
        f"Resultaat:  {facts.status.dutch}",
        f"Inhoud:     SHA-256 {facts.digest}",
        "",
    ]
    advice = ["", *facts.advice] if facts.advice else []
    tail = [
        "",
        f"Dit bestand en dit verslag worden na {keep_days} dagen verwijderd (bewaartermijn, zie "
        "docs/privacy.md).",
    ]
    return "\n".join([*head, *facts.lines, *advice, *tail]) + "\n"


def confirmation_advice(path: Path) -> list[str]:
    """What beheer can do with a student file the guard stopped (it is in ``fout/``)."""
    quoted = shlex.quote(str(path))
    return [
        "Wat nu? De inbox deactiveert nooit zonder bevestiging leerlingen met lopend werk of meer "
        "dan 10% van een locatie. Controleer het bestand. Klopt het, importeer het dan met de "
        "hand:",
        f"  flask --app app import-students --confirm {quoted}",
        "Of alleen toevoegen en bijwerken, zonder iemand te deactiveren:",
        f"  flask --app app import-students --partial {quoted}",
        "Klopt het niet, laat dan in Magister/SOMtoday de export nakijken.",
    ]


def failure_advice(kind: ImportKind) -> list[str]:
    if kind is ImportKind.ONBEKEND:
        return [
            "Wat nu? Zet alleen leerlingen- en verzuimexports (CSV of .xlsx) in de map; zie "
            "docs/imports.md voor de kolommen."
        ]
    return [
        "Wat nu? Er is niets geïmporteerd. Los de fouten op (in het LVS of in de schoolkalender "
        "en verzuimcodes van SchoolFit) en zet het bestand opnieuw in de map; dezelfde inhoud "
        "wordt dan opnieuw geprobeerd."
    ]


SIGNALS_PENDING = "Signalen: worden berekend na alle verzuimbestanden van deze ronde."


def signals_line(summary: str) -> str:
    return f"Signalen (eenmaal berekend, na alle verzuimbestanden van deze ronde): {summary}."
