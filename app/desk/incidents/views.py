"""Incidents: the list, registering one (from a floor entry or at the desk), one incident."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from app.access import roles_required, students_visible_to
from app.core import roles
from app.core.fields import choice_list
from app.core.forms import form_page, submit
from app.core.localtime import to_local
from app.desk.blueprint import bp
from app.desk.incidents import services
from app.desk.incidents.forms import ROWS, IncidentForm
from app.desk.pages import entry_for, location_choices, own_locations
from app.extensions import db
from app.models import Location, Student
from app.models.types import utcnow

incident_workers = roles_required(roles.INCIDENT_WORKERS)


@bp.route("/incidenten")
@incident_workers
def incidents() -> ResponseReturnValue:
    return render_template("desk/incidents.html", incidents=services.incidents_for(current_user))


def _choices(form: IncidentForm, locations: list[Location]) -> None:
    form.location.choices = choice_list(location_choices(locations))
    zones = [(z.id, f"{loc.code} – {z.name}") for loc in locations for z in loc.zones if z.active]
    form.zone.choices = choice_list([(0, "—"), *zones])


@bp.route("/incidenten/nieuw", methods=["GET", "POST"])
@incident_workers
def new_incident() -> ResponseReturnValue:
    entry = entry_for(None, request.args.get("melding"))
    if entry is not None and not services.can_become_incident(entry):
        abort(404)
    locations = own_locations()
    form = IncidentForm()
    _choices(form, locations)
    if request.method == "GET":
        now = to_local(utcnow())
        form.day.data, form.at.data = now.date(), now.time().replace(second=0, microsecond=0)
        form.location.data = locations[0].id if locations else 0
        if entry is not None:
            values = services.prefill(entry)
            form.location.data = values.location_id
            form.zone.data = values.zone_id
            form.day.data, form.at.data = values.day, values.at
            form.description.data = values.description
            for index, involved in enumerate(values.involved[:ROWS]):
                row = form.involved[index]
                row.leerlingnummer.data = involved.leerlingnummer
                row.role.data = involved.role
        elif number := request.args.get("leerling"):
            form.involved[0].leerlingnummer.data = number[:20]
    done = submit(
        form,
        lambda: services.create_incident(
            current_user,
            services.IncidentInput(
                location=next((loc for loc in locations if loc.id == form.location.data), None),
                zone_id=form.zone.data or None,
                kind=form.kind.data,
                day=form.day.data,
                at=form.at.data,
                description=form.description.data,
                involved=[
                    services.Involved(row.leerlingnummer.data or "", row.role.data or "")
                    for row in form.involved
                ],
            ),
            entry=entry,
        ),
        success=_("Incident geregistreerd."),
    )
    if done:
        return redirect(url_for("desk.incident_detail", incident_id=done.value.id))
    students = db.session.scalars(
        students_visible_to(current_user).order_by(Student.class_name, Student.last_name)
    ).all()
    names = {s.leerlingnummer: f"{s.full_name} ({s.class_name})" for s in students}
    return form_page(
        "desk/incident_new.html", form, entry=entry, students=students, rows=ROWS, names=names
    )


@bp.route("/incidenten/<int:incident_id>")
@incident_workers
def incident_detail(incident_id: int) -> ResponseReturnValue:
    incident = services.find_incident(current_user, incident_id)
    if incident is None:
        abort(404)
    services.record_view(current_user, incident)
    db.session.commit()
    return render_template("desk/incident_detail.html", incident=incident)
