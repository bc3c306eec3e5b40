"""The staff area: login, pupils, profiles, sessions, review and confirm, encounters, erasure."""

from __future__ import annotations

import io
import json
from pathlib import Path

from sqlalchemy import select

from assistant.models import Annotation, AuditEvent, Base, ConversationSession, Entry, Pupil
from tests.assistant.web.staff_client import csrf, post, staff_login


def db_of(app):
    from assistant.web.store import get_db

    return get_db()


def test_login_needs_the_csrf_token_and_the_right_password(client):
    assert client.post("/staff/login", data={"email": "lead@school.test",
                                             "password": "correct horse battery"}).status_code == 400
    wrong = client.post("/staff/login", data={"email": "lead@school.test", "password": "nope",
                                              "csrf_token": csrf(client)})
    assert wrong.status_code == 401 and "Wrong email or password" in wrong.get_data(as_text=True)
    staff_login(client)
    home = client.get("/staff/")
    assert home.status_code == 200 and "Hello, Ms Lead" in home.get_data(as_text=True)


def test_pages_redirect_to_login_and_cookies_are_safe(client):
    response = client.get("/staff/pupils")
    assert response.status_code == 302 and "/staff/login" in response.headers["Location"]
    staff_login(client)
    cookie = client.get_cookie("session")
    assert cookie.http_only and cookie.same_site == "Lax"


