"""POST /api/chat/listen: a WAV in, a proposal out (real engines on an espeak-ng answer)."""

from __future__ import annotations

import subprocess

import pytest

from tests.assistant.speech.test_audio import tone


@pytest.fixture(scope="module")
def spoken(tmp_path_factory):
    folder = tmp_path_factory.mktemp("spoken")
    raw, wav = folder / "raw.wav", folder / "answer.wav"
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "140", "-w", str(raw), "I like cooking"], check=True)
    subprocess.run(
        ["sox", str(raw), "-r", "16000", "-c", "1", "-b", "16", str(wav), "pad", "0.4", "0.4", "dither"], check=True
    )
    return wav.read_bytes()


def listen(client, tablet, data, cards="cooking,animals,football,dont_know"):
    return client.post(
        f"/api/chat/listen?cards={cards}", data=data, headers={**tablet.headers, "Content-Type": "audio/wav"}
    )


@pytest.mark.slow
def test_a_spoken_answer_proposes_its_card(client, tablet, spoken):
    response = listen(client, tablet, spoken)
    assert response.status_code == 200, response.json
    assert response.json["proposal"]["card"] == "cooking"
    assert response.json["proposal"]["engine"] in ("whisper", "grammar")  # Sam has no My voice templates
    assert 0 <= response.json["proposal"]["confidence"] <= 1
    assert response.json["prompt"] == "Did you say cooking?"


@pytest.mark.slow
def test_no_answer_heard_is_no_guess(client, tablet):
    response = listen(client, tablet, tone(1.5))
    assert response.status_code == 200
    assert response.json == {"proposal": None, "prompt": "Tell me again, or touch the picture."}


@pytest.mark.parametrize(
    "data, cards, status, words",
    [
        (b"not audio at all" * 20, "cooking,animals", 400, "not a sound recording"),
        (b"", "cooking,animals", 400, "empty"),
        (b"RIFF", "", 400, "which cards"),
        (b"RIFF", "cooking,cooking", 400, "which cards"),
        (b"RIFF", "cooking,Robert');DROP", 400, "Unknown card"),
        (b"RIFF", "not_a_card", 400, "Unknown card"),
    ],
)
def test_bad_uploads(client, tablet, data, cards, status, words):
    response = listen(client, tablet, data, cards)
    assert response.status_code == status
    assert words in response.json["error"]


def test_too_big_and_no_token(client, tablet):
    assert listen(client, tablet, b"\x00" * (8 * 1024 * 1024)).status_code == 413
    response = client.post("/api/chat/listen?cards=yes,no", data=tone(0.5))
    assert response.status_code == 404


def test_every_malformed_recording_gets_400_and_the_service_stays_up(client, tablet):
    from tests.assistant.speech.bad_audio import FOLDER

    files = sorted(FOLDER.iterdir())
    assert len(files) >= 40
    for path in files:
        response = listen(client, tablet, path.read_bytes())
        assert response.status_code == 400, path.name
        assert response.json["error"], path.name
    assert listen(client, tablet, tone(1.0)).status_code == 200
