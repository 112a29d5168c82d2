from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response

from app.access import roles_required
from app.admin.forms import EditUserForm, ResetPasswordForm, StudentImportForm, UserForm, ZoneForm
from app.admin.services import add_zone, list_locations, set_zone_active
from app.auth.services import (
    create_user,
    list_users,
    locations_by_codes,
    parse_role,
    set_password,
    update_user,
)
from app.core import roles
from app.exceptions import DomainError
from app.extensions import db
from app.models import Location, User, Zone
from app.students.services import import_students

bp = Blueprint("admin", __name__, url_prefix="/beheer")

beheer_only = roles_required(roles.BEHEER)


def _location_choices() -> list[tuple[str, str]]:
    return [
        (loc.code, f"{loc.code} – {loc.name}")
        for loc in db.session.scalars(select(Location).order_by(Location.code))
    ]


def _show_error(form: object, error: DomainError) -> None:
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        flash(error.message, "error")


@bp.route("/")
@beheer_only
def index() -> str:
    return render_template("admin/index.html")


@bp.route("/gebruikers")
@beheer_only
def users() -> str:
    return render_template("admin/users.html", users=list_users())


@bp.route("/gebruikers/nieuw", methods=["GET", "POST"])
@beheer_only
def new_user() -> str | Response:
    form = UserForm()
    form.locations.choices = _location_choices()
    if form.validate_on_submit():
        try:
            user = create_user(
                email=form.email.data or "",
                name=form.name.data or "",
                role=parse_role(form.role.data or ""),
                locations=locations_by_codes(form.locations.data or []),
                password=form.password.data or "",
            )
        except DomainError as error:
            db.session.rollback()
            _show_error(form, error)
        else:
            db.session.commit()
            flash(_("Account voor %(name)s aangemaakt.", name=user.name), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_new.html", form=form), 400 if form.errors else 200  # type: ignore[return-value]


@bp.route("/gebruikers/<int:user_id>", methods=["GET", "POST"])
@beheer_only
def edit_user(user_id: int) -> str | Response:
    user = db.session.get(User, user_id) or abort(404)
    form = EditUserForm(obj=user if request.method == "GET" else None)
    form.locations.choices = _location_choices()
    if request.method == "GET":
        form.role.data = user.role.value
        form.locations.data = [loc.code for loc in user.locations]
    password_form = ResetPasswordForm(prefix="pw")
    if form.validate_on_submit():
        try:
            update_user(
                user,
                name=form.name.data or "",
                role=parse_role(form.role.data or ""),
                locations=locations_by_codes(form.locations.data or []),
                active=bool(form.active.data),
            )
        except DomainError as error:
            db.session.rollback()
            _show_error(form, error)
        else:
            db.session.commit()
            flash(_("Wijzigingen voor %(name)s opgeslagen.", name=user.name), "success")
            return redirect(url_for("admin.users"))
    status = 400 if form.errors else 200
    return render_template(  # type: ignore[return-value]
        "admin/user_edit.html", form=form, password_form=password_form, user=user
    ), status


@bp.route("/gebruikers/<int:user_id>/wachtwoord", methods=["POST"])
@beheer_only
def reset_password(user_id: int) -> str | Response:
    user = db.session.get(User, user_id) or abort(404)
    password_form = ResetPasswordForm(prefix="pw")
    if password_form.validate_on_submit():
        try:
            set_password(user, password_form.password.data or "")
        except DomainError as error:
            db.session.rollback()
            password_form.password.errors = [error.message]
        else:
            db.session.commit()
            flash(_("Nieuw wachtwoord ingesteld voor %(name)s.", name=user.name), "success")
            return redirect(url_for("admin.edit_user", user_id=user.id))
    form = EditUserForm(obj=user)
    form.locations.choices = _location_choices()
    form.role.data = user.role.value
    form.locations.data = [loc.code for loc in user.locations]
    return render_template(  # type: ignore[return-value]
        "admin/user_edit.html", form=form, password_form=password_form, user=user
    ), 400


@bp.route("/leerlingen/import", methods=["GET", "POST"])
@beheer_only
def import_students_page() -> str | Response:
    form = StudentImportForm()
    problems: list[str] = []
    if form.validate_on_submit():
        upload = form.file.data
        try:
            result = import_students(
                upload.read(), upload.filename or "", full=bool(form.full.data)
            )
        except DomainError as error:
            db.session.rollback()
            problems = error.message.splitlines()
        else:
            db.session.commit()
            flash(_("Import klaar: %(summary)s.", summary=result.summary()), "success")
            return redirect(url_for("admin.import_students_page"))
    status = 400 if (problems or form.errors) else 200
    return render_template(  # type: ignore[return-value]
        "admin/import_students.html", form=form, problems=problems
    ), status


@bp.route("/locaties", methods=["GET"])
@beheer_only
def locations() -> str:
    return render_template("admin/locations.html", locations=list_locations(), form=ZoneForm())


@bp.route("/locaties/<code>/zones", methods=["POST"])
@beheer_only
def add_zone_view(code: str) -> str | Response:
    location = db.session.scalar(select(Location).where(Location.code == code)) or abort(404)
    form = ZoneForm()
    if form.validate_on_submit():
        try:
            add_zone(location, form.name.data or "", form.position.data)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("Zone toegevoegd."), "success")
    else:
        for errors in form.errors.values():
            for message in errors:
                flash(str(message), "error")
    return redirect(url_for("admin.locations", _anchor=f"loc-{location.code}"))


@bp.route("/zones/<int:zone_id>/actief", methods=["POST"])
@beheer_only
def toggle_zone(zone_id: int) -> Response:
    zone = db.session.get(Zone, zone_id) or abort(404)
    # CSRFProtect has already checked this POST's token.
    set_zone_active(zone, not zone.active)
    db.session.commit()
    return redirect(url_for("admin.locations", _anchor=f"loc-{zone.location.code}"))
