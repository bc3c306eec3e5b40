"""The conversation engine: given where a conversation is and what the pupil did, decide
what to record and what to say next. Pure: no database, no Rasa, no Flask.

A turn returns a Reply: the new state (JSON-able), the bot messages (each a widget payload)
and the writes to make (new entries, entry updates, the session's end). The caller makes
the writes and the state change in one transaction before anything is said.

Every message the pupil sends reaches `answer`, which reads it with the question in hand
(assistant.conversation.understanding). Phases: recall (earlier answers, do they still hold?) -> ask
(the plan's questions) -> end ("Anything else?") -> mat (everything the pupil chose, shown
as symbols grouped like a Talking Mat; an item can be moved, "All done" confirms) -> done.
Words the assistant interpreted are checked back by choosing (phase check: the understood
card or cards, the other reading, "something else"), never by a yes or no about something
the pupil did not say; a card chosen on purpose is not checked back. Stopping by words
asks first (phase confirm_stop); the Stop button does not. Words that may disclose harm
are kept as a concern, never as an answer (assistant.conversation.safeguarding).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from enum import Enum

from assistant.conversation.answer_patterns import follows_position
from assistant.conversation.plans import (
    ANYTHING_ELSE_STEP,
    CONTROL_STEP,
    ENCOUNTER_STEPS,
    INTRODUCTIONS,
    LIKE_STANCES,
    RECALL_STEP,
    STANCE_LEAN,
    Step,
    describe,
    describe_rating,
    first_person,
    join_words,
    moved_stance,
    other_stance,
    plain_label,
    recall_subject,
    stance_for,
    steps_for,
)
from assistant.conversation.safeguarding import concern_in
from assistant.conversation.understanding import Meaning, Reader
from assistant.record.models import new_id
from assistant.vocabulary import SPECIAL_CARD_LABELS, InputMode, Provenance, SessionStatus, SpecialCard
from symbols.catalogue import Catalogue, Concept

# Cards that are not vocabulary concepts. yes, no, dont_know and skip become intents in the
# web app; the others are chosen like any card and read by the engine.
SPECIAL_CARDS = {
    SpecialCard.YES.value: {"label": SPECIAL_CARD_LABELS["yes"], "symbol": "yes", "alt": "Thumbs up: yes"},
    SpecialCard.NO.value: {"label": SPECIAL_CARD_LABELS["no"], "symbol": "no", "alt": "Thumbs down: no"},
    SpecialCard.DONT_KNOW.value: {
        "label": SPECIAL_CARD_LABELS["dont_know"],
        "symbol": "dont_know",
        "alt": "A shrug: I don't know",
    },
    SpecialCard.SKIP.value: {"label": SPECIAL_CARD_LABELS["skip"], "symbol": "skip", "alt": "An arrow: skip"},
    "something_else": {"label": "Something else", "symbol": "change", "alt": "Arrows going round: something else"},
    "stop": {"label": "Stop now", "symbol": "stop", "alt": "A stop sign: stop now"},
    "keep_going": {"label": "Keep going", "symbol": "go", "alt": "An arrow: keep going"},
    "finish": {"label": "All done", "symbol": "finished", "alt": "A flag: all done"},
    "remove": {"label": "Take it away", "symbol": "no", "alt": "A cross: take it away"},
}
# The groups of the final mat, in order, and which stances and ratings go in each.
MAT_GROUPS = (
    ("like", "I like", "like"),
    ("not_sure", "Not sure", "not_sure"),
    ("dont_like", "I don't like", "dont_like"),
    ("feelings", "How I felt", "feel"),
    ("hopes", "My hopes", "grow_up"),
    ("help", "Help I need", "help"),
)
MAT_GROUP_OF_STANCE = {
    "felt": "feelings",
    "expect_felt": "feelings",
    "aspire": "hopes",
    "live": "hopes",
    "need": "help",
    "not_sure": "not_sure",
}
# A rating with no concept (the debrief's scale questions) shows as the question's subject.
RATING_ITEMS = {"again": ("Going again", "again"), "do_job": ("A job like that", "job")}
RATING_CARDS = ("like", "not_sure", "dont_like")
# The symbol that shows a check-back card's stance beside the concept's own picture.
STANCE_SYMBOLS = {
    "like": "like",
    "liked": "like",
    "expect_like": "like",
    "aspire": "like",
    "live": "like",
    "community": "like",
    "health": "like",
    "important": "important",
    "good_at": "good",
    "dont_like": "dont_like",
    "hard": "dont_like",
    "worry": "worried",
    "dont_want": "dont_like",
    "need": "help",
}
RECALL_LIMIT = 3
SMALL_BOARD = 4
UNCLEAR_LIMIT = 3
QUOTE_LIMIT = 60  # longest quote of the pupil's words in a check-back prompt


class Phase(str, Enum):
    """Where a conversation is."""

    RECALL = "recall"
    ASK = "ask"
    CONTROL = "control"  # one earlier answer again, on the scale (see answer_patterns)
    CHECK = "check"
    CONFIRM_STOP = "confirm_stop"
    END = "end"  # "Anything else?": the pupil ends the questions
    MAT = "mat"  # the final mat: everything chosen, grouped; items can move
    MOVE = "move"  # "Where does it go?": one item of the mat being moved
    DONE = "done"
    STOPPED = "stopped"


ENDED = (Phase.DONE, Phase.STOPPED)


@dataclass
class State:
    """The conversation's state, stored with the session as a plain dict."""

    phase: Phase | None = None
    step: int = 0  # index of the current question of the plan
    fallbacks: int = 0  # misunderstandings of the current question
    unclear: int = 0  # unclear replies to a check-back or read-back
    answered: list[dict] = field(default_factory=list)  # answers the pupil chose: the mat
    recall: list[dict] = field(default_factory=list)  # earlier answers to ask about again
    recall_index: int = 0
    pending: dict | None = None  # answers being checked back (phase check)
    moving: int | None = None  # the mat item being moved (phase move)
    first_cards: list[str] = field(default_factory=list)  # the encounter's and pupil's own
    positions: list[int] = field(default_factory=list)  # places of the cards chosen
    control: dict | None = None  # the answer a control question asks about again
    held: Phase | None = None  # the phase a "stop now?" question interrupted
    last_prompt: list[dict] = field(default_factory=list)
    prompt_seq: int = 0  # the current prompt's id; each new prompt counts up

    @classmethod
    def from_dict(cls, data: dict | None) -> State:
        """The state stored with a session (unknown keys ignored, missing ones defaulted)."""
        data = dict(data or {})
        if data.get("phase") == "readback":  # a session stored before the final mat
            data["phase"] = Phase.MAT.value
        known = {f.name for f in fields(cls)}
        state = cls(**{k: v for k, v in data.items() if k in known})
        state.phase = Phase(state.phase) if state.phase else None
        state.held = Phase(state.held) if state.held else None
        return state

    def to_dict(self) -> dict:
        """The state as JSON-able values (a shallow copy: the values are plain already)."""
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["phase"] = self.phase.value if self.phase else None
        data["held"] = self.held.value if self.held else None
        return data

    @property
    def prompt_id(self) -> str:
        """The id of the prompt on screen: an answer names it, so a late one is refused."""
        return str(self.prompt_seq)


