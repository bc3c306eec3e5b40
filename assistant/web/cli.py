"""Flask CLI commands (`flask --app assistant ...`); each migrates the database first."""

from __future__ import annotations

import functools
from pathlib import Path

import click
from flask import Flask, current_app

from assistant.errors import DomainError
from assistant.record.migrate import upgrade
from assistant.services.accounts import (
    create_staff,
    generated_password,
    reset_password_as_server,
    set_password_as_server,
)
from assistant.services.backup import backup, restore
from assistant.services.demo import DEMO_ADMIN, DEMO_ADVOCATE, DEMO_LOGIN, load_demo_data
from assistant.services.erasure import erase_pupil_as_server
from assistant.services.pupils import import_pupils_file
from assistant.services.retention import apply_retention
from assistant.services.school_exit import erase_school, export_school
from assistant.services.schools import create_school, school_named, upgrade_symbol_sets
from assistant.services.trust import add_school_to_trust, create_trust, create_trust_account, trust_named
from assistant.settings import secure_instance
from assistant.web.store import get_db

SCHOOL_HELP = "The school's name (not needed while the server has only one school)."


def _migrate() -> None:
    upgrade(current_app.config["DATABASE_URL"])
    upgrade_symbol_sets(get_db(), Path(current_app.config["INSTANCE_PATH"]))
    secure_instance(Path(current_app.config["INSTANCE_PATH"]))  # the record file too: 0600


def app_command(app: Flask, name: str, migrate_first: bool = True):
    """Register an app command: it brings the database up to date first, and a domain error
    (a name not found, a password too weak, a file it cannot write) ends it with that
    error's message and exit code 1, never a traceback."""

    def register(body):
        @functools.wraps(body)
        def run(*args, **kwargs):
            if migrate_first:
                _migrate()
            try:
                return body(*args, **kwargs)
            except DomainError as error:
                raise click.ClickException(error.message) from error

        return app.cli.command(name)(run)

    return register


