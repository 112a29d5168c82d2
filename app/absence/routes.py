from __future__ import annotations

from dataclasses import dataclass

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import Select, select
from werkzeug.routing import BuildError
from werkzeug.wrappers import Response

from app.absence import duo, duo_rules
from app.absence.forms import (
    AbsenceImportForm,
    AcknowledgeForm,
    CodeForm,
    DuoFollowUpForm,
    DuoMeldingForm,
    NonSchoolPeriodForm,
    SchoolYearForm,
)
from app.absence.importer import AbsenceImportRejected, import_absence
from app.absence.rules import RULES
from app.absence.services import code_table, reset_code, rule_settings, set_code
from app.absence.signals import (
    SORTS,
    acknowledge_signal,
    evaluate_signals,
    evaluated_as_of,
    find_visible_signal,
    new_since,
    record_signals_shown,
    signal_list_csv,
    signal_query,
    signal_student_query,
    signals_of_students,
)
from app.access import login_required, may_open, roles_required
from app.audit import record
from app.core import roles
from app.core.calendar_store import (
    add_non_school_period,
    add_school_year,
    list_school_years,
    remove_non_school_period,
    remove_school_year,
)
from app.core.fields import ActionForm
from app.core.forms import form_page, submit
from app.core.localtime import local_today
from app.core.request_input import paginate
from app.core.vocabulary import AbsenceCategory, AbsenceRule, ImportKind
from app.errors import wants_json
from app.exceptions import DomainError
from app.extensions import db
from app.imports.history import ImportSource, record_refused, recorded
from app.models import AbsenceImport, AbsenceSignal, NonSchoolPeriod, SchoolYear, Student
from app.urls import safe_next_url

bp = Blueprint("absence", __name__, url_prefix="/verzuim")

beheer_only = roles_required(roles.BEHEER)
PAGE_SIZE = 100
# Desk mode (app/desk) opens a student's case, or shows the open one, at this endpoint.
CASE_ENDPOINT = "desk.new_case"


def _case_urls(numbers: set[str]) -> dict[str, str]:
    """Links from signals to open (or go to) each student's case in desk mode, for users who
    work on cases. Guarded: without desk mode, or if its URL changes, there are no links
    rather than an error."""
    if not may_open(CASE_ENDPOINT):
        return {}
    try:
        return {number: url_for(CASE_ENDPOINT, leerlingnummer=number) for number in numbers}
    except BuildError:
        current_app.logger.warning("absence: cannot link to %s", CASE_ENDPOINT)
        return {}


@dataclass(frozen=True)
class SignalFilters:
    """The signal list's filters, named as in the query string."""

    locatie: str = ""
    regel: str = ""
    sort: str = "nieuw"
    inactief: bool = False

    @classmethod
    def from_request(cls) -> SignalFilters:
        codes = {loc.code for loc in current_user.locations}
        location = request.args.get("locatie", "")
        rule = request.args.get("regel", "")
        sort = request.args.get("sort", "nieuw")
        return cls(
            locatie=location if location in codes else "",
            regel=rule if rule in RULES else "",
            sort=sort if sort in SORTS else "nieuw",
            inactief=request.args.get("inactief") == "1",
        )

    def location_ids(self) -> list[int]:
        """The chosen location, or every location of the user."""
        return [loc.id for loc in current_user.locations if self.locatie in ("", loc.code)]

    def query(self) -> Select[AbsenceSignal]:
        location_ids = [loc.id for loc in current_user.locations if loc.code == self.locatie]
        return signal_query(
            current_user,
            location_ids=location_ids or None,
            rules=[self.regel] if self.regel else [],
            include_inactive=self.inactief,
            sort=self.sort,
        )

    def student_query(self) -> Select[Student]:
        location_ids = [loc.id for loc in current_user.locations if loc.code == self.locatie]
        return signal_student_query(
            current_user,
            location_ids=location_ids or None,
            rules=[self.regel] if self.regel else [],
            include_inactive=self.inactief,
            sort=self.sort,
        )


