"""Database engine and sessions (SQLAlchemy 2).

The SQLAlchemy Session is the unit of work: each service function owns one transaction.
"""

from __future__ import annotations

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker


def make_engine(url: str) -> Engine:
    """An engine for the record; SQLite gets WAL and a busy timeout for several processes."""
    if url.startswith("sqlite"):
        # SQLAlchemy 2 keeps a file's connections open in a pool (1.4 opened one per
        # transaction, a third of the web app's time per turn under load: docs/benchmarks.md).
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def make_session_factory(engine: Engine) -> sessionmaker:
    """Sessions that keep loaded objects usable after commit (for building replies)."""
    return sessionmaker(bind=engine, expire_on_commit=False, class_=Session)
