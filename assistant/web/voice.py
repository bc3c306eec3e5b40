""" "My voice" enrolment, from the pupil's page: an adult records consent, then the pupil
says each card of their usual boards (hold to record) while the tablet shows the card.
Routes parse and call one function of assistant/services/my_voice.py; the recordings are decoded and
checked in the listening sandbox and kept as features only."""

from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for

from assistant.services.my_voice import PER_CARD, enrol_clip, record_consent, remove_template
from assistant.services.my_voice import enrolment as enrolment_of
from assistant.web.auth import current_staff
from assistant.web.errors import answers_json
from assistant.web.staff import labels, login_required
from assistant.web.store import get_db
from symbols.catalogue import load_catalogue

bp = Blueprint("voice", __name__, url_prefix="/staff/pupils/<int:pupil_id>/voice")
bp.context_processor(labels)


@bp.get("")
@login_required
def enrolment(pupil_id: int):
    page = enrolment_of(get_db(), current_staff(), pupil_id, load_catalogue())
    return render_template("voice/enrolment.html", **vars(page), per_card=PER_CARD)


@bp.post("/consent")
@login_required
def consent(pupil_id: int):
    record_consent(get_db(), current_staff(), pupil_id, request.form.get("given_by", ""))
    flash("Consent recorded. You can record the pupil's voice now.", "status")
    return redirect(url_for("voice.enrolment", pupil_id=pupil_id))


@bp.post("/cards/<card_id>/clips")
@answers_json  # a recording's problem is JSON for the page's script
@login_required
def clip(pupil_id: int, card_id: str):
    """One recording of a card (16 kHz WAV body): the card's counts, or 422 and why."""
    count = enrol_clip(get_db(), current_staff(), pupil_id, card_id, request.get_data(cache=False), load_catalogue())
    return jsonify(
        card=count.card_id, enrolment=count.enrolment, confirmed=count.confirmed, total=count.total, needed=PER_CARD
    )


@bp.post("/recordings/<int:template_id>/remove")
@login_required
def remove(pupil_id: int, template_id: int):
    card = remove_template(get_db(), current_staff(), pupil_id, template_id)
    flash(f"Removed one recording of {card.replace('_', ' ')}.", "status")
    return redirect(url_for("voice.enrolment", pupil_id=pupil_id) + "#recordings")
