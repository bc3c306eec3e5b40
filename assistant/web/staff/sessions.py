"""Staff pages about sessions: start one for a pupil, review its answers, confirm all that
the pupil checked back (and undo that), and review one answer."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for

from assistant.errors import InvalidInput
from assistant.services.review import (
    MAX_BATCH,
    REVIEW_ACTIONS,
    REVIEW_STATES,
    confirm_checked_back,
    session_review,
    undo_confirm_batch,
)
from assistant.services.review import review_entry as apply_review
from assistant.services.sessions import ENCOUNTER_CONVERSATIONS, start_choices, start_session
from assistant.web.auth import current_staff
from assistant.web.speech import prepare_opening_speech
from assistant.web.staff.base import bp, login_required, number
from assistant.web.store import get_db


@bp.route("/sessions/new", methods=["GET", "POST"])
@login_required
def new_session():
    """Start a session. On an error the form comes back with what was chosen, and the error."""
    db = get_db()
    staff = current_staff()
    values = request.form if request.method == "POST" else request.args
    chosen = {
        "pupil_id": values.get("pupil_id", "")[:20],
        "conversation": values.get("conversation", "")[:20],
        "encounter_id": values.get("encounter_id", "")[:20],
        "adult_name": values.get("adult_name", staff.display_name)[:200],
    }
    error = None
    if request.method == "POST":
        encounter = chosen["encounter_id"] or None
        try:
            session, code = start_session(
                db,
                staff,
                number(chosen["pupil_id"]),
                chosen["conversation"],
                number(encounter) if encounter else None,
                adult_present=True,
                adult_name=chosen["adult_name"],
            )
        except InvalidInput as refused:
            db.rollback()
            error = refused.message
        else:
            prepare_opening_speech(session)
            return render_template(
                "staff/session_started.html",
                session=session,
                code=code,
                link=url_for("pages.tablet", _external=True) + "#code=" + code,
                tablet_page=url_for("pages.tablet", _external=True),
            )
    pupils, encounters = start_choices(db, staff)
    return render_template(
        "staff/new_session.html",
        pupils=pupils,
        encounters=encounters,
        chosen=chosen,
        error=error,
        encounter_conversations=ENCOUNTER_CONVERSATIONS,
    ), 400 if error else 200


def _state(values) -> str:
    """The review filter asked for: all answers (the default) or those needing review."""
    state = values.get("state", "all")
    return state if state in REVIEW_STATES else "all"


@bp.get("/sessions/<session_id>")
@login_required
def review_session(session_id: str):
    state = _state(request.args)
    # The answer just changed stays in view, with "Saved." beside it, whatever the filter.
    saved = request.args.get("saved", "")[:40]
    page = session_review(get_db(), current_staff(), session_id, state, saved)
    done = request.args.get("done")
    return render_template(
        "staff/review.html",
        **vars(page),
        state=state,
        states=REVIEW_STATES,
        saved=saved,
        done=_bulk_done(min(max(request.args.get("n", 0, type=int) or 0, 0), MAX_BATCH), done == "undone")
        if done in ("confirmed", "undone")
        else "",
    )


def _bulk_done(n: int, undone: bool) -> str:
    """What a confirm-all (or its undo) did, in words."""
    answers = f"{n} answer{'s' if n != 1 else ''}"
    if undone:
        return f"Undone: {answers} back to review."
    return f"Confirmed {answers} the pupil checked back." if n else "No checked-back answers were waiting."


@bp.post("/sessions/<session_id>/confirm-checked")
@login_required
def confirm_checked(session_id: str):
    """Confirm every answer of the session the pupil already checked back by choosing."""
    _at, confirmed = confirm_checked_back(get_db(), current_staff(), session_id)
    # The message shows in the review box the adult pressed the button in (#bulk).
    return redirect(
        url_for(
            "staff.review_session",
            session_id=session_id,
            done="confirmed",
            n=len(confirmed),
            state=_state(request.form),
        )
        + "#bulk"
    )


@bp.post("/sessions/<session_id>/undo-confirm")
@login_required
def undo_confirm(session_id: str):
    """Undo this adult's latest confirm-all of the session."""
    undone = undo_confirm_batch(get_db(), current_staff(), session_id)
    return redirect(
        url_for("staff.review_session", session_id=session_id, done="undone", n=len(undone), state=_state(request.form))
        + "#bulk"
    )


@bp.post("/entries/<entry_id>/<action>")
@login_required
def review_entry(entry_id: str, action: str):
    """Confirm, correct how it was given, observe or discard one answer."""
    if action not in REVIEW_ACTIONS:
        abort(404)
    form = request.form
    entry = apply_review(
        get_db(),
        current_staff(),
        entry_id,
        action,
        note=form.get("note", ""),
        provenance=form.get("provenance", ""),
        text=form.get("text", ""),
        reason=form.get("reason", ""),
    )
    # "Saved." shows beside the answer just changed, where the adult is looking.
    return redirect(
        url_for("staff.review_session", session_id=entry.session_id, saved=entry.id, state=_state(form))
        + f"#entry-{entry.id}"
    )
