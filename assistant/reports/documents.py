"""The documents staff open or download for one pupil (the review summary, the "all about
me" one-page profile, the pupil-friendly version) and the pupil opens from the tablet: who
may have each, in which format, and the audit line each one leaves."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from assistant.errors import NotFound
from assistant.record.models import Staff
from assistant.reports.html import render_one_page_html, render_pupil_html, render_summary_html
from assistant.reports.pdf import render_one_page_pdf, render_pupil_pdf, render_summary_pdf
from assistant.reports.summary import review_summary
from assistant.reports.word import render_summary_docx
from assistant.services import audit
from assistant.services.files import write_private_file
from assistant.services.pupils import pupil_for

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# Each document's formats: how it is made, its media type and the start of its file name.
DOCUMENTS = {
    "summary": {
        "html": (render_summary_html, None),
        "pdf": (render_summary_pdf, PDF),
        "docx": (render_summary_docx, DOCX),
    },
    "one_page": {"html": (render_one_page_html, None), "pdf": (render_one_page_pdf, PDF)},
}
FILE_NAMES = {"summary": "pupil-voice-{id}.{kind}", "one_page": "all-about-me-{id}.{kind}"}
TITLES = {"summary": "review summary", "one_page": "one-page profile"}


@dataclass
class Document:
    """A document made: an HTML page (media_type None) or a file to download."""

    body: str | bytes
    media_type: str | None = None
    filename: str | None = None


def staff_document(
    db: Session,
    staff: Staff,
    pupil_id: int,
    document: str,
    kind: str = "html",
    start: date | None = None,
    end: date | None = None,
    sets_root: Path | None = None,
) -> Document:
    """A pupil's review summary or one-page profile, for the period asked for, as a page or
    a file; NotFound for a pupil this adult may not see or a format the document has not.
    Opening it is a view in the audit log, downloading it an export. `sets_root`: the folder
    of every school's symbol sets (the pupil's school's are shown)."""
    record = pupil_for(db, staff, pupil_id)
    formats = DOCUMENTS.get(document, {})
    if kind not in formats:
        raise NotFound("Not found.")
    data = review_summary(db, record.id, start, end)
    audit.log(db, staff, "view" if kind == "html" else "export", record.id, f"{TITLES[document]} ({kind})")
    render, media_type = formats[kind]
    if media_type is None:
        return Document(render(data, sets_root=sets_root))
    return Document(render(data, sets_root=sets_root), media_type, FILE_NAMES[document].format(id=record.id, kind=kind))


def export_document_as_server(
    db: Session,
    pupil_id: int,
    kind: str,
    out: Path,
    start: date,
    end: date,
    include_drafts: bool = False,
    for_pupil: bool = False,
    sets_root: Path | None = None,
) -> None:
    """Write the review summary (or the pupil's version: pdf or html) to `out`, for the
    server's own command line; NotFound for an unknown pupil or format. The export goes in
    the audit log once the file is written."""
    formats = {"pdf": (render_pupil_pdf, PDF), "html": (render_pupil_html, None)} if for_pupil else DOCUMENTS["summary"]
    if kind not in formats:
        raise NotFound(f"The {'pupil-friendly version' if for_pupil else 'summary'} is not made as {kind}.")
    body = formats[kind][0](
        review_summary(db, pupil_id, start, end, include_drafts=include_drafts), sets_root=sets_root
    )
    write_private_file(out, body.encode("utf-8") if isinstance(body, str) else body)
    audit.log(
        db,
        None,
        "export",
        pupil_id,
        f"review summary {'(pupil version) ' if for_pupil else ''}{kind}, {start} to {end}, command line",
    )


def pupil_document(db: Session, pupil_id: int, staff: Staff | None = None, sets_root: Path | None = None) -> str:
    """The pupil-friendly version, mostly symbols, as a page. For a member of staff, only of
    a pupil they may see, and the viewing goes in the audit log; without one (the pupil's
    own tablet) the caller has already found the pupil from the session."""
    if staff is not None:
        pupil_id = pupil_for(db, staff, pupil_id).id
        audit.log(db, staff, "view", pupil_id, "pupil-friendly profile")
    return render_pupil_html(review_summary(db, pupil_id), sets_root=sets_root)
