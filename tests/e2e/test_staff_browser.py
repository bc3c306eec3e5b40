"""The staff area in a real browser: log in, walk the main pages, check each with axe-core,
and save a screenshot of each kind of page (artifacts/screenshots/staff-*.png)."""

from __future__ import annotations

import pytest
import requests
from playwright.sync_api import expect

from tests.e2e.test_tablet_browser import PHONE, PORTRAIT, TABLET, check_accessibility, shot

pytestmark = pytest.mark.slow


def test_staff_pages_are_accessible(page, stack):
    created = stack.new_session("sam", "interests")
    token = stack.tablet_token(created)
    headers = {"Authorization": f"Bearer {token}"}
    requests.post(f"{stack.web_url}/api/chat/start", headers=headers, timeout=60)
    requests.post(
        f"{stack.web_url}/api/chat/message", json={"text": "i love baking cakes"}, headers=headers, timeout=60
    )
    page.goto(f"{stack.web_url}/staff/login")
    check_accessibility(page, "staff login")
    shot(page, "staff-login")
    page.fill("#email", "lead@school.test")
    page.fill("#password", "correct horse battery")
    page.click("button[type=submit]")
    page.wait_for_url("**/staff/")
    sam = stack.ids["sam"]
    for name, path in [
        ("home", "/staff/"),
        ("pupils", "/staff/pupils"),
        ("pupil", f"/staff/pupils/{sam}"),
        ("profile", f"/staff/pupils/{sam}/profile"),
        ("new-session", "/staff/sessions/new"),
        ("review", f"/staff/sessions/{created['session_id']}"),
        ("encounters", "/staff/encounters"),
        ("gatsby", "/staff/gatsby"),
        ("summary", f"/staff/pupils/{sam}/summary"),
        ("my-profile", f"/staff/pupils/{sam}/my-profile"),
    ]:
        response = page.goto(stack.web_url + path)
        assert response.status == 200, (path, response.status)
        check_accessibility(page, name)
        shot(page, f"staff-{name}")
    page.goto(f"{stack.web_url}/staff/sessions/{created['session_id']}")
    assert "i love baking cakes" in page.content()


def test_a_disclosure_on_the_tablet_reaches_the_safeguarding_lead_only(page, stack):
    """The concern path end to end: a pupil types words that may disclose harm on the tablet;
    the assistant answers calmly and records no career answer; the safeguarding lead's home
    page alerts them and their concerns page shows the words; an advocate of the pupil's
    group never sees them."""
    from playwright.sync_api import expect

    from tests.e2e.test_tablet_browser import entries_of, open_tablet

    session_id = open_tablet(page, stack, pupil="sam")
    page.fill("#answer", "my step dad hits me")
    page.press("#answer", "Enter")
    expect(page.locator(".bot", has_text="Thank you for telling me")).to_be_visible(timeout=30_000)
    assert all("hits" not in (e.words or "") for e in entries_of(stack, session_id))

    def log_in(email):
        page.context.clear_cookies()  # whoever an earlier test logged in as
        page.goto(f"{stack.web_url}/staff/login")
        page.fill("#email", email)
        page.fill("#password", "correct horse battery")
        page.click("form:not(.logout) button[type=submit]")
        page.wait_for_url("**/staff/")

    log_in("ta@school.test")
    for path in ("/staff/", f"/staff/pupils/{stack.ids['sam']}", f"/staff/sessions/{session_id}"):
        page.goto(stack.web_url + path)
        assert "hits me" not in page.content(), path
    assert page.goto(f"{stack.web_url}/staff/concerns/").status == 403

    log_in("dsl@school.test")
    expect(page.get_by_role("alert")).to_contain_text("new safeguarding concern")
    check_accessibility(page, "safeguarding lead's home")
    shot(page, "staff-dsl-home")
    page.get_by_role("link", name="Read it now").click()
    expect(page.locator("blockquote", has_text="my step dad hits me")).to_be_visible()
    for size, suffix in [(TABLET, "landscape"), (PORTRAIT, "portrait"), (PHONE, "phone")]:
        page.set_viewport_size(size)
        check_accessibility(page, f"concerns ({suffix})")
        shot(page, f"staff-concerns-{suffix}")
    page.set_viewport_size(TABLET)
    page.get_by_role("button", name="Mark as seen").first.click()
    expect(page.get_by_text("Marked as seen.")).to_be_visible()
    page.goto(f"{stack.web_url}/staff/")
    expect(page.get_by_role("alert")).to_have_count(0)
    page.click("form.logout button[type=submit]")  # the next test logs in as someone else
    page.wait_for_url("**/staff/login")


def _log_in(page, stack):
    """Log in as the careers lead (the browser may still be logged in from another test)."""
    page.goto(f"{stack.web_url}/staff/")
    if "/staff/login" not in page.url:
        return
    page.fill("#email", "lead@school.test")
    page.fill("#password", "correct horse battery")
    page.click("form:not(.logout) button[type=submit]")
    page.wait_for_url("**/staff/")


