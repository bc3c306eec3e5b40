"""Staff pages about careers encounters: the list, a new one (with a photo of the place and
how consent for it was given), one encounter and its photo."""

from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, send_file, url_for

from assistant.errors import InvalidInput
from assistant.services.encounters import ENCOUNTER_TYPES, encounter_list, encounter_view, record_encounter
from assistant.services.encounters import encounter_photo as photo_of
from assistant.uploads import MAX_FILE_BYTES
from assistant.web.auth import current_staff
from assistant.web.staff.base import WHOLE_SCHOOL, bp, instance, login_required, number, roles_required
from assistant.web.store import get_db


@bp.get("/encounters")
@login_required
def encounters():
    page = encounter_list(get_db(), current_staff())
    return render_template(
        "staff/encounters.html", encounters=page.encounters, types=ENCOUNTER_TYPES, pupils=page.pupils
    )


def _benchmarks(text: str) -> list[int] | None:
    """The Gatsby benchmarks typed on the form (None when left empty: those of the type)."""
    if not text.strip():
        return None
    try:
        return [int(b) for b in text.replace(",", " ").split()]
    except ValueError:
        raise InvalidInput("Gatsby benchmarks are numbers from 1 to 8.") from None


@bp.post("/encounters/new")
@roles_required(*WHOLE_SCHOOL)
def new_encounter():
    form = request.form
    try:
        on = date.fromisoformat(form.get("date", ""))
    except ValueError:
        raise InvalidInput("Give the date of the encounter.") from None
    benchmarks = _benchmarks(form.get("gatsby", ""))
    photo = request.files.get("photo")
    encounter = record_encounter(
        get_db(),
        current_staff(),
        form.get("type", ""),
        form.get("title", ""),
        on,
        form.get("place", "")[:200],
        form.get("provider", "")[:200],
        form.get("notes", "")[:5000],
        [number(i) for i in form.getlist("pupil_ids")],
        benchmarks,
        photo=photo.read(MAX_FILE_BYTES + 1) if photo and photo.filename else b"",
        photo_consent=form.get("photo_consent", ""),
        instance=instance(),
    )
    flash("Encounter saved.", "ok")
    return redirect(url_for("staff.encounter", encounter_id=encounter.id))


@bp.get("/encounters/<int:encounter_id>")
@login_required
def encounter(encounter_id: int):
    record, pupils = encounter_view(get_db(), current_staff(), encounter_id)
    return render_template("staff/encounter.html", encounter=record, types=ENCOUNTER_TYPES, pupils=pupils)


@bp.get("/encounters/<int:encounter_id>/photo")
@login_required
def encounter_photo(encounter_id: int):
    return send_file(photo_of(get_db(), current_staff(), encounter_id, instance()), max_age=3600)
