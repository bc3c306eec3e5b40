"""Speech in through a real browser: Chromium's fake microphone plays an espeak-ng answer
("I like cooking"); the page captures it with the AudioWorklet, sends 16 kHz WAV to
/api/chat/listen on the real stack, and the proposed card is highlighted on the board.

Kept apart from the other browser tests (its own Chromium, launched with a fake audio
file) and marked `speech`."""

from __future__ import annotations

import subprocess
import tempfile

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.e2e.browser import close_page
from tests.e2e.test_tablet_browser import CHROMIUM_FLAGS, TABLET, entries_of, pupil_with, wait_for_prompt

pytestmark = [pytest.mark.slow, pytest.mark.speech]


@pytest.fixture(scope="module")
def answer_wav(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fake-mic")
    raw, wav = folder / "raw.wav", folder / "answer.wav"
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "130", "-w", str(raw), "I like cooking"], check=True)
    # A noise floor, never digital silence, around the answer; the fake device loops the file.
    subprocess.run(
        ["sox", str(raw), "-r", "48000", "-c", "1", "-b", "16", str(wav), "pad", "0.5", "2.5", "dither"], check=True
    )
    return wav


@pytest.fixture(scope="module")
def speaking_browser(answer_wav):
    flags = [
        *CHROMIUM_FLAGS,
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-audio-capture={answer_wav}",
    ]
    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as profile:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path="/usr/bin/chromium", headless=True, args=flags, viewport=TABLET
        )
        yield context
        context.close()


def test_a_spoken_answer_is_proposed_then_confirmed_with_a_tap(speaking_browser, stack):
    page = speaking_browser.new_page()
    pupil = pupil_with(stack, "Speaker", input_modes=["touch", "speech"], listen_seconds=3)
    created = stack.new_session(pupil, "interests")
    page.goto(created["tablet_url"])
    cooking = page.locator('#board .card[data-concept="cooking"]')
    expect(cooking).to_be_visible(timeout=30_000)
    page.click("#mic")
    expect(page.locator("#listening")).to_contain_text("Listening", timeout=10_000)
    expect(cooking).to_have_attribute("aria-selected", "true", timeout=30_000)
    expect(page.locator("#hint")).to_contain_text("Did you say cooking?")
    assert entries_of(stack, created["session_id"]) == []  # nothing spoken is stored unconfirmed
    cooking.click()  # the pupil confirms with one tap
    wait_for_prompt(page, "What don't you like doing?")
    (entry,) = entries_of(stack, created["session_id"])
    assert entry.concept_ids == ["cooking"] and entry.input_mode == "speech"
    assert 0 < entry.speech_confidence <= 1
    close_page(page)
