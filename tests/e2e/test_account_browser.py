"""Issue 10 in a real browser, against the web app alone (no Rasa needed): the CSP lets the
tablet and staff pages run (no violation reported), a one-time password leads to the
password page, and an administrator's account actions. Checked with axe-core; screenshots
at 1280x800, 800x1280 and a phone (artifacts/screenshots/account-*.png)."""

from __future__ import annotations

import re
import threading

import pytest
from werkzeug.serving import make_server

from tests.conftest import make_people
from tests.e2e.test_tablet_browser import PHONE, PORTRAIT, TABLET, check_accessibility, shot

pytestmark = pytest.mark.slow
PASSWORD = "correct horse battery"


@pytest.fixture
def web(sqlite_url, tmp_path, monkeypatch):
    """The web app on 127.0.0.1 (a free port), with a lead, an advocate, an administrator
    and a new account whose password is for one use."""
    from assistant import create_app
    from assistant.services.accounts import create_staff
    from assistant.web.store import get_db

    monkeypatch.setenv("PUPIL_VOICE_INSTANCE", str(tmp_path / "instance"))
    app = create_app({"DATABASE_URL": sqlite_url, "SECRET_KEY": "e2e", "RASA_URL": "http://127.0.0.1:9"})
    with app.app_context():
        make_people(get_db())
        create_staff(
            get_db(), "new@school.test", "Ms New", "advocate", PASSWORD, ["Oak class"], must_change_password=True
        )
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(10)


def _csp_violations(page) -> list[str]:
    found: list[str] = []
    page.on(
        "console",
        lambda message: (
            found.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text
            else None
        ),
    )
    return found


def _log_in(page, web, email):
    page.goto(f"{web}/staff/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")


def test_the_pages_run_under_the_csp(page, web):
    violations = _csp_violations(page)
    page.goto(f"{web}/tablet")
    page.wait_for_selector("#code-form", state="visible")
    page.goto(f"{web}/")
    _log_in(page, web, "lead@school.test")
    page.wait_for_url("**/staff/")
    for path in ["/staff/", "/staff/pupils", "/staff/encounters", "/staff/sessions/new"]:
        page.goto(web + path)
    assert violations == []


def test_a_one_time_password_leads_to_the_password_page(page, web):
    _log_in(page, web, "new@school.test")
    page.wait_for_url("**/staff/account/password")
    for name, size in [("tablet", TABLET), ("portrait", PORTRAIT), ("phone", PHONE)]:
        page.set_viewport_size(size)
        check_accessibility(page, f"password page ({name})")
        shot(page, f"account-password-{name}")
    page.fill("#current_password", PASSWORD)
    page.fill("#new_password", "lantern quietly orbit marble")
    page.fill("#repeat_password", "lantern quietly orbit marble")
    page.click("main button[type=submit]")
    page.wait_for_url("**/staff/")
    assert "Your password is changed" in page.content()


def test_an_administrator_disables_and_resets_accounts(page, web):
    _log_in(page, web, "admin@school.test")
    page.wait_for_url("**/staff/")
    page.goto(f"{web}/staff/accounts")
    for name, size in [("tablet", TABLET), ("portrait", PORTRAIT), ("phone", PHONE)]:
        page.set_viewport_size(size)
        check_accessibility(page, f"accounts page ({name})")
        shot(page, f"account-accounts-{name}")
    page.set_viewport_size(TABLET)
    page.click("button:has-text('Disable Mr TA')")
    assert "account is disabled" in page.content()
    page.click("button:has-text('Reset password for Mr TA')")
    page.wait_for_url("**/reset")
    check_accessibility(page, "password reset")
    shot(page, "account-reset-tablet")
    assert re.search(r"<strong>[^<]{12,}</strong>", page.content())
