"""The trust overview in a real browser (the web app alone, no Rasa): a trust account logs
in and lands on it, the chart and tables pass axe-core at three sizes, and the CSV link
downloads the figures. Screenshots at 1280x800, 800x1280 and 390x844 in /tmp/shots/trust/."""

from __future__ import annotations

import csv
import io
import threading
from datetime import date
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.conftest import OTHER_MARKERS, TRUST_LOGIN, make_other_school, make_people, make_trust
from tests.e2e.test_tablet_browser import PHONE, PORTRAIT, TABLET, check_accessibility

pytestmark = pytest.mark.slow
PASSWORD = "correct horse battery"
SHOTS = Path("/tmp/shots/trust")


@pytest.fixture
def web(sqlite_url, tmp_path, monkeypatch):
    """The web app on 127.0.0.1 with three schools in one trust (one with no pupils yet, one
    with a long name) and the trust's account."""
    from assistant import create_app
    from assistant.services.encounters import create_encounter
    from assistant.services.schools import create_school
    from assistant.web.store import get_db

    monkeypatch.setenv("PUPIL_VOICE_INSTANCE", str(tmp_path / "instance"))
    app = create_app({"DATABASE_URL": sqlite_url, "SECRET_KEY": "e2e", "RASA_URL": "http://127.0.0.1:9"})
    with app.app_context():
        db = get_db()
        _lead, _advocate, sam, leo = make_people(db)
        create_encounter(db, "workplace_visit", "Garden centre", date(2026, 3, 3), pupil_ids=[sam.id, leo.id])
        create_encounter(db, "guidance_interview", "Guidance", date(2026, 4, 4), pupil_ids=[sam.id])
        other = make_other_school(db)
        empty = create_school(db, "St Bartholomew's Church of England Special School and Sixth Form")
        make_trust(db, [1, other["school_id"], empty.id])
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(10)


def test_the_trust_overview_in_a_browser(page, web):
    page.goto(f"{web}/staff/login")
    page.fill("#email", TRUST_LOGIN)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/staff/trust/")
    assert page.locator("h1").inner_text().startswith("North Trust")
    chart = page.locator("figure svg[role=img]")
    assert chart.count() == 1 and "Other School" in chart.locator("desc").text_content()
    nav = page.locator("nav[aria-label='Staff area']").inner_text()
    assert "Trust overview" in nav and "Pupils" not in nav
    body = page.locator("body").inner_text()
    assert not [w for w in ("Sam", "Leo", *OTHER_MARKERS) if w in body]
    SHOTS.mkdir(parents=True, exist_ok=True)
    for name, size in [("landscape", TABLET), ("portrait", PORTRAIT), ("phone", PHONE)]:
        page.set_viewport_size(size)
        check_accessibility(page, f"trust overview ({name})")
        # Nothing wider than the screen but the tables' own scrolling boxes.
        assert page.evaluate("document.documentElement.scrollWidth") <= size["width"], name
        page.screenshot(path=str(SHOTS / f"overview-{name}.png"), full_page=True)
    with page.expect_download() as download:
        page.click("text=Download the figures (CSV)")
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text())))
    assert len(rows) == 24 and {r["school"] for r in rows} >= {"Our school", "Other School"}
