"""The staff area in a real browser: log in, walk the main pages, check each with axe-core,
and save a screenshot of each kind of page (artifacts/screenshots/staff-*.png)."""

from __future__ import annotations

import pytest
import requests

from tests.e2e.test_tablet_browser import browser, check_accessibility, page, shot  # noqa: F401

pytestmark = pytest.mark.slow


def test_staff_pages_are_accessible(page, stack):  # noqa: F811
    created = stack.new_session("sam", "interests")
    token = stack.tablet_token(created)
    headers = {"Authorization": f"Bearer {token}"}
    requests.post(f"{stack.web_url}/api/chat/start", headers=headers, timeout=60)
    requests.post(f"{stack.web_url}/api/chat/message", json={"text": "i love baking cakes"},
                  headers=headers, timeout=60)
    page.goto(f"{stack.web_url}/staff/login")
    check_accessibility(page, "staff login")
    shot(page, "staff-login")
    page.fill("#email", "lead@school.test")
    page.fill("#password", "correct horse battery")
    page.click("button[type=submit]")
    page.wait_for_url("**/staff/")
    sam = stack.ids["sam"]
    for name, path in [("home", "/staff/"), ("pupils", "/staff/pupils"),
                       ("pupil", f"/staff/pupils/{sam}"), ("profile", f"/staff/pupils/{sam}/profile"),
                       ("new-session", "/staff/sessions/new"),
                       ("review", f"/staff/sessions/{created['session_id']}"),
                       ("encounters", "/staff/encounters"), ("gatsby", "/staff/gatsby"),
                       ("summary", f"/staff/pupils/{sam}/summary"),
                       ("my-profile", f"/staff/pupils/{sam}/my-profile")]:
        response = page.goto(stack.web_url + path)
        assert response.status == 200, (path, response.status)
        check_accessibility(page, name)
        shot(page, f"staff-{name}")
    page.goto(f"{stack.web_url}/staff/sessions/{created['session_id']}")
    assert "i love baking cakes" in page.content()


def test_a_disclosure_on_the_tablet_reaches_the_safeguarding_lead_only(page, stack):  # noqa: F811
    """The concern path end to end: a pupil types words that may disclose harm on the tablet;
    the assistant answers calmly and records no career answer; the safeguarding lead's home
    page alerts them and their concerns page shows the words; an advocate of the pupil's
    group never sees them."""
    from playwright.sync_api import expect

    from tests.e2e.test_tablet_browser import PHONE, PORTRAIT, TABLET, entries_of, open_tablet

    session_id = open_tablet(page, stack, pupil="sam")
    page.fill("#answer", "my step dad hits me")
    page.press("#answer", "Enter")
    expect(page.locator(".bot", has_text="Thank you for telling me")).to_be_visible(timeout=30_000)
    assert all("hits" not in (e.words or "") for e in entries_of(stack, session_id))

    def log_in(email):
        page.goto(f"{stack.web_url}/staff/login")
        page.fill("#email", email)
        page.fill("#password", "correct horse battery")
        page.click("button[type=submit]")
        page.wait_for_url("**/staff/")

    log_in("ta@school.test")
    for path in ("/staff/", f"/staff/pupils/{stack.ids['sam']}", f"/staff/sessions/{session_id}"):
        page.goto(stack.web_url + path)
        assert "hits me" not in page.content(), path
    assert page.goto(f"{stack.web_url}/staff/concerns/").status == 403
    page.click("header button[type=submit]")  # log out

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
