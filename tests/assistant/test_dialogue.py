"""The conversation engine, turn by turn (no database, no Rasa)."""

from __future__ import annotations

import pytest

from assistant.dialogue import Context, Engine, Turn
from assistant.questions import steps_for


class Conversation:
    """Plays turns against the engine and keeps what it would have written."""

    def __init__(self, catalogue, conversation="interests", **ctx):
        self.ctx = Context(catalogue=catalogue, conversation=conversation, pupil_name="Sam",
                           adult_name="Mr Jones", **ctx)
        self.state = None
        self.entries: dict[str, dict] = {}
        self.status = None

    def play(self, kind, turn=None):
        engine = Engine(self.ctx, self.state)
        reply = getattr(engine, kind)(turn) if turn is not None else getattr(engine, kind)()
        self.state = reply.state
        for entry in reply.new_entries:
            self.entries[entry["id"]] = dict(entry, status="draft", checked_back=False)
        for entry_id, changes in reply.entry_updates:
            self.entries[entry_id].update(changes)
        self.status = reply.session_status or self.status
        return reply.messages

    def say(self, intent, text=None, **entities):
        ents = [{"entity": k, "value": v} for k, v in entities.items()]
        return self.play("answer", Turn(intent, ents, text))

    def card(self, concept):
        intent = {"yes": "affirm", "no": "deny", "dont_know": "dont_know"}.get(concept, "choose")
        ents = [] if intent != "choose" else [{"entity": "concept", "value": concept}]
        return self.play("answer", Turn(intent, ents, None, input_mode="touch"))

    def live(self):
        return [e for e in self.entries.values() if e["status"] != "discarded"]


def prompt(messages):
    return [m for m in messages if m["prompt"]][-1]


def test_start_greets_by_name_and_asks_first_question(catalogue):
    c = Conversation(catalogue, cards_per_board=4)
    messages = c.play("start")
    assert messages[0]["text"].startswith("Hello Sam!")
    first = prompt(messages)
    assert first["text"] == "What do you like doing?"
    assert first["board"] == "choice"
    # Four concept cards (the profile's number) plus "I don't know".
    assert [card["concept"] for card in first["cards"]][-1] == "dont_know"
    assert len(first["cards"]) == 5
    assert all({"concept", "label", "symbol", "alt"} <= set(card) for card in first["cards"])
    assert c.status == "active"


def test_free_answer_is_checked_back_then_recorded(catalogue):
    c = Conversation(catalogue)
    c.play("start")
    messages = c.say("express_like", "i lik cookin with my nan", interest="cooking")
    check = prompt(messages)
    assert check["text"] == "You like cooking. Is that right?"
    assert check["board"] == "yes_no"
    assert [card["concept"] for card in check["cards"]] == ["yes", "no"]
    (entry,) = c.entries.values()
    assert entry["words"] == "i lik cookin with my nan"
    assert entry["concept_ids"] == ["cooking"] and entry["rating"] == "like"
    assert entry["provenance"] == "independent" and entry["input_mode"] == "typed"
    messages = c.say("affirm", "yes")
    assert entry["checked_back"] is True
    assert prompt(messages)["text"] == "What don't you like doing?"


def test_a_no_at_check_back_discards_and_asks_again(catalogue):
    c = Conversation(catalogue)
    c.play("start")
    c.say("express_like", "footy", interest="football")
    messages = c.say("deny", "no")
    assert prompt(messages)["text"] == "What do you like doing?"
    (entry,) = c.entries.values()
    assert entry["status"] == "discarded" and "not right" in entry["status_reason"]


def test_a_correction_at_check_back_replaces_the_answer(catalogue):
    c = Conversation(catalogue)
    c.play("start")
    c.say("express_like", "footy", interest="football")
    messages = c.say("express_like", "no swimming", interest="swimming")
    assert prompt(messages)["text"] == "You like swimming. Is that right?"
    assert [e["concept_ids"] for e in c.live()] == [["swimming"]]


def test_a_card_is_not_checked_back(catalogue):
    c = Conversation(catalogue)
    c.play("start")
    messages = c.card("animals")
    assert messages[0]["text"] == "You chose: you like animals."
    assert prompt(messages)["text"] == "What don't you like doing?"
    (entry,) = c.entries.values()
    assert entry["words"] is None and entry["input_mode"] == "touch"


