"""The designated safeguarding lead's page: possible disclosures of harm, and marking each
one seen. Nobody else reaches it (403), and nothing here is an entry or in a document."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for

from assistant.services.concerns import list_concerns, mark_seen
from assistant.vocabulary import SAFEGUARDING_ROLES
from assistant.web.auth import current_staff
from assistant.web.staff import labels, roles_required
from assistant.web.store import get_db

bp = Blueprint("concerns", __name__, url_prefix="/staff/concerns")
bp.context_processor(labels)  # the staff area's layout and labels


@bp.get("/")
@roles_required(*SAFEGUARDING_ROLES)
def concerns():
    return render_template("staff/concerns.html", concerns=list_concerns(get_db(), current_staff()))


@bp.post("/<int:concern_id>/seen")
@roles_required(*SAFEGUARDING_ROLES)
def seen(concern_id: int):
    mark_seen(get_db(), current_staff(), concern_id)
    flash("Marked as seen.", "ok")
    return redirect(url_for("concerns.concerns"))
