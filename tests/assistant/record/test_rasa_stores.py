"""Rasa's stores from the settings: SQLite by default; on PostgreSQL a schema and a role of
their own with small pools; Redis locks when REDIS_URL is set."""

from __future__ import annotations

import os
import uuid

import pytest
import yaml
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ProgrammingError

from assistant.record.rasa_stores import (
    lock_store_config,
    prepare_tracker_store,
    rasa_endpoints,
    rasa_environment,
    write_endpoints,
)
from assistant.settings import load_settings
from tests.conftest import POSTGRES_URL

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
DATABASE = make_url(POSTGRES_URL).database


def test_the_default_is_sqlite_in_the_instance_folder_and_no_lock_store(tmp_path, monkeypatch):
    for key in ("DATABASE_URL", "TRACKER_STORE_URL", "REDIS_URL", "RASA_URL"):
        monkeypatch.delenv(key, raising=False)
    settings = load_settings(tmp_path)
    endpoints = rasa_endpoints(settings, "http://127.0.0.1:5055/webhook")
    assert endpoints == {
        "action_endpoint": {"url": "http://127.0.0.1:5055/webhook"},
        "tracker_store": {"type": "SQL", "dialect": "sqlite", "db": str(tmp_path / "rasa_trackers.db")},
    }
    assert settings["RASA_URLS"] == ["http://127.0.0.1:5005"]


def test_postgresql_record_means_a_postgresql_tracker_in_its_own_schema_and_role(tmp_path):
    settings = load_settings(
        tmp_path,
        {
            "DATABASE_URL": "postgresql://app:secret@db.school:6432/voice",
            "TRACKER_DB_PASSWORD": "p/w",
            "REDIS_URL": "redis://:hush@cache.school:6380/2",
            "RASA_URL": "http://10.0.0.5:5005/, http://10.0.0.6:5005",
        },
    )
    assert (
        settings["TRACKER_STORE_URL"]
        == "postgresql://pupil_voice_rasa:p%2Fw@db.school:6432/voice?options=-csearch_path%3Drasa"
    )
    endpoints = rasa_endpoints(settings, "http://127.0.0.1:5055/webhook")
    assert endpoints["tracker_store"] == {
        "type": "SQL",
        "dialect": "postgresql",
        "url": "db.school",
        "port": 6432,
        "db": "voice",
        "username": "pupil_voice_rasa",
        "password": "p/w",
        "query": {"options": "-csearch_path=rasa"},
    }
    assert endpoints["lock_store"] == {
        "type": "nlu_components.atomic_lock_store.AtomicRedisLockStore",
        "url": "cache.school",
        "port": 6380,
        "db": 2,
        "key_prefix": "pupilvoice",
        "password": "hush",
    }
    assert rasa_environment(settings) == {"SQL_POOL_SIZE": "2", "SQL_MAX_OVERFLOW": "3", "TICKET_LOCK_LIFETIME": "30"}
    assert settings["RASA_URLS"] == ["http://10.0.0.5:5005", "http://10.0.0.6:5005"]
    written = write_endpoints(settings, tmp_path / "rasa" / "endpoints.yml", "http://a/webhook")
    assert yaml.safe_load(written.read_text())["tracker_store"]["username"] == "pupil_voice_rasa"
    assert written.stat().st_mode & 0o077 == 0  # it holds the role's password


def test_an_explicit_tracker_store_url_wins(tmp_path):
    settings = load_settings(
        tmp_path, {"DATABASE_URL": "postgresql://a@h/db", "TRACKER_STORE_URL": "sqlite:////srv/trackers.db"}
    )
    assert rasa_endpoints(settings, "u")["tracker_store"]["db"] == "/srv/trackers.db"
    assert lock_store_config(settings) is None


@pytest.fixture
def tracker_settings(tmp_path):
    """Settings on the local PostgreSQL with a throwaway tracker schema and role."""
    name = "scale_" + uuid.uuid4().hex[:10]
    settings = load_settings(
        tmp_path,
        {"DATABASE_URL": POSTGRES_URL, "TRACKER_SCHEMA": name, "TRACKER_DB_ROLE": name, "TRACKER_DB_PASSWORD": "pw"},
    )
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as db:
        db.execute(text("CREATE TABLE IF NOT EXISTS scale_record_probe (secret text)"))
    yield settings
    with admin.begin() as db:
        db.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
        db.execute(text(f'REVOKE ALL ON DATABASE "{DATABASE}" FROM "{name}"'))
        db.execute(text(f'DROP ROLE IF EXISTS "{name}"'))
    admin.dispose()


def test_the_tracker_role_uses_its_schema_and_cannot_read_the_record(tracker_settings):
    assert prepare_tracker_store(tracker_settings)
    assert prepare_tracker_store(tracker_settings)  # idempotent
    tracker = create_engine(tracker_settings["TRACKER_STORE_URL"])
    try:
        with tracker.begin() as db:  # what Rasa does: its events table, in its own schema
            db.execute(text("CREATE TABLE events (id serial primary key, sender_id text)"))
            db.execute(text("INSERT INTO events (sender_id) VALUES ('s1')"))
            schema = db.execute(
                text("SELECT table_schema FROM information_schema.tables WHERE table_name = 'events'")
            ).scalar()
            assert schema == tracker_settings["TRACKER_SCHEMA"]
        with pytest.raises(ProgrammingError, match="permission denied"):
            with tracker.begin() as db:
                db.execute(text("SELECT * FROM public.scale_record_probe"))
        with pytest.raises(ProgrammingError, match="permission denied"):
            with tracker.begin() as db:
                db.execute(text("CREATE TABLE public.scale_sneaky (x int)"))
    finally:
        tracker.dispose()


def test_erasure_reaches_the_tracker_events_on_postgresql(tracker_settings):
    from assistant.services.erasure import _erase_tracker_events

    prepare_tracker_store(tracker_settings)
    tracker = create_engine(tracker_settings["TRACKER_STORE_URL"])
    with tracker.begin() as db:
        db.execute(text("CREATE TABLE events (id serial primary key, sender_id text)"))
        db.execute(text("INSERT INTO events (sender_id) VALUES ('gone'), ('gone'), ('kept')"))
    assert _erase_tracker_events(tracker_settings["TRACKER_STORE_URL"], ["gone"]) == 2
    with tracker.begin() as db:
        assert db.execute(text("SELECT sender_id FROM events")).scalars().all() == ["kept"]
    tracker.dispose()
