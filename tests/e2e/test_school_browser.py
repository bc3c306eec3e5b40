"""Issue 16's settings page in a real browser, against the web app alone (no Rasa needed):
the school administrator sees the school's name in the header, changes the settings, a bad
value is refused with a message by the field, and the page passes axe-core at 1280x800,
800x1280 and a phone (screenshots in /tmp/shots/schoolcfg/)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.conftest import make_people
from tests.e2e.test_tablet_browser import PHONE, PORTRAIT, TABLET, check_accessibility

pytestmark = pytest.mark.slow
PASSWORD = "correct horse battery"
SHOTS = Path("/tmp/shots/schoolcfg")
SIZES = [("tablet", TABLET), ("portrait", PORTRAIT), ("phone", PHONE)]


@pytest.fixture
def web(sqlite_url, tmp_path, monkeypatch):
    """The web app on 127.0.0.1 (a free port) with the test people of "Our school"."""
    from assistant import create_app
    from assistant.web.store import get_db

    monkeypatch.setenv("PUPIL_VOICE_INSTANCE", str(tmp_path / "instance"))
    app = create_app({"DATABASE_URL": sqlite_url, "SECRET_KEY": "e2e", "RASA_URL": "http://127.0.0.1:9"})
    with app.app_context():
        make_people(get_db())
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", app
    server.shutdown()
    thread.join(10)


def shot(page, name: str):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_the_administrator_changes_the_schools_settings(page, web):
    from assistant.services.school_settings import effective
    from assistant.web.store import get_db

    url, app = web
    page.goto(f"{url}/staff/login")
    page.fill("#email", "admin@school.test")
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/staff/")
    page.click("text=School settings")
    page.wait_for_url("**/staff/school/settings")
    assert page.inner_text("header .school") == "Our school"
    assert page.inner_text("h1") == "Settings for Our school"
    for name, size in SIZES:
        page.set_viewport_size(size)
        check_accessibility(page, f"school settings ({name})")
        shot(page, f"settings-{name}")

    page.set_viewport_size(TABLET)
    page.fill("#retention_days", "twelve")
    page.click("main button[type=submit]")
    assert "whole number of days" in page.inner_text(".flash.error")
    assert page.input_value("#retention_days") == "twelve"  # what was typed stays to be corrected
    for name, size in SIZES:
        page.set_viewport_size(size)
        check_accessibility(page, f"school settings, refused ({name})")
        shot(page, f"settings-refused-{name}")

    page.set_viewport_size(TABLET)
    page.fill("#retention_days", "120")
    page.select_option("#summary_adult_notes", "no")
    page.click("main button[type=submit]")
    page.wait_for_selector(".flash.ok")
    assert page.input_value("#retention_days") == "120"
    assert page.input_value("#summary_adult_notes") == "no"
    shot(page, "settings-saved-tablet")
    with app.app_context():
        now = effective(get_db(), 1, app.config)
    assert (now.retention_days, now.summary_adult_notes) == (120, False)
