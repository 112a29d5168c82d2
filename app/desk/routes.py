"""Desk views: thin — parse, check access, call services, commit, render; redirect after POST.

Access: the inbox and its actions act on the signed-in user's own floor entries only. Cases and
everything about a student answer 404 when the user may not see them (existence does not leak);
pages only a role may use answer 403.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from flask import (
    abort,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.wrappers import Response

from app.access import find_visible_student, login_required, roles_required
from app.access.case_rules import CaseAccess
from app.access.cases import can_work_on_student, find_case, may_see_student_work
from app.audit import record, record_many
from app.auth.sessions import recent_auth_required
from app.core import roles
from app.core.localtime import local_today
from app.core.vocabulary import (
    CallResult,
    CallStatus,
    CaseStatus,
    HandoverStatus,
    Role,
    VisitStatus,
)
from app.desk import bp, rules
from app.desk import services as svc
from app.desk.chronology import KIND_LABELS, available_kinds, build_chronology
from app.desk.forms import (
    AcceptHandoverForm,
    ActionForm,
    AddStudentForm,
    AssignForm,
    AttemptForm,
    CallForm,
    CancelForm,
    CaseForm,
    CloseEntryForm,
    DetentionForm,
    ExportForm,
    HandoverForm,
    LinkCaseForm,
    NoteForm,
    ReportForm,
    ResolveQuarantineForm,
    ReturnHandoverForm,
    ReviewForm,
    ScreenedPlaceForm,
    SlotForm,
    StatusForm,
    TalkForm,
    VisitForm,
    VisitReportForm,
    choice_list,
)
from app.desk.inbox import build_inbox
from app.desk.lvs import handover_record, records_for_period, report_record, to_csv
from app.exceptions import DomainError
from app.extensions import db
from app.models import Casus, ConversationReport, DetentionAttendance, Location, Student, User
from app.models.types import utcnow
from app.students.services import search_students
from app.urls import safe_next_url

desk_staff = roles_required(roles.DESK_STAFF)
case_workers = roles_required(roles.CASE_WORKERS)
case_readers = roles_required(roles.CASE_READERS)
slot_managers = roles_required(roles.SLOT_MANAGERS)

SCREENED_KEY = "desk_screened_at"
# Pages without personal data: no screened-place confirmation needed.
UNSCREENED_ENDPOINTS = frozenset({"desk.screened", "desk.slots", "desk.slot_toggle"})
CASES_PER_PAGE = 50


MAX_ID = 2_147_483_647  # PostgreSQL integer; larger ids cannot exist


@bp.url_value_preprocessor
def refuse_impossible_ids(_endpoint: str | None, values: dict[str, Any] | None) -> None:
    """An id beyond the database's integer range answers 404 (not a database error)."""
    for value in (values or {}).values():
        if isinstance(value, int) and value > MAX_ID:
            abort(404)


@bp.before_request
def require_screened_place() -> Response | None:
    """The first desk page of a session asks to confirm a screened-off place (case content is
    for the desk, not for a laptop in the canteen: the school's evaluation at ZS)."""
    if not current_user.is_authenticated or request.endpoint in UNSCREENED_ENDPOINTS:
        return None
    if session.get(SCREENED_KEY):
        return None
    if request.method == "GET":
        target = request.full_path.rstrip("?")
    else:
        target = request.referrer or url_for("desk.inbox")
    return redirect(url_for("desk.screened", next=safe_next_url(target) or None))


def _show_error(form: Any, error: DomainError) -> None:
    """A service's message at its field (when the form has it), else as a flash."""
    target = getattr(form, error.field, None) if error.field else None
    if target is not None:
        target.errors = [*target.errors, error.message]
    else:
        flash(error.message, "error")


def _flash_form_errors(form: Any) -> None:
    for name, errors in form.errors.items():
        label = getattr(getattr(form, name, None), "label", None)
        for message in errors:
            flash(f"{label.text}: {message}" if label is not None else str(message), "error")


def _back(default: str) -> Response:
    return redirect(safe_next_url(request.form.get("next")) or default)


def _user_by_id(user_id: int | None) -> User | None:
    return db.session.get(User, user_id) if user_id else None


def _staff_choices(
    location_id: int, roles: frozenset[Role] | set[Role], empty: str | None = None
) -> list[tuple[int, str]]:
    choices = [(u.id, u.name) for u in svc.staff_at(location_id, roles)]
    return ([(0, empty)] if empty is not None else []) + choices


def _student_for_work(leerlingnummer: str | None) -> Student:
    """A student the user may work on (case workers at the student's location), else 404."""
    student = find_visible_student(current_user, (leerlingnummer or "")[:20])
    if student is None or not can_work_on_student(current_user, student):
        abort(404)
    return student


def _entry_for(student: Student | None, entry_id: str | None) -> Any:
    """The own floor entry an action starts from (``?melding=``), checked against the student."""
    if not entry_id:
        return None
    if not entry_id.isdigit() or int(entry_id) > MAX_ID:
        abort(404)
    entry = svc.own_entry(current_user, int(entry_id))
    if entry is None or (student is not None and student.id not in {s.id for s in entry.students}):
        abort(404)
    return entry


def _today() -> date:
    return local_today()


# ---------------------------------------------------------------------------------------------
# Screened place


@bp.route("/afgeschermd", methods=["GET", "POST"])
@login_required
def screened() -> str | Response:
    form = ScreenedPlaceForm()
    if request.method == "GET":
        form.next.data = safe_next_url(request.args.get("next")) or ""
    if form.validate_on_submit():
        session[SCREENED_KEY] = utcnow().isoformat(timespec="minutes")
        return redirect(safe_next_url(form.next.data) or url_for("desk.home"))
    status = 400 if form.errors else 200
    return render_template("desk/screened.html", form=form), status  # type: ignore[return-value]


@bp.route("/start")
@login_required
def home() -> Response:
    """Where desk mode starts for each role."""
    if current_user.role in roles.DESK_STAFF:
        return redirect(url_for("desk.inbox"))
    if current_user.role in roles.CASE_READERS:
        return redirect(url_for("desk.cases"))
    return redirect(url_for("main.index"))


# ---------------------------------------------------------------------------------------------
# Inbox


