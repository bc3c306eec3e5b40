"""Issue 10, in the core and between the parts: local trust (file modes, the signed channel
to Rasa and the action server), an atomic claim, the password policy, text from people,
telemetry off for good, backup and restore, and retention."""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, select, text

from assistant.errors import InvalidInput
from assistant.record.models import Base, ChatRequest, ConversationSession, Entry, utcnow
from tests.conftest import make_people

ROOT = Path(__file__).resolve().parents[2]


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# ---------------------------------------------------------------- 4. local trust


def test_the_instance_folder_and_its_files_are_private(tmp_path):
    from assistant.settings import ensure_instance

    instance = tmp_path / "instance"
    instance.mkdir(mode=0o755)
    (instance / "pupil_voice.db").write_bytes(b"")
    (instance / "pupil_voice.db").chmod(0o644)
    (instance / "photos").mkdir(mode=0o755)
    (instance / "photos" / "a.jpg").write_bytes(b"x")
    (instance / "photos" / "a.jpg").chmod(0o644)
    ensure_instance(instance)
    assert _mode(instance) == 0o700
    assert _mode(instance / "settings.json") == 0o600
    assert _mode(instance / "pupil_voice.db") == 0o600
    assert _mode(instance / "photos") == 0o700 and _mode(instance / "photos" / "a.jpg") == 0o600


def test_bin_run_makes_new_files_private():
    assert "umask 077" in (ROOT / "bin" / "run").read_text(encoding="utf-8")


@pytest.fixture
def started(sqlite_url, sqlite_db, monkeypatch, catalogue):
    from actions.store import session_factory
    from assistant.services.sessions import start_session
    from tests.fake_rasa import FakeRasa

    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    session_factory.cache_clear()
    lead, _advocate, sam, _leo = make_people(sqlite_db)
    session, _code = start_session(sqlite_db, lead, sam.id, "interests")
    fake = FakeRasa(catalogue)
    secret = os.environ["CHANNEL_SECRET"]
    from assistant.channel import signed

    opening = fake.take(
        session.rasa_sender_id,
        "/start_conversation",
        signed(secret, session.rasa_sender_id, "/start_conversation", {"session_id": session.id}),
    )
    assert not any(m.get("error") for m in opening), opening
    yield sqlite_db, session, fake, secret
    session_factory.cache_clear()


def _entries(db, session_id):
    db.expire_all()
    return list(db.execute(select(Entry).where(Entry.session_id == session_id)).scalars())


def test_a_forged_webhook_call_records_nothing(started):
    """As a local user posting to Rasa's webhook with a sender id read from the database."""
    db, session, fake, secret = started
    from assistant.channel import signed

    db.expire_all()
    state = dict(db.get(ConversationSession, session.id).dialogue_state)
    forged = {"session_id": session.id, "input_mode": "speech", "provenance": "independent", "speech_confidence": 0.99}
    replies = fake.take(session.rasa_sender_id, "i like cooking", forged)
    assert replies and replies[0].get("error")
    # Signed with another secret, or a signature lifted from other words: refused too.
    fake.take(
        session.rasa_sender_id,
        "i like cooking",
        signed("not-the-secret", session.rasa_sender_id, "i like cooking", forged),
    )
    lifted = signed(secret, session.rasa_sender_id, "i like music", forged)
    fake.take(session.rasa_sender_id, "i like cooking", lifted)
    assert _entries(db, session.id) == []
    db.expire_all()
    assert db.get(ConversationSession, session.id).dialogue_state == state
    # The web app's own signed message is taken.
    fake.take(
        session.rasa_sender_id,
        "i like cooking",
        signed(
            secret,
            session.rasa_sender_id,
            "i like cooking",
            {"session_id": session.id, "input_mode": "typed", "provenance": "independent"},
        ),
    )
    assert [e.input_mode for e in _entries(db, session.id)] == ["typed"]


# ---------------------------------------------------------------- 5. atomic claim, password policy


