""" "My voice" in the record: consent first, enrolment clip by clip (checked, kept as
features only), counts and removal, learning from tapped answers, export and erasure."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from assistant.errors import InvalidInput, NotFound
from assistant.record.models import AuditEvent, VoiceProfile, VoiceTemplate
from assistant.services import my_voice
from assistant.services.erasure import erase_pupil, export_pupil
from assistant.speech import enrolment_clip
from assistant.speech import templates as tpl
from tests.assistant.speech.voices import say


@pytest.fixture(scope="module")
def clips():
    """Three clips each of two cards and one of another word, by one pupil-like voice."""
    return {
        "cooking": [say("too tin", seed=s) for s in range(3)],
        "yes": [say("yes", seed=s) for s in range(3)],
        "other": say("elephant sandwich", seed=4),
        "silence": _silence(),
    }


def _silence() -> bytes:
    import io
    import wave

    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(b"\x00\x00" * 16000)
    return out.getvalue()


def _templates(db, pupil_id):
    return db.execute(
        select(func.count()).select_from(VoiceTemplate).where(VoiceTemplate.pupil_id == pupil_id)
    ).scalar_one()


def test_consent_comes_first(db, people, catalogue, clips):
    lead, _, sam, _ = people
    with pytest.raises(my_voice.ConsentNeeded):
        my_voice.enrol_clip(db, lead, sam.id, "cooking", clips["cooking"][0], catalogue, check=enrolment_clip)
    with pytest.raises(InvalidInput):
        my_voice.record_consent(db, lead, sam.id, "   ")
    profile = my_voice.record_consent(db, lead, sam.id, "Sam and his dad,  Mr Taylor")
    assert profile.consent_given_by == "Sam and his dad, Mr Taylor"
    assert profile.consent_recorded_by == lead.id and profile.consent_at is not None
    assert db.execute(select(AuditEvent).where(AuditEvent.detail == "My voice: recorded consent")).scalar_one()


def test_enrolment_keeps_features_checks_clips_and_sets_the_scale(db, people, catalogue, clips):
    lead, advocate, sam, leo = people
    my_voice.record_consent(db, lead, sam.id, "Sam and Mr Taylor")
    for index, data in enumerate(clips["cooking"]):
        count = my_voice.enrol_clip(db, advocate, sam.id, "cooking", data, catalogue, check=enrolment_clip)
        assert count.enrolment == index + 1
    stored = db.execute(select(VoiceTemplate)).scalars().all()
    assert len(stored) == 3
    for row in stored:  # features, never the recording
        assert tpl.from_bytes(row.features).shape[1] == tpl.DIM
        assert row.features[:6] == b"\x93NUMPY" and b"RIFF" not in row.features
    profile = db.get(VoiceProfile, sam.id)
    assert profile.scale != tpl.DEFAULT_SCALE and profile.floor_db is not None
    with pytest.raises(my_voice.ClipRejected, match="could not hear"):
        my_voice.enrol_clip(db, lead, sam.id, "cooking", clips["silence"], catalogue, check=enrolment_clip)
    with pytest.raises(my_voice.ClipRejected, match="did not sound like"):
        my_voice.enrol_clip(db, lead, sam.id, "cooking", clips["other"], catalogue, check=enrolment_clip)
    with pytest.raises(InvalidInput, match="not a sound recording"):
        my_voice.enrol_clip(db, lead, sam.id, "cooking", b"RIFF" + b"\x00" * 100, catalogue, check=enrolment_clip)
    with pytest.raises(InvalidInput, match="Unknown card"):
        my_voice.enrol_clip(db, lead, sam.id, "not_a_card", clips["yes"][0], catalogue, check=enrolment_clip)
    with pytest.raises(NotFound):  # the advocate does not work with Leo
        my_voice.enrol_clip(db, advocate, leo.id, "cooking", clips["yes"][0], catalogue, check=enrolment_clip)
    assert _templates(db, sam.id) == 3 and _templates(db, leo.id) == 0


def _enrol(db, staff, pupil, catalogue, clips):
    my_voice.record_consent(db, staff, pupil.id, "the pupil and their parent")
    for card in ("cooking", "yes"):
        for data in clips[card]:
            my_voice.enrol_clip(db, staff, pupil.id, card, data, catalogue, check=enrolment_clip)


def test_counts_removal_and_the_model_for_a_board(db, people, catalogue, clips):
    lead, _, sam, leo = people
    assert my_voice.voice_model(db, sam.id, ["cooking"]) is None
    _enrol(db, lead, sam, catalogue, clips)
    counts = {c.card_id: c for c in my_voice.card_counts(db, lead, sam.id, catalogue)}
    assert counts["cooking"].enrolment == 3 and counts["yes"].total == 3
    assert counts["animals"].total == 0  # a usual card not yet recorded
    model = my_voice.voice_model(db, sam.id, ["cooking", "animals", "dont_know"])
    assert model.cards() == {"cooking"} and len(model.templates["cooking"]) == 3
    assert my_voice.voice_model(db, leo.id, ["cooking"]) is None
    one = my_voice.templates_of(db, lead, sam.id)[0]
    with pytest.raises(NotFound):
        my_voice.remove_template(db, lead, leo.id, one.id)  # not Leo's recording
    assert my_voice.remove_template(db, lead, sam.id, one.id) == one.card_id
    assert _templates(db, sam.id) == 5
    with pytest.raises(NotFound):
        my_voice.remove_template(db, lead, sam.id, "1; drop table")


def test_tapped_answers_teach_up_to_a_limit(db, people, catalogue, clips):
    lead, _, sam, _ = people
    _enrol(db, lead, sam, catalogue, clips)
    heard = enrolment_clip(say("too tin", seed=20)).features
    assert not my_voice.learn(db, sam.id, "animals", tpl.to_bytes(heard))  # never enrolled
    assert not my_voice.learn(db, sam.id, "cooking", b"not features")
    for _ in range(tpl.MAX_PER_CARD + 2):
        assert my_voice.learn(db, sam.id, "cooking", tpl.to_bytes(heard))
    rows = db.execute(select(VoiceTemplate).where(VoiceTemplate.card_id == "cooking")).scalars().all()
    assert len(rows) == tpl.MAX_PER_CARD
    assert sum(r.source == "enrolment" for r in rows) == 3  # the adult's recordings stay


def test_heard_answers_wait_for_the_same_card_only():
    heard = my_voice.Heard(seconds=60)
    heard.keep("s1", "cooking", b"f")
    assert heard.take("s1", "animals") is None  # another card: nothing learnt
    heard.keep("s1", "cooking", b"f")
    assert heard.take("s1", "cooking") == b"f" and heard.take("s1", "cooking") is None
    heard.keep("s2", "yes", b"g")
    heard.keep("s2", None, None)  # the next answer proposed nothing
    assert heard.take("s2", "yes") is None
    stale = my_voice.Heard(seconds=0)
    stale.keep("s3", "yes", b"h")
    assert stale.take("s3", "yes") is None


def test_export_and_erasure_include_the_voice(db, people, catalogue, clips):
    lead, _, sam, _ = people
    from assistant.record.models import Staff

    admin = db.execute(select(Staff).where(Staff.role == "admin")).scalar_one()
    _enrol(db, lead, sam, catalogue, clips)
    exported = export_pupil(db, admin, sam.id)["voice"]
    assert exported["consent"]["given_by"] == "the pupil and their parent"
    assert len(exported["templates"]) == 6
    assert {t["card"] for t in exported["templates"]} == {"cooking", "yes"}
    import base64

    assert tpl.from_bytes(base64.b64decode(exported["templates"][0]["features_npy_float16_base64"])).shape[1] == tpl.DIM
    counts = erase_pupil(db, admin, sam.id, None, None)
    assert counts["voice_templates"] == 6
    assert _templates(db, sam.id) == 0 and db.get(VoiceProfile, sam.id) is None