@bp.route("/")
@desk_staff
def inbox() -> str:
    today = _today()
    day = today
    if request.args.get("dag"):
        try:
            day = date.fromisoformat(request.args["dag"][:10])
        except ValueError:
            abort(404)
        if day > today or day < today - timedelta(days=21):
            abort(404)
    data = build_inbox(current_user, day, today=today)
    return render_template(
        "desk/inbox.html",
        inbox=data,
        today=today,
        close_form=CloseEntryForm(),
        resolve_form=ResolveQuarantineForm(),
        action_form=ActionForm(),
    )


def _inbox_url(anchor: str | None = None) -> str:
    target = safe_next_url(request.form.get("next")) or url_for("desk.inbox")
    return f"{target}#{anchor}" if anchor else target


def _own_entry_or_404(entry_id: int) -> Any:
    entry = svc.own_entry(current_user, entry_id)
    if entry is None:
        abort(404)
    return entry


@bp.route("/inbox/<int:entry_id>/afsluiten", methods=["POST"])
@desk_staff
def close_entry(entry_id: int) -> Response:
    entry = _own_entry_or_404(entry_id)
    form = CloseEntryForm()
    if not form.validate_on_submit():
        _flash_form_errors(form)
        return redirect(_inbox_url(f"item-e{entry_id}"))
    try:
        svc.close_entry(current_user, entry, form.reason.data)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("Afgesloten."), "success")
    return redirect(_inbox_url(f"item-e{entry_id}"))


@bp.route("/inbox/afsluiten", methods=["POST"])
@desk_staff
def close_group() -> Response:
    form = CloseEntryForm()
    if not form.validate_on_submit():
        _flash_form_errors(form)
        return redirect(_inbox_url())
    ids: list[int] = []
    for value in request.form.getlist("entry")[:200]:
        if not value.isdigit() or int(value) > MAX_ID:
            abort(400)
        ids.append(int(value))
    try:
        count = svc.close_entries(current_user, ids, form.reason.data)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("%(n)s registraties afgesloten.", n=count), "success")
    return redirect(_inbox_url())


@bp.route("/inbox/<int:entry_id>/heropenen", methods=["POST"])
@desk_staff
def reopen_entry(entry_id: int) -> Response:
    entry = _own_entry_or_404(entry_id)
    if ActionForm().validate_on_submit():
        svc.reopen_entry(current_user, entry)
        db.session.commit()
        flash(_("Weer open in je inbox."), "success")
    return redirect(_inbox_url(f"item-e{entry_id}"))


@bp.route("/inbox/<int:entry_id>/markeer/<mark>", methods=["POST"])
@desk_staff
def toggle_mark(entry_id: int, mark: str) -> Response:
    if mark not in svc.MARKS:
        abort(404)
    entry = _own_entry_or_404(entry_id)
    if ActionForm().validate_on_submit():
        state = svc.toggle_mark(current_user, entry, mark)
        db.session.commit()
        labels = {
            ("rapportage", True): _("Gemarkeerd voor de rapportage."),
            ("rapportage", False): _("Niet meer voor de rapportage."),
            ("teamleider", True): _("Gemarkeerd voor de teamleider."),
            ("teamleider", False): _("Niet meer voor de teamleider."),
        }
        flash(labels[(mark, state)], "success")
    return redirect(_inbox_url(f"item-e{entry_id}"))


@bp.route("/inbox/<int:entry_id>/koppel", methods=["POST"])
@desk_staff
def link_entry(entry_id: int) -> Response:
    entry = _own_entry_or_404(entry_id)
    form = LinkCaseForm()
    if not form.validate_on_submit():
        abort(400)
    student = _student_for_work(form.student.data)
    case = svc.open_case_of(student.id)
    if case is None:
        return redirect(
            url_for("desk.new_case", leerlingnummer=student.leerlingnummer, melding=entry.id)
        )
    try:
        svc.link_entry(current_user, entry, case)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("Gekoppeld aan de casus van %(name)s.", name=student.full_name), "success")
    return redirect(_inbox_url(f"item-e{entry_id}"))


@bp.route("/vlaggen/<int:flag_id>/afsluiten", methods=["POST"])
@desk_staff
def close_flag(flag_id: int) -> Response:
    flag = svc.own_open_flag(current_user, flag_id)
    if flag is None:
        abort(404)
    form = CloseEntryForm()
    if not form.validate_on_submit():
        _flash_form_errors(form)
        return redirect(_inbox_url(f"item-f{flag_id}"))
    svc.close_flag(current_user, flag, form.reason.data)
    db.session.commit()
    flash(_("Vlag afgesloten."), "success")
    return redirect(_inbox_url())


@bp.route("/quarantaine/<int:item_id>", methods=["POST"])
@desk_staff
def resolve_quarantine(item_id: int) -> Response:
    item = svc.own_quarantined(current_user, item_id)
    if item is None:
        abort(404)
    form = ResolveQuarantineForm()
    if not form.validate_on_submit():
        _flash_form_errors(form)
        return redirect(_inbox_url(f"q{item_id}"))
    svc.resolve_quarantined(current_user, item, form.resolution.data)
    db.session.commit()
    flash(_("Afgehandeld."), "success")
    return redirect(_inbox_url())


# ---------------------------------------------------------------------------------------------
# Outstanding actions and today's calls


@bp.route("/openstaand")
@case_workers
def outstanding() -> str:
    today = _today()
    data = svc.outstanding_for(current_user, today=today)
    return render_template("desk/outstanding.html", data=data, today=today)


@bp.route("/bellen")
@case_workers
def calls_today() -> str:
    today = _today()
    calls = svc.open_calls_for(current_user, today=today, until=today)
    later = [c for c in svc.open_calls_for(current_user, today=today) if c.due > today]
    return render_template(
        "desk/calls_today.html",
        calls=calls,
        later=later,
        today=today,
        forms={c.id: attempt_form(c) for c in calls},
    )


# ---------------------------------------------------------------------------------------------
# Cases


@bp.route("/casussen")
@case_readers
def cases() -> str:
    status_value = request.args.get("status", "")
    try:
        status = CaseStatus(status_value) if status_value else None
    except ValueError:
        status = None
    location_id = request.args.get("locatie", type=int)
    if location_id not in current_user.location_ids:
        location_id = None
    filters = svc.CaseFilter(
        status=status,
        mine=request.args.get("mijn") == "1",
        text=request.args.get("q", "").strip()[:80],
        location_id=location_id,
        include_closed=request.args.get("afgesloten") == "1",
    )
    page = db.paginate(
        svc.case_list_query(current_user, filters), per_page=CASES_PER_PAGE, error_out=False
    )
    return render_template(
        "desk/cases.html",
        page=page,
        filters=filters,
        statuses=list(CaseStatus),
        pending=svc.pending_handovers_for_copa(current_user),
        today=_today(),
    )


