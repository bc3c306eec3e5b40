"""The action server's way into the record: one session factory, built on first use."""

from __future__ import annotations

import functools
from pathlib import Path

from sqlalchemy.orm import sessionmaker

from assistant.record.database import make_engine, make_session_factory
from assistant.settings import load_settings
from symbols.sets import INSTANCE_SUBDIR


@functools.lru_cache(maxsize=1)
def session_factory() -> sessionmaker:
    """Sessions on the database named by the settings (DATABASE_URL)."""
    return make_session_factory(make_engine(load_settings()["DATABASE_URL"]))


def sets_root() -> Path:
    """The folder of every school's symbol sets, in the instance folder the settings name
    (the core picks the pupil's school's sets from it)."""
    return Path(load_settings()["INSTANCE_PATH"]) / INSTANCE_SUBDIR


def channel_secret() -> str | None:
    """The secret the web app signs its messages with (read each time: the web app may
    create it after the action server started)."""
    return load_settings().get("CHANNEL_SECRET")
