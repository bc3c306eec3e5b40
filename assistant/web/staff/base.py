"""The staff area's blueprint and what its pages share: who may reach a page, the labels
the templates use, and reading a row's number from a form or a URL. The routes are in the
modules beside this one, one per area; domain errors become responses in web/errors.py."""

from __future__ import annotations

import functools
from datetime import date
from pathlib import Path

from flask import Blueprint, abort, current_app, redirect, request, url_for

from assistant.errors import InvalidInput, NotFound
from assistant.record.models import is_id
from assistant.services.history import VIEW_LABELS
from assistant.vocabulary import PROVENANCE_STAFF_LABELS, ROLE_LABELS, TRUST_ROLE, WHOLE_SCHOOL_ROLES
from assistant.web.auth import current_staff

bp = Blueprint("staff", __name__, url_prefix="/staff")

CONVERSATION_LABELS = {
    "interests": "All about me (interests)",
    "prepare": "Before an encounter (prepare)",
    "debrief": "After an encounter (debrief)",
    "aspirations": "When I leave school (aspirations)",
}
KIND_LABELS = {
    "concept": "a chosen answer",
    "rating": "a rating",
    "words": "in their words",
    "dont_know": "I don't know",
    "not_understood": "not understood",
    "observation": "the adult's observation",
}
NOTE_LABELS = {
    "confirm": "confirmed",
    "provenance": "corrected how it was given",
    "observation": "observation",
    "discard": "set aside",
    "undo": "confirmation undone",
}
WHOLE_SCHOOL = WHOLE_SCHOOL_ROLES  # short name for the routes


def roles_required(*roles: str, before_password: bool = False):
    """Logged-in staff only; with roles given, only those roles (403 otherwise). Someone
    with a one-time password chooses their own first, unless `before_password`."""

    def decorate(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            staff = current_staff()
            if staff is None:
                return redirect(url_for("staff.login", next=request.path))
            if staff.must_change_password and not before_password:  # a one-time password: choose one's own first
                return redirect(url_for("account.password"))
            # A trust account reaches only what names it: no pupil, page or document.
            if (roles and staff.role not in roles) or (staff.role == TRUST_ROLE and TRUST_ROLE not in roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorate


login_required = roles_required()


@bp.context_processor
def labels():
    """The logged-in member of staff and the labels, for every staff-area template."""
    return {
        "staff": current_staff(),
        "provenance_labels": PROVENANCE_STAFF_LABELS,
        "conversation_labels": CONVERSATION_LABELS,
        "view_labels": VIEW_LABELS,
        "kind_labels": KIND_LABELS,
        "note_labels": NOTE_LABELS,
        "role_labels": ROLE_LABELS,
        "whole_school_roles": WHOLE_SCHOOL_ROLES,
    }


def number(value) -> int:
    """A form field naming a row by its number; NotFound for anything else."""
    try:
        found = int(value)
    except (TypeError, ValueError):
        raise NotFound("Not found.") from None
    if not is_id(found):
        raise NotFound("Not found.")
    return found


def date_arg(name: str) -> date | None:
    """A date from the query string (None when not given); InvalidInput when not a date."""
    value = request.args.get(name, "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"The {name} date must look like 2026-03-31.") from None


def instance() -> Path:
    """The instance folder (photos, symbol sets, the speech cache)."""
    return Path(current_app.config["INSTANCE_PATH"])
