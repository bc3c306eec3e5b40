"""The tablet in a real browser (Playwright driving Debian's Chromium) against the real stack:
whole conversations by touch, keyboard and switch scanning; every board on one screen at a
tablet's landscape and portrait sizes and on a phone; the stop question, the dialogs and the
final mat by touch, keyboard and switch; accessibility checked with axe-core on every kind of
screen; a dropped connection mid-conversation. Screenshots of each kind of screen at the
three sizes are saved under artifacts/screenshots/."""

from __future__ import annotations

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect
from sqlalchemy import select

from assistant.conversation.plans import steps_for
from assistant.record.models import Entry
from assistant.services.pupils import create_pupil
from tests.e2e.browser import CHROMIUM_FLAGS, PHONE, PORTRAIT, TABLET  # noqa: F401 (others import them from here)

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "artifacts" / "screenshots"


def open_tablet(page, stack, pupil=None, conversation="interests", size=TABLET, **extra):
    """Open a new session's tablet page (for a new pupil, so nothing earlier is recalled)."""
    pupil = pupil or pupil_with(stack, "Pupil")
    created = stack.new_session(pupil, conversation, **extra)
    page.set_viewport_size(size)
    page.goto("about:blank")  # a link that differs only by its #code must load anew
    page.goto(created["tablet_url"])
    expect(page.locator(".bot.prompt")).to_be_visible(timeout=30_000)
    return created["session_id"]


def prompt_text(page) -> str:
    return " ".join(page.locator(".bot.prompt").inner_text().split())


def wait_for_prompt(page, text: str):
    """Until the question on screen is exactly `text` and its board is up."""
    page.wait_for_function(
        """text => {
             const prompt = document.querySelector('.bot.prompt');
             return prompt && prompt.textContent.replace(/\\s+/g, ' ').trim() === text
                    && document.querySelectorAll('#board .card').length > 0;
           }""",
        arg=text,
        timeout=30_000,
    )


def tap_card(page, concept: str, stance: str | None = None):
    selector = f'#board .card[data-concept="{concept}"]' + (f'[data-stance="{stance}"]' if stance else "")
    card = page.locator(selector)
    card.click()
    expect(card).to_have_attribute("aria-selected", "true")
    card.click()


def tap_first(page):
    tap_card(page, page.locator("#board .card").first.get_attribute("data-concept"))


def wait_for_board(page, kind: str):
    expect(page.locator("#board")).to_have_attribute("data-kind", kind, timeout=30_000)
    page.wait_for_function("() => document.querySelectorAll('#board .card').length > 0", timeout=30_000)


def fits_one_screen(page, what: str):
    """The question and every card are on the screen, with nothing to scroll."""
    assert page.evaluate("document.documentElement.scrollHeight <= window.innerHeight + 1"), what
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), what
    height = page.evaluate("window.innerHeight")
    for box in [page.locator(sel).bounding_box() for sel in (".bot.prompt", "#board .card >> nth=-1")]:
        assert box and box["y"] >= 0 and box["y"] + box["height"] <= height + 1, what
    # Nor does the board scroll inside itself: every card shows.
    assert page.evaluate("(b => b.scrollHeight <= b.clientHeight + 1)(document.getElementById('board'))"), what


def at_three_sizes(page, name: str, check_fit: bool = True):
    """Photograph a screen at the three sizes (and check it fits each), back to landscape."""
    for size, suffix in [(TABLET, "landscape"), (PORTRAIT, "portrait"), (PHONE, "phone")]:
        page.set_viewport_size(size)
        page.wait_for_timeout(150)
        if check_fit:
            fits_one_screen(page, f"{name} at {suffix}")
        shot(page, f"{name}-{suffix}")
    page.set_viewport_size(TABLET)


def control_question(page, card: str, input_mode: str = "touch"):
    """Choices that all followed the cards' places bring one control question, on the scale."""
    wait_for_board(page, "scale")
    assert prompt_text(page).replace("  ", " ").startswith("What do you think about")
    if input_mode == "touch":
        tap_card(page, card)
    else:
        page.locator(f'#board .card[data-concept="{card}"]').focus()
        page.keyboard.press("Enter")
        page.keyboard.press("Enter")


