"""Flask CLI commands (`flask --app assistant ...`); each migrates the database first."""

from __future__ import annotations

import click
from flask import Flask, current_app

from pathlib import Path

from assistant.demo import DEMO_LOGIN, load_demo_data
from assistant.errors import DomainError
from assistant.erasure import erase_pupil
from assistant.models import Pupil
from assistant.pupils import import_pupils
from assistant.uploads import read_pupils_csv
from assistant.migrate import upgrade
from assistant.staff import create_staff
from assistant.web.store import get_db


def _migrate() -> None:
    upgrade(current_app.config["DATABASE_URL"])


def init_app(app: Flask) -> None:
    @app.cli.command("migrate")
    def migrate_command():
        """Bring the database up to date."""
        _migrate()
        click.echo("Database is up to date.")

    @app.cli.command("demo-data")
    def demo_data_command():
        """Load demo staff, pupils and an encounter into an empty database."""
        _migrate()
        if load_demo_data(get_db()):
            click.echo(f"Demo data loaded. Staff login: {DEMO_LOGIN[0]} / {DEMO_LOGIN[1]}")
        else:
            click.echo("The database already has staff; demo data not loaded.")

    @app.cli.command("create-admin")
    @click.option("--email", prompt=True)
    @click.option("--name", prompt=True)
    @click.password_option()
    def create_admin_command(email: str, name: str, password: str):
        """Create an administrator account."""
        _migrate()
        create_staff(get_db(), email, name, "admin", password)
        click.echo(f"Administrator {email} created.")

    @app.cli.command("import-pupils")
    @click.argument("csv_file", type=click.Path(exists=True, dir_okay=False))
    def import_pupils_command(csv_file: str):
        """Add or update pupils from a CSV file (reference, given_name, family_name, year_group, group)."""
        _migrate()
        try:
            result = import_pupils(get_db(), read_pupils_csv(Path(csv_file).read_bytes()))
        except DomainError as error:
            raise click.ClickException(error.message)
        click.echo(f"{result['created']} pupils added, {result['updated']} updated.")

    @app.cli.command("erase-pupil")
    @click.argument("pupil_id", type=int)
    def erase_pupil_command(pupil_id: int):
        """Erase one pupil entirely: record, conversation events, cached audio."""
        _migrate()
        db = get_db()
        if db.get(Pupil, pupil_id) is None:
            raise click.ClickException(f"No pupil with id {pupil_id}.")
        counts = erase_pupil(db, _cli_staff(), pupil_id, current_app.config["TRACKER_STORE_URL"],
                             Path(current_app.config["INSTANCE_PATH"]) / "speech_cache")
        click.echo(f"Erased pupil {pupil_id}: {counts['entries']} entries, {counts['sessions']} sessions, "
                   f"{counts['tracker_events']} conversation events.")


def _cli_staff():
    """Commands run with the server's own authority: a stand-in administrator (not stored)."""
    from assistant.models import Staff

    return Staff(id=None, role="admin", display_name="command line", email="", password_hash="")