def at_three_sizes(page, name: str):
    """Photograph a staff screen at the three sizes; nothing may overflow sideways."""
    for size, suffix in [(TABLET, "landscape"), (PORTRAIT, "portrait"), (PHONE, "phone")]:
        page.set_viewport_size(size)
        page.wait_for_timeout(150)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), (name, suffix)
        shot(page, f"{name}-{suffix}")
    page.set_viewport_size(TABLET)


def _drafts(stack, session_id: str, n: int) -> list[str]:
    """n draft answers of Sam's: all but the last checked back by choosing, at the first card."""
    from datetime import datetime, timedelta

    from assistant.record.models import Entry

    ids = []
    for i in range(n):
        entry = Entry(
            pupil_id=stack.ids["sam"],
            session_id=session_id,
            moment="interests",
            step="likes",
            question="What do you like doing?",
            answer_kind="concept",
            concept_ids=[("cooking", "animals", "music", "art", "football")[i % 5]],
            stance="like",
            rating="like",
            words=f"my answer {i}",
            input_mode="typed",
            provenance="independent",
            status="draft",
            checked_back=i < n - 1,
            response_ms=1500 + 500 * i,
            card_position=0,
            created_at=datetime(2026, 12, 1, 9) + timedelta(minutes=i),
        )
        stack.db.add(entry)
        stack.db.flush()
        ids.append(entry.id)
    stack.db.commit()
    return ids


def test_review_queue_confirm_all_and_undo_in_the_browser(page, stack):
    created = stack.new_session("sam", "interests")
    ids = _drafts(stack, created["session_id"], 8)
    _log_in(page, stack)
    # Home: what needs review, a filter, a table that fits a phone.
    expect(page.locator("input[name=show][value=review]")).to_be_checked()
    expect(page.get_by_role("link", name="8 to review for Sam Taylor")).to_be_visible()
    check_accessibility(page, "home filtered")
    at_three_sizes(page, "staff-home-queue")
    page.get_by_role("link", name="8 to review for Sam Taylor").click()
    expect(page.get_by_role("link", name="Needs review (8)")).to_have_attribute("aria-current", "page")
    expect(page.locator(".how").first).to_contain_text("chose the first card on the board")
    check_accessibility(page, "review queue")
    at_three_sizes(page, "staff-review-queue")
    # Confirm one answer far down the page by keyboard: "Saved." is beside it, on screen.
    last = page.locator(f"#entry-{ids[6]} form.quick button")
    last.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**#entry-{ids[6]}")
    saved = page.locator(f"#entry-{ids[6]} .saved")
    expect(saved).to_have_text("Saved.")
    expect(saved).to_be_in_viewport()
    shot(page, "staff-review-saved")
    # Confirm every checked-back answer in one action; then undo it.
    page.get_by_role("button", name="Confirm the 6 answers Sam checked back").click()
    expect(page.locator("#bulk-done")).to_have_text("Confirmed 6 answers the pupil checked back.")
    expect(page.locator("#bulk-done")).to_be_in_viewport()
    expect(page.get_by_role("link", name="Needs review (1)")).to_be_visible()
    check_accessibility(page, "review after confirm-all")
    at_three_sizes(page, "staff-review-confirmed")
    stack.db.expire_all()
    from assistant.record.models import Entry

    assert [stack.db.get(Entry, i).status for i in ids] == ["confirmed"] * 7 + ["draft"]
    page.get_by_role("button", name="Undo").click()
    expect(page.locator("#bulk-done")).to_have_text("Undone: 6 answers back to review.")
    stack.db.expire_all()
    assert [stack.db.get(Entry, i).status for i in ids] == ["draft"] * 6 + ["confirmed", "draft"]


def test_start_form_hides_the_encounter_and_keeps_its_values(page, stack):
    _log_in(page, stack)
    page.goto(f"{stack.web_url}/staff/sessions/new")
    expect(page.locator("#encounter-field")).to_be_hidden()  # interests: no encounter
    page.select_option("#pupil_id", str(stack.ids["leo"]))
    page.select_option("#conversation", "debrief")
    expect(page.locator("#encounter-field")).to_be_visible()
    expect(page.locator("#encounter-hint")).to_contain_text("not recorded as going to any encounter")
    check_accessibility(page, "start form")
    at_three_sizes(page, "staff-start-form")
    page.fill("#adult_name", "Mrs Jones")
    page.get_by_role("button", name="Start").click()
    expect(page.locator("#start-error")).to_contain_text("need one")
    expect(page.locator("#pupil_id")).to_have_value(str(stack.ids["leo"]))
    expect(page.locator("#conversation")).to_have_value("debrief")
    expect(page.locator("#adult_name")).to_have_value("Mrs Jones")
    shot(page, "staff-start-error")
    # From the encounter page: a debrief for a pupil who went, the form filled in.
    page.goto(f"{stack.web_url}/staff/encounters/{stack.ids['visit']}")
    check_accessibility(page, "encounter")
    page.get_by_role("link", name="Start a debrief with Sam").click()
    expect(page.locator("#pupil_id")).to_have_value(str(stack.ids["sam"]))
    expect(page.locator("#conversation")).to_have_value("debrief")
    expect(page.locator("#encounter_id")).to_have_value(str(stack.ids["visit"]))
    page.get_by_role("button", name="Start").click()
    expect(page.locator(".code").first).to_be_visible()