def check_accessibility(page, screen: str):
    results = Axe().run(page)
    bad = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
    assert bad == [], f"{screen}: " + "; ".join(f"{v['id']}: {v['help']}" for v in bad)


def shot(page, name: str):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def entries_of(stack, session_id):
    stack.db.expire_all()
    return (
        stack.db.execute(select(Entry).where(Entry.session_id == session_id).order_by(Entry.created_at)).scalars().all()
    )


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
    words = page.locator(".bot.prompt .word img")
    assert words.count() >= 1  # symbols above the content words
    for step in steps_for("interests"):
        wait_for_prompt(page, step.question)
        tap_first(page)
    control_question(page, "like")  # every choice was the first card
    wait_for_board(page, "end")
    check_accessibility(page, "anything else")
    tap_card(page, "finish")
    wait_for_board(page, "mat")
    check_accessibility(page, "final mat")
    assert page.locator("#board .mat-group").count() >= 2
    tap_card(page, "finish")
    expect(page.locator("#question")).to_contain_text("We have finished", timeout=30_000)
    expect(page.locator("#question .end img")).to_be_visible()
    check_accessibility(page, "finished")
    at_three_sizes(page, "finished", check_fit=False)
    entries = entries_of(stack, session_id)
    assert [e.step for e in entries] == [s.id for s in steps_for("interests")] + ["control"]
    assert {e.status for e in entries} == {"confirmed"}
    assert {e.input_mode for e in entries} == {"touch"}
    assert {e.provenance for e in entries} == {"independent"}
    # How each answer was given: the first card each time, and the time it took.
    assert {e.card_position for e in entries[:5]} == {0}
    assert all(e.response_ms is not None and e.response_ms >= 0 for e in entries)


def test_every_board_fits_one_screen_at_three_sizes(page, stack):
    from assistant.record.models import Encounter, Pupil

    name = pupil_with(stack, "Nine", cards_per_board=9)
    stack.db.get(Encounter, stack.ids["visit"]).pupils.append(stack.db.get(Pupil, stack.ids[name]))
    stack.db.commit()  # a debrief is only for a pupil who went
    open_tablet(page, stack, pupil=name, conversation="debrief", encounter_id=stack.ids["visit"])
    wait_for_board(page, "feelings")
    at_three_sizes(page, "feelings-board")
    tap_card(page, "happy")
    wait_for_board(page, "choice")
    at_three_sizes(page, "choice-board-nine-cards")
    check_accessibility(page, "choice board of nine")
    page.fill("#answer", "the noisy machines")
    page.press("#answer", "Enter")
    wait_for_board(page, "check")
    at_three_sizes(page, "check-back")
    tap_card(page, "noisy", "hard")
    wait_for_board(page, "choice")
    page.fill("#answer", "i want to stop")
    page.press("#answer", "Enter")
    wait_for_board(page, "stop")
    at_three_sizes(page, "stop-question")
    check_accessibility(page, "stop question")
    tap_card(page, "keep_going")
    wait_for_board(page, "choice")
    tap_first(page)
    wait_for_board(page, "scale")
    at_three_sizes(page, "scale-board")
    check_accessibility(page, "scale")
    tap_card(page, "like")
    tap_card(page, "not_sure")
    wait_for_board(page, "end")
    at_three_sizes(page, "anything-else")
    tap_card(page, "finish")
    wait_for_board(page, "mat")
    at_three_sizes(page, "final-mat")
    tap_first(page)
    wait_for_board(page, "move")
    at_three_sizes(page, "move-item")
    check_accessibility(page, "move an item")