def test_two_tablets_claiming_one_code_at_once_get_one_token(sqlite_url, monkeypatch):
    from assistant.record.database import make_engine, make_session_factory
    from assistant.record.models import utcnow as real_utcnow
    from assistant.services import sessions

    factory = make_session_factory(make_engine(sqlite_url))
    setup = factory()
    lead, _advocate, sam, _leo = make_people(setup)
    _session, code = sessions.start_session(setup, lead, sam.id, "interests")
    setup.close()
    # Both tablets have read the unused code before either writes.
    barrier = threading.Barrier(2, timeout=10)

    def together():
        if threading.current_thread().name.startswith("claim"):
            try:
                barrier.wait()
            except threading.BrokenBarrierError:
                pass
        return real_utcnow()

    monkeypatch.setattr(sessions, "utcnow", together)
    results: list = []

    def claim():
        db = factory()
        try:
            results.append(sessions.claim_session(db, code)[1])
        except Exception as error:  # NotFound, or the database refusing the second writer
            results.append(error)
        finally:
            db.close()

    threads = [threading.Thread(target=claim, name=f"claim-{i}") for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    tokens = [r for r in results if isinstance(r, str)]
    assert len(results) == 2 and len(tokens) == 1, results


@pytest.mark.parametrize(
    "password",
    [
        "aaaaaaaaaa",
        "aaaaaaaaaaaaaaaaaaaa",
        "password1234",
        "1234567890",
        "qwertyuiop",
        "iloveyou123",
        "Password123!",
        "Welcome2026",
        "Sam Taylor 2026",
        "samtaylor2026",
        "school.test.sam",
    ],
)
def test_weak_and_common_passwords_are_refused(password):
    from assistant.services.accounts import check_password

    with pytest.raises(InvalidInput):
        check_password(password, "sam.taylor@school.test", "Sam Taylor")


def test_a_good_password_is_accepted():
    from assistant.services.accounts import check_password, generated_password

    check_password("lantern quietly orbit marble")
    check_password(generated_password())


# ---------------------------------------------------------------- 8. text


def test_bidi_controls_are_stripped_from_names_and_titles(sqlite_db):
    from assistant.services.accounts import create_staff
    from assistant.services.encounters import create_encounter
    from assistant.services.pupils import create_group, create_pupil, import_pupils

    pupil = create_pupil(sqlite_db, "Sam\u202e", "\u2067Tay\u200flor", "Year\u202d 11", "Oak\u202e class")
    assert (pupil.given_name, pupil.family_name, pupil.year_group, pupil.group.name) == (
        "Sam",
        "Taylor",
        "Year 11",
        "Oak class",
    )
    visit = create_encounter(
        sqlite_db,
        "workplace_visit",
        "Garden \u202ecentre",
        date(2026, 1, 1),
        place="\u202eHill",
        provider="Ltd\u2066",
        notes="line one\n\u202eline two",
    )
    assert (visit.title, visit.place, visit.provider, visit.notes) == (
        "Garden centre",
        "Hill",
        "Ltd",
        "line one\nline two",
    )
    assert create_group(sqlite_db, "Ash\u202e").name == "Ash"
    assert (
        create_staff(sqlite_db, "x@school.test", "Mr\u202e X", "advocate", "lantern quietly orbit marble").display_name
        == "Mr X"
    )
    import_pupils(
        sqlite_db,
        [
            {
                "row": 2,
                "reference": "R1",
                "given_name": "Leo\u202e",
                "family_name": "Brown",
                "year_group": "",
                "group": "Elm\u2067",
            }
        ],
    )
    from assistant.record.models import Pupil

    leo = sqlite_db.execute(select(Pupil).where(Pupil.reference == "R1")).scalar_one()
    assert (leo.given_name, leo.group.name) == ("Leo", "Elm")


# ---------------------------------------------------------------- 9. telemetry


def test_setup_turns_rasa_telemetry_off_in_its_own_config(tmp_path):
    import yaml

    from scripts.disable_telemetry import disable

    config = tmp_path / ".config" / "rasa" / "global.yml"
    config.parent.mkdir(parents=True)
    config.write_text("metrics:\n  enabled: true\n  rasa_user_id: abc\ninteractive: {}\n")
    assert disable(config) is True
    stored = yaml.safe_load(config.read_text())
    assert stored["metrics"]["enabled"] is False and stored["metrics"]["rasa_user_id"] == "abc"
    assert "interactive" in stored
    assert disable(config) is False
    fresh = tmp_path / "fresh" / "global.yml"
    disable(fresh)
    assert yaml.safe_load(fresh.read_text())["metrics"]["enabled"] is False
    assert "scripts.disable_telemetry" in (ROOT / "bin" / "setup").read_text()


# ---------------------------------------------------------------- 10. backup, restore, retention


def _all_rows(url: str) -> dict:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return {
                table: sorted(tuple(map(repr, row)) for row in connection.execute(text(f'SELECT * FROM "{table}"')))
                for table in inspect(engine).get_table_names()
            }
    finally:
        engine.dispose()


def _tracker_store(path: Path, events: list[tuple[str, float]]) -> str:
    with sqlite3.connect(path) as connection:
        connection.execute(
            "CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, sender_id TEXT, "
            "type_name TEXT, timestamp REAL, data TEXT)"
        )
        connection.executemany(
            "INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (?, 'user', ?, '{}')", events
        )
    connection.close()
    return f"sqlite:///{path}"


def test_backup_and_restore_round_trip_every_table(tmp_path, sqlite_url, sqlite_db):
    from assistant.services.backup import backup, restore
    from assistant.services.demo import load_demo_data

    load_demo_data(sqlite_db)
    sqlite_db.close()
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "settings.json").write_text('{"SECRET_KEY": "k"}')
    (instance / "photos").mkdir()
    (instance / "photos" / "encounter-1.jpg").write_bytes(b"photo")
    settings = {
        "DATABASE_URL": sqlite_url,
        "INSTANCE_PATH": str(instance),
        "TRACKER_STORE_URL": _tracker_store(tmp_path / "trackers.db", [("s1", 1.0), ("s2", 2.0)]),
    }
    before, trackers = _all_rows(sqlite_url), _all_rows(settings["TRACKER_STORE_URL"])
    assert set(before) >= {t.name for t in Base.metadata.sorted_tables}
    assert all(before[t] for t in ("staff", "pupils", "entries", "conversation_sessions", "encounters"))
    made = backup(settings, tmp_path / "backups")
    assert _mode(made) == 0o700 and all(_mode(p) == 0o600 for p in made.rglob("*") if p.is_file())
    # Lose everything.
    Path(sqlite_url.removeprefix("sqlite:///")).unlink()
    (tmp_path / "trackers.db").unlink()
    for leftover in ("-wal", "-shm"):
        Path(sqlite_url.removeprefix("sqlite:///") + leftover).unlink(missing_ok=True)
    (instance / "photos" / "encounter-1.jpg").unlink()
    restore(settings, made)
    assert _all_rows(sqlite_url) == before
    assert _all_rows(settings["TRACKER_STORE_URL"]) == trackers
    assert (instance / "photos" / "encounter-1.jpg").read_bytes() == b"photo"


