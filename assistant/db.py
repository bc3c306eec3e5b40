"""Database engine and sessions (SQLAlchemy 1.4 in its 2.0 style: future=True).

The SQLAlchemy Session is the unit of work: each service function owns one transaction.
"""

from __future__ import annotations

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool


def make_engine(url: str) -> Engine:
    """An engine for the record; SQLite gets WAL and a busy timeout for several processes."""
    if url.startswith("sqlite"):
        # Keep connections open (SQLAlchemy 1.4 opens and closes one per transaction on a
        # SQLite file): each close could checkpoint the WAL, each open re-ran the pragmas,
        # a third of the web app's time per turn under 30 tablets (docs/benchmarks.md).
        pool = {} if ":memory:" in url or url.rstrip("/") in ("sqlite:", "sqlite+pysqlite:") else \
            {"poolclass": QueuePool, "pool_size": 5, "max_overflow": 10}
        engine = create_engine(url, future=True, **pool,
                               connect_args={"timeout": 30, "check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, future=True, pool_pre_ping=True, pool_size=5, max_overflow=5)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def make_session_factory(engine: Engine) -> sessionmaker:
    """Sessions that keep loaded objects usable after commit (for building replies)."""
    return sessionmaker(bind=engine, future=True, expire_on_commit=False, class_=Session)
