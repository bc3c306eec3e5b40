""""My voice" enrolment, from the pupil's page: an adult records consent, then the pupil
says each card of their usual boards (hold to record) while the tablet shows the card.
Routes parse and call one function of assistant/voice.py; the recordings are decoded and
checked in the listening sandbox and kept as features only."""

from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for

from assistant import audit
from assistant.errors import DomainError
from assistant.pupils import pupil_for
from assistant.voice import (PER_CARD, card_counts, consent_of, enrol_clip, record_consent,
                             remove_template, templates_of)
from assistant.web.auth import current_staff
from assistant.web.staff import labels, login_required
from assistant.web.errors import status_of
from assistant.web.store import get_db
from symbols.catalogue import load_catalogue

bp = Blueprint("voice", __name__, url_prefix="/staff/pupils/<int:pupil_id>/voice")
bp.context_processor(labels)


@bp.errorhandler(DomainError)
def domain_error(error: DomainError):
    """A recording's problem is JSON for the page's script; anything else a message."""
    get_db().rollback()
    if request.endpoint == "voice.clip":
        return jsonify(error=error.message), status_of(error)
    if status_of(error) in (401, 403, 404):
        return render_template("staff/message.html", message=error.message), status_of(error)
    flash(error.message, "error")
    return redirect(request.referrer or url_for("staff.home"))


def _symbol(catalogue, card_id: str) -> str | None:
    concept = catalogue.get(card_id)
    if concept is not None:
        return concept.symbol
    return catalogue.symbol_for_word(card_id.replace("_", " ")) \
        or catalogue.symbol_for_word(card_id.split("_")[-1])


@bp.get("")
@login_required
def enrolment(pupil_id: int):
    db = get_db()
    staff = current_staff()
    pupil = pupil_for(db, staff, pupil_id)
    audit.log(db, staff, "view", pupil.id, "My voice page")
    catalogue = load_catalogue()
    counts = card_counts(db, staff, pupil.id, catalogue)
    recordings: dict[str, list] = {}
    for row in templates_of(db, staff, pupil.id):
        recordings.setdefault(row.card_id, []).append(row)
    return render_template("voice/enrolment.html", pupil=pupil, consent=consent_of(db, pupil.id),
                           counts=counts, recordings=recordings, per_card=PER_CARD,
                           symbols={c.card_id: _symbol(catalogue, c.card_id) for c in counts})


@bp.post("/consent")
@login_required
def consent(pupil_id: int):
    record_consent(get_db(), current_staff(), pupil_id, request.form.get("given_by", ""))
    flash("Consent recorded. You can record the pupil's voice now.", "status")
    return redirect(url_for("voice.enrolment", pupil_id=pupil_id))


@bp.post("/cards/<card_id>/clips")
@login_required
def clip(pupil_id: int, card_id: str):
    """One recording of a card (16 kHz WAV body): the card's counts, or 422 and why."""
    count = enrol_clip(get_db(), current_staff(), pupil_id, card_id,
                       request.get_data(cache=False), load_catalogue())
    return jsonify(card=count.card_id, enrolment=count.enrolment, confirmed=count.confirmed,
                   total=count.total, needed=PER_CARD)


@bp.post("/recordings/<int:template_id>/remove")
@login_required
def remove(pupil_id: int, template_id: int):
    card = remove_template(get_db(), current_staff(), pupil_id, template_id)
    flash(f"Removed one recording of {card.replace('_', ' ')}.", "status")
    return redirect(url_for("voice.enrolment", pupil_id=pupil_id) + "#recordings")
