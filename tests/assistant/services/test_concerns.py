"""Concerns reach the safeguarding lead only, and every view of them is audited."""

from __future__ import annotations

import pytest

from assistant.conversation.engine import Turn
from assistant.errors import NotAllowed
from assistant.services.accounts import authenticate
from assistant.services.audit import recent
from assistant.services.concerns import list_concerns, mark_seen, unseen_count
from assistant.services.entries import entries_of_session
from assistant.services.sessions import start_session
from assistant.services.turns import add_observation, take_turn


def test_a_disclosure_on_the_tablet_reaches_the_safeguarding_lead_only(db, people, catalogue):
    lead, advocate, sam, _leo = people
    dsl = authenticate(db, "dsl@school.test", "correct horse battery")  # made with the people, in Oak class
    session, _ = start_session(db, lead, sam.id, "interests", adult_name="Mr Jones")
    take_turn(db, catalogue, session.rasa_sender_id, "start")
    reply = take_turn(
        db, catalogue, session.rasa_sender_id, "answer", Turn("express_like", [], "he hits me at home", confidence=0.9)
    )
    assert reply.messages[0]["text"] == "Thank you for telling me. I will tell Mr Jones so they can help you."
    add_observation(db, session, "She said she is scared to go home")
    db.expire_all()
    assert entries_of_session(db, session.id) == []  # no career entry, nothing to read back
    assert unseen_count(db, dsl) == 2 and unseen_count(db, lead) == 0
    for someone in (lead, advocate):
        with pytest.raises(NotAllowed):
            list_concerns(db, someone)
    concerns = list_concerns(db, dsl)
    assert [(c.words, c.category, c.provenance, c.pupil_name) for c in concerns] == [
        ("She said she is scared to go home", "fear_at_home", "adult_view", sam.display_name),
        ("he hits me at home", "hurting", "independent", sam.display_name),
    ]
    assert concerns[1].question == "What do you like doing?"
    mark_seen(db, dsl, concerns[0].id)
    assert unseen_count(db, dsl) == 1
    lines = [(e.action, e.detail) for e in recent(db, lead.school_id)]
    assert ("concern", "safeguarding concern seen") in lines
    assert sum(1 for action, _ in lines if action == "concern") == 3  # two kept, one seen
    assert any(action == "view" and "concerns listed" in detail for action, detail in lines)
