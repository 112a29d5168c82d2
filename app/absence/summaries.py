"""What an absence import and a signal evaluation say when done, in the reader's language (the
upload page's message, the inbox's report, the command line).

A summary of an evaluation that covered only some students (an import evaluates the students
whose day figures it changed) says so: "0 op de lijst" of nobody reads as an empty list."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from flask_babel import gettext, ngettext

from app.core.stored_text import translated

if TYPE_CHECKING:
    from app.absence.importer import AbsenceImportResult
    from app.absence.signals import EvaluationSummary


def _day(day: date) -> str:
    return f"{day:%d-%m-%Y}"


def evaluation_text(summary: EvaluationSummary) -> str:
    day = _day(summary.as_of)
    if summary.partial and summary.students == 0:
        text = gettext(
            "signalen per %(day)s: bij geen enkele leerling veranderden de dagcijfers, de "
            "signalenlijst blijft zoals hij was",
            day=day,
        )
    elif summary.listed is None:
        text = gettext("signalen per %(day)s: %(active)s lopend", day=day, active=summary.active)
    else:
        numbers = {
            "listed": summary.listed,
            "active": summary.active,
            "ended": summary.ended_listed,
            "new": summary.new,
        }
        if summary.partial:
            text = ngettext(
                "signalen per %(day)s van de %(num)s leerling met gewijzigde dagcijfers: "
                "%(listed)s op de lijst (%(active)s lopend, %(ended)s beëindigd en nog niet "
                "afgehandeld), waarvan %(new)s nieuw",
                "signalen per %(day)s van de %(num)s leerlingen met gewijzigde dagcijfers: "
                "%(listed)s op de lijst (%(active)s lopend, %(ended)s beëindigd en nog niet "
                "afgehandeld), waarvan %(new)s nieuw",
                summary.students,
                day=day,
                **numbers,
            )
        else:
            text = gettext(
                "signalen per %(day)s: %(listed)s op de lijst (%(active)s lopend, %(ended)s "
                "beëindigd en nog niet afgehandeld), waarvan %(new)s nieuw",
                day=day,
                **numbers,
            )
    return f"{text}. {summary.warning}" if summary.warning else text


def no_school_year_warning(as_of: date) -> str:
    return gettext("Geen schooljaar in de schoolkalender op of vóór %(day)s.", day=_day(as_of))


def after_today_warning() -> str:
    return gettext("Verzuim na vandaag telt niet mee.")


def import_text(result: AbsenceImportResult) -> str:
    rows = ngettext(
        "%(num)s regel: %(inserted)s nieuw, %(updated)s gecorrigeerd, %(unchanged)s ongewijzigd",
        "%(num)s regels: %(inserted)s nieuw, %(updated)s gecorrigeerd, %(unchanged)s ongewijzigd",
        result.rows,
        inserted=result.inserted,
        updated=result.updated,
        unchanged=result.unchanged,
    )
    if result.removed:
        rows += gettext(", %(removed)s verwijderd (niet meer in het LVS)", removed=result.removed)
    parts = [rows]
    if result.first_day and result.last_day:
        parts.append(
            gettext(
                "periode %(first)s t/m %(last)s",
                first=_day(result.first_day),
                last=_day(result.last_day),
            )
        )
    if result.duplicates:
        parts.append(
            ngettext(
                "%(num)s dubbele regel één keer geteld",
                "%(num)s dubbele regels één keer geteld",
                result.duplicates,
            )
        )
    if result.not_absence:
        parts.append(
            ngettext(
                "%(num)s regel zonder verzuim (bijv. huiswerk) overgeslagen",
                "%(num)s regels zonder verzuim (bijv. huiswerk) overgeslagen",
                result.not_absence,
            )
        )
    if result.non_school_day:
        parts.append(
            ngettext(
                "%(num)s registratie op een dag zonder school bewaard maar niet meegeteld",
                "%(num)s registraties op een dag zonder school bewaard maar niet meegeteld",
                result.non_school_day,
            )
        )
    if result.skipped_students:
        numbers = ", ".join(result.skipped_students[:20])
        more = len(result.skipped_students) - 20
        parts.append(
            ngettext(
                "%(rows)s van %(num)s onbekende leerling overgeslagen: %(numbers)s",
                "%(rows)s van %(num)s onbekende leerlingen overgeslagen: %(numbers)s",
                len(result.skipped_students),
                rows=ngettext("%(num)s regel", "%(num)s regels", result.skipped_rows),
                numbers=numbers,
            )
            + (gettext(" en nog %(more)s", more=more) if more > 0 else "")
        )
    if result.future and result.first_future_day:
        parts.append(
            ngettext(
                "let op: %(num)s registratie ligt na vandaag (op %(day)s); ze is bewaard, maar "
                "telt niet mee voor de signalen zolang die dag niet geweest is. Controleer de "
                "datums in het LVS",
                "let op: %(num)s registraties liggen na vandaag (de eerste op %(day)s); ze zijn "
                "bewaard, maar tellen niet mee voor de signalen zolang die dag niet geweest is. "
                "Controleer de datums in het LVS",
                result.future,
                day=_day(result.first_future_day),
            )
        )
    if result.bulk_load_declined == "":
        parts.append(
            gettext("snelle eerste import: indexen en sleutels daarna in één keer opgebouwd")
        )
    elif result.bulk_load_declined is not None:
        parts.append(
            gettext(
                "gewoon geïmporteerd, niet met --bulk-load: %(reason)s",
                reason=translated(result.bulk_load_declined),
            )
        )
    if result.signals is not None:
        parts.append(evaluation_text(result.signals))
    return "; ".join(parts)
