from __future__ import annotations

import io
import wave

import pytest

from assistant.record.models import CommunicationProfile, Pupil
from assistant.speech.synthesis import Synthesiser, wav_seconds
from assistant.web.speech import EXTENSION, synthesiser
from tests.assistant.speech.test_synthesis import fake_worker

PROMPT = "What did you like at the garden centre?"


@pytest.fixture(autouse=True)
def speech_cache(app, tmp_path):
    """The cache goes under the test's own instance folder; the worker is closed afterwards."""
    app.config["INSTANCE_PATH"] = str(tmp_path / "instance")
    yield tmp_path / "instance" / "speech_cache"
    found = app.extensions.pop(EXTENSION, None)
    if found is not None:
        found.close()


def settled(app) -> Synthesiser:
    """The app's synthesiser once the session's opening speech (made in advance) is done."""
    speech = synthesiser(app)
    if speech._executor is not None:
        speech._executor.shutdown(wait=True)
        speech._executor = None
    return speech


def _set_profile(app, voice: str, rate: int) -> None:
    with app.app_context():
        from assistant.web.store import get_db

        db = get_db()
        pupil = db.get(Pupil, app.people[2])
        if pupil.profile is None:
            pupil.profile = CommunicationProfile()
        pupil.profile.voice, pupil.profile.speech_rate = voice, rate
        db.commit()


def test_the_tablet_gets_a_wav_in_the_pupils_voice_and_rate(client, app, tablet, speech_cache):
    _set_profile(app, "en-gb+f3", 90)
    calls_before = settled(app).worker_calls
    response = client.post(
        "/api/chat/speech", json={"text": PROMPT, "voice": "en-us", "rate": 220}, headers=tablet.headers
    )
    assert response.status_code == 200, response.data[:200]
    assert response.mimetype == "audio/wav"
    with wave.open(io.BytesIO(response.data), "rb") as wav:
        assert (wav.getframerate(), wav.getnchannels(), wav.getsampwidth()) == (22050, 1, 2)
    assert wav_seconds(response.data) > 3  # 8 words at 90 wpm
    speech = synthesiser(app)
    assert speech.cached_path(PROMPT, "en-gb+f3", 90).read_bytes() == response.data  # not the tablet's
    assert speech.cached_path(PROMPT, "en-gb+f3", 90).is_relative_to(speech_cache)
    again = client.post("/api/chat/speech", json={"text": PROMPT}, headers=tablet.headers)
    assert again.data == response.data and speech.worker_calls == calls_before + 1


def test_the_default_profile_speaks_at_140(client, app, tablet):
    response = client.post("/api/chat/speech", json={"text": PROMPT}, headers=tablet.headers)
    assert response.status_code == 200
    assert synthesiser(app).cached_path(PROMPT, "en-gb", 140).exists()


@pytest.mark.parametrize(
    "body, message",
    [
        ({"text": ""}, "no text"),
        ({"text": "   "}, "no text"),
        ({"text": "x" * 501}, "longer than 500"),
        ({"text": 5}, "must be a string"),
        ({}, "must be a string"),
        (["text"], "JSON object"),
    ],
)
def test_bad_text_is_a_400(client, app, tablet, body, message):
    calls_before = settled(app).worker_calls
    response = client.post("/api/chat/speech", json=body, headers=tablet.headers)
    assert response.status_code == 400 and message in response.json["error"]
    assert synthesiser(app).worker_calls == calls_before


def test_an_unknown_token_is_a_404(client, fake_rasa):
    for headers in ({"Authorization": "Bearer nope"}, {}):
        response = client.post("/api/chat/speech", json={"text": PROMPT}, headers=headers)
        assert response.status_code == 404 and response.json["error"]


def test_a_hanging_synthesis_is_a_503_and_the_next_one_works(client, app, tablet, tmp_path):
    app.extensions[EXTENSION] = Synthesiser(tmp_path / "fake", timeout=1.0, target=fake_worker)
    response = client.post("/api/chat/speech", json={"text": "please sleep forever"}, headers=tablet.headers)
    assert response.status_code == 503 and "too long" in response.json["error"]
    response = client.post("/api/chat/speech", json={"text": PROMPT}, headers=tablet.headers)
    assert response.status_code == 200 and response.mimetype == "audio/wav"


def test_one_synthesiser_per_app(app):
    with app.app_context():
        assert synthesiser() is synthesiser() is app.extensions[EXTENSION]


def test_starting_a_session_prepares_its_opening_speech(app, client, fake_rasa):
    from tests.assistant.web.conftest import login

    login(client)
    created = client.post("/api/sessions", json={"pupil_id": app.people[2], "conversation": "interests"})
    assert created.status_code == 201
    token = client.post("/api/chat/claim", json={"code": created.json["code"]}).json["tablet_token"]
    headers = {"Authorization": "Bearer " + token}
    opening = client.post("/api/chat/start", headers=headers).json["messages"]
    text = " ".join(m["text"] for m in opening)
    assert settled(app).cached_path(text, "en-gb", 140).exists()
