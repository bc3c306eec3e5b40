"""The two-school route walk again, with the record on PostgreSQL (as a many-school
deployment runs it)."""

from __future__ import annotations

import pytest

from actions.store import session_factory
from assistant import create_app
from tests.conftest import make_people
from tests.assistant.web.test_permissions import test_no_role_reaches_another_schools_rows  # noqa: F401


@pytest.fixture
def app(postgres_url, monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", postgres_url)
    monkeypatch.setenv("PUPIL_VOICE_INSTANCE", str(tmp_path / "instance"))
    session_factory.cache_clear()
    app = create_app({"DATABASE_URL": postgres_url, "SECRET_KEY": "test", "TESTING": True,
                      "RASA_URL": "http://127.0.0.1:9"})
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
