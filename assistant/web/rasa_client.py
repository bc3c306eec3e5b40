"""The web app's adapter to Rasa's REST channel (loopback or the servers' own network; the
tablet never sees Rasa).

With several Rasa servers (which share one tracker store and one lock store) each
conversation keeps to one of them, chosen from its sender id (rendezvous hashing: the same
server for the same conversation in every web app worker, and only the conversations of a
server that goes away move). A server that refuses the connection or drops it is skipped for
a few seconds and the message goes to the next one: the message is then taken once, since
the engine takes each of the tablet's message ids at most once."""

from __future__ import annotations

import hashlib
import logging
import threading
import time

import requests

from assistant.services.chat import AssistantUnavailable

__all__ = ["AssistantUnavailable", "RasaClient", "server_order"]
log = logging.getLogger(__name__)

# How long a server that did not answer is passed over before it is tried again.
SKIP_SECONDS = 10
CONNECT_TIMEOUT_SECONDS = 3

_down_until: dict[str, float] = {}
_down_lock = threading.Lock()


def server_order(base_urls: list[str], sender_id: str) -> list[str]:
    """The servers in the order this conversation tries them (stable for a sender id)."""
    return sorted(base_urls, key=lambda url: hashlib.sha256(f"{url}\n{sender_id}".encode()).digest(), reverse=True)


def _mark_down(url: str) -> None:
    with _down_lock:
        _down_until[url] = time.monotonic() + SKIP_SECONDS


def _is_down(url: str) -> bool:
    with _down_lock:
        return _down_until.get(url, 0) > time.monotonic()


class RasaClient:
    """Posts one message of one conversation and returns the bot's payloads."""

    def __init__(self, base_urls: str | list[str], timeout: float = 30):
        urls = [base_urls] if isinstance(base_urls, str) else list(base_urls)
        self.base_urls = [url.rstrip("/") for url in urls]
        self.timeout = timeout

    def candidates(self, sender_id: str) -> list[str]:
        """This conversation's servers, those not known to be down first."""
        ordered = server_order(self.base_urls, sender_id)
        return [u for u in ordered if not _is_down(u)] + [u for u in ordered if _is_down(u)]

    def send(self, sender_id: str, message: str, metadata: dict) -> list[dict]:
        """Send a message (text or /payload) and return the widget payloads of the reply."""
        replies = None
        for url in self.candidates(sender_id):
            try:
                response = requests.post(
                    f"{url}/webhooks/rest/webhook",
                    json={"sender": sender_id, "message": message, "metadata": metadata},
                    timeout=(CONNECT_TIMEOUT_SECONDS, self.timeout),
                )
            except requests.ConnectionError as exc:  # refused, dropped or no route: next one
                log.warning("Rasa at %s did not answer (%s); trying the next server", url, type(exc).__name__)
                _mark_down(url)
                continue
            except requests.RequestException as exc:  # too slow: it may still be working on it
                log.warning("Rasa did not answer: %s", type(exc).__name__)
                raise AssistantUnavailable("The assistant is not answering just now.") from exc
            try:
                response.raise_for_status()
                replies = response.json()
            except (requests.RequestException, ValueError) as exc:
                log.warning("Rasa did not answer: %s", type(exc).__name__)
                raise AssistantUnavailable("The assistant is not answering just now.") from exc
            break
        else:
            raise AssistantUnavailable("The assistant is not answering just now.")
        payloads = []
        for reply in replies if isinstance(replies, list) else []:
            if isinstance(reply.get("custom"), dict):
                payloads.append(reply["custom"])
            elif reply.get("text"):
                payloads.append(
                    {"text": reply["text"], "symbols": [], "board": "none", "cards": [], "step": None, "prompt": False}
                )
        return payloads
