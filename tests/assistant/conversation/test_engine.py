"""The conversation engine, turn by turn (no database, no Rasa)."""

from __future__ import annotations

import pytest

from assistant.conversation.engine import Context, Engine, Turn
from assistant.conversation.plans import steps_for


class Conversation:
    """Plays turns against the engine and keeps what it would have written."""

    def __init__(self, catalogue, conversation="interests", **ctx):
        self.ctx = Context(
            catalogue=catalogue, conversation=conversation, pupil_name="Sam", adult_name="Mr Jones", **ctx
        )
        self.state = None
        self.entries: dict[str, dict] = {}
        self.status = None
        self.last = []

    def play(self, kind, turn=None):
        engine = Engine(self.ctx, self.state)
        reply = getattr(engine, kind)(turn) if turn is not None else getattr(engine, kind)()
        self.state = reply.state
        for entry in reply.new_entries:
            self.entries[entry["id"]] = dict({"status": "draft", "checked_back": False}, **entry)
        for entry_id, changes in reply.entry_updates:
            self.entries[entry_id].update(changes)
        self.status = reply.session_status or self.status
        self.last = reply.messages
        return reply.messages

    def say(self, text, intent="express_like", confidence=0.9, **extra):
        """Typed words, with what a classifier might have made of them on their own."""
        return self.play("answer", Turn(intent, [], text, confidence=confidence, **extra))

    def card(self, concept, stance=None, input_mode="touch"):
        intent = {"yes": "affirm", "no": "deny", "dont_know": "dont_know"}.get(concept, "choose")
        ents = [] if intent != "choose" else [{"entity": "concept", "value": concept}]
        return self.play("answer", Turn(intent, ents, None, input_mode=input_mode, stance=stance))

    def button(self, intent):
        """The tablet's Stop or Repeat button: a command no classifier saw."""
        return self.play("answer", Turn(intent, [], None, input_mode="touch"))

    def live(self):
        return [e for e in self.entries.values() if e["status"] != "discarded"]


def prompt(messages):
    return [m for m in messages if m["prompt"]][-1]


def cards(message):
    return [(card["concept"], card.get("stance")) for card in message["cards"]]


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
    assert first["prompt_id"] == "1"
    assert c.status == "active"


def test_words_are_stored_at_once_then_checked_back_by_choosing(catalogue):
    c = Conversation(catalogue)
    c.play("start")
    messages = c.say("i lik cookin with my nan")
    check = prompt(messages)
    assert check["text"] == 'You said: "i lik cookin with my nan". Which one do you mean?'
    assert check["board"] == "check"
    # The understood card, the other reading, and "something else": never a yes or a no.
    assert cards(check) == [("cooking", "like"), ("cooking", "dont_like"), ("something_else", None)]
    assert [card["label"] for card in check["cards"]][:2] == ["I like cooking", "I don't like cooking"]
    assert [card["stance_symbol"] for card in check["cards"][:2]] == ["like", "dont_like"]
    (entry,) = c.entries.values()
    assert entry["words"] == "i lik cookin with my nan" and entry["status"] == "draft"
    assert entry["concept_ids"] == ["cooking"] and entry["stance"] == "like"
    assert entry["provenance"] == "independent" and entry["input_mode"] == "typed"
    messages = c.card("cooking", "like")
    assert entry["checked_back"] is True
    assert prompt(messages)["text"] == "What don't you like doing?"


def test_choosing_the_other_reading_keeps_the_words_with_the_chosen_stance(catalogue):
    c = Conversation(catalogue)
    c.play("start")
    c.say("animals", intent="express_dislike", confidence=1.0)
    messages = c.card("animals", "dont_like")
    first, second = c.entries.values()
    assert first["stance"] == "like" and first["status"] == "discarded"
    assert "another reading" in first["status_reason"]
    assert (second["stance"], second["words"], second["checked_back"]) == ("dont_like", "animals", True)
    assert second["input_mode"] == "typed"
    assert prompt(messages)["text"] == "What don't you like doing?"


def test_something_else_sets_the_reading_aside_and_asks_with_pictures(catalogue):
    c = Conversation(catalogue, cards_per_board=9)
    c.play("start")
    c.say("footy")
    messages = c.card("something_else")
    (entry,) = c.entries.values()
    assert entry["status"] == "discarded" and entry["words"] == "footy"
    again = prompt(messages)
    assert again["text"] == "What do you like?" and again["step"] == "likes"
    assert len([card for card in again["cards"] if card["type"] != "special"]) == 4


