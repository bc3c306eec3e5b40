"""Where Rasa keeps its conversations and locks, worked out from the settings (one place).

- The tracker store: SQLite in the instance folder by default; when DATABASE_URL is
  PostgreSQL, the same database in a schema of its own, reached by a role that may use that
  schema and nothing else (`prepare_tracker_store` makes both), with small pools.
- The lock store: Redis when REDIS_URL is set, so that several Rasa servers take one message
  of a conversation at a time, whichever server each message reaches. Without it Rasa keeps
  its locks in memory, which is right for one Rasa server only.

`python -m assistant.record.rasa_stores ENDPOINTS_FILE [--action-url URL]` writes the endpoints
file a Rasa server starts with; `--env` prints the environment it needs (pool sizes, lock
lifetime) as shell assignments. Nothing here imports Rasa.
"""

from __future__ import annotations

import argparse
import re
import shlex
from pathlib import Path

import yaml
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from assistant.settings import is_postgres, load_settings

LOCK_KEY_PREFIX = "pupilvoice"
# Rasa's Redis lock store, with each change of a conversation's lock atomic across servers.
ATOMIC_LOCK_STORE = "nlu_components.atomic_lock_store.AtomicRedisLockStore"
IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def tracker_store_config(settings: dict) -> dict:
    """The `tracker_store` section of Rasa's endpoints file."""
    url = make_url(settings["TRACKER_STORE_URL"])
    if url.get_backend_name() == "sqlite":
        return {"type": "SQL", "dialect": "sqlite", "db": url.database}
    config = {
        "type": "SQL",
        "dialect": "postgresql",
        "url": url.host or "127.0.0.1",
        "port": url.port or 5432,
        "db": url.database,
        "username": url.username,
    }
    if url.password:
        config["password"] = url.password
    if url.query:
        config["query"] = dict(url.query)
    return config


def lock_store_config(settings: dict) -> dict | None:
    """The `lock_store` section (Redis), or None when REDIS_URL is not set."""
    if not settings.get("REDIS_URL"):
        return None
    url = make_url(settings["REDIS_URL"])
    config = {
        "type": ATOMIC_LOCK_STORE,
        "url": url.host or "127.0.0.1",
        "port": url.port or 6379,
        "db": int(url.database or 0),
        "key_prefix": LOCK_KEY_PREFIX,
    }
    if url.password:
        config["password"] = url.password
    if url.drivername == "rediss":
        config["use_ssl"] = True
    return config


def rasa_endpoints(settings: dict, action_url: str) -> dict:
    """Rasa's endpoints: its action server, tracker store and (with Redis) lock store."""
    endpoints = {"action_endpoint": {"url": action_url}, "tracker_store": tracker_store_config(settings)}
    lock = lock_store_config(settings)
    if lock:
        endpoints["lock_store"] = lock
    return endpoints


def rasa_environment(settings: dict) -> dict[str, str]:
    """Environment variables a Rasa server reads for its stores: small SQL pools (Rasa's own
    defaults are 50 and 100 connections per server) and the lock's lifetime.

    A conversation's lock lives as long as the web app waits for a turn: a shorter one
    expires under a slow turn and lets the next message in beside it (its events then
    overwrite each other in the tracker store); a Rasa server killed holding one holds
    up that conversation no longer than a turn may take anyway."""
    return {
        "SQL_POOL_SIZE": str(settings["TRACKER_POOL_SIZE"]),
        "SQL_MAX_OVERFLOW": str(settings["TRACKER_MAX_OVERFLOW"]),
        "TICKET_LOCK_LIFETIME": str(int(settings["RASA_TIMEOUT_SECONDS"])),
    }


def write_endpoints(settings: dict, path: Path, action_url: str) -> Path:
    """Write Rasa's endpoints file (private: it may hold the tracker role's password)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    path.write_text(
        "# Written by assistant.record.rasa_stores from the settings; do not edit.\n"
        + yaml.safe_dump(rasa_endpoints(settings, action_url), sort_keys=False),
        encoding="utf-8",
    )
    return path


def prepare_tracker_store(settings: dict) -> bool:
    """On PostgreSQL, make the tracker's schema and its role (idempotent), as the record's
    owner (DATABASE_URL): the role logs in, owns its schema and has no right to the record's
    tables. Returns False (nothing to do) when the tracker store is not PostgreSQL."""
    tracker = make_url(settings["TRACKER_STORE_URL"])
    if not (is_postgres(settings["DATABASE_URL"]) and tracker.get_backend_name() == "postgresql"):
        return False
    schema, role = settings["TRACKER_SCHEMA"], tracker.username
    for name in (schema, role):
        if not isinstance(name, str) or not IDENTIFIER.match(name):
            raise ValueError(f"{name!r} is not a plain lower-case PostgreSQL name")
    engine = create_engine(settings["DATABASE_URL"])
    try:
        with engine.begin() as db:
            # Several servers may prepare at once: one at a time (a transaction-scoped lock).
            db.execute(text("SELECT pg_advisory_xact_lock(hashtext('pupil_voice_tracker'))"))
            exists = db.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).scalar()
            password = tracker.password
            if not exists:
                db.execute(text(f'CREATE ROLE "{role}" LOGIN NOINHERIT'))
            if password is not None:
                quoted = db.execute(text("SELECT quote_literal(:p)"), {"p": password}).scalar()
                db.execute(text(f'ALTER ROLE "{role}" LOGIN PASSWORD {quoted}'))
            # The record's owner may act for the role (to give it its schema, and to erase a
            # pupil's conversation events); the role may not act for the record's owner.
            db.execute(text(f'GRANT "{role}" TO CURRENT_USER'))
            db.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}" AUTHORIZATION "{role}"'))
            db.execute(text(f'ALTER SCHEMA "{schema}" OWNER TO "{role}"'))
            db.execute(text(f'ALTER ROLE "{role}" SET search_path = "{schema}"'))
            database = make_url(settings["DATABASE_URL"]).database
            db.execute(text(f'GRANT CONNECT ON DATABASE "{database}" TO "{role}"'))
    finally:
        engine.dispose()
    return True


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("endpoints", nargs="?", help="where to write Rasa's endpoints file")
    parser.add_argument(
        "--action-url", help="this Rasa server's action server (default: http://127.0.0.1:ACTION_SERVER_PORT/webhook)"
    )
    parser.add_argument("--env", action="store_true", help="print Rasa's store settings")
    parser.add_argument("--prepare", action="store_true", help="make the tracker's PostgreSQL schema and role")
    args = parser.parse_args(argv)
    settings = load_settings()
    if args.prepare:
        prepare_tracker_store(settings)
    if args.endpoints:
        action_url = args.action_url or f"http://127.0.0.1:{settings['ACTION_SERVER_PORT']}/webhook"
        write_endpoints(settings, Path(args.endpoints), action_url)
    if args.env:
        for key, value in rasa_environment(settings).items():
            print(f"export {key}={shlex.quote(value)}")


if __name__ == "__main__":
    main()
