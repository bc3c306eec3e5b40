"""A stand-in for Rasa's REST channel in fast tests: it parses payloads, classifies a few
words, and runs the real custom actions (as Rasa's rules would) on the real database.
The engine reads the words again with the question in hand, so the classifier may be crude."""

from __future__ import annotations

import asyncio
import json
import re

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import conversation

RULES = {
    "start_conversation": conversation.ActionStartConversation,
    "skip_question": conversation.ActionSkipQuestion,
}
WORDS = {"yes": "affirm", "yeah": "affirm", "no": "deny", "dunno": "dont_know", "stop": "stop", "again": "repeat"}


def parse(message: str, catalogue) -> tuple[str, list[dict]]:
    match = re.match(r"^/(\w+)(\{.*\})?$", message)
    if match:
        entities = json.loads(match.group(2)) if match.group(2) else {}
        return match.group(1), [{"entity": k, "value": v} for k, v in entities.items()]
    words = message.lower().split()
    for word in words:
        if word in WORDS:
            return WORDS[word], []
    found = [
        {"entity": c.type, "value": c.id}
        for c in catalogue.concepts.values()
        if c.id in words or c.label.lower() in message.lower()
    ]
    return ("express_like", found) if found else ("nlu_fallback", [])


class FakeRasa:
    """`fault` makes it fail as the real stack does: "down" (Rasa unreachable), "empty" (the
    action server down: Rasa answers 200 with []), "error" (the action failed and said so),
    "lost" (the action ran and recorded the answer, then Rasa died before replying)."""

    def __init__(self, catalogue):
        self.catalogue = catalogue
        self.calls: list[dict] = []
        self.fault: str | None = None

    @property
    def down(self) -> bool:
        return self.fault == "down"

    @down.setter
    def down(self, value: bool) -> None:
        self.fault = "down" if value else None

    def send(self, sender_id: str, message: str, metadata: dict) -> list[dict]:
        from actions.tracker import TROUBLE
        from assistant.web.rasa_client import AssistantUnavailable

        if self.fault == "down":
            raise AssistantUnavailable("down")
        if self.fault == "empty":
            return []
        if self.fault == "error":
            return [TROUBLE]
        if self.fault == "lost":
            self.take(sender_id, message, metadata)
            raise AssistantUnavailable("died after the action")
        return self.take(sender_id, message, metadata)

    def take(self, sender_id: str, message: str, metadata: dict) -> list[dict]:
        self.calls.append({"sender": sender_id, "message": message, "metadata": metadata})
        intent, entities = parse(message, self.catalogue)
        tracker = Tracker(
            sender_id=sender_id,
            slots={},
            latest_message={
                "text": message,
                "intent": {"name": intent, "confidence": 1.0},
                "entities": entities,
                "metadata": metadata,
            },
            events=[],
            paused=False,
            followup_action=None,
            active_loop={},
            latest_action_name="action_listen",
        )
        dispatcher = CollectingDispatcher()
        action = RULES.get(intent, conversation.ActionTakeAnswer)()
        asyncio.run(action.run(dispatcher, tracker, {}))
        return [m["custom"] for m in dispatcher.messages]