def _case_form_choices(form: CaseForm | AssignForm, student: Student) -> None:
    form.owner.choices = choice_list(_staff_choices(student.location_id, roles.CASE_WORKERS))
    form.teamleider.choices = choice_list(
        _staff_choices(student.location_id, {Role.TEAMLEIDER}, empty=_("— nog niet bekend —"))
    )


@bp.route("/leerling/<leerlingnummer>/casus/nieuw", methods=["GET", "POST"])
@case_workers
def new_case(leerlingnummer: str) -> str | Response:
    student = _student_for_work(leerlingnummer)
    entry = _entry_for(student, request.values.get("melding"))
    existing = svc.open_case_of(student.id)
    if existing is not None:
        flash(_("%(name)s heeft al een open casus.", name=student.full_name), "info")
        return redirect(url_for("desk.case_detail", case_id=existing.id))
    form = CaseForm()
    _case_form_choices(form, student)
    form.status.choices = choice_list(CaseStatus.choices(svc.STARTING_STATUSES))
    if request.method == "GET":
        form.owner.data = current_user.id if current_user.role in roles.CASE_WORKERS else None
        form.status.data = CaseStatus.SIGNAAL.value
        if entry is not None and entry.note:
            form.reason.data = entry.note[:300]
    if form.validate_on_submit():
        try:
            case = svc.open_case(
                current_user,
                student,
                reason=form.reason.data,
                status=CaseStatus(form.status.data),
                owner=_user_by_id(form.owner.data),
                teamleider=_user_by_id(form.teamleider.data),
                review_date=form.review_date.data,
                entry=entry,
            )
        except svc.CaseAlreadyOpen as error:
            db.session.rollback()
            flash(error.message, "info")
            return redirect(url_for("desk.case_detail", case_id=error.case.id))
        except DomainError as error:
            db.session.rollback()
            _show_error(form, error)
        else:
            record(current_user, "create", "casus", case.id, student=student)
            db.session.commit()
            flash(_("Casus geopend voor %(name)s.", name=student.full_name), "success")
            return redirect(url_for("desk.case_detail", case_id=case.id))
    status = 400 if form.errors else 200
    return render_template(  # type: ignore[return-value]
        "desk/case_new.html",
        form=form,
        student=student,
        entry=entry,
        default_review=rules.default_review_date(_today()),
    ), status


def _case_or_404(case_id: int) -> tuple[Casus, CaseAccess]:
    found = find_case(current_user, case_id)
    if found is None:
        abort(404)
    return found


def _status_form(case: Casus) -> StatusForm:
    form = StatusForm(prefix="status")
    form.status.choices = choice_list(CaseStatus.choices(rules.allowed_targets(case.status)))
    return form


def _render_case(
    case: Casus, access: CaseAccess, *, status_code: int = 200, **forms: Any
) -> tuple[str, int]:
    """The case page; every time it is shown (also again after a refused form) is audited."""
    record(current_user, "view", "casus", case.id, student=case.student)
    kinds = [k for k in request.args.getlist("soort") if k in KIND_LABELS]
    chronology = build_chronology(case.student_id, kinds or None)
    open_handover = next((h for h in case.handovers if h.status == HandoverStatus.INGEDIEND), None)
    assign_form = forms.pop("assign_form", None) or AssignForm(
        prefix="team", owner=case.owner_id, teamleider=case.teamleider_id or 0
    )
    _case_form_choices(assign_form, case.student)
    html = render_template(
        "desk/case_detail.html",
        case=case,
        access=access,
        chronology=chronology,
        kinds=available_kinds(),
        kind_labels=KIND_LABELS,
        selected_kinds=kinds,
        open_handover=open_handover,
        handovers=case.handovers,
        can_hand_over=access.work and case.status in rules.HANDOVER_FROM and open_handover is None,
        status_form=forms.pop("status_form", None) or _status_form(case),
        assign_form=assign_form,
        note_form=forms.pop("note_form", None) or NoteForm(prefix="note"),
        review_form=forms.pop("review_form", None)
        or ReviewForm(prefix="review", next_review_date=rules.default_review_date(_today())),
        review_due=rules.review_due(case.status, case.review_date, _today()),
        default_review=rules.default_review_date(_today()),
        today=_today(),
        **forms,
    )
    db.session.commit()  # the audit event (a refused form has rolled back its own changes)
    return html, status_code


@bp.route("/casussen/<int:case_id>")
@login_required
def case_detail(case_id: int) -> tuple[str, int]:
    case, access = _case_or_404(case_id)
    page = _render_case(case, access)
    db.session.commit()
    return page


def _case_action(
    case_id: int,
    allowed: Callable[[CaseAccess], bool],
    make_form: Callable[[Casus], FlaskForm],
    form_key: str,
    apply: Callable[[Casus, Any], str],
) -> str | Response | tuple[str, int]:
    """One form on the case page: check access, validate, apply (the service), commit and go
    back to the case with the message ``apply`` returns; or show the case again with the form's
    errors (a refused service call rolls back first, so nothing is half-saved)."""
    case, access = _case_or_404(case_id)
    if not allowed(access):
        abort(403)
    form = make_form(case)
    if form.validate_on_submit():
        try:
            message = apply(case, form)
        except DomainError as error:
            db.session.rollback()
            _show_error(form, error)
        else:
            db.session.commit()
            flash(message, "success")
            return redirect(url_for("desk.case_detail", case_id=case.id))
    case, access = _case_or_404(case_id)
    return _render_case(case, access, status_code=400, **{form_key: form})


@bp.route("/casussen/<int:case_id>/status", methods=["POST"])
@login_required
def case_status(case_id: int) -> str | Response | tuple[str, int]:
    def apply(case: Casus, form: Any) -> str:
        svc.change_status(
            current_user,
            case,
            CaseStatus(form.status.data),
            form.reason.data,
            review_date=form.review_date.data,
        )
        record(
            current_user,
            "update",
            "casus",
            case.id,
            student=case.student,
            detail=f"status {case.status.value}",
        )
        return _("Status gewijzigd naar %(status)s.", status=case.status_label)

    return _case_action(case_id, lambda a: a.change_status, _status_form, "status_form", apply)


