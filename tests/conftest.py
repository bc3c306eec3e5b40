"""Shared fixtures: a migrated database on SQLite or PostgreSQL, demo people, the web app."""

from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import create_engine, text

from assistant.record.database import make_engine, make_session_factory
from assistant.record.migrate import upgrade
from assistant.services.accounts import create_staff
from assistant.services.pupils import create_pupil
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


@pytest.fixture(params=["sqlite", "postgresql"])
def bare_url(request, tmp_path):
    """An empty database (no migration run yet)."""
    if request.param == "sqlite":
        yield _sqlite_url(tmp_path)
        return
    schema = "t_" + uuid.uuid4().hex[:12]
    admin = create_engine(POSTGRES_URL, future=True)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


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
    advocate = create_staff(
        db, "ta@school.test", "Mr TA", "advocate", "correct horse battery", group_names=["Oak class"]
    )
    sam = create_pupil(db, "Sam", "Taylor", "Year 11", "Oak class", cards_per_board=4)
    leo = create_pupil(db, "Leo", "Brown", "Year 10", "Willow class")
    create_staff(db, "admin@school.test", "Ada Admin", "admin", "correct horse battery")
    create_staff(db, "dsl@school.test", "Ms Safe", "dsl", "correct horse battery", group_names=["Oak class"])
    return lead, advocate, sam, leo


@pytest.fixture
def people(db):
    return make_people(db)


# Words found only in the other school's rows: a page that shows one leaks that school.
OTHER_MARKERS = (
    "Zebedee",
    "Quill",
    "other.test",
    "Kestrel class",
    "Zoo keepers visit",
    "zz hidden words",
    "zz other answer",
)


def make_other_school(db) -> dict:
    """A second school on the same server, with one of everything (staff of every role,
    a pupil with a session, an entry, a concern, a voice template, an encounter), named
    with OTHER_MARKERS; returns the ids. Its "Oak class" shares a name with the first
    school's, as two real schools' groups would."""
    from datetime import date

    from assistant.record.models import Annotation, Concern, ConversationSession, Entry, VoiceTemplate
    from assistant.services.encounters import create_encounter
    from assistant.services.schools import create_school

    school = create_school(db, "Other School")
    ids = {"school_id": school.id}
    for role, email, groups in (
        ("careers_lead", "lead@other.test", []),
        ("advocate", "ta@other.test", ["Kestrel class"]),
        ("admin", "admin@other.test", []),
        ("dsl", "dsl@other.test", ["Kestrel class"]),
    ):
        ids[role] = create_staff(
            db, email, f"Quill {role}", role, "correct horse battery", group_names=groups, school_id=school.id
        ).id
    pupil = create_pupil(db, "Zebedee", "Quill", "Year 11", "Kestrel class", school_id=school.id)
    oak = create_pupil(db, "Zara", "Quill", "Year 9", "Oak class", school_id=school.id)
    pupil.reference = "R-SHARED"
    encounter = create_encounter(
        db, "workplace_visit", "Zoo keepers visit", date(2026, 4, 4), pupil_ids=[pupil.id], school_id=school.id
    )
    session = ConversationSession(
        pupil_id=pupil.id, conversation="interests", status="finished", adult_name="Quill advocate"
    )
    db.add(session)
    db.flush()
    entry = Entry(
        pupil_id=pupil.id,
        session_id=session.id,
        moment="interests",
        step="likes",
        question="What do you like doing?",
        answer_kind="words",
        words="zz other answer",
        input_mode="typed",
        provenance="independent",
        status="draft",
        checked_back=True,
    )
    concern = Concern(
        pupil_id=pupil.id,
        session_id=session.id,
        words="zz hidden words",
        category="physical_harm",
        input_mode="typed",
        provenance="independent",
    )
    template = VoiceTemplate(pupil_id=pupil.id, card_id="cooking", features=b"\x00\x01")
    db.add_all([entry, concern, template])
    db.flush()
    db.add(Annotation(entry_id=entry.id, kind="observation", text="zz hidden words"))
    db.commit()
    ids.update(
        pupil_id=pupil.id,
        oak_pupil_id=oak.id,
        encounter_id=encounter.id,
        session_id=session.id,
        entry_id=entry.id,
        concern_id=concern.id,
        template_id=template.id,
        group_id=pupil.group_id,
    )
    return ids


TRUST_LOGIN = "trust@trust.test"


def make_trust(db, school_ids: list[int], name: str = "North Trust"):
    """A trust of these schools, with one trust account (TRUST_LOGIN)."""
    from assistant.record.models import School
    from assistant.services.trust import add_school_to_trust, create_trust, create_trust_account

    trust = create_trust(db, name)
    for school_id in school_ids:
        add_school_to_trust(db, db.get(School, school_id), trust)
    create_trust_account(db, TRUST_LOGIN, "Tess Trust", trust, "correct horse battery")
    return trust


def school_snapshot(db, school_id: int) -> list:
    """Every row that belongs to a school (its own, and those reaching it through a pupil,
    a session, an entry or a member of staff), as plain values: equal snapshots mean
    nothing of the school changed."""
    from sqlalchemy import MetaData, or_, select

    db.expire_all()
    tables = MetaData()
    tables.reflect(db.get_bind())
    t = tables.tables
    pupils = select(t["pupils"].c.id).where(t["pupils"].c.school_id == school_id)
    staff = select(t["staff"].c.id).where(t["staff"].c.school_id == school_id)
    sessions = select(t["conversation_sessions"].c.id).where(t["conversation_sessions"].c.pupil_id.in_(pupils))
    entries = select(t["entries"].c.id).where(t["entries"].c.pupil_id.in_(pupils))
    groups = select(t["groups"].c.id).where(t["groups"].c.school_id == school_id)
    out = []
    for name, table in sorted(t.items()):
        c = table.c
        ways = []
        if "school_id" in c:
            ways.append(c.school_id == school_id)
        if "pupil_id" in c:
            ways.append(c.pupil_id.in_(pupils))
        if name == "chat_requests":
            ways.append(c.session_id.in_(sessions))
        if name == "annotations":
            ways.append(c.entry_id.in_(entries))
        if name in ("staff_sessions", "staff_groups"):
            ways.append(c.staff_id.in_(staff))
        if name == "staff_groups":
            ways.append(c.group_id.in_(groups))
        if name == "encounter_pupils":
            ways.append(
                c.encounter_id.in_(select(t["encounters"].c.id).where(t["encounters"].c.school_id == school_id))
            )
        if name == "schools":
            ways.append(c.id == school_id)
        if not ways:
            continue
        rows = db.execute(select(table).where(or_(*ways))).all()
        out.append((name, sorted(tuple(map(repr, r)) for r in rows)))
    db.rollback()
    return out


@pytest.fixture(scope="session")
def vocabulary():
    """The project's vocabulary (symbols/vocabulary.yml): the concept ids it must keep."""
    import yaml

    from symbols.catalogue import VOCABULARY_PATH

    return yaml.safe_load(VOCABULARY_PATH.read_text(encoding="utf-8"))
