"""The tablet's keyboard table, row by row, in a real browser against the real stack (W3C ARIA
Authoring Practices): the answer board is a listbox (arrows, Home, End, Escape; one card in
the Tab order); every dialog that declares aria-modal keeps Tab and Shift+Tab inside it,
closes on Escape with its safe choice and gives focus back to its opener; switch scanning
hears only its own board; aria-pressed says one thing (the toggle's mode is on); and no
timer outlives its use."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.test_tablet_browser import entries_of, open_tablet, pupil_with, tap_first, wait_for_board

pytestmark = pytest.mark.slow

ACTIVE = "document.activeElement && document.activeElement.id"
POSITION = "document.activeElement.dataset.position"

# Every live interval and every timeout not yet run, counted in the page's own world.
COUNT_TIMERS = """(() => {
  const intervals = new Set(), timeouts = new Set();
  const [setI, clearI, setT, clearT] = [setInterval, clearInterval, setTimeout, clearTimeout]
    .map((f) => f.bind(window));
  window.setInterval = (fn, ms, ...args) => { const id = setI(fn, ms, ...args); intervals.add(id); return id; };
  window.clearInterval = (id) => { intervals.delete(id); clearI(id); };
  window.setTimeout = (fn, ms, ...args) => {
    const id = setT((...a) => { timeouts.delete(id); if (typeof fn === "function") fn(...a); }, ms, ...args);
    timeouts.add(id);
    return id;
  };
  window.clearTimeout = (id) => { timeouts.delete(id); clearT(id); };
  window.liveTimers = () => ({intervals: intervals.size, timeouts: timeouts.size});
})();"""


def focus_on_board(page):
    page.wait_for_function("() => document.activeElement && document.activeElement.matches('#board .card')")


def tab_stops(page):
    """The positions of the cards Tab can reach (tabindex 0)."""
    return page.evaluate(
        "[...document.querySelectorAll('#board .card')].filter((c) => c.tabIndex === 0).map((c) => c.dataset.position)"
    )


def test_the_board_keys_stop_at_its_edges_and_only_the_focused_card_is_in_the_tab_order(page, stack):
    open_tablet(page, stack)
    wait_for_board(page, "choice")
    focus_on_board(page)
    last = str(page.locator("#board .card").count() - 1)
    columns = int(page.evaluate("document.getElementById('board').style.getPropertyValue('--columns')"))
    assert int(last) >= columns  # at least two rows, so Up and Down move
    assert page.evaluate(POSITION) == "0" and tab_stops(page) == ["0"]
    for key in ("ArrowLeft", "ArrowUp", "Home"):  # nothing before the first card
        page.keyboard.press(key)
        assert page.evaluate(POSITION) == "0", key
    page.keyboard.press("ArrowDown")
    assert page.evaluate(POSITION) == str(columns)
    page.keyboard.press("ArrowRight")
    assert page.evaluate(POSITION) == str(columns + 1) and tab_stops(page) == [str(columns + 1)]
    page.keyboard.press("End")
    assert page.evaluate(POSITION) == last
    for key in ("ArrowRight", "ArrowDown", "End"):  # nothing after the last card
        page.keyboard.press(key)
        assert page.evaluate(POSITION) == last, key
    page.keyboard.press("ArrowUp")
    assert page.evaluate(POSITION) == str(int(last) - columns)
    page.keyboard.press("ArrowLeft")
    assert page.evaluate(POSITION) == str(int(last) - columns - 1)
    # Moving never selects (the listbox pattern, not a radio group): nothing is chosen yet.
    expect(page.locator('#board .card[aria-selected="true"]')).to_have_count(0)
    page.keyboard.press("Enter")
    focused = page.locator(f'#board .card[data-position="{page.evaluate(POSITION)}"]')
    expect(focused).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Escape")  # clears the selection, keeps focus, chooses nothing
    expect(page.locator('#board .card[aria-selected="true"]')).to_have_count(0)
    assert page.evaluate("document.activeElement.matches('#board .card')")
    # A tap moves the Tab stop too, so Tab comes back to the card last touched.
    page.locator(f'#board .card[data-position="{last}"]').click()
    assert tab_stops(page) == [last]


@pytest.mark.parametrize(
    "dialog, opens, first, last",
    [
        ("adult-confirm", ["#adult-open"], "adult-cancel", "adult-yes"),
        ("adult-panel", ["#adult-open", "#adult-yes"], "pause", "adult-close"),
        ("stop-confirm", ["#stop"], "stop-yes", "stop-no"),
        ("paused", ["#break"], "resume", "resume"),
    ],
)
def test_each_modal_dialog_keeps_tab_and_shift_tab_inside(page, stack, dialog, opens, first, last):
    open_tablet(page, stack)
    for selector in opens:
        page.click(selector)
    expect(page.locator(f"#{dialog}")).to_be_visible()
    assert page.get_attribute(f"#{dialog}", "aria-modal") == "true"
    assert page.evaluate(ACTIVE) == first  # focus goes into the dialog
    page.focus(f"#{last}")
    page.keyboard.press("Tab")  # past the last control: back to the first
    assert page.evaluate(ACTIVE) == first
    page.keyboard.press("Shift+Tab")  # before the first: round to the last
    assert page.evaluate(ACTIVE) == last
    for _ in range(6):
        page.keyboard.press("Shift+Tab")
        assert page.evaluate(f"!!document.activeElement.closest('#{dialog}')")


def test_escape_chooses_the_safe_option_and_focus_goes_back_to_the_opener(page, stack):
    session_id = open_tablet(page, stack)
    question = page.locator(".bot.prompt").inner_text()
    # Open the adult panel? Escape is "No, go back".
    page.focus("#adult-open")
    page.keyboard.press("Enter")
    expect(page.locator("#adult-confirm")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#adult-confirm")).to_be_hidden()
    expect(page.locator("#adult-panel")).to_be_hidden()
    assert page.evaluate(ACTIVE) == "adult-open"
    # The panel (two steps by keyboard): Escape closes it; focus goes back to the Adult button.
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("#adult-panel")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#adult-panel")).to_be_hidden()
    assert page.evaluate(ACTIVE) == "adult-open"
    # Stop now? Focus starts on Yes, but Escape is "No, keep going".
    page.focus("#stop")
    page.keyboard.press("Enter")
    expect(page.locator("#stop-confirm")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#stop-confirm")).to_be_hidden()
    assert page.evaluate(ACTIVE) == "stop"
    expect(page.locator("#repeat")).to_be_enabled()
    assert page.locator(".bot.prompt").inner_text() == question
    # The break: Escape carries on; the pause toggle is pressed only while it lasts.
    page.focus("#break")
    page.keyboard.press("Enter")
    expect(page.locator("#paused")).to_be_visible()
    assert page.get_attribute("#pause", "aria-pressed") == "true"
    page.keyboard.press("Escape")
    expect(page.locator("#paused")).to_be_hidden()
    assert page.get_attribute("#pause", "aria-pressed") == "false"
    assert page.evaluate(ACTIVE) == "break"
    # A break from the panel replaces it: carrying on goes back to the Adult button.
    page.click("#adult-open")
    page.click("#adult-yes")
    page.click("#pause")
    expect(page.locator("#paused")).to_be_visible()
    expect(page.locator("#adult-panel")).to_be_hidden()
    page.keyboard.press("Escape")
    expect(page.locator("#paused")).to_be_hidden()
    assert page.evaluate(ACTIVE) == "adult-open"
    # Modelling: pressed means on, and a tap records nothing while it is.
    page.click("#adult-open")
    page.click("#adult-yes")
    page.click("#modelling")
    assert page.get_attribute("#modelling", "aria-pressed") == "true"
    page.click("#adult-close")
    expect(page.locator("#banner")).to_have_text("Modelling: nothing is recorded.")
    tap_first(page)
    expect(page.locator("#hint")).to_contain_text("nothing is recorded")
    assert entries_of(stack, session_id) == []


def test_switch_scanning_hears_only_its_own_board(page, stack):
    name = pupil_with(stack, "Sky", scanning="step", cards_per_board=4)
    open_tablet(page, stack, pupil=name)
    wait_for_board(page, "choice")
    focus_on_board(page)
    page.keyboard.press(" ")
    highlighted = page.locator(".scan-highlight")
    expect(highlighted).to_have_count(1)
    assert highlighted.get_attribute("data-position") == "0"
    # In the adult's panel Space is the adult's: it ticks a radio button, it moves no highlight.
    page.click("#adult-open")
    page.click("#adult-yes")
    page.focus("input[name=provenance][value=prompted]")
    page.keyboard.press(" ")
    assert page.is_checked("input[name=provenance][value=prompted]")
    assert highlighted.get_attribute("data-position") == "0"
    page.keyboard.press("Escape")
    expect(page.locator("#adult-panel")).to_be_hidden()
    # The Adult button cannot hear the switch, so focus goes back to the board, which can.
    focus_on_board(page)
    page.keyboard.press(" ")
    expect(page.locator('#board .card[data-position="1"].scan-highlight')).to_have_count(1)
    expect(page.locator("#adult-confirm")).to_be_hidden()
    # The always-there bar is scanned with the board and hears the switch too.
    page.focus("#repeat")
    page.keyboard.press(" ")
    expect(page.locator('#board .card[data-position="2"].scan-highlight')).to_have_count(1)
    expect(page.locator("#stop-confirm")).to_be_hidden()


def test_no_timer_outlives_its_use(page, stack):
    page.add_init_script(COUNT_TIMERS)
    name = pupil_with(stack, "Tim", scanning="auto", scan_interval_ms=700, cards_per_board=2)
    open_tablet(page, stack, pupil=name)
    expect(page.locator(".scan-highlight")).to_have_count(1, timeout=15_000)
    # One interval: the scanner's. The connection polls only while an answer waits.
    assert page.evaluate("liveTimers().intervals") == 1
    page.click("#stop")
    expect(page.locator("#stop-yes.scan-highlight")).to_have_count(1, timeout=15_000)
    assert page.evaluate("liveTimers().intervals") == 1  # the dialog's scanner, not the board's too
    page.click("#stop-yes")
    expect(page.locator("#question")).to_contain_text("stop now", timeout=30_000)
    page.wait_for_function("() => liveTimers().intervals === 0 && liveTimers().timeouts === 0", timeout=5_000)