def test_new_words_at_the_check_back_replace_the_reading(catalogue):
    c = Conversation(catalogue)
    c.play("start")
    c.say("footy")
    messages = c.say("no, swimming", intent="deny")
    assert cards(prompt(messages))[0] == ("swimming", "like")
    assert [e["concept_ids"] for e in c.live()] == [["swimming"]]


def test_yes_typed_at_a_check_back_is_not_taken_as_agreement(catalogue):
    c = Conversation(catalogue)
    c.play("start")
    c.say("football")
    messages = c.say("yes", intent="affirm", confidence=0.99)
    assert messages[0]["text"] == "Touch the picture you mean."
    assert prompt(messages)["board"] == "check"
    assert not any(e["checked_back"] for e in c.entries.values())


def test_a_card_is_not_checked_back(catalogue):
    c = Conversation(catalogue)
    c.play("start")
    messages = c.card("animals")
    assert messages[0]["text"] == "You chose: you like animals."
    assert prompt(messages)["text"] == "What don't you like doing?"
    (entry,) = c.entries.values()
    assert entry["words"] is None and entry["input_mode"] == "touch" and entry["stance"] == "like"


def test_dont_know_is_a_real_answer(catalogue):
    c = Conversation(catalogue)
    c.play("start")
    messages = c.say("dunno", intent="dont_know")
    assert messages[0]["text"] == "That's OK."
    (entry,) = c.entries.values()
    assert entry["answer_kind"] == "dont_know" and entry["words"] == "dunno"
    assert prompt(messages)["text"] == "What don't you like doing?"


@pytest.mark.parametrize(
    "words,intent,confidence",
    [
        ("animals", "express_dislike", 1.0),
        ("crafts", "goodbye", 0.96),
        ("cooking", "dont_know", 0.9),
        ("ponies", "greet", 0.9),
        ("my hamster", "stop", 0.8),
        ("basketball", "express_dislike", 0.9),
    ],
)
def test_a_bare_answer_to_a_like_question_is_a_like_whatever_the_classifier_thought(
    catalogue, words, intent, confidence
):
    c = Conversation(catalogue)
    c.play("start")
    messages = c.say(words, intent=intent, confidence=confidence)
    assert c.status == "active"
    (entry,) = c.entries.values()
    assert entry["answer_kind"] == "concept" and entry["stance"] == "like"
    assert prompt(messages)["board"] == "check"


@pytest.mark.parametrize(
    "step,words,stance",
    [
        ("likes", "i hate football", "dont_like"),
        ("likes", "he doesn't like dancing", "dont_like"),
        ("dislikes", "i love cooking", "like"),
        ("dislikes", "fire alarms", "dont_like"),
        ("dislikes", "maths is boring", "dont_like"),
        ("likes", "swimming is fun", "like"),
        ("good_at", "not good at maths", "need"),
    ],
)
def test_the_pupils_own_words_decide_the_stance(catalogue, step, words, stance):
    c = Conversation(catalogue)
    c.play("start")
    while prompt(c.last)["step"] != step:
        c.play("skip")
    c.say(words)
    (entry,) = c.entries.values()
    assert entry["stance"] == stance


def test_two_concepts_with_two_stances_are_two_entries(catalogue):
    c = Conversation(catalogue)
    c.play("start")
    messages = c.say("I like swimming but not football")
    got = sorted((e["concept_ids"][0], e["stance"]) for e in c.entries.values())
    assert got == [("football", "dont_like"), ("swimming", "like")]
    assert cards(prompt(messages)) == [("swimming", "like"), ("football", "dont_like"), ("something_else", None)]


def test_a_later_clause_does_not_turn_an_earlier_like(catalogue):
    c = Conversation(catalogue)
    c.play("start")
    c.play("skip")
    c.say("I liked the animals but it was too loud")
    got = sorted((e["concept_ids"][0], e["stance"]) for e in c.entries.values())
    assert got == [("animals", "like"), ("noisy", "dont_like")]