def test_dont_know_is_a_real_answer(catalogue):
    c = Conversation(catalogue)
    c.play("start")
    messages = c.say("dont_know", "dunno")
    assert messages[0]["text"] == "That's OK."
    (entry,) = c.entries.values()
    assert entry["answer_kind"] == "dont_know" and entry["words"] == "dunno"
    assert prompt(messages)["text"] == "What don't you like doing?"


def test_dislike_said_to_a_like_question_is_recorded_as_a_dislike(catalogue):
    c = Conversation(catalogue)
    c.play("start")
    messages = c.say("express_dislike", "i hate football", interest="football")
    assert prompt(messages)["text"] == "You don't like football. Is that right?"
    assert c.live()[0]["rating"] == "dont_like"


def test_stop_ends_at_any_point_and_keeps_drafts(catalogue):
    c = Conversation(catalogue)
    c.play("start")
    c.say("express_like", "cooking", interest="cooking")
    messages = c.play("stop", Turn("stop", [], "stop"))
    assert "stop" in messages[0]["text"] and "kept" in messages[0]["text"]
    assert c.status == "stopped"
    (entry,) = c.entries.values()
    assert entry["status"] == "draft"
    assert "finished" in c.say("express_like", "art", interest="art")[0]["text"]
    assert len(c.entries) == 1


def test_repeat_says_the_same_question_again(catalogue):
    c = Conversation(catalogue)
    first = prompt(c.play("start"))
    again = c.play("repeat")
    assert again == [first]


def test_fallback_is_two_staged_then_pictures_then_the_adult(catalogue):
    c = Conversation(catalogue, cards_per_board=9)
    c.play("start")
    one = c.play("fallback", Turn("nlu_fallback", [], "blorp"))
    assert one[0]["text"] == "Sorry, I didn't understand."
    assert prompt(one)["text"] == "What do you like?"
    two = c.play("fallback", Turn("nlu_fallback", [], "blarp"))
    assert "pictures" in two[0]["text"]
    assert len([card for card in prompt(two)["cards"] if card["type"] != "special"]) == 4
    three = c.play("fallback", Turn("nlu_fallback", [], "blurp"))
    assert three[0]["text"] == "Let's ask Mr Jones to help."
    handover = prompt(three)
    assert handover["board"] == "handover"
    assert {"dont_know", "skip"} <= {card["concept"] for card in handover["cards"]}
    # The words that were not understood are kept for the adult, never lost.
    assert [e["words"] for e in c.entries.values()] == ["blorp", "blarp", "blurp"]
    assert all(e["answer_kind"] == "not_understood" for e in c.entries.values())
    # Not a dead end: a card still answers.
    assert prompt(c.card("music"))["text"] == "What don't you like doing?"


def test_fallback_with_a_usable_concept_is_taken_as_the_answer(catalogue):
    c = Conversation(catalogue)
    c.play("start")
    messages = c.play("fallback", Turn("nlu_fallback", [{"entity": "interest", "value": "art"}], "art??"))
    assert prompt(messages)["text"] == "You like art. Is that right?"


def test_skip_moves_on_without_recording(catalogue):
    c = Conversation(catalogue)
    c.play("start")
    messages = c.play("skip")
    assert prompt(messages)["text"] == "What don't you like doing?"
    assert c.entries == {}


def _answer_everything(c, conversation):
    for step in steps_for(conversation):
        if step.board == "scale":
            c.card("like")
        else:
            c.card(step.cards[0])


def test_read_back_confirms_each_point(catalogue):
    c = Conversation(catalogue)
    c.play("start")
    c.say("express_like", "cookin", interest="cooking")
    c.say("affirm", "yes")
    for step in steps_for("interests")[1:]:
        c.card(step.cards[0])
    assert c.state["phase"] == "readback"
    first = prompt(c.play("repeat"))
    assert first["text"] == "You told me: you like cooking. Is that right?"
    for _ in range(len(steps_for("interests"))):
        messages = c.card("yes")
    assert c.status == "finished"
    assert "Thank you, Sam" in messages[-1]["text"]
    assert all(e["status"] == "confirmed" and e["confirmed_by"] == "pupil" for e in c.entries.values())