@bp.route("/")
@login_required
def signals() -> ResponseReturnValue:
    """The signal list of the user's locations: a card per student with their signals."""
    filters = SignalFilters.from_request()
    page = paginate(filters.student_query(), per_page=PAGE_SIZE)
    students = list(page.items)
    by_student = signals_of_students(
        current_user,
        students,
        rules=[filters.regel] if filters.regel else [],
        include_inactive=filters.inactief,
    )
    record_signals_shown(current_user, students)
    signals_shown = [signal for group in by_student.values() for signal in group]
    today = local_today()
    overdue_ids = {
        signal.id
        for signal in signals_shown
        if signal.rule == AbsenceRule.ZESTIEN_UUR
        and duo_rules.deadline_passed(signal.due_on, signal.acknowledged, today)
    }
    # Render before committing: a commit expires the loaded signals and students, and the
    # template would then reload each one with its own query (N+1).
    html = render_template(
        "absence/signals.html",
        page=page,
        by_student=by_student,
        signal_count=len(signals_shown),
        filters=filters,
        new_since=new_since(),
        today=today,
        overdue_ids=overdue_ids,
        sorts=SORTS,
        ack_form=AcknowledgeForm(),
        can_acknowledge=may_open("absence.acknowledge"),
        evaluated_on=evaluated_as_of(filters.location_ids()),
        settings=rule_settings(),
        case_urls=_case_urls({student.leerlingnummer for student in students}),
    )
    db.session.commit()
    return html


