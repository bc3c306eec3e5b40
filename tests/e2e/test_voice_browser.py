""" "My voice" enrolment in a real browser, by touch: the adult records consent, then the
pupil holds the big button and says the card three times. Chromium's fake microphone plays
a pupil-like espeak-ng "too tin" (their way of saying cooking); each recording goes to the
web app (served on loopback; enrolment needs no conversation engine), is checked in the
listening sandbox and kept as features. axe-core on the page; screenshots at 1280x800,
800x1280 and a phone (artifacts/screenshots/voice-*.png)."""

from __future__ import annotations

import socket
import subprocess
import tempfile
import threading

import pytest
from playwright.sync_api import expect, sync_playwright
from sqlalchemy import select

from assistant.record.models import VoiceProfile, VoiceTemplate
from tests.e2e.browser import close_page
from tests.e2e.test_tablet_browser import CHROMIUM_FLAGS, PHONE, PORTRAIT, TABLET, check_accessibility, shot

pytestmark = [pytest.mark.slow, pytest.mark.speech]


@pytest.fixture(scope="module")
def word_wav(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fake-mic-voice")
    raw, wav = folder / "raw.wav", folder / "word.wav"
    subprocess.run(["espeak-ng", "-v", "en-gb+f4", "-p", "85", "-s", "130", "-w", str(raw), "too tin"], check=True)
    # The word soon after the microphone opens, then a long quiet tail (never digital silence).
    subprocess.run(
        ["sox", str(raw), "-r", "48000", "-c", "1", "-b", "16", str(wav), "pad", "0.3", "6", "dither"], check=True
    )
    return wav


class Web:
    def __init__(self, url, app):
        self.url, self.app = url, app

    def db(self):
        from assistant.web.store import get_db

        return get_db()


def _port() -> int:
    for port in range(6540, 6600):  # this branch's range
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("no free port in 6540-6599")


@pytest.fixture(scope="module")
def web(tmp_path_factory):
    """The web app on a migrated SQLite record with the test people, on 127.0.0.1."""
    from werkzeug.serving import make_server

    from assistant import create_app
    from assistant.record.migrate import upgrade
    from tests.conftest import make_people

    folder = tmp_path_factory.mktemp("voice-web")
    url = f"sqlite:///{folder / 'record.db'}"
    upgrade(url)
    app = create_app(
        {
            "DATABASE_URL": url,
            "SECRET_KEY": "test",
            "RASA_URL": "http://127.0.0.1:9",
            "INSTANCE_PATH": str(folder / "instance"),
        }
    )
    with app.app_context():
        from assistant.web.store import get_db

        make_people(get_db())
    port = _port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Web(f"http://127.0.0.1:{port}", app)
    server.shutdown()
    from assistant.speech import listening_sandbox

    listening_sandbox().close()


@pytest.fixture(scope="module")
def speaking_browser(word_wav):
    flags = [
        *CHROMIUM_FLAGS,
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-audio-capture={word_wav}",
    ]
    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as profile:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path="/usr/bin/chromium", headless=True, args=flags, viewport=TABLET
        )
        yield context
        context.close()


def hold(page, seconds: float):
    """Press and hold the record button with a finger (a mouse here), then let go."""
    button = page.locator("#hold")
    box = button.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    expect(button).to_have_attribute("aria-pressed", "true", timeout=10_000)
    page.wait_for_timeout(int(seconds * 1000))
    page.mouse.up()


def test_enrolment_by_touch_records_three_clips_of_a_card(speaking_browser, web):
    from assistant.services.pupils import create_pupil

    with web.app.app_context():
        pupil_id = create_pupil(web.db(), "Enrolled", "Test", "Year 9", "Oak class").id
    page = speaking_browser.new_page()
    page.goto(f"{web.url}/staff/login")
    page.fill("#email", "lead@school.test")
    page.fill("#password", "correct horse battery")
    page.click("button[type=submit]")
    page.wait_for_url("**/staff/")
    page.goto(f"{web.url}/staff/pupils/{pupil_id}")
    page.click("text=My voice")
    expect(page.locator("h1")).to_contain_text("My voice")
    check_accessibility(page, "voice consent")
    shot(page, "voice-consent")
    page.fill("#given_by", "Enrolled and their mother")
    page.click("text=Record consent")
    expect(page.locator(".consent")).to_contain_text("Enrolled and their mother")
    page.locator('.voice-card[data-card="cooking"]').click()
    expect(page.locator("#now-label")).to_have_text("Cooking")
    expect(page.locator("#now-count")).to_have_text("Recording 1 of 3")
    check_accessibility(page, "voice enrolment")
    for size, name in ((TABLET, "tablet"), (PORTRAIT, "portrait"), (PHONE, "phone")):
        page.set_viewport_size(size)
        expect(page.locator("#hold")).to_be_visible()
        shot(page, f"voice-enrolment-{name}")
    page.set_viewport_size(TABLET)

    hold(page, 0.05)  # let go at once: nothing heard, say it again
    expect(page.locator("#voice-status")).to_contain_text("say it again", timeout=30_000)
    expect(page.locator("#voice-status")).to_have_class("voice-status problem")
    for done in (1, 2, 3):
        hold(page, 2.2)
        expect(page.locator('.voice-card[data-card="cooking"] .card-count')).to_have_text(
            f"{done} recording{'' if done == 1 else 's'}", timeout=30_000
        )
    expect(page.locator("#voice-status")).to_contain_text("Cooking is done")
    expect(page.locator('.voice-card[data-card="cooking"]')).to_have_class("voice-card done")
    assert page.locator("#now-label").inner_text() != "Cooking"  # on to the next card
    shot(page, "voice-enrolment-done")

    with web.app.app_context():
        db = web.db()
        rows = db.execute(select(VoiceTemplate).where(VoiceTemplate.pupil_id == pupil_id)).scalars().all()
        assert [r.card_id for r in rows] == ["cooking"] * 3
        assert all(r.features[:6] == b"\x93NUMPY" for r in rows)  # features, never the audio
        assert db.get(VoiceProfile, pupil_id).consent_given_by == "Enrolled and their mother"

    page.reload()
    expect(page.locator("#recordings")).to_be_visible()
    check_accessibility(page, "voice recordings")
    page.locator('button[aria-label="Remove this recording of Cooking"]').first.click()
    expect(page.locator(".flash")).to_contain_text("Removed one recording of cooking")
    expect(page.locator('.voice-card[data-card="cooking"] .card-count')).to_have_text("2 recordings")
    close_page(page)