def test_read_back_no_changes_the_point(catalogue):
    c = Conversation(catalogue)
    c.play("start")
    _answer_everything(c, "interests")
    old = next(e for e in c.entries.values() if e["step"] == "likes")
    messages = c.card("no")
    assert prompt(messages)["text"] == "What do you like doing?"
    messages = c.say("express_like", "drawing", interest="art")
    messages = c.say("affirm", "yes")
    assert old["status"] == "discarded" and "read-back" in old["status_reason"]
    new = next(e for e in c.entries.values() if e["concept_ids"] == ["art"] and e["step"] == "likes")
    assert new["status"] == "confirmed"
    assert prompt(messages)["text"].startswith("You told me: you don't like it when it is noisy")


def test_debrief_names_the_encounter_and_uses_feelings_and_scale(catalogue):
    c = Conversation(catalogue, conversation="debrief", place="the garden centre visit")
    first = prompt(c.play("start"))
    assert first["text"] == "How did you feel at the garden centre visit?"
    assert first["board"] == "feelings"
    c.say("express_feeling", "i was nervous", feeling="worried")
    c.say("affirm", "yep")
    c.card("animals")
    c.card("noisy")
    again = prompt(c.play("repeat"))
    assert again["board"] == "scale"
    assert [card["concept"] for card in again["cards"]] == ["like", "not_sure", "dont_like"]
    messages = c.say("affirm", "yeah")  # a bare yes on the scale is turned into a rating
    assert prompt(messages)["text"] == "You would like to go again. Is that right?"
    entry = c.live()[-1]
    assert entry["rating"] == "like" and entry["step"] == "again"


def test_aspirations_cover_the_four_pfa_areas(catalogue):
    steps = [s.id for s in steps_for("aspirations")]
    assert steps == ["work_learning", "job", "living", "community", "health"]
    c = Conversation(catalogue, conversation="aspirations")
    c.play("start")
    messages = c.say("express_aspiration", "i wanna be a chef", job="chef")
    assert prompt(messages)["text"] == "You would like to be a chef. Is that right?"


def test_earlier_answers_are_recalled_on_the_scale(catalogue):
    earlier = [{"id": "e1", "moment": "interests", "step": "likes", "answer_kind": "concept",
                "concept_ids": ["cooking"], "stance": "like", "rating": "like"}]
    c = Conversation(catalogue, earlier=earlier)
    messages = c.play("start")
    assert any(m["text"] == "Last time you told me: you like cooking." for m in messages)
    question = prompt(messages)
    assert question["text"] == "What do you think about cooking now?"
    assert question["board"] == "scale"
    messages = c.card("dont_like")
    (entry,) = c.entries.values()
    assert entry["rating"] == "dont_like" and entry["recalls_entry_id"] == "e1"
    assert entry["concept_ids"] == ["cooking"]
    assert prompt(messages)["text"] == "What do you like doing?"


@pytest.mark.parametrize("conversation", ["interests", "debrief", "aspirations"])
def test_every_prompt_word_with_a_concept_card_carries_its_symbol(catalogue, conversation):
    c = Conversation(catalogue, conversation=conversation)
    messages = c.play("start")
    for message in messages:
        assert "".join(w["text"] for w in message["symbols"]).replace(" ", "") == \
            message["text"].replace(" ", "")
        for card in message["cards"]:
            assert card["symbol"]


def test_a_photo_of_the_place_comes_with_the_introduction(catalogue):
    c = Conversation(catalogue, conversation="debrief", place="the bakery",
                     place_photo="/api/chat/encounter-photo")
    intro = c.play("start")[0]
    assert intro["picture"] == {"url": "/api/chat/encounter-photo", "alt": "A photo of the bakery"}
    assert "picture" not in Conversation(catalogue).play("start")[0]


def test_prepare_asks_before_the_encounter(catalogue):
    c = Conversation(catalogue, conversation="prepare", place="the college")
    messages = c.play("start")
    assert messages[0]["text"] == "Hello Sam! Soon you are going to the college. Let's talk about it."
    assert prompt(messages)["text"] == "How do you feel about going to the college?"
    messages = c.say("express_feeling", "bit nervous", feeling="worried")
    assert prompt(messages)["text"] == "You feel worried. Is that right?"
