"""The tablet in a real browser (Playwright driving Debian's Chromium) against the real stack:
whole conversations by touch, keyboard and switch scanning; accessibility checked with axe-core
on every kind of screen; a dropped connection mid-conversation. Screenshots of each kind of
screen are saved under artifacts/screenshots/."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect, sync_playwright
from sqlalchemy import select

from assistant.models import Entry
from assistant.pupils import create_pupil
from assistant.questions import steps_for

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run",
                  "--disable-quic", "--autoplay-policy=no-user-gesture-required"]
TABLET = {"width": 1280, "height": 800}
PORTRAIT = {"width": 800, "height": 1280}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as profile:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_FLAGS,
            viewport=TABLET)
        yield context
        context.close()


@pytest.fixture
def page(browser):
    page = browser.new_page()
    yield page
    page.close()


def open_tablet(page, stack, pupil=None, conversation="interests", size=TABLET, **extra):
    """Open a new session's tablet page (for a new pupil, so nothing earlier is recalled)."""
    pupil = pupil or pupil_with(stack, "Pupil")
    created = stack.new_session(pupil, conversation, **extra)
    page.set_viewport_size(size)
    page.goto(created["tablet_url"])
    expect(page.locator(".bot.prompt")).to_be_visible(timeout=30_000)
    return created["session_id"]


def prompt_text(page) -> str:
    return page.locator(".bot.prompt").inner_text().replace("\n", " ")


def wait_for_prompt(page, text: str):
    """Until the question on screen is exactly `text` and its board is up."""
    page.wait_for_function(
        """text => {
             const prompt = document.querySelector('.bot.prompt');
             return prompt && prompt.textContent.replace(/\\s+/g, ' ').trim() === text
                    && document.querySelectorAll('#board .card').length > 0;
           }""", arg=text, timeout=30_000)


def tap_card(page, concept: str):
    card = page.locator(f'#board .card[data-concept="{concept}"]')
    card.click()
    expect(card).to_have_attribute("aria-pressed", "true")
    card.click()


def check_accessibility(page, screen: str):
    results = Axe().run(page)
    bad = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
    assert bad == [], f"{screen}: " + "; ".join(f"{v['id']}: {v['help']}" for v in bad)


def shot(page, name: str):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def entries_of(stack, session_id):
    stack.db.expire_all()
    return stack.db.execute(select(Entry).where(Entry.session_id == session_id)
                            .order_by(Entry.created_at)).scalars().all()


def pupil_with(stack, name, **profile):
    """A new pupil with these communication profile settings; returns its key in stack.ids."""
    pupil = create_pupil(stack.db, name, "Test", "Year 9", "Oak class")
    for key, value in profile.items():
        setattr(pupil.profile, key, value)
    stack.db.commit()
    key = f"{name.lower()}-{pupil.id}"
    stack.ids[key] = pupil.id
    return key


def test_a_whole_interests_conversation_by_touch(page, stack):
    session_id = open_tablet(page, stack)
    check_accessibility(page, "choice board")
    shot(page, "choice-board-landscape")
    words = page.locator(".bot.prompt .word img")
    assert words.count() >= 2  # symbols above the key words
    for step in steps_for("interests"):
        wait_for_prompt(page, step.question)
        tap_card(page, page.locator("#board .card").first.get_attribute("data-concept"))
    expect(page.locator(".bot.prompt")).to_contain_text("You told me", timeout=30_000)
    check_accessibility(page, "yes/no read-back")
    shot(page, "read-back-yes-no")
    for _ in steps_for("interests"):
        expect(page.locator('#board .card[data-concept="yes"]')).to_be_visible(timeout=30_000)
        tap_card(page, "yes")
    expect(page.locator('#board .card[data-concept="finish"]')).to_be_visible(timeout=30_000)
    check_accessibility(page, "anything else")
    shot(page, "anything-else")
    tap_card(page, "finish")
    expect(page.locator("#conversation")).to_contain_text("We have finished", timeout=30_000)
    shot(page, "finished")
    check_accessibility(page, "finished")
    entries = entries_of(stack, session_id)
    assert len(entries) == 5
    assert {e.status for e in entries} == {"confirmed"}
    assert {e.input_mode for e in entries} == {"touch"}
    assert {e.provenance for e in entries} == {"independent"}


