from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.access import roles_required
from app.admin.forms import (
    ConfirmStudentImportForm,
    EditUserForm,
    ResetPasswordForm,
    StudentImportForm,
    UserForm,
    ZoneForm,
)
from app.admin.services import add_zone, list_locations, set_zone_active, set_zone_on_floor
from app.auth.services import (
    create_user,
    list_users,
    locations_by_codes,
    log_out_everywhere,
    open_sessions,
    parse_role,
    set_password,
    update_user,
)
from app.auth.sso import sso_enabled
from app.auth.throttle import active_locks, unlock
from app.core import roles
from app.core.fields import ActionForm, choice_list
from app.core.forms import form_page, submit, wanted_state
from app.core.request_input import paginate
from app.core.vocabulary import ImportKind
from app.desk.referrals.forms import PartnerForm
from app.desk.referrals.services import add_partner, all_partners, set_partner_active
from app.exceptions import DomainError
from app.extensions import db
from app.imports.history import ImportSource, history_query, record_refused
from app.models import ChainPartner, Location, StudentImportUpload, User, Zone
from app.students.staging import (
    STALE,
    confirm_student_import,
    discard_student_import,
    pending_upload,
    preview,
    stage_student_import,
)

bp = Blueprint("admin", __name__, url_prefix="/beheer")

beheer_only = roles_required(roles.BEHEER)
IMPORTS_PAGE_SIZE = 50


def _location_choices() -> list[tuple[str, str]]:
    return [
        (loc.code, f"{loc.code} – {loc.name}")
        for loc in db.session.scalars(select(Location).order_by(Location.code))
    ]


@bp.route("/")
@beheer_only
def index() -> ResponseReturnValue:
    return render_template("admin/index.html")


@bp.route("/gebruikers")
@beheer_only
def users() -> ResponseReturnValue:
    return render_template("admin/users.html", users=list_users())


@bp.route("/gebruikers/nieuw", methods=["GET", "POST"])
@beheer_only
def new_user() -> ResponseReturnValue:
    form = UserForm()
    form.locations.choices = _location_choices()
    if submit(
        form,
        lambda: create_user(
            email=form.email.data or "",
            name=form.name.data or "",
            role=parse_role(form.role.data or ""),
            locations=locations_by_codes(form.locations.data or []),
            password=form.password.data or "",
            sso_only_allowed=sso_enabled(),
        ),
        success=lambda user: _("Account voor %(name)s aangemaakt.", name=user.name),
    ):
        return redirect(url_for("admin.users"))
    return form_page(
        "admin/user_new.html",
        form,
        sso_label=current_app.config["OIDC_LABEL"] if sso_enabled() else None,
    )


def _user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


def _edit_form(user: User, *, from_request: bool) -> EditUserForm:
    form = EditUserForm(obj=None if from_request else user)
    form.locations.choices = _location_choices()
    if not from_request:
        form.role.data = user.role.value
        form.locations.data = [loc.code for loc in user.locations]
    return form


@bp.route("/gebruikers/<int:user_id>", methods=["GET", "POST"])
@beheer_only
def edit_user(user_id: int) -> ResponseReturnValue:
    user = _user_or_404(user_id)
    form = _edit_form(user, from_request=request.method == "POST")
    if submit(
        form,
        lambda: update_user(
            user,
            name=form.name.data or "",
            role=parse_role(form.role.data or ""),
            locations=locations_by_codes(form.locations.data or []),
            active=bool(form.active.data),
        ),
        success=_("Wijzigingen voor %(name)s opgeslagen.", name=user.name),
    ):
        return redirect(url_for("admin.users"))
    return form_page(
        "admin/user_edit.html",
        form,
        password_form=ResetPasswordForm(prefix="pw"),
        user=user,
        **_account_state(user),
    )


def _account_state(user: User) -> dict[str, object]:
    """What the edit page shows about signing in: open sessions and locked clients."""
    return {
        "sessions": open_sessions(user),
        "locks": active_locks(user),
        "action_form": ActionForm(),
    }


