"""Staff pages that are documents: a pupil's review summary (page, PDF, Word), their "all
about me" one-page profile, their own pupil-friendly version, and the Gatsby Benchmark
records of a group or year (page and CSV)."""

from __future__ import annotations

from flask import Response, render_template, request

from assistant.reports import coverage_csv_for_staff, coverage_for_staff, pupil_document, staff_document
from assistant.reports.gatsby import BENCHMARKS, coverage_svg
from assistant.web.auth import current_staff
from assistant.web.staff.base import bp, date_arg, login_required
from assistant.web.store import get_db
from assistant.web.symbols import sets_root


def _document(pupil_id: int, document: str):
    """A document as a page, or as a file to download."""
    made = staff_document(
        get_db(),
        current_staff(),
        pupil_id,
        document,
        request.args.get("format", "html"),
        date_arg("from"),
        date_arg("to"),
        sets_root(),
    )
    if made.media_type is None:
        return made.body
    return Response(
        made.body, mimetype=made.media_type, headers={"Content-Disposition": f"attachment; filename={made.filename}"}
    )


@bp.get("/pupils/<int:pupil_id>/summary")
@login_required
def summary(pupil_id: int):
    """The EHCP review pupil-voice summary, as a page, a PDF or a Word document."""
    return _document(pupil_id, "summary")


@bp.get("/pupils/<int:pupil_id>/all-about-me")
@login_required
def one_page(pupil_id: int):
    """The "all about me" one-page profile, as a page or a PDF."""
    return _document(pupil_id, "one_page")


@bp.get("/pupils/<int:pupil_id>/my-profile")
@login_required
def pupil_profile_page(pupil_id: int):
    """The pupil-friendly version, mostly symbols, to print or show the pupil."""
    return pupil_document(get_db(), pupil_id, current_staff(), sets_root())


def _filter() -> tuple[str | None, str | None]:
    """The group and year asked for."""
    return request.args.get("group") or None, (request.args.get("year") or "").strip()[:20] or None


@bp.get("/gatsby")
@login_required
def gatsby():
    shown = coverage_for_staff(get_db(), current_staff(), *_filter())
    # With no pupil in that group or year, the page says so, with the filter to choose again.
    chart = coverage_svg(shown.cover) if shown.cover else ""
    return render_template("staff/gatsby.html", **vars(shown), chart=chart, benchmarks=BENCHMARKS)


@bp.get("/gatsby.csv")
@login_required
def gatsby_csv():
    return Response(
        coverage_csv_for_staff(get_db(), current_staff(), *_filter()),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=gatsby.csv"},
    )
