"""The school administrator's page for the school's own settings (retention period, the
voice new pupils start with, what the review summary includes). The route parses the form
and calls assistant/services/school_settings.py, which checks and audits."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for

from assistant.errors import InvalidInput
from assistant.services.school_settings import MAX_RETENTION_DAYS, effective, server_defaults, update_settings
from assistant.speech.synthesis import installed_voices
from assistant.web.auth import current_staff
from assistant.web.staff import labels, roles_required
from assistant.web.store import get_db

bp = Blueprint("school", __name__, url_prefix="/staff/school")
bp.context_processor(labels)  # the staff area's layout and labels

FIELDS = ("retention_days", "default_voice", "summary_adult_notes")


def _page(status: int = 200, form: dict | None = None):
    staff = current_staff()
    now = effective(get_db(), staff.school_id, current_app.config)
    defaults = server_defaults(current_app.config)
    if form is None:  # the school's own values; "" where the server's default applies
        form = {
            key: ""
            if key not in now.own
            else (("yes" if getattr(now, key) else "no") if key == "summary_adult_notes" else str(getattr(now, key)))
            for key in FIELDS
        }
    return render_template(
        "school/settings.html",
        now=now,
        defaults=defaults,
        form=form,
        voices=installed_voices(),
        max_days=MAX_RETENTION_DAYS,
    ), status


@bp.route("/settings", methods=["GET", "POST"])
@roles_required("admin")
def settings():
    """Show the school's settings; a POST changes them (400 with the reason for a bad value)."""
    if request.method == "POST":
        form = {key: request.form.get(key, "") for key in FIELDS}
        try:
            update_settings(
                get_db(), current_staff(), form, [value for value, _ in installed_voices()], current_app.config
            )
        except InvalidInput as error:
            get_db().rollback()
            flash(error.message, "error")
            return _page(400, form)
        flash("The school's settings are saved.", "ok")
        return redirect(url_for("school.settings"))
    return _page()