@dataclass
class Turn:
    """What the pupil (or the adult on their behalf) did, with Rasa's whole parse."""

    intent: str
    entities: list[dict] = field(default_factory=list)
    text: str | None = None  # verbatim words; None for a card or a button
    input_mode: str = InputMode.TYPED.value
    provenance: str = Provenance.INDEPENDENT.value
    speech_confidence: float | None = None  # a spoken answer's recogniser confidence
    confidence: float = 1.0  # the classifier's confidence in the intent
    prompt_id: str | None = None  # the prompt this answers, when the tablet says
    stance: str | None = None  # the stance of a chosen check-back card
    response_ms: int | None = None  # from the prompt shown and spoken to the choice
    card_position: int | None = None  # the chosen card's place on the board (0 = first)


@dataclass
class Context:
    """What the engine needs to know about the session and the pupil."""

    catalogue: Catalogue
    conversation: str
    pupil_name: str
    cards_per_board: int = 6
    place: str = "the visit"
    adult_name: str = ""
    symbol_set: str = "openmoji"
    earlier: list[dict] = field(default_factory=list)  # confirmed entries of earlier sessions
    place_photo: str | None = None  # where the tablet finds a photo of the encounter's place
    topics: list[str] = field(default_factory=list)  # what the encounter is about, first


@dataclass
class Reply:
    state: dict
    messages: list[dict]
    new_entries: list[dict] = field(default_factory=list)
    entry_updates: list[tuple[str, dict]] = field(default_factory=list)
    session_status: str | None = None
    stale: bool = False  # the answer was for a prompt no longer on screen: nothing changed
    concerns: list[dict] = field(default_factory=list)  # words that may disclose harm


