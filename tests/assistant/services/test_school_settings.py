"""Settings per school (issue 16): each school's own value, else the server's default, read
in one place; the administrator changes only their own school's, validated and audited;
retention sweeps each school by its own period; the review summary and new pupils follow
their school. On SQLite and PostgreSQL."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, select, text

from assistant.errors import InvalidInput, NotAllowed
from assistant.record.migrate import alembic_config
from assistant.record.models import AuditEvent, ChatRequest, ConversationSession, Entry, Pupil, utcnow
from assistant.services import accounts as staff
from assistant.services import school_settings
from assistant.services.pupils import create_pupil, import_pupils
from assistant.services.retention import apply_retention
from assistant.services.school_settings import effective, update_settings
from tests.assistant.reports.conftest import build_record
from tests.conftest import make_other_school, make_people

SERVER = {"RETENTION_DAYS": 0, "DEFAULT_VOICE": "en-gb", "SUMMARY_ADULT_NOTES": 1}
VOICES = ["en-gb", "en-gb-scotland", "en-us+f3"]


@pytest.fixture
def sqlite_record(sqlite_db):
    """Sam's record from the report tests, on SQLite."""
    return build_record(sqlite_db, make_people(sqlite_db))


def _admins(db):
    mine = staff.authenticate(db, "admin@school.test", "correct horse battery")
    other = make_other_school(db)
    theirs = staff.authenticate(db, "admin@other.test", "correct horse battery")
    return mine, theirs, other


def test_a_school_without_its_own_settings_follows_the_server(db, people):
    mine, theirs, _other = _admins(db)
    now = effective(db, mine.school_id, SERVER)
    assert (now.retention_days, now.default_voice, now.summary_adult_notes, now.own) == (0, "en-gb", True, frozenset())
    changed = effective(db, mine.school_id, {**SERVER, "RETENTION_DAYS": "30", "SUMMARY_ADULT_NOTES": "0"})
    assert (changed.retention_days, changed.summary_adult_notes) == (30, False)


def test_each_school_has_its_own_settings_and_the_rest_default(db, people):
    mine, theirs, _other = _admins(db)
    update_settings(
        db,
        mine,
        {"retention_days": "90", "default_voice": "en-gb-scotland", "summary_adult_notes": "no"},
        VOICES,
        SERVER,
    )
    update_settings(db, theirs, {"retention_days": "7", "default_voice": "", "summary_adult_notes": ""}, VOICES, SERVER)
    a, b = effective(db, mine.school_id, SERVER), effective(db, theirs.school_id, SERVER)
    assert (a.retention_days, a.default_voice, a.summary_adult_notes) == (90, "en-gb-scotland", False)
    assert a.own == {"retention_days", "default_voice", "summary_adult_notes"}
    assert (b.retention_days, b.default_voice, b.summary_adult_notes, b.own) == (7, "en-gb", True, {"retention_days"})
    # Back to the server's default: the value follows the server again.
    update_settings(db, mine, {"retention_days": ""}, VOICES, SERVER)
    assert effective(db, mine.school_id, {**SERVER, "RETENTION_DAYS": 5}).retention_days == 5
    lines = (
        db.execute(
            select(AuditEvent).where(AuditEvent.school_id == mine.school_id, AuditEvent.detail.like("school settings%"))
        )
        .scalars()
        .all()
    )
    assert len(lines) == 2 and lines[0].staff_id == mine.id and "retention days 90" in lines[0].detail


@pytest.mark.parametrize(
    "values",
    [
        {"retention_days": "-1"},
        {"retention_days": "1.5"},
        {"retention_days": "ten"},
        {"retention_days": "99999999999999999999"},
        {"retention_days": "36501"},
        {"retention_days": "１２"},
        {"retention_days": "1e3"},
        {"default_voice": "mb/mb-en1"},
        {"default_voice": "en-gb\x00"},
        {"default_voice": "<script>"},
        {"summary_adult_notes": "maybe"},
        {"summary_adult_notes": "1"},
    ],
)
def test_bad_values_are_refused_and_nothing_changes(db, people, values):
    mine, _theirs, _other = _admins(db)
    with pytest.raises(InvalidInput):
        update_settings(db, mine, values, VOICES, SERVER)
    assert effective(db, mine.school_id, SERVER).own == frozenset()


@pytest.mark.parametrize("email", ["lead@school.test", "ta@school.test", "dsl@school.test"])
def test_only_the_administrator_changes_the_settings(db, people, email):
    person = staff.authenticate(db, email, "correct horse battery")
    with pytest.raises(NotAllowed):
        update_settings(db, person, {"retention_days": "1"}, VOICES, SERVER)
    assert effective(db, person.school_id, SERVER).own == frozenset()


def test_a_new_pupil_starts_with_the_schools_voice(db, people, monkeypatch):
    mine, theirs, other = _admins(db)
    update_settings(db, mine, {"default_voice": "en-gb-scotland"}, VOICES, SERVER)
    ours = create_pupil(db, "Ann", school_id=mine.school_id)
    theirs_pupil = create_pupil(db, "Bob", school_id=theirs.school_id)
    import_pupils(db, [{"row": 2, "given_name": "Cai", "reference": "C1"}], staff=mine)
    imported = db.execute(select(Pupil).where(Pupil.reference == "C1")).scalar_one()
    assert ours.profile.voice == imported.profile.voice == "en-gb-scotland"
    assert theirs_pupil.profile.voice == "en-gb"  # the other school keeps the server's voice


