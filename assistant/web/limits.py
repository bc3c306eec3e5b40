"""What one request may hold: the body size per route, JSON nesting, and ids in paths.

Every byte from a tablet or a browser may be malformed; these limits turn the cases that
would reach a parser or the database with absurd values into a clear 4xx first.
"""

from __future__ import annotations

import json

from flask import Flask, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.routing import IntegerConverter

from assistant.record.models import MAX_ID
from assistant.speech.audio import MAX_BYTES as MAX_AUDIO_BYTES
from assistant.uploads import MAX_FILE_BYTES

# JSON bodies and plain forms: a typed answer is at most a few KB.
MAX_BODY_BYTES = 64 * 1024
# A file upload also carries the form's other fields and the multipart boundaries.
MAX_FORM_OVERHEAD = 64 * 1024
BODY_LIMITS = {
    "staff.import_csv": MAX_FILE_BYTES + MAX_FORM_OVERHEAD,
    "staff.new_encounter": MAX_FILE_BYTES + MAX_FORM_OVERHEAD,
    "listen.chat_listen": MAX_AUDIO_BYTES,
    "voice.clip": MAX_AUDIO_BYTES,
}


class ShallowJSONProvider(DefaultJSONProvider):
    """Flask's JSON, where a body nested too deeply for the parser, or holding a string that
    is not Unicode text (a lone surrogate such as "\\ud800", which no database or file takes),
    is a ValueError (which Flask answers with 400), never a 500 further on."""

    def loads(self, s, **kwargs):
        try:
            value = json.loads(s, **kwargs)
            _check_text(value)
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None
        return value


def _check_text(value) -> None:
    if isinstance(value, str):
        value.encode("utf-8")  # UnicodeEncodeError (a ValueError) for a lone surrogate
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_text(key)
            _check_text(item)
    elif isinstance(value, list):
        for item in value:
            _check_text(item)


class IdConverter(IntegerConverter):
    """`<int:...>` in routes: at most MAX_ID, so a 30-digit id is a 404, not a database error."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def init_app(app: Flask) -> None:
    """Install the limits: deep JSON, ids in paths, and each route's body size."""
    app.json = ShallowJSONProvider(app)
    app.url_map.converters["int"] = IdConverter
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES

    @app.before_request
    def body_limit():
        limit = BODY_LIMITS.get(request.endpoint or "")
        if limit is not None:
            request.max_content_length = limit