def test_import_pupils_from_csv_all_or_nothing(client, app):
    staff_login(client)
    good = "reference,given_name,family_name,year_group,group\nA1,Maya,Green,Year 9,Oak class\nA2,Jo,<b>Bold</b>,Year 10,Ash class\n"
    response = post(client, "/staff/pupils/import", {"file": (io.BytesIO(good.encode()), "p.csv")},
                    content_type="multipart/form-data", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "2 pupils added, 0 updated" in page and "&lt;b&gt;Bold&lt;/b&gt;" in page
    again = "reference,given_name,family_name\nA1,Maya,Greene\nA3,,Nameless\n"
    response = post(client, "/staff/pupils/import", {"file": (io.BytesIO(again.encode()), "p.csv")},
                    content_type="multipart/form-data", follow_redirects=True)
    assert "Row 3" in response.get_data(as_text=True)
    with app.app_context():
        maya = db_of(app).execute(select(Pupil).where(Pupil.reference == "A1")).scalar_one()
        assert maya.family_name == "Green"  # the bad file changed nothing


def test_profile_and_sharing_flags_are_saved(client, app):
    staff_login(client)
    sam = app.people[2]
    response = post(client, f"/staff/pupils/{sam}/profile", {
        "symbol_set": "openmoji", "cards_per_board": "9", "voice": "en-gb+f3", "speech_rate": "100",
        "selection": "single_tap", "scanning": "step", "scan_interval_ms": "1500", "text_size": "xx-large",
        "auto_speak": "1", "input_modes": ["touch", "switch"], "sharing_note": "Mum asked: not outside school"})
    assert response.status_code == 302
    with app.app_context():
        pupil = db_of(app).get(Pupil, sam)
        assert (pupil.profile.cards_per_board, pupil.profile.scanning, pupil.profile.speech_rate) == (9, "step", 100)
        assert pupil.profile.input_modes == ["touch", "switch"] and pupil.words_shareable is False
        assert pupil.sharing_note == "Mum asked: not outside school"
    bad = post(client, f"/staff/pupils/{sam}/profile", {"cards_per_board": "7"}, follow_redirects=True)
    assert "Cards per board must be one of" in bad.get_data(as_text=True)


def test_start_a_session_shows_a_one_time_code(client, app):
    staff_login(client, "ta@school.test")
    response = post(client, "/staff/sessions/new", {"pupil_id": str(app.people[2]), "conversation": "interests",
                                                     "adult_name": "Mr TA"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "#code=" in page
    code = page.split("#code=")[1][:8]
    claimed = client.post("/api/chat/claim", json={"code": code})
    assert claimed.status_code == 200
    assert client.post("/api/chat/claim", json={"code": code}).status_code == 404
    # An advocate cannot start one for a pupil outside their groups.
    other = post(client, "/staff/sessions/new", {"pupil_id": str(app.people[3]), "conversation": "interests"})
    assert other.status_code == 404


def test_the_start_form_keeps_what_was_chosen_on_an_error(client, app):
    from datetime import date

    from assistant.encounters import create_encounter

    staff_login(client)
    sam, leo = app.people[2], app.people[3]
    with app.app_context():
        visit_id = create_encounter(db_of(app), "workplace_visit", "Garden centre", date(2026, 11, 1),
                                    pupil_ids=[sam]).id
    response = post(client, "/staff/sessions/new", {"pupil_id": str(leo), "conversation": "debrief",
                                                     "encounter_id": "", "adult_name": "Mrs Jones"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "need one: choose it" in page
    assert f'<option value="{leo}" selected>' in page
    assert '<option value="debrief" selected>' in page and 'value="Mrs Jones"' in page
    refused = post(client, "/staff/sessions/new", {"pupil_id": str(leo), "conversation": "debrief",
                                                    "encounter_id": str(visit_id)})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "Leo Brown is not recorded as going to Garden centre" in page
    assert f'value="{visit_id}" data-pupils="{sam}" selected' in page
    interests = post(client, "/staff/sessions/new", {"pupil_id": str(sam), "conversation": "interests",
                                                      "encounter_id": str(visit_id)})
    assert interests.status_code == 400 and "leave the encounter empty" in interests.get_data(as_text=True)
    with app.app_context():
        assert db_of(app).query(ConversationSession).count() == 0  # nothing was started
    # The encounter page offers a debrief for each pupil who went, with the form filled in.
    encounter_page = client.get(f"/staff/encounters/{visit_id}").get_data(as_text=True)
    link = f"/staff/sessions/new?pupil_id={sam}&amp;conversation=debrief&amp;encounter_id={visit_id}"
    assert link in encounter_page and "Start a debrief with Sam" in encounter_page
    form = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert f'<option value="{sam}" selected>' in form and '<option value="debrief" selected>' in form
    started = post(client, "/staff/sessions/new", {"pupil_id": str(sam), "conversation": "debrief",
                                                    "encounter_id": str(visit_id)})
    assert started.status_code == 200 and "#code=" in started.get_data(as_text=True)


def _session_with_entries(app, tablet_client, fake_rasa, tablet):
    tablet_client.post("/api/chat/start", headers=tablet.headers)
    tablet_client.post("/api/chat/message", headers=tablet.headers, json={"text": "cooking"})
    tablet_client.post("/api/chat/stop", headers=tablet.headers)
    with app.app_context():
        return db_of(app).execute(select(Entry).where(Entry.session_id == tablet.session_id)).scalar_one().id


def test_review_confirm_correct_observe_discard(client, app, tablet, fake_rasa):
    entry_id = _session_with_entries(app, client, fake_rasa, tablet)
    staff_login(client)
    page = client.get(f"/staff/sessions/{tablet.session_id}").get_data(as_text=True)
    assert "cooking" in page and "The pupil&#39;s own answer" in page
    assert post(client, f"/staff/entries/{entry_id}/provenance", {"provenance": "interpreted"}).status_code == 302
    assert post(client, f"/staff/entries/{entry_id}/observe", {"text": "He smiled <3"}).status_code == 302
    assert post(client, f"/staff/entries/{entry_id}/confirm").status_code == 302
    empty = post(client, f"/staff/entries/{entry_id}/discard", {"reason": ""}, follow_redirects=True)
    assert "Please give a reason" in empty.get_data(as_text=True)
    assert post(client, f"/staff/entries/{entry_id}/discard", {"reason": "Said by mistake"}).status_code == 302
    with app.app_context():
        db = db_of(app)
        entry = db.get(Entry, entry_id)
        assert entry.words == "cooking"  # the pupil's words are never edited
        assert entry.provenance == "interpreted" and entry.status == "discarded"
        kinds = [a.kind for a in db.execute(select(Annotation).where(Annotation.entry_id == entry_id)
                                            .order_by(Annotation.id)).scalars()]
        assert kinds == ["provenance", "observation", "confirm", "discard"]
        first = db.execute(select(Annotation).where(Annotation.entry_id == entry_id)).scalars().first()
        assert (first.old_value, first.new_value) == ("independent", "interpreted")
    page = client.get(f"/staff/sessions/{tablet.session_id}").get_data(as_text=True)
    assert "He smiled &lt;3" in page and "Said by mistake" in page


def test_a_changed_answer_shows_both_on_the_pupil_page(client, app, tablet, fake_rasa):
    entry_id = _session_with_entries(app, client, fake_rasa, tablet)
    with app.app_context():
        db = db_of(app)
        first = db.get(Entry, entry_id)
        first.status = "confirmed"
        db.add(Entry(pupil_id=first.pupil_id, session_id=first.session_id, moment="interests",
                     step="recall", question="What do you think about cooking now?", answer_kind="rating",
                     concept_ids=["cooking"], rating="dont_like", input_mode="touch",
                     provenance="independent", status="confirmed"))
        db.commit()
    staff_login(client)
    page = client.get(f"/staff/pupils/{app.people[2]}").get_data(as_text=True)
    assert "Changed over time" in page and "likes it" in page and "does not like it" in page


def picture(kind: str, size=(40, 30), exif: bytes | None = None) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(out, format=kind, **({"exif": exif} if exif else {}))
    return out.getvalue()


def test_encounter_with_photo_and_benchmarks(client, app, tmp_path):
    staff_login(client)
    png = picture("PNG")
    response = post(client, "/staff/encounters/new", {
        "type": "careers_fair", "title": "Spring fair", "date": "2026-03-03", "place": "Town hall",
        "pupil_ids": [str(app.people[2])], "photo": (io.BytesIO(png), "hall.png"),
        "photo_consent": "The hall manager agreed"}, content_type="multipart/form-data")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Gatsby benchmarks: 2, 5, 7" in page and "The hall manager agreed" in page
    photo = client.get(response.headers["Location"] + "/photo")
    assert photo.status_code == 200 and photo.data.startswith(b"\\x89PNG".decode("unicode_escape").encode("latin-1"))
    photo.close()
    not_a_photo = post(client, "/staff/encounters/new", {
        "type": "careers_fair", "title": "X", "date": "2026-03-03",
        "photo": (io.BytesIO(b"<script>"), "x.png"), "photo_consent": "yes"},
        content_type="multipart/form-data", follow_redirects=True)
    assert "must be a JPEG or PNG" in not_a_photo.get_data(as_text=True)


def test_export_and_erase_leave_no_trace(client, app, tablet, fake_rasa, tmp_path):
    _session_with_entries(app, client, fake_rasa, tablet)
    with app.app_context():
        db = db_of(app)
        sender = db.get(ConversationSession, tablet.session_id).rasa_sender_id
    # A Rasa tracker store with this pupil's events and someone else's.
    import sqlite3

    tracker = Path(app.config["TRACKER_STORE_URL"].removeprefix("sqlite:///"))
    tracker.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(tracker) as con:
        con.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, data TEXT)")
        con.execute("INSERT INTO events (sender_id, data) VALUES (?, ?), ('someone-else', 'hi')",
                    (sender, '{"text": "cooking"}'))
    con.close()
    staff_login(client, "admin@school.test")
    sam = app.people[2]
    exported = client.get(f"/staff/pupils/{sam}/export")
    record = json.loads(exported.data)
    assert record["pupil"]["given_name"] == "Sam" and record["entries"][0]["words"] == "cooking"
    wrong = post(client, f"/staff/pupils/{sam}/erase", {"confirm": "Sam"}, follow_redirects=True)
    assert "Type the pupil&#39;s full name" in wrong.get_data(as_text=True)
    assert post(client, f"/staff/pupils/{sam}/erase", {"confirm": "sam taylor"}).status_code == 302
    with app.app_context():
        db = db_of(app)
        assert db.get(Pupil, sam) is None
        for table in Base.metadata.sorted_tables:
            rows = db.execute(table.select()).all()
            text = repr(rows)
            assert "Taylor" not in text and "cooking" not in text, table.name
            if "pupil_id" in table.c:
                assert all(row.pupil_id != sam for row in rows), table.name
        erased = db.execute(select(AuditEvent).where(AuditEvent.action == "erase")).scalar_one()
        assert erased.pupil_id is None and "1 entries" in erased.detail
    with sqlite3.connect(tracker) as con:
        assert con.execute("SELECT sender_id FROM events").fetchall() == [("someone-else",)]
    con.close()