def test_stopping_by_words_asks_first_and_keep_going_returns_to_the_question(catalogue):
    c = Conversation(catalogue)
    c.play("start")
    messages = c.say("i want to stop", intent="stop", confidence=0.99)
    question = prompt(messages)
    assert question["text"] == "Do you want to stop now?"
    assert cards(question) == [("stop", None), ("keep_going", None)]
    assert c.status == "active" and c.entries == {}
    messages = c.card("keep_going")
    assert prompt(messages)["text"] == "What do you like doing?"
    c.say("bye", intent="goodbye", confidence=0.99)
    messages = c.card("stop")
    assert c.status == "stopped" and "stop now" in messages[0]["text"]


def test_the_stop_button_stops_at_once_and_keeps_drafts(catalogue):
    c = Conversation(catalogue)
    c.play("start")
    c.say("cooking")
    messages = c.button("stop")
    assert "stop" in messages[0]["text"] and "kept" in messages[0]["text"]
    assert c.status == "stopped"
    (entry,) = c.entries.values()
    assert entry["status"] == "draft"
    assert "finished" in c.say("art")[0]["text"]
    assert len(c.entries) == 1


def test_repeat_says_the_same_question_again(catalogue):
    c = Conversation(catalogue)
    first = prompt(c.play("start"))
    assert c.button("repeat") == [first]
    assert c.say("say that again", intent="repeat", confidence=0.95) == [first]
    hello = c.say("hiya", intent="greet", confidence=0.99)
    assert hello[0]["text"] == "Hello!" and hello[1] == first


def test_keyboard_mashing_is_kept_and_staged_to_the_adult(catalogue):
    c = Conversation(catalogue, cards_per_board=9)
    c.play("start")
    one = c.say("blorp", intent="nlu_fallback", confidence=1.0)
    assert one[0]["text"] == "Sorry, I didn't understand."
    assert prompt(one)["text"] == "What do you like?"
    two = c.say("asdfgh", intent="nlu_fallback", confidence=1.0)
    assert "pictures" in two[0]["text"]
    assert len([card for card in prompt(two)["cards"] if card["type"] != "special"]) == 4
    three = c.say("qqq xxv", intent="nlu_fallback", confidence=1.0)
    assert three[0]["text"] == "Let's ask Mr Jones to help."
    handover = prompt(three)
    assert handover["board"] == "handover"
    assert {"dont_know", "skip"} <= {card["concept"] for card in handover["cards"]}
    # The words that were not understood are kept for the adult, never lost.
    assert [e["words"] for e in c.entries.values()] == ["blorp", "asdfgh", "qqq xxv"]
    assert all(e["answer_kind"] == "not_understood" for e in c.entries.values())
    assert prompt(c.card("music"))["text"] == "What don't you like doing?"


def test_words_that_fit_nothing_are_kept_in_the_pupils_words_and_asked_with_cards(catalogue):
    c = Conversation(catalogue)
    c.play("start")
    messages = c.say("he likes watching the washing machine go round")
    (entry,) = c.entries.values()
    assert entry["answer_kind"] == "words" and entry["concept_ids"] == []
    assert entry["words"] == "he likes watching the washing machine go round"
    assert messages[0]["text"] == "Thank you. Can you show me with a picture?"
    assert prompt(messages)["board"] == "choice"


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


def _to_the_mat(c, conversation="interests"):
    """Answer every question with its first card, then say there is nothing else."""
    _answer_everything(c, conversation)
    assert prompt(c.last)["step"] == "anything_else"
    return c.card("finish")


def test_the_final_mat_shows_every_chosen_answer_grouped_and_all_done_confirms(catalogue):
    c = Conversation(catalogue)
    c.play("start")
    c.say("cookin")
    c.card("cooking", "dont_like")  # the other reading, chosen
    for step in steps_for("interests")[1:]:
        c.card(step.cards[0])
    end = prompt(c.last)
    assert end["step"] == "anything_else" and cards(end) == [("finish", None)]
    c.say("i like horses too")  # words said at the end are kept, as words
    mat = prompt(c.card("finish"))
    assert mat["board"] == "mat" and c.status == "active"
    groups = {
        g["group"]: [next(card["label"] for card in mat["cards"] if card["concept"] == i) for i in g["items"]]
        for g in mat["mat"]
    }
    assert groups == {"like": ["Art", "With my family"], "dont_like": ["Cooking", "Noisy"], "help": ["Someone with me"]}
    assert [card["concept"] for card in mat["cards"]][-1] == "finish"
    messages = c.card("finish")
    assert c.status == "finished" and "Thank you, Sam" in messages[-1]["text"]
    chosen = [e for e in c.entries.values() if e["status"] != "discarded" and e["step"] != "anything_else"]
    assert all(e["status"] == "confirmed" and e["confirmed_by"] == "pupil" for e in chosen)
    extra = [e for e in c.entries.values() if e["step"] == "anything_else"]
    assert [(e["answer_kind"], e["words"], e["status"]) for e in extra] == [("words", "i like horses too", "draft")]