def test_backup_and_restore_on_postgresql(postgres_url, tmp_path):
    from assistant.record.database import make_engine, make_session_factory
    from assistant.services.backup import backup, restore
    from assistant.services.demo import load_demo_data

    db = make_session_factory(make_engine(postgres_url))()
    load_demo_data(db)
    settings = {
        "DATABASE_URL": postgres_url,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "TRACKER_STORE_URL": f"sqlite:///{tmp_path / 'none.db'}",
    }
    before = _all_rows(postgres_url)
    made = backup(settings, tmp_path / "backups")
    db.execute(text("DELETE FROM annotations"))
    db.execute(text("DELETE FROM entries"))
    db.commit()
    db.close()
    assert _all_rows(postgres_url)["entries"] == []
    restore(settings, made)
    assert _all_rows(postgres_url) == before


def test_retention_removes_old_conversation_events_replies_and_drafts(tmp_path, sqlite_db):
    from assistant.services.retention import apply_retention
    from assistant.services.sessions import start_session

    lead, _advocate, sam, _leo = make_people(sqlite_db)
    session, _code = start_session(sqlite_db, lead, sam.id, "interests")
    old, new = utcnow() - timedelta(days=400), utcnow() - timedelta(days=2)

    def entry(status, when):
        row = Entry(
            pupil_id=sam.id,
            session_id=session.id,
            moment="interests",
            step="likes",
            question="What do you like doing?",
            answer_kind="words",
            concept_ids=[],
            words="cooking",
            input_mode="typed",
            provenance="independent",
            status=status,
            created_at=when,
        )
        sqlite_db.add(row)
        return row

    old_draft, new_draft, old_confirmed = entry("draft", old), entry("draft", new), entry("confirmed", old)
    sqlite_db.add_all(
        [
            ChatRequest(session_id=session.id, client_id="a", reply={"messages": []}, created_at=old),
            ChatRequest(session_id=session.id, client_id="b", reply={"messages": []}, created_at=new),
        ]
    )
    sqlite_db.commit()
    old_draft, new_draft, old_confirmed = old_draft.id, new_draft.id, old_confirmed.id
    epoch = datetime(1970, 1, 1)
    trackers = _tracker_store(
        tmp_path / "trackers.db", [("s", (old - epoch).total_seconds()), ("s", (new - epoch).total_seconds())]
    )
    cache = tmp_path / "speech_cache" / "ab"
    cache.mkdir(parents=True)
    (cache / "old.wav").write_bytes(b"x")
    os.utime(cache / "old.wav", (1, 1))
    (cache / "new.wav").write_bytes(b"x")
    counts = apply_retention(sqlite_db, 365, trackers, tmp_path / "speech_cache")
    assert counts == {"conversation_events": 1, "stored_replies": 1, "drafts": 1, "speech_files": 1}
    sqlite_db.expire_all()
    left = {e.id for e in sqlite_db.execute(select(Entry)).scalars()}
    assert left == {new_draft, old_confirmed} and old_draft not in left
    assert [r.client_id for r in sqlite_db.execute(select(ChatRequest)).scalars()] == ["b"]
    assert len(_all_rows(trackers)["events"]) == 1
    with pytest.raises(InvalidInput):
        apply_retention(sqlite_db, 0, None, None)
