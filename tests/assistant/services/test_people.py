"""Staff accounts, pupils and who may see whom, sessions and encounters (on both databases)."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.errors import InvalidInput, LoginFailed, NotFound, SessionClosed
from assistant.record.models import ConversationSession
from assistant.services.accounts import authenticate
from assistant.services.encounters import ENCOUNTER_TYPES, create_encounter
from assistant.services.pupils import pupil_for, visible_pupils
from assistant.services.sessions import claim_session, ensure_open, session_for_token, start_session


def test_passwords_are_hashed_with_argon2(db, people):
    lead = people[0]
    assert lead.password_hash.startswith("$argon2")
    assert authenticate(db, "LEAD@school.test", "correct horse battery").id == lead.id


def test_failures_never_lock_the_account_nor_tell_that_it_exists(db, people):
    """Guessing is slowed per client at the web edge; a lock per account would let anyone
    lock the administrator out (tests/assistant/web/test_security.py)."""
    messages = set()
    for email in ["lead@school.test"] * 10 + ["nobody@school.test"]:
        with pytest.raises(LoginFailed) as failed:
            authenticate(db, email, "wrong password")
        messages.add(failed.value.message)
    assert messages == {"Wrong email or password."}
    assert authenticate(db, "lead@school.test", "correct horse battery").id == people[0].id


def test_advocates_see_only_their_groups(db, people):
    lead, advocate, sam, leo = people
    assert [p.given_name for p in visible_pupils(db, advocate)] == ["Sam"]
    assert {p.given_name for p in visible_pupils(db, lead)} == {"Sam", "Leo"}
    with pytest.raises(NotFound):
        pupil_for(db, advocate, leo.id)
    with pytest.raises(NotFound):
        start_session(db, advocate, leo.id, "interests")


def test_a_one_time_code_opens_only_its_session_once(db, people):
    lead, _advocate, sam, _leo = people
    session, code = start_session(db, lead, sam.id, "interests")
    assert session.claim_code_hash != code and len(code) == 8  # stored hashed
    with pytest.raises(NotFound):
        session_for_token(db, code)
    claimed, token = claim_session(db, f" {code[:4].lower()}-{code[4:]} ")  # as typed
    assert claimed.id == session.id and session_for_token(db, token).id == session.id
    with pytest.raises(NotFound):
        claim_session(db, code)  # once only
    for bad in ["", "x" * 500, token + "x", "' OR 1=1 --"]:
        with pytest.raises(NotFound):
            session_for_token(db, bad)
        with pytest.raises(NotFound):
            claim_session(db, bad)


def test_a_debrief_needs_an_encounter(db, people):
    lead, _advocate, sam, _leo = people
    with pytest.raises(InvalidInput):
        start_session(db, lead, sam.id, "debrief")
    with pytest.raises(InvalidInput):
        start_session(db, lead, sam.id, "chit-chat")
    with pytest.raises(NotFound):
        start_session(db, lead, sam.id, "debrief", encounter_id=999)
    visit = create_encounter(db, "workplace_visit", "Garden centre", date(2026, 11, 1), pupil_ids=[sam.id])
    session, _ = start_session(db, lead, sam.id, "debrief", encounter_id=visit.id)
    assert session.encounter.title == "Garden centre"


def test_a_debrief_only_for_a_pupil_who_went_and_interests_without_an_encounter(db, people):
    lead, _advocate, sam, leo = people
    visit = create_encounter(db, "workplace_visit", "Garden centre", date(2026, 11, 1), pupil_ids=[sam.id])
    with pytest.raises(InvalidInput, match="not recorded as going"):
        start_session(db, lead, leo.id, "debrief", encounter_id=visit.id)
    for conversation in ("interests", "aspirations"):
        with pytest.raises(InvalidInput, match="leave the encounter empty"):
            start_session(db, lead, sam.id, conversation, encounter_id=visit.id)
    # Preparing is before the encounter: the list of who goes may still change.
    assert start_session(db, lead, leo.id, "prepare", encounter_id=visit.id)[0].encounter_id == visit.id
    assert db.query(ConversationSession).filter_by(conversation="debrief").count() == 0


def test_finished_sessions_are_closed():
    with pytest.raises(SessionClosed):
        ensure_open(ConversationSession(status="stopped"))


def test_gatsby_benchmarks_come_from_the_encounter_type(db, people):
    fair = create_encounter(db, "careers_fair", "", date(2026, 3, 3))
    assert fair.gatsby_benchmarks == [2, 5, 7]
    assert fair.title == "Careers or transition fair"
    edited = create_encounter(db, "workplace_visit", "Visit", date(2026, 3, 3), gatsby_benchmarks=[6, 4])
    assert edited.gatsby_benchmarks == [4, 6]
    with pytest.raises(InvalidInput):
        create_encounter(db, "party", "x", date(2026, 3, 3))


def test_encounter_types_match_the_shared_vocabulary(vocabulary):
    assert {k: (v["label"], tuple(v["gatsby"])) for k, v in vocabulary["encounters"].items()} == ENCOUNTER_TYPES


def test_starting_a_session_is_audited_however_it_is_started(db, people):
    from sqlalchemy import select

    from assistant.record.models import AuditEvent

    lead, _advocate, sam, _leo = people
    start_session(db, lead, sam.id, "aspirations")
    event = db.execute(select(AuditEvent).where(AuditEvent.action == "start_session")).scalar_one()
    assert (event.staff_id, event.pupil_id, event.detail) == (lead.id, sam.id, "aspirations")