@bp.route("/gebruikers/<int:user_id>/wachtwoord", methods=["POST"])
@beheer_only
def reset_password(user_id: int) -> ResponseReturnValue:
    user = _user_or_404(user_id)
    password_form = ResetPasswordForm(prefix="pw")
    if submit(
        password_form,
        lambda: set_password(user, password_form.password.data or "", by=current_user),
        success=_(
            "Nieuw wachtwoord ingesteld voor %(name)s. Dit account is nu overal uitgelogd.",
            name=user.name,
        ),
    ):
        return redirect(url_for("admin.edit_user", user_id=user.id))
    html = render_template(
        "admin/user_edit.html",
        form=_edit_form(user, from_request=False),
        password_form=password_form,
        user=user,
        **_account_state(user),
    )
    return html, 400


@bp.route("/gebruikers/<int:user_id>/uitloggen", methods=["POST"])
@beheer_only
def end_sessions(user_id: int) -> ResponseReturnValue:
    """Sign a user out on every device (a lost phone)."""
    user = _user_or_404(user_id)
    submit(
        ActionForm(),
        lambda: log_out_everywhere(user, by=current_user),
        success=lambda ended: _(
            "%(name)s is uitgelogd op alle apparaten (%(count)s sessies).",
            name=user.name,
            count=ended,
        ),
        errors="flash",
    )
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.route("/gebruikers/<int:user_id>/ontgrendelen", methods=["POST"])
@beheer_only
def unlock_user(user_id: int) -> ResponseReturnValue:
    """Lift the lockouts of a user (break-glass, also for another beheer account)."""
    user = _user_or_404(user_id)
    submit(
        ActionForm(),
        lambda: unlock(user, by=current_user),
        success=_("Blokkades van %(name)s opgeheven.", name=user.name),
        errors="flash",
    )
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.route("/leerlingen/import", methods=["GET", "POST"])
@beheer_only
def import_students_page() -> ResponseReturnValue:
    """Step 1: upload. The file is checked and kept for its preview; nothing is imported."""
    form = StudentImportForm()
    problems: list[str] = []
    source = ImportSource.of_upload(ImportKind.LEERLINGEN, form.file.data, current_user)
    if submit(
        form,
        lambda: stage_student_import(
            current_user, source.data, source.filename, full=bool(form.full.data)
        ),
        # Every problem of the file, one per line, listed above the form.
        on_refused=lambda error: problems.extend(error.message.splitlines()),
        record_refusal=lambda error: record_refused(source, error),
    ):
        return redirect(url_for("admin.student_import_preview"))
    return form_page(
        "admin/import_students.html", form, problems=problems, pending=pending_upload(current_user)
    )


def _preview_page(
    upload: StudentImportUpload, form: ConfirmStudentImportForm
) -> ResponseReturnValue:
    """The plan as it is now, and the form that confirms exactly this plan."""
    plan = preview(upload)
    form.token.data = upload.token
    form.fingerprint.data = plan.fingerprint()
    form.risks_seen.data = False  # seen again for this plan
    return form_page(
        "admin/import_students_preview.html",
        form,
        plan=plan,
        upload=upload,
        cancel_form=ActionForm(prefix="annuleren"),
    )


@bp.route("/leerlingen/import/voorbeeld")
@beheer_only
def student_import_preview() -> ResponseReturnValue:
    """Step 2: what the import would do, with a confirmation."""
    upload = pending_upload(current_user)
    if upload is None:
        flash(STALE, "error")
        return redirect(url_for("admin.import_students_page"))
    try:
        return _preview_page(upload, ConfirmStudentImportForm())
    except DomainError as error:  # the kept file no longer passes (the limits were lowered)
        flash(error.message, "error")
        return redirect(url_for("admin.import_students_page"))


@bp.route("/leerlingen/import/bevestigen", methods=["POST"])
@beheer_only
def confirm_student_import_view() -> ResponseReturnValue:
    """Step 3: import the previewed file, if the preview still holds."""
    form = ConfirmStudentImportForm()
    if submit(
        form,
        lambda: confirm_student_import(
            current_user,
            form.token.data or "",
            form.fingerprint.data or "",
            risks_seen=bool(form.risks_seen.data),
        ),
        success=lambda result: _("Import klaar: %(summary)s.", summary=result.summary()),
    ):
        return redirect(url_for("admin.import_students_page"))
    upload = pending_upload(current_user)
    if upload is None:  # expired, replaced or already imported: start again
        return redirect(url_for("admin.import_students_page"))
    return _preview_page(upload, form)


