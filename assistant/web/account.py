"""Account pages: a member of staff changes their password; an administrator disables or
enables an account and forces a password reset. Routes parse the form and call one
function of assistant/services/accounts.py."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from assistant.errors import DomainError
from assistant.services.accounts import (
    MIN_PASSWORD_CHARS,
    change_password,
    managed_account,
    reset_password,
    set_disabled,
)
from assistant.vocabulary import ROLES, TRUST_ROLE
from assistant.web.auth import current_staff, home_url, log_in
from assistant.web.staff import labels, roles_required
from assistant.web.store import get_db

bp = Blueprint("account", __name__, url_prefix="/staff/account")
bp.context_processor(labels)  # the staff area's layout and labels


def _logged_in(*roles: str):
    """Logged-in staff (with roles given, only those), also before they have chosen their
    own password: these pages are where they choose it. With none given, every account,
    a trust's too."""
    return roles_required(*(roles or (*ROLES, TRUST_ROLE)), before_password=True)


@bp.route("/password", methods=["GET", "POST"])
@_logged_in()
def password():
    """Choose a new password (required after a reset or a generated first password)."""
    staff = current_staff()
    if request.method == "POST":
        form = request.form
        if form.get("new_password", "") != form.get("repeat_password", ""):
            flash("The two new passwords are not the same.", "error")
            return render_template("staff/password.html", min_chars=MIN_PASSWORD_CHARS), 400
        try:
            change_password(get_db(), staff, form.get("current_password", "")[:200], form.get("new_password", "")[:400])
        except DomainError as error:
            get_db().rollback()
            flash(error.message, "error")
            return render_template("staff/password.html", min_chars=MIN_PASSWORD_CHARS), 400
        log_in(staff)  # every other session of this account has ended; this one starts afresh
        flash("Your password is changed. Any other device you were logged in on is logged out.", "ok")
        return redirect(home_url(staff))
    return render_template("staff/password.html", min_chars=MIN_PASSWORD_CHARS)


@bp.post("/<int:staff_id>/disable")
@_logged_in("admin")
def disable(staff_id: int):
    person = set_disabled(get_db(), current_staff(), staff_id, True)
    flash(f"{person.display_name}'s account is disabled and logged out everywhere.", "ok")
    return redirect(url_for("staff.accounts"))


@bp.post("/<int:staff_id>/enable")
@_logged_in("admin")
def enable(staff_id: int):
    person = set_disabled(get_db(), current_staff(), staff_id, False)
    flash(f"{person.display_name}'s account is enabled.", "ok")
    return redirect(url_for("staff.accounts"))


@bp.post("/<int:staff_id>/reset")
@_logged_in("admin")
def reset(staff_id: int):
    """A one-time password, shown on this page only; it must be changed at the next login."""
    db = get_db()
    new = reset_password(db, current_staff(), staff_id)
    return render_template(
        "staff/password_reset.html", person=managed_account(db, current_staff(), staff_id), password=new
    )