def test_words_left_unchecked_are_not_on_the_mat_and_stay_drafts(catalogue):
    c = Conversation(catalogue)
    c.play("start")
    c.say("cooking")
    c.say("dunno", intent="dont_know")  # at the check-back: left for the adult
    for step in steps_for("interests")[1:]:
        c.card(step.cards[0])
    mat = prompt(c.card("finish"))
    assert "Cooking" not in [card["label"] for card in mat["cards"]]
    c.card("finish")
    cooking = next(e for e in c.entries.values() if e["concept_ids"] == ["cooking"])
    assert cooking["status"] == "draft"


def test_moving_an_item_on_the_mat_is_a_correction_by_the_pupil(catalogue):
    c = Conversation(catalogue)
    c.play("start")
    mat = prompt(_to_the_mat(c))
    item = next(card["concept"] for card in mat["cards"] if card["label"] == "Cooking")
    where = prompt(c.card(item, input_mode="switch"))
    assert where["board"] == "move"
    assert where["text"] == "You told me: you like cooking. Where does it go?"
    assert [card["concept"] for card in where["cards"]] == ["like", "not_sure", "dont_like", "remove"]
    mat = prompt(c.card("not_sure", input_mode="switch"))
    assert mat["board"] == "mat"
    old = next(
        e
        for e in c.entries.values()
        if e["concept_ids"] == ["cooking"] and e["step"] == "likes" and e["status"] == "discarded"
    )
    assert "final mat" in old["status_reason"]
    new = next(e for e in c.entries.values() if e.get("corrects_entry_id") == old["id"])
    assert (new["stance"], new["rating"], new["input_mode"], new["words"]) == ("not_sure", "not_sure", "switch", None)
    # Taken away: set aside, and off the mat.
    item = next(card["concept"] for card in mat["cards"] if card["label"] == "Noisy")
    c.card(item)
    mat = prompt(c.card("remove"))
    assert "Noisy" not in [card["label"] for card in mat["cards"]]
    c.card("finish")
    assert new["status"] == "confirmed"
    noisy = next(e for e in c.entries.values() if e["concept_ids"] == ["noisy"])
    assert noisy["status"] == "discarded" and "Taken off" in noisy["status_reason"]


def test_a_recalled_answer_can_be_moved_on_the_mat(catalogue):
    earlier = [
        {
            "id": "e1",
            "moment": "interests",
            "step": "likes",
            "answer_kind": "concept",
            "concept_ids": ["cooking"],
            "stance": "like",
            "rating": "like",
        }
    ]
    c = Conversation(catalogue, earlier=earlier)
    c.play("start")
    c.card("like")  # the recall question
    mat = prompt(_to_the_mat(c))
    item = next(
        card["concept"]
        for card in mat["cards"]
        if card["label"] == "Cooking" and card["concept"] in mat["mat"][0]["items"]
    )
    where = prompt(c.card(item))
    assert where["text"].startswith("You told me: you like cooking")
    c.card("dont_like")
    recalled = [e for e in c.entries.values() if e["step"] == "recall"]
    assert [(e["rating"], e["status"]) for e in recalled] == [("like", "discarded"), ("dont_like", "draft")]
    assert recalled[1]["recalls_entry_id"] == "e1"


def test_debrief_names_the_encounter_and_uses_feelings_and_scale(catalogue):
    c = Conversation(catalogue, conversation="debrief", place="the garden centre visit")
    first = prompt(c.play("start"))
    assert first["text"] == "How did you feel at the garden centre visit?"
    assert first["board"] == "feelings"
    c.say("i was nervous", intent="express_feeling")
    c.card("worried", "felt")
    c.card("animals")
    c.card("noisy")
    again = prompt(c.button("repeat"))
    assert again["board"] == "scale"
    assert [card["concept"] for card in again["cards"]] == ["like", "not_sure", "dont_like"]
    messages = c.say("yeah", intent="affirm")  # a bare yes on the scale is a rating
    check = prompt(messages)
    assert check["board"] == "check"
    assert [card["concept"] for card in check["cards"]] == ["like", "not_sure", "dont_like"]
    entry = c.live()[-1]
    assert entry["rating"] == "like" and entry["step"] == "again"


