"""Staff pages about pupils: the list, a CSV import, a pupil's page, their communication
profile (with a sample of a voice), and an administrator's export and erasure."""

from __future__ import annotations

import json

from flask import Response, current_app, flash, redirect, render_template, request, url_for

from assistant.errors import InvalidInput
from assistant.reports.gatsby import BENCHMARKS
from assistant.reports.pupil_page import pupil_overview
from assistant.services.erasure import erase_confirmed
from assistant.services.erasure import export_pupil as export_record
from assistant.services.profile_form import profile_form
from assistant.services.pupils import import_pupils_file, pupil_for, update_profile, visible_pupils
from assistant.speech.synthesis import voice_sample as sample_of
from assistant.uploads import MAX_FILE_BYTES
from assistant.web.auth import current_staff
from assistant.web.speech import synthesiser
from assistant.web.staff.base import WHOLE_SCHOOL, bp, instance, login_required, roles_required
from assistant.web.store import get_db
from assistant.web.symbols import sets_root

PROFILE_TEXT_FIELDS = (
    "symbol_set",
    "cards_per_board",
    "voice",
    "speech_rate",
    "selection",
    "scanning",
    "scan_interval_ms",
    "text_size",
    "help_after_seconds",
    "sharing_note",
)
PROFILE_CHECKBOXES = ("auto_speak", "high_contrast", "reduced_motion", "words_shareable")


@bp.get("/pupils")
@login_required
def pupils():
    return render_template("staff/pupils.html", pupils=visible_pupils(get_db(), current_staff()))


@bp.post("/pupils/import")
@roles_required(*WHOLE_SCHOOL)
def import_csv():
    upload = request.files.get("file")
    if upload is None:
        raise InvalidInput("Choose a CSV file.")
    result = import_pupils_file(get_db(), upload.read(MAX_FILE_BYTES + 1), current_staff())
    flash(f"{result['created']} pupils added, {result['updated']} updated.", "ok")
    return redirect(url_for("staff.pupils"))


@bp.get("/pupils/<int:pupil_id>")
@login_required
def pupil(pupil_id: int):
    page = pupil_overview(get_db(), current_staff(), pupil_id)
    return render_template("staff/pupil.html", **vars(page), benchmarks=BENCHMARKS)


@bp.route("/pupils/<int:pupil_id>/profile", methods=["GET", "POST"])
@login_required
def edit_profile(pupil_id: int):
    if request.method == "POST":
        form = request.form
        values = {key: form[key] for key in PROFILE_TEXT_FIELDS if key in form}
        for key in PROFILE_CHECKBOXES:
            values[key] = form.get(key) == "1"
        values["input_modes"] = form.getlist("input_modes")
        update_profile(get_db(), current_staff(), pupil_id, values, sets_root())
        flash("Saved.", "ok")
        return redirect(url_for("staff.pupil", pupil_id=pupil_id))
    page = profile_form(get_db(), current_staff(), pupil_id, sets_root())
    return render_template("staff/profile.html", **vars(page))


@bp.get("/voice-sample")
@login_required
def voice_sample():
    """A short sample of an installed voice at a rate, for the profile's "hear it" button."""
    audio = sample_of(synthesiser(), request.args.get("voice", "")[:50], request.args.get("rate", type=int))
    return Response(audio, mimetype="audio/wav", headers={"Cache-Control": "private, max-age=3600"})


@bp.get("/pupils/<int:pupil_id>/export")
@roles_required("admin")
def export_pupil(pupil_id: int):
    data = export_record(get_db(), current_staff(), pupil_id)
    body = json.dumps(data, indent=2, ensure_ascii=False)
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": f"attachment; filename=pupil-{pupil_id}.json"},
    )


@bp.route("/pupils/<int:pupil_id>/erase", methods=["GET", "POST"])
@roles_required("admin")
def erase_pupil(pupil_id: int):
    if request.method == "POST":
        erase_confirmed(
            get_db(),
            current_staff(),
            pupil_id,
            request.form.get("confirm", ""),
            current_app.config["TRACKER_STORE_URL"],
            instance() / "speech_cache",
        )
        flash("The pupil's record has been erased.", "ok")
        return redirect(url_for("staff.pupils"))
    return render_template("staff/erase.html", pupil=pupil_for(get_db(), current_staff(), pupil_id))
