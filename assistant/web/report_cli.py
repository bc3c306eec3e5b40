"""Report commands for `flask --app assistant ...`; each migrates the database first.

    list-pupils                      one line per pupil: id<TAB>name
    review-summary PUPIL_ID --format pdf|docx|html --out FILE [--from D --to D] [--for-pupil]
    gatsby-csv --out FILE [--group NAME] [--year YEAR]

Errors (unknown pupil, no pupils in a group, bad dates, unwritable file) print one line
and exit with code 1, never a traceback. Every export is written to the audit log.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import click
from flask import Flask, current_app
from sqlalchemy import select

from assistant.errors import DomainError
from assistant.record.migrate import upgrade
from assistant.record.models import Pupil
from assistant.reports import (
    coverage,
    coverage_csv,
    render_pupil_html,
    render_pupil_pdf,
    render_summary_docx,
    render_summary_html,
    render_summary_pdf,
    review_summary,
)
from assistant.services import audit
from assistant.services.schools import school_named
from assistant.web.cli import SCHOOL_HELP
from assistant.web.store import get_db
from assistant.web.symbols import sets_root

_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
DATE = click.DateTime(formats=["%Y-%m-%d"])


def _migrate() -> None:
    upgrade(current_app.config["DATABASE_URL"])


def _write(out: str, data: bytes) -> None:
    try:
        Path(out).write_bytes(data)
    except OSError as exc:
        raise click.ClickException(f"Cannot write {out}: {exc.strerror or exc}.") from None


def list_pupils_lines(db, school_id: int) -> list[str]:
    """'id<TAB>name' for every pupil of a school, by id (control characters in names become spaces)."""
    return [
        f"{p.id}\t{_CONTROL.sub(' ', p.display_name)}"
        for p in db.execute(select(Pupil).where(Pupil.school_id == school_id).order_by(Pupil.id)).scalars()
    ]


def _school_id(db, name: str | None) -> int:
    try:
        return school_named(db, name).id
    except DomainError as exc:
        raise click.ClickException(exc.message) from None


def init_app(app: Flask) -> None:
    """Register the report commands."""

    @app.cli.command("list-pupils")
    @click.option("--school", default=None, help=SCHOOL_HELP)
    def list_pupils_command(school):
        """List a school's pupils: id, then name, tab-separated."""
        _migrate()
        for line in list_pupils_lines(get_db(), _school_id(get_db(), school)):
            click.echo(line)

    @app.cli.command("review-summary")
    @click.argument("pupil_id", type=int)
    @click.option(
        "--format",
        "fmt",
        type=click.Choice(["pdf", "docx", "html"]),
        default="pdf",
        show_default=True,
        help="Document format.",
    )
    @click.option("--out", required=True, type=click.Path(dir_okay=False), help="File to write.")
    @click.option("--from", "start", type=DATE, help="First day (YYYY-MM-DD); default a year before --to.")
    @click.option("--to", "end", type=DATE, help="Last day (YYYY-MM-DD); default today.")
    @click.option("--drafts", is_flag=True, help="Include answers not yet confirmed.")
    @click.option("--for-pupil", is_flag=True, help="The pupil-friendly version (pdf or html).")
    def review_summary_command(pupil_id, fmt, out, start, end, drafts, for_pupil):
        """Write the EHCP review pupil-voice summary of one pupil."""
        _migrate()
        end_day: date = end.date() if end else date.today()
        start_day: date = start.date() if start else end_day - timedelta(days=365)
        if for_pupil and fmt == "docx":
            raise click.ClickException("The pupil-friendly version is made as pdf or html.")
        db = get_db()
        try:
            summary = review_summary(db, pupil_id, start_day, end_day, include_drafts=drafts)
        except DomainError as exc:
            raise click.ClickException(exc.message) from None
        sets = sets_root()  # the instance folder's, as the web app's (the pupil's school's sets)
        if for_pupil:
            data = (
                render_pupil_pdf(summary, sets_root=sets)
                if fmt == "pdf"
                else render_pupil_html(summary, sets_root=sets).encode("utf-8")
            )
        elif fmt == "pdf":
            data = render_summary_pdf(summary, sets_root=sets)
        elif fmt == "docx":
            data = render_summary_docx(summary, sets_root=sets)
        else:
            data = render_summary_html(summary, sets_root=sets).encode("utf-8")
        _write(out, data)
        audit.record(
            db,
            None,
            "export",
            pupil_id,
            f"review summary {'(pupil version) ' if for_pupil else ''}{fmt}, {start_day} to {end_day}, command line",
        )
        db.commit()
        click.echo(f"Wrote {out}.")

    @app.cli.command("gatsby-csv")
    @click.option("--out", required=True, type=click.Path(dir_okay=False), help="File to write.")
    @click.option("--group", help="Only this class or tutor group.")
    @click.option("--year", help='Only this year group ("11" or "Year 11").')
    @click.option("--school", default=None, help=SCHOOL_HELP)
    def gatsby_csv_command(out, group, year, school):
        """Write a school's Gatsby Benchmark coverage as CSV (one row per pupil)."""
        _migrate()
        db = get_db()
        school_id = _school_id(db, school)
        try:
            cover = coverage(db, school_id, group=group, year=year)
        except DomainError as exc:
            raise click.ClickException(exc.message) from None
        _write(out, coverage_csv(cover).encode("utf-8"))
        audit.record(db, None, "export", None, f"Gatsby CSV: {cover.title}, command line", school_id=school_id)
        db.commit()
        click.echo(f"Wrote {out} ({len(cover.pupils)} pupils).")
