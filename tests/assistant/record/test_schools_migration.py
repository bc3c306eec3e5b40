"""Migration 16a1 brings a single-school database under its first school without losing a
row, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime

from alembic import command
from sqlalchemy import MetaData, func, inspect, select, text

from assistant.record.database import make_engine
from assistant.record.migrate import alembic_config

T = datetime(2026, 11, 1, 9, 0)


def _fill_single_school_record(connection) -> None:
    """One of every row, as a database at 15a1 (before schools) held them."""
    t = MetaData()
    t.reflect(connection)
    rows = {
        "groups": [{"id": 1, "name": "Oak class"}, {"id": 2, "name": "Willow class"}],
        "staff": [
            {
                "id": 1,
                "email": "lead@school.test",
                "display_name": "Ms Lead",
                "role": "careers_lead",
                "password_hash": "x",
                "failed_logins": 0,
                "created_at": T,
                "must_change_password": False,
            },
            {
                "id": 2,
                "email": "ta@school.test",
                "display_name": "Mr TA",
                "role": "advocate",
                "password_hash": "x",
                "failed_logins": 0,
                "created_at": T,
                "must_change_password": False,
            },
        ],
        "staff_groups": [{"staff_id": 2, "group_id": 1}],
        "staff_sessions": [{"id": "h" * 64, "staff_id": 1, "created_at": T, "last_seen_at": T}],
        "pupils": [
            {
                "id": 1,
                "given_name": "Sam",
                "family_name": "Taylor",
                "group_id": 1,
                "reference": "R1",
                "words_shareable": True,
                "sharing_note": "",
                "created_at": T,
            },
            {
                "id": 2,
                "given_name": "Leo",
                "family_name": "Brown",
                "group_id": 2,
                "reference": None,
                "words_shareable": True,
                "sharing_note": "",
                "created_at": T,
            },
        ],
        "communication_profiles": [
            {
                "id": 1,
                "pupil_id": 1,
                "symbol_set": "openmoji",
                "cards_per_board": 4,
                "voice": "en-gb",
                "speech_rate": 140,
                "auto_speak": True,
                "input_modes": ["touch"],
                "text_size": "large",
                "high_contrast": False,
                "reduced_motion": False,
                "selection": "two_tap",
                "scanning": "off",
                "scan_interval_ms": 2000,
                "listen_seconds": 6,
                "show_mic": True,
                "help_after_seconds": 30,
            }
        ],
        "encounters": [
            {
                "id": 1,
                "type": "workplace_visit",
                "title": "Garden centre",
                "date": date(2026, 10, 1),
                "place": "",
                "provider": "",
                "notes": "",
                "gatsby_benchmarks": [6],
                "photo_consent": "",
                "created_at": T,
            }
        ],
        "encounter_pupils": [{"encounter_id": 1, "pupil_id": 1}],
        "conversation_sessions": [
            {
                "id": "s1",
                "rasa_sender_id": "r1",
                "pupil_id": 1,
                "conversation": "debrief",
                "encounter_id": 1,
                "started_by_id": 2,
                "adult_present": True,
                "adult_name": "Mr TA",
                "status": "finished",
                "created_at": T,
            }
        ],
        "entries": [
            {
                "id": "e1",
                "pupil_id": 1,
                "session_id": "s1",
                "moment": "debrief",
                "step": "liked",
                "question": "What did you like?",
                "answer_kind": "words",
                "concept_ids": [],
                "words": "the plants",
                "input_mode": "typed",
                "provenance": "independent",
                "adult_name": "",
                "status": "confirmed",
                "checked_back": False,
                "encounter_id": 1,
                "created_at": T,
                "updated_at": T,
            }
        ],
        "annotations": [{"id": 1, "entry_id": "e1", "staff_id": 1, "kind": "confirm", "text": "", "at": T}],
        "concerns": [
            {
                "id": 1,
                "pupil_id": 1,
                "session_id": "s1",
                "words": "w",
                "category": "harm",
                "question": "",
                "input_mode": "typed",
                "provenance": "independent",
                "adult_name": "",
                "created_at": T,
            }
        ],
        "chat_requests": [{"id": 1, "session_id": "s1", "client_id": "c1", "created_at": T}],
        "voice_profiles": [{"pupil_id": 1, "consent_given_by": "Parent", "consent_at": T, "scale": 1.0}],
        "voice_templates": [
            {"id": 1, "pupil_id": 1, "card_id": "like", "features": b"\x00\x01", "source": "enrolment", "created_at": T}
        ],
        "audit_events": [
            {"id": 1, "at": T, "staff_id": 1, "action": "view", "pupil_id": 1, "detail": "pupil page"},
            {"id": 2, "at": T, "staff_id": None, "action": "import", "pupil_id": None, "detail": ""},
        ],
    }
    for table, values in rows.items():
        connection.execute(t.tables[table].insert(), values)


def _counts(connection) -> dict[str, int]:
    t = MetaData()
    t.reflect(connection)
    return {
        name: connection.execute(select(func.count()).select_from(table)).scalar_one()
        # Tables added empty by later migrations (trusts 16a2, school_settings 16a3) are not rows to lose.
        for name, table in t.tables.items()
        if name not in ("alembic_version", "schools", "trusts", "school_settings")
    }


def test_a_single_school_database_upgrades_in_place_under_its_first_school(bare_url, monkeypatch):
    monkeypatch.setenv("SCHOOL_NAME", "Hillside School")
    command.upgrade(alembic_config(bare_url), "15a1")
    engine = make_engine(bare_url)
    with engine.begin() as connection:
        _fill_single_school_record(connection)
    with engine.connect() as connection:
        before = _counts(connection)
    assert all(before.values()), before  # every table has a row to lose

    command.upgrade(alembic_config(bare_url), "head")

    with engine.connect() as connection:
        assert _counts(connection) == before
        assert connection.execute(text("SELECT id, name FROM schools")).all() == [(1, "Hillside School")]
        for table in ("staff", "pupils", "groups", "encounters", "audit_events"):
            assert connection.execute(text(f"SELECT DISTINCT school_id FROM {table}")).all() == [(1,)], table
        # The entry still hangs off its pupil and session (nothing cascaded away on the copy).
        assert connection.execute(text("SELECT pupil_id, session_id FROM entries")).all() == [(1, "s1")]
    engine.dispose()

    # The next school gets a new id (PostgreSQL's sequence moved past the first).
    from assistant.record.database import make_session_factory
    from assistant.services.schools import create_school

    engine = make_engine(bare_url)
    db = make_session_factory(engine)()
    assert create_school(db, "Second School").id == 2
    db.close()
    engine.dispose()


def test_the_migration_downgrades_and_upgrades_again(bare_url):
    command.upgrade(alembic_config(bare_url), "15a1")
    engine = make_engine(bare_url)
    with engine.begin() as connection:
        _fill_single_school_record(connection)
    command.upgrade(alembic_config(bare_url), "head")
    command.downgrade(alembic_config(bare_url), "15a1")
    with engine.connect() as connection:
        assert "schools" not in inspect(connection).get_table_names()
        assert connection.execute(text("SELECT count(*) FROM pupils")).scalar_one() == 2
    command.upgrade(alembic_config(bare_url), "head")
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM entries")).scalar_one() == 1
    engine.dispose()


def test_a_new_database_has_one_school_named_our_school_by_default(sqlite_db):
    from assistant.services.schools import list_schools

    assert [s.name for s in list_schools(sqlite_db)] == ["Our school"]