def _assign_form(case: Casus) -> AssignForm:
    form = AssignForm(prefix="team")
    _case_form_choices(form, case.student)
    return form


@bp.route("/casussen/<int:case_id>/team", methods=["POST"])
@login_required
def case_assign(case_id: int) -> str | Response | tuple[str, int]:
    def apply(case: Casus, form: Any) -> str:
        owner, teamleider = _user_by_id(form.owner.data), _user_by_id(form.teamleider.data)
        svc.assign_case(current_user, case, owner, teamleider)
        return _("Opgeslagen.")

    return _case_action(case_id, lambda a: a.assign, _assign_form, "assign_form", apply)


@bp.route("/casussen/<int:case_id>/notitie", methods=["POST"])
@login_required
def case_note(case_id: int) -> str | Response | tuple[str, int]:
    def apply(case: Casus, form: Any) -> str:
        svc.add_note(current_user, case, form.text.data)
        return _("Notitie toegevoegd.")

    return _case_action(
        case_id, lambda a: a.add_note, lambda _case: NoteForm(prefix="note"), "note_form", apply
    )


@bp.route("/casussen/<int:case_id>/evaluatie", methods=["POST"])
@login_required
def case_review(case_id: int) -> str | Response | tuple[str, int]:
    def apply(case: Casus, form: Any) -> str:
        svc.record_review(current_user, case, form.text.data, form.next_review_date.data)
        return _("Evaluatie vastgelegd.")

    return _case_action(
        case_id, lambda a: a.work, lambda _case: ReviewForm(prefix="review"), "review_form", apply
    )


# ---------------------------------------------------------------------------------------------
# Handover to COPA


@bp.route("/casussen/<int:case_id>/overdracht", methods=["GET", "POST"])
@case_workers
def new_handover(case_id: int) -> str | Response:
    case, access = _case_or_404(case_id)
    if not access.work:
        abort(403)
    moments = svc.upcoming_moments(case.student.location_id)
    form = HandoverForm()
    form.moment.choices = choice_list(
        [
            (
                m.value,
                m.at.astimezone(rules.LOCAL_TZ).strftime("%d-%m-%Y %H:%M")
                + (f" – {m.place}" if m.place else ""),
            )
            for m in moments
        ]
    )
    form.teamleider.choices = choice_list(
        _staff_choices(
            case.student.location_id, {Role.TEAMLEIDER}, empty=_("— geen teamleider in SchoolFit —")
        )
    )
    if request.method == "GET":
        form.summary.data = svc.handover_prefill(case)
        form.teamleider.data = case.teamleider_id or 0
        if moments:
            form.moment.data = moments[0].value
    if form.validate_on_submit() or (request.method == "POST" and _only_moment_errors(form)):
        try:
            handover = svc.submit_handover(
                current_user,
                case,
                svc.HandoverInput(
                    criteria=form.criteria.data or [],
                    summary=form.summary.data,
                    help_questions=form.help_questions.data,
                    proposed_next_step=form.proposed_next_step.data,
                    moment=form.moment.data,
                    teamleider=_user_by_id(form.teamleider.data),
                ),
            )
        except DomainError as error:
            db.session.rollback()
            form.moment.errors = []
            _show_error(form, error)
        else:
            record(current_user, "create", "overdracht", handover.id, student=case.student)
            db.session.commit()
            flash(_("Overdracht ingediend bij COPA."), "success")
            return redirect(url_for("desk.handover_detail", handover_id=handover.id))
    blocked = None
    if case.status not in rules.HANDOVER_FROM:
        blocked = rules.transition_error(
            case.status, CaseStatus.OVERGEDRAGEN_COPA, via_handover=True
        )
    elif any(h.status == HandoverStatus.INGEDIEND for h in case.handovers):
        blocked = _("Er staat al een overdracht open bij COPA voor deze casus.")
    status = 400 if form.errors else 200
    return render_template(  # type: ignore[return-value]
        "desk/handover_new.html",
        form=form,
        case=case,
        moments=moments,
        blocked=blocked,
        can_manage_slots=current_user.role in roles.SLOT_MANAGERS,
    ), status


def _only_moment_errors(form: HandoverForm) -> bool:
    """No slots configured: the moment select has no choices; let the service explain."""
    return set(form.errors) == {"moment"} and not form.moment.choices


def _handover_or_404(handover_id: int) -> Any:
    found = svc.find_handover(current_user, handover_id)
    if found is None:
        abort(404)
    return found


@bp.route("/overdrachten/<int:handover_id>")
@login_required
def handover_detail(handover_id: int) -> str:
    handover, access = _handover_or_404(handover_id)
    record(current_user, "view", "overdracht", handover.id, student=handover.case.student)
    db.session.commit()
    return render_template(
        "desk/handover_detail.html",
        handover=handover,
        access=access,
        lvs_text=handover_record(handover).text(),
        accept_form=AcceptHandoverForm(),
        return_form=ReturnHandoverForm(),
        action_form=ActionForm(),
    )


@bp.route("/overdrachten/<int:handover_id>/accepteren", methods=["POST"])
@login_required
def handover_accept(handover_id: int) -> Response:
    handover, access = _handover_or_404(handover_id)
    if not access.decide_handover:
        abort(403)
    form = AcceptHandoverForm()
    if not form.validate_on_submit():
        _flash_form_errors(form)
        return redirect(url_for("desk.handover_detail", handover_id=handover.id))
    try:
        svc.accept_handover(current_user, handover, form.note.data)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("desk.handover_detail", handover_id=handover_id))
    record(
        current_user,
        "update",
        "overdracht",
        handover.id,
        student=handover.case.student,
        detail="geaccepteerd",
    )
    db.session.commit()
    flash(_("Overdracht geaccepteerd; de casus staat nu bij COPA."), "success")
    return redirect(url_for("desk.case_detail", case_id=handover.case_id))