def test_a_whole_conversation_by_keyboard_with_focus_on_each_new_board(page, stack):
    session_id = open_tablet(page, stack, conversation="aspirations")
    for step in steps_for("aspirations"):
        wait_for_prompt(page, step.question)
        # Focus is already on the new board: no Tab needed.
        page.wait_for_function("() => document.activeElement && document.activeElement.matches('#board .card')")
        page.keyboard.press("ArrowRight")
        focused = page.evaluate("document.activeElement.dataset.concept")
        page.keyboard.press("Enter")
        expect(page.locator(f'#board .card[data-concept="{focused}"]')).to_have_attribute("aria-selected", "true")
        page.keyboard.press("Enter")
    control_question(page, "not_sure", input_mode="keyboard")
    wait_for_board(page, "end")
    page.wait_for_function("() => document.activeElement && document.activeElement.matches('#board .card')")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    wait_for_board(page, "mat")
    page.wait_for_function("() => document.activeElement && document.activeElement.matches('#board .card')")
    page.keyboard.press("End")  # All done is the last card
    assert page.evaluate("document.activeElement.dataset.concept") == "finish"
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    expect(page.locator("#question")).to_contain_text("We have finished", timeout=30_000)
    entries = entries_of(stack, session_id)
    assert len(entries) == 6 and {e.input_mode for e in entries} == {"keyboard"}
    assert {e.status for e in entries} == {"confirmed"}
    assert [e.step for e in entries] == [s.id for s in steps_for("aspirations")] + ["control"]
    assert {e.card_position for e in entries[:5]} == {1}


def test_the_board_keys_follow_the_listbox_pattern(page, stack):
    open_tablet(page, stack)
    wait_for_board(page, "choice")
    assert page.locator("#board").get_attribute("role") == "listbox"
    active = "document.activeElement.dataset.position"
    page.wait_for_function("() => document.activeElement && document.activeElement.matches('#board .card')")
    assert page.evaluate(active) == "0"
    page.keyboard.press("ArrowRight")
    assert page.evaluate(active) == "1"
    columns = int(page.evaluate("document.getElementById('board').style.getPropertyValue('--columns')"))
    page.keyboard.press("ArrowDown")  # down a row
    assert page.evaluate(active) == str(1 + columns)
    page.keyboard.press("ArrowUp")
    assert page.evaluate(active) == "1"
    page.keyboard.press("ArrowLeft")
    assert page.evaluate(active) == "0"
    page.keyboard.press("End")
    assert page.evaluate(active) == str(page.locator("#board .card").count() - 1)
    page.keyboard.press("Home")
    assert page.evaluate(active) == "0"
    page.keyboard.press("Enter")
    first = page.locator("#board .card").first
    expect(first).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Escape")  # clears the selection, chooses nothing
    expect(first).to_have_attribute("aria-selected", "false")


def test_a_whole_conversation_by_two_switch_step_scanning(page, stack):
    name = pupil_with(stack, "Kai", scanning="step", cards_per_board=4)
    session_id = open_tablet(page, stack, pupil=name)
    for step in steps_for("interests"):
        wait_for_prompt(page, step.question)
        page.keyboard.press(" ")  # switch 1: move to the first card (spoken)
        page.keyboard.press(" ")  # switch 1: the second card
        expect(page.locator("#board .card.scan-highlight")).to_have_count(1)
        page.keyboard.press("Enter")  # switch 2: choose it
    wait_for_board(page, "scale")  # the control question: every choice was the second card
    page.keyboard.press(" ")
    page.keyboard.press("Enter")
    wait_for_board(page, "end")
    page.keyboard.press(" ")
    expect(page.locator('#board .card[data-concept="finish"].scan-highlight')).to_have_count(1)
    page.keyboard.press("Enter")
    wait_for_board(page, "mat")
    for _ in range(page.locator("#board .card").count()):
        page.keyboard.press(" ")  # round to All done, the last card
    expect(page.locator('#board .card[data-concept="finish"].scan-highlight')).to_have_count(1)
    page.keyboard.press("Enter")
    expect(page.locator("#question")).to_contain_text("We have finished", timeout=30_000)
    entries = entries_of(stack, session_id)
    assert len(entries) == 6 and {e.input_mode for e in entries} == {"switch"}
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