@pytest.mark.parametrize(
    "words,rating",
    [
        ("yes", "like"),
        ("yeah definitely", "like"),
        ("of course", "like"),
        ("i would love to", "like"),
        ("nah", "dont_like"),
        ("no chance", "dont_like"),
        ("not really", "dont_like"),
        ("I'd be too scared", "dont_like"),
        ("never again", "dont_like"),
        ("maybe one day", "not_sure"),
        ("it was okay I guess", "not_sure"),
        ("not sure", "not_sure"),
        ("sort of", "not_sure"),
    ],
)
def test_scale_questions_take_words(catalogue, words, rating):
    c = Conversation(catalogue, conversation="debrief")
    c.play("start")
    while prompt(c.last)["step"] != "do_job":
        c.play("skip")
    c.say(words, intent="nlu_fallback", confidence=0.3)
    (entry,) = c.entries.values()
    assert (entry["answer_kind"], entry["rating"]) == ("rating", rating)


def test_aspirations_cover_the_four_pfa_areas(catalogue):
    steps = [s.id for s in steps_for("aspirations")]
    assert steps == ["work_learning", "job", "living", "community", "health"]
    c = Conversation(catalogue, conversation="aspirations")
    c.play("start")
    c.play("skip")
    messages = c.say("i wanna be a chef", intent="express_aspiration")
    assert [card["label"] for card in prompt(messages)["cards"]][:2] == [
        "I would like to be a chef",
        "I would not like to be a chef",
    ]


def test_earlier_answers_are_recalled_on_the_scale(catalogue):
    earlier = [
        {
            "id": "e1",
            "moment": "interests",
            "step": "likes",
            "answer_kind": "concept",
            "concept_ids": ["cooking"],
            "stance": "like",
            "rating": "like",
        }
    ]
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


def test_an_answer_to_a_prompt_no_longer_on_screen_changes_nothing(catalogue):
    c = Conversation(catalogue)
    first = prompt(c.play("start"))
    c.play(
        "answer",
        Turn(
            "choose", [{"entity": "concept", "value": "music"}], None, input_mode="touch", prompt_id=first["prompt_id"]
        ),
    )
    before = dict(c.state)
    engine = Engine(c.ctx, c.state)
    reply = engine.answer(
        Turn("choose", [{"entity": "concept", "value": "art"}], None, input_mode="touch", prompt_id=first["prompt_id"])
    )
    assert reply.stale and reply.new_entries == [] and reply.entry_updates == []
    assert reply.state == before
    assert prompt(reply.messages)["text"] == "What don't you like doing?"


@pytest.mark.parametrize("conversation", ["interests", "debrief", "aspirations"])
def test_every_prompt_word_with_a_concept_card_carries_its_symbol(catalogue, conversation):
    c = Conversation(catalogue, conversation=conversation)
    messages = c.play("start")
    for message in messages:
        assert "".join(w["text"] for w in message["symbols"]).replace(" ", "") == message["text"].replace(" ", "")
        for card in message["cards"]:
            assert card["symbol"]


def test_a_photo_of_the_place_comes_with_the_introduction(catalogue):
    c = Conversation(catalogue, conversation="debrief", place="the bakery", place_photo="/api/chat/encounter-photo")
    intro = c.play("start")[0]
    assert intro["picture"] == {"url": "/api/chat/encounter-photo", "alt": "A photo of the bakery"}
    assert "picture" not in Conversation(catalogue).play("start")[0]


def test_prepare_asks_before_the_encounter(catalogue):
    c = Conversation(catalogue, conversation="prepare", place="the college")
    messages = c.play("start")
    assert messages[0]["text"] == "Hello Sam! Soon you are going to the college. Let's talk about it."
    assert prompt(messages)["text"] == "How do you feel about going to the college?"
    messages = c.say("bit nervous", intent="express_feeling")
    assert cards(prompt(messages)) == [("worried", "expect_felt"), ("something_else", None)]