class Engine:
    """One turn of one conversation."""

    def __init__(self, ctx: Context, state: dict | None, reader: Reader | None = None):
        self.ctx = ctx
        self.state = State.from_dict(state)
        self.reader = reader or Reader(ctx.catalogue)
        self.messages: list[dict] = []
        self.new_entries: list[dict] = []
        self.updates: list[tuple[str, dict]] = []
        self.concerns: list[dict] = []
        self.status: str | None = None

    # ------------------------------------------------------------------ public turns

    def start(self) -> Reply:
        """Begin the conversation, or show where it is if it has begun."""
        s = self.state
        if s.phase:
            if s.phase in ENDED:
                self._say("We have finished. Thank you!")
            else:
                self.messages.extend(s.last_prompt)
            return self._reply()
        s.phase = Phase.ASK
        s.recall = self._recall_items()
        s.first_cards = self._first_cards()
        if s.recall:
            s.phase = Phase.RECALL
        intro = INTRODUCTIONS[self.ctx.conversation].format(name=self.ctx.pupil_name, place=self.ctx.place)
        self._say(intro)
        if self.ctx.place_photo:
            self.messages[-1]["picture"] = {"url": self.ctx.place_photo, "alt": f"A photo of {self.ctx.place}"}
        self._say("You can say stop at any time.")
        self.status = SessionStatus.ACTIVE.value
        self._prompt()
        return self._reply()

    def answer(self, turn: Turn) -> Reply:
        """Anything the pupil sends: a card, words, yes, no, I don't know, or a button."""
        s = self.state
        if s.phase in (None, *ENDED):
            return self._finished()
        if turn.prompt_id is not None and turn.prompt_id != s.prompt_id:
            return Reply(state=s.to_dict(), messages=list(s.last_prompt), stale=True)
        concern = concern_in(turn.text)
        if concern is not None:
            self._keep_concern(turn, concern.category)
            return self._reply()
        meaning = self._read(turn)
        if meaning.command and meaning.kind == "stop" and s.phase not in (Phase.END, Phase.MAT):
            return self.stop()
        if meaning.command and meaning.kind == "repeat":
            return self.repeat()
        if s.phase == Phase.END:
            self._on_end(meaning, turn)
        elif s.phase in (Phase.MAT, Phase.MOVE):
            self._on_mat(meaning, turn)
        elif s.phase == Phase.CONFIRM_STOP:
            self._on_stop_question(meaning, turn)
        elif meaning.kind in ("stop", "goodbye"):
            self._ask_to_stop()
        elif meaning.kind == "greet":
            self._say("Hello!")
            self.messages.extend(s.last_prompt)
        elif meaning.kind == "repeat":
            self.messages.extend(s.last_prompt)
        elif s.phase == Phase.CHECK:
            self._on_check(meaning, turn)
        else:
            self._on_question(meaning, turn)
        return self._reply()

    def repeat(self) -> Reply:
        """Say the last question again, exactly."""
        if self.state.phase in (None, *ENDED):
            return self._finished()
        self.messages.extend(self.state.last_prompt)
        return self._reply()

    def skip(self) -> Reply:
        """The adult skips the current question; nothing is recorded for it."""
        s = self.state
        if s.phase in (None, *ENDED):
            return self._finished()
        s.fallbacks = 0
        if s.phase == Phase.CONFIRM_STOP:
            s.phase, s.held = s.held, None
        if s.phase in (Phase.END, Phase.MAT):
            self._finish()  # nothing more to skip to: the mat's points stay drafts
            return self._reply()
        if s.phase == Phase.MOVE:
            s.phase, s.moving = Phase.MAT, None
        elif s.phase == Phase.CHECK:
            self._leave_check()
        else:
            self._after_question()
        self._say("OK, let's move on.")
        self._prompt()
        return self._reply()

    def stop(self) -> Reply:
        """Stop now, keeping everything said so far (unconfirmed entries stay drafts)."""
        s = self.state
        if s.phase in (None, *ENDED):
            return self._finished()
        s.phase, s.held = Phase.STOPPED, None
        self._say(f"OK, we will stop now. Thank you, {self.ctx.pupil_name}. I have kept what you told me.")
        s.last_prompt = []
        self.status = SessionStatus.STOPPED.value
        return self._reply()

    # ------------------------------------------------------------------ reading

    def _read(self, turn: Turn) -> Meaning:
        step = self._question_in_hand()
        return self.reader.read(
            text=turn.text,
            intent=turn.intent,
            confidence=turn.confidence,
            entities=turn.entities,
            types=step.types,
            scale=step.board == "scale",
            question_stance=step.stance,
            stance=turn.stance,
        )

    def _question_in_hand(self) -> Step:
        """The question an answer now would answer (checks and stop questions keep theirs)."""
        s = self.state
        phase = s.held if s.phase == Phase.CONFIRM_STOP else s.phase
        if phase == Phase.CHECK:
            phase = Phase(s.pending["from"])
        if phase in (Phase.MAT, Phase.MOVE):
            return Step("mat", "", "", "mat", ())
        if phase == Phase.END:
            return ANYTHING_ELSE_STEP
        return self._current_step(phase)

    # ------------------------------------------------------------------ phases

    def _on_question(self, meaning: Meaning, turn: Turn) -> None:
        step = self._current_step()
        kind = meaning.kind
        if kind == "dont_know":
            self._record(step, turn, kind="dont_know")
            self._say("That's OK.")
            self._after_question()
            self._prompt()
        elif kind == "rating" and step.board == "scale":
            self._take_rating(step, turn, meaning.rating)
        elif kind == "answer" and step.board != "scale":
            self._take_concepts(step, turn, meaning)
        elif kind == "deny" and turn.text is not None and step.board != "scale":
            # "no" to "Is anything worrying you?" is an answer: kept in the pupil's words.
            self._record(step, turn, kind="words", stance=step.stance)
            self._say("OK.")
            self._after_question()
            self._prompt()
        elif kind in ("words", "affirm", "deny") and turn.text is not None:
            self._record(step, turn, kind="words", stance=step.stance)
            self._misunderstood("Thank you. Can you show me with a picture?")
        else:
            if turn.text is not None:
                self._record(step, turn, kind="not_understood")
            self._misunderstood("Sorry, I didn't understand.")

    def _take_rating(self, step: Step, turn: Turn, rating: str) -> None:
        about = self._about(step)
        concepts = [self._concept(about["concept_id"])] if about else []
        clause = describe_rating(step.stance, rating, recall_subject(concepts[0]) if concepts else "")
        entry = self._record(
            step, turn, kind="rating", rating=rating, concept_ids=[c.id for c in concepts], stance=step.stance
        )
        self._stands_or_check(step, turn, [(entry, clause)])

    def _take_concepts(self, step: Step, turn: Turn, meaning: Meaning) -> None:
        groups: dict[str, list[Concept]] = {}
        for mention in meaning.mentions:
            stance = meaning.stance or stance_for(step.stance, mention.polarity)
            groups.setdefault(stance, []).append(mention.concept)
        made = []
        for stance, concepts in groups.items():
            clause = describe(stance, concepts)
            entry = self._record(
                step,
                turn,
                kind="concept",
                concept_ids=[c.id for c in concepts],
                stance=stance,
                rating=LIKE_STANCES.get(stance),
            )
            made.append((entry, clause))
        self._stands_or_check(step, turn, made)

    def _stands_or_check(self, step: Step, turn: Turn, made: list[tuple[dict, str]]) -> None:
        """A card chosen on purpose stands; interpreted words are checked back by choosing."""
        s = self.state
        if turn.text is None:
            ((entry, clause),) = made
            if turn.card_position is not None:
                s.positions.append(turn.card_position)
            self._say("You chose: " + clause + ".", concepts=entry["concept_ids"])
            self._answered(entry, clause, step)
            self._checked_ok(entry["id"])
            return
        s.pending = {
            "from": s.phase.value,
            "words": turn.text.strip(),
            "step": step.id,
            "scale": step.board == "scale",
            "input_mode": turn.input_mode,
            "provenance": turn.provenance,
            "speech_confidence": turn.speech_confidence,
            "entries": [
                {
                    "entry_id": e["id"],
                    "concept_ids": e["concept_ids"],
                    "stance": e["stance"],
                    "rating": e["rating"],
                    "clause": clause,
                }
                for e, clause in made
            ],
        }
        s.phase, s.unclear = Phase.CHECK, 0
        self._prompt()

    def _on_check(self, meaning: Meaning, turn: Turn) -> None:
        s = self.state
        kind = meaning.kind
        if kind in ("something_else", "deny"):
            self._reject_pending("The pupil chose 'something else' when it was checked back.")
            s.fallbacks = max(s.fallbacks, 1)
            self._say("OK. Touch the picture you mean.")
            self._prompt(simple=True, small=True)
        elif meaning.command and kind in ("answer", "rating") and self._offered(meaning):
            self._checked_by_choice(meaning, turn)
        elif meaning.command and kind in ("answer", "rating"):
            # A card that was not one of the readings: the pupil's own new answer.
            self._reject_pending("The pupil chose another card when it was checked back.")
            self._on_question(meaning, turn)
        elif kind in ("answer", "rating", "words") and not meaning.command:
            # New words instead of a choice ("no, football"): they replace the reading.
            self._reject_pending("The pupil said something else when it was checked back.")
            self._on_question(meaning, turn)
        elif kind == "dont_know":
            self._say("That's OK. Your helper can look at it later.")
            self._leave_check()
            self._prompt()
        else:
            self._unclear("Touch the picture you mean.")

    def _offered(self, meaning: Meaning) -> bool:
        """True for a card of the check-back board: one of the readings (or the scale)."""
        pending = self.state.pending
        if meaning.kind == "rating":
            return pending["scale"]
        return not pending["scale"] and any(
            meaning.mentions[0].concept.id in p["concept_ids"] for p in pending["entries"]
        )

    def _checked_by_choice(self, meaning: Meaning, turn: Turn) -> None:
        """The pupil chose a card of the check-back board: that reading is confirmed."""
        s = self.state
        pending = s.pending
        step = self._current_step(Phase(pending["from"]))
        if meaning.kind == "rating":
            chosen = {"rating": meaning.rating}
            match = next((p for p in pending["entries"] if p["rating"] == meaning.rating), None)
        else:
            concept = meaning.mentions[0].concept
            stance = meaning.stance or next(
                (p["stance"] for p in pending["entries"] if concept.id in p["concept_ids"]), step.stance
            )
            chosen = {"concept": concept, "stance": stance}
            match = next(
                (p for p in pending["entries"] if concept.id in p["concept_ids"] and p["stance"] == stance), None
            )
        entry = None
        if match is not None:
            self.updates.append((match["entry_id"], {"checked_back": True}))
            entry_id, clause = match["entry_id"], match["clause"]
        else:
            # Another reading of the same words: the one it replaces is set aside, with why.
            for p in pending["entries"]:
                if "rating" in chosen or chosen["concept"].id in p["concept_ids"]:
                    self.updates.append(
                        (
                            p["entry_id"],
                            {
                                "status": "discarded",
                                "status_reason": "The pupil chose another reading when it was checked back.",
                            },
                        )
                    )
            entry, clause = self._reread(step, turn, pending, chosen)
            entry_id = entry["id"]
        # Other readings of the same words stay drafts, for the adult to review.
        chosen_entry = match or entry
        self._answered(
            {
                "id": entry_id,
                "answer_kind": "rating" if pending["scale"] else "concept",
                "concept_ids": chosen_entry["concept_ids"],
                "stance": chosen_entry["stance"],
                "rating": chosen_entry["rating"],
            },
            clause,
            step,
        )
        self._say("Thank you.")
        self._checked_ok(entry_id)

    def _reread(self, step: Step, turn: Turn, pending: dict, chosen: dict) -> tuple[dict, str]:
        """Record the reading the pupil chose, in the same words, as checked back."""
        words_turn = Turn(
            intent=turn.intent,
            text=pending["words"],
            input_mode=pending["input_mode"],
            provenance=pending["provenance"],
            speech_confidence=pending.get("speech_confidence"),
            response_ms=turn.response_ms,
            card_position=turn.card_position,
        )
        if "rating" in chosen:
            about = self._about(step)
            concepts = [self._concept(about["concept_id"])] if about else []
            clause = describe_rating(step.stance, chosen["rating"], recall_subject(concepts[0]) if concepts else "")
            entry = self._record(
                step,
                words_turn,
                kind="rating",
                rating=chosen["rating"],
                concept_ids=[c.id for c in concepts],
                stance=step.stance,
            )
        else:
            clause = describe(chosen["stance"], [chosen["concept"]])
            entry = self._record(
                step,
                words_turn,
                kind="concept",
                concept_ids=[chosen["concept"].id],
                stance=chosen["stance"],
                rating=LIKE_STANCES.get(chosen["stance"]),
            )
        entry["checked_back"] = True
        return entry, clause

    def _keep_concern(self, turn: Turn, category: str) -> None:
        """Words that may disclose harm: answered calmly, never read back or made into an
        answer, kept for the designated safeguarding lead."""
        on_screen = self.state.last_prompt[-1]["text"] if self.state.last_prompt else ""
        self.concerns.append(
            {
                "words": turn.text.strip(),
                "category": category,
                "question": on_screen,
                "input_mode": turn.input_mode,
                "provenance": turn.provenance,
                "adult_name": self.ctx.adult_name,
            }
        )
        helper = self.ctx.adult_name or "a grown-up at school"
        self._say(f"Thank you for telling me. I will tell {helper} so they can help you.")
        self.messages.extend(self.state.last_prompt)

    def _on_end(self, meaning: Meaning, turn: Turn) -> None:
        """The last question, "Anything else?": words are kept; a card or a goodbye ends."""
        if turn.text is not None and meaning.kind in ("answer", "words", "rating"):
            self._record(ANYTHING_ELSE_STEP, turn, kind="words")
            self._say("Thank you. I have kept that.")
            self._prompt()
        elif (
            meaning.kind in ("finish", "stop", "goodbye", "deny", "dont_know", "affirm", "keep_going", "something_else")
            or meaning.command
        ):
            self._begin_mat()
        else:
            self._say("Touch 'All done' when you have finished.")
            self._prompt(again=True)

    def _on_mat(self, meaning: Meaning, turn: Turn) -> None:
        """The final mat: an item chosen is moved (where does it go?); "All done" confirms
        every item, which the pupil chose and has now seen together."""
        s = self.state
        if s.phase == Phase.MAT and meaning.kind == "item" and meaning.item < len(s.answered):
            s.phase, s.moving = Phase.MOVE, meaning.item
            self._prompt()
        elif s.phase == Phase.MAT and meaning.kind in ("finish", "stop", "goodbye", "affirm"):
            for item in s.answered:
                self.updates.append((item["entry_id"], {"status": "confirmed", "confirmed_by": "pupil"}))
            self._finish()
        elif s.phase == Phase.MOVE and meaning.command and meaning.kind in ("rating", "remove"):
            self._move(s.answered[s.moving], meaning.rating, turn)
            s.phase, s.moving = Phase.MAT, None
            self._say("Thank you. I have changed it.")
            self._prompt()
        elif s.phase == Phase.MOVE and meaning.kind in ("keep_going", "something_else", "deny"):
            s.phase, s.moving = Phase.MAT, None
            self._prompt()
        else:
            self._say(
                "Touch a picture to move it, or touch 'All done'." if s.phase == Phase.MAT else "Touch where it goes."
            )
            self._prompt(again=True)

    def _move(self, item: dict, target: str | None, turn: Turn) -> None:
        """Move a mat item to another group (a correction, by the pupil) or take it away."""
        s = self.state
        if target is None:
            self.updates.append(
                (item["entry_id"], {"status": "discarded", "status_reason": "Taken off the final mat by the pupil."})
            )
            s.answered.remove(item)
            return
        self.updates.append(
            (item["entry_id"], {"status": "discarded", "status_reason": "Moved on the final mat by the pupil."})
        )
        step = self._step_by_id(item["step"])
        if item["kind"] == "rating":
            stance, rating = item["stance"], target
        else:
            stance = moved_stance(item["stance"], target)
            rating = LIKE_STANCES.get(stance, target if target == "not_sure" else None)
        entry = self._record(
            step,
            turn,
            kind=item["kind"],
            concept_ids=item["concept_ids"],
            stance=stance,
            rating=rating,
            recall=item.get("recall"),
        )
        entry["corrects_entry_id"] = item["entry_id"]
        concepts = [self._concept(c) for c in item["concept_ids"]]
        clause = (
            describe_rating(stance, rating, recall_subject(concepts[0]) if concepts else "")
            if item["kind"] == "rating"
            else describe(stance, concepts)
        )
        s.answered[s.answered.index(item)] = self._item(entry, clause, step, item.get("recall"))

    def _ask_to_stop(self) -> None:
        s = self.state
        s.held, s.phase = s.phase, Phase.CONFIRM_STOP
        self._prompt()

    def _on_stop_question(self, meaning: Meaning, turn: Turn) -> None:
        s = self.state
        if meaning.kind in ("stop", "goodbye", "affirm"):
            self.stop()
            return
        s.phase, s.held = s.held, None
        if meaning.kind in ("keep_going", "deny", "unclear", "greet", "repeat"):
            self._say("OK, let's keep going.")
            self._prompt(again=True)
        elif s.phase == Phase.CHECK:
            self._on_check(meaning, turn)
        else:
            self._on_question(meaning, turn)

    def _unclear(self, hint: str) -> None:
        s = self.state
        s.unclear += 1
        if s.unclear >= UNCLEAR_LIMIT:
            self._say("Let's leave that one for now. Your helper can look at it later.")
            self._leave_check()
            s.unclear = 0
            self._prompt()
        else:
            self._say(hint)
            self._prompt(again=True)

    def _misunderstood(self, first_words: str) -> None:
        """Two tries, then fewer pictures, then the adult."""
        s = self.state
        s.fallbacks += 1
        if s.fallbacks == 1:
            self._say(first_words)
            self._prompt(simple=True, small=True)
        elif s.fallbacks == 2:
            self._say("Let's use pictures. Touch the picture you mean.")
            self._prompt(simple=True, small=True)
        else:
            helper = self.ctx.adult_name or "your helper"
            self._say(f"Let's ask {helper} to help.")
            self._prompt(simple=True, small=True, handover=True)

    # ------------------------------------------------------------------ flow

    def _checked_ok(self, entry_id: str) -> None:
        """An answer stands (checked back, or chosen on purpose): finish the question."""
        s = self.state
        if s.pending:
            s.phase = Phase(s.pending["from"])
            s.pending = None
        self._after_question()
        self._prompt()

    def _leave_check(self) -> None:
        """Move on from a check-back; its readings stay drafts for the adult."""
        s = self.state
        s.phase = Phase(s.pending["from"])
        s.pending = None
        self._after_question()

    def _reject_pending(self, reason: str) -> None:
        """Set aside the readings being checked back, with why, and return to their question."""
        s = self.state
        for p in s.pending["entries"]:
            self.updates.append((p["entry_id"], {"status": "discarded", "status_reason": reason}))
        s.phase, s.pending = Phase(s.pending["from"]), None

    def _after_question(self) -> None:
        """On to the next question; a point changed at the read-back returns there."""
        s = self.state
        s.fallbacks = 0
        if s.phase == Phase.CONTROL:
            s.phase = Phase.ASK  # back past the last question, so on to "Anything else?"
        elif s.phase == Phase.RECALL:
            s.recall_index += 1
            if s.recall_index >= len(s.recall):
                s.phase = Phase.ASK
        else:
            s.step += 1

    def _prompt(self, simple: bool = False, small: bool = False, handover: bool = False, again: bool = False) -> None:
        """Ask the current question (or check back, read back, or finish), remembering it
        for repeat. Each new prompt gets a new id; `again` shows the same prompt once more."""
        s = self.state
        if s.phase == Phase.RECALL and s.recall_index >= len(s.recall):
            s.phase = Phase.ASK
        if s.phase == Phase.ASK and s.step >= len(steps_for(self.ctx.conversation)):
            s.phase = Phase.END
            control = self._control_item()
            if control is not None:
                s.phase, s.control = Phase.CONTROL, control
        if not again:
            s.prompt_seq += 1
        start = len(self.messages)
        if s.phase == Phase.CHECK:
            self._check_prompt()
        elif s.phase == Phase.CONFIRM_STOP:
            self._say("Do you want to stop now?", board="stop", prompt=True, cards=self._special("stop", "keep_going"))
        elif s.phase == Phase.MAT:
            self._mat_prompt()
        elif s.phase == Phase.MOVE:
            item = s.answered[s.moving]
            # A feeling stays a feeling: it can only be taken away.
            places = self._special("keep_going") if item["group"] == "feelings" else self._rating_cards()
            self._say(
                "You told me: " + item["clause"] + ". Where does it go?",
                board="move",
                cards=places + self._special("remove"),
                prompt=True,
                concepts=item["concept_ids"],
            )
        elif s.phase == Phase.END:
            self._say(ANYTHING_ELSE_STEP.question, board="end", cards=self._special("finish"), prompt=True)
        else:
            self._ask(self._current_step(), simple, small, handover)
        s.last_prompt = self.messages[start:]

    def _check_prompt(self) -> None:
        """Which reading did the pupil mean? The understood cards (with their stance), the
        other reading of a single answer, and "something else"; or the scale, for a rating."""
        pending = self.state.pending
        words = pending["words"]
        if len(words) > QUOTE_LIMIT:
            words = words[:QUOTE_LIMIT].rsplit(" ", 1)[0] + "…"
        if pending["scale"]:
            cards = self._rating_cards()
            self._say(f'You said: "{words}". Which one do you mean?', board="check", cards=cards, prompt=True)
            return
        cards = []
        for p in pending["entries"]:
            for cid in p["concept_ids"]:
                cards.append(self._stance_card(self._concept(cid), p["stance"]))
        if len(cards) == 1:
            other = other_stance(cards[0]["stance"])
            if other:
                cards.append(self._stance_card(self._concept(cards[0]["concept"]), other))
        cards += self._special("something_else")
        self._say(f'You said: "{words}". Which one do you mean?', board="check", cards=cards, prompt=True)

    def _stance_card(self, concept: Concept, stance: str) -> dict:
        card = concept.card()
        card["label"] = first_person(describe(stance, [concept])).rstrip(".")
        card["stance"] = stance
        card["stance_symbol"] = STANCE_SYMBOLS.get(stance) if concept.type != "feeling" else None
        return card

    def _ask(self, step: Step, simple: bool, small: bool, handover: bool) -> None:
        about = self._about(step)
        if about is not None:
            item = about
            concept = self._concept(item["concept_id"])
            label = recall_subject(concept)
            if not simple and step.id == RECALL_STEP.id:
                self._say("Last time you told me: " + item["clause"] + ".", concepts=[concept.id])
            text = (step.simple if simple else step.question).format(place=label)
            cards = self._rating_cards() + (self._special("skip") if handover else [])
            self._say(
                text[:1].upper() + text[1:],
                board="handover" if handover else "scale",
                cards=cards,
                concepts=[concept.id],
                prompt=True,
            )
            return
        text = step.simple if simple else step.text(self.ctx.place)
        if step.board == "scale":
            cards = self._rating_cards()  # "not sure" is on the scale itself
        else:
            count = min(SMALL_BOARD, self.ctx.cards_per_board) if small else self.ctx.cards_per_board
            ids = list(step.cards)
            if step.id in ENCOUNTER_STEPS:
                own = [c for c in self.state.first_cards if self._concept(c).type in step.types]
                ids = list(dict.fromkeys(own + ids))
            cards = [self._concept(cid).card() for cid in ids[:count]]
            cards += self._special("dont_know")
        if handover:
            cards += self._special("skip")
        board = "handover" if handover else step.board
        self._say(text, board=board, cards=cards, prompt=True)

    def _begin_mat(self) -> None:
        """Show everything the pupil chose, or finish when they chose nothing."""
        if not self.state.answered:
            self._finish()
            return
        self.state.phase = Phase.MAT
        self._prompt()

    def _mat_prompt(self) -> None:
        """Every item on the mat, in its group; each item is a card to move it."""
        groups = {key: [] for key, _, _ in MAT_GROUPS}
        for n, item in enumerate(self.state.answered):
            groups[item["group"]].append(dict(item["card"], concept=f"item_{n}"))
        self._say(
            "Here is what you told me. Move a picture, or touch All done.",
            board="mat",
            prompt=True,
            cards=[card for cards in groups.values() for card in cards] + self._special("finish"),
        )
        self.messages[-1]["mat"] = [
            {"group": key, "label": label, "symbol": symbol, "items": [card["concept"] for card in groups[key]]}
            for key, label, symbol in MAT_GROUPS
            if groups[key]
        ]

    def _finish(self) -> None:
        s = self.state
        s.phase = Phase.DONE
        s.last_prompt = []
        self.status = SessionStatus.FINISHED.value
        self._say(f"Thank you, {self.ctx.pupil_name}. We have finished. I have kept what you told me.")

    def _finished(self) -> Reply:
        self._say("We have finished. Thank you!")
        return self._reply()

    # ------------------------------------------------------------------ helpers

    def _current_step(self, phase: Phase | None = None) -> Step:
        s = self.state
        phase = phase or s.phase
        if phase == Phase.RECALL:
            return RECALL_STEP
        if phase == Phase.CONTROL:
            return CONTROL_STEP
        steps = steps_for(self.ctx.conversation)
        return steps[min(s.step, len(steps) - 1)]

    def _step_by_id(self, step_id: str) -> Step:
        if step_id == RECALL_STEP.id:
            return RECALL_STEP
        return next(step for step in steps_for(self.ctx.conversation) if step.id == step_id)

    def _concept(self, concept_id: str) -> Concept:
        return self.ctx.catalogue.get(concept_id)

    def _recall_item(self) -> dict:
        s = self.state
        return s.recall[min(s.recall_index, len(s.recall) - 1)]

    def _control_item(self) -> dict | None:
        """The answer to ask about again when the pupil's choices follow the cards' places
        (once a session; never said to the pupil why)."""
        s = self.state
        if s.control is not None or not follows_position(s.positions):
            return None
        for item in s.answered:
            if item["kind"] == "concept" and item["group"] in ("like", "dont_like"):
                return {"entry_id": item["entry_id"], "concept_id": item["concept_ids"][0]}
        return None

    def _about(self, step: Step) -> dict | None:
        """The earlier answer a recall or control question is about."""
        if step.id == CONTROL_STEP.id:
            return self.state.control
        if step.id == RECALL_STEP.id:
            return self._recall_item()
        return None

    def _first_cards(self) -> list[str]:
        """Cards that come first on the encounter's boards: what the encounter is about,
        then what the pupil said they like (earlier confirmed answers)."""
        liked = [
            cid
            for entry in self.ctx.earlier
            if entry.get("stance") in ("like", "liked", "good_at")
            for cid in entry.get("concept_ids") or []
        ]
        return list(dict.fromkeys(self.ctx.topics[:2] + liked[:1] + self.ctx.topics[2:]))

    def _recall_items(self) -> list[dict]:
        """Up to three earlier confirmed answers, newest first, one per concept."""
        items, seen = [], set()
        for entry in self.ctx.earlier:
            if entry.get("answer_kind") != "concept" or entry.get("moment") != self.ctx.conversation:
                continue
            stance = entry.get("stance")
            if stance not in ("like", "dont_like", "good_at", "aspire"):
                continue
            for cid in entry.get("concept_ids") or []:
                concept = self.ctx.catalogue.get(cid)
                if concept is None or cid in seen:
                    continue
                seen.add(cid)
                items.append({"entry_id": entry["id"], "concept_id": cid, "clause": describe(stance, [concept])})
        return items[:RECALL_LIMIT]

    def _record(
        self, step: Step, turn: Turn, kind: str, concept_ids=(), stance=None, rating=None, recall: dict | None = None
    ) -> dict:
        """A new entry for this question; `recall` names the earlier answer a recall
        question was about (the current one unless given)."""
        if step.id in (RECALL_STEP.id, CONTROL_STEP.id):
            recall = recall or self._about(step)
            label = recall_subject(self._concept(recall["concept_id"]))
            question = step.text(label)
            question = question[:1].upper() + question[1:]
        else:
            question = step.text(self.ctx.place)
        entry = {
            "id": new_id(),
            "moment": self.ctx.conversation,
            "step": step.id,
            "question": question,
            "answer_kind": kind,
            "concept_ids": list(concept_ids),
            "stance": stance,
            "rating": rating,
            "words": turn.text.strip() if turn.text else None,
            "input_mode": turn.input_mode,
            "provenance": turn.provenance,
            "speech_confidence": turn.speech_confidence,
            "response_ms": turn.response_ms,
            "card_position": turn.card_position,
            "adult_name": self.ctx.adult_name,
            "symbol_set": self.ctx.symbol_set,
            "recalls_entry_id": recall["entry_id"] if recall else None,
        }
        self.new_entries.append(entry)
        return entry

    def _answered(self, entry: dict, clause: str, step: Step) -> None:
        recall = self._about(step)
        self.state.answered.append(self._item(entry, clause, step, recall))

    def _item(self, entry: dict, clause: str, step: Step, recall: dict | None) -> dict:
        """A chosen answer as an item of the final mat: its group and its card."""
        kind, stance, rating = entry["answer_kind"], entry["stance"], entry["rating"]
        if kind == "rating":
            group = rating
        else:
            group = MAT_GROUP_OF_STANCE.get(stance) or ("dont_like" if STANCE_LEAN.get(stance, 1) < 0 else "like")
        if entry["concept_ids"]:
            concepts = [self._concept(c) for c in entry["concept_ids"]]
            card = dict(concepts[0].card(), label=join_words([c.label for c in concepts]))
        else:
            label, symbol = RATING_ITEMS[step.id]
            card = {"concept": step.id, "type": "rating", "label": label, "symbol": symbol, "alt": label}
        item = {
            "entry_id": entry["id"],
            "clause": clause,
            "step": step.id,
            "kind": kind,
            "concept_ids": list(entry["concept_ids"]),
            "stance": stance,
            "rating": rating,
            "group": group,
            "card": card,
        }
        if recall:
            item["recall"] = recall
        return item

    def _rating_cards(self) -> list[dict]:
        return [self._concept(cid).card() for cid in RATING_CARDS]

    @staticmethod
    def _special(*ids: str) -> list[dict]:
        return [{"concept": i, "type": "special", **SPECIAL_CARDS[i]} for i in ids]

    def _say(
        self,
        text: str,
        board: str = "none",
        cards: list[dict] | None = None,
        concepts: list[str] | None = None,
        prompt: bool = False,
    ) -> None:
        extra = {}
        for cid in concepts or []:
            concept = self.ctx.catalogue.get(cid)
            if concept:
                extra[plain_label(concept)] = concept.symbol
        message = {
            "text": text,
            "symbols": self.ctx.catalogue.symbolise(text, extra),
            "board": board,
            "cards": cards or [],
            "step": self._step_id_for_payload(),
            "prompt": prompt,
        }
        if prompt:
            message["prompt_id"] = self.state.prompt_id
        self.messages.append(message)

    def _step_id_for_payload(self) -> str | None:
        phase = self.state.phase
        if phase in (Phase.ASK, Phase.RECALL, Phase.CONTROL):
            return self._current_step().id
        if phase == Phase.END:
            return ANYTHING_ELSE_STEP.id
        return phase.value if phase else None

    def _reply(self) -> Reply:
        return Reply(
            state=self.state.to_dict(),
            messages=self.messages,
            new_entries=self.new_entries,
            entry_updates=self.updates,
            session_status=self.status,
            concerns=self.concerns,
        )
