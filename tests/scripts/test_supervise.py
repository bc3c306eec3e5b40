"""The supervisord configuration bin/run writes, and the command of each part: generated
secrets never start with "-", and any token (even one that does) reaches Rasa as the token."""

from __future__ import annotations

import json
import os
import secrets
import subprocess

import pytest

from assistant import settings as settings_module
from assistant.settings import ensure_instance, generate_secret, load_settings
from scripts.rasa_env import RASA_BIN
from scripts.supervise import PARTS, config_text, part_command, rasa_port, write_config

AWKWARD = "-a%b c'd\"e$(f)"  # an option's dash, supervisord's %, a shell's quotes and $( )


def test_a_generated_secret_never_starts_with_a_dash(monkeypatch):
    drawn = iter(["-starts-with-a-dash", "_underscore", "Fine-token_1"])
    monkeypatch.setattr(secrets, "token_urlsafe", lambda n: next(drawn))
    assert generate_secret() == "Fine-token_1"


def test_instance_secrets_are_generated_without_a_leading_dash(tmp_path, monkeypatch):
    for key in settings_module.GENERATED_SECRETS:
        monkeypatch.delenv(key, raising=False)
    drawn = iter(token for i in range(len(settings_module.GENERATED_SECRETS)) for token in ("-dash", f"Good{i}"))
    monkeypatch.setattr(settings_module.secrets, "token_urlsafe", lambda n: next(drawn))
    values = ensure_instance(tmp_path)
    assert [values[key] for key in settings_module.GENERATED_SECRETS] == [
        f"Good{i}" for i in range(len(settings_module.GENERATED_SECRETS))
    ]


def test_rasa_takes_any_token_as_one_argument(tmp_path):
    """Rasa's own argument parser (in its Python 3.10 environment) reads the token back,
    whatever it starts with."""
    settings = load_settings(tmp_path, overrides={"RASA_TOKEN": AWKWARD})
    command = part_command("rasa", settings)
    assert command[0] == str(RASA_BIN / "rasa")  # Rasa's own environment, not this one
    parse = (
        "import json, sys; from rasa.__main__ import create_argument_parser; "
        "a = create_argument_parser().parse_args(sys.argv[1:]); "
        "print(json.dumps([a.auth_token, a.interface, a.port]))"
    )
    result = subprocess.run(
        [str(RASA_BIN / "python"), "-c", parse, *command[1:]],
        capture_output=True,
        text=True,
        timeout=300,
        env=dict(os.environ, RASA_TELEMETRY_ENABLED="false", TF_CPP_MIN_LOG_LEVEL="2", PYTHONWARNINGS="ignore"),
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert json.loads(result.stdout.splitlines()[-1]) == [AWKWARD, "127.0.0.1", 5005]


def test_rasa_listens_on_loopback_only(tmp_path):
    settings = load_settings(tmp_path, overrides={"RASA_URL": "http://10.0.0.5:5005"})
    with pytest.raises(SystemExit, match="127.0.0.1"):
        rasa_port(settings)


def test_the_web_app_runs_under_gunicorn_with_workers_that_are_restarted(tmp_path):
    settings = load_settings(tmp_path, overrides={"WEB_PORT": 8123, "WEB_WORKERS": 3})
    command = part_command("web", settings)
    assert command[0].endswith("gunicorn")
    assert command[command.index("--worker-class") + 1] == "gthread"
    assert command[command.index("--workers") + 1] == "3"
    assert "--bind=127.0.0.1:8123" in command
    assert command[-1] == "assistant:create_app()"


def test_supervisord_reads_the_configuration_as_meant(tmp_path, monkeypatch):
    """supervisord's own option parser: each part restarted on exit, stopped as a group, no
    network listener (only a private Unix socket), and no secret in the file."""
    from supervisor.datatypes import RestartUnconditionally
    from supervisor.options import ServerOptions

    instance = tmp_path / "instance"
    monkeypatch.setenv("RASA_TOKEN", AWKWARD)
    settings = ensure_instance(instance)
    conf = write_config(settings)
    text = conf.read_text()
    assert AWKWARD not in text and settings["SECRET_KEY"] not in text
    assert "inet_http_server" not in text
    options = ServerOptions()
    options.realize(["-c", str(conf)])
    assert options.nodaemon
    assert options.server_configs[0]["file"] == str(instance / "supervisor.sock")
    assert options.server_configs[0]["chmod"] == 0o700
    assert options.server_configs[0]["family"] == 1  # AF_UNIX
    programs = {group.name: group.process_configs[0] for group in options.process_group_configs}
    assert set(programs) == set(PARTS)
    for name, program in programs.items():
        assert program.command.endswith(f"-m scripts.supervise exec {name}")
        assert program.autorestart is RestartUnconditionally  # whatever the exit code
        assert program.stopasgroup and program.killasgroup
        assert program.stdout_logfile == str(instance / "logs" / f"{name}.log")


def test_a_path_supervisord_would_misread_is_refused(tmp_path):
    settings = load_settings(tmp_path / "odd%(dir)s")
    with pytest.raises(SystemExit, match="%"):
        config_text(settings)


def test_the_configuration_has_no_secret_even_in_its_text(tmp_path):
    settings = load_settings(tmp_path, overrides={"RASA_TOKEN": "-secret-token"})
    assert "-secret-token" not in config_text(settings)


def test_the_demo_accounts_never_reach_a_network(tmp_path):
    """With a demo account's printed one-time password still set, the web app refuses to
    listen beyond loopback; once each has chosen its own password, it may."""
    from assistant.record.database import make_engine, make_session_factory
    from assistant.record.migrate import upgrade
    from assistant.services.accounts import authenticate, change_password
    from assistant.services.demo import DEMO_ADMIN, DEMO_ADVOCATE, DEMO_LOGIN, load_demo_data
    from scripts.supervise import refuse_demo_on_a_network

    url = f"sqlite:///{tmp_path / 'record.db'}"
    upgrade(url)
    engine = make_engine(url)
    with make_session_factory(engine)() as db:
        password = load_demo_data(db)
    on_network = load_settings(tmp_path, overrides={"DATABASE_URL": url, "WEB_HOST": "0.0.0.0"})
    with pytest.raises(SystemExit, match="one-time password"):
        refuse_demo_on_a_network(on_network)
    refuse_demo_on_a_network(load_settings(tmp_path, overrides={"DATABASE_URL": url}))  # loopback
    with make_session_factory(engine)() as db:
        for email in (DEMO_ADMIN, DEMO_LOGIN, DEMO_ADVOCATE):
            change_password(db, authenticate(db, email, password), password, f"{email} own words 2026")
    engine.dispose()
    refuse_demo_on_a_network(on_network)
