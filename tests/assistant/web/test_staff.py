"""The staff area: login, pupils, profiles, sessions, review and confirm, encounters, erasure."""

from __future__ import annotations

import io
import json
from pathlib import Path

from sqlalchemy import select

from assistant.record.models import Annotation, AuditEvent, Base, ConversationSession, Entry, Pupil
from tests.assistant.web.staff_client import csrf, post, staff_login


def db_of(app):
    from assistant.web.store import get_db

    return get_db()


def test_login_needs_the_csrf_token_and_the_right_password(client):
    assert (
        client.post("/staff/login", data={"email": "lead@school.test", "password": "correct horse battery"}).status_code
        == 400
    )
    wrong = client.post(
        "/staff/login", data={"email": "lead@school.test", "password": "nope", "csrf_token": csrf(client)}
    )
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
    response = post(
        client,
        "/staff/pupils/import",
        {"file": (io.BytesIO(good.encode()), "p.csv")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "2 pupils added, 0 updated" in page and "&lt;b&gt;Bold&lt;/b&gt;" in page
    again = "reference,given_name,family_name\nA1,Maya,Greene\nA3,,Nameless\n"
    response = post(
        client,
        "/staff/pupils/import",
        {"file": (io.BytesIO(again.encode()), "p.csv")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "Row 3" in response.get_data(as_text=True)
    with app.app_context():
        maya = db_of(app).execute(select(Pupil).where(Pupil.reference == "A1")).scalar_one()
        assert maya.family_name == "Green"  # the bad file changed nothing


def test_profile_and_sharing_flags_are_saved(client, app):
    staff_login(client)
    sam = app.people[2]
    response = post(
        client,
        f"/staff/pupils/{sam}/profile",
        {
            "symbol_set": "openmoji",
            "cards_per_board": "9",
            "voice": "en-gb+f3",
            "speech_rate": "100",
            "selection": "single_tap",
            "scanning": "step",
            "scan_interval_ms": "1500",
            "text_size": "xx-large",
            "help_after_seconds": "45",
            "auto_speak": "1",
            "input_modes": ["touch", "switch"],
            "sharing_note": "Mum asked: not outside school",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        pupil = db_of(app).get(Pupil, sam)
        assert (pupil.profile.cards_per_board, pupil.profile.scanning, pupil.profile.speech_rate) == (9, "step", 100)
        assert pupil.profile.input_modes == ["touch", "switch"] and pupil.words_shareable is False
        assert pupil.sharing_note == "Mum asked: not outside school"
        assert pupil.profile.help_after_seconds == 45
    bad = post(client, f"/staff/pupils/{sam}/profile", {"cards_per_board": "7"}, follow_redirects=True)
    assert "Cards per board must be one of" in bad.get_data(as_text=True)
    for wait in ("2", "9999", "soon"):
        bad = post(client, f"/staff/pupils/{sam}/profile", {"help_after_seconds": wait}, follow_redirects=True)
        assert "Help after seconds must be" in bad.get_data(as_text=True)
    with app.app_context():
        assert db_of(app).get(Pupil, sam).profile.help_after_seconds == 45


def test_start_a_session_shows_a_one_time_code(client, app):
    staff_login(client, "ta@school.test")
    response = post(
        client,
        "/staff/sessions/new",
        {"pupil_id": str(app.people[2]), "conversation": "interests", "adult_name": "Mr TA"},
    )
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

    from assistant.services.encounters import create_encounter

    staff_login(client)
    sam, leo = app.people[2], app.people[3]
    with app.app_context():
        visit_id = create_encounter(
            db_of(app), "workplace_visit", "Garden centre", date(2026, 11, 1), pupil_ids=[sam]
        ).id
    response = post(
        client,
        "/staff/sessions/new",
        {"pupil_id": str(leo), "conversation": "debrief", "encounter_id": "", "adult_name": "Mrs Jones"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "need one: choose it" in page
    assert f'<option value="{leo}" selected>' in page
    assert '<option value="debrief" selected>' in page and 'value="Mrs Jones"' in page
    refused = post(
        client, "/staff/sessions/new", {"pupil_id": str(leo), "conversation": "debrief", "encounter_id": str(visit_id)}
    )
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "Leo Brown is not recorded as going to Garden centre" in page
    assert f'value="{visit_id}" data-pupils="{sam}" selected' in page
    interests = post(
        client,
        "/staff/sessions/new",
        {"pupil_id": str(sam), "conversation": "interests", "encounter_id": str(visit_id)},
    )
    assert interests.status_code == 400 and "leave the encounter empty" in interests.get_data(as_text=True)
    with app.app_context():
        assert db_of(app).query(ConversationSession).count() == 0  # nothing was started
    # The encounter page offers a debrief for each pupil who went, with the form filled in.
    encounter_page = client.get(f"/staff/encounters/{visit_id}").get_data(as_text=True)
    link = f"/staff/sessions/new?pupil_id={sam}&amp;conversation=debrief&amp;encounter_id={visit_id}"
    assert link in encounter_page and "Start a debrief with Sam" in encounter_page
    form = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert f'<option value="{sam}" selected>' in form and '<option value="debrief" selected>' in form
    started = post(
        client, "/staff/sessions/new", {"pupil_id": str(sam), "conversation": "debrief", "encounter_id": str(visit_id)}
    )
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
        kinds = [
            a.kind
            for a in db.execute(
                select(Annotation).where(Annotation.entry_id == entry_id).order_by(Annotation.id)
            ).scalars()
        ]
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
        db.add(
            Entry(
                pupil_id=first.pupil_id,
                session_id=first.session_id,
                moment="interests",
                step="recall",
                question="What do you think about cooking now?",
                answer_kind="rating",
                concept_ids=["cooking"],
                rating="dont_like",
                input_mode="touch",
                provenance="independent",
                status="confirmed",
            )
        )
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
    response = post(
        client,
        "/staff/encounters/new",
        {
            "type": "careers_fair",
            "title": "Spring fair",
            "date": "2026-03-03",
            "place": "Town hall",
            "pupil_ids": [str(app.people[2])],
            "photo": (io.BytesIO(png), "hall.png"),
            "photo_consent": "The hall manager agreed",
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Gatsby benchmarks: 2, 5, 7" in page and "The hall manager agreed" in page
    photo = client.get(response.headers["Location"] + "/photo")
    assert photo.status_code == 200 and photo.data.startswith(b"\\x89PNG".decode("unicode_escape").encode("latin-1"))
    photo.close()
    not_a_photo = post(
        client,
        "/staff/encounters/new",
        {
            "type": "careers_fair",
            "title": "X",
            "date": "2026-03-03",
            "photo": (io.BytesIO(b"<script>"), "x.png"),
            "photo_consent": "yes",
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    )
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
        con.execute(
            "INSERT INTO events (sender_id, data) VALUES (?, ?), ('someone-else', 'hi')",
            (sender, '{"text": "cooking"}'),
        )
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


def test_the_safeguarding_lead_is_alerted_and_marks_concerns_seen(client, app, fake_rasa, tablet):
    """A disclosure on the tablet reaches the safeguarding lead's home page as an alert, and
    nobody else's; marking it seen is audited and ends the alert."""
    from assistant.record.models import AuditEvent, Concern

    client.post("/api/chat/start", headers=tablet.headers)
    client.post("/api/chat/message", headers=tablet.headers, json={"text": "my dad hits me"})
    staff_login(client, "lead@school.test")
    assert "safeguarding" not in client.get("/staff/").get_data(as_text=True)
    assert client.get("/staff/concerns/").status_code == 403
    client.post("/staff/logout")
    staff_login(client, "dsl@school.test")
    home = client.get("/staff/").get_data(as_text=True)
    assert "1 new safeguarding" in home and "/staff/concerns/" in home
    page = client.get("/staff/concerns/").get_data(as_text=True)
    assert "my dad hits me" in page and "Mark as seen" in page
    with app.app_context():
        concern_id = db_of(app).execute(select(Concern.id)).scalar_one()
    assert post(client, f"/staff/concerns/{concern_id}/seen", {}).status_code == 302
    assert "new safeguarding" not in client.get("/staff/").get_data(as_text=True)
    assert post(client, "/staff/concerns/999999/seen", {}).status_code == 404
    with app.app_context():
        details = db_of(app).execute(select(AuditEvent.detail)).scalars().all()
        assert "safeguarding concern seen" in details


def test_a_concern_is_in_no_document_and_on_no_advocate_screen(client, app, fake_rasa, tablet):
    """The words of a possible disclosure appear on the safeguarding lead's page only: not in
    the review, the pupil page, the summary (page, PDF, Word) or the pupil's own profile."""
    import subprocess
    import zipfile

    client.post("/api/chat/start", headers=tablet.headers)
    client.post("/api/chat/message", headers=tablet.headers, json={"text": "cooking"})
    client.post("/api/chat/message", headers=tablet.headers, json={"text": "they touch me at home"})
    client.post("/api/chat/stop", headers=tablet.headers)
    sam = app.people[2]
    for login in ("ta@school.test", "lead@school.test"):
        staff_login(client, login)
        pages = [
            f"/staff/pupils/{sam}",
            f"/staff/pupils/{sam}/summary",
            f"/staff/pupils/{sam}/my-profile",
            f"/staff/sessions/{tablet.session_id}",
            "/staff/",
        ]
        for path in pages:
            response = client.get(path)
            assert response.status_code == 200, path
            assert "touch me" not in response.get_data(as_text=True), path
        docx = client.get(f"/staff/pupils/{sam}/summary?format=docx").data
        with zipfile.ZipFile(io.BytesIO(docx)) as document:
            assert "touch me" not in document.read("word/document.xml").decode()
        pdf = client.get(f"/staff/pupils/{sam}/summary?format=pdf").data
        text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout
        assert b"touch me" not in text and b"Sam" in text
        client.post("/staff/logout")
    staff_login(client, "dsl@school.test")
    assert "they touch me at home" in client.get("/staff/concerns/").get_data(as_text=True)


def _answers(app, session_id, pupil_id, n=3):
    """n draft answers in a session: all checked back by choosing but the last."""
    from datetime import datetime, timedelta

    with app.app_context():
        db = db_of(app)
        ids = []
        for i in range(n):
            entry = Entry(
                pupil_id=pupil_id,
                session_id=session_id,
                moment="interests",
                step="likes",
                question="What do you like doing?",
                answer_kind="concept",
                concept_ids=[("cooking", "animals", "music", "art")[i % 4]],
                stance="like",
                rating="like",
                words=f"word {i}",
                input_mode="typed",
                provenance="independent",
                status="draft",
                checked_back=i < n - 1,
                response_ms=400 + 2000 * i,
                card_position=0,
                created_at=datetime(2026, 12, 1, 9) + timedelta(minutes=i),
            )
            db.add(entry)
            db.flush()
            ids.append(entry.id)
        db.commit()
        return ids


def test_confirm_every_checked_back_answer_in_one_action_and_undo_it(client, app, tablet):
    ids = _answers(app, tablet.session_id, app.people[2])
    staff_login(client)
    page = client.get(f"/staff/sessions/{tablet.session_id}").get_data(as_text=True)
    assert "Confirm the 2 answers Sam checked back" in page and "Needs review (3)" in page
    response = post(client, f"/staff/sessions/{tablet.session_id}/confirm-checked", {"state": "draft"})
    assert response.status_code == 302 and response.headers["Location"].endswith("state=draft#bulk")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Confirmed 2 answers the pupil checked back." in page and 'id="undo-confirm"' in page
    assert "word 2" in page and "word 0" not in page  # the filter shows what still needs review
    with app.app_context():
        statuses = [db_of(app).get(Entry, i).status for i in ids]
    assert statuses == ["confirmed", "confirmed", "draft"]  # never one the pupil did not check back
    # Undo: the two go back to review, and the record says so.
    undone = post(client, f"/staff/sessions/{tablet.session_id}/undo-confirm", follow_redirects=True)
    assert "Undone: 2 answers back to review." in undone.get_data(as_text=True)
    with app.app_context():
        db = db_of(app)
        assert [db.get(Entry, i).status for i in ids] == ["draft"] * 3
        kinds = [
            a.kind
            for a in db.execute(
                select(Annotation).where(Annotation.entry_id == ids[0]).order_by(Annotation.id)
            ).scalars()
        ]
        assert kinds == ["confirm", "undo"]
    again = post(client, f"/staff/sessions/{tablet.session_id}/undo-confirm", follow_redirects=True)
    assert "There is no confirmation to undo." in again.get_data(as_text=True)
    # An answer confirmed on its own after a confirm-all is not undone with it.
    post(client, f"/staff/sessions/{tablet.session_id}/confirm-checked")
    post(client, f"/staff/entries/{ids[0]}/discard", {"reason": "Tapped by mistake"})
    post(client, f"/staff/sessions/{tablet.session_id}/undo-confirm")
    with app.app_context():
        assert [db_of(app).get(Entry, i).status for i in ids] == ["discarded", "draft", "draft"]


def test_another_pupils_session_cannot_be_confirmed_in_bulk(client, app, tablet):
    _answers(app, tablet.session_id, app.people[2])
    staff_login(client, "ta@school.test")  # Sam is in the advocate's group: allowed
    assert post(client, f"/staff/sessions/{tablet.session_id}/confirm-checked").status_code == 302
    with app.app_context():
        from assistant.services.accounts import authenticate
        from assistant.services.sessions import start_session

        lead = authenticate(db_of(app), "lead@school.test", "correct horse battery")
        leos, _ = start_session(db_of(app), lead, app.people[3], "interests")
        leo_ids = _answers(app, leos.id, app.people[3])
    assert post(client, f"/staff/sessions/{leos.id}/confirm-checked").status_code == 404
    with app.app_context():
        assert {db_of(app).get(Entry, i).status for i in leo_ids} == {"draft"}


def test_saved_shows_beside_the_answer_and_how_it_was_given(client, app, tablet):
    ids = _answers(app, tablet.session_id, app.people[2], n=4)
    staff_login(client)
    page = client.get(f"/staff/sessions/{tablet.session_id}").get_data(as_text=True)
    assert (
        "How it was given: answered in 0.4 seconds; very quick: it may have been a tap by chance; "
        "chose the first card on the board; the pupil checked it back by choosing." in page
    )
    assert "answered in 6.4 seconds; chose the first card on the board." in page
    response = post(client, f"/staff/entries/{ids[2]}/confirm", {"state": "draft"})
    location = response.headers["Location"]
    assert location.endswith(f"#entry-{ids[2]}") and f"saved={ids[2]}" in location and "state=draft" in location
    page = client.get(location).get_data(as_text=True)
    assert page.count(">Saved.</p>") == 1
    saved_at = page.index('role="status">Saved.</p>')
    assert page.index(f'id="entry-{ids[2]}"') < saved_at  # inside the answer just confirmed,
    assert f'id="entry-{ids[3]}"' not in page[:saved_at]  # before the next one
    assert "word 2" in page  # kept in view though the filter shows only what needs review
    assert client.get(f"/staff/sessions/{tablet.session_id}?state=draft").get_data(as_text=True).count("word 2") == 0


def test_card_position_flags_show_on_the_review_page(client, app, tablet):
    from datetime import datetime, timedelta

    with app.app_context():
        db = db_of(app)
        for i in range(5):
            db.add(
                Entry(
                    pupil_id=app.people[2],
                    session_id=tablet.session_id,
                    moment="interests",
                    step="likes",
                    question="What do you like doing?",
                    answer_kind="concept",
                    concept_ids=["cooking"],
                    stance="like",
                    rating="like",
                    input_mode="touch",
                    provenance="independent",
                    status="draft",
                    card_position=0,
                    created_at=datetime(2026, 12, 1, 9) + timedelta(minutes=i),
                )
            )
        db.commit()
    staff_login(client)
    page = client.get(f"/staff/sessions/{tablet.session_id}").get_data(as_text=True)
    assert "5 of 5 cards were chosen at the same place on the board (place 1)" in page


def test_home_is_filtered_by_need_today_and_pupil(client, app, tablet):
    from datetime import datetime

    _answers(app, tablet.session_id, app.people[2])
    with app.app_context():
        db = db_of(app)
        old = ConversationSession(
            pupil_id=app.people[2], conversation="aspirations", status="finished", created_at=datetime(2025, 1, 5, 9)
        )
        done = ConversationSession(pupil_id=app.people[3], conversation="interests", status="finished")
        db.add_all([old, done])
        db.commit()
    staff_login(client)
    page = client.get("/staff/").get_data(as_text=True)
    assert page.count("3 to review") == 1 and "When I leave school" not in page  # only what needs review
    assert 'value="review" checked' in page
    everything = client.get("/staff/?show=all").get_data(as_text=True)
    assert "When I leave school" in everything and "Leo Brown" in everything
    today = client.get("/staff/?show=today").get_data(as_text=True)
    assert "05 Jan 2025" not in today and "Leo Brown" in today
    only_leo = client.get(f"/staff/?show=all&pupil={app.people[3]}").get_data(as_text=True)
    assert "Sam Taylor</th>" not in only_leo and "Leo Brown</th>" in only_leo
    assert client.get("/staff/?show=nonsense").status_code == 200  # back to the default
    assert client.get("/staff/?pupil=abc").status_code == 404
    # An advocate sees only their groups' pupils, whatever they ask for.
    client.post("/staff/logout", data={"csrf_token": csrf(client, "/staff/")})
    staff_login(client, "ta@school.test")
    theirs = client.get(f"/staff/?show=all&pupil={app.people[3]}").get_data(as_text=True)
    assert "Leo Brown</th>" not in theirs


def test_review_observations_show_on_the_pupil_page_as_the_adults(client, app, tablet):
    ids = _answers(app, tablet.session_id, app.people[2], n=1)
    staff_login(client)
    post(client, f"/staff/entries/{ids[0]}/observe", {"text": "Sam said 'dunno' but pointed <b>"})
    page = client.get(f"/staff/pupils/{app.people[2]}").get_data(as_text=True)
    adults = page.index("What adults noticed")
    assert page.index("Sam said &#39;dunno&#39; but pointed &lt;b&gt;") > adults
    assert "Observation by the adult, written at review" in page and "Ms Lead" in page[adults:]


def test_voice_is_chosen_from_the_installed_voices(client, app, tmp_path):
    from assistant.speech.synthesis import installed_voices

    data = tmp_path / "espeak-ng-data"
    (data / "lang" / "gmw").mkdir(parents=True)
    (data / "voices" / "!v").mkdir(parents=True)
    for name in ("en", "en-US"):
        (data / "lang" / "gmw" / name).write_text("")
    (data / "voices" / "!v" / "f3").write_text("")
    assert installed_voices([data]) == [
        ("en-gb", "English (England)"),
        ("en-gb+f3", "English (England), higher"),
        ("en-us", "English (America)"),
        ("en-us+f3", "English (America), higher"),
    ]
    assert installed_voices([data], current="en-gb+m7")[0] == ("en-gb+m7", "en-gb+m7 (as set before)")
    assert installed_voices([tmp_path / "none"]) == [("en-gb", "English (England)")]
    staff_login(client)
    page = client.get(f"/staff/pupils/{app.people[2]}/profile").get_data(as_text=True)
    assert '<select id="voice" name="voice">' in page and '<option value="en-gb" selected>' in page
    assert 'type="range" min="80" max="220"' in page and 'id="hear-voice"' in page
    assert client.get("/staff/voice-sample?voice=klingon").status_code == 404


def test_hear_it_plays_an_installed_voice(client, app):
    from assistant.speech.synthesis import installed_voices

    staff_login(client)
    voice = installed_voices()[-1][0]  # "en-029+m3" on this computer: the + must be encoded, as the page does
    with client.get(
        "/staff/voice-sample", query_string={"voice": voice, "rate": "9999"}
    ) as sample:  # the rate is clamped
        assert sample.status_code == 200 and sample.mimetype == "audio/wav" and sample.data[:4] == b"RIFF"


def test_an_empty_group_explains_what_to_do(client, app):
    from assistant.services.pupils import create_group

    with app.app_context():
        create_group(db_of(app), "Empty class", [])
    staff_login(client)
    page = client.get("/staff/gatsby?group=Empty+class").get_data(as_text=True)
    assert "No pupils in group Empty class. There is nothing to count yet." in page and "Pupils page" in page
    assert "<option selected>Empty class</option>" in page  # the filter, to choose another
    assert "Everyone has had one." not in page and "<svg" not in page
    full = client.get("/staff/gatsby").get_data(as_text=True)
    assert "<svg" in full and "No pupils" not in full
