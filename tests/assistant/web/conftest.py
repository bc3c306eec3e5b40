from __future__ import annotations

import pytest

from actions.store import session_factory
from assistant import create_app
from assistant.web.rasa_client import RasaClient
from tests.conftest import make_people
from tests.fake_rasa import FakeRasa


def app_on(database_url, monkeypatch, tmp_path):
    """The web app on this database, with the test people, closed down afterwards."""
    monkeypatch.setenv("DATABASE_URL", database_url)  # the actions' own way into the record
    monkeypatch.setenv("PUPIL_VOICE_INSTANCE", str(tmp_path / "instance"))  # caches, symbol sets
    session_factory.cache_clear()
    app = create_app(
        {"DATABASE_URL": database_url, "SECRET_KEY": "test", "TESTING": True, "RASA_URL": "http://127.0.0.1:9"}
    )
    with app.app_context():
        from assistant.web.store import get_db

        app.people = [p.id for p in make_people(get_db())]
    yield app
    with app.app_context():
        from assistant.web.store import get_db

        get_db().close()
    speech = app.extensions.pop("pupil_voice.speech", None)
    if speech is not None:
        speech.close()
    session_factory.cache_clear()


@pytest.fixture
def app(sqlite_url, monkeypatch, tmp_path):
    yield from app_on(sqlite_url, monkeypatch, tmp_path)


@pytest.fixture
def fake_rasa(monkeypatch, catalogue):
    fake = FakeRasa(catalogue)
    monkeypatch.setattr(RasaClient, "send", lambda self, *args: fake.send(*args))
    return fake


@pytest.fixture
def client(app):
    return app.test_client()


def login(client, email="lead@school.test", password="correct horse battery"):
    response = client.post("/api/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.json
    return response


@pytest.fixture
def tablet(client, app, fake_rasa):
    """A logged-in careers lead has started an interests session for Sam; the tablet's headers."""
    login(client)
    response = client.post("/api/sessions", json={"pupil_id": app.people[2], "conversation": "interests"})
    assert response.status_code == 201
    client.post("/api/logout")
    claimed = client.post("/api/chat/claim", json={"code": response.json["code"]})
    assert claimed.status_code == 200
    return Tablet({"Authorization": "Bearer " + claimed.json["tablet_token"]}, response.json["session_id"])


class Tablet:
    def __init__(self, headers: dict, session_id: str):
        self.headers = headers
        self.session_id = session_id
