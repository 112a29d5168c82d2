"""Report views: thin — check access, resolve scope and period, build, audit, render.

Access (:func:`app.reports.scope.readable`): ``teamleider`` and ``locatieleider`` for their own
locations, ``beheer`` for every location and the whole group. Every other role gets 404 (the
pages do not exist for them), and a location that is not the reader's answers exactly like an
unknown one (404, same message). Views and exports are written to the audit log.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from app.access import roles_required
from app.auth.sessions import recent_auth_required
from app.core import roles
from app.core.forms import flash_form_errors, submit
from app.core.localtime import local_today
from app.extensions import db
from app.models import ReportText
from app.reports import rules
from app.reports.builder import build_report
from app.reports.forms import (
    ReportPeriodForm,
    ReportTextForm,
    location_choices,
    period_defaults,
    period_message,
    school_year_choices,
)
from app.reports.layout import table_csv
from app.reports.model import Report, ReportError
from app.reports.numbers import current_locale
from app.reports.pdf import render_pdf
from app.reports.presenting import (
    TABLE_NAMES,
    headline,
    period_label,
    scope_title,
    sections,
    tables,
)
from app.reports.scope import WHOLE_GROUP, Readable, ScopeNotFound, chosen_scope, readable
from app.reports.sections.observations import draft_text
from app.reports.services import audit_report, save_text

bp = Blueprint("reports", __name__, url_prefix="/rapportage")
# A role that reads no reports gets 404, not 403: the pages do not exist for it.
readers = roles_required(roles.REPORT_READERS, denied=404)


def _period(start_text: str | None, end_text: str | None) -> tuple[date, date]:
    """The period as typed; :class:`ReportError` (a Dutch message) when it makes no sense."""
    try:
        start = rules.parse_day(start_text, rules.N_("begindatum"))
        end = rules.parse_day(end_text, rules.N_("einddatum"))
        rules.check_period(start, end)
    except rules.PeriodError as error:
        raise ReportError(period_message(error), field="periode") from None
    return start, end


def _report_url(endpoint: str, code: str, start: date, end: date, table: str | None = None) -> str:
    """A report's page or export; ``code`` is a location's or ``alle``."""
    return url_for(endpoint, locatie=code, van=start.isoformat(), tot=end.isoformat(), table=table)


def _code(report: Report) -> str:
    return WHOLE_GROUP if report.whole_group else report.locations[0].code


def _choice_page(form: ReportPeriodForm, error: str = "", status: int = 200) -> ResponseReturnValue:
    return render_template("reports/index.html", form=form, error=error), status


def _refused(access: Readable, error: str, status: int) -> ResponseReturnValue:
    """The choice form again, filled in from the query string, with the message on top."""
    args = request.args
    form = ReportPeriodForm(
        locatie=args.get("locatie", ""),
        soort="anders",
        van=args.get("van", ""),
        tot=args.get("tot", ""),
    )
    form.locatie.choices = location_choices(access)
    form.schooljaar.choices = school_year_choices(local_today(), form.schooljaar.data)
    return _choice_page(form, error, status)


def _with_report(answer: Callable[[Report], ResponseReturnValue]) -> ResponseReturnValue:
    """The report the query string asks for, handed to ``answer``. The choice form when the
    query asks for none; again, filled in and with the message on top, when the report cannot
    be made (404 for a location the reader may not see, 400 for a period that makes no
    sense)."""
    args = request.args
    if not args.get("locatie") and not args.get("van"):
        return redirect(url_for("reports.index"))
    access = readable(current_user)
    try:
        scope = chosen_scope(access, args.get("locatie", ""))
    except ScopeNotFound as error:
        return _refused(access, error.message, 404)
    try:
        start, end = _period(args.get("van"), args.get("tot"))
        report = build_report(
            scope.codes, start, end, comparison_codes=[loc.code for loc in access.locations]
        )
    except ReportError as error:
        return _refused(access, error.message, 400)
    return answer(report)


def _download(body: bytes | str, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _filename(report: Report, suffix: str) -> str:
    scope = "groep" if report.whole_group else report.locations[0].code
    return f"rapportage-{scope}-{report.start.isoformat()}-{report.end.isoformat()}{suffix}"


@bp.route("/")
@readers
def index() -> ResponseReturnValue:
    """Choose scope and period; with a choice made, on to the report. The form shows the fields
    of one kind of period at a time (static/js/report-period.js); without JavaScript the button
    "Velden … tonen" brings the page back with the chosen kind's fields, and every field has a
    sensible default, so a choice of kind alone already makes a report."""
    access = readable(current_user)
    form = ReportPeriodForm(request.args)
    choices = location_choices(access)
    form.locatie.choices = choices
    today = local_today()
    form.schooljaar.choices = school_year_choices(today, form.schooljaar.data)
    if not request.args or form.stap.data:
        period_defaults(form, today)
        if not form.locatie.data:
            form.locatie.data = choices[0].value if choices else ""
        if form.soort.data not in rules.PERIOD_KINDS:
            form.soort.data = "maand"
        return _choice_page(form)
    try:
        scope = chosen_scope(access, form.locatie.data or "")
    except ScopeNotFound as error:
        return _choice_page(form, error.message, 404)
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
        return _choice_page(form, period_message(error), 400)
    return redirect(_report_url("reports.view", scope.code, start, end))


@bp.route("/bekijk")
@readers
def view() -> ResponseReturnValue:
    """The whole report on one page, printable; with the editor of the qualitative text."""
    return _with_report(_report_page)


def _report_page(report: Report) -> ResponseReturnValue:
    audit_report(current_user, report, "view")
    db.session.commit()
    text_form = ReportTextForm(
        locatie=_code(report),
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
        headline=headline(report),
        scope=scope_title(report),
        pdf_url=_report_url("reports.pdf", _code(report), report.start, report.end),
        csv_urls=[
            (name, _report_url("reports.csv", _code(report), report.start, report.end, name))
            for name in TABLE_NAMES
        ],
    )


@bp.route("/tekst", methods=["POST"])
@readers
def save() -> ResponseReturnValue:
    """Save the qualitative text of a report, then back to the report."""
    form = ReportTextForm()
    if not form.validate_on_submit() or not form.locatie.data:
        flash_form_errors(form)
        if not form.locatie.data:
            flash(_("Kies eerst een rapportage."), "error")
        return redirect(url_for("reports.index"))
    try:
        scope = chosen_scope(readable(current_user), form.locatie.data)
    except ScopeNotFound as error:
        abort(404, description=error.message)

    def store() -> ReportText:
        start, end = _period(form.van.data, form.tot.data)
        return save_text(current_user, scope.key, start, end, form.body.data or "")

    done = submit(
        form,
        store,
        success=_("De tekst is opgeslagen; hij staat zo in de PDF."),
        errors="flash",
        validate=False,
    )
    if done is None:
        return redirect(url_for("reports.index"))
    text = done.value
    return redirect(
        _report_url("reports.view", scope.code, text.starts_on, text.ends_on) + "#kwalitatief"
    )


@bp.route("/pdf")
@readers
@recent_auth_required
def pdf() -> ResponseReturnValue:
    """The whole report as a PDF (audited as an export)."""
    return _with_report(_pdf_download)


def _pdf_download(report: Report) -> ResponseReturnValue:
    body = render_pdf(report)
    audit_report(current_user, report, "export", detail="pdf")
    db.session.commit()
    return _download(body, "application/pdf", _filename(report, ".pdf"))


@bp.route("/csv/<table>")
@readers
@recent_auth_required
def csv(table: str) -> ResponseReturnValue:
    """One table of the report as CSV (audited as an export)."""
    if table not in TABLE_NAMES:
        abort(404)

    def csv_download(report: Report) -> ResponseReturnValue:
        body = table_csv(tables(report)[table], current_locale())
        audit_report(current_user, report, "export", detail=f"csv {table}")
        db.session.commit()
        return _download(body, "text/csv", _filename(report, f"-{table}.csv"))

    return _with_report(csv_download)
