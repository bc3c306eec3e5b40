"""Symbol pictures for the widget, and the credits page of the symbol sets in use.

GET /symbols/<set>/<symbol id>              the picture (the default set fills any gap in a
                                            school set); a school's own set for its staff only
GET /symbols/for/<key>/<set>/<symbol id>    the same for a tablet: <key> is signed for the
                                            session's school (a picture tag sends no token)
GET /symbols/about, /symbols/for/<key>/about  each set's title, version, licence and attribution

The default set (OpenMoji) is everyone's; a school's own sets, in
<INSTANCE_PATH>/symbol_sets/<school id>/, reach only that school's staff and tablets: any
other asker gets 404, as for a set that does not exist.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, send_file
from itsdangerous import BadSignature, URLSafeTimedSerializer
from markupsafe import Markup, escape

from assistant.web.auth import current_staff
from symbols.sets import DEFAULT_SET, INSTANCE_SUBDIR, SymbolSets, media_type

bp = Blueprint("symbols", __name__, url_prefix="/symbols")

CACHE_SECONDS = 7 * 24 * 3600  # pictures rarely change; ETags catch it when they do
# A picture is never a page: SVG scripts and outside fetches stay off even if opened directly.
IMAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
    "X-Content-Type-Options": "nosniff",
}
KEY_SALT = "pupil-voice.symbol-sets"


def sets_root() -> Path:
    """The folder of every school's symbol sets (<INSTANCE_PATH>/symbol_sets): the web app
    passes it to the core, which picks the pupil's school's sets from it."""
    return Path(current_app.config["INSTANCE_PATH"]) / INSTANCE_SUBDIR


def symbol_sets(school_id: int | None) -> SymbolSets:
    """The default set plus one school's own sets (none for no school)."""
    return SymbolSets.for_school(sets_root(), school_id)


def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=KEY_SALT)


def school_key(school_id: int) -> str:
    """A key naming a school's sets in a tablet's picture addresses (signed, so a tablet
    cannot name another school's; it lapses with the tablet's session)."""
    return _signer().dumps(school_id)


def symbol_base(school_id: int, set_name: str) -> str:
    """Where a tablet of this school finds the pictures of `set_name` (add "/<symbol id>")."""
    if set_name == DEFAULT_SET:
        return f"/symbols/{DEFAULT_SET}"
    return f"/symbols/for/{school_key(school_id)}/{set_name}"


def symbol_credits(school_id: int) -> str:
    """The credits page a tablet of this school links to (its school's sets too)."""
    return f"/symbols/for/{school_key(school_id)}/about"


def _school_of_key(key: str) -> int | None:
    hours = int(current_app.config["TABLET_TOKEN_HOURS"]) + 1
    try:
        school_id = _signer().loads(key, max_age=hours * 3600)
    except BadSignature:  # also an expired key
        return None
    return school_id if isinstance(school_id, int) else None


def _staff_school() -> int | None:
    staff = current_staff()
    return staff.school_id if staff is not None else None


def _send(school_id: int | None, set_name: str, symbol_id: str):
    sets = symbol_sets(school_id)
    if set_name not in sets.names():  # another school's set is as unknown as a missing one
        abort(404)
    found = sets.resolve(set_name, symbol_id)
    if found is None:
        abort(404)
    actual_set, path = found
    response = send_file(path, mimetype=media_type(path), max_age=CACHE_SECONDS, conditional=True)
    response.headers.update(IMAGE_HEADERS)
    response.headers["X-Symbol-Set"] = actual_set
    if set_name != DEFAULT_SET:  # a school's licensed pictures: never in a shared cache
        response.cache_control.public = False
        response.cache_control.private = True
    return response


@bp.get("/<set_name>/<symbol_id>")
def picture(set_name: str, symbol_id: str):
    """The picture of one symbol; 404 for an id no set has, or a set not of the asker's school."""
    return _send(None if set_name == DEFAULT_SET else _staff_school(), set_name, symbol_id)


@bp.get("/for/<key>/<set_name>/<symbol_id>")
def school_picture(key: str, set_name: str, symbol_id: str):
    """A tablet's picture: the key names the session's school (the default set needs none)."""
    return _send(_school_of_key(key), set_name, symbol_id)


@bp.get("/about")
def about():
    """A plain, accessible page crediting every symbol set (of the asker's school) with its licence."""
    return _about(symbol_sets(_staff_school()))


@bp.get("/for/<key>/about")
def school_about(key: str):
    """The credits page for a tablet of the key's school."""
    return _about(symbol_sets(_school_of_key(key)))


def _about(sets: SymbolSets):
    sections = "".join(_section(sets.info(name)) for name in sets.names())
    page = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        "<title>Symbols and their licences</title></head><body><main>"
        "<h1>Symbols and their licences</h1>"
        f"{sections}<p><a href='/'>Back to the start</a></p></main></body></html>"
    )
    return page, 200, {"Content-Type": "text/html; charset=utf-8"}


def _section(info: dict) -> str:
    rows = [
        ("Set", info["name"]),
        ("Version", info["version"] or "Not stated"),
        ("Licence", _link(info["licence"], info["licence_url"])),
        ("Attribution", escape(info["attribution"] or "Not stated")),
    ]
    if info["url"]:
        rows.append(("Website", _link(info["url"], info["url"])))
    if info["source"]:
        rows.append(("Source", escape(info["source"])))
    if info["changes"]:
        rows.append(("Changes", escape(info["changes"])))
    items = "".join(f"<dt>{escape(term)}</dt><dd>{escape(value)}</dd>" for term, value in rows)
    return f"<section><h2>{escape(info['title'])}</h2><dl>{items}</dl></section>"


def _link(text: str, url: str):
    """A link only for web addresses; anything else is shown as plain text."""
    if url.startswith(("https://", "http://")):
        return Markup(f"<a href='{escape(url)}'>{escape(text)}</a>")
    return escape(text)