def test_stop_asks_once_by_touch_keyboard_and_switch(page, stack):
    open_tablet(page, stack)
    # Touch: "Stop now?" with symbols; No goes back to the question.
    page.click("#stop")
    expect(page.locator("#stop-confirm")).to_be_visible()
    check_accessibility(page, "stop now?")
    at_three_sizes(page, "stop-dialog", check_fit=False)
    page.click("#stop-no")
    expect(page.locator("#stop-confirm")).to_be_hidden()
    assert page.locator("#board .card").count() > 0
    # Keyboard: the dialog takes focus, Tab stays in it, Escape closes it.
    page.focus("#stop")
    page.keyboard.press("Enter")
    expect(page.locator("#stop-confirm")).to_be_visible()
    for _ in range(4):
        page.keyboard.press("Tab")
        assert page.evaluate("!!document.activeElement.closest('#stop-confirm')")
    page.keyboard.press("Escape")
    expect(page.locator("#stop-confirm")).to_be_hidden()
    # Switch: the dialog's own buttons are scanned; choosing Yes stops.
    name = pupil_with(stack, "Sid", scanning="step")
    open_tablet(page, stack, pupil=name)
    page.click("#stop")
    page.keyboard.press(" ")
    expect(page.locator("#stop-yes.scan-highlight")).to_have_count(1)
    page.keyboard.press("Enter")
    expect(page.locator("#question")).to_contain_text("stop now", timeout=30_000)
    expect(page.locator("#repeat")).to_be_disabled()


def test_nothing_behind_a_dialog_or_the_break_can_be_reached(page, stack):
    open_tablet(page, stack)
    page.click("#adult-open")
    expect(page.locator("#adult-confirm")).to_be_visible()
    check_accessibility(page, "adult confirm")
    for _ in range(4):
        page.keyboard.press("Tab")
        assert page.evaluate("!!document.activeElement.closest('#adult-confirm')")
    page.keyboard.press("Escape")  # the first dialog closes on Escape
    expect(page.locator("#adult-confirm")).to_be_hidden()
    page.click("#adult-open")
    page.click("#adult-yes")
    expect(page.locator("#adult-panel")).to_be_visible()
    check_accessibility(page, "adult panel")
    at_three_sizes(page, "adult-panel", check_fit=False)
    page.set_viewport_size(PHONE)
    assert page.evaluate("getComputedStyle(document.getElementById('adult-panel')).overflowY") == "auto"
    page.locator("#adult-close").scroll_into_view_if_needed()
    expect(page.locator("#adult-close")).to_be_in_viewport()
    page.set_viewport_size(TABLET)
    page.click("#pause")
    expect(page.locator("#paused")).to_be_visible()
    check_accessibility(page, "break")
    at_three_sizes(page, "break", check_fit=False)
    for _ in range(4):
        page.keyboard.press("Tab")
        assert page.evaluate("!!document.activeElement.closest('#paused')")
    with pytest.raises(PlaywrightTimeout):
        page.click("#stop", timeout=1_000)  # inert behind the break
    page.click("#resume")
    expect(page.locator("#paused")).to_be_hidden()
    assert page.locator("#board .card").count() > 0


def test_the_final_mat_by_touch_moves_an_item_then_all_done(page, stack):
    session_id = open_tablet(page, stack)
    for n, step in enumerate(steps_for("interests")):
        wait_for_prompt(page, step.question)
        tap_card(page, page.locator("#board .card").nth(n % 2).get_attribute("data-concept"))
    wait_for_board(page, "end")
    tap_card(page, "finish")
    wait_for_board(page, "mat")
    cooking = page.locator("#board .mat-group", has_text="I like").locator(".card", has_text="Cooking")
    item = cooking.get_attribute("data-concept")
    tap_card(page, item)
    wait_for_board(page, "move")
    tap_card(page, "dont_like")
    wait_for_board(page, "mat")
    expect(
        page.locator("#board .mat-group", has_text="I don't like").locator(".card", has_text="Cooking")
    ).to_have_count(1)
    tap_card(page, "finish")
    expect(page.locator("#question")).to_contain_text("We have finished", timeout=30_000)
    entries = entries_of(stack, session_id)
    moved = [e for e in entries if e.concept_ids == ["cooking"]]
    assert [(e.stance, e.status) for e in moved] == [("like", "discarded"), ("dont_like", "confirmed")]
    assert moved[1].corrects_entry_id == moved[0].id and moved[1].input_mode == "touch"


