"""Cases: the list, opening a case, and the case page with its four forms (status, team, note,
review). Every time a case page is shown it is audited."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from app.access import login_required, roles_required
from app.access.case_rules import CaseAccess
from app.access.cases import find_case, sees_only_handed_over_cases
from app.core import roles
from app.core.fields import choice_list
from app.core.forms import form_page, submit
from app.core.localtime import local_today
from app.core.request_input import int_arg, paginate
from app.core.vocabulary import CaseStatus, HandoverStatus, Role
from app.desk import rules
from app.desk.blueprint import bp
from app.desk.cases import services
from app.desk.cases.forms import AssignForm, CaseForm, NoteForm, ReviewForm, StatusForm
from app.desk.cases.queries import CaseFilter, case_list_query, student_desk_summary
from app.desk.chronology.timeline import KIND_LABELS, available_kinds, build_chronology
from app.desk.common import open_case_of
from app.desk.handover.queries import pending_handovers_for_copa
from app.desk.pages import entry_for, staff_choices, student_for_work, user_by_id
from app.extensions import db
from app.models import Casus, FloorEntry, Student
from app.models.desk import SHORT_TEXT

CASES_PER_PAGE = 50


@bp.route("/casussen")
@roles_required(roles.CASE_READERS)
def cases() -> ResponseReturnValue:
    status_value = request.args.get("status", "")
    try:
        status = CaseStatus(status_value) if status_value else None
    except ValueError:
        status = None
    location_id = int_arg("locatie")
    if location_id not in current_user.location_ids:
        location_id = None
    filters = CaseFilter(
        status=status,
        mine=request.args.get("mijn") == "1",
        text=request.args.get("q", "").strip()[:80],
        location_id=location_id,
        include_closed=request.args.get("afgesloten") == "1",
    )
    page = paginate(case_list_query(current_user, filters), per_page=CASES_PER_PAGE)
    return render_template(
        "desk/cases.html",
        page=page,
        filters=filters,
        statuses=list(CaseStatus),
        only_handed_over=sees_only_handed_over_cases(current_user),
        pending=pending_handovers_for_copa(current_user),
        today=local_today(),
    )


def _team_choices(form: CaseForm | AssignForm, student: Student) -> None:
    form.owner.choices = choice_list(staff_choices(student.location_id, roles.CASE_WORKERS))
    form.teamleider.choices = choice_list(
        staff_choices(student.location_id, {Role.TEAMLEIDER}, empty=_("— nog niet bekend —"))
    )


def _reason_from(entry: FloorEntry) -> str:
    """The case's reason, prefilled from the floor entry it is opened from (in Dutch: stored)."""
    if entry.severity is not None:
        detail = f"ernst {entry.severity.dutch}"
    else:
        labelled = entry.topic or entry.outcome or entry.flag_type
        detail = labelled.dutch if labelled is not None else ""
    return rules.case_reason_from_entry(
        kind=entry.kind.dutch,
        detail=detail,
        zone=entry.zone.name,
        occurred=entry.occurred_at,
        note=entry.note,
        limit=SHORT_TEXT,
    )


@bp.route("/leerling/<leerlingnummer>/casus/nieuw", methods=["GET", "POST"])
@roles_required(roles.CASE_WORKERS)
def new_case(leerlingnummer: str) -> ResponseReturnValue:
    student = student_for_work(leerlingnummer)
    entry = entry_for(student, request.values.get("melding"))
    existing = open_case_of(student.id)
    if existing is not None:
        flash(_("%(name)s heeft al een open casus.", name=student.full_name), "info")
        return redirect(url_for("desk.case_detail", case_id=existing.id))
    form = CaseForm()
    _team_choices(form, student)
    form.status.choices = choice_list(CaseStatus.choices(services.STARTING_STATUSES))
    if request.method == "GET":
        form.owner.data = current_user.id if current_user.role in roles.CASE_WORKERS else None
        form.status.data = CaseStatus.SIGNAAL.value
        if entry is not None:
            form.reason.data = _reason_from(entry)

    def open_or_find() -> tuple[Casus, bool]:
        try:
            case = services.open_case(
                current_user,
                student,
                reason=form.reason.data,
                status=CaseStatus(form.status.data),
                owner=user_by_id(form.owner.data),
                teamleider=user_by_id(form.teamleider.data),
                review_date=form.review_date.data,
                entry=entry,
            )
        except services.CaseAlreadyOpen as error:
            return error.case, False
        return case, True

    if done := submit(form, open_or_find):
        case, opened = done.value
        if opened:
            flash(_("Casus geopend voor %(name)s.", name=student.full_name), "success")
        else:
            flash(_("Deze leerling heeft al een open casus; die is geopend."), "info")
        return redirect(url_for("desk.case_detail", case_id=case.id))
    return form_page(
        "desk/case_new.html",
        form,
        student=student,
        entry=entry,
        default_review=rules.default_review_date(local_today()),
    )