@bp.route("/overdrachten/<int:handover_id>/teruggeven", methods=["POST"])
@login_required
def handover_return(handover_id: int) -> str | Response:
    handover, access = _handover_or_404(handover_id)
    if not access.decide_handover:
        abort(403)
    form = ReturnHandoverForm()
    if form.validate_on_submit():
        try:
            svc.return_handover(current_user, handover, form.reason.data)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            record(
                current_user,
                "update",
                "overdracht",
                handover.id,
                student=handover.case.student,
                detail="teruggegeven",
            )
            db.session.commit()
            flash(_("Overdracht teruggegeven aan SchoolFit."), "success")
            return redirect(url_for("desk.cases"))
    handover, access = _handover_or_404(handover_id)
    return render_template(  # type: ignore[return-value]
        "desk/handover_detail.html",
        handover=handover,
        access=access,
        lvs_text=handover_record(handover).text(),
        accept_form=AcceptHandoverForm(),
        return_form=form,
        action_form=ActionForm(),
    ), 400


@bp.route("/overdrachten/<int:handover_id>/gezien", methods=["POST"])
@login_required
def handover_seen(handover_id: int) -> Response:
    handover, _access = _handover_or_404(handover_id)
    if ActionForm().validate_on_submit():
        try:
            svc.acknowledge_return(current_user, handover)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("Afgevinkt."), "success")
    return _back(url_for("desk.outstanding"))


# ---------------------------------------------------------------------------------------------
# Conversation reports


def _report_input(form: ReportForm) -> svc.ReportInput:
    return svc.ReportInput(
        held_on=form.held_on.data,
        with_whom=form.with_whom.data or [],
        with_other=form.with_other.data,
        topics=form.topics.data or [],
        summary=form.summary.data,
        agreements=form.agreements.data,
        next_step=form.next_step.data,
        next_step_due=form.next_step_due.data,
        internal_note=form.internal_note.data,
    )


@bp.route("/leerling/<leerlingnummer>/verslag/nieuw", methods=["GET", "POST"])
@case_workers
def new_report(leerlingnummer: str) -> str | Response:
    student = _student_for_work(leerlingnummer)
    entry = _entry_for(student, request.values.get("melding"))
    form = ReportForm()
    if request.method == "GET":
        form.with_whom.data = ["leerling"]
        form.held_on.data = _today()
        if entry is not None:
            form.held_on.data = entry.occurred_at.astimezone(rules.LOCAL_TZ).date()
            form.summary.data = entry.note
            if entry.topic:
                form.topics.data = [entry.topic.value]
    if form.validate_on_submit():
        try:
            report = svc.create_report(current_user, student, _report_input(form), entry=entry)
        except DomainError as error:
            db.session.rollback()
            _show_error(form, error)
        else:
            record(current_user, "create", "gespreksverslag", report.id, student=student)
            db.session.commit()
            flash(_("Gespreksverslag opgeslagen."), "success")
            if entry is not None:
                return redirect(url_for("desk.inbox", _anchor=f"item-e{entry.id}"))
            return redirect(url_for("desk.report_detail", report_id=report.id))
    status = 400 if form.errors else 200
    return render_template(  # type: ignore[return-value]
        "desk/report_form.html",
        form=form,
        student=student,
        entry=entry,
        report=None,
        open_case=svc.open_case_of(student.id),
    ), status


def _report_or_404(report_id: int) -> ConversationReport:
    report = db.session.get(ConversationReport, report_id)
    if report is None or not may_see_student_work(current_user, report.student):
        abort(404)
    return report


@bp.route("/verslagen/<int:report_id>")
@login_required
def report_detail(report_id: int) -> str:
    report = _report_or_404(report_id)
    record(current_user, "view", "gespreksverslag", report.id, student=report.student)
    db.session.commit()
    return render_template(
        "desk/report_detail.html",
        report=report,
        lvs_text=report_record(report).text(),
        action_form=ActionForm(),
        can_edit=report.author_id == current_user.id,
    )


@bp.route("/verslagen/<int:report_id>/bewerken", methods=["GET", "POST"])
@case_workers
def edit_report(report_id: int) -> str | Response:
    report = _report_or_404(report_id)
    if report.author_id != current_user.id:
        abort(403)
    form = ReportForm(obj=report if request.method == "GET" else None)
    if request.method == "GET":
        form.with_whom.data = report.partners
        form.topics.data = report.topic_codes
    if form.validate_on_submit():
        try:
            svc.update_report(current_user, report, _report_input(form))
        except DomainError as error:
            db.session.rollback()
            _show_error(form, error)
        else:
            record(current_user, "update", "gespreksverslag", report.id, student=report.student)
            db.session.commit()
            flash(_("Gespreksverslag aangepast."), "success")
            return redirect(url_for("desk.report_detail", report_id=report.id))
    status = 400 if form.errors else 200
    return render_template(  # type: ignore[return-value]
        "desk/report_form.html",
        form=form,
        student=report.student,
        entry=None,
        report=report,
        open_case=None,
    ), status


@bp.route("/verslagen/<int:report_id>/stap", methods=["POST"])
@case_workers
def report_step_done(report_id: int) -> Response:
    report = _report_or_404(report_id)
    if ActionForm().validate_on_submit():
        try:
            svc.next_step_done(current_user, report)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("Bijgewerkt."), "success")
    return _back(url_for("desk.report_detail", report_id=report.id))


# ---------------------------------------------------------------------------------------------
# Parent calls


@bp.route("/leerling/<leerlingnummer>/oudercontact/nieuw", methods=["GET", "POST"])
@case_workers
def new_call(leerlingnummer: str) -> str | Response:
    student = _student_for_work(leerlingnummer)
    entry = _entry_for(student, request.values.get("melding"))
    form = CallForm()
    form.assignee.choices = choice_list(_staff_choices(student.location_id, roles.CASE_WORKERS))
    if request.method == "GET":
        form.assignee.data = current_user.id
        form.due.data = _today()
        if entry is not None and entry.note:
            form.subject.data = entry.note[:300]
    if form.validate_on_submit():
        try:
            call = svc.create_call(
                current_user,
                student,
                due=form.due.data,
                assignee=_user_by_id(form.assignee.data),
                subject=form.subject.data,
                preferred_time=form.preferred_time.data,
                contact_person=form.contact_person.data,
                interpreter_needed=bool(form.interpreter_needed.data),
                language=form.language.data,
                entry=entry,
            )
        except DomainError as error:
            db.session.rollback()
            _show_error(form, error)
        else:
            record(current_user, "create", "oudercontact", call.id, student=student)
            db.session.commit()
            flash(_("Oudercontact gepland."), "success")
            if entry is not None:
                return redirect(url_for("desk.inbox", _anchor=f"item-e{entry.id}"))
            return redirect(url_for("desk.call_detail", call_id=call.id))
    status = 400 if form.errors else 200
    return render_template(  # type: ignore[return-value]
        "desk/call_new.html", form=form, student=student, entry=entry
    ), status


