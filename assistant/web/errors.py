"""The one place where errors become responses: JSON for the API, a short page for people.

A domain error on a staff-area page is shown on a page of the staff area: "not allowed" and
"not found" as a message page, anything else as a message on the page the adult came from."""

from __future__ import annotations

import logging

from flask import Flask, current_app, flash, jsonify, redirect, render_template, request, url_for
from markupsafe import escape
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from assistant.errors import DomainError, InvalidInput, LoginFailed, NotAllowed, NotFound, SessionClosed
from assistant.sandbox import SandboxBusy
from assistant.services.my_voice import ClipRejected, ConsentNeeded
from assistant.speech.recogniser import Busy
from assistant.speech.synthesis import SpeechUnavailable
from assistant.web.auth import NotLoggedIn
from assistant.web.store import close_db, get_db

log = logging.getLogger(__name__)

# The one table of HTTP statuses for domain errors; a subclass not named here takes its
# nearest named base's, and any other domain error is a 400.
STATUSES: dict[type[DomainError], int] = {
    InvalidInput: 400,
    LoginFailed: 401,
    NotLoggedIn: 401,
    NotAllowed: 403,
    NotFound: 404,
    SessionClosed: 409,
    ConsentNeeded: 409,
    ClipRejected: 422,
    SpeechUnavailable: 503,  # the speech worker failed or is busy: try again
    Busy: 503,  # every recogniser busy
    SandboxBusy: 503,  # every worker busy
}


def status_of(error: DomainError) -> int:
    """The HTTP status a domain error is answered with."""
    for cls in type(error).__mro__:
        if cls in STATUSES:
            return STATUSES[cls]
    return 400


# The staff-area blueprints, and where each sends the adult back to after an error when the
# browser did not say where they came from.
STAFF_PAGES = {"staff": "staff.home", "account": "staff.accounts", "voice": "staff.home"}
SHOWN_ON_A_PAGE = (401, 403, 404)


def answers_json(view):
    """Mark a page's route whose callers are scripts: its errors are JSON, not a page."""
    view.answers_json = True
    return view


def _marked_json() -> bool:
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, "answers_json", False))


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.is_json or _marked_json()


def _on_staff_page(error: DomainError):
    """A domain error on a staff page: a message page, or a message on the page before."""
    status = status_of(error)
    if status in SHOWN_ON_A_PAGE:
        return render_template("staff/message.html", message=error.message), status
    flash(error.message, "error")
    return redirect(request.referrer or url_for(STAFF_PAGES[request.blueprint]))


def _respond(status: int, message: str):
    if _wants_json():
        return jsonify(error=message), status
    page = (
        f"<!doctype html><html lang='en'><meta charset='utf-8'><title>{status}</title>"
        f"<main><h1>{escape(message)}</h1><p><a href='/'>Back to the start</a></p></main></html>"
    )
    return page, status, {"Content-Type": "text/html; charset=utf-8"}


def init_app(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        if request.blueprint in STAFF_PAGES:
            get_db().rollback()
            if _marked_json():
                return jsonify(error=error.message), status_of(error)
            return _on_staff_page(error)
        return _respond(status_of(error), error.message)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        messages = {
            404: "Not found.",
            405: "That method is not allowed here.",
            413: "That is too big to send.",
            400: "The request could not be read.",
        }
        response = app.make_response(
            _respond(error.code or 500, messages.get(error.code, error.description or "Error."))
        )
        for name, value in error.get_headers():  # Allow on a 405, Retry-After on a 429
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(OperationalError)
    def database_unreachable(error: OperationalError):
        # The database is restarting, locked for too long or gone: nothing was changed, and
        # the tablet sends the same message again later (retry).
        log.warning("database unreachable on %s: %s", request.path, type(error.orig).__name__)
        try:
            close_db()
        except Exception:  # the connection is gone; the pool replaces it
            pass
        if _wants_json():
            return jsonify(
                error="The record cannot be reached just now. Please try again in a moment.", retry=True
            ), 503
        return _respond(503, "The record cannot be reached just now. Please try again in a moment.")

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        log.exception("unexpected error on %s", request.path)
        close_db()
        return _respond(500, "Something went wrong on the server. Please try again.")
