"""What one request may hold: the body size per route, JSON nesting, and ids in paths.

Every byte from a tablet or a browser may be malformed; these limits turn the cases that
would reach a parser or the database with absurd values into a clear 4xx first.
"""

from __future__ import annotations

import json

from flask import Flask, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.routing import IntegerConverter

from assistant.models import MAX_ID
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
}
class ShallowJSONProvider(DefaultJSONProvider):
    """Flask's JSON, where a body nested too deeply for the parser is a ValueError (which
    Flask answers with 400), not a RecursionError (a 500)."""

    def loads(self, s, **kwargs):
        try:
            return json.loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None


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
