"""Report views: thin — check access, resolve scope and period, build, audit, render.

Access: ``teamleider`` and ``locatieleider`` for their own locations, ``beheer`` for every
location and the whole group. Every other role gets 404 (the pages do not exist for them), and
a location that is not the reader's answers exactly like an unknown one (404, same message).
Views and exports are written to the audit log.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Any, TypeVar

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields import SelectChoice

from app.access import login_required
from app.auth.sessions import recent_auth_required
from app.core import roles
from app.core.localtime import local_today
from app.extensions import db
from app.models import Location
from app.reports import bp, rules
from app.reports.builder import build_report
from app.reports.forms import ReportPeriodForm, ReportTextForm
from app.reports.layout import table_csv
from app.reports.model import Report, ReportError
from app.reports.pdf import render_pdf
from app.reports.presenting import TABLE_NAMES, period_label, scope_title, sections, tables
from app.reports.scope import all_locations, readable_locations, scope_key
from app.reports.sections.observations import draft_text
from app.reports.services import audit_report, save_text

F = TypeVar("F", bound=Callable[..., Any])
WHOLE_GROUP = "alle"


def report_readers(view: F) -> F:
    """Signed in, and a role that reads reports; any other role gets 404."""

    @wraps(view)
    @login_required
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if current_user.role not in roles.REPORT_READERS:
            abort(404)
        return view(*args, **kwargs)

    wrapped.allowed_roles = roles.REPORT_READERS  # type: ignore[attr-defined]
    return wrapped  # type: ignore[return-value]


class ScopeNotFound(Exception):
    """An unknown location, or one the reader may not see (answered alike: 404)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.message = _("Onbekende locatie: '%(code)s'.", code=code[:16])


def _scope(code: str) -> tuple[list[str] | None, list[Location]]:
    """(codes for build_report, the locations) of the ``locatie`` parameter."""
    readable = readable_locations(current_user)
    code = (code or "").strip()
    if code.lower() == WHOLE_GROUP:
        everything = all_locations()
        if {loc.id for loc in readable} != {loc.id for loc in everything}:
            raise ScopeNotFound(code)
        return None, everything
    for location in readable:
        if location.code.lower() == code.lower():
            return [location.code], [location]
    raise ScopeNotFound(code)


def _choices() -> list[SelectChoice]:
    readable = readable_locations(current_user)
    choices = [SelectChoice(loc.code, f"{loc.code} – {loc.name}") for loc in readable]
    if current_user.role.value == "beheer":
        choices.insert(0, SelectChoice(WHOLE_GROUP, _("Hele groep (alle locaties)")))
    return choices


def _period_args() -> tuple[date, date]:
    return (
        rules.parse_day(request.args.get("van"), _("begindatum")),
        rules.parse_day(request.args.get("tot"), _("einddatum")),
    )


