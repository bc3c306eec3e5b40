"""Demo data for a first run: a school with staff, pupils, groups and one encounter.

No password is published: the demo accounts get one generated password, shown once by
`bin/run` (or `flask --app assistant demo-data`), which each must change at first login."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assistant.record.models import ConversationSession, Entry, Staff
from assistant.services.accounts import create_staff, generated_password
from assistant.services.encounters import create_encounter
from assistant.services.pupils import create_pupil
from assistant.vocabulary import SessionStatus

DEMO_LOGIN = "careers@demo.school"
DEMO_ADVOCATE = "ta@demo.school"
DEMO_ADMIN = "admin@demo.school"


def demo_password_still_set(db: Session) -> bool:
    """Whether a demo account can still log in with the one-time password printed at set-up
    (the demo accounts are only for a server that no one else can reach)."""
    return bool(
        db.execute(
            select(func.count(Staff.id)).where(
                Staff.email.in_((DEMO_ADMIN, DEMO_LOGIN, DEMO_ADVOCATE)),
                Staff.must_change_password.is_(True),
                Staff.disabled_at.is_(None),
            )
        ).scalar_one()
    )


def load_demo_data(db: Session) -> str | None:
    """Fill an empty database with demo people (fictional) and return the demo accounts'
    one-time password; None if staff already exist."""
    if db.execute(select(func.count(Staff.id))).scalar_one():
        return None
    password = generated_password()
    create_staff(db, DEMO_ADMIN, "Demo Administrator", "admin", password, must_change_password=True)
    create_staff(db, DEMO_LOGIN, "Ms Patel (careers lead)", "careers_lead", password, must_change_password=True)
    create_staff(
        db, DEMO_ADVOCATE, "Mr Jones (TA)", "advocate", password, group_names=["Oak class"], must_change_password=True
    )
    sam = create_pupil(db, "Sam", "Taylor", "Year 11", "Oak class", cards_per_board=4)
    aisha = create_pupil(db, "Aisha", "Khan", "Year 12", "Oak class", cards_per_board=6)
    leo = create_pupil(db, "Leo", "Brown", "Year 10", "Willow class", cards_per_board=2)
    visit = create_encounter(
        db,
        "workplace_visit",
        "Greenfields Garden Centre visit",
        date(2026, 11, 20),
        place="Greenfields Garden Centre",
        provider="Greenfields Ltd",
        pupil_ids=[sam.id, aisha.id, leo.id],
    )
    _demo_answers(db, sam.id, visit.id)
    return password


def _demo_answers(db: Session, pupil_id: int, encounter_id: int) -> None:
    """A few confirmed answers, so the summary and the next session's recall have something."""
    session = ConversationSession(
        pupil_id=pupil_id,
        conversation="interests",
        status=SessionStatus.FINISHED.value,
        adult_name="Mr Jones (TA)",
        created_at=datetime(2026, 10, 6, 10),
        ended_at=datetime(2026, 10, 6, 10, 12),
    )
    debrief = ConversationSession(
        pupil_id=pupil_id,
        conversation="debrief",
        status=SessionStatus.FINISHED.value,
        encounter_id=encounter_id,
        adult_name="Mr Jones (TA)",
        created_at=datetime(2026, 11, 20, 14),
        ended_at=datetime(2026, 11, 20, 14, 9),
    )
    db.add_all([session, debrief])
    db.flush()
    answers = [
        (
            session,
            "likes",
            "What do you like doing?",
            ["cooking"],
            "like",
            "like",
            "i like cookin with my nan",
            "typed",
            "independent",
        ),
        (
            session,
            "dislikes",
            "What don't you like doing?",
            ["noisy"],
            "dont_like",
            "dont_like",
            None,
            "touch",
            "independent",
        ),
        (
            session,
            "good_at",
            "What are you good at?",
            ["gardening"],
            "good_at",
            None,
            "growing tomatoes",
            "typed",
            "prompted",
        ),
        (
            session,
            "help_needed",
            "What do you find hard? What help do you need?",
            ["reading_help"],
            "need",
            None,
            None,
            "touch",
            "supported",
        ),
        (
            debrief,
            "feeling",
            "How did you feel at Greenfields Garden Centre visit?",
            ["happy"],
            "felt",
            None,
            None,
            "touch",
            "independent",
        ),
        (
            debrief,
            "liked",
            "What did you like at Greenfields Garden Centre visit?",
            ["gardening"],
            "liked",
            None,
            "the plants",
            "typed",
            "independent",
        ),
    ]
    for sess, step, question, concepts, stance, rating, words, mode, provenance in answers:
        db.add(
            Entry(
                pupil_id=pupil_id,
                session_id=sess.id,
                encounter_id=sess.encounter_id,
                moment=sess.conversation,
                step=step,
                question=question,
                answer_kind="concept",
                concept_ids=concepts,
                stance=stance,
                rating=rating,
                words=words,
                input_mode=mode,
                provenance=provenance,
                adult_name="Mr Jones (TA)",
                symbol_set="openmoji 17.0.0",
                status="confirmed",
                confirmed_by="pupil",
                checked_back=words is not None,
                created_at=sess.created_at,
                confirmed_at=sess.ended_at,
            )
        )
    db.add(
        Entry(
            pupil_id=pupil_id,
            session_id=debrief.id,
            encounter_id=encounter_id,
            moment="debrief",
            step="again",
            question="What do you think about going to Greenfields Garden Centre visit again?",
            answer_kind="rating",
            concept_ids=[],
            stance="again",
            rating="like",
            words=None,
            input_mode="touch",
            provenance="independent",
            adult_name="Mr Jones (TA)",
            symbol_set="openmoji 17.0.0",
            status="confirmed",
            confirmed_by="pupil",
            created_at=debrief.created_at,
            confirmed_at=debrief.ended_at,
        )
    )
    db.commit()