def _case_or_404(case_id: int) -> tuple[Casus, CaseAccess]:
    found = find_case(current_user, case_id)
    if found is None:
        abort(404)
    return found


def _status_form(case: Casus) -> StatusForm:
    form = StatusForm(prefix="status")
    form.status.choices = choice_list(CaseStatus.choices(rules.allowed_targets(case.status)))
    return form


def _assign_form(case: Casus) -> AssignForm:
    form = AssignForm(prefix="team")
    _team_choices(form, case.student)
    return form


def _render_case(
    case: Casus, access: CaseAccess, *, status_code: int = 200, **forms: Any
) -> ResponseReturnValue:
    """The case page; every time it is shown (also again after a refused form) is audited."""
    services.record_case_view(current_user, case)
    kinds = [k for k in request.args.getlist("soort") if k in KIND_LABELS]
    today = local_today()
    open_handover = next((h for h in case.handovers if h.status == HandoverStatus.INGEDIEND), None)
    assign_form = forms.pop("assign_form", None) or AssignForm(
        prefix="team", owner=case.owner_id, teamleider=case.teamleider_id or 0
    )
    _team_choices(assign_form, case.student)
    html = render_template(
        "desk/case_detail.html",
        case=case,
        access=access,
        chronology=build_chronology(case.student_id, kinds or None),
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
        or ReviewForm(prefix="review", next_review_date=rules.default_review_date(today)),
        review_due=rules.review_due(case.status, case.review_date, today),
        default_review=rules.default_review_date(today),
        today=today,
        **forms,
    )
    db.session.commit()  # the audit event (a refused form has rolled back its own changes)
    return html, status_code


@bp.route("/casussen/<int:case_id>")
@login_required
def case_detail(case_id: int) -> ResponseReturnValue:
    case, access = _case_or_404(case_id)
    return _render_case(case, access)


def _case_action(
    case_id: int,
    allowed: Callable[[CaseAccess], bool],
    make_form: Callable[[Casus], FlaskForm],
    form_key: str,
    apply: Callable[[Casus, Any], str],
) -> ResponseReturnValue:
    """One form on the case page: check access, then submit it (``apply`` is the service call
    and answers the success message) and go back to the case; or show the case again with the
    form's errors."""
    case, access = _case_or_404(case_id)
    if not allowed(access):
        abort(403)
    form = make_form(case)
    if submit(form, lambda: apply(case, form), success=lambda message: message):
        return redirect(url_for("desk.case_detail", case_id=case.id))
    case, access = _case_or_404(case_id)
    return _render_case(case, access, status_code=400, **{form_key: form})


@bp.route("/casussen/<int:case_id>/status", methods=["POST"])
@login_required
def case_status(case_id: int) -> ResponseReturnValue:
    def apply(case: Casus, form: Any) -> str:
        services.change_status(
            current_user,
            case,
            CaseStatus(form.status.data),
            form.reason.data,
            review_date=form.review_date.data,
        )
        return _("Status gewijzigd naar %(status)s.", status=case.status_label)

    return _case_action(case_id, lambda a: a.change_status, _status_form, "status_form", apply)


@bp.route("/casussen/<int:case_id>/team", methods=["POST"])
@login_required
def case_assign(case_id: int) -> ResponseReturnValue:
    def apply(case: Casus, form: Any) -> str:
        owner, teamleider = user_by_id(form.owner.data), user_by_id(form.teamleider.data)
        services.assign_case(current_user, case, owner, teamleider)
        return _("Opgeslagen.")

    return _case_action(case_id, lambda a: a.assign, _assign_form, "assign_form", apply)


@bp.route("/casussen/<int:case_id>/notitie", methods=["POST"])
@login_required
def case_note(case_id: int) -> ResponseReturnValue:
    def apply(case: Casus, form: Any) -> str:
        services.add_note(current_user, case, form.text.data)
        return _("Notitie toegevoegd.")

    return _case_action(
        case_id, lambda a: a.add_note, lambda _case: NoteForm(prefix="note"), "note_form", apply
    )


@bp.route("/casussen/<int:case_id>/evaluatie", methods=["POST"])
@login_required
def case_review(case_id: int) -> ResponseReturnValue:
    def apply(case: Casus, form: Any) -> str:
        services.record_review(current_user, case, form.text.data, form.next_review_date.data)
        return _("Evaluatie vastgelegd.")

    return _case_action(
        case_id, lambda a: a.work, lambda _case: ReviewForm(prefix="review"), "review_form", apply
    )


@bp.app_template_global()
def desk_summary_for(student: Student) -> dict[str, object]:
    """For the student page (templates/desk/_student_section.html): the student's cases the
    signed-in user may see, and whether they may start desk work for the student."""
    if not current_user.is_authenticated:
        return {}
    return student_desk_summary(current_user, student)
