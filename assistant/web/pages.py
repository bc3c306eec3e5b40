"""The two pages: the staff start page and the tablet's conversation page (web_widget/)."""

from __future__ import annotations

from flask import Blueprint, send_from_directory

from assistant.settings import PROJECT_ROOT

bp = Blueprint("pages", __name__)
WIDGET = PROJECT_ROOT / "web_widget"


@bp.get("/")
def start():
    return send_from_directory(WIDGET, "start.html")


@bp.get("/tablet")
def tablet():
    # The session token travels in the URL fragment, which never reaches the server or its logs.
    return send_from_directory(WIDGET, "tablet.html")
