"""Shared fixtures: a migrated database on SQLite or PostgreSQL, demo people, the web app."""

from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import create_engine, text

from assistant.db import make_engine, make_session_factory
from assistant.migrate import upgrade
from assistant.pupils import create_pupil
from assistant.staff import create_staff
from symbols.catalogue import load_catalogue

# The web app signs what it sends to Rasa and the actions check it (assistant/channel.py):
# every part a test starts, in this process or a child, shares this secret.
os.environ.setdefault("CHANNEL_SECRET", "test-channel-secret")

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


@pytest.fixture
def catalogue():
    return load_catalogue()


def _sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'record.db'}"


@pytest.fixture
def sqlite_url(tmp_path):
    url = _sqlite_url(tmp_path)
    upgrade(url)
    return url


@pytest.fixture
def postgres_url():
    """A fresh schema in the local PostgreSQL, dropped afterwards."""
    schema = "t_" + uuid.uuid4().hex[:12]
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    url = f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    upgrade(url)
    yield url
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """Storage tests run on both the embedded default and PostgreSQL."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("postgres_url")


def _session_on(url):
    engine = make_engine(url)
    session = make_session_factory(engine)()
    yield session
    session.close()
    engine.dispose()


@pytest.fixture
def db(db_url):
    """A session on the migrated database (SQLite, then PostgreSQL)."""
    yield from _session_on(db_url)


@pytest.fixture
def sqlite_db(sqlite_url):
    """A session on a migrated SQLite database only."""
    yield from _session_on(sqlite_url)


def make_people(db):
    """A careers lead, an advocate of Oak class, two pupils (Oak and Willow), an administrator
    and the designated safeguarding lead (who works with Oak class too)."""
    lead = create_staff(db, "lead@school.test", "Ms Lead", "careers_lead", "correct horse battery")
    advocate = create_staff(db, "ta@school.test", "Mr TA", "advocate", "correct horse battery",
                            group_names=["Oak class"])
    sam = create_pupil(db, "Sam", "Taylor", "Year 11", "Oak class", cards_per_board=4)
    leo = create_pupil(db, "Leo", "Brown", "Year 10", "Willow class")
    create_staff(db, "admin@school.test", "Ada Admin", "admin", "correct horse battery")
    create_staff(db, "dsl@school.test", "Ms Safe", "dsl", "correct horse battery",
                 group_names=["Oak class"])
    return lead, advocate, sam, leo


@pytest.fixture
def people(db):
    return make_people(db)


@pytest.fixture(scope="session")
def vocabulary():
    """The project's vocabulary (symbols/vocabulary.yml): the concept ids it must keep."""
    import yaml

    from symbols.catalogue import VOCABULARY_PATH

    return yaml.safe_load(VOCABULARY_PATH.read_text(encoding="utf-8"))
