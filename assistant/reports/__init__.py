"""Reports made from the record: the EHCP review pupil-voice summary, the pupil's own
version ("my profile") and the Gatsby Benchmark records.

Core code: no Flask. Each module builds or renders one thing:

    wording.py      provenance labels, first-person sentences, PfA areas and categories
    summary.py      the review summary's data (points by PfA area, adults' notes)
    changes.py      what changed since the last review
    thread.py       encounters (before beside after) and the golden thread
    gatsby.py       benchmarks per pupil, coverage of a group, CSV and SVG chart
    pupil_view.py   the pupil-friendly version's data
    one_page.py     the "all about me" one-page profile's data
    images.py       symbol pictures: data URIs for HTML/PDF, PNG for Word
    html.py         HTML pages (Jinja2 templates in templates/)
    pdf.py          PDF bytes (WeasyPrint; the summary by Typst)
    typst_pdf.py    the review summary PDF with Typst (templates/summary.typ)
    word.py         Word .docx bytes (python-docx)
    documents.py    the documents of one pupil staff open or download (formats, audit)
"""

from assistant.reports.documents import Document, pupil_document, staff_document
from assistant.reports.gatsby import (
    coverage,
    coverage_csv,
    coverage_csv_for_staff,
    coverage_for_staff,
    pupil_benchmarks,
)
from assistant.reports.html import render_one_page_html, render_pupil_html, render_summary_html
from assistant.reports.pdf import render_one_page_pdf, render_pupil_pdf, render_summary_pdf
from assistant.reports.pupil_view import pupil_profile
from assistant.reports.summary import review_summary
from assistant.reports.word import render_summary_docx

__all__ = [
    "Document",
    "pupil_document",
    "staff_document",
    "coverage_csv_for_staff",
    "coverage_for_staff",
    "coverage",
    "coverage_csv",
    "pupil_benchmarks",
    "pupil_profile",
    "review_summary",
    "render_one_page_html",
    "render_one_page_pdf",
    "render_pupil_html",
    "render_pupil_pdf",
    "render_summary_docx",
    "render_summary_html",
    "render_summary_pdf",
]
