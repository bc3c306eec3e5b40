"""Run the three parts under supervisord, which restarts a part that dies on its own.

    python -m scripts.supervise config           # write <instance>/supervisord.conf, print its path
    python -m scripts.supervise exec rasa        # become one part (supervisord runs this)
    python -m scripts.supervise status           # each part's state and process id

`bin/run` writes the configuration and starts `supervisord -n -c <instance>/supervisord.conf`.
supervisord listens only on a Unix socket in the instance folder (mode 0700), never on a
network port. Each program line is `python -m scripts.supervise exec NAME`, which reads the
settings and replaces itself with the part: no secret is written into the configuration or
goes through a shell, and the Rasa token is passed as one `--auth-token=TOKEN` argument, so a
token starting with "-" (or holding any other character) cannot be taken for an option.

The web app runs under gunicorn (gthread workers): its master restarts a worker that dies,
and supervisord restarts the master. `--reuse-port` lets a restarted master bind while the
workers of a killed one are still finishing.
"""

from __future__ import annotations

import argparse
import os
import sys
import xmlrpc.client
from pathlib import Path
from urllib.parse import urlsplit

from assistant.settings import PROJECT_ROOT, ensure_instance
from scripts.rasa_env import RASA_BIN

PARTS = ("rasa", "actions", "web")
BIN = Path(sys.executable).parent
LOOPBACK = "127.0.0.1"


def rasa_port(settings: dict) -> int:
    """This server's Rasa listens where the web app looks for it first (RASA_URL), on
    loopback only."""
    url = urlsplit(settings["RASA_URLS"][0])
    if url.hostname not in (LOOPBACK, "localhost"):
        raise SystemExit(f"RASA_URL must be on {LOOPBACK}: Rasa's REST channel takes no token.")
    return url.port or 80


def endpoints_path(settings: dict) -> Path:
    """One file per Rasa port, so several Rasa servers on one machine keep their own."""
    return Path(settings["INSTANCE_PATH"]) / f"endpoints-{rasa_port(settings)}.yml"


def prepare_part(name: str, settings: dict) -> dict[str, str]:
    """What a part needs before it starts; returns the environment it adds. Rasa: its
    tracker store's schema and role (on PostgreSQL) and its endpoints file, written from the
    settings (assistant/record/rasa_stores.py), and its pool and lock settings."""
    if name != "rasa":
        return {}
    from assistant.record.rasa_stores import prepare_tracker_store, rasa_environment, write_endpoints

    prepare_tracker_store(settings)
    write_endpoints(settings, endpoints_path(settings), f"http://{LOOPBACK}:{settings['ACTION_SERVER_PORT']}/webhook")
    return rasa_environment(settings)


def part_command(name: str, settings: dict, bin_dir: Path = BIN, rasa_bin: Path = RASA_BIN) -> list[str]:
    """The argument list that starts one part (no shell: each value is one argument). Rasa
    runs from its own Python 3.10 environment (rasa_bin), the others from this one (bin_dir)."""
    model = Path(settings["RASA_MODEL"])
    if name == "rasa":
        return [
            str(rasa_bin / "rasa"),
            "run",
            "-m",
            str(PROJECT_ROOT / model),
            "--endpoints",
            str(endpoints_path(settings)),
            "--credentials",
            str(PROJECT_ROOT / "credentials.yml"),
            "--enable-api",
            f"--auth-token={settings['RASA_TOKEN']}",
            "-i",
            LOOPBACK,
            "-p",
            str(rasa_port(settings)),
        ]
    if name == "actions":
        return [str(bin_dir / "python"), "-m", "actions", "--port", str(settings["ACTION_SERVER_PORT"])]
    if name == "web":
        return [
            str(bin_dir / "gunicorn"),
            "--worker-class",
            "gthread",
            "--workers",
            str(settings["WEB_WORKERS"]),
            "--threads",
            str(settings["WEB_THREADS"]),
            f"--bind={settings['WEB_HOST']}:{settings['WEB_PORT']}",
            "--reuse-port",
            # A turn waits on Rasa (RASA_TIMEOUT_SECONDS); a worker silent for longer is stuck.
            "--timeout",
            str(int(settings["RASA_TIMEOUT_SECONDS"]) + 30),
            "--graceful-timeout",
            "20",
            "--access-logfile",
            "-",
            "assistant:create_app()",
        ]
    raise SystemExit(f"No part called {name!r}: one of {', '.join(PARTS)}.")


