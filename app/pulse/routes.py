"""Pulse views: staff open a peiling and read results (/peiling/…); students answer at /p/<code>.

The student pages use their own small layout (templates/pulse/_public.html): no staff menu, no
staff service worker and no web-app manifest on a student's phone.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from app.access import can_see_location, may_open, roles_required
from app.core import roles
from app.core.forms import form_page, submit
from app.core.localtime import LOCAL_TZ, local_today
from app.core.request_input import int_arg
from app.core.vocabulary import PeilingStatus
from app.exceptions import DomainError
from app.extensions import db, limiter
from app.models import Location, Peiling
from app.pulse.forms import ClosePeilingForm, OpenPeilingForm, answer_form_class
from app.pulse.presenting import (
    agreement_figure,
    climate_figure,
    period_label,
    phase_label,
    start_label,
    trend_figures,
    withheld_reason,
)
from app.pulse.qr import qr_png, qr_svg
from app.pulse.rules import MAX_PEILING_DAYS, MIN_GROUP_SIZE, Phase
from app.pulse.services import (
    AlreadyAnswered,
    PeilingNotOpen,
    already_answered_message,
    climate_trend,
    close_peiling,
    current_phase,
    default_climate_period,
    find_by_code,
    has_answered,
    issued_for,
    new_device_token,
    not_open_message,
    open_peiling,
    peilingen_for,
    respondent_counts,
    results_for,
    submit_answers,
)
from app.pulse.statements import SCALE, statements_for

bp = Blueprint("pulse", __name__)

result_readers = roles_required(roles.PULSE_READERS)
openers = roles_required(roles.PULSE_OPENERS)

DEVICE_COOKIE_PREFIX = "sf_peiling_"
DEVICE_COOKIE_PATH = "/p/"


def _answer_limit() -> str:
    # Per client address, in the limiter's own storage (never stored with answers).
    return str(current_app.config["PULSE_ANSWER_RATE_LIMIT"])


# -- staff: helpers --------------------------------------------------------------------------


def _own_locations() -> list[Location]:
    return sorted(current_user.locations, key=lambda loc: loc.code)


def _visible_peiling_or_404(peiling_id: int) -> Peiling:
    """A peiling of one of the user's locations; any other answers 404 (existence hidden)."""
    peiling = db.session.get(Peiling, peiling_id)
    if peiling is None or not can_see_location(current_user, peiling.location_id):
        abort(404)
    return peiling


def public_link(peiling: Peiling) -> str:
    return url_for("pulse.answer", code=peiling.code, _external=True)


def _parse_day(raw: str | None) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None


def _climate_period(raw_start: str | None, raw_end: str | None) -> tuple[date, date, str]:
    """The climate trend's period from the query string, or the default with a message."""
    default_start, default_end = default_climate_period()
    start, end = _parse_day(raw_start), _parse_day(raw_end)
    if (raw_start and start is None) or (raw_end and end is None):
        return (
            default_start,
            default_end,
            _("Een datum is ongeldig; de laatste acht weken worden getoond."),
        )
    start, end = start or default_start, end or default_end
    if end < start:
        return (
            default_start,
            default_end,
            _("'Tot en met' ligt vóór 'van'; de laatste acht weken worden getoond."),
        )
    return start, end, ""


# -- staff: results --------------------------------------------------------------------------


@bp.route("/peiling/")
@result_readers
def results() -> ResponseReturnValue:
    """Per location: the peilingen, the results of one, the trend, and the climate trend."""
    locations = _own_locations()
    if not locations:
        return render_template("pulse/results.html", location=None, locations=[])
    code = request.args.get("locatie")
    if code:
        location = next((loc for loc in locations if loc.code == code), None)
        if location is None:
            abort(404)
    else:
        location = locations[0]

    peilingen = peilingen_for(location)  # newest first
    all_results = results_for(peilingen)
    selected_id = int_arg("peiling")
    if selected_id is not None and selected_id not in {p.id for p in peilingen}:
        abort(404)
    selected = next((r for r in all_results if r.peiling.id == selected_id), None)
    if selected is None and all_results:
        # Newest peiling that has results, else simply the newest.
        selected = next((r for r in all_results if r.shown), all_results[0])
    trend = []
    if selected is not None:
        trend = [
            r for r in reversed(all_results) if r.peiling.starts_on <= selected.peiling.starts_on
        ]

    start, end, period_problem = _climate_period(request.args.get("van"), request.args.get("tot"))
    try:
        climate = climate_trend(location, start, end)
    except DomainError as error:  # longer than the chart can show
        start, end = default_climate_period()
        period_problem = f"{error.message} {_('De laatste acht weken worden getoond.')}"
        climate = climate_trend(location, start, end)

    return render_template(
        "pulse/results.html",
        location=location,
        locations=locations,
        all_results=all_results,
        selected=selected,
        selected_figure=agreement_figure(selected) if selected else None,
        withheld=withheld_reason(selected) if selected else "",
        trend=trend,
        trend_figures=trend_figures(trend),
        climate=climate_figure(climate, location.name),
        climate_start=start,
        climate_end=end,
        period_problem=period_problem,
        period_label=period_label,
        start_label=start_label,
        phase_label=phase_label,
        withheld_reason=withheld_reason,
        can_open=may_open("pulse.new"),
        scale=SCALE,
        minimum=MIN_GROUP_SIZE,
    )


