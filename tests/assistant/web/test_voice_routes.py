""" "My voice" through the app: the enrolment page and its routes (consent, clips checked in
the listening sandbox, removal), and an enrolled pupil's answers through the real
/api/chat/listen, confirmed with a tap and learnt."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from assistant.record.models import VoiceTemplate
from tests.assistant.speech.voices import say
from tests.assistant.web.staff_client import csrf, post, staff_login

# A pupil-like speaker's own way of saying the cards of Sam's first board and yes/no.
SAYS = {"cooking": "too tin", "animals": "aminals", "football": "foo bo", "music": "music", "yes": "yes", "no": "no"}


@pytest.fixture(scope="module")
def recordings():
    return {card: [say(word, seed=s) for s in range(5)] for card, word in SAYS.items()}


def _count(app, pupil_id, card=None):
    with app.app_context():
        from assistant.web.store import get_db

        query = select(func.count()).select_from(VoiceTemplate).where(VoiceTemplate.pupil_id == pupil_id)
        if card:
            query = query.where(VoiceTemplate.card_id == card)
        return get_db().execute(query).scalar_one()


def _clip(client, pupil_id, card, data, token):
    return client.post(
        f"/staff/pupils/{pupil_id}/voice/cards/{card}/clips",
        data=data,
        headers={"Content-Type": "audio/wav", "X-CSRFToken": token},
    )


def test_the_page_asks_for_consent_first_and_links_from_the_pupil(app, client):
    sam = app.people[2]
    staff_login(client)
    assert f"/staff/pupils/{sam}/voice" in client.get(f"/staff/pupils/{sam}").get_data(as_text=True)
    page = client.get(f"/staff/pupils/{sam}/voice").get_data(as_text=True)
    assert "Who gave consent" in page and 'id="recorder"' not in page
    token = csrf(client, f"/staff/pupils/{sam}/voice")
    assert _clip(client, sam, "cooking", say("too tin"), token).status_code == 409
    response = post(client, f"/staff/pupils/{sam}/voice/consent", {"given_by": ""})
    assert response.status_code == 302
    assert "Who gave consent" in client.get(f"/staff/pupils/{sam}/voice").get_data(as_text=True)
    post(client, f"/staff/pupils/{sam}/voice/consent", {"given_by": "Sam and Mr Taylor"})
    page = client.get(f"/staff/pupils/{sam}/voice").get_data(as_text=True)
    assert 'id="recorder"' in page and "Consent given by Sam and Mr Taylor" in page
    assert 'data-card="cooking"' in page and 'data-card="dont_know"' in page


def test_a_clip_without_the_csrf_token_is_refused(app, client):
    sam = app.people[2]
    staff_login(client)
    post(client, f"/staff/pupils/{sam}/voice/consent", {"given_by": "Sam"})
    response = client.post(
        f"/staff/pupils/{sam}/voice/cards/cooking/clips", data=say("too tin"), headers={"Content-Type": "audio/wav"}
    )
    assert response.status_code == 400
    assert _count(app, sam) == 0


@pytest.mark.slow
def test_enrolment_clips_are_checked_in_the_sandbox(app, client, recordings):
    sam = app.people[2]
    staff_login(client)
    post(client, f"/staff/pupils/{sam}/voice/consent", {"given_by": "Sam"})
    token = csrf(client, f"/staff/pupils/{sam}/voice")
    for index, data in enumerate(recordings["cooking"][:3]):
        response = _clip(client, sam, "cooking", data, token)
        assert response.status_code == 200, response.json
        assert response.json == {
            "card": "cooking",
            "enrolment": index + 1,
            "confirmed": 0,
            "total": index + 1,
            "needed": 3,
        }
    bad = _clip(client, sam, "cooking", b"not audio" * 50, token)
    assert bad.status_code == 400 and "not a sound recording" in bad.json["error"]
    other = _clip(client, sam, "cooking", say("elephant sandwich", seed=3), token)
    assert other.status_code == 422 and "did not sound like" in other.json["error"]
    assert _clip(client, sam, "Robert');DROP", recordings["yes"][0], token).status_code in (400, 404)
    assert _clip(client, sam, "cooking", b"\x00" * (3 * 1024 * 1024), token).status_code == 413
    assert _count(app, sam) == 3
    page = client.get(f"/staff/pupils/{sam}/voice").get_data(as_text=True)
    assert "3 recordings" in page and "Recorded with an adult" in page
    with app.app_context():
        from assistant.web.store import get_db

        first = get_db().execute(select(VoiceTemplate.id)).scalars().first()
    response = post(client, f"/staff/pupils/{sam}/voice/recordings/{first}/remove")
    assert response.status_code == 302 and _count(app, sam) == 2
    leo = app.people[3]
    staff_login(client, "ta@school.test")  # the advocate does not work with Leo
    assert client.get(f"/staff/pupils/{leo}/voice").status_code == 404


@pytest.mark.slow
def test_an_enrolled_pupil_is_heard_through_listen_and_taps_teach(app, client, tablet, recordings):
    from assistant.services import my_voice
    from assistant.speech import enrolment_clip
    from assistant.web.store import get_db
    from symbols.catalogue import load_catalogue

    sam = app.people[2]
    with app.app_context():
        db = get_db()
        from assistant.record.models import Staff

        lead = db.execute(select(Staff).where(Staff.email == "lead@school.test")).scalar_one()
        my_voice.record_consent(db, lead, sam, "Sam and Mr Taylor")
        for card, clips in recordings.items():
            for data in clips[:3]:
                my_voice.enrol_clip(db, lead, sam, card, data, load_catalogue(), check=enrolment_clip)
    cards = "cooking,animals,football,music,dont_know"
    right = wrong = 0
    for card in ("cooking", "animals", "football", "music"):
        for data in recordings[card][3:]:
            response = client.post(
                f"/api/chat/listen?cards={cards}", data=data, headers={**tablet.headers, "Content-Type": "audio/wav"}
            )
            assert response.status_code == 200, response.json
            proposal = response.json["proposal"]
            right += proposal is not None and proposal["card"] == card
            wrong += proposal is not None and proposal["card"] != card
    assert right >= 7 and wrong == 0  # of 8: "too tin", "aminals" and "foo bo" included
    client.post("/api/chat/start", headers=tablet.headers)
    response = client.post(
        f"/api/chat/listen?cards={cards}",
        data=recordings["cooking"][4],
        headers={**tablet.headers, "Content-Type": "audio/wav"},
    )
    assert response.json["proposal"]["card"] == "cooking"
    assert response.json["proposal"]["engine"] == "voice"
    before = _count(app, sam, "cooking")
    answered = client.post(
        "/api/chat/message",
        headers=tablet.headers,
        json={"card": "cooking", "input_mode": "speech", "speech_confidence": response.json["proposal"]["confidence"]},
    )
    assert answered.status_code == 200, answered.json
    assert _count(app, sam, "cooking") == before + 1  # the tapped answer is now a template
    answered = client.post(
        "/api/chat/message", headers=tablet.headers, json={"card": "cooking", "input_mode": "speech"}
    )
    assert _count(app, sam, "cooking") == before + 1  # learnt once, not again
