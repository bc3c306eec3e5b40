"""One database session per request, closed (and rolled back if unfinished) at teardown."""

from __future__ import annotations

from flask import Flask, current_app, g
from sqlalchemy.orm import Session


def get_db() -> Session:
    """The request's database session."""
    if "db" not in g:
        g.db = current_app.extensions["pupil_voice.sessions"]()
    return g.db


def close_db(_exc: BaseException | None = None) -> None:
    db = g.pop("db", None)
    if db is not None:
        db.rollback()
        db.close()


def init_app(app: Flask) -> None:
    app.teardown_appcontext(close_db)
