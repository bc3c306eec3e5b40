"""The conversation engine: given where a conversation is and what the pupil did, decide
what to record and what to say next. Pure: no database, no Rasa, no Flask.

A turn returns a Reply: the new state (JSON-able), the bot messages (each a widget payload)
and the writes to make (new entries, entry updates, the session's end). The caller makes
the writes and the state change in one transaction before anything is said.

Phases: recall (earlier answers, do they still hold?) -> ask (the plan's questions) ->
readback (each point confirmed or changed) -> done. A free answer (typed or spoken words)
is checked back first (phase "check"); a card chosen on purpose is not.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from assistant.models import new_id
from assistant.questions import (LIKE_STANCES, RECALL_STEP, INTRODUCTIONS, Step, describe,
                                 describe_rating, describe_words, plain_label, sentence,
                                 steps_for)
from symbols.catalogue import Catalogue, Concept

# Cards that are not vocabulary concepts; the web app turns them into intents.
SPECIAL_CARDS = {
    "yes": {"label": "Yes", "symbol": "yes", "alt": "Thumbs up: yes"},
    "no": {"label": "No", "symbol": "no", "alt": "Thumbs down: no"},
    "dont_know": {"label": "I don't know", "symbol": "dont_know", "alt": "A shrug: I don't know"},
    "skip": {"label": "Skip this question", "symbol": "skip", "alt": "An arrow: skip"},
}
RATING_CARDS = ("like", "not_sure", "dont_like")
CONTENT_INTENTS = {"express_like", "express_dislike", "express_good_at", "express_need_help",
                   "express_feeling", "express_aspiration", "choose", "nlu_fallback"}
RECALL_LIMIT = 3
SMALL_BOARD = 4


@dataclass
class Turn:
    """What the pupil (or the adult on their behalf) did."""

    intent: str
    entities: list[dict] = field(default_factory=list)
    text: str | None = None          # verbatim words; None for a card
    input_mode: str = "typed"
    provenance: str = "independent"
    speech_confidence: float | None = None  # a spoken answer's recogniser confidence


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


@dataclass
class Reply:
    state: dict
    messages: list[dict]
    new_entries: list[dict] = field(default_factory=list)
    entry_updates: list[tuple[str, dict]] = field(default_factory=list)
    session_status: str | None = None


class Engine:
    """One turn of one conversation."""

    def __init__(self, ctx: Context, state: dict | None):
        self.ctx = ctx
        self.state = copy.deepcopy(state or {})
        self.messages: list[dict] = []
        self.new_entries: list[dict] = []
        self.updates: list[tuple[str, dict]] = []
        self.status: str | None = None

    # ------------------------------------------------------------------ public turns

    def start(self) -> Reply:
        """Begin the conversation, or show where it is if it has begun."""
        if self.state.get("phase"):
            if self.state["phase"] in ("done", "stopped"):
                self._say("We have finished. Thank you!")
            else:
                self.messages.extend(self.state.get("last_prompt", []))
            return self._reply()
        self.state = {
            "phase": "ask", "step": 0, "fallbacks": 0, "answered": [],
            "recall": self._recall_items(), "recall_index": 0,
        }
        if self.state["recall"]:
            self.state["phase"] = "recall"
        intro = INTRODUCTIONS[self.ctx.conversation].format(name=self.ctx.pupil_name,
                                                             place=self.ctx.place)
        self._say(intro)
        if self.ctx.place_photo:
            self.messages[-1]["picture"] = {"url": self.ctx.place_photo,
                                            "alt": f"A photo of {self.ctx.place}"}
        self._say("You can say stop at any time.")
        self.status = "active"
        self._prompt()
        return self._reply()

    def answer(self, turn: Turn) -> Reply:
        """An answer: a card, typed or spoken words, yes, no or I don't know."""
        phase = self.state.get("phase")
        if phase in (None, "done", "stopped"):
            return self._finished()
        if turn.intent == "greet":
            self._say("Hello!")
            self._prompt()
        elif turn.intent == "goodbye":
            return self.stop(turn)
        elif phase == "check":
            self._on_check(turn)
        elif phase == "readback":
            self._on_readback(turn)
        else:
            self._on_question(turn)
        return self._reply()

    def fallback(self, turn: Turn) -> Reply:
        """The assistant did not understand: two tries, then pictures, then the adult."""
        phase = self.state.get("phase")
        if phase in (None, "done", "stopped"):
            return self._finished()
        if phase in ("ask", "recall") and self._usable(turn):
            self._on_question(turn)
        elif phase in ("check", "readback"):
            self._on_yes_no_unclear(turn)
        else:
            self._not_understood(turn)
        return self._reply()

    def repeat(self) -> Reply:
        """Say the last question again, exactly."""
        if self.state.get("phase") in (None, "done", "stopped"):
            return self._finished()
        self.messages.extend(self.state.get("last_prompt", []))
        return self._reply()

    def skip(self) -> Reply:
        """The adult skips the current question; nothing is recorded for it."""
        phase = self.state.get("phase")
        if phase in (None, "done", "stopped"):
            return self._finished()
        self.state["fallbacks"] = 0
        if phase == "check":
            self._leave_check()
        elif phase == "readback":
            self.state["readback_index"] += 1
        elif phase == "recall":
            self.state["recall_index"] += 1
        else:
            self._after_question()
        self._say("OK, let's move on.")
        self._prompt()
        return self._reply()

    def stop(self, turn: Turn | None = None) -> Reply:
        """Stop now, keeping everything said so far (unconfirmed entries stay drafts)."""
        if self.state.get("phase") in (None, "done", "stopped"):
            return self._finished()
        self.state["phase"] = "stopped"
        self._say(f"OK, we will stop now. Thank you, {self.ctx.pupil_name}. "
                  "I have kept what you told me.")
        self.state["last_prompt"] = []
        self.status = "stopped"
        return self._reply()

    # ------------------------------------------------------------------ phases

    def _on_question(self, turn: Turn) -> None:
        step = self._current_step()
        if turn.intent == "dont_know":
            self._record(step, turn, kind="dont_know")
            self._say("That's OK.")
            self._after_question()
            self._prompt()
            return
        if step.board == "scale":
            rating = self._rating_from(turn)
            if rating is None:
                self._not_understood(turn)
                return
            concepts = [self.ctx.catalogue.get(self._recall_item()["concept_id"])] \
                if step.id == "recall" else []
            clause = describe_rating(step.stance, rating,
                                     plain_label(concepts[0]) if concepts else "")
            entry = self._record(step, turn, kind="rating", rating=rating,
                                 concept_ids=[c.id for c in concepts],
                                 stance=step.stance)
            self._answered(entry, clause, step)
            self._confirm_or_continue(entry, clause, turn)
            return
        concepts = self._concepts_for(step, turn)
        if concepts:
            stance = step.stance
            if stance in LIKE_STANCES and turn.intent in ("express_like", "express_dislike"):
                stance = "like" if turn.intent == "express_like" else "dont_like"
            clause = describe(stance, concepts)
            entry = self._record(step, turn, kind="concept", concept_ids=[c.id for c in concepts],
                                 stance=stance, rating=LIKE_STANCES.get(stance))
            self._answered(entry, clause, step)
            self._confirm_or_continue(entry, clause, turn)
            return
        if turn.text and turn.intent in CONTENT_INTENTS - {"nlu_fallback", "choose"}:
            clause = describe_words(turn.text.strip())
            entry = self._record(step, turn, kind="words", stance=step.stance)
            self._answered(entry, clause, step)
            self._confirm_or_continue(entry, clause, turn)
            return
        self._not_understood(turn)

    def _on_check(self, turn: Turn) -> None:
        pending = self.state["pending"]
        if turn.intent == "affirm":
            self.updates.append((pending["entry_id"], {"checked_back": True}))
            self._checked_ok(pending)
            return
        if turn.intent in CONTENT_INTENTS and self._usable(turn):
            # A correction ("no, football"): the new answer replaces the pending one.
            self._reject_pending("The pupil corrected this answer when it was checked back.")
            self.state["phase"] = pending["from"]
            self._on_question(turn)
            return
        if turn.intent == "deny":
            self._reject_pending("The pupil said this was not right when it was checked back.")
            self.state["phase"] = pending["from"]
            if self.state["fallbacks"] == 0:
                self.state["fallbacks"] = 1
                self._say("Sorry. Let's try again.")
                self._prompt()
            else:
                self._not_understood(turn, record=False)
            return
        if turn.intent == "dont_know":
            self._say("That's OK. Your helper can look at it later.")
            self._leave_check()
            self._prompt()
            return
        self._on_yes_no_unclear(turn)

    def _on_readback(self, turn: Turn) -> None:
        item = self.state["readback"][self.state["readback_index"]]
        if turn.intent == "affirm":
            self.updates.append((item["entry_id"], {"status": "confirmed", "confirmed_by": "pupil"}))
            self.state["readback_index"] += 1
            self.state["unclear"] = 0
            self._prompt()
        elif turn.intent == "deny":
            self._say("OK. Let's change it.")
            self.state["redo"] = item
            self.state["phase"] = "recall" if item["step"] == "recall" else "ask"
            self.state["fallbacks"] = 0
            self._prompt()
        elif turn.intent == "dont_know":
            self._say("That's OK. Your helper can look at it later.")
            self.state["readback_index"] += 1
            self._prompt()
        else:
            self._on_yes_no_unclear(turn)

    def _on_yes_no_unclear(self, turn: Turn) -> None:
        self.state["unclear"] = self.state.get("unclear", 0) + 1
        if self.state["unclear"] >= 3:
            self._say("Let's leave that one for now. Your helper can look at it later.")
            if self.state["phase"] == "check":
                self._leave_check()
            else:
                self.state["readback_index"] += 1
            self.state["unclear"] = 0
        else:
            self._say("Is that right? Touch yes or no.")
        self._prompt()

    def _not_understood(self, turn: Turn, record: bool = True) -> None:
        step = self._current_step()
        if record and turn.text:
            self._record(step, turn, kind="not_understood")
        self.state["fallbacks"] += 1
        stage = self.state["fallbacks"]
        if stage == 1:
            self._say("Sorry, I didn't understand.")
            self._prompt(simple=True)
        elif stage == 2:
            self._say("Let's use pictures. Touch the picture you mean.")
            self._prompt(simple=True, small=True)
        else:
            helper = self.ctx.adult_name or "your helper"
            self._say(f"Let's ask {helper} to help.")
            self._prompt(simple=True, small=True, handover=True)

    # ------------------------------------------------------------------ flow

    def _confirm_or_continue(self, entry: dict, clause: str, turn: Turn) -> None:
        if turn.text is not None:
            self.state["pending"] = {"entry_id": entry["id"], "clause": clause,
                                     "from": self.state["phase"]}
            self.state["phase"] = "check"
            self.state["unclear"] = 0
            self._prompt()
            return
        self._say("You chose: " + clause + ".", concepts=entry["concept_ids"])
        self._checked_ok({"entry_id": entry["id"], "from": self.state["phase"]})

    def _checked_ok(self, pending: dict) -> None:
        """An answer stands (checked back, or chosen on purpose): finish the question."""
        redo = self.state.pop("redo", None)
        self.state.pop("pending", None)
        self.state["phase"] = pending["from"]
        self.state["fallbacks"] = 0
        if redo:
            # Changed at the read-back: the new answer replaces the old and is confirmed.
            self.updates.append((redo["entry_id"], {
                "status": "discarded", "status_reason": "Changed by the pupil at the read-back."}))
            self.updates.append((pending["entry_id"], {"status": "confirmed", "confirmed_by": "pupil"}))
            self.state["answered"] = [a for a in self.state["answered"]
                                      if a["entry_id"] != pending["entry_id"]]
            self.state["phase"] = "readback"
            self.state["readback_index"] += 1
            self._say("Thank you.")
        else:
            self._after_question()
        self._prompt()

    def _leave_check(self) -> None:
        pending = self.state.pop("pending")
        self.state["phase"] = pending["from"]
        if self.state.pop("redo", None):
            self.state["phase"] = "readback"
            self.state["readback_index"] += 1
        else:
            self._after_question()

    def _reject_pending(self, reason: str) -> None:
        pending = self.state.pop("pending")
        self.updates.append((pending["entry_id"], {"status": "discarded", "status_reason": reason}))
        self.state["answered"] = [a for a in self.state["answered"]
                                  if a["entry_id"] != pending["entry_id"]]

    def _after_question(self) -> None:
        self.state["fallbacks"] = 0
        if self.state["phase"] == "recall":
            self.state["recall_index"] += 1
            if self.state["recall_index"] >= len(self.state["recall"]):
                self.state["phase"] = "ask"
        else:
            self.state["step"] += 1

    def _prompt(self, simple: bool = False, small: bool = False, handover: bool = False) -> None:
        """Ask the current question (or read back, or finish), remembering it for repeat."""
        phase = self.state["phase"]
        if phase == "recall" and self.state["recall_index"] >= len(self.state["recall"]):
            self.state["phase"] = phase = "ask"
        if phase == "ask" and not self.state.get("redo") \
                and self.state["step"] >= len(steps_for(self.ctx.conversation)):
            self._begin_readback()
            phase = self.state["phase"]
        if phase == "readback" and self.state["readback_index"] >= len(self.state["readback"]):
            self._finish()
            return
        start = len(self.messages)
        if phase == "check":
            self._say(sentence(self.state["pending"]["clause"]) + " Is that right?",
                      board="yes_no", cards=self._special("yes", "no"), prompt=True)
        elif phase == "readback":
            item = self.state["readback"][self.state["readback_index"]]
            self._say("You told me: " + item["clause"] + ". Is that right?",
                      board="yes_no", cards=self._special("yes", "no"), prompt=True)
        else:
            self._ask(self._current_step(), simple, small, handover)
        self.state["last_prompt"] = self.messages[start:]

    def _ask(self, step: Step, simple: bool, small: bool, handover: bool) -> None:
        if step.id == "recall":
            item = self._recall_item()
            concept = self.ctx.catalogue.get(item["concept_id"])
            label = plain_label(concept)
            if not simple:
                self._say("Last time you told me: " + item["clause"] + ".", concepts=[concept.id])
            text = (step.simple if simple else step.question).format(place=label)
            self._say(text[:1].upper() + text[1:], board="scale", cards=self._rating_cards(),
                      concepts=[concept.id], prompt=True)
            return
        text = step.simple if simple else step.text(self.ctx.place)
        if step.board == "scale":
            cards = self._rating_cards()
        else:
            count = min(SMALL_BOARD, self.ctx.cards_per_board) if small else self.ctx.cards_per_board
            cards = [self.ctx.catalogue.get(cid).card() for cid in step.cards[:count]]
            cards += self._special("dont_know")
        if handover:
            cards += self._special("skip")
        board = "handover" if handover else step.board
        self._say(text, board=board, cards=cards, prompt=True)

    def _begin_readback(self) -> None:
        self.state["phase"] = "readback"
        self.state["readback"] = list(self.state["answered"])
        self.state["readback_index"] = 0
        if self.state["readback"]:
            self._say("Let's check what you told me.")

    def _finish(self) -> None:
        self.state["phase"] = "done"
        self.state["last_prompt"] = []
        self.status = "finished"
        self._say(f"Thank you, {self.ctx.pupil_name}. We have finished. "
                  "I have kept what you told me.")

    def _finished(self) -> Reply:
        self._say("We have finished. Thank you!")
        return self._reply()

    # ------------------------------------------------------------------ helpers

    def _current_step(self) -> Step:
        if self.state["phase"] == "recall":
            return RECALL_STEP
        redo = self.state.get("redo")
        if redo and redo["step"] != "recall":
            return next(s for s in steps_for(self.ctx.conversation) if s.id == redo["step"])
        return steps_for(self.ctx.conversation)[self.state["step"]]

    def _recall_item(self) -> dict:
        redo = self.state.get("redo")
        if redo and redo["step"] == "recall":
            return redo["recall"]
        return self.state["recall"][self.state["recall_index"]]

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
                items.append({"entry_id": entry["id"], "concept_id": cid,
                              "clause": describe(stance, [concept])})
        return items[:RECALL_LIMIT]

    def _usable(self, turn: Turn) -> bool:
        if self.state.get("phase") in ("check", "readback"):
            step = self._current_step_for_pending()
        else:
            step = self._current_step()
        if step.board == "scale":
            return self._rating_from(turn) is not None
        return bool(self._concepts_for(step, turn))

    def _current_step_for_pending(self) -> Step:
        pending = self.state.get("pending") or {}
        if pending.get("from") == "recall":
            return RECALL_STEP
        steps = steps_for(self.ctx.conversation)
        redo = self.state.get("redo")
        if redo and redo["step"] != "recall":
            return next(s for s in steps if s.id == redo["step"])
        return steps[min(self.state["step"], len(steps) - 1)]

    def _concepts_for(self, step: Step, turn: Turn) -> list[Concept]:
        found: list[Concept] = []
        for ent in turn.entities:
            concept = self.ctx.catalogue.get(str(ent.get("value")))
            if concept is None or concept in found:
                continue
            if ent.get("entity") == "concept" or "*" in step.types or concept.type in step.types:
                found.append(concept)
        return found

    def _rating_from(self, turn: Turn) -> str | None:
        for ent in turn.entities:
            if ent.get("entity") in ("rating", "concept") and ent.get("value") in RATING_CARDS:
                return ent["value"]
        return {"express_like": "like", "express_dislike": "dont_like", "affirm": "like",
                "deny": "dont_like"}.get(turn.intent)

    def _record(self, step: Step, turn: Turn, kind: str, concept_ids=(), stance=None,
                rating=None) -> dict:
        if step.id == "recall":
            label = plain_label(self.ctx.catalogue.get(self._recall_item()["concept_id"]))
            question = step.text(label)
            question = question[:1].upper() + question[1:]
        else:
            question = step.text(self.ctx.place)
        entry = {
            "id": new_id(), "moment": self.ctx.conversation, "step": step.id,
            "question": question, "answer_kind": kind, "concept_ids": list(concept_ids),
            "stance": stance, "rating": rating,
            "words": turn.text.strip() if turn.text else None,
            "input_mode": turn.input_mode, "provenance": turn.provenance,
            "speech_confidence": turn.speech_confidence,
            "adult_name": self.ctx.adult_name, "symbol_set": self.ctx.symbol_set,
            "recalls_entry_id": self._recall_item()["entry_id"] if step.id == "recall" else None,
        }
        self.new_entries.append(entry)
        return entry

    def _answered(self, entry: dict, clause: str, step: Step) -> None:
        item = {"entry_id": entry["id"], "clause": clause, "step": step.id}
        if step.id == "recall":
            item["recall"] = self._recall_item()
        self.state["answered"].append(item)

    def _rating_cards(self) -> list[dict]:
        return [self.ctx.catalogue.get(cid).card() for cid in RATING_CARDS]

    @staticmethod
    def _special(*ids: str) -> list[dict]:
        return [{"concept": i, "type": "special", **SPECIAL_CARDS[i]} for i in ids]

    def _say(self, text: str, board: str = "none", cards: list[dict] | None = None,
             concepts: list[str] | None = None, prompt: bool = False) -> None:
        extra = {}
        for cid in concepts or []:
            concept = self.ctx.catalogue.get(cid)
            if concept:
                extra[plain_label(concept)] = concept.symbol
        self.messages.append({
            "text": text,
            "symbols": self.ctx.catalogue.symbolise(text, extra),
            "board": board,
            "cards": cards or [],
            "step": self._step_id_for_payload(),
            "prompt": prompt,
        })

    def _step_id_for_payload(self) -> str | None:
        phase = self.state.get("phase")
        if phase in ("ask", "recall"):
            try:
                return self._current_step().id
            except IndexError:
                return None
        return phase

    def _reply(self) -> Reply:
        return Reply(state=self.state, messages=self.messages, new_entries=self.new_entries,
                     entry_updates=self.updates, session_status=self.status)
