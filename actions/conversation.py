"""Custom actions, each a thin call into the conversation engine. Every message the pupil
sends goes to one action, so its meaning is decided in one place, with the question in hand
(assistant.conversation.engine); only the session's start and the adult's skip have their own."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.tracker import play


class ActionStartConversation(Action):
    def name(self) -> str:
        return "action_start_conversation"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        return play(dispatcher, tracker, "start")


class ActionTakeAnswer(Action):
    def name(self) -> str:
        return "action_take_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        return play(dispatcher, tracker, "answer")


class ActionSkipQuestion(Action):
    def name(self) -> str:
        return "action_skip_question"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        return play(dispatcher, tracker, "skip")
