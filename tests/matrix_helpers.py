"""The authorization matrix's shared parts: the kinds of rule (public, signed in, roles, scoped
to a location), the world of own/other-location objects, the app's routes, calling a route and
signing in as a role, the verdict on an answer — and desk mode's rules, which the global matrix
counts as rules too (tests/integration/authorization/ runs both matrices)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import flask
from flask import Flask
from flask.testing import FlaskClient

from app.auth.sessions import start_session
from app.core.vocabulary import Role
from app.extensions import db
from app.models import Location, Student, User
from tests.client_helpers import signed_csrf_token

ALL = frozenset(Role)


@dataclass(frozen=True)
class Rule:
    public: bool = False
    roles: frozenset[Role] = ALL
    # The route reads objects of a location: other-location objects answer 404.
    scoped: bool = False
    # Some routes answer 404 (not 403) to roles that may never see the object.
    denied_status: int = 403
    # For a machine with its own token (the metrics scraper): no person, signed in or not,
    # gets anything but 401 (token on, none given) or 404 (the page is off).
    token_only: bool = False


PUBLIC = Rule(public=True)
LOGIN = Rule()
TOKEN_ONLY = Rule(token_only=True)


def roles(*allowed: Role, scoped: bool = False, denied_status: int = 403) -> Rule:
    return Rule(roles=frozenset(allowed), scoped=scoped, denied_status=denied_status)


@dataclass
class World:
    own: Location
    other: Location
    student: Student
    other_student: Student
    colleague: User
    extra: dict[str, Any] = field(default_factory=dict)


def app_routes(app: Flask) -> list[tuple[str, str, str]]:
    """(endpoint, rule, method) for every route; static files are not views."""
    result = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            result.append((rule.endpoint, rule.rule, method))
    return sorted(result)


def call_route(client: FlaskClient, method: str, url: str, token: str | None) -> int:
    if method == "GET":
        return client.get(url).status_code
    data = {"csrf_token": token} if token else {}
    headers = {"X-CSRFToken": token} if token else {}
    if method == "DELETE":
        return client.delete(url, json={}, headers=headers).status_code
    if url.startswith("/api/"):
        return client.post(url, json={"entries": []}, headers=headers).status_code
    return client.post(url, data=data).status_code


def sign_in(client: FlaskClient, user: User) -> str:
    """Sign ``user`` in as the login does after checking the password (the app's own
    ``start_session``: a fresh session, its row, Flask-Login's keys); answers a CSRF token of
    the new session.

    Not through ``POST /login``: the matrices sign in six times per route, and the login's
    password check, rate limits and audit were two thirds of their time (issue 24). The login
    itself is tested in tests/integration/test_auth.py."""
    app = client.application
    with app.test_request_context("/login", method="POST"):
        start_session(user)
        db.session.commit()
        values = dict(flask.session)
    with client.session_transaction() as session:
        session.clear()
        session.update(values)
        session.permanent = True
        session["reauth_at"] = int(time.time()) + 3600  # exports: no re-auth prompt here
    return signed_csrf_token(client)


SIGNED_OUT_OK = {302, 401}


def role_failure(rule: Rule, role: Role, own: bool, status: int) -> str | None:
    """What is wrong with ``status`` as the answer to ``role`` for an own (or other) location's
    object under ``rule``; None when it is the answer the rule expects."""
    where = "own" if own else "other"
    if status >= 500:
        return f"{role.value}/{where}: {status}"
    if rule.token_only:
        return None if status in (401, 404) else f"{role.value}/{where}: {status}, expected 401/404"
    if rule.public:
        return None
    if role not in rule.roles:
        if status not in (rule.denied_status, 404):
            return f"{role.value}/{where}: {status}, expected {rule.denied_status}"
    elif not own:
        if status != 404:
            return f"{role.value}/{where}: {status}, expected 404"
    elif status in (401, 403, 404):
        return f"{role.value}/{where}: {status}, expected access"
    return None


def matrix_failures(
    client: FlaskClient,
    make_user: Callable[..., User],
    rule: Rule,
    method: str,
    url: Callable[[bool], str],
    *,
    desk_screened: bool = False,
) -> list[str]:
    """Call a route signed out, then as each role (a user of ZS), with the URL of an own and, for
    a scoped rule, an other location's object (``url(own)``, built just before each call); what
    does not answer as ``rule`` says. ``desk_screened``: the session has confirmed the screened
    place, as desk mode asks."""
    failures: list[str] = []
    status = call_route(client, method, url(True), None)
    if rule.public:
        if status >= 500:
            failures.append(f"signed out: {status}")
    elif rule.token_only:
        if status not in (401, 404):
            failures.append(f"signed out: {status}, expected 401/404")
    elif status not in SIGNED_OUT_OK | {400}:  # 400: a POST refused for its missing CSRF token
        failures.append(f"signed out: {status}, expected login (302/401)")
    for role in Role:
        user = make_user(role, ("ZS",))
        token = sign_in(client, user)
        if desk_screened:
            with client.session_transaction() as session:
                session["desk_screened_at"] = "matrix"
        for own in (True, False):
            if not own and not rule.scoped:
                continue
            status = call_route(client, method, url(own), token)
            failure = role_failure(rule, role, own, status)
            if failure:
                failures.append(failure)
    return failures


# --- desk mode ---

R = Role
CASE_READERS = (R.MEDEWERKER, R.TEAMLEIDER, R.COPA)
COORDINATOR = R.AANDACHTSFUNCTIONARIS
# Who may record a Meldcode signal (and learn that a traject exists).
SIGNALLERS = (*CASE_READERS, COORDINATOR)
CASE_WORKERS = (R.MEDEWERKER, R.TEAMLEIDER)
SLOT_MANAGERS = (R.TEAMLEIDER, R.COPA, R.LOCATIELEIDER, R.BEHEER)

DESK_RULES = {
    "desk.screened": LOGIN,
    "desk.home": LOGIN,
    "desk.lvs_copied": LOGIN,  # answers 404 for a record the user may not see
    "desk.inbox": roles(R.MEDEWERKER),
    "desk.close_group": roles(R.MEDEWERKER),
    # the inbox acts on the signed-in user's own entries, flags and quarantined items only
    "desk.close_entry": roles(R.MEDEWERKER, scoped=True),
    "desk.reopen_entry": roles(R.MEDEWERKER, scoped=True),
    "desk.toggle_mark": roles(R.MEDEWERKER, scoped=True),
    "desk.link_entry": roles(R.MEDEWERKER, scoped=True),
    "desk.close_flag": roles(R.MEDEWERKER, scoped=True),
    "desk.resolve_quarantine": roles(R.MEDEWERKER, scoped=True),
    "desk.outstanding": roles(*CASE_WORKERS),
    "desk.calls_today": roles(*CASE_WORKERS),
    "desk.visits": roles(*CASE_WORKERS),
    "desk.detention": roles(*CASE_WORKERS),
    "desk.new_detention": roles(*CASE_WORKERS),
    "desk.export": roles(*CASE_WORKERS),
    "desk.cases": roles(*CASE_READERS),
    "desk.slots": roles(*SLOT_MANAGERS),
    "desk.slot_toggle": roles(*SLOT_MANAGERS, scoped=True),
    "desk.new_case": roles(*CASE_WORKERS, scoped=True),
    "desk.new_report": roles(*CASE_WORKERS, scoped=True),
    "desk.new_call": roles(*CASE_WORKERS, scoped=True),
    "desk.new_visit": roles(*CASE_WORKERS, scoped=True),
    # cases: COPA sees handed-over ones; locatieleider and beheer see none (404)
    "desk.case_detail": roles(*CASE_READERS, scoped=True, denied_status=404),
    # The matrix's case is with COPA (accepted handover): only COPA changes its status, it has no
    # review and cannot be handed over again; the case pages' own tests cover the other states.
    "desk.case_status": roles(R.COPA, scoped=True),
    "desk.case_note": roles(*CASE_READERS, scoped=True),
    "desk.case_assign": roles(*CASE_WORKERS, scoped=True),
    "desk.case_review": roles(scoped=True),
    "desk.new_handover": roles(scoped=True),
    "desk.handover_detail": roles(*CASE_READERS, scoped=True, denied_status=404),
    "desk.handover_seen": roles(*CASE_READERS, scoped=True, denied_status=404),
    "desk.handover_accept": roles(R.COPA, scoped=True),
    "desk.handover_return": roles(R.COPA, scoped=True),
    "desk.report_detail": roles(*CASE_READERS, scoped=True, denied_status=404),
    "desk.edit_report": roles(*CASE_WORKERS, scoped=True),
    "desk.report_step_done": roles(*CASE_WORKERS, scoped=True),
    "desk.call_detail": roles(*CASE_WORKERS, scoped=True),
    "desk.call_attempt": roles(*CASE_WORKERS, scoped=True),
    "desk.call_cancel": roles(*CASE_WORKERS, scoped=True),
    "desk.visit_detail": roles(*CASE_WORKERS, scoped=True),
    "desk.visit_report": roles(*CASE_WORKERS, scoped=True),
    "desk.visit_cancel": roles(*CASE_WORKERS, scoped=True),
    "desk.edit_visit": roles(*CASE_WORKERS, scoped=True),
    "desk.detention_detail": roles(*CASE_WORKERS, scoped=True),
    "desk.detention_add": roles(*CASE_WORKERS, scoped=True),
    "desk.detention_talk": roles(*CASE_WORKERS, scoped=True),
    "desk.detention_remove": roles(*CASE_WORKERS, scoped=True),
    # calendar downloads (issue 23): like the page they belong to
    "desk.visit_ics": roles(*CASE_WORKERS, scoped=True),
    "desk.handover_ics": roles(*CASE_READERS, scoped=True, denied_status=404),
    # the Meldcode: a signal by anyone who works with the student; the traject's content for
    # the aandachtsfunctionaris (and the colleagues they add by name, whom the matrix's fresh
    # users are not: for them it does not exist, 404)
    "desk.meldcode": roles(*SIGNALLERS),
    "desk.new_meldcode": roles(*SIGNALLERS, scoped=True),
    "desk.meldcode_detail": roles(COORDINATOR, scoped=True),
    "desk.meldcode_step": roles(COORDINATOR, scoped=True),
    "desk.meldcode_report": roles(COORDINATOR, scoped=True),
    "desk.meldcode_add_member": roles(COORDINATOR, scoped=True),
    "desk.meldcode_remove_member": roles(COORDINATOR, scoped=True),
    "desk.meldcode_owner": roles(COORDINATOR, scoped=True),
    "desk.meldcode_close": roles(COORDINATOR, scoped=True),
    # incidents and referrals: case work
    "desk.incidents": roles(*CASE_WORKERS),
    "desk.new_incident": roles(*CASE_WORKERS),
    "desk.incident_detail": roles(*CASE_WORKERS, scoped=True),
    "desk.referrals": roles(*CASE_WORKERS),
    "desk.new_referral": roles(*CASE_WORKERS, scoped=True),
    "desk.referral_detail": roles(*CASE_WORKERS, scoped=True),
    "desk.referral_outcome": roles(*CASE_WORKERS, scoped=True),
    "desk.referral_ics": roles(*CASE_WORKERS, scoped=True),
}


# --- every other capability (tests/integration/authorization/test_authorization_matrix.py) ---

ROUTE_RULES: dict[str, Rule] = {
    # foundation
    "main.index": LOGIN,
    "main.workplace": LOGIN,  # only this browser's choice of floor or desk
    "main.set_language": PUBLIC,
    "main.service_worker": PUBLIC,
    "main.manifest": PUBLIC,
    "main.offline": PUBLIC,
    # the load balancer's probes: no login, and nothing in them to protect
    "main.healthz": PUBLIC,
    "main.readyz": PUBLIC,
    "metrics.metrics": TOKEN_ONLY,  # off (404) in tests; tests/integration/test_observability.py
    "auth.login": PUBLIC,
    "auth.login_code": PUBLIC,  # without a pending password step it sends you to /login
    "auth.logout": LOGIN,
    "auth.reauthenticate": LOGIN,
    "auth.totp_setup": LOGIN,
    "auth.account": LOGIN,  # one's own account: a new password, log out everywhere
    "auth.change_password": LOGIN,
    # single sign-on (issue 22): starting it, the provider's callback and its logout are for
    # anybody (without SSO set up they send to the login page); confirming before an export
    # is for the signed-in
    "sso.login": PUBLIC,
    "sso.callback": PUBLIC,
    "sso.logout": PUBLIC,
    "sso.reauthenticate": LOGIN,
    "auth.logout_everywhere": LOGIN,
    "students.index": LOGIN,
    "students.detail": Rule(scoped=True),
    "admin.index": roles(R.BEHEER),
    "admin.users": roles(R.BEHEER),
    "admin.new_user": roles(R.BEHEER),
    "admin.edit_user": roles(R.BEHEER),
    "admin.reset_password": roles(R.BEHEER),
    "admin.end_sessions": roles(R.BEHEER),
    "admin.unlock_user": roles(R.BEHEER),
    "admin.import_students_page": roles(R.BEHEER),
    "admin.student_import_preview": roles(R.BEHEER),
    "admin.confirm_student_import_view": roles(R.BEHEER),
    "admin.cancel_student_import": roles(R.BEHEER),
    "admin.imports": roles(R.BEHEER),
    "admin.locations": roles(R.BEHEER),
    "admin.add_zone_view": roles(R.BEHEER),
    "admin.toggle_zone": roles(R.BEHEER),
    "admin.zone_on_floor": roles(R.BEHEER),
    # floor
    "floor.index": PUBLIC,  # the offline shell: no personal data
    "floor.context": roles(R.MEDEWERKER),
    "floor.csrf": LOGIN,  # a token holds no data; the push subscription API uses it too
    "floor.post_entries": roles(R.MEDEWERKER),
    "floor.today": roles(R.MEDEWERKER),
    "floor.climate_today": roles(R.MEDEWERKER),
    "floor.students": roles(R.MEDEWERKER),
    "floor.search": roles(R.MEDEWERKER),
    "floor.reveal_name": roles(R.MEDEWERKER, scoped=True),
    # absence
    "absence.signals": LOGIN,
    "absence.signals_csv": LOGIN,
    "absence.definitions": LOGIN,
    "absence.acknowledge": roles(R.MEDEWERKER, R.TEAMLEIDER, R.COPA, scoped=True),
    "absence.import_page": roles(R.BEHEER),
    "absence.calendar": roles(R.BEHEER),
    "absence.add_year": roles(R.BEHEER),
    "absence.add_period": roles(R.BEHEER),
    "absence.delete_period": roles(R.BEHEER),
    "absence.delete_year": roles(R.BEHEER),
    "absence.codes": roles(R.BEHEER),
    "absence.reset_code_view": roles(R.BEHEER),
    # digest: teamleider, locatieleider and beheer, their own locations
    "digest.index": roles(R.TEAMLEIDER, R.LOCATIELEIDER, R.BEHEER),
    "digest.latest": roles(R.TEAMLEIDER, R.LOCATIELEIDER, R.BEHEER, scoped=True),
    "digest.page": roles(R.TEAMLEIDER, R.LOCATIELEIDER, R.BEHEER, scoped=True),
    # leerlingpeiling: results for teamleider, locatieleider, beheer; opening and closing for
    # teamleider and beheer; the students' answer pages need no login
    "pulse.results": roles(R.TEAMLEIDER, R.LOCATIELEIDER, R.BEHEER),
    "pulse.new": roles(R.TEAMLEIDER, R.BEHEER),
    "pulse.detail": roles(R.TEAMLEIDER, R.LOCATIELEIDER, R.BEHEER, scoped=True),
    "pulse.poster": roles(R.TEAMLEIDER, R.LOCATIELEIDER, R.BEHEER, scoped=True),
    "pulse.qr_code_svg": roles(R.TEAMLEIDER, R.LOCATIELEIDER, R.BEHEER, scoped=True),
    "pulse.qr_code_png": roles(R.TEAMLEIDER, R.LOCATIELEIDER, R.BEHEER, scoped=True),
    "pulse.close": roles(R.TEAMLEIDER, R.BEHEER, scoped=True),
    "pulse.answer": PUBLIC,
    "pulse.thanks": PUBLIC,
    # privacy
    "privacy.audit": roles(R.BEHEER),
    "privacy.student_trail": roles(R.BEHEER, scoped=True),
    "privacy.subject": roles(R.BEHEER, scoped=True),
    "privacy.subject_json": roles(R.BEHEER, scoped=True),
    "privacy.rectify": roles(R.BEHEER, scoped=True),
    "privacy.erase": roles(R.BEHEER, scoped=True),
    # reports: the location is a query parameter (tests/integration/reports/test_report_pages.py
    # checks own/other/unknown locations); other roles get 404, the pages do not exist for them.
    "reports.index": roles(R.TEAMLEIDER, R.LOCATIELEIDER, R.BEHEER, denied_status=404),
    "reports.view": roles(R.TEAMLEIDER, R.LOCATIELEIDER, R.BEHEER, denied_status=404),
    "reports.save": roles(R.TEAMLEIDER, R.LOCATIELEIDER, R.BEHEER, denied_status=404),
    "reports.pdf": roles(R.TEAMLEIDER, R.LOCATIELEIDER, R.BEHEER, denied_status=404),
    "reports.csv": roles(R.TEAMLEIDER, R.LOCATIELEIDER, R.BEHEER, denied_status=404),
    # urgent alerts (issue 23): team leaders and the aandachtsfunctionaris; the matrix's alert
    # is a floor alert (for team leaders), so the aandachtsfunctionaris finds no such alert
    "alerts.index": roles(R.TEAMLEIDER, R.AANDACHTSFUNCTIONARIS),
    "alerts.detail": roles(R.TEAMLEIDER, scoped=True),
    "alerts.acknowledge": roles(R.TEAMLEIDER, scoped=True),
    "alerts.subscribe": roles(R.TEAMLEIDER, R.AANDACHTSFUNCTIONARIS),
    "alerts.unsubscribe": roles(R.TEAMLEIDER, R.AANDACHTSFUNCTIONARIS),
    # the DUO melding of a 16-hour signal: case workers
    "absence.new_duo_melding": roles(R.MEDEWERKER, R.TEAMLEIDER, scoped=True),
    "absence.duo_melding": roles(R.MEDEWERKER, R.TEAMLEIDER, scoped=True),
    # the chain partners: beheer
    "admin.partners": roles(R.BEHEER),
    "admin.partner_toggle": roles(R.BEHEER),
}