def test_the_review_summary_leaves_out_what_adults_noticed_when_the_school_says_so(sqlite_record, tmp_path):
    import docx

    from assistant.reports import render_summary_docx, render_summary_html, render_summary_pdf
    from assistant.reports.summary import review_summary
    from tests.assistant.reports.test_renderers import _pdf_text

    r = sqlite_record
    admin = staff.authenticate(r.db, "admin@school.test", "correct horse battery")
    observation = "Sam smiled a lot when we talked about animals"
    shown = review_summary(r.db, r.sam.id)
    assert shown.adult_notes_included and any(n.text == observation for n in shown.adult_notes)
    assert observation in render_summary_html(shown)

    update_settings(r.db, admin, {"summary_adult_notes": "no"}, VOICES, SERVER)
    hidden = review_summary(r.db, r.sam.id)
    assert not hidden.adult_notes_included and hidden.adult_notes == []
    html = render_summary_html(hidden)
    assert observation not in html and "What adults noticed" not in html
    word = docx.Document(io.BytesIO(render_summary_docx(hidden)))
    assert not any("What adults noticed" in p.text for p in word.paragraphs)
    assert "What adults noticed" in _pdf_text(render_summary_pdf(shown), tmp_path)
    assert "What adults noticed" not in _pdf_text(render_summary_pdf(hidden), tmp_path)


def _tracker_store(path, events):
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, timestamp REAL)"))
        for sender, stamp in events:
            connection.execute(
                text("INSERT INTO events (sender_id, timestamp) VALUES (:s, :t)"), {"s": sender, "t": stamp}
            )
    engine.dispose()
    return f"sqlite:///{path}"


def test_retention_sweeps_each_school_by_its_own_period(db, people, tmp_path):
    mine, theirs, other = _admins(db)
    update_settings(db, mine, {"retention_days": "30"}, VOICES, SERVER)
    update_settings(db, theirs, {"retention_days": "0"}, VOICES, SERVER)  # keeps for ever
    sam, zeb = people[2], db.get(Pupil, other["pupil_id"])
    old, recent = utcnow() - timedelta(days=60), utcnow() - timedelta(days=5)
    epoch = datetime(1970, 1, 1)
    senders, drafts = {}, {}
    for pupil in (sam, zeb):
        session = ConversationSession(pupil_id=pupil.id, conversation="interests", status="finished")
        db.add(session)
        db.flush()
        senders[pupil.id] = session.rasa_sender_id
        for when, name in ((old, "old"), (recent, "new")):
            draft = Entry(
                pupil_id=pupil.id,
                session_id=session.id,
                moment="interests",
                step="likes",
                question="q",
                answer_kind="words",
                words=f"{name} draft",
                input_mode="typed",
                provenance="independent",
                status="draft",
                created_at=when,
            )
            db.add(draft)
            db.add(ChatRequest(session_id=session.id, client_id=f"{name}-{pupil.id}", created_at=when))
            db.flush()
            drafts[(pupil.id, name)] = draft.id
    db.commit()
    trackers = _tracker_store(
        tmp_path / "trackers.db",
        [
            (senders[sam.id], (old - epoch).total_seconds()),
            (senders[sam.id], (recent - epoch).total_seconds()),
            (senders[zeb.id], (old - epoch).total_seconds()),
            ("erased-pupil", (old - epoch).total_seconds()),
        ],
    )

    counts = apply_retention(db, None, trackers, None, server=SERVER)

    # Sam's school keeps 30 days: its old draft, reply and event go (and the erased pupil's
    # event, which belongs to no school); the other school keeps everything.
    assert counts == {"conversation_events": 2, "stored_replies": 1, "drafts": 1, "speech_files": 0}
    db.expire_all()
    left = set(db.execute(select(Entry.id).where(Entry.words.like("% draft"))).scalars())
    assert left == {drafts[(sam.id, "new")], drafts[(zeb.id, "old")], drafts[(zeb.id, "new")]}
    assert set(db.execute(select(ChatRequest.client_id)).scalars()) == {
        f"new-{sam.id}",
        f"old-{zeb.id}",
        f"new-{zeb.id}",
    }
    engine = create_engine(trackers)
    with engine.connect() as connection:
        assert sorted(connection.execute(text("SELECT sender_id FROM events")).scalars()) == sorted(
            [senders[sam.id], senders[zeb.id]]
        )
    engine.dispose()
    audit = db.execute(select(AuditEvent.school_id, AuditEvent.detail).where(AuditEvent.action == "retention")).all()
    assert audit == [(mine.school_id, "kept 30 days: removed 1 conversation events, 1 stored replies, 1 drafts")]


def test_retention_needs_a_period_somewhere(db, people):
    with pytest.raises(InvalidInput):
        apply_retention(db, None, None, None, server=SERVER)


def test_the_migration_adds_and_removes_the_settings_table(bare_url):
    config = alembic_config(bare_url)
    command.upgrade(config, "16a1")
    engine = create_engine(bare_url)
    assert not inspect(engine).has_table("school_settings")
    command.upgrade(config, "16a3")
    assert inspect(engine).has_table("school_settings")
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO school_settings (school_id, retention_days, updated_at) VALUES (1, 14, :t)"),
            {"t": utcnow()},
        )
        assert connection.execute(text("SELECT retention_days, default_voice FROM school_settings")).all() == [
            (14, None)
        ]
    engine.dispose()
    command.downgrade(config, "16a1")
    engine = create_engine(bare_url)
    assert not inspect(engine).has_table("school_settings")
    assert inspect(engine).has_table("schools")
    engine.dispose()
    command.upgrade(config, "head")


def test_every_server_default_is_a_setting():
    from assistant.settings import DEFAULTS

    assert set(school_settings.SERVER_KEYS.values()) <= set(DEFAULTS)
