"""Properties of every conversation, on random sequences of what a pupil and an adult do:
cards (on the board or not), words, commands, skip, repeat, stop, the handover, late answers.

Whatever happens, the engine never raises, always ends, never records an answer against a
question that was not on screen, and leaves each answered question one live answer about
each thing it names (earlier ones set aside with a reason)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.conversation.engine import Context, Engine, Turn
from assistant.conversation.plans import steps_for
from symbols.catalogue import load_catalogue

PLAN_STEPS = {
    step.id for conversation in ("interests", "prepare", "debrief", "aspirations") for step in steps_for(conversation)
} | {"recall", "control", "anything_else"}
WORDS = [
    "animals",
    "crafts",
    "i hate football",
    "I like swimming but not football",
    "dunno",
    "yes",
    "no",
    "nah",
    "maybe one day",
    "stop",
    "i want to stop",
    "bye",
    "hello",
    "say that again",
    "asdfgh",
    "the canteen, too many people",
    "with my dad",
    "a baker",
    "he likes watching the washing machine go round",
    "i dont want to stop",
    "nothing",
    "worried at first",
    "my grandad",
    "yeah definitely",
    "no, swimming",
    "keep going",
]
INTENTS = [
    "express_like",
    "express_dislike",
    "affirm",
    "deny",
    "dont_know",
    "stop",
    "goodbye",
    "greet",
    "repeat",
    "nlu_fallback",
    "express_feeling",
    "express_aspiration",
]
EARLIER = [
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

action = st.one_of(
    st.tuples(st.just("board_card"), st.integers(0, 20)),
    st.tuples(
        st.just("any_card"),
        st.sampled_from(
            [
                "music",
                "cooking",
                "happy",
                "like",
                "chef",
                "something_else",
                "keep_going",
                "stop",
                "finish",
                "remove",
                "item_0",
                "item_9",
            ]
        ),
    ),
    st.tuples(st.just("words"), st.sampled_from(WORDS), st.sampled_from(INTENTS), st.floats(0, 1)),
    st.tuples(st.just("command"), st.sampled_from(["skip", "repeat", "stop_button", "repeat_button", "start"])),
    st.tuples(st.just("late"), st.sampled_from(WORDS)),
)


class Run:
    """A conversation played through the engine, as the database would keep it."""

    def __init__(self, catalogue, conversation, earlier):
        self.ctx = Context(
            catalogue=catalogue, conversation=conversation, pupil_name="Sam", cards_per_board=4, earlier=earlier
        )
        self.state = None
        self.entries: dict[str, dict] = {}
        self.turn_of: dict[str, int] = {}
        self.status = "created"
        self.on_screen = None  # the plan question whose prompt was last shown
        self.asked = set()  # every plan question shown so far
        self.prompt = None
        self.turns = 0

    def play(self, kind, turn=None):
        self.turns += 1
        engine = Engine(self.ctx, self.state)
        reply = getattr(engine, kind)(turn) if turn is not None else getattr(engine, kind)()
        on_the_mat = bool(self.prompt) and self.prompt["board"] in ("mat", "move")
        for entry in reply.new_entries:
            # Never an answer against a question that was not on screen (a move on the
            # final mat corrects the answer to a question asked earlier).
            if on_the_mat:
                assert entry["step"] in self.asked and entry.get("corrects_entry_id"), entry
            else:
                assert entry["step"] == self.on_screen, (entry, self.on_screen)
            assert entry["step"] in PLAN_STEPS
            self.entries[entry["id"]] = dict({"status": "draft"}, **entry)
            self.turn_of[entry["id"]] = self.turns
        for entry_id, changes in reply.entry_updates:
            self.entries[entry_id].update(changes)
        if reply.stale:
            assert not reply.new_entries and not reply.entry_updates
            return
        self.state = reply.state
        self.status = reply.session_status or self.status
        for message in reply.messages:
            if message["prompt"]:
                self.prompt = message
                if message["step"] in PLAN_STEPS:
                    self.on_screen = message["step"]
                    self.asked.add(message["step"])

    def do(self, act):
        if self.state is None or act[0] == "command" and act[1] == "start":
            self.play("start")
            return
        cards = self.prompt["cards"] if self.prompt else []
        if act[0] == "board_card" and cards:
            self.choose(cards[act[1] % len(cards)], position=act[1] % len(cards))
        elif act[0] == "any_card":
            self.choose({"concept": act[1]})
        elif act[0] == "words":
            self.play("answer", Turn(act[2], [], act[1], confidence=act[3]))
        elif act[0] == "late":
            self.play("answer", Turn("express_like", [], act[1], prompt_id="0"))
        elif act[0] == "command":
            if act[1] in ("skip", "repeat"):
                self.play(act[1])
            else:
                intent = "stop" if act[1] == "stop_button" else "repeat"
                self.play("answer", Turn(intent, [], None, input_mode="touch"))

    def choose(self, card, position=None):
        concept = card["concept"]
        if concept == "skip":
            self.play("skip")
            return
        intent = {"yes": "affirm", "no": "deny", "dont_know": "dont_know"}.get(concept, "choose")
        entities = [] if intent != "choose" else [{"entity": "concept", "value": concept}]
        self.play(
            "answer",
            Turn(intent, entities, None, input_mode="touch", stance=card.get("stance"), card_position=position),
        )

    def finish(self):
        """Carry on as a patient adult would: choose, confirm, or skip, until the end."""
        for _ in range(80):
            if self.status in ("finished", "stopped"):
                return
            cards = (
                [c for c in self.prompt["cards"] if c["concept"] not in ("stop", "something_else")]
                if self.prompt
                else []
            )
            if cards and self.turns % 3:
                self.choose(cards[0], position=0)
            else:
                self.play("skip")


@settings(max_examples=150, deadline=None)
@given(
    conversation=st.sampled_from(["interests", "prepare", "debrief", "aspirations"]),
    earlier=st.booleans(),
    actions=st.lists(action, max_size=25),
)
def test_any_sequence_never_raises_always_ends_and_keeps_one_answer_per_question(conversation, earlier, actions):
    run = Run(load_catalogue(), conversation, EARLIER if earlier and conversation == "interests" else [])
    run.play("start")
    for act in actions:
        if run.status in ("finished", "stopped"):
            break
        run.do(act)
    run.finish()
    assert run.status in ("finished", "stopped")
    # Each question holds one live answer about each thing at most: an answer replaced at a
    # check-back or moved on the final mat is set aside, with why.
    live: dict[tuple, list] = {}
    for entry in run.entries.values():
        if entry["status"] == "discarded":
            assert entry.get("status_reason")
            continue
        if entry["answer_kind"] in ("concept", "rating", "dont_know"):
            for thing in entry["concept_ids"] or [entry["answer_kind"]]:
                key = (entry["step"], entry.get("recalls_entry_id"), thing)
                live.setdefault(key, []).append(run.turn_of[entry["id"]])
    assert all(len(turns) == 1 for turns in live.values()), live
    # Every confirmed answer was chosen by the pupil: a card, or a reading chosen by card.
    for entry in run.entries.values():
        if entry["status"] == "confirmed":
            assert entry["words"] is None or entry.get("checked_back"), entry
