"""One real stack (Rasa, action server, web app on loopback) for all end-to-end tests."""

from __future__ import annotations

import tempfile
from datetime import date

import pytest
import requests
from playwright.sync_api import sync_playwright

from assistant.record.database import make_engine, make_session_factory
from assistant.record.migrate import upgrade
from assistant.services.encounters import create_encounter
from scripts.train_model import model_path
from tests.conftest import make_people
from tests.e2e.browser import CHROMIUM_FLAGS, TABLET, close_page
from tests.e2e.stack import Stack


class RunningStack(Stack):
    def staff(self) -> requests.Session:
        """An HTTP session logged in as the careers lead."""
        http = requests.Session()
        response = http.post(
            f"{self.web_url}/api/login", json={"email": "lead@school.test", "password": "correct horse battery"}
        )
        assert response.status_code == 200
        return http

    def new_session(self, pupil: str = "sam", conversation: str = "interests", **extra) -> dict:
        """Start a session as the careers lead: session_id, code and tablet_url (one-time)."""
        body = {"pupil_id": self.ids[pupil], "conversation": conversation, **extra}
        response = self.staff().post(f"{self.web_url}/api/sessions", json=body)
        assert response.status_code == 201, response.text
        return response.json()

    def tablet_token(self, created: dict) -> str:
        """Swap a new session's code for its tablet token, as the tablet page does."""
        response = requests.post(f"{self.web_url}/api/chat/claim", json={"code": created["code"]})
        assert response.status_code == 200, response.text
        return response.json()["tablet_token"]


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    model = model_path(quick=True)
    assert model.exists(), "no test model: run bin/test (it trains one)"
    workdir = tmp_path_factory.mktemp("stack")
    url = f"sqlite:///{workdir / 'record.db'}"
    upgrade(url)
    engine = make_engine(url)
    db = make_session_factory(engine)()
    _lead, _advocate, sam, leo = make_people(db)
    visit = create_encounter(
        db,
        "workplace_visit",
        "Visit to the garden centre",
        date(2026, 11, 20),
        place="the garden centre",
        pupil_ids=[sam.id],
    )
    running = RunningStack(workdir, url, model)
    running.ids = {"sam": sam.id, "leo": leo.id, "visit": visit.id}
    running.db = db
    try:
        yield running.start()
    finally:
        running.stop()
        db.close()
        engine.dispose()


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium per test module, with a profile of its own."""
    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as profile:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_FLAGS, viewport=TABLET
        )
        yield context
        context.close()


@pytest.fixture
def page(browser):
    page = browser.new_page()
    yield page
    close_page(page)
