"""How much an import file may hold, and the error of a file that cannot be read.

The limits are settings (``IMPORT_MAX_*`` in config/settings.py) and hold for the upload pages
and the command line alike. They are checked while the file is read, so a file far beyond them
(a "spreadsheet bomb": a small .xlsx that unpacks to millions of rows) is refused within
seconds, before it can tie up a worker or its memory.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import current_app, has_app_context

from app.core.stored_text import N_
from app.exceptions import DomainError
from config.settings import BaseConfig


class TableError(DomainError):
    """The file as a whole cannot be read (the message says why, in Dutch)."""


def dutch_number(value: int) -> str:
    """1000000 -> '1.000.000'."""
    return f"{value:,}".replace(",", ".")


def megabytes(value: int) -> str:
    return f"{value / (1024 * 1024):.0f} MB"


@dataclass(frozen=True)
class ImportLimits:
    max_rows: int  # lines after the header
    max_columns: int
    max_cell_chars: int
    max_bytes: int  # a CSV file; an .xlsx file's parts, unpacked, together

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> ImportLimits:
        problems = [
            message
            for name, message in (config.get("SETTING_PROBLEMS") or {}).items()
            if name.startswith("IMPORT_MAX_")
        ]
        if problems:
            raise TableError(" ".join(problems))
        return cls(
            max_rows=int(config["IMPORT_MAX_ROWS"]),
            max_columns=int(config["IMPORT_MAX_COLUMNS"]),
            max_cell_chars=int(config["IMPORT_MAX_CELL_CHARS"]),
            max_bytes=int(config["IMPORT_MAX_BYTES"]),
        )

    @classmethod
    def current(cls) -> ImportLimits:
        """The app's limits; the defaults of config/settings.py outside an app."""
        if has_app_context():
            return cls.from_config(current_app.config)
        return cls.from_config({name: getattr(BaseConfig, name) for name in dir(BaseConfig)})

    @property
    def max_line_chars(self) -> int:
        """The longest CSV line these limits allow (every cell full, quoted, separated)."""
        return self.max_columns * (self.max_cell_chars + 3)

    def too_many_rows(self, line: int | None = None) -> TableError:
        split = N_(
            "Het bestand heeft meer dan %(value)s regels. Splits het bestand (bijvoorbeeld per "
            "locatie of per maand) en importeer de delen na elkaar."
        ) % {"value": dutch_number(self.max_rows)}
        return TableError(self._on_line(line, split))

    @staticmethod
    def _on_line(line: int | None, message: str) -> str:
        if not line:
            return message
        return N_("Regel %(line)s: %(message)s") % {"line": dutch_number(line), "message": message}

    def too_many_columns(self, line: int) -> TableError:
        return TableError(
            N_(
                "Regel %(value)s: meer dan %(value2)s kolommen. Dit is geen gewone "
                "export; laat alleen de kolommen van de export staan."
            )
            % {"value": dutch_number(line), "value2": dutch_number(self.max_columns)}
        )

    def cell_too_long(self, line: int | None) -> TableError:
        too_long = N_("Een cel is langer dan %(value)s tekens. Dit is geen gewone export.") % {
            "value": dutch_number(self.max_cell_chars)
        }
        return TableError(self._on_line(line, too_long))

    def too_big(self, *, unpacked: bool = False) -> TableError:
        if unpacked:
            return TableError(
                N_(
                    "Het .xlsx-bestand pakt uit tot meer dan %(value)s: te groot voor een "
                    "export. Sla het op als CSV, of splits het (per locatie of per maand)."
                )
                % {"value": megabytes(self.max_bytes)}
            )
        return TableError(
            N_(
                "Het bestand is groter dan %(value)s. Splits het (per locatie of per "
                "maand) en importeer de delen na elkaar."
            )
            % {"value": megabytes(self.max_bytes)}
        )
