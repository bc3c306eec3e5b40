"""Trusts: a trust account sees figures across its own schools and never a pupil; opening a
pupil's record needs a role in their school and is audited; a school's administrator
manages that school's accounts only (never a trust's). On SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from assistant.errors import InvalidInput, NotAllowed, NotFound
from assistant.record.models import AuditEvent, ConversationSession, Entry, School, Staff
from assistant.reports.trust import CSV_COLUMNS, overview, overview_csv, overview_svg
from assistant.services import accounts as staff
from assistant.services import my_voice, pupils, sessions
from assistant.services.encounters import create_encounter
from assistant.services.schools import create_school
from assistant.services.trust import add_school_to_trust, create_trust, trust_named
from tests.conftest import OTHER_MARKERS, TRUST_LOGIN, make_other_school, make_trust

PUPIL_WORDS = ("Sam", "Leo", "Taylor", "Brown", "the plants")


@pytest.fixture
def trust_of_both(db, people):
    lead, advocate, sam, leo = people
    other = make_other_school(db)
    make_trust(db, [lead.school_id, other["school_id"]])
    # Sam has one confirmed answer (and one draft); a workplace visit evidences 5 and 6.
    session = ConversationSession(pupil_id=sam.id, conversation="interests", status="finished")
    db.add(session)
    db.flush()
    for status in ("confirmed", "draft"):
        db.add(
            Entry(
                pupil_id=sam.id,
                session_id=session.id,
                moment="interests",
                step="likes",
                question="What do you like?",
                answer_kind="words",
                words="the plants",
                input_mode="typed",
                provenance="independent",
                status=status,
            )
        )
    db.commit()
    create_encounter(
        db,
        "workplace_visit",
        "Garden centre",
        date(2026, 3, 3),
        pupil_ids=[sam.id],
        gatsby_benchmarks=[5, 6],
        school_id=lead.school_id,
    )
    me = staff.authenticate(db, TRUST_LOGIN, "correct horse battery")
    return me, people, other, session


def test_the_overview_counts_each_school_and_names_no_pupil(db, trust_of_both):
    me, (lead, *_), other, _session = trust_of_both
    figures = overview(db, me)
    assert figures.trust == "North Trust"
    ours, theirs = sorted(figures.schools, key=lambda s: s.name != "Our school")
    assert (ours.name, ours.pupils, ours.confirmed_voice) == ("Our school", 2, 1)
    assert ours.meeting[6] == 1 and ours.percent(6) == 50 and ours.encounters[6] == 1
    assert ours.meeting[3] == 1  # Sam's own record
    assert ours.meeting[8] == 0 and ours.encounters[8] == 0
    # The other school: two pupils, one draft answer (no confirmed voice), one encounter (no benchmark given).
    assert (theirs.pupils, theirs.confirmed_voice) == (2, 0)
    text = overview_csv(figures) + str(overview_svg(figures)) + repr(figures)
    assert not [w for w in PUPIL_WORDS + OTHER_MARKERS if w in text]
    rows = list(csv.DictReader(io.StringIO(overview_csv(figures))))
    assert list(rows[0]) == CSV_COLUMNS and len(rows) == 16
    six = next(r for r in rows if r["school"] == "Our school" and r["benchmark"] == "6")
    assert (six["pupils_meeting"], six["percent"], six["encounters"], six["confirmed_voice"]) == ("1", "50", "1", "1")


def test_the_chart_says_each_figure_in_text(db, trust_of_both):
    me, *_ = trust_of_both
    chart = str(overview_svg(overview(db, me)))
    assert 'role="img"' in chart and "<title id=" in chart and "<desc id=" in chart
    assert ">Our school</text>" in chart and ">Other School</text>" in chart
    assert ">1 of 2 (50%)</text>" in chart
    assert "Our school 1 of 2 pupils (50%)" in chart  # in the description too


def test_a_trust_sees_only_its_own_schools(db, people):
    lead, *_ = people
    make_other_school(db)
    make_trust(db, [lead.school_id])
    create_trust(db, "South Trust")
    me = staff.authenticate(db, TRUST_LOGIN, "correct horse battery")
    assert [s.name for s in overview(db, me).schools] == ["Our school"]


def test_a_school_is_in_one_trust_at_most(db, people):
    lead, *_ = people
    make_trust(db, [lead.school_id])
    south = create_trust(db, "South Trust")
    with pytest.raises(InvalidInput, match="another trust"):
        add_school_to_trust(db, db.get(School, lead.school_id), south)
    with pytest.raises(InvalidInput):
        create_trust(db, "north trust")
    with pytest.raises(NotFound):
        trust_named(db, "Nowhere")


def test_only_a_trust_account_sees_the_overview(db, people):
    lead, advocate, *_ = people
    make_trust(db, [lead.school_id])
    for person in (lead, advocate):
        with pytest.raises(NotAllowed):
            overview(db, person)


def test_a_trust_account_opens_no_pupil_record(db, trust_of_both):
    me, (lead, advocate, sam, leo), other, session = trust_of_both
    assert pupils.visible_pupils(db, me) == []
    for pupil_id in (sam.id, leo.id, other["pupil_id"]):
        for call in (
            lambda p=pupil_id: pupils.open_record(db, me, p),
            lambda p=pupil_id: pupils.pupil_for(db, me, p),
            lambda p=pupil_id: sessions.start_session(db, me, p, "interests"),
            lambda p=pupil_id: my_voice.record_consent(db, me, p, "Parent"),
        ):
            with pytest.raises(NotFound):
                call()
            db.rollback()
    for session_id in (session.id, other["session_id"]):
        with pytest.raises(NotFound):
            sessions.open_transcript(db, me, session_id)
    assert (
        db.execute(select(AuditEvent).where(AuditEvent.staff_id == me.id, AuditEvent.pupil_id.is_not(None)))
        .scalars()
        .all()
        == []
    )


def test_opening_a_pupils_record_or_transcript_is_audited(db, trust_of_both):
    me, (lead, advocate, sam, leo), other, session = trust_of_both
    pupils.open_record(db, lead, sam.id)
    sessions.open_transcript(db, lead, session.id)
    sessions.open_transcript(db, lead, session.id, "session transcript (API)")
    lines = db.execute(
        select(AuditEvent.staff_id, AuditEvent.action, AuditEvent.pupil_id, AuditEvent.detail, AuditEvent.school_id)
        .where(AuditEvent.pupil_id == sam.id, AuditEvent.action == "view")
        .order_by(AuditEvent.id)
    ).all()
    assert lines == [
        (lead.id, "view", sam.id, "pupil page", lead.school_id),
        (lead.id, "view", sam.id, "session review", lead.school_id),
        (lead.id, "view", sam.id, "session transcript (API)", lead.school_id),
    ]
    # Leo is not in the advocate's groups: refused, and nothing is written.
    with pytest.raises(NotFound):
        pupils.open_record(db, advocate, leo.id)
    assert db.execute(select(AuditEvent).where(AuditEvent.pupil_id == leo.id, AuditEvent.action == "view")).all() == []


def test_a_trust_accounts_own_lines_go_to_its_trust(db, trust_of_both):
    me, *_ = trust_of_both
    overview(db, me)
    staff.change_password(db, me, "correct horse battery", "violet tractor moon lantern")
    lines = db.execute(
        select(AuditEvent.action, AuditEvent.school_id, AuditEvent.trust_id)
        .where(AuditEvent.staff_id == me.id)
        .order_by(AuditEvent.id)
    ).all()
    assert lines == [("trust_overview", None, me.trust_id), ("change_password", None, me.trust_id)]


def test_a_school_administrator_manages_only_their_schools_accounts(db, trust_of_both):
    me, (lead, *_), other, _ = trust_of_both
    admin = staff.authenticate(db, "admin@school.test", "correct horse battery")
    assert me.id not in [a.id for a in staff.accounts_of(db, admin)]
    assert {a.school_id for a in staff.accounts_of(db, admin)} == {admin.school_id}
    for target in (me.id, other["careers_lead"], other["admin"]):
        for call in (
            lambda t=target: staff.managed_account(db, admin, t),
            lambda t=target: staff.set_disabled(db, admin, t, True),
            lambda t=target: staff.reset_password(db, admin, t),
        ):
            with pytest.raises(NotFound):
                call()
            db.rollback()
    assert staff.managed_account(db, admin, lead.id) == lead
    with pytest.raises(InvalidInput, match="Unknown role"):  # a school cannot make a trust account
        staff.create_staff(db, "x@school.test", "X", "trust", "violet tractor moon lantern", school_id=admin.school_id)


def test_an_account_has_a_school_or_a_trust_never_both_nor_neither(db, trust_of_both):
    me, (lead, *_), _other, _ = trust_of_both
    school2 = create_school(db, "Third School")
    for i, bad in enumerate(
        (
            {"role": "trust", "school_id": school2.id, "trust_id": me.trust_id},
            {"role": "trust", "school_id": None, "trust_id": None},
            {"role": "trust", "school_id": school2.id, "trust_id": None},
            {"role": "admin", "school_id": None, "trust_id": me.trust_id},
            {"role": "admin", "school_id": school2.id, "trust_id": me.trust_id},
        )
    ):
        db.add(Staff(email=f"x{i}@t.test", display_name="X", password_hash="x", **bad))
        with pytest.raises(IntegrityError):
            db.commit()
        db.rollback()