class Refused(Exception):
    """A report that cannot be shown: the status (400 bad input, 404 unknown location) and a
    Dutch message for the form page."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _build() -> Report | Response:
    """The report the query string asks for; a redirect to the form when it asks for none."""
    if not request.args.get("locatie") and not request.args.get("van"):
        return redirect(url_for("reports.index"))
    try:
        codes, _locations = _scope(request.args.get("locatie", ""))
    except ScopeNotFound as error:
        raise Refused(404, error.message) from None
    try:
        start, end = _period_args()
        return build_report(
            codes,
            start,
            end,
            comparison_codes=[loc.code for loc in readable_locations(current_user)],
        )
    except (rules.PeriodError, ReportError) as error:
        raise Refused(400, str(error)) from None


def _refused(error: Refused) -> tuple[str, int]:
    """The form again, filled in from the query string, with the message on top."""
    form = ReportPeriodForm(
        locatie=request.args.get("locatie", ""),
        soort="anders",
        van=request.args.get("van", ""),
        tot=request.args.get("tot", ""),
    )
    form.locatie.choices = _choices()
    return render_template("reports/index.html", form=form, error=error.message), error.status


def _report_url(endpoint: str, report: Report, **values: str) -> str:
    code = WHOLE_GROUP if report.whole_group else report.locations[0].code
    return url_for(
        endpoint, locatie=code, van=report.start.isoformat(), tot=report.end.isoformat(), **values
    )


@bp.route("/")
@report_readers
def index() -> str | Response | tuple[str, int]:
    """Choose scope and period; with a choice made, on to the report."""
    form = ReportPeriodForm(request.args)
    form.locatie.choices = _choices()
    today = local_today()
    if not request.args:
        form.maand.data = f"{today:%Y-%m}"
        from app.core.schoolcalendar import year_name_for

        form.schooljaar.data = year_name_for(today)
        form.locatie.data = form.locatie.choices[0].value if form.locatie.choices else ""
        return render_template("reports/index.html", form=form, error="")
    try:
        codes, _locations = _scope(form.locatie.data or "")
    except ScopeNotFound as error:
        return render_template("reports/index.html", form=form, error=error.message), 404
    try:
        start, end = rules.resolve_period(
            form.soort.data or "",
            month=form.maand.data,
            school_year=form.schooljaar.data,
            term=form.periode.data,
            start=form.van.data,
            end=form.tot.data,
        )
    except rules.PeriodError as error:
        return render_template("reports/index.html", form=form, error=str(error)), 400
    code = WHOLE_GROUP if codes is None else codes[0]
    return redirect(
        url_for("reports.view", locatie=code, van=start.isoformat(), tot=end.isoformat())
    )


@bp.route("/bekijk")
@report_readers
def view() -> str | Response | tuple[str, int]:
    """The whole report on one page, printable; with the editor of the qualitative text."""
    try:
        report = _build()
    except Refused as error:
        return _refused(error)
    if isinstance(report, Response):
        return report
    audit_report(current_user, report, "view")
    db.session.commit()
    text_form = ReportTextForm(
        locatie=WHOLE_GROUP if report.whole_group else report.locations[0].code,
        van=report.start.isoformat(),
        tot=report.end.isoformat(),
        body=report.text or draft_text(report),
    )
    return render_template(
        "reports/view.html",
        report=report,
        sections=sections(report),
        observation_table=tables(report)["observaties"],
        text_form=text_form,
        period=period_label(report),
        scope=scope_title(report),
        pdf_url=_report_url("reports.pdf", report),
        csv_urls=[(name, _report_url("reports.csv", report, table=name)) for name in TABLE_NAMES],
    )


@bp.route("/tekst", methods=["POST"])
@report_readers
def save() -> Response:
    """Save the qualitative text of a report, then back to the report."""
    form = ReportTextForm()
    if not form.validate_on_submit() or not form.locatie.data:
        for errors in form.errors.values():
            for message in errors:
                flash(str(message), "error")
        if not form.locatie.data:
            flash(_("Kies eerst een rapportage."), "error")
        return redirect(url_for("reports.index"))
    try:
        codes, locations = _scope(form.locatie.data)
    except ScopeNotFound as error:
        abort(404, description=error.message)
    try:
        start = rules.parse_day(form.van.data, _("begindatum"))
        end = rules.parse_day(form.tot.data, _("einddatum"))
        rules.check_period(start, end)
        scope = scope_key(locations, codes is None)
        save_text(current_user, scope, start, end, form.body.data or "")
    except (rules.PeriodError, ReportError) as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("reports.index"))
    from app.audit import record

    record(current_user, "edit", "report", f"{scope} {start.isoformat()}..{end.isoformat()}")
    db.session.commit()
    flash(_("De tekst is opgeslagen; hij staat zo in de PDF."), "success")
    code = WHOLE_GROUP if codes is None else codes[0]
    return redirect(
        url_for("reports.view", locatie=code, van=start.isoformat(), tot=end.isoformat())
        + "#kwalitatief"
    )


def _filename(report: Report, suffix: str) -> str:
    scope = "groep" if report.whole_group else report.locations[0].code
    return f"rapportage-{scope}-{report.start.isoformat()}-{report.end.isoformat()}{suffix}"


@bp.route("/pdf")
@report_readers
@recent_auth_required
def pdf() -> Response | tuple[str, int]:
    """The whole report as a PDF (audited as an export)."""
    try:
        report = _build()
    except Refused as error:
        return _refused(error)
    if isinstance(report, Response):
        return report
    body = render_pdf(report)
    audit_report(current_user, report, "export", detail="pdf")
    db.session.commit()
    response = Response(body, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{_filename(report, ".pdf")}"'
    return response


@bp.route("/csv/<table>")
@report_readers
@recent_auth_required
def csv(table: str) -> Response | tuple[str, int]:
    """One table of the report as CSV (audited as an export)."""
    if table not in TABLE_NAMES:
        abort(404)
    try:
        report = _build()
    except Refused as error:
        return _refused(error)
    if isinstance(report, Response):
        return report
    body = table_csv(tables(report)[table])
    audit_report(current_user, report, "export", detail=f"csv {table}")
    db.session.commit()
    response = Response(body, mimetype="text/csv")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{_filename(report, "-" + table + ".csv")}"'
    )
    return response
