"""Report commands for `flask --app assistant ...`; each migrates the database first.

    list-pupils                      one line per pupil: id<TAB>name
    review-summary PUPIL_ID --format pdf|docx|html --out FILE [--from D --to D] [--for-pupil]
    gatsby-csv --out FILE [--group NAME] [--year YEAR]

Errors (unknown pupil, no pupils in a group, bad dates, unwritable file) print one line
and exit with code 1, never a traceback. Every export is written to the audit log.
"""

from __future__ import annotations

import functools
import re
from datetime import date, timedelta
from pathlib import Path

import click
from flask import Flask

from assistant.reports.documents import export_document_as_server
from assistant.reports.gatsby import export_coverage_csv_as_server
from assistant.services.pupils import pupils_of_school
from assistant.services.schools import school_named
from assistant.web.cli import SCHOOL_HELP, app_command
from assistant.web.store import get_db
from assistant.web.symbols import sets_root

_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
DATE = click.DateTime(formats=["%Y-%m-%d"])


def init_app(app: Flask) -> None:
    """Register the report commands."""
    command = functools.partial(app_command, app)

    @command("list-pupils")
    @click.option("--school", default=None, help=SCHOOL_HELP)
    def list_pupils_command(school):
        """List a school's pupils: id, then name, tab-separated."""
        for pupil in pupils_of_school(get_db(), school_named(get_db(), school).id):
            click.echo(f"{pupil.id}\t{_CONTROL.sub(' ', pupil.display_name)}")  # one line each, whatever the name

    @command("review-summary")
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
        end_day: date = end.date() if end else date.today()
        start_day: date = start.date() if start else end_day - timedelta(days=365)
        export_document_as_server(
            get_db(),
            pupil_id,
            fmt,
            Path(out),
            start_day,
            end_day,
            include_drafts=drafts,
            for_pupil=for_pupil,
            sets_root=sets_root(),  # the instance folder's, as the web app's (the pupil's school's sets)
        )
        click.echo(f"Wrote {out}.")

    @command("gatsby-csv")
    @click.option("--out", required=True, type=click.Path(dir_okay=False), help="File to write.")
    @click.option("--group", help="Only this class or tutor group.")
    @click.option("--year", help='Only this year group ("11" or "Year 11").')
    @click.option("--school", default=None, help=SCHOOL_HELP)
    def gatsby_csv_command(out, group, year, school):
        """Write a school's Gatsby Benchmark coverage as CSV (one row per pupil)."""
        db = get_db()
        cover = export_coverage_csv_as_server(db, school_named(db, school).id, Path(out), group=group, year=year)
        click.echo(f"Wrote {out} ({len(cover.pupils)} pupils).")
