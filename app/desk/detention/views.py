"""The detention class (nablijfklas): sessions, adding students, the reflection talk with each."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from app.access import find_visible_student, roles_required
from app.core import roles
from app.core.fields import ActionForm, choice_list
from app.core.forms import form_page, submit
from app.core.localtime import local_today
from app.desk.blueprint import bp
from app.desk.detention import services
from app.desk.detention.forms import AddStudentForm, DetentionForm, TalkForm
from app.desk.pages import location_choices, own_locations, user_by_id
from app.extensions import db
from app.models import DetentionAttendance, DetentionSession, Location

case_workers = roles_required(roles.CASE_WORKERS)


@bp.route("/nablijfklas")
@case_workers
def detention() -> ResponseReturnValue:
    return render_template("desk/detention.html", sessions=services.sessions_for(current_user))


@bp.route("/nablijfklas/nieuw", methods=["GET", "POST"])
@case_workers
def new_detention() -> ResponseReturnValue:
    locations = own_locations()
    form = DetentionForm()
    form.location.choices = choice_list(location_choices(locations))
    form.supervisor.choices = choice_list(services.supervisor_choices(locations))
    if request.method == "GET":
        form.location.data = services.usual_location_id(current_user, locations)
        form.held_on.data = local_today()
        form.supervisor.data = current_user.id
    done = submit(
        form,
        lambda: services.create_session(
            current_user,
            location=db.session.get(Location, form.location.data),
            held_on=form.held_on.data,
            starts_at=form.starts_at.data,
            supervisor=user_by_id(form.supervisor.data),
            note=form.note.data,
        ),
        success=_("Nablijfklas aangemaakt; voeg de leerlingen toe."),
    )
    if done:
        return redirect(url_for("desk.detention_detail", session_id=done.value.id))
    return form_page("desk/detention_new.html", form)


def _session_or_404(session_id: int) -> DetentionSession:
    found = services.find_session(current_user, session_id)
    if found is None:
        abort(404)
    return found


def _session_page(
    detention_session: DetentionSession,
    *,
    talk_forms: dict[int, TalkForm] | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    query = request.args.get("q", "").strip()[:80]
    attendances = sorted(detention_session.attendances, key=lambda a: a.student.sort_name)
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
    html = render_template(
        "desk/detention_detail.html",
        detention=detention_session,
        attendances=attendances,
        counts=services.detention_counts(a.student_id for a in attendances),
        matches=services.students_to_add(current_user, detention_session, query),
        q=query,
        add_form=AddStudentForm(),
        talk_forms=forms,
        action_form=ActionForm(),
    )
    return html, status


@bp.route("/nablijfklas/<int:session_id>")
@case_workers
def detention_detail(session_id: int) -> ResponseReturnValue:
    detention_session = _session_or_404(session_id)
    services.record_session_view(current_user, detention_session)
    db.session.commit()
    return _session_page(detention_session)


@bp.route("/nablijfklas/<int:session_id>/leerlingen", methods=["POST"])
@case_workers
def detention_add(session_id: int) -> ResponseReturnValue:
    detention_session = _session_or_404(session_id)
    form = AddStudentForm()
    submit(
        form,
        lambda: services.add_to_session(
            current_user,
            detention_session,
            find_visible_student(current_user, form.leerlingnummer.data or ""),
            form.what_happened.data,
        ),
        success=lambda attendance: _("%(name)s toegevoegd.", name=attendance.student.full_name),
        errors="flash",
    )
    return redirect(url_for("desk.detention_detail", session_id=session_id))


def _attendance_or_404(
    detention_session: DetentionSession, attendance_id: int
) -> DetentionAttendance:
    attendance = next((a for a in detention_session.attendances if a.id == attendance_id), None)
    if attendance is None:
        abort(404)
    return attendance


@bp.route("/nablijfklas/<int:session_id>/leerlingen/<int:attendance_id>", methods=["POST"])
@case_workers
def detention_talk(session_id: int, attendance_id: int) -> ResponseReturnValue:
    detention_session = _session_or_404(session_id)
    attendance = _attendance_or_404(detention_session, attendance_id)
    form = TalkForm(prefix=f"t{attendance.id}")
    if submit(
        form,
        lambda: services.record_talk(
            current_user,
            attendance,
            what_happened=form.what_happened.data,
            reflection=form.reflection.data,
            agreement=form.agreement.data,
        ),
        success=lambda _none: _(
            "Gesprek met %(name)s vastgelegd.", name=attendance.student.full_name
        ),
    ):
        return redirect(
            url_for("desk.detention_detail", session_id=session_id, _anchor=f"a{attendance.id}")
        )
    detention_session = _session_or_404(session_id)
    return _session_page(detention_session, talk_forms={attendance_id: form}, status=400)


@bp.route(
    "/nablijfklas/<int:session_id>/leerlingen/<int:attendance_id>/verwijderen", methods=["POST"]
)
@case_workers
def detention_remove(session_id: int, attendance_id: int) -> ResponseReturnValue:
    detention_session = _session_or_404(session_id)
    attendance = _attendance_or_404(detention_session, attendance_id)
    submit(
        ActionForm(),
        lambda: services.remove_from_session(current_user, attendance),
        success=_("Van de lijst gehaald."),
        errors="flash",
    )
    return redirect(url_for("desk.detention_detail", session_id=session_id))
