"""Trust between the parts: the web app signs each message it sends to Rasa (the sender id,
the words and the metadata: input mode, provenance, confidence, the prompt answered), and
the action server records nothing whose signature does not check.

Rasa's REST webhook and the action server listen on 127.0.0.1 without a credential of their
own; with this, a local user who posts to either (even with a sender id read from the
database) cannot write into a pupil's record: they do not hold the secret, which lives in
the instance folder (0600) or the environment."""

from __future__ import annotations

import hashlib
import hmac
import json

SIGNATURE = "signature"


def _digest(secret: str, sender_id: str, text: str, metadata: dict) -> str:
    fields = {k: v for k, v in (metadata or {}).items() if k != SIGNATURE}
    body = json.dumps(
        {"sender": sender_id, "text": text, "metadata": fields},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
        default=str,
    )
    return hmac.new(secret.encode("utf-8"), body.encode("utf-8"), hashlib.sha256).hexdigest()


def signed(secret: str, sender_id: str, text: str, metadata: dict) -> dict:
    """The metadata with its signature added."""
    if not secret:
        raise RuntimeError("CHANNEL_SECRET is not set: run bin/run once, or set it in the environment.")
    return {**metadata, SIGNATURE: _digest(secret, sender_id, text, metadata)}


def verify(secret: str | None, sender_id: str, text: str, metadata: object) -> bool:
    """True only if the web app holding `secret` sent exactly these words and metadata."""
    if not secret or not isinstance(metadata, dict):
        return False
    given = metadata.get(SIGNATURE)
    if not isinstance(given, str):
        return False
    return hmac.compare_digest(given, _digest(secret, str(sender_id), text or "", metadata))
