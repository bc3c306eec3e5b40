"""The staff area's door and home: log in, log out, and the queue of sessions to review."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from assistant.errors import LoginFailed
from assistant.services.accounts import authenticate
from assistant.services.review import QUEUE_LIMIT, QUEUE_VIEWS, home_queue
from assistant.vocabulary import TRUST_ROLE
from assistant.web.auth import current_staff, home_url, log_in, log_out
from assistant.web.staff.base import bp, login_required, number
from assistant.web.store import get_db


@bp.route("/login", methods=["GET", "POST"])
def login():
    """The login form; after logging in, the page asked for (in the staff area) or home."""
    email = request.form.get("email", "")
    if request.method == "POST":
        try:
            staff = authenticate(get_db(), email[:200], request.form.get("password", "")[:200])
        except LoginFailed as failed:
            flash(failed.message, "error")
            return render_template("staff/login.html", email=email), 401
        log_in(staff)
        target = request.args.get("next", "")
        home_page = home_url(staff)
        return redirect(
            target
            if target.startswith(home_page) or (target.startswith("/staff/") and staff.role != TRUST_ROLE)
            else home_page
        )
    return render_template("staff/login.html", email=email)


@bp.post("/logout")
def logout():
    log_out()
    return redirect(url_for("staff.login"))


@bp.get("/")
@login_required
def home():
    """Sessions to review, filtered: needs review (the default), today, or all; one pupil."""
    pupil = request.args.get("pupil", "")
    queue = home_queue(get_db(), current_staff(), request.args.get("show", "review"), number(pupil) if pupil else None)
    return render_template(
        "staff/home.html",
        to_review=queue.sessions,
        unseen_concerns=queue.unseen_concerns,
        view=queue.view,
        views=QUEUE_VIEWS,
        pupil_id=queue.pupil_id,
        pupils=queue.pupils,
        limit=QUEUE_LIMIT,
    )
