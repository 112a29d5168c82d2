"""The inbox: the signed-in staff member's own floor entries of a day, and the actions on them.
Every action acts on the user's own entries only (404 otherwise) and returns to the inbox."""

from __future__ import annotations

from datetime import date, timedelta

from flask import abort, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from app.access import roles_required
from app.core import roles
from app.core.fields import ActionForm
from app.core.forms import flash_form_errors, form_action, submit, wanted_state
from app.core.localtime import local_today
from app.desk.blueprint import MAX_ID, bp
from app.desk.cases.services import link_entry as link_entry_to_case
from app.desk.common import open_case_of
from app.desk.detention import services as detention_services
from app.desk.inbox import services
from app.desk.inbox.forms import CloseEntryForm, LinkCaseForm, ResolveQuarantineForm
from app.desk.inbox.queries import build_inbox
from app.desk.pages import student_for_work
from app.models import FloorEntry
from app.urls import safe_next_url

desk_staff = roles_required(roles.DESK_STAFF)

# How far back the inbox of an earlier day can be opened.
EARLIEST_DAY = timedelta(days=21)


@bp.route("/")
@desk_staff
def inbox() -> ResponseReturnValue:
    today = local_today()
    day = today
    if request.args.get("dag"):
        try:
            day = date.fromisoformat(request.args["dag"][:10])
        except ValueError:
            abort(404)
        if day > today or day < today - EARLIEST_DAY:
            abort(404)
    handled = None
    if (handled_id := request.args.get("verwerkt", "")).isdigit() and int(handled_id) <= MAX_ID:
        handled = services.handled_triage(current_user, int(handled_id))
    return render_template(
        "desk/inbox.html",
        inbox=build_inbox(current_user, day, today=today),
        handled=handled,
        detention_today=detention_services.sessions_on(current_user, today),
        today=today,
        close_form=CloseEntryForm(),
        resolve_form=ResolveQuarantineForm(),
        action_form=ActionForm(),
    )


def _inbox_url(anchor: str | None = None, *, handled: int | None = None) -> str:
    target = safe_next_url(request.form.get("next")) or url_for("desk.inbox")
    if handled is not None:
        target += ("&" if "?" in target else "?") + f"verwerkt={handled}"
    return f"{target}#{anchor}" if anchor else target


def _own_entry_or_404(entry_id: int) -> FloorEntry:
    entry = services.own_entry(current_user, entry_id)
    if entry is None:
        abort(404)
    return entry


@bp.route("/inbox/<int:entry_id>/afsluiten", methods=["POST"])
@desk_staff
def close_entry(entry_id: int) -> ResponseReturnValue:
    entry = _own_entry_or_404(entry_id)
    form = CloseEntryForm()
    submit(
        form,
        lambda: services.close_entry(current_user, entry, form.reason.data),
        success=_("Afgesloten."),
        errors="flash",
    )
    return redirect(_inbox_url(f"item-e{entry_id}"))


@bp.route("/inbox/afsluiten", methods=["POST"])
@desk_staff
def close_group() -> ResponseReturnValue:
    form = CloseEntryForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(_inbox_url())
    ids: list[int] = []
    for value in request.form.getlist("entry")[:200]:
        if not value.isdigit() or int(value) > MAX_ID:
            abort(400)
        ids.append(int(value))
    submit(
        form,
        lambda: services.close_entries(current_user, ids, form.reason.data),
        success=lambda count: _("%(n)s registraties afgesloten.", n=count),
        errors="flash",
        validate=False,
    )
    return redirect(_inbox_url())


@bp.route("/inbox/<int:entry_id>/heropenen", methods=["POST"])
@desk_staff
def reopen_entry(entry_id: int) -> ResponseReturnValue:
    entry = _own_entry_or_404(entry_id)
    submit(
        ActionForm(),
        lambda: services.reopen_entry(current_user, entry),
        success=_("Weer open in je inbox."),
        errors="flash",
    )
    return redirect(_inbox_url(f"item-e{entry_id}"))


def _mark_message(mark: str, state: bool) -> str:
    messages = {
        ("rapportage", True): _("Gemarkeerd voor de rapportage."),
        ("rapportage", False): _("Niet meer voor de rapportage."),
        ("teamleider", True): _("Gemarkeerd voor de teamleider."),
        ("teamleider", False): _("Niet meer voor de teamleider."),
    }
    return messages[(mark, state)]


@bp.route("/inbox/<int:entry_id>/markeer/<mark>", methods=["POST"])
@desk_staff
def toggle_mark(entry_id: int, mark: str) -> ResponseReturnValue:
    if mark not in services.MARKS:
        abort(404)
    entry = _own_entry_or_404(entry_id)
    submit(
        ActionForm(),
        lambda: services.set_mark(current_user, entry, mark, wanted_state()),
        success=lambda state: _mark_message(mark, state),
        errors="flash",
    )
    return redirect(_inbox_url(f"item-e{entry_id}"))


@bp.route("/inbox/<int:entry_id>/koppel", methods=["POST"])
@desk_staff
def link_entry(entry_id: int) -> ResponseReturnValue:
    """Link an entry to the student's open case; without one, go and open a case from it."""
    entry = _own_entry_or_404(entry_id)
    form = LinkCaseForm()
    if not form.validate_on_submit():
        abort(400)
    student = student_for_work(form.student.data)
    case = open_case_of(student.id)
    if case is None:
        return redirect(
            url_for("desk.new_case", leerlingnummer=student.leerlingnummer, melding=entry.id)
        )
    submit(
        form,
        lambda: link_entry_to_case(current_user, entry, case),
        success=_("Gekoppeld aan de casus van %(name)s.", name=student.full_name),
        errors="flash",
        validate=False,
    )
    return redirect(_inbox_url("net-verwerkt", handled=entry_id))


@bp.route("/vlaggen/<int:flag_id>/afsluiten", methods=["POST"])
@desk_staff
def close_flag(flag_id: int) -> ResponseReturnValue:
    flag = services.own_open_flag(current_user, flag_id)
    if flag is None:
        abort(404)
    form = CloseEntryForm()
    return form_action(
        form,
        lambda: services.close_flag(current_user, flag, form.reason.data),
        success=_("Vlag afgesloten."),
        errors="flash",
        then=_inbox_url(),
        otherwise=_inbox_url(f"item-f{flag_id}"),
    )


@bp.route("/quarantaine/<int:item_id>", methods=["POST"])
@desk_staff
def resolve_quarantine(item_id: int) -> ResponseReturnValue:
    item = services.own_quarantined(current_user, item_id)
    if item is None:
        abort(404)
    form = ResolveQuarantineForm()
    return form_action(
        form,
        lambda: services.resolve_quarantined(current_user, item, form.resolution.data),
        success=lambda count: (
            _("Afgehandeld.") if count == 1 else _("%(n)s registraties afgehandeld.", n=count)
        ),
        errors="flash",
        then=_inbox_url(),
        otherwise=_inbox_url(f"q{item_id}"),
    )