@bp.route("/leerlingen/import/annuleren", methods=["POST"])
@beheer_only
def cancel_student_import() -> ResponseReturnValue:
    submit(
        ActionForm(prefix="annuleren"),
        lambda: discard_student_import(current_user),
        success=_("Import geannuleerd; het bestand is verwijderd."),
        errors="flash",
    )
    return redirect(url_for("admin.import_students_page"))


@bp.route("/imports")
@beheer_only
def imports() -> ResponseReturnValue:
    """The latest imports of students and absence: upload, command line and inbox."""
    page = paginate(history_query(), IMPORTS_PAGE_SIZE)
    return render_template("admin/imports.html", page=page)


@bp.route("/locaties", methods=["GET"])
@beheer_only
def locations() -> ResponseReturnValue:
    return render_template("admin/locations.html", locations=list_locations(), form=ZoneForm())


@bp.route("/locaties/<code>/zones", methods=["POST"])
@beheer_only
def add_zone_view(code: str) -> ResponseReturnValue:
    location = db.session.scalar(select(Location).where(Location.code == code))
    if location is None:
        abort(404)
    form = ZoneForm()
    submit(
        form,
        lambda: add_zone(
            location, form.name.data or "", form.position.data, on_floor=not form.desk_only.data
        ),
        success=_("Zone toegevoegd."),
        errors="flash",
    )
    return redirect(url_for("admin.locations", _anchor=f"loc-{location.code}"))


def _zone_or_404(zone_id: int) -> Zone:
    zone = db.session.get(Zone, zone_id)
    if zone is None:
        abort(404)
    return zone


def _back_to_location(zone: Zone) -> ResponseReturnValue:
    return redirect(url_for("admin.locations", _anchor=f"loc-{zone.location.code}"))


@bp.route("/zones/<int:zone_id>/actief", methods=["POST"])
@beheer_only
def toggle_zone(zone_id: int) -> ResponseReturnValue:
    zone = _zone_or_404(zone_id)
    # CSRFProtect has already checked this POST's token.
    wanted = wanted_state()
    set_zone_active(zone, (not zone.active) if wanted is None else wanted)
    db.session.commit()
    return _back_to_location(zone)


@bp.route("/zones/<int:zone_id>/vloer", methods=["POST"])
@beheer_only
def zone_on_floor(zone_id: int) -> ResponseReturnValue:
    """Move an existing zone between the floor and desk work only (zones made before the
    distinction, or a place that changed use)."""
    zone = _zone_or_404(zone_id)
    wanted = wanted_state()
    set_zone_on_floor(zone, (not zone.on_floor) if wanted is None else wanted)
    db.session.commit()
    flash(
        _("%(zone)s staat nu op de vloer.", zone=zone.name)
        if zone.on_floor
        else _("%(zone)s is nu alleen voor het bureau.", zone=zone.name),
        "success",
    )
    return _back_to_location(zone)


@bp.route("/ketenpartners", methods=["GET", "POST"])
@beheer_only
def partners() -> ResponseReturnValue:
    """The list of chain partners staff refer to (issue 23)."""
    form = PartnerForm()
    locations = list(db.session.scalars(select(Location).order_by(Location.code)))
    form.location.choices = choice_list(
        [(0, _("alle locaties")), *((loc.id, f"{loc.code} – {loc.name}") for loc in locations)]
    )
    if submit(
        form,
        lambda: add_partner(
            current_user,
            kind=form.kind.data,
            name=form.name.data,
            contact=form.contact.data,
            location=db.session.get(Location, form.location.data or 0),
        ),
        success=_("Ketenpartner toegevoegd."),
    ):
        return redirect(url_for("admin.partners"))
    return form_page("admin/partners.html", form, partners=all_partners())


@bp.route("/ketenpartners/<int:partner_id>/actief", methods=["POST"])
@beheer_only
def partner_toggle(partner_id: int) -> ResponseReturnValue:
    partner = db.session.get(ChainPartner, partner_id) if partner_id < 2**31 else None
    if partner is None:
        abort(404)
    # CSRFProtect has already checked this POST's token; the button sets a state.
    wanted = wanted_state()
    set_partner_active(current_user, partner, (not partner.active) if wanted is None else wanted)
    db.session.commit()
    return redirect(url_for("admin.partners"))
