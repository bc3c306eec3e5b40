"""The staff area: server-rendered pages for careers leads, SENCos, advocates and
administrators. Routes parse the form, call one core function, and render or redirect."""

from __future__ import annotations

import functools
import json
from datetime import date
from pathlib import Path

from flask import (Blueprint, Response, abort, current_app, flash, redirect, render_template,
                   request, send_file, url_for)
from sqlalchemy import func, select

from assistant import audit, uploads
from assistant.concerns import unseen_count
from assistant.encounters import ENCOUNTER_TYPES, create_encounter, encounter_for, list_encounters
from assistant.erasure import erase_pupil as erase_record
from assistant.erasure import export_pupil as export_record
from assistant.errors import DomainError, InvalidInput, LoginFailed, NotFound
from assistant.history import VIEW_LABELS, concept_histories
from assistant.models import ConversationSession, Encounter, Entry, is_id
from assistant.reports import (render_one_page_html, render_one_page_pdf, render_pupil_html,
                               render_summary_docx, render_summary_html, render_summary_pdf,
                               review_summary)
from assistant.reports.summary import adult_notes_for
from assistant.reports.gatsby import (BENCHMARKS, coverage, coverage_csv, coverage_svg,
                                      pupil_benchmarks)
from assistant.pupils import (can_see, create_group, groups_of, import_pupils, profile_of,
                              pupil_for, update_profile, visible_pupils)
from assistant.answer_patterns import flags as answer_flags
from assistant.review import (annotations_of, checked_back_drafts, confirm, confirm_checked_back,
                              correct_provenance, discard, how_given, last_batch, observe,
                              MAX_BATCH, QUEUE_LIMIT, QUEUE_VIEWS, review_queue, undo_confirm_batch)
from assistant.sessions import ENCOUNTER_CONVERSATIONS, session_for_staff, start_session
from assistant.staff import accounts_of, authenticate, create_staff
from assistant.unit_of_work import transaction
from assistant.web.auth import current_staff, log_in, log_out
from assistant.speech_out import installed_voices
from assistant.web.speech import prepare_opening_speech, synthesiser
from assistant.vocabulary import (INPUT_MODES, PROVENANCE_STAFF_LABELS, ROLE_LABELS, ROLES,
                                  WHOLE_SCHOOL_ROLES)
from assistant.web.errors import status_of
from assistant.web.store import get_db
from assistant.web.symbols import symbol_sets
from symbols.catalogue import load_catalogue
from symbols.sets import INSTANCE_SUBDIR, SymbolSets

bp = Blueprint("staff", __name__, url_prefix="/staff")

CONVERSATION_LABELS = {"interests": "All about me (interests)",
                       "prepare": "Before an encounter (prepare)",
                       "debrief": "After an encounter (debrief)",
                       "aspirations": "When I leave school (aspirations)"}
KIND_LABELS = {"concept": "a chosen answer", "rating": "a rating", "words": "in their words",
               "dont_know": "I don't know", "not_understood": "not understood",
               "observation": "the adult's observation"}
NOTE_LABELS = {"confirm": "confirmed", "provenance": "corrected how it was given",
               "observation": "observation", "discard": "set aside", "undo": "confirmation undone"}


