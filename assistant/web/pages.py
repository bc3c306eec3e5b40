"""The front door (the staff area) and the tablet's conversation page (web_widget/)."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for

from assistant.settings import PROJECT_ROOT
from assistant.vocabulary import ENDED_STATUSES, PROVENANCE_TABLET_LABELS, Provenance

WIDGET = PROJECT_ROOT / "web_widget"
bp = Blueprint("pages", __name__, template_folder=str(WIDGET))


@bp.get("/")
def start():
    return redirect(url_for("staff.home"))


@bp.get("/tablet")
def tablet():
    """The tablet's page; the adult panel's provenance choices come from the vocabulary."""
    # The session token travels in the URL fragment, which never reaches the server or its logs.
    return render_template(
        "tablet.html",
        provenance_labels=PROVENANCE_TABLET_LABELS,
        provenance_default=Provenance.INDEPENDENT.value,
        ended_statuses=ENDED_STATUSES,
    )
