"""Symbol pictures for the widget, and the credits page of the symbol sets in use.

GET /symbols/<set>/<symbol id>  the picture (the default set fills any gap in a school set)
GET /symbols/about              each set's title, version, licence and attribution
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, send_file
from markupsafe import Markup, escape

from symbols.sets import INSTANCE_SUBDIR, SymbolSets, media_type

bp = Blueprint("symbols", __name__, url_prefix="/symbols")

CACHE_SECONDS = 7 * 24 * 3600  # pictures rarely change; ETags catch it when they do
# A picture is never a page: SVG scripts and outside fetches stay off even if opened directly.
IMAGE_HEADERS = {"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
                 "X-Content-Type-Options": "nosniff"}


def symbol_sets() -> SymbolSets:
    """The default set plus the school's sets in <INSTANCE_PATH>/symbol_sets."""
    return SymbolSets(Path(current_app.config["INSTANCE_PATH"]) / INSTANCE_SUBDIR)


@bp.get("/<set_name>/<symbol_id>")
def picture(set_name: str, symbol_id: str):
    """The picture of one symbol; 404 for an id no set has."""
    found = symbol_sets().resolve(set_name, symbol_id)
    if found is None:
        abort(404)
    actual_set, path = found
    response = send_file(path, mimetype=media_type(path), max_age=CACHE_SECONDS, conditional=True)
    response.headers.update(IMAGE_HEADERS)
    response.headers["X-Symbol-Set"] = actual_set
    return response


@bp.get("/about")
def about():
    """A plain, accessible page crediting every symbol set with its licence."""
    sets = symbol_sets()
    sections = "".join(_section(sets.info(name)) for name in sets.names())
    page = ("<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            "<title>Symbols and their licences</title></head><body><main>"
            "<h1>Symbols and their licences</h1>"
            f"{sections}<p><a href='/'>Back to the start</a></p></main></body></html>")
    return page, 200, {"Content-Type": "text/html; charset=utf-8"}


def _section(info: dict) -> str:
    rows = [("Set", info["name"]), ("Version", info["version"] or "Not stated"),
            ("Licence", _link(info["licence"], info["licence_url"])),
            ("Attribution", escape(info["attribution"] or "Not stated"))]
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