# -- staff: open, show, print and close a peiling --------------------------------------------


@bp.route("/peiling/nieuw", methods=["GET", "POST"])
@openers
def new() -> ResponseReturnValue:
    locations = _own_locations()
    form = OpenPeilingForm()
    form.location.choices = [(loc.code, f"{loc.code} – {loc.name}") for loc in locations]
    if request.method == "GET":
        today = local_today()
        form.location.data = request.args.get("locatie") or (
            locations[0].code if locations else None
        )
        form.starts_on.data = today
        form.ends_on.data = today + timedelta(days=11)
    if form.validate_on_submit():
        location = next((loc for loc in locations if loc.code == form.location.data), None)
        if location is None:  # not one of the user's locations: existence is not revealed
            abort(404)
        if done := submit(
            form,
            lambda: open_peiling(current_user, location, form.starts_on.data, form.ends_on.data),
            success=_("Peiling geopend. Print de QR-code voor de aula of deel de link."),
            validate=False,
        ):
            return redirect(url_for("pulse.detail", peiling_id=done.value.id))
    return form_page("pulse/new.html", form, max_days=MAX_PEILING_DAYS)


@bp.route("/peiling/<int:peiling_id>")
@result_readers
def detail(peiling_id: int) -> ResponseReturnValue:
    peiling = _visible_peiling_or_404(peiling_id)
    current = current_phase(peiling)
    return render_template(
        "pulse/detail.html",
        peiling=peiling,
        phase=current,
        phase_text=phase_label(current),
        period=period_label(peiling),
        link=public_link(peiling),
        respondents=respondent_counts([peiling.id])[peiling.id],
        close_form=ClosePeilingForm(),
        can_close=may_open("pulse.close") and peiling.status == PeilingStatus.OPEN,
        statements=statements_for(peiling.questionnaire),
        minimum=MIN_GROUP_SIZE,
    )


@bp.route("/peiling/<int:peiling_id>/poster")
@result_readers
def poster(peiling_id: int) -> ResponseReturnValue:
    """An A4 poster for the aula: the QR code, the short link and what it is about."""
    peiling = _visible_peiling_or_404(peiling_id)
    return render_template(
        "pulse/poster.html",
        peiling=peiling,
        link=public_link(peiling),
        period=period_label(peiling),
    )


def _qr_response(body: bytes, mimetype: str, peiling: Peiling, extension: str) -> Response:
    response = Response(body, mimetype=mimetype)
    if request.args.get("download"):
        filename = f"peiling-{peiling.location.code}-{peiling.code}.{extension}"
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.route("/peiling/<int:peiling_id>/qr.svg")
@result_readers
def qr_code_svg(peiling_id: int) -> ResponseReturnValue:
    peiling = _visible_peiling_or_404(peiling_id)
    link = public_link(peiling)
    body = qr_svg(
        link,
        title=_("QR-code van de leerlingpeiling"),
        description=_("Scan om mee te doen: %(link)s", link=link),
    )
    return _qr_response(body, "image/svg+xml", peiling, "svg")


@bp.route("/peiling/<int:peiling_id>/qr.png")
@result_readers
def qr_code_png(peiling_id: int) -> ResponseReturnValue:
    peiling = _visible_peiling_or_404(peiling_id)
    return _qr_response(qr_png(public_link(peiling)), "image/png", peiling, "png")


@bp.route("/peiling/<int:peiling_id>/sluiten", methods=["POST"])
@openers
def close(peiling_id: int) -> ResponseReturnValue:
    peiling = _visible_peiling_or_404(peiling_id)
    form = ClosePeilingForm()
    if form.validate_on_submit() and not form.is_confirmed:
        return render_template("pulse/close.html", peiling=peiling, close_form=form)
    submit(
        form,
        lambda: close_peiling(current_user, peiling),
        success=_("Peiling gesloten. Er kunnen geen antwoorden meer bij."),
        errors="flash",
    )
    return redirect(url_for("pulse.detail", peiling_id=peiling.id))


# -- students: the public answer page ---------------------------------------------------------