def init_app(app: Flask) -> None:
    command = functools.partial(app_command, app)

    @command("migrate")
    def migrate_command():
        """Bring the database up to date."""
        click.echo("Database is up to date.")

    @command("demo-data")
    def demo_data_command():
        """Load demo staff, pupils and an encounter into an empty database."""
        password = load_demo_data(get_db())
        if password:
            click.echo(
                f"Demo data loaded. Staff logins {DEMO_LOGIN} (careers lead), {DEMO_ADMIN} "
                f"(administrator) and {DEMO_ADVOCATE} (advocate), each with the one-time "
                f"password {password} (shown only now; each account chooses its own at first login)."
            )
        else:
            click.echo(
                "The database already has staff; demo data not loaded. Forgotten a password? "
                "flask --app assistant reset-password EMAIL"
            )

    @command("create-school")
    @click.argument("name")
    def create_school_command(name: str):
        """Add a school to this server (then give it an administrator: create-admin --school)."""
        school = create_school(get_db(), name)
        click.echo(
            f"School {school.name!r} created. Give it an administrator: "
            f"flask --app assistant create-admin --school {school.name!r}"
        )

    @command("create-admin")
    @click.option("--email", prompt=True)
    @click.option("--name", prompt=True)
    @click.option("--school", default=None, help=SCHOOL_HELP)
    @click.password_option()
    def create_admin_command(email: str, name: str, school: str | None, password: str):
        """Create an administrator account for a school."""
        create_staff(get_db(), email, name, "admin", password, school_id=school_named(get_db(), school).id)
        click.echo(f"Administrator {email} created.")

    @command("create-trust")
    @click.argument("name")
    def create_trust_command(name: str):
        """Add a trust (or local authority): its accounts see figures across its schools."""
        trust = create_trust(get_db(), name)
        click.echo(
            f"Trust {trust.name!r} created. Add its schools: flask --app assistant "
            f"add-school-to-trust SCHOOL --trust {trust.name!r}"
        )

    @command("add-school-to-trust")
    @click.argument("school")
    @click.option("--trust", "trust_name", required=True, help="The trust's name.")
    def add_school_to_trust_command(school: str, trust_name: str):
        """Put a school in a trust (its figures then show on the trust's overview)."""
        db = get_db()
        done = add_school_to_trust(db, school_named(db, school), trust_named(db, trust_name))
        click.echo(f"{done.name!r} is in the trust {trust_name!r}.")

    @command("create-trust-account")
    @click.argument("email")
    @click.option("--trust", "trust_name", required=True, help="The trust's name.")
    @click.option("--name", prompt=True, help="The person's name.")
    @click.option(
        "--one-time", is_flag=True, help="Print a one-time password (changed at first login) instead of asking for one."
    )
    @click.password_option(prompt_required=False)
    def create_trust_account_command(email: str, trust_name: str, name: str, one_time: bool, password: str | None):
        """Create an account for a trust: figures across its schools, no pupil's record."""
        db = get_db()
        if not one_time and not password:
            password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        chosen = generated_password() if one_time else password
        create_trust_account(db, email, name, trust_named(db, trust_name), chosen, must_change_password=one_time)
        click.echo(
            f"Trust account {email.strip().lower()} created."
            + (f" One-time password: {chosen} (it must be changed at the first login)" if one_time else "")
        )

    @command("reset-password")
    @click.argument("email")
    def reset_password_command(email: str):
        """Give an account a one-time password (printed once) and end its sessions."""
        person, password = reset_password_as_server(get_db(), email)
        click.echo(f"One-time password for {person.email}: {password} (it must be changed at the next login)")

    @command("set-password")
    @click.argument("email")
    @click.password_option(prompt="New password")
    def set_password_command(email: str, password: str):
        """Choose an account's password here (it passes the same policy as at login, and the
        account need not change it): for the person who runs the server, e.g. to give a
        scoring script a login."""
        person = set_password_as_server(get_db(), email, password)
        click.echo(f"New password set for {person.email}.")

    @command("import-pupils")
    @click.argument("csv_file", type=click.Path(exists=True, dir_okay=False))
    @click.option("--school", default=None, help=SCHOOL_HELP)
    def import_pupils_command(csv_file: str, school: str | None):
        """Add or update a school's pupils from a CSV file (reference, given_name, family_name, year_group, group)."""
        school_id = school_named(get_db(), school).id
        result = import_pupils_file(get_db(), Path(csv_file).read_bytes(), school_id=school_id)
        click.echo(f"{result['created']} pupils added, {result['updated']} updated.")

    @command("backup")
    @click.option(
        "--out",
        "out_dir",
        default="backups",
        show_default=True,
        type=click.Path(file_okay=False),
        help="Folder to put the backup folder in.",
    )
    def backup_command(out_dir: str):
        """Back up the record, Rasa's conversation store and the instance settings."""
        get_db().close()
        try:
            target = backup(dict(current_app.config), Path(out_dir))
        except Exception as error:  # pg_dump missing or refused: say so plainly
            raise click.ClickException(f"The backup failed: {error}") from error
        click.echo(f"Backup written to {target} (readable only by this account; keep it safe).")

    @command("restore", migrate_first=False)
    @click.argument("backup_dir", type=click.Path(exists=True, file_okay=False))
    @click.option("--yes", is_flag=True, help="Replace the current record without asking.")
    def restore_command(backup_dir: str, yes: bool):
        """Replace the record, conversation store and instance files with a backup (stop the app first)."""
        if not yes:
            click.confirm("This replaces everything the app holds now with the backup. Go on?", abort=True)
        manifest = restore(dict(current_app.config), Path(backup_dir))
        _migrate()
        click.echo(f"Restored the backup made {manifest['made']}.")

    @command("retention")
    @click.option(
        "--days",
        type=int,
        default=None,
        help="Keep this many days in every school (default: each school's own period, else RETENTION_DAYS).",
    )
    def retention_command(days: int | None):
        """Remove conversation events, stored replies, drafts and cached speech older than each school's period."""
        if days is not None and days < 1:
            raise click.ClickException("Give --days of at least 1.")
        counts = apply_retention(
            get_db(),
            days,
            current_app.config["TRACKER_STORE_URL"],
            Path(current_app.config["INSTANCE_PATH"]) / "speech_cache",
            server=current_app.config,
        )
        click.echo(
            f"Removed {counts['conversation_events']} conversation events, "
            f"{counts['stored_replies']} stored replies, {counts['drafts']} drafts, "
            f"{counts['speech_files']} speech files."
        )

    @command("erase-pupil")
    @click.argument("pupil_id", type=int)
    def erase_pupil_command(pupil_id: int):
        """Erase one pupil entirely: record, conversation events, cached audio."""
        counts = erase_pupil_as_server(
            get_db(),
            pupil_id,
            current_app.config["TRACKER_STORE_URL"],
            Path(current_app.config["INSTANCE_PATH"]) / "speech_cache",
        )
        click.echo(
            f"Erased pupil {pupil_id}: {counts['entries']} entries, {counts['sessions']} sessions, "
            f"{counts['tracker_events']} conversation events."
        )

    @command("export-school")
    @click.argument("name")
    @click.option(
        "--out",
        "out_file",
        required=True,
        type=click.Path(dir_okay=False),
        help="The zip file to write (readable only by this account).",
    )
    def export_school_command(name: str, out_file: str):
        """Write a school's whole record to one zip (a JSON file per table, photos, README.txt)."""
        school_id = school_named(get_db(), name).id
        size = export_school(get_db(), school_id, Path(out_file), Path(current_app.config["INSTANCE_PATH"]))
        click.echo(f"The record of {name!r} is in {out_file} ({size} bytes; keep it as safely as the server).")

    @command("erase-school")
    @click.argument("name")
    @click.option("--confirm", required=True, help="The school's name again.")
    @click.option("--without-export", is_flag=True, help="Erase even though it was never exported.")
    def erase_school_command(name: str, confirm: str, without_export: bool):
        """Erase a school entirely: every row, conversation events, voice features, photos, caches."""
        if confirm.strip().casefold() != name.strip().casefold():
            raise click.ClickException("--confirm must repeat the school's name.")
        config = current_app.config
        school = school_named(get_db(), name)
        counts = erase_school(
            get_db(),
            school.id,
            tracker_store_url=config["TRACKER_STORE_URL"],
            instance=Path(config["INSTANCE_PATH"]),
            redis_url=config.get("REDIS_URL") or None,
            without_export=without_export,
        )
        click.echo(
            f"Erased {name!r}: {counts['pupils']} pupils, {counts['staff']} staff, "
            f"{counts['entries']} entries, {counts['tracker_events']} conversation events."
        )
