"""The web app's adapter to Rasa's REST channel (loopback only; the tablet never sees Rasa)."""

from __future__ import annotations

import logging

import requests

log = logging.getLogger(__name__)


class AssistantUnavailable(Exception):
    """Rasa did not answer (down, starting up, or too slow)."""


class RasaClient:
    """Posts one message of one conversation and returns the bot's payloads."""

    def __init__(self, base_url: str, timeout: float = 30):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def send(self, sender_id: str, message: str, metadata: dict) -> list[dict]:
        """Send a message (text or /payload) and return the widget payloads of the reply."""
        try:
            response = requests.post(f"{self.base_url}/webhooks/rest/webhook",
                                     json={"sender": sender_id, "message": message,
                                           "metadata": metadata},
                                     timeout=self.timeout)
            response.raise_for_status()
            replies = response.json()
        except (requests.RequestException, ValueError) as exc:
            log.warning("Rasa did not answer: %s", type(exc).__name__)
            raise AssistantUnavailable("The assistant is not answering just now.") from exc
        payloads = []
        for reply in replies if isinstance(replies, list) else []:
            if isinstance(reply.get("custom"), dict):
                payloads.append(reply["custom"])
            elif reply.get("text"):
                payloads.append({"text": reply["text"], "symbols": [], "board": "none",
                                 "cards": [], "step": None, "prompt": False})
        return payloads
