"""Staff login for the web app: a signed session cookie holding the staff id."""

from __future__ import annotations

import functools

from flask import g, session

from assistant.errors import NotAllowed
from assistant.models import Staff
from assistant.staff import get_staff
from assistant.web.store import get_db


class NotLoggedIn(NotAllowed):
    status = 401


def current_staff() -> Staff | None:
    """The logged-in member of staff, or None."""
    if "staff" not in g:
        staff_id = session.get("staff_id")
        g.staff = get_staff(get_db(), staff_id) if isinstance(staff_id, int) else None
    return g.staff


def staff_required(view):
    """Only for logged-in staff (401 JSON otherwise)."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if current_staff() is None:
            raise NotLoggedIn("Please log in.")
        return view(*args, **kwargs)

    return wrapped


def log_in(staff: Staff) -> None:
    session.clear()
    session["staff_id"] = staff.id


def log_out() -> None:
    session.clear()
