"""A pupil's record across sessions and dates, for the report tests."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from assistant.conversation.plans import steps_for
from assistant.record.models import ConversationSession, Entry
from assistant.services.encounters import create_encounter

QUESTIONS = {s.id: s.question for plan in ("interests", "prepare", "debrief", "aspirations") for s in steps_for(plan)}
SCRIPT_WORDS = "dogs <script>alert('x')</script> \U0001f436 \u0643\u0644\u0628"


def add_entry(
    db,
    pupil,
    moment,
    step,
    when,
    concept_ids=(),
    stance=None,
    rating=None,
    words=None,
    provenance="independent",
    kind="concept",
    status="confirmed",
    encounter=None,
    adult_name="Mr TA",
    recalls=None,
    session=None,
):
    """One entry, as the dialogue would have recorded it."""
    if session is None:
        session = ConversationSession(
            pupil_id=pupil.id,
            conversation=moment,
            status="finished",
            encounter_id=encounter.id if encounter else None,
            adult_name=adult_name,
            created_at=when,
        )
        db.add(session)
        db.flush()
    entry = Entry(
        pupil_id=pupil.id,
        session_id=session.id,
        moment=moment,
        step=step,
        question=QUESTIONS.get(step, "What do you think about it now?").format(place="it"),
        answer_kind=kind,
        concept_ids=list(concept_ids),
        stance=stance,
        rating=rating,
        words=words,
        input_mode="typed" if words else "touch",
        provenance=provenance,
        adult_name=adult_name,
        symbol_set="openmoji",
        status=status,
        recalls_entry_id=recalls.id if recalls else None,
        encounter_id=encounter.id if encounter else None,
        created_at=when,
        confirmed_at=when if status == "confirmed" else None,
    )
    db.add(entry)
    db.commit()
    return entry


class Record:
    """Sam's record: March answers (the last review), April-July answers, a cafe visit."""

    start = date(2026, 4, 1)
    end = date(2026, 7, 31)


@pytest.fixture
def record(db, people):
    return build_record(db, people)


@pytest.fixture
def sqlite_record(sqlite_db):
    from tests.conftest import make_people

    return build_record(sqlite_db, make_people(sqlite_db))


def build_record(db, people):
    lead, advocate, sam, leo = people
    r = Record()
    r.db, r.sam, r.leo = db, sam, leo
    march = datetime(2026, 3, 10, 10, 0)
    r.cooking_march = add_entry(
        db, sam, "interests", "likes", march, ["cooking"], "like", "like", words="i lik cookin with my nan"
    )
    add_entry(db, sam, "interests", "likes", march, ["football"], "like", "like")
    add_entry(db, sam, "interests", "good_at", march, ["maths"], "good_at")

    june = datetime(2026, 6, 12, 10, 0)
    r.recall = add_entry(
        db, sam, "interests", "recall", june, ["cooking"], "recall", "dont_like", kind="rating", recalls=r.cooking_march
    )
    add_entry(db, sam, "interests", "likes", june, ["animals"], "like", "like", words=SCRIPT_WORDS)
    add_entry(db, sam, "interests", "likes", june, ["gardening"], "like", "like", provenance="interpreted")
    add_entry(db, sam, "interests", "dislikes", june, ["noisy"], "dont_like", "dont_like", provenance="prompted")
    add_entry(db, sam, "interests", "good_at", june, ["art"], "good_at", provenance="supported")
    add_entry(db, sam, "interests", "help_needed", june, ["quiet_space"], "need")
    add_entry(
        db,
        sam,
        "interests",
        "likes",
        june,
        ["computers"],
        "like",
        "like",
        provenance="adult_view",
        words="I think Sam likes computers",
    )
    add_entry(
        db,
        sam,
        "interests",
        "likes",
        june,
        [],
        kind="observation",
        provenance="adult_view",
        words="Sam smiled a lot when we talked about animals",
    )
    add_entry(db, sam, "interests", "likes", june, ["music"], "like", "like", status="draft")
    add_entry(db, sam, "aspirations", "job", datetime(2026, 6, 20, 9), ["chef"], "aspire", words="I want to be a chef")
    add_entry(db, sam, "aspirations", "living", datetime(2026, 6, 20, 9), ["with_family"], "live")

    r.cafe = create_encounter(
        db, "workplace_visit", "Visit to Bean There Cafe", date(2026, 5, 10), place="High Street", pupil_ids=[sam.id]
    )
    add_entry(
        db, sam, "prepare", "expect_feeling", datetime(2026, 5, 8, 10), ["worried"], "expect_felt", encounter=r.cafe
    )
    debrief = datetime(2026, 5, 10, 14)
    add_entry(db, sam, "debrief", "feeling", debrief, ["happy"], "felt", encounter=r.cafe, words="it was gr8")
    add_entry(db, sam, "debrief", "liked", debrief, ["cafe"], "liked", encounter=r.cafe)
    add_entry(db, sam, "debrief", "again", debrief, [], "again", "like", kind="rating", encounter=r.cafe)
    add_entry(db, sam, "debrief", "do_job", debrief, [], "do_job", "like", kind="rating", encounter=r.cafe)
    r.guidance = create_encounter(db, "guidance_interview", "Careers adviser", date(2026, 6, 1), pupil_ids=[leo.id])
    return r
