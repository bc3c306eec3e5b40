"""Custom actions: one per behaviour, each a thin call into the conversation engine."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.turns import play


class ActionStartConversation(Action):
    def name(self) -> str:
        return "action_start_conversation"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list:
        return play(dispatcher, tracker, "start")


class ActionTakeAnswer(Action):
    def name(self) -> str:
        return "action_take_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list:
        return play(dispatcher, tracker, "answer")


class ActionHandleFallback(Action):
    def name(self) -> str:
        return "action_handle_fallback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list:
        return play(dispatcher, tracker, "fallback")


class ActionRepeatPrompt(Action):
    def name(self) -> str:
        return "action_repeat_prompt"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list:
        return play(dispatcher, tracker, "repeat")


class ActionSkipQuestion(Action):
    def name(self) -> str:
        return "action_skip_question"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list:
        return play(dispatcher, tracker, "skip")


class ActionStopSession(Action):
    def name(self) -> str:
        return "action_stop_session"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list:
        return play(dispatcher, tracker, "stop")
