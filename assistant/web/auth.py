"""Staff login for the web app: the signed cookie holds only a session token; the session
itself is a row on the server (assistant/services/accounts.py), so logout, a password change or a
disabled account ends it wherever the cookie was copied to."""

from __future__ import annotations

import functools

from flask import current_app, g, session, url_for

from assistant.errors import NotAllowed
from assistant.record.models import Staff
from assistant.services.accounts import end_staff_session, staff_for_session, start_staff_session
from assistant.vocabulary import TRUST_ROLE
from assistant.web.store import get_db


class NotLoggedIn(NotAllowed):
    """No one is logged in (answered with 401, not 403: see assistant/web/errors.py)."""


def current_staff() -> Staff | None:
    """The logged-in member of staff, or None (also once the session has ended)."""
    if "staff" not in g:
        token = session.get("staff_session")
        g.staff = (
            staff_for_session(
                get_db(), token, current_app.config["STAFF_IDLE_MINUTES"], current_app.config["STAFF_SESSION_HOURS"]
            )
            if token
            else None
        )
    return g.staff


def staff_required(view):
    """Only for logged-in staff (401 JSON otherwise), who have chosen their own password."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        staff = current_staff()
        if staff is None:
            raise NotLoggedIn("Please log in.")
        if staff.must_change_password:
            raise NotAllowed("Please choose a new password first (Staff area, My account).")
        if staff.role == TRUST_ROLE:  # figures across schools only, never a pupil
            raise NotAllowed("A trust account sees its schools' figures, not pupils.")
        return view(*args, **kwargs)

    return wrapped


def home_url(staff: Staff) -> str:
    """Where an account starts: a trust's at its overview, a school's staff at the review queue."""
    return url_for("trust.overview") if staff.role == TRUST_ROLE else url_for("staff.home")


def log_in(staff: Staff) -> None:
    session.clear()
    session["staff_session"] = start_staff_session(get_db(), staff)
    g.pop("staff", None)


def log_out() -> None:
    end_staff_session(get_db(), session.get("staff_session"))
    session.clear()
    g.pop("staff", None)