def roles_required(*roles: str):
    """Logged-in staff only; with roles given, only those roles (403 otherwise)."""

    def decorate(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            staff = current_staff()
            if staff is None:
                return redirect(url_for("staff.login", next=request.path))
            if staff.must_change_password:  # a one-time password: choose one's own first
                return redirect(url_for("account.password"))
            if roles and staff.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorate


login_required = roles_required()
WHOLE_SCHOOL = WHOLE_SCHOOL_ROLES  # short name for the routes below


@bp.context_processor
def labels():
    return {"staff": current_staff(), "provenance_labels": PROVENANCE_STAFF_LABELS,
            "conversation_labels": CONVERSATION_LABELS, "view_labels": VIEW_LABELS,
            "kind_labels": KIND_LABELS, "note_labels": NOTE_LABELS, "role_labels": ROLE_LABELS,
            "whole_school_roles": WHOLE_SCHOOL_ROLES}


@bp.errorhandler(DomainError)
def domain_error(error: DomainError):
    """On a page, a domain error is a message on the page it came from."""
    get_db().rollback()
    if status_of(error) in (401, 403, 404):
        return render_template("staff/message.html", message=error.message), status_of(error)
    flash(error.message, "error")
    return redirect(request.referrer or url_for("staff.home"))


# ---------------------------------------------------------------- login

@bp.route("/login", methods=["GET", "POST"])
def login():
    email = request.form.get("email", "")
    if request.method == "POST":
        try:
            staff = authenticate(get_db(), email[:200], request.form.get("password", "")[:200])
        except LoginFailed as failed:
            flash(failed.message, "error")
            return render_template("staff/login.html", email=email), 401
        log_in(staff)
        target = request.args.get("next", "")
        return redirect(target if target.startswith("/staff/") else url_for("staff.home"))
    return render_template("staff/login.html", email=email)


@bp.post("/logout")
def logout():
    log_out()
    return redirect(url_for("staff.login"))


# ---------------------------------------------------------------- home, pupils

@bp.get("/")
@login_required
def home():
    """Sessions to review, filtered: needs review (the default), today, or all; one pupil."""
    db = get_db()
    staff = current_staff()
    view = request.args.get("show", "review")
    view = view if view in QUEUE_VIEWS else "review"
    pupil = request.args.get("pupil", "")
    pupil_id = _int(pupil) if pupil else None
    return render_template("staff/home.html", to_review=review_queue(db, staff, view, pupil_id),
                           unseen_concerns=unseen_count(db, staff), view=view, views=QUEUE_VIEWS,
                           pupil_id=pupil_id, pupils=visible_pupils(db, staff), limit=QUEUE_LIMIT)


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
    rows = uploads.parse(uploads.read_pupils_csv, upload.read(uploads.MAX_FILE_BYTES + 1))
    result = import_pupils(get_db(), rows, current_staff())
    flash(f"{result['created']} pupils added, {result['updated']} updated.", "ok")
    return redirect(url_for("staff.pupils"))


@bp.get("/pupils/<int:pupil_id>")
@login_required
def pupil(pupil_id: int):
    db = get_db()
    staff = current_staff()
    record = pupil_for(db, staff, pupil_id)
    audit.log(db, staff, "view", record.id, "pupil page")
    sessions = db.execute(select(ConversationSession).where(ConversationSession.pupil_id == record.id)
                          .order_by(ConversationSession.created_at.desc())).scalars().all()
    return render_template("staff/pupil.html", pupil=record, sessions=sessions,
                           histories=concept_histories(db, record.id), adult_notes=adult_notes_for(db, record.id),
                           concepts=load_catalogue().concepts,
                           gatsby=pupil_benchmarks(db, record.id), benchmarks=BENCHMARKS)


@bp.route("/pupils/<int:pupil_id>/profile", methods=["GET", "POST"])
@login_required
def edit_profile(pupil_id: int):
    db = get_db()
    record = pupil_for(db, current_staff(), pupil_id)
    if request.method == "POST":
        form = request.form
        values = {key: form[key] for key in ("symbol_set", "cards_per_board", "voice", "speech_rate",
                                             "selection", "scanning", "scan_interval_ms", "text_size",
                                             "help_after_seconds", "sharing_note") if key in form}
        for key in ("auto_speak", "high_contrast", "reduced_motion", "words_shareable"):
            values[key] = form.get(key) == "1"
        values["input_modes"] = form.getlist("input_modes")
        update_profile(db, current_staff(), record.id, values, symbol_sets())
        flash("Saved.", "ok")
        return redirect(url_for("staff.pupil", pupil_id=record.id))
    sets = SymbolSets(Path(current_app.config["INSTANCE_PATH"]) / INSTANCE_SUBDIR).names()
    profile = profile_of(record)
    return render_template("staff/profile.html", pupil=record, profile=profile,
                           symbol_sets=sets, input_modes=INPUT_MODES,
                           voices=installed_voices(current=profile.voice))


VOICE_SAMPLE = "Hello! This is how I will sound on the tablet."


@bp.get("/voice-sample")
@login_required
def voice_sample():
    """A short sample of an installed voice at a rate, for the profile's "hear it" button."""
    voice = request.args.get("voice", "")[:50]
    if voice not in {value for value, _ in installed_voices()}:
        raise NotFound("No such voice on this computer.")
    rate = request.args.get("rate", type=int) or 140
    audio = synthesiser().synthesise(VOICE_SAMPLE, voice=voice, rate=rate)
    return Response(audio, mimetype="audio/wav", headers={"Cache-Control": "private, max-age=3600"})


@bp.get("/pupils/<int:pupil_id>/export")
@roles_required("admin")
def export_pupil(pupil_id: int):
    data = export_record(get_db(), current_staff(), pupil_id)
    body = json.dumps(data, indent=2, ensure_ascii=False)
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": f"attachment; filename=pupil-{pupil_id}.json"})


@bp.route("/pupils/<int:pupil_id>/erase", methods=["GET", "POST"])
@roles_required("admin")
def erase_pupil(pupil_id: int):
    db = get_db()
    record = pupil_for(db, current_staff(), pupil_id)
    if request.method == "POST":
        if " ".join(request.form.get("confirm", "").split()).lower() != record.display_name.lower():
            raise InvalidInput("Type the pupil's full name exactly to confirm.")
        erase_record(db, current_staff(), record.id, current_app.config["TRACKER_STORE_URL"],
                     Path(current_app.config["INSTANCE_PATH"]) / "speech_cache")
        flash("The pupil's record has been erased.", "ok")
        return redirect(url_for("staff.pupils"))
    return render_template("staff/erase.html", pupil=record)


# ---------------------------------------------------------------- sessions and review

@bp.route("/sessions/new", methods=["GET", "POST"])
@login_required
def new_session():
    """Start a session. On an error the form comes back with what was chosen, and the error."""
    db = get_db()
    staff = current_staff()
    values = request.form if request.method == "POST" else request.args
    chosen = {"pupil_id": values.get("pupil_id", "")[:20], "conversation": values.get("conversation", "")[:20],
              "encounter_id": values.get("encounter_id", "")[:20],
              "adult_name": values.get("adult_name", staff.display_name)[:200]}
    error = None
    if request.method == "POST":
        encounter = chosen["encounter_id"] or None
        try:
            session, code = start_session(
                db, staff, _int(chosen["pupil_id"]), chosen["conversation"],
                _int(encounter) if encounter else None, adult_present=True,
                adult_name=chosen["adult_name"])
        except InvalidInput as refused:
            db.rollback()
            error = refused.message
        else:
            prepare_opening_speech(session)
            return render_template("staff/session_started.html", session=session, code=code,
                                   link=url_for("pages.tablet", _external=True) + "#code=" + code,
                                   tablet_page=url_for("pages.tablet", _external=True))
    return render_template("staff/new_session.html", pupils=visible_pupils(db, staff),
                           encounters=list_encounters(db, current_staff()), chosen=chosen, error=error,
                           encounter_conversations=ENCOUNTER_CONVERSATIONS), 400 if error else 200


REVIEW_STATES = {"all": "All answers", "draft": "Needs review"}


@bp.get("/sessions/<session_id>")
@login_required
def review_session(session_id: str):
    db = get_db()
    staff = current_staff()
    session = session_for_staff(db, staff, session_id)
    state = request.args.get("state", "all")
    if state not in REVIEW_STATES:
        state = "all"
    audit.log(db, staff, "view", session.pupil_id, "session review")
    entries = db.execute(select(Entry).where(Entry.session_id == session.id)
                         .order_by(Entry.created_at, Entry.id)).scalars().all()
    saved = request.args.get("saved", "")[:40]
    # The answer just changed stays in view, with "Saved." beside it, whatever the filter.
    shown = [e for e in entries if state == "all" or e.status == state or e.id == saved]
    notes = annotations_of(db, [e.id for e in shown])
    catalogue = load_catalogue()
    items = [{"entry": e, "notes": notes[e.id], "how": how_given(e),
              "concepts": [c for c in map(catalogue.get, e.concept_ids or []) if c]} for e in shown]
    return render_template("staff/review.html", session=session, items=items, state=state,
                           states=REVIEW_STATES, drafts=sum(e.status == "draft" for e in entries),
                           total=len(entries), checked=len(checked_back_drafts(db, session.id)),
                           flags=answer_flags(entries), batch=last_batch(db, staff, session.id),
                           saved=saved, done=_bulk_done(min(max(request.args.get("n", 0, type=int) or 0, 0), MAX_BATCH),
                                                        request.args.get("done") == "undone")
                           if request.args.get("done") in ("confirmed", "undone") else "")


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
    state = request.form.get("state", "all")
    # The message shows in the review box the adult pressed the button in (#bulk).
    return redirect(url_for("staff.review_session", session_id=session_id, done="confirmed",
                            n=len(confirmed), state=state if state in REVIEW_STATES else "all") + "#bulk")


@bp.post("/sessions/<session_id>/undo-confirm")
@login_required
def undo_confirm(session_id: str):
    """Undo this adult's latest confirm-all of the session."""
    undone = undo_confirm_batch(get_db(), current_staff(), session_id)
    state = request.form.get("state", "all")
    return redirect(url_for("staff.review_session", session_id=session_id, done="undone",
                            n=len(undone), state=state if state in REVIEW_STATES else "all") + "#bulk")


@bp.post("/entries/<entry_id>/<action>")
@login_required
def review_entry(entry_id: str, action: str):
    db = get_db()
    staff = current_staff()
    form = request.form
    if action == "confirm":
        entry = confirm(db, staff, entry_id, form.get("note", ""))
    elif action == "provenance":
        entry = correct_provenance(db, staff, entry_id, form.get("provenance", ""), form.get("note", ""))
    elif action == "observe":
        observe(db, staff, entry_id, form.get("text", ""))
        entry = db.get(Entry, entry_id)
    elif action == "discard":
        entry = discard(db, staff, entry_id, form.get("reason", ""))
    else:
        abort(404)
    # "Saved." shows beside the answer just changed, where the adult is looking.
    state = form.get("state", "all")
    return redirect(url_for("staff.review_session", session_id=entry.session_id, saved=entry.id,
                            state=state if state in REVIEW_STATES else "all") + f"#entry-{entry.id}")


# ---------------------------------------------------------------- encounters

@bp.get("/encounters")
@login_required
def encounters():
    return render_template("staff/encounters.html", encounters=list_encounters(get_db(), current_staff()),
                           types=ENCOUNTER_TYPES, pupils=visible_pupils(get_db(), current_staff()))


@bp.post("/encounters/new")
@roles_required(*WHOLE_SCHOOL)
def new_encounter():
    db = get_db()
    form = request.form
    try:
        on = date.fromisoformat(form.get("date", ""))
    except ValueError:
        raise InvalidInput("Give the date of the encounter.")
    benchmarks = None
    if form.get("gatsby", "").strip():
        try:
            benchmarks = [int(b) for b in form["gatsby"].replace(",", " ").split()]
        except ValueError:
            raise InvalidInput("Gatsby benchmarks are numbers from 1 to 8.")
    photo = request.files.get("photo")
    photo_bytes = photo.read(uploads.MAX_FILE_BYTES + 1) if photo and photo.filename else b""
    suffix = None
    if photo_bytes:
        if not form.get("photo_consent", "").strip():
            raise InvalidInput("Say how consent was given for the photo.")
        photo_bytes, suffix = uploads.parse(uploads.clean_photo, photo_bytes)
    encounter = create_encounter(db, form.get("type", ""), form.get("title", ""), on,
                                 form.get("place", "")[:200], form.get("provider", "")[:200],
                                 form.get("notes", "")[:5000],
                                 [_int(i) for i in form.getlist("pupil_ids")], benchmarks,
                                 school_id=current_staff().school_id)
    if suffix:
        folder = Path(current_app.config["INSTANCE_PATH"]) / "photos"
        folder.mkdir(parents=True, exist_ok=True)
        name = f"encounter-{encounter.id}{suffix}"
        (folder / name).write_bytes(photo_bytes)
        with transaction(db):
            encounter.photo_filename = name
            encounter.photo_consent = form.get("photo_consent", "")[:1000]
    flash("Encounter saved.", "ok")
    return redirect(url_for("staff.encounter", encounter_id=encounter.id))


@bp.get("/encounters/<int:encounter_id>")
@login_required
def encounter(encounter_id: int):
    staff = current_staff()
    record = encounter_for(get_db(), staff, encounter_id)
    return render_template("staff/encounter.html", encounter=record, types=ENCOUNTER_TYPES,
                           pupils=[p for p in record.pupils if can_see(staff, p)])


@bp.get("/encounters/<int:encounter_id>/photo")
@login_required
def encounter_photo(encounter_id: int):
    record = encounter_for(get_db(), current_staff(), encounter_id)
    if not record.photo_filename:
        abort(404)
    path = Path(current_app.config["INSTANCE_PATH"]) / "photos" / record.photo_filename
    if not path.is_file():
        abort(404)
    return send_file(path, max_age=3600)


# ---------------------------------------------------------------- documents

def _date_arg(name: str) -> date | None:
    value = request.args.get(name, "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"The {name} date must look like 2026-03-31.")


@bp.get("/pupils/<int:pupil_id>/summary")
@login_required
def summary(pupil_id: int):
    """The EHCP review pupil-voice summary, as a page, a PDF or a Word document."""
    db = get_db()
    staff = current_staff()
    record = pupil_for(db, staff, pupil_id)
    kind = request.args.get("format", "html")
    if kind not in ("html", "pdf", "docx"):
        abort(404)
    data = review_summary(db, record.id, _date_arg("from"), _date_arg("to"))
    audit.log(db, staff, "view" if kind == "html" else "export", record.id, f"review summary ({kind})")
    if kind == "html":
        return render_summary_html(data, sets=symbol_sets())
    name = f"pupil-voice-{record.id}.{kind}"
    body, mime = (render_summary_pdf(data, sets=symbol_sets()), "application/pdf") if kind == "pdf" else \
        (render_summary_docx(data, sets=symbol_sets()),
         "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    return Response(body, mimetype=mime, headers={"Content-Disposition": f"attachment; filename={name}"})


@bp.get("/pupils/<int:pupil_id>/all-about-me")
@login_required
def one_page(pupil_id: int):
    """The "all about me" one-page profile, as a page or a PDF."""
    db = get_db()
    staff = current_staff()
    record = pupil_for(db, staff, pupil_id)
    kind = request.args.get("format", "html")
    if kind not in ("html", "pdf"):
        abort(404)
    data = review_summary(db, record.id, _date_arg("from"), _date_arg("to"))
    audit.log(db, staff, "view" if kind == "html" else "export", record.id, f"one-page profile ({kind})")
    if kind == "html":
        return render_one_page_html(data, sets=symbol_sets())
    return Response(render_one_page_pdf(data, sets=symbol_sets()), mimetype="application/pdf",
                    headers={"Content-Disposition": f"attachment; filename=all-about-me-{record.id}.pdf"})


@bp.get("/pupils/<int:pupil_id>/my-profile")
@login_required
def pupil_profile_page(pupil_id: int):
    """The pupil-friendly version, mostly symbols, to print or show the pupil."""
    db = get_db()
    record = pupil_for(db, current_staff(), pupil_id)
    audit.log(db, current_staff(), "view", record.id, "pupil-friendly profile")
    return render_pupil_html(review_summary(db, record.id), sets=symbol_sets())


# ---------------------------------------------------------------- Gatsby records

def _coverage_for_staff():
    """Coverage for the group and year asked for; advocates see only their own groups."""
    staff = current_staff()
    group = request.args.get("group") or None
    year = (request.args.get("year") or "").strip()[:20] or None
    if staff.role in WHOLE_SCHOOL:
        names = [g.name for g in groups_of(get_db(), staff.school_id)]
    else:
        names = sorted(g.name for g in staff.groups)
        if group not in names:
            group = names[0] if names else None
        if group is None:
            abort(403)
    return coverage(get_db(), staff.school_id, group=group, year=year), group, year, names


@bp.get("/gatsby")
@login_required
def gatsby():
    try:
        cover, group, year, names = _coverage_for_staff()
    except NotFound as empty:
        # No pupil in that group or year: the page says so, with the filter to choose again.
        group = request.args.get("group") or None
        year = (request.args.get("year") or "").strip()[:20] or None
        names = [g.name for g in groups_of(get_db(), current_staff().school_id)] \
            if current_staff().role in WHOLE_SCHOOL else sorted(g.name for g in current_staff().groups)
        return render_template("staff/gatsby.html", cover=None, empty=empty.message, chart="",
                               benchmarks=BENCHMARKS, group=group, year=year, group_names=names,
                               whole_school=current_staff().role in WHOLE_SCHOOL)
    return render_template("staff/gatsby.html", cover=cover, chart=coverage_svg(cover),
                           benchmarks=BENCHMARKS, group=group, year=year, group_names=names,
                           whole_school=current_staff().role in WHOLE_SCHOOL)


@bp.get("/gatsby.csv")
@login_required
def gatsby_csv():
    cover, _group, _year, _names = _coverage_for_staff()
    audit.log(get_db(), current_staff(), "export", None, f"Gatsby CSV: {cover.title}")
    return Response(coverage_csv(cover), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=gatsby.csv"})


# ---------------------------------------------------------------- groups, accounts, audit

@bp.route("/groups", methods=["GET", "POST"])
@roles_required(*WHOLE_SCHOOL)
def groups():
    db = get_db()
    staff = current_staff()
    if request.method == "POST":
        create_group(db, request.form.get("name", ""), [_int(i) for i in request.form.getlist("staff_ids")],
                     school_id=staff.school_id)
        flash("Group created.", "ok")
        return redirect(url_for("staff.groups"))
    people = accounts_of(db, staff)
    members: dict[int, list[str]] = {}
    for person in people:
        for group in person.groups:
            members.setdefault(group.id, []).append(person.display_name)
    return render_template("staff/groups.html", groups=groups_of(db, staff.school_id),
                           members=members, advocates=[p for p in people if p.role == "advocate"])


@bp.route("/accounts", methods=["GET", "POST"])
@roles_required("admin")
def accounts():
    db = get_db()
    if request.method == "POST":
        form = request.form
        if form.get("role") not in ROLES:
            raise InvalidInput("Choose a role.")
        create_staff(db, form.get("email", ""), form.get("display_name", ""), form["role"],
                     form.get("password", ""), form.getlist("groups"), must_change_password=True,
                     school_id=current_staff().school_id)
        flash("Account created.", "ok")
        return redirect(url_for("staff.accounts"))
    return render_template("staff/accounts.html", people=accounts_of(db, current_staff()),
                           groups=groups_of(db, current_staff().school_id))


@bp.get("/audit")
@roles_required("admin")
def audit_log():
    db = get_db()
    staff = current_staff()
    names = {s.id: s.display_name for s in accounts_of(db, staff)}
    return render_template("staff/audit.html", events=audit.recent(db, staff.school_id), names=names)


def _int(value) -> int:
    """A form field naming a row by its number; NotFound for anything else."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise NotFound("Not found.") from None
    if not is_id(number):
        raise NotFound("Not found.")
    return number
