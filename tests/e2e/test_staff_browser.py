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