@bp.route("/signalen.csv")
@login_required
def signals_csv() -> ResponseReturnValue:
    """The filtered signal list as CSV (audited per student as an export)."""
    signals = db.session.scalars(SignalFilters.from_request().query()).all()
    content = signal_list_csv(current_user, signals)
    db.session.commit()
    response = Response(content, mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="verzuimsignalen.csv"'
    return response


@bp.route("/signalen/<int:signal_id>/afhandelen", methods=["POST"])
@roles_required(roles.SIGNAL_ACKNOWLEDGERS)
def acknowledge(signal_id: int) -> ResponseReturnValue:
    signal = find_visible_signal(current_user, signal_id)
    if signal is None:
        abort(404)
    form = AcknowledgeForm()
    submit(
        form,
        lambda: acknowledge_signal(signal, current_user, form.note.data or ""),
        success=_("Signaal afgehandeld."),
        errors="flash",
    )
    return redirect(safe_next_url(request.form.get("next")) or url_for("absence.signals"))


@bp.route("/signalen/<int:signal_id>/duo-melding", methods=["GET", "POST"])
@roles_required(roles.DUO_RECORDERS)
def new_duo_melding(signal_id: int) -> ResponseReturnValue:
    """Record the melding the school made at DUO for a 16-hour signal (issue 23)."""
    signal = duo.find_signal_for_melding(current_user, signal_id)
    if signal is None:
        abort(404)
    existing = duo.melding_of(signal)
    if existing is not None:
        return redirect(url_for("absence.duo_melding", melding_id=existing.id))
    form = DuoMeldingForm()
    if request.method == "GET":
        form.reported_on.data = local_today()
    done = submit(
        form,
        lambda: duo.record_melding(
            current_user,
            signal,
            reported_on=form.reported_on.data,
            reference=form.reference.data,
            leerplicht_contact=form.leerplicht_contact.data,
        ),
        success=_("Melding bij DUO vastgelegd; de herinnering is gesloten."),
    )
    if done:
        return redirect(url_for("absence.duo_melding", melding_id=done.value.id))
    return form_page(
        "absence/duo_new.html",
        form,
        signal=signal,
        follow_up=duo.follow_up_for(signal),
        settings=rule_settings(),
    )


@bp.route("/duo-meldingen/<int:melding_id>", methods=["GET", "POST"])
@roles_required(roles.DUO_RECORDERS)
def duo_melding(melding_id: int) -> ResponseReturnValue:
    """One melding, with the leerplichtambtenaar's follow-up (contact, verzuimgesprek)."""
    melding = duo.find_melding(current_user, melding_id)
    if melding is None:
        abort(404)
    form = DuoFollowUpForm(obj=melding if request.method == "GET" else None)
    if submit(
        form,
        lambda: duo.record_follow_up(
            current_user,
            melding,
            leerplicht_contact=form.leerplicht_contact.data,
            contacted_on=form.contacted_on.data,
            conversation_on=form.conversation_on.data,
            conversation_note=form.conversation_note.data,
        ),
        success=_("Opgeslagen."),
    ):
        return redirect(url_for("absence.duo_melding", melding_id=melding.id))
    record(current_user, "view", duo.OBJECT, melding.id, student=melding.student_id)
    db.session.commit()
    return form_page("absence/duo_detail.html", form, melding=melding)


@bp.route("/wat-telt")
@login_required
def definitions() -> ResponseReturnValue:
    """Wat telt als hoog verzuim: the rules with the thresholds in force."""
    settings = rule_settings()
    return render_template(
        "absence/definitions.html",
        settings=settings,
        codes=code_table(),
        pattern_categories=", ".join(
            AbsenceCategory.label_of(c) for c in settings.pattern.categories
        ),
    )


# --------------------------------------------------------------------------------------------
# Functional management: import, calendar, codes
# --------------------------------------------------------------------------------------------


@bp.route("/import", methods=["GET", "POST"])
@beheer_only
def import_page() -> ResponseReturnValue:
    form = AbsenceImportForm()
    problems: list[str] = []
    unknown: list[str] = []

    def refused(error: DomainError) -> None:
        problems.extend(error.message.splitlines())
        if isinstance(error, AbsenceImportRejected):
            unknown.extend(error.unknown_students)

    source = ImportSource.of_upload(ImportKind.VERZUIM, form.file.data, current_user)
    done = submit(
        form,
        lambda: recorded(
            source,
            lambda: import_absence(
                source.data,
                source.filename,
                user=current_user,
                skip_unknown_students=bool(form.skip_unknown.data),
                replace_period=bool(form.replace_period.data),
            ),
        ),
        success=lambda result: _("Import klaar: %(summary)s.", summary=result.summary()),
        on_refused=refused,
        record_refusal=lambda error: record_refused(source, error),
    )
    if done:
        if wants_json():
            message = _("Import klaar: %(summary)s.", summary=done.value.summary())
            return jsonify(ok=True, message=message, redirect=url_for("absence.import_page"))
        return redirect(url_for("absence.import_page"))
    if form.errors:
        problems = [str(m) for errors in form.errors.values() for m in errors]
    if wants_json() and request.method == "POST":
        return jsonify(ok=False, problems=problems, unknown_students=unknown), 400
    imports = db.session.scalars(
        select(AbsenceImport).order_by(AbsenceImport.at.desc()).limit(10)
    ).all()
    html = render_template("absence/import.html", form=form, problems=problems, imports=imports)
    return html, 400 if problems else 200


def _reevaluate() -> None:
    """Calendar or code changes move windows and categories: evaluate every student again."""
    evaluate_signals()


def _calendar_forms() -> tuple[SchoolYearForm, NonSchoolPeriodForm]:
    year_form = SchoolYearForm(prefix="jaar")
    period_form = NonSchoolPeriodForm(prefix="periode")
    period_form.school_year.choices = [(str(y.id), y.name) for y in list_school_years()]
    return year_form, period_form


def _render_calendar(
    year_form: SchoolYearForm, period_form: NonSchoolPeriodForm, status: int = 200
) -> tuple[str, int]:
    return render_template(
        "absence/calendar.html",
        years=list_school_years(),
        year_form=year_form,
        period_form=period_form,
    ), status


@bp.route("/kalender")
@beheer_only
def calendar() -> ResponseReturnValue:
    return _render_calendar(*_calendar_forms())


@bp.route("/kalender/jaar", methods=["POST"])
@beheer_only
def add_year() -> ResponseReturnValue:
    year_form, period_form = _calendar_forms()

    def add() -> SchoolYear:
        year = add_school_year(
            year_form.name.data or "", with_public_holidays=bool(year_form.public_holidays.data)
        )
        _reevaluate()
        return year

    if done := submit(
        year_form,
        add,
        success=lambda year: _("Schooljaar %(name)s toegevoegd.", name=year.name),
        fallback_field="name",
    ):
        return redirect(url_for("absence.calendar", _anchor=f"jaar-{done.value.name}"))
    return _render_calendar(year_form, period_form, 400)


@bp.route("/kalender/periode", methods=["POST"])
@beheer_only
def add_period() -> ResponseReturnValue:
    year_form, period_form = _calendar_forms()

    def add() -> SchoolYear:
        year = db.session.get(SchoolYear, int(period_form.school_year.data or 0))
        if year is None:
            raise DomainError(_("Kies een schooljaar."), field="school_year")
        add_non_school_period(
            year,
            period_form.name.data or "",
            period_form.starts_on.data,
            period_form.ends_on.data,
            period_form.kind.data or "vakantie",
        )
        _reevaluate()
        return year

    if done := submit(
        period_form, add, success=_("Vrije periode toegevoegd."), fallback_field="name"
    ):
        return redirect(url_for("absence.calendar", _anchor=f"jaar-{done.value.name}"))
    return _render_calendar(year_form, period_form, 400)


@bp.route("/kalender/periode/<int:period_id>/verwijderen", methods=["POST"])
@beheer_only
def delete_period(period_id: int) -> ResponseReturnValue:
    period = db.session.get(NonSchoolPeriod, period_id) or abort(404)
    name = period.school_year.name

    def remove() -> None:
        remove_non_school_period(period)
        _reevaluate()

    # Through submit, like the additions: a refusal (an import holding the lock past the
    # wait) rolls the removal back and is shown, instead of failing the request.
    submit(ActionForm(), remove, success=_("Vrije periode verwijderd."), errors="flash")
    return redirect(url_for("absence.calendar", _anchor=f"jaar-{name}"))


@bp.route("/kalender/jaar/<int:year_id>/verwijderen", methods=["POST"])
@beheer_only
def delete_year(year_id: int) -> ResponseReturnValue:
    year = db.session.get(SchoolYear, year_id) or abort(404)
    name = year.name

    def remove() -> None:
        remove_school_year(year)
        _reevaluate()

    if submit(
        ActionForm(),
        remove,
        success=_("Schooljaar %(name)s verwijderd.", name=name),
        errors="flash",
    ):
        return redirect(url_for("absence.calendar"))
    return redirect(url_for("absence.calendar", _anchor=f"jaar-{name}"))


@bp.route("/codes", methods=["GET", "POST"])
@beheer_only
def codes() -> ResponseReturnValue:
    form = CodeForm()

    def save() -> tuple[str, int]:
        meaning, changed = set_code(
            form.code.data or "",
            form.category.data or "",
            description=form.description.data or "",
            authorised=bool(form.authorised.data),
            user=current_user,
        )
        if changed:
            _reevaluate()
        return meaning.code, changed

    if submit(
        form,
        save,
        success=lambda saved: _(
            "Code %(code)s opgeslagen; %(n)s registraties aangepast.", code=saved[0], n=saved[1]
        ),
        fallback_field="code",
    ):
        return redirect(url_for("absence.codes"))
    return form_page("absence/codes.html", form, codes=code_table())


@bp.route("/codes/<code>/terugzetten", methods=["POST"])
@beheer_only
def reset_code_view(code: str) -> ResponseReturnValue:
    def reset() -> None:
        _meaning, changed = reset_code(code)
        if changed:
            _reevaluate()

    submit(
        ActionForm(),
        reset,
        success=_("Code %(code)s teruggezet.", code=code.upper()),
        errors="flash",
    )
    return redirect(url_for("absence.codes"))