def device_cookie_name(peiling: Peiling) -> str:
    return f"{DEVICE_COOKIE_PREFIX}{peiling.code}"


def _set_device_cookie(response: Response, peiling: Peiling, token: str) -> None:
    """The device's random token, only for /p/ pages, until the day after the peiling ends."""
    expires = datetime.combine(peiling.ends_on + timedelta(days=2), time.min, tzinfo=LOCAL_TZ)
    response.set_cookie(
        device_cookie_name(peiling),
        token,
        expires=expires.astimezone(UTC),
        path=DEVICE_COOKIE_PATH,
        secure=bool(current_app.config["SESSION_COOKIE_SECURE"]),
        httponly=True,
        samesite="Lax",
    )


def _public_page(template: str, status: int = 200, **context: Any) -> tuple[str, int]:
    return render_template(template, **context), status


def _unknown_peiling() -> tuple[str, int]:
    return _public_page(
        "pulse/message.html",
        404,
        heading=_("Deze peiling bestaat niet"),
        message=_(
            "Controleer de link, of scan de QR-code opnieuw. Let op: in de code komen geen "
            "nullen, enen of de letters I, L en O voor."
        ),
    )


@bp.route("/p/<code>", methods=["GET", "POST"])
@limiter.limit(_answer_limit, methods=["POST"])
def answer(code: str) -> ResponseReturnValue:
    """The anonymous questionnaire. No login; one answer per device token, which the server
    issues (signed) when the questionnaire is opened and keeps in a cookie on the phone; nothing
    about the student or the device is stored with the answers (docs/pulse.md)."""
    peiling = find_by_code(code)
    if peiling is None:
        return _unknown_peiling()
    if code != peiling.code:
        # One spelling of the URL, so the device cookie is always found (308 keeps a POST).
        return redirect(url_for("pulse.answer", code=peiling.code), 308)
    refused = 409 if request.method == "POST" else 200
    current = current_phase(peiling)
    if current != Phase.OPEN:
        return _public_page(
            "pulse/message.html",
            refused,
            heading=_("Meedoen kan nu niet"),
            message=not_open_message(peiling, current),
        )
    token = request.cookies.get(device_cookie_name(peiling))
    if has_answered(peiling, token):
        return _already_answered(refused)

    statements = statements_for(peiling.questionnaire)
    form = answer_form_class(statements)()
    problem = ""
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                submit_answers(peiling, token, form.answers())
            except AlreadyAnswered:
                db.session.rollback()
                return _already_answered(409)
            except PeilingNotOpen as error:
                db.session.rollback()
                return _public_page(
                    "pulse/message.html",
                    409,
                    heading=_("Meedoen kan nu niet"),
                    message=error.message,
                )
            except DomainError as error:
                db.session.rollback()
                problem, status = error.message, 400
            else:
                db.session.commit()
                return redirect(url_for("pulse.thanks", code=peiling.code))
        else:
            problem, status = (
                _("Je antwoorden zijn nog niet verstuurd. Kijk hieronder wat er nog mist."),
                400,
            )
    html = render_template("pulse/answer.html", peiling=peiling, form=form, problem=problem)
    response = make_response(html, status)
    if issued_for(peiling, token) != "fresh":
        # Opened without a token of ours (or with a made-up or stale one): issue one now.
        _set_device_cookie(response, peiling, new_device_token(peiling))
    return response


def _already_answered(status: int) -> tuple[str, int]:
    return _public_page(
        "pulse/message.html",
        status,
        heading=_("Al ingevuld"),
        message=already_answered_message(),
        thanks=True,
    )


@bp.route("/p/<code>/bedankt")
def thanks(code: str) -> ResponseReturnValue:
    peiling = find_by_code(code)
    if peiling is None:
        return _unknown_peiling()
    return _public_page("pulse/thanks.html", peiling=peiling)


@bp.errorhandler(429)
def answer_rate_limited(error: HTTPException) -> ResponseReturnValue:
    """A burst from one address: keep the student's answers on screen and say what to do."""
    db.session.rollback()
    message = _(
        "Er worden nu heel veel antwoorden tegelijk verstuurd vanaf dit netwerk. Je antwoorden "
        "zijn nog niet opgeslagen. Wacht een minuut en druk dan opnieuw op Versturen."
    )
    code = (request.view_args or {}).get("code", "")
    peiling = find_by_code(code) if request.endpoint == "pulse.answer" else None
    if peiling is None:
        return _public_page("pulse/message.html", 429, heading=_("Even wachten"), message=message)
    form = answer_form_class(statements_for(peiling.questionnaire))()
    html = render_template("pulse/answer.html", peiling=peiling, form=form, problem=message)
    return make_response(html, 429)