def attempt_form(call: Any) -> AttemptForm:
    """Prefixed per call: the call list shows one form per call on a page."""
    return AttemptForm(prefix=f"c{call.id}")


def _call_or_404(call_id: int) -> Any:
    call = svc.find_call(current_user, call_id)
    if call is None:
        abort(404)
    return call


@bp.route("/oudercontact/<int:call_id>")
@case_workers
def call_detail(call_id: int) -> str:
    call = _call_or_404(call_id)
    record(current_user, "view", "oudercontact", call.id, student=call.student)
    db.session.commit()
    return render_template(
        "desk/call_detail.html",
        call=call,
        form=attempt_form(call),
        cancel_form=CancelForm(),
        today=_today(),
        CallStatus=CallStatus,
    )


@bp.route("/oudercontact/<int:call_id>/poging", methods=["POST"])
@case_workers
def call_attempt(call_id: int) -> str | Response:
    call = _call_or_404(call_id)
    form = attempt_form(call)
    if form.validate_on_submit():
        try:
            svc.log_attempt(
                current_user,
                call,
                CallResult(form.result.data),
                form.note.data,
                next_due=form.next_due.data,
            )
        except DomainError as error:
            db.session.rollback()
            _show_error(form, error)
        else:
            db.session.commit()
            if call.status == CallStatus.AFGEROND:
                flash(_("Gesproken: oudercontact afgerond."), "success")
            else:
                flash(_("Poging vastgelegd."), "success")
            return _back(url_for("desk.call_detail", call_id=call.id))
    call = _call_or_404(call_id)
    return render_template(  # type: ignore[return-value]
        "desk/call_detail.html",
        call=call,
        form=form,
        cancel_form=CancelForm(),
        today=_today(),
        CallStatus=CallStatus,
    ), 400


@bp.route("/oudercontact/<int:call_id>/annuleren", methods=["POST"])
@case_workers
def call_cancel(call_id: int) -> str | Response:
    call = _call_or_404(call_id)
    form = CancelForm()
    if form.validate_on_submit():
        try:
            svc.cancel_call(current_user, call, form.reason.data)
        except DomainError as error:
            db.session.rollback()
            _show_error(form, error)
        else:
            db.session.commit()
            flash(_("Oudercontact geannuleerd."), "success")
            return redirect(url_for("desk.call_detail", call_id=call.id))
    call = _call_or_404(call_id)
    return render_template(  # type: ignore[return-value]
        "desk/call_detail.html",
        call=call,
        form=attempt_form(call),
        cancel_form=form,
        today=_today(),
        CallStatus=CallStatus,
    ), 400


# ---------------------------------------------------------------------------------------------
# Home visits


@bp.route("/huisbezoeken")
@case_workers
def visits() -> str:
    items = svc.visits_for(current_user)
    warnings = {
        v.id: svc.visit_warnings(v, v.student.location)
        for v in items
        if v.status == VisitStatus.GEPLAND
    }
    return render_template(
        "desk/visits.html", visits=items, warnings=warnings, VisitStatus=VisitStatus
    )


@bp.route("/leerling/<leerlingnummer>/huisbezoek/nieuw", methods=["GET", "POST"])
@case_workers
def new_visit(leerlingnummer: str) -> str | Response:
    student = _student_for_work(leerlingnummer)
    form = VisitForm()
    form.staff_one.choices = choice_list(_staff_choices(student.location_id, roles.VISIT_STAFF))
    form.staff_two.choices = choice_list(
        _staff_choices(student.location_id, roles.VISIT_STAFF, empty=_("— niemand —"))
    )
    if request.method == "GET":
        form.staff_one.data = current_user.id
        form.staff_two.data = 0
    if form.validate_on_submit():
        try:
            visit, warnings = svc.plan_visit(
                current_user,
                student,
                planned_on=form.planned_on.data,
                planned_time=form.planned_time.data,
                staff_one=_user_by_id(form.staff_one.data),
                staff_two=_user_by_id(form.staff_two.data),
                companion=form.companion.data,
                mixed_pair=bool(form.mixed_pair.data),
                reason=form.reason.data,
            )
        except DomainError as error:
            db.session.rollback()
            _show_error(form, error)
        else:
            record(current_user, "create", "huisbezoek", visit.id, student=student)
            db.session.commit()
            flash(_("Huisbezoek gepland."), "success")
            for warning in warnings:
                flash(warning, "warning")
            return redirect(url_for("desk.visit_detail", visit_id=visit.id))
    status = 400 if form.errors else 200
    return render_template(  # type: ignore[return-value]
        "desk/visit_new.html",
        form=form,
        student=student,
        wants_mixed=student.location.wants_mixed_pairs,
    ), status


def _visit_or_404(visit_id: int) -> Any:
    visit = svc.find_visit(current_user, visit_id)
    if visit is None:
        abort(404)
    return visit


def _render_visit(
    visit: Any,
    *,
    report_form: VisitReportForm | None = None,
    cancel_form: CancelForm | None = None,
    status: int = 200,
) -> tuple[str, int]:
    return render_template(
        "desk/visit_detail.html",
        visit=visit,
        warnings=svc.visit_warnings(visit, visit.student.location)
        if visit.status == VisitStatus.GEPLAND
        else [],
        report_form=report_form or VisitReportForm(),
        cancel_form=cancel_form or CancelForm(),
        VisitStatus=VisitStatus,
    ), status


@bp.route("/huisbezoeken/<int:visit_id>")
@case_workers
def visit_detail(visit_id: int) -> tuple[str, int]:
    visit = _visit_or_404(visit_id)
    record(current_user, "view", "huisbezoek", visit.id, student=visit.student)
    db.session.commit()
    return _render_visit(visit)