@pytest.mark.parametrize("conversation", ["interests", "debrief"])
def test_words_that_may_disclose_harm_are_not_an_answer_and_not_read_back(catalogue, conversation):
    c = Conversation(catalogue, conversation=conversation)
    first = prompt(c.play("start"))
    engine = Engine(c.ctx, c.state)
    reply = engine.answer(
        Turn("express_like", [], "my dad hits me when i get it wrong", confidence=0.9, prompt_id=first["prompt_id"])
    )
    assert reply.new_entries == [] and reply.entry_updates == []
    assert reply.concerns == [
        {
            "words": "my dad hits me when i get it wrong",
            "category": "hurting",
            "question": first["text"],
            "input_mode": "typed",
            "provenance": "independent",
            "adult_name": "Mr Jones",
        }
    ]
    said = reply.messages[0]["text"]
    assert said == "Thank you for telling me. I will tell Mr Jones so they can help you."
    assert "hits" not in " ".join(m["text"] for m in reply.messages)  # never read back
    assert prompt(reply.messages) == first  # the same question, nothing recorded


def test_the_encounter_and_the_pupils_likes_come_first_on_its_boards(catalogue):
    earlier = [
        {
            "id": "e1",
            "moment": "interests",
            "step": "likes",
            "answer_kind": "concept",
            "concept_ids": ["animals"],
            "stance": "like",
            "rating": "like",
        }
    ]
    c = Conversation(
        catalogue,
        conversation="debrief",
        place="Hilltop Garden Centre",
        topics=["gardening", "outdoors"],
        earlier=earlier,
        cards_per_board=4,
    )
    first = prompt(c.play("start"))
    assert [card["concept"] for card in first["cards"]][:4] == ["happy", "worried", "calm", "sad"]
    liked = prompt(c.card("happy"))
    assert liked["text"] == "What did you like at Hilltop Garden Centre?"
    assert [card["concept"] for card in liked["cards"]][:3] == ["gardening", "outdoors", "animals"]


def test_an_encounters_title_and_kind_name_its_topics(catalogue):
    from types import SimpleNamespace

    from assistant.services.encounters import encounter_topics

    garden = SimpleNamespace(
        type="workplace_visit",
        title="Visit to Hilltop Garden Centre",
        place="Hilltop Garden Centre",
        provider="",
        notes="",
    )
    assert encounter_topics(garden, catalogue)[:1] == ["gardening"]
    college = SimpleNamespace(type="college_visit", title="Open day", place="", provider="", notes="")
    assert encounter_topics(college, catalogue)[:2] == ["computers", "art"]
    assert encounter_topics(None, catalogue) == []


def test_choosing_by_place_brings_one_control_question_on_the_scale(catalogue):
    c = Conversation(catalogue)
    c.play("start")
    for _ in steps_for("interests"):
        first = prompt(c.last)["cards"][0]["concept"]
        c.play(
            "answer", Turn("choose", [{"entity": "concept", "value": first}], None, input_mode="touch", card_position=0)
        )
    control = prompt(c.last)
    assert control["step"] == "control" and control["board"] == "scale"
    assert control["text"] == "What do you think about cooking?"
    c.card("dont_like")
    entry = c.live()[-1]
    assert (entry["step"], entry["rating"], entry["concept_ids"]) == ("control", "dont_like", ["cooking"])
    assert entry["recalls_entry_id"] == next(e["id"] for e in c.entries.values() if e["step"] == "likes")
    assert prompt(c.last)["step"] == "anything_else"  # asked once, then on


@pytest.mark.parametrize(
    "conversation,step,words,concepts",
    [
        ("debrief", "liked", "the dogs were ace", ["animals"]),
        ("debrief", "hard", "the kitchen stank", ["smelly"]),
        ("aspirations", "job", "football", ["footballer"]),
        ("debrief", "feeling", "happy and excited", ["happy", "excited"]),
    ],
)
def test_a_good_feeling_evaluates_the_thing_and_a_job_question_takes_a_job(
    catalogue, conversation, step, words, concepts
):
    c = Conversation(catalogue, conversation=conversation)
    c.play("start")
    while prompt(c.last)["step"] != step:
        c.play("skip")
    c.say(words)
    assert sorted(cid for e in c.entries.values() for cid in e["concept_ids"]) == sorted(concepts)
