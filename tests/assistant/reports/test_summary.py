"""The review summary's data: points by PfA area, provenance, sharing, changes, encounters."""

from __future__ import annotations

import re

import pytest

from assistant.conversation.plans import PLANS, describe
from assistant.errors import InvalidInput, NotFound
from assistant.reports.summary import review_summary
from assistant.reports.wording import WORDS_WITHHELD, first_person
from tests.assistant.reports.conftest import SCRIPT_WORDS


def _statements(summary):
    return {p.statement: p for p in summary.points}


def test_points_by_area_with_provenance(record):
    s = review_summary(record.db, record.sam.id, record.start, record.end)
    areas = {sec.key: sec for sec in s.sections}
    assert list(areas) == ["employment", "independent_living", "health"]
    employment = {p.statement: p for p in areas["employment"].points}
    assert employment["I like animals."].words == [SCRIPT_WORDS]
    assert employment["I like gardening."].provenance_label == "Interpreted by an adult (Mr TA)"
    assert employment["I am good at art."].provenance_label.startswith("Pupil's answer, with an adult's help")
    assert employment["I would like to be a chef."].words == ["I want to be a chef"]
    health = {p.statement: p for p in areas["health"].points}
    assert health["I don't like it when it is noisy."].provenance == "prompted"
    assert health["I need a quiet space."].category == "help"
    assert all(p.provenance_label for p in s.points)


def test_adult_view_is_never_the_pupils_voice(record):
    s = review_summary(record.db, record.sam.id, record.start, record.end)
    assert not any("computers" in [c.id for c in p.concepts] for p in s.points)
    assert not any("I think Sam" in w for p in s.points for w in p.words)
    notes = {n.kind: n for n in s.adult_notes}
    assert notes["answer"].text == "I think Sam likes computers"
    assert notes["observation"].text.startswith("Sam smiled")


def test_drafts_left_out_and_counted(record):
    s = review_summary(record.db, record.sam.id, record.start, record.end)
    assert s.drafts_left_out == 1
    assert "I like music." not in _statements(s)
    with_drafts = review_summary(record.db, record.sam.id, record.start, record.end, include_drafts=True)
    assert _statements(with_drafts)["I like music."].drafts == 1


def test_sharing_flag_keeps_words_in_school(record):
    record.sam.words_shareable = False
    record.sam.sharing_note = "Parents asked for words to stay in school."
    record.db.commit()
    s = review_summary(record.db, record.sam.id, record.start, record.end)
    animals = _statements(s)["I like animals."]
    assert animals.words == [WORDS_WITHHELD]
    assert [c.id for c in animals.concepts] == ["animals"]
    assert not any(SCRIPT_WORDS in w or "chef" in w for p in s.points for w in p.words)
    assert s.sharing_note == "Parents asked for words to stay in school."
    felt = s.encounters[0].row("How I felt").after[0]
    assert felt.words == [WORDS_WITHHELD]


def test_what_changed_finds_a_changed_rating(record):
    s = review_summary(record.db, record.sam.id, record.start, record.end)
    changed = [c for c in s.changes if c.kind == "changed"]
    assert [(c.concept.id, c.before.value, c.after.value) for c in changed] == [("cooking", "like", "dont_like")]
    assert changed[0].text == "March 2026: I like cooking. June 2026: I don't like cooking."
    kinds = {(c.kind, c.concept.id) for c in s.changes}
    assert ("new", "animals") in kinds and ("new", "chef") in kinds
    assert ("not_mentioned", "football") in kinds and ("not_mentioned", "maths") in kinds
    assert ("new", "computers") not in kinds  # the adult's view is not a change in the pupil's voice


def test_no_comparison_without_an_earlier_period(record):
    s = review_summary(record.db, record.sam.id)
    assert s.changes == [] and not s.compared


def test_prepare_beside_debrief_and_golden_thread(record):
    s = review_summary(record.db, record.sam.id, record.start, record.end)
    (story,) = s.encounters
    assert story.encounter.title == "Visit to Bean There Cafe" and story.prepared and story.debriefed
    felt = story.row("How I felt")
    assert [p.statement for p in felt.before] == ["I feel worried."]
    assert [p.statement for p in felt.after] == ["I felt happy."]
    assert [p.statement for p in story.row("Would I go again?").after] == ["I would like to go again."]
    chef = next(link for link in s.thread if link.concept.id == "chef")
    assert [step.story.encounter.id for step in chef.steps] == [record.cafe.id]
    assert chef.next_step == "I would like to go again. I would like a job like that."
    family = (
        next(link for link in s.thread if link.concept.id == "with_family")
        if any(link.concept.id == "with_family" for link in s.thread)
        else None
    )
    assert family is None  # living aspirations have no encounters to link


def test_gatsby_for_the_pupil(record):
    s = review_summary(record.db, record.sam.id, record.start, record.end)
    assert [e.title for e in s.benchmarks.by_benchmark[6]] == ["Visit to Bean There Cafe"]
    assert s.benchmarks.count(3) == 1 and s.benchmarks.count(8) == 0


def test_unknown_pupil_and_backwards_period(record):
    with pytest.raises(NotFound):
        review_summary(record.db, 9999)
    with pytest.raises(InvalidInput):
        review_summary(record.db, record.sam.id, record.end, record.start)


@pytest.mark.parametrize("stance", sorted({s.stance for plan in PLANS.values() for s in plan}))
def test_first_person_leaves_no_you(catalogue, stance):
    for concept in catalogue.concepts.values():
        text = first_person(describe(stance, [concept]))
        assert not re.search(r"\byour?\b", text, re.I), text
