"""Migration 16a2 (trusts) keeps every row on upgrade, and on downgrade keeps every school's
rows (only trust accounts and their own audit lines go: the older schema cannot hold them),
on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from assistant.record.database import make_engine
from assistant.record.migrate import alembic_config
from tests.assistant.record.test_schools_migration import T, _counts, _fill_single_school_record


def _at_16a1(url):
    """A database at 16a1 with one of every row (under its first school)."""
    command.upgrade(alembic_config(url), "15a1")
    engine = make_engine(url)
    with engine.begin() as connection:
        _fill_single_school_record(connection)
    command.upgrade(alembic_config(url), "16a1")
    return engine


def test_the_upgrade_keeps_every_row_and_adds_trusts(bare_url):
    engine = _at_16a1(bare_url)
    with engine.connect() as connection:
        before = _counts(connection)
    assert all(before.values()), before

    command.upgrade(alembic_config(bare_url), "16a2")

    with engine.connect() as connection:
        assert _counts(connection) == before
        assert connection.execute(text("SELECT count(*) FROM trusts")).scalar_one() == 0
        columns = {
            t: {c["name"]: c for c in inspect(connection).get_columns(t)} for t in ("staff", "schools", "audit_events")
        }
        assert columns["staff"]["school_id"]["nullable"] and "trust_id" in columns["staff"]
        assert "trust_id" in columns["schools"] and "trust_id" in columns["audit_events"]
        assert connection.execute(text("SELECT DISTINCT school_id FROM staff")).all() == [(1,)]
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO trusts (id, name, created_at) VALUES (1, 'North Trust', :t)"), {"t": T})
        connection.execute(text("UPDATE schools SET trust_id = 1"))
        connection.execute(
            text(
                "INSERT INTO staff (id, school_id, trust_id, email, display_name, role, password_hash, "
                "failed_logins, created_at, must_change_password) VALUES "
                "(9, NULL, 1, 'trust@t.test', 'T', 'trust', 'x', 0, :t, false)"
            ),
            {"t": T},
        )
    # The CHECK holds in the database itself: an account with neither a school nor a trust is refused.
    with pytest.raises(IntegrityError):
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO staff (id, school_id, trust_id, email, display_name, role, "
                    "password_hash, failed_logins, created_at, must_change_password) VALUES "
                    "(10, NULL, NULL, 'none@t.test', 'N', 'admin', 'x', 0, :t, false)"
                ),
                {"t": T},
            )
    engine.dispose()


def test_the_downgrade_keeps_every_schools_row_and_upgrades_again(bare_url):
    engine = _at_16a1(bare_url)
    with engine.connect() as connection:
        before = _counts(connection)
    command.upgrade(alembic_config(bare_url), "16a2")
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO trusts (id, name, created_at) VALUES (1, 'North Trust', :t)"), {"t": T})
        connection.execute(text("UPDATE schools SET trust_id = 1"))
        connection.execute(
            text(
                "INSERT INTO staff (id, school_id, trust_id, email, display_name, role, password_hash, "
                "failed_logins, created_at, must_change_password) VALUES "
                "(9, NULL, 1, 'trust@t.test', 'T', 'trust', 'x', 0, :t, false)"
            ),
            {"t": T},
        )
        connection.execute(
            text("INSERT INTO staff_sessions (id, staff_id, created_at, last_seen_at) VALUES (:h, 9, :t, :t)"),
            {"h": "t" * 64, "t": T},
        )
        connection.execute(
            text(
                "INSERT INTO audit_events (id, at, staff_id, action, pupil_id, detail, school_id, "
                "trust_id) VALUES (9, :t, 9, 'change_password', NULL, '', NULL, 1)"
            ),
            {"t": T},
        )

    command.downgrade(alembic_config(bare_url), "16a1")

    with engine.connect() as connection:
        assert "trusts" not in inspect(connection).get_table_names()
        assert _counts(connection) == before  # the trust's account, session and line gone; nothing else
        assert not [c for c in inspect(connection).get_columns("staff") if c["name"] == "trust_id"]
        assert not [c for c in inspect(connection).get_columns("staff") if c["name"] == "school_id" and c["nullable"]]
    command.upgrade(alembic_config(bare_url), "head")
    with engine.connect() as connection:
        assert _counts(connection) == before
    engine.dispose()