@bp.route("/huisbezoeken/<int:visit_id>/verslag", methods=["POST"])
@case_workers
def visit_report(visit_id: int) -> Response | tuple[str, int]:
    visit = _visit_or_404(visit_id)
    form = VisitReportForm()
    if form.validate_on_submit():
        try:
            svc.record_visit(current_user, visit, form.report.data)
        except DomainError as error:
            db.session.rollback()
            _show_error(form, error)
        else:
            db.session.commit()
            flash(_("Verslag van het huisbezoek opgeslagen."), "success")
            return redirect(url_for("desk.visit_detail", visit_id=visit.id))
    return _render_visit(_visit_or_404(visit_id), report_form=form, status=400)


@bp.route("/huisbezoeken/<int:visit_id>/annuleren", methods=["POST"])
@case_workers
def visit_cancel(visit_id: int) -> Response | tuple[str, int]:
    visit = _visit_or_404(visit_id)
    form = CancelForm()
    if form.validate_on_submit():
        try:
            svc.cancel_visit(current_user, visit, form.reason.data)
        except DomainError as error:
            db.session.rollback()
            _show_error(form, error)
        else:
            db.session.commit()
            flash(_("Huisbezoek geannuleerd."), "success")
            return redirect(url_for("desk.visit_detail", visit_id=visit.id))
    return _render_visit(_visit_or_404(visit_id), cancel_form=form, status=400)


# ---------------------------------------------------------------------------------------------
# Detention class


def _own_locations() -> list[Location]:
    return list(
        db.session.scalars(
            select(Location)
            .where(Location.id.in_(current_user.location_ids or {-1}))
            .order_by(Location.code)
        )
    )


@bp.route("/nablijfklas")
@case_workers
def detention() -> str:
    sessions = svc.sessions_for(current_user)
    return render_template("desk/detention.html", sessions=sessions)


@bp.route("/nablijfklas/nieuw", methods=["GET", "POST"])
@case_workers
def new_detention() -> str | Response:
    locations = _own_locations()
    form = DetentionForm()
    form.location.choices = choice_list([(loc.id, f"{loc.code} – {loc.name}") for loc in locations])
    location_id = form.location.data if request.method == "POST" else None
    if location_id is None:
        zs = next((loc for loc in locations if loc.code == "ZS"), None)
        location_id = (zs or locations[0]).id if locations else 0
        form.location.data = location_id
    supervisors: dict[int, str] = {}
    for loc in locations:
        for user in svc.staff_at(loc.id, roles.VISIT_STAFF):
            supervisors[user.id] = user.name
    form.supervisor.choices = choice_list(sorted(supervisors.items(), key=lambda item: item[1]))
    if request.method == "GET":
        form.held_on.data = _today()
        form.supervisor.data = current_user.id
    if form.validate_on_submit():
        try:
            created = svc.create_session(
                current_user,
                location=db.session.get(Location, form.location.data),
                held_on=form.held_on.data,
                starts_at=form.starts_at.data,
                supervisor=_user_by_id(form.supervisor.data),
                note=form.note.data,
            )
        except DomainError as error:
            db.session.rollback()
            _show_error(form, error)
        else:
            db.session.commit()
            flash(_("Nablijfklas aangemaakt; voeg de leerlingen toe."), "success")
            return redirect(url_for("desk.detention_detail", session_id=created.id))
    status = 400 if form.errors else 200
    return render_template(  # type: ignore[return-value]
        "desk/detention_new.html", form=form
    ), status


def _session_or_404(session_id: int) -> Any:
    found = svc.find_session(current_user, session_id)
    if found is None:
        abort(404)
    return found


def _render_session(
    detention_session: Any,
    *,
    add_form: AddStudentForm | None = None,
    talk_forms: dict[int, TalkForm] | None = None,
    status: int = 200,
) -> tuple[str, int]:
    query = request.args.get("q", "").strip()[:80]
    matches: list[Student] = []
    if len(query) >= 2:
        matches = list(
            db.session.scalars(
                search_students(current_user, query, limit=10).where(
                    Student.location_id == detention_session.location_id
                )
            )
        )
    attendances = sorted(detention_session.attendances, key=lambda a: a.student.sort_name)
    counts = svc.detention_counts(a.student_id for a in attendances)
    forms = talk_forms or {}
    for attendance in attendances:
        if attendance.id not in forms:
            forms[attendance.id] = TalkForm(
                prefix=f"t{attendance.id}",
                what_happened=attendance.what_happened,
                reflection=attendance.reflection,
                agreement=attendance.agreement,
                formdata=None,
            )
    return render_template(
        "desk/detention_detail.html",
        detention=detention_session,
        attendances=attendances,
        counts=counts,
        matches=matches,
        q=query,
        add_form=add_form or AddStudentForm(),
        talk_forms=forms,
        action_form=ActionForm(),
    ), status


@bp.route("/nablijfklas/<int:session_id>")
@case_workers
def detention_detail(session_id: int) -> tuple[str, int]:
    detention_session = _session_or_404(session_id)
    record_many(
        current_user,
        "view",
        "nablijfklas",
        ((detention_session.id, a.student_id) for a in detention_session.attendances),
    )
    db.session.commit()
    return _render_session(detention_session)


@bp.route("/nablijfklas/<int:session_id>/leerlingen", methods=["POST"])
@case_workers
def detention_add(session_id: int) -> Response | tuple[str, int]:
    detention_session = _session_or_404(session_id)
    form = AddStudentForm()
    if form.validate_on_submit():
        student = find_visible_student(current_user, form.leerlingnummer.data or "")
        try:
            svc.add_to_session(current_user, detention_session, student, form.what_happened.data)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            assert student is not None
            flash(_("%(name)s toegevoegd.", name=student.full_name), "success")
        return redirect(url_for("desk.detention_detail", session_id=session_id))
    _flash_form_errors(form)
    return redirect(url_for("desk.detention_detail", session_id=session_id))


def _attendance_or_404(detention_session: Any, attendance_id: int) -> DetentionAttendance:
    attendance = next((a for a in detention_session.attendances if a.id == attendance_id), None)
    if attendance is None:
        abort(404)
    return attendance


