"""Alembic migrations build exactly the tables the models describe, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from assistant.record.database import make_engine
from assistant.record.migrate import upgrade
from assistant.record.models import Base


def test_migrations_match_the_models_and_rerun_cleanly(db_url):
    upgrade(db_url)  # a second run changes nothing
    engine = make_engine(db_url)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert diff == []
