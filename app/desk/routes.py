"""The desk's views, one module per subject; importing this module registers them all on the
desk blueprint (``app.desk.blueprint.bp``), which the application factory then registers."""

from __future__ import annotations

from app.desk.blueprint import bp
from app.desk.calls import views as calls_views
from app.desk.cases import views as cases_views
from app.desk.conversations import views as conversations_views
from app.desk.detention import views as detention_views
from app.desk.export import views as export_views
from app.desk.handover import views as handover_views
from app.desk.inbox import views as inbox_views
from app.desk.incidents import views as incidents_views
from app.desk.meldcode import views as meldcode_views
from app.desk.outstanding import views as outstanding_views
from app.desk.referrals import views as referrals_views
from app.desk.visits import views as visits_views

VIEW_MODULES = (
    calls_views,
    cases_views,
    conversations_views,
    detention_views,
    export_views,
    handover_views,
    inbox_views,
    incidents_views,
    meldcode_views,
    outstanding_views,
    referrals_views,
    visits_views,
)

__all__ = ["VIEW_MODULES", "bp"]
