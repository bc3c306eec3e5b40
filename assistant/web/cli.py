"""Flask CLI commands (`flask --app assistant ...`); each migrates the database first."""

from __future__ import annotations

import click
from flask import Flask, current_app

from assistant.demo import DEMO_LOGIN, load_demo_data
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
