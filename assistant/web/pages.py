"""The front door (the staff area) and the tablet's conversation page (web_widget/)."""

from __future__ import annotations

from flask import Blueprint, redirect, send_from_directory, url_for

from assistant.settings import PROJECT_ROOT

bp = Blueprint("pages", __name__)
WIDGET = PROJECT_ROOT / "web_widget"


@bp.get("/")
def start():
    return redirect(url_for("staff.home"))


@bp.get("/tablet")
def tablet():
    # The session token travels in the URL fragment, which never reaches the server or its logs.
    return send_from_directory(WIDGET, "tablet.html")