def test_a_whole_conversation_by_keyboard(page, stack):
    session_id = open_tablet(page, stack, conversation="aspirations")
    while page.locator(".bot.prompt").inner_text().find("right?") < 0:
        page.locator("#board .card").first.focus()
        page.keyboard.press("ArrowRight")
        focused = page.evaluate("document.activeElement.dataset.concept")
        page.keyboard.press("Enter")
        expect(page.locator(f'#board .card[data-concept="{focused}"]')).to_have_attribute("aria-pressed", "true")
        page.keyboard.press("Enter")
        expect(page.locator(".bot.prompt")).not_to_contain_text("zzz", timeout=30_000)
        page.wait_for_function("document.querySelectorAll('#board .card').length > 0", timeout=30_000)
    for _ in steps_for("aspirations"):
        page.wait_for_selector('#board .card[data-concept="yes"]', timeout=30_000)
        page.locator('#board .card[data-concept="yes"]').focus()
        page.keyboard.press("Enter")
        page.keyboard.press("Enter")
        page.wait_for_timeout(300)
    page.wait_for_selector('#board .card[data-concept="finish"]', timeout=30_000)
    page.locator('#board .card[data-concept="finish"]').focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    expect(page.locator("#conversation")).to_contain_text("We have finished", timeout=30_000)
    entries = entries_of(stack, session_id)
    assert len(entries) == 5 and {e.input_mode for e in entries} == {"keyboard"}
    assert {e.status for e in entries} == {"confirmed"}
    assert [e.step for e in entries] == [s.id for s in steps_for("aspirations")]


def test_a_whole_conversation_by_two_switch_step_scanning(page, stack):
    name = pupil_with(stack, "Kai", scanning="step", cards_per_board=4)
    session_id = open_tablet(page, stack, pupil=name)
    for step in steps_for("interests"):
        wait_for_prompt(page, step.question)
        page.keyboard.press(" ")       # switch 1: move to the first card (spoken)
        page.keyboard.press(" ")       # switch 1: the second card
        expect(page.locator("#board .card.scan-highlight")).to_have_count(1)
        page.keyboard.press("Enter")   # switch 2: choose it
    for _ in steps_for("interests"):
        expect(page.locator('#board .card[data-concept="yes"]')).to_be_visible(timeout=30_000)
        page.keyboard.press(" ")
        expect(page.locator('#board .card[data-concept="yes"].scan-highlight')).to_have_count(1)
        page.keyboard.press("Enter")
    expect(page.locator('#board .card[data-concept="finish"]')).to_be_visible(timeout=30_000)
    page.keyboard.press(" ")
    expect(page.locator('#board .card[data-concept="finish"].scan-highlight')).to_have_count(1)
    page.keyboard.press("Enter")
    expect(page.locator("#conversation")).to_contain_text("We have finished", timeout=30_000)
    entries = entries_of(stack, session_id)
    assert len(entries) == 5 and {e.input_mode for e in entries} == {"switch"}
    assert [e.concept_ids for e in entries][0] == [steps_for("interests")[0].cards[1]]


def test_single_switch_auto_scanning_chooses_the_highlighted_card(page, stack):
    name = pupil_with(stack, "Zoe", scanning="auto", scan_interval_ms=700, cards_per_board=2)
    session_id = open_tablet(page, stack, pupil=name)
    card = page.locator('#board .card[data-concept="animals"].scan-highlight')
    expect(card).to_have_count(1, timeout=15_000)
    page.keyboard.press(" ")
    wait_for_prompt(page, steps_for("interests")[1].question)
    (entry,) = entries_of(stack, session_id)
    assert entry.concept_ids == ["animals"] and entry.input_mode == "switch"


def test_every_kind_of_screen_is_accessible(page, stack):
    open_tablet(page, stack, conversation="debrief", encounter_id=stack.ids["visit"])
    check_accessibility(page, "feelings board")
    shot(page, "feelings-board")
    tap_card(page, "happy")
    tap_card(page, page.locator("#board .card").first.get_attribute("data-concept"))
    tap_card(page, page.locator("#board .card").first.get_attribute("data-concept"))
    expect(page.locator("#board")).to_have_attribute("data-kind", "scale", timeout=30_000)
    check_accessibility(page, "scale")
    shot(page, "scale-board")
    for size, name in [(PORTRAIT, "portrait"), (PHONE, "phone")]:
        page.set_viewport_size(size)
        shot(page, f"scale-board-{name}")
        box = page.locator("#board .card").first.bounding_box()
        assert box["width"] >= 64 and box["height"] >= 64
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.set_viewport_size(TABLET)
    page.click("#adult-open")
    expect(page.locator("#adult-confirm")).to_be_visible()
    page.click("#adult-yes")
    expect(page.locator("#adult-panel")).to_be_visible()
    check_accessibility(page, "adult panel")
    shot(page, "adult-panel")
    page.click("#pause")
    expect(page.locator("#paused")).to_be_visible()
    check_accessibility(page, "paused")
    shot(page, "paused")
    page.click("#resume")