def refuse_demo_on_a_network(settings: dict) -> None:
    """The demo accounts' one-time password was printed on the console: the web app may
    listen beyond loopback only once each demo account has chosen its own password (or been
    disabled)."""
    if settings["WEB_HOST"] in (LOOPBACK, "localhost", "::1"):
        return
    from assistant.record.database import make_engine, make_session_factory
    from assistant.services.demo import demo_password_still_set

    engine = make_engine(settings["DATABASE_URL"])
    try:
        with make_session_factory(engine)() as db:
            still_set = demo_password_still_set(db)
    finally:
        engine.dispose()
    if still_set:
        raise SystemExit(
            f"Not starting on {settings['WEB_HOST']}: a demo account still has the one-time "
            "password printed at set-up. Log in on this computer and change it (or disable the "
            "demo accounts), or serve on 127.0.0.1."
        )


def socket_path(settings: dict) -> Path:
    return Path(settings["INSTANCE_PATH"]) / "supervisor.sock"


def config_text(settings: dict) -> str:
    """supervisord's configuration for this instance folder (no secrets in it)."""
    instance = Path(settings["INSTANCE_PATH"])
    logs = instance / "logs"

    def quoted(path: Path) -> str:
        # supervisord expands %(name)s in values (some twice): no path may hold a "%".
        if "%" in str(path):
            raise SystemExit(f"supervisord cannot use a path with '%' in it: {path}")
        return str(path)

    lines = [
        "; Written by `python -m scripts.supervise config` (bin/run): do not edit, it is rewritten.",
        "[unix_http_server]",
        f"file={quoted(socket_path(settings))}",
        "chmod=0700",
        "",
        "[supervisord]",
        f"logfile={quoted(logs / 'supervisord.log')}",
        f"pidfile={quoted(instance / 'supervisord.pid')}",
        f"childlogdir={quoted(logs)}",
        "nodaemon=true",
        # The record, Rasa's conversation store, logs, photos and audio: this account only.
        "umask=077",
        "",
        "[rpcinterface:supervisor]",
        "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface",
        "",
        "[supervisorctl]",
        f"serverurl=unix://{quoted(socket_path(settings))}",
    ]
    for name in PARTS:
        lines += [
            "",
            f"[program:{name}]",
            f"command={quoted(BIN / 'python')} -m scripts.supervise exec {name}",
            f"directory={quoted(PROJECT_ROOT)}",
            "autostart=true",
            # Restart whenever it exits; a part that dies within 5 s of starting counts as a
            # failed start and is tried again with a growing pause (1 s, 2 s, ...), 30 times.
            "autorestart=true",
            "startsecs=5",
            "startretries=30",
            "stopasgroup=true",
            "killasgroup=true",
            "stopwaitsecs=30",
            "redirect_stderr=true",
            f"stdout_logfile={quoted(logs / (name + '.log'))}",
            "stdout_logfile_maxbytes=10MB",
            "stdout_logfile_backups=3",
        ]
    return "\n".join(lines) + "\n"


def write_config(settings: dict) -> Path:
    path = Path(settings["INSTANCE_PATH"]) / "supervisord.conf"
    (path.parent / "logs").mkdir(parents=True, exist_ok=True)
    path.write_text(config_text(settings), encoding="utf-8")
    return path


def process_info(settings: dict) -> dict[str, dict]:
    """Each part's state from supervisord (XML-RPC over its Unix socket): name -> info."""
    from supervisor.xmlrpc import SupervisorTransport

    transport = SupervisorTransport(None, None, f"unix://{socket_path(settings)}")
    try:
        proxy = xmlrpc.client.ServerProxy("http://127.0.0.1", transport=transport)
        return {info["name"]: info for info in proxy.supervisor.getAllProcessInfo()}
    finally:
        transport.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("config", help="write the supervisord configuration")
    run = sub.add_parser("exec", help="become one part")
    run.add_argument("part", choices=PARTS)
    sub.add_parser("status", help="each part's state")
    args = parser.parse_args(argv)
    settings = ensure_instance()
    if args.command == "config":
        refuse_demo_on_a_network(settings)
        print(write_config(settings))
    elif args.command == "exec":
        if args.part == "web":
            refuse_demo_on_a_network(settings)
        os.environ.update(prepare_part(args.part, settings))
        command = part_command(args.part, settings)
        os.execv(command[0], command)
    else:
        for info in process_info(settings).values():
            print(f"{info['name']:8} {info['statename']:9} pid {info['pid']}  {info['description']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