@bp.route("/nablijfklas/<int:session_id>/leerlingen/<int:attendance_id>", methods=["POST"])
@case_workers
def detention_talk(session_id: int, attendance_id: int) -> Response | tuple[str, int]:
    detention_session = _session_or_404(session_id)
    attendance = _attendance_or_404(detention_session, attendance_id)
    form = TalkForm(prefix=f"t{attendance.id}")
    if form.validate_on_submit():
        try:
            svc.record_talk(
                current_user,
                attendance,
                what_happened=form.what_happened.data,
                reflection=form.reflection.data,
                agreement=form.agreement.data,
            )
        except DomainError as error:
            db.session.rollback()
            _show_error(form, error)
        else:
            record(
                current_user,
                "create",
                "nablijfklas_gesprek",
                attendance.id,
                student=attendance.student_id,
            )
            db.session.commit()
            flash(
                _("Gesprek met %(name)s vastgelegd.", name=attendance.student.full_name), "success"
            )
            return redirect(
                url_for("desk.detention_detail", session_id=session_id, _anchor=f"a{attendance.id}")
            )
    detention_session = _session_or_404(session_id)
    return _render_session(detention_session, talk_forms={attendance_id: form}, status=400)


@bp.route(
    "/nablijfklas/<int:session_id>/leerlingen/<int:attendance_id>/verwijderen", methods=["POST"]
)
@case_workers
def detention_remove(session_id: int, attendance_id: int) -> Response:
    detention_session = _session_or_404(session_id)
    attendance = _attendance_or_404(detention_session, attendance_id)
    if ActionForm().validate_on_submit():
        try:
            svc.remove_from_session(current_user, attendance)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("Van de lijst gehaald."), "success")
    return redirect(url_for("desk.detention_detail", session_id=session_id))


# ---------------------------------------------------------------------------------------------
# Handover moments (configuration, no personal data)


@bp.route("/overdrachtsmomenten", methods=["GET", "POST"])
@slot_managers
def slots() -> str | Response:
    locations = _own_locations()
    form = SlotForm()
    form.location.choices = choice_list([(loc.id, f"{loc.code} – {loc.name}") for loc in locations])
    if form.validate_on_submit():
        try:
            svc.add_slot(
                current_user,
                location=db.session.get(Location, form.location.data),
                weekday=form.weekday.data,
                starts_at=form.starts_at.data,
                place=form.place.data,
            )
        except DomainError as error:
            db.session.rollback()
            _show_error(form, error)
        else:
            db.session.commit()
            flash(_("Overdrachtsmoment toegevoegd."), "success")
            return redirect(url_for("desk.slots"))
    status = 400 if form.errors else 200
    return render_template(  # type: ignore[return-value]
        "desk/slots.html",
        form=form,
        slots=svc.slots_for([loc.id for loc in locations], active_only=False),
        slot_label=rules.slot_label,
        action_form=ActionForm(),
    ), status


@bp.route("/overdrachtsmomenten/<int:slot_id>", methods=["POST"])
@slot_managers
def slot_toggle(slot_id: int) -> Response:
    slot = svc.find_slot(current_user, slot_id)
    if slot is None:
        abort(404)
    if ActionForm().validate_on_submit():
        slot.active = not slot.active
        db.session.commit()
        flash(_("Overdrachtsmoment bijgewerkt."), "success")
    return redirect(url_for("desk.slots"))


# ---------------------------------------------------------------------------------------------
# LVS export


@bp.route("/lvs-export", methods=["GET", "POST"])
@case_workers
@recent_auth_required
def export() -> str | Response:
    locations = _own_locations()
    form = ExportForm()
    form.location.choices = choice_list(
        [(0, _("Al mijn locaties"))] + [(loc.id, f"{loc.code} – {loc.name}") for loc in locations]
    )
    if request.method == "GET":
        today = _today()
        form.start.data = today - timedelta(days=today.weekday())
        form.end.data = today
        form.location.data = 0
    if form.validate_on_submit():
        problem = rules.export_period_error(form.start.data, form.end.data)
        if problem:
            form.end.errors = [*form.end.errors, problem]
        elif not (form.reports.data or form.handovers.data):
            form.reports.errors = [_("Kies gespreksverslagen, overdrachten of allebei.")]
        else:
            assert form.start.data is not None and form.end.data is not None
            location_ids = (
                [form.location.data] if form.location.data else [loc.id for loc in locations]
            )
            records = records_for_period(
                location_ids,
                form.start.data,
                form.end.data,
                reports=bool(form.reports.data),
                handovers=bool(form.handovers.data),
            )
            period = f"{form.start.data.isoformat()} t/m {form.end.data.isoformat()}"
            record(current_user, "export", "lvs", "csv", detail=f"{period}; {len(records)} regels")
            numbers = {r.student_number for r in records}
            for student in db.session.scalars(
                select(Student).where(Student.leerlingnummer.in_(numbers or {""}))
            ):
                record(current_user, "export", "lvs", "csv", student=student, detail=period)
            db.session.commit()
            response = make_response(to_csv(records))
            response.headers["Content-Type"] = "text/csv; charset=utf-8"
            filename = (
                f"schoolfit-lvs-{form.start.data.isoformat()}-{form.end.data.isoformat()}.csv"
            )
            response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
            return response
    status = 400 if form.errors else 200
    return render_template("desk/export.html", form=form), status  # type: ignore[return-value]


@bp.route("/lvs/gekopieerd", methods=["POST"])
@login_required
def lvs_copied() -> Any:
    """The "kopieer voor LVS" button reports a copy, so the export is in the audit trail."""
    body = request.get_json(silent=True) or {}
    kind = body.get("kind") if isinstance(body, dict) else None
    object_id = body.get("id") if isinstance(body, dict) else None
    if not isinstance(object_id, int) or isinstance(object_id, bool) or not 0 < object_id <= MAX_ID:
        return jsonify(error="bad_request"), 400
    if kind == "gespreksverslag":
        report = _report_or_404(object_id)
        record(
            current_user,
            "export",
            "gespreksverslag",
            report.id,
            student=report.student,
            detail="kopie voor LVS",
        )
    elif kind == "overdracht":
        handover, _access = _handover_or_404(object_id)
        record(
            current_user,
            "export",
            "overdracht",
            handover.id,
            student=handover.case.student,
            detail="kopie voor LVS",
        )
    else:
        return jsonify(error="bad_request"), 400
    db.session.commit()
    return jsonify(ok=True)


@bp.app_template_global()
def desk_summary_for(student: Student) -> dict[str, object]:
    """For the student page (templates/desk/_student_section.html): the student's cases the
    signed-in user may see, and whether they may start desk work for the student."""
    if not current_user.is_authenticated:
        return {}
    return svc.student_desk_summary(current_user, student)