def test_typed_words_are_checked_back_by_choosing_not_by_yes(page, stack):
    session_id = open_tablet(page, stack)
    page.fill("#answer", "animals")
    page.press("#answer", "Enter")
    expect(page.locator("#board")).to_have_attribute("data-kind", "check", timeout=30_000)
    cards = page.locator("#board .card")
    expect(cards).to_have_count(3)
    assert [cards.nth(i).get_attribute("data-stance") for i in range(2)] == ["like", "dont_like"]
    expect(page.locator('#board .card[data-concept="yes"]')).to_have_count(0)
    expect(page.locator("#board .card .stance-symbol")).to_have_count(2)
    expect(page.locator('#board .card[data-concept="something_else"]')).to_be_visible()
    check_accessibility(page, "check-back by choosing")
    for size, name in [(TABLET, "landscape"), (PORTRAIT, "portrait"), (PHONE, "phone")]:
        page.set_viewport_size(size)
        shot(page, f"check-back-{name}")
    page.set_viewport_size(TABLET)
    # The pupil meant the other reading: they choose it, by touch.
    card = page.locator('#board .card[data-concept="animals"][data-stance="dont_like"]')
    card.click()
    card.click()
    wait_for_prompt(page, steps_for("interests")[1].question)
    entries = entries_of(stack, session_id)
    assert [(e.stance, e.status, e.checked_back, e.words) for e in entries] == [
        ("like", "discarded", False, "animals"), ("dont_like", "draft", True, "animals")]


def test_stopping_by_words_asks_with_symbols_and_can_keep_going(page, stack):
    open_tablet(page, stack)
    page.fill("#answer", "i want to stop")
    page.press("#answer", "Enter")
    expect(page.locator("#board")).to_have_attribute("data-kind", "stop", timeout=30_000)
    expect(page.locator(".bot.prompt")).to_contain_text("Do you want to stop now?")
    check_accessibility(page, "stop question")
    shot(page, "stop-question")
    tap_card(page, "keep_going")
    wait_for_prompt(page, steps_for("interests")[0].question)
    page.click("#stop")  # the Stop button: at once
    expect(page.locator("#conversation")).to_contain_text("stop now", timeout=30_000)
    expect(page.locator("#repeat")).to_be_disabled()


def test_handover_after_three_misunderstandings(page, stack):
    session_id = open_tablet(page, stack)
    for attempt in ["zzkq", "blorpf wug", "qqq xxv"]:
        page.fill("#answer", attempt)
        page.press("#answer", "Enter")
        page.wait_for_timeout(200)
        page.wait_for_function("document.querySelectorAll('#board .card').length > 0", timeout=30_000)
    expect(page.locator("#board")).to_have_attribute("data-kind", "handover", timeout=30_000)
    expect(page.locator("#banner")).to_contain_text("Adult: please help")
    check_accessibility(page, "handover")
    shot(page, "handover")
    words = [e.words for e in entries_of(stack, session_id)]
    assert words == ["zzkq", "blorpf wug", "qqq xxv"]


def test_modelling_records_nothing_and_observations_are_the_adults(page, stack):
    session_id = open_tablet(page, stack)
    page.click("#adult-open")
    page.click("#adult-yes")
    page.click("#modelling")
    page.fill("#observation-text", "She reached for the <dog> card")
    page.click("#observation button[type=submit]")
    expect(page.locator("#observation-status")).to_contain_text("Saved")
    page.click("#adult-close")
    tap_card(page, page.locator("#board .card").first.get_attribute("data-concept"))
    expect(page.locator("#hint")).to_contain_text("nothing is recorded")
    (entry,) = entries_of(stack, session_id)
    assert entry.answer_kind == "observation" and entry.provenance == "adult_view"
    assert entry.words == "She reached for the <dog> card"


def test_an_answer_chosen_offline_is_sent_once_when_the_connection_returns(page, stack):
    session_id = open_tablet(page, stack)
    page.context.set_offline(True)
    first = page.locator("#board .card").first.get_attribute("data-concept")
    tap_card(page, first)
    expect(page.locator("#status")).to_contain_text("saved", timeout=10_000)
    shot(page, "offline-answer-saved")
    assert "#code" not in page.url  # the one-time code left the address bar
    assert page.evaluate("JSON.parse(localStorage['pupil-voice-outbox-'"
                         " + sessionStorage['pupil-voice-token'].slice(0, 12)]).length") == 1
    page.context.set_offline(False)
    wait_for_prompt(page, steps_for("interests")[1].question)
    # The reply to the next answer is lost on the way back: the tablet sends it again, and
    # the server answers from memory without recording it twice.
    lost = {"done": False}

    def lose_first_reply(route):
        if not lost["done"]:
            lost["done"] = True
            route.fetch()  # the server receives and records it...
            route.abort()  # ...but the tablet never hears back
        else:
            route.continue_()

    page.route("**/api/chat/message", lose_first_reply)
    tap_card(page, page.locator("#board .card").first.get_attribute("data-concept"))
    wait_for_prompt(page, steps_for("interests")[2].question)
    page.unroute("**/api/chat/message")
    entries = entries_of(stack, session_id)
    assert [e.step for e in entries] == ["likes", "dislikes"]
    assert entries[0].concept_ids == [first]