def test_typed_words_are_checked_back_by_choosing_not_by_yes(page, stack):
    session_id = open_tablet(page, stack)
    page.fill("#answer", "animals")
    page.press("#answer", "Enter")
    wait_for_board(page, "check")
    cards = page.locator("#board .card")
    expect(cards).to_have_count(3)
    assert [cards.nth(i).get_attribute("data-stance") for i in range(2)] == ["like", "dont_like"]
    expect(page.locator('#board .card[data-concept="yes"]')).to_have_count(0)
    expect(page.locator("#board .card .stance-symbol")).to_have_count(2)
    expect(page.locator('#board .card[data-concept="something_else"]')).to_be_visible()
    check_accessibility(page, "check-back by choosing")
    # The pupil meant the other reading: they choose it, by touch.
    tap_card(page, "animals", "dont_like")
    wait_for_prompt(page, steps_for("interests")[1].question)
    entries = entries_of(stack, session_id)
    assert [(e.stance, e.status, e.checked_back, e.words) for e in entries] == [
        ("like", "discarded", False, "animals"),
        ("dont_like", "draft", True, "animals"),
    ]


def test_stopping_by_words_asks_with_symbols_and_can_keep_going(page, stack):
    open_tablet(page, stack)
    page.fill("#answer", "i want to stop")
    page.press("#answer", "Enter")
    wait_for_board(page, "stop")
    expect(page.locator(".bot.prompt")).to_contain_text("Do you want to stop now?")
    tap_card(page, "keep_going")
    wait_for_prompt(page, steps_for("interests")[0].question)


def test_handover_after_three_misunderstandings(page, stack):
    session_id = open_tablet(page, stack)
    for attempt in ["zzkq", "blorpf wug", "qqq xxv"]:
        page.fill("#answer", attempt)
        page.press("#answer", "Enter")
        page.wait_for_timeout(200)
        page.wait_for_function("() => document.querySelectorAll('#board .card').length > 0", timeout=30_000)
    expect(page.locator("#board")).to_have_attribute("data-kind", "handover", timeout=30_000)
    expect(page.locator("#banner")).to_contain_text("Adult: please help")
    check_accessibility(page, "handover")
    at_three_sizes(page, "handover")
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
    tap_first(page)
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
    assert (
        page.evaluate(
            "JSON.parse(localStorage['pupil-voice-outbox-' + sessionStorage['pupil-voice-token'].slice(0, 12)]).length"
        )
        == 1
    )
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
    tap_first(page)
    wait_for_prompt(page, steps_for("interests")[2].question)
    page.unroute("**/api/chat/message")
    entries = entries_of(stack, session_id)
    assert [e.step for e in entries] == ["likes", "dislikes"]
    assert entries[0].concept_ids == [first]


def test_with_the_action_server_down_the_tablet_waits_calmly_and_sends_the_answer_again(page, stack):
    session_id = open_tablet(page, stack)
    first = page.locator("#board .card").first.get_attribute("data-concept")
    stack.kill("actions")
    try:
        tap_card(page, first)
        expect(page.locator("#status")).to_contain_text("Just a moment", timeout=15_000)
        expect(page.locator("#status")).to_contain_text("Your answer is safe")
        check_accessibility(page, "waiting for the assistant")
        for name, size in (("landscape", TABLET), ("portrait", PORTRAIT), ("phone", PHONE)):
            page.set_viewport_size(size)
            shot(page, f"fault-waiting-{name}")
        page.set_viewport_size(TABLET)
        assert (
            page.evaluate(
                "JSON.parse(localStorage['pupil-voice-outbox-'"
                " + sessionStorage['pupil-voice-token'].slice(0, 12)]).length"
            )
            == 1
        )
    finally:
        stack.start_part("actions")
    wait_for_prompt(page, steps_for("interests")[1].question)  # sent again from the outbox
    expect(page.locator("#status")).to_have_text("")
    entries = entries_of(stack, session_id)
    assert [(e.step, e.concept_ids) for e in entries] == [("likes", [first])]
    assert not any("Kept by the web app" in (e.status_reason or "") for e in entries)
