"""The trust overview: a trust (or local authority) account's page and CSV of figures across
its schools. Routes call one core function of assistant/reports/trust.py; no pupil is named here."""

from __future__ import annotations

from flask import Blueprint, Response, render_template

from assistant.reports.gatsby import BENCHMARKS
from assistant.reports.trust import overview as trust_overview
from assistant.reports.trust import overview_csv, overview_svg
from assistant.vocabulary import TRUST_ROLE
from assistant.web.auth import current_staff
from assistant.web.staff import labels, roles_required
from assistant.web.store import get_db

bp = Blueprint("trust", __name__, url_prefix="/staff/trust")
bp.context_processor(labels)


@bp.get("/")
@roles_required(TRUST_ROLE)
def overview():
    figures = trust_overview(get_db(), current_staff())
    return render_template("trust/overview.html", figures=figures, chart=overview_svg(figures), benchmarks=BENCHMARKS)


@bp.get("/overview.csv")
@roles_required(TRUST_ROLE)
def overview_download():
    figures = trust_overview(get_db(), current_staff(), how="CSV")
    return Response(
        overview_csv(figures),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=trust-gatsby.csv"},
    )
