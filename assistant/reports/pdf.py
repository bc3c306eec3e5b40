"""PDF bytes of the reports: WeasyPrint renders the same HTML, A4, with every symbol, for
the short documents; the long review summary is laid out by Typst (typst_pdf.py), which is
about 30 times faster at that length (docs/benchmarks.md "Reports").

PDFs are PDF/UA-1: tagged (headings, lists, tables, figures with their alt text), with the
document's language and title, for screen readers. `tests/assistant/reports/` checks it."""

from __future__ import annotations

import logging
from pathlib import Path

from assistant.reports.html import render_one_page_html, render_pupil_html, render_summary_html
from assistant.reports.images import SymbolImages
from assistant.reports.summary import ReviewSummary
from assistant.reports.typst_pdf import TypstFailed, render_summary_pdf_typst

log = logging.getLogger(__name__)

PDF_VARIANT = "pdf/ua-1"  # tagged, accessible PDF (WeasyPrint's PDF/UA-1 variant)


def html_to_pdf(html: str) -> bytes:
    """Render a standalone HTML page (data: URIs only, nothing fetched) to PDF bytes."""
    from weasyprint import HTML  # heavy: loaded only when a PDF is asked for
    from weasyprint.urls import URLFetcher

    # Reports carry their pictures as data: URIs; nothing else is ever fetched.
    fetcher = URLFetcher(allowed_protocols={"data"})
    return HTML(string=html, url_fetcher=fetcher).write_pdf(pdf_variant=PDF_VARIANT)


def render_summary_pdf(
    summary: ReviewSummary, images: SymbolImages | None = None, sets_root: Path | None = None
) -> bytes:
    """The staff summary as a printable A4 PDF (Typst)."""
    images = images or SymbolImages(summary.symbol_set, school_id=summary.pupil.school_id, sets_root=sets_root)
    try:
        return render_summary_pdf_typst(summary, images)
    except TypstFailed as failed:
        # Text reaches Typst only as strings, so this is a picture Typst cannot read (a broken
        # file in a school's symbol set): WeasyPrint leaves such a picture out, slowly but surely.
        log.warning("Typst could not make the summary PDF (%s); using WeasyPrint", failed)
    return render_summary_pdf_weasyprint(summary, SymbolImages(images.symbol_set, images.sets, raster=True))


def _printed(render_html, summary: ReviewSummary, images: SymbolImages | None, sets_root: Path | None) -> bytes:
    """A document's printable HTML made into a PDF by WeasyPrint (pictures as PNG: it draws
    them more surely than SVG)."""
    images = images or SymbolImages(
        summary.symbol_set, raster=True, school_id=summary.pupil.school_id, sets_root=sets_root
    )
    return html_to_pdf(render_html(summary, images, for_print=True))


def render_summary_pdf_weasyprint(
    summary: ReviewSummary, images: SymbolImages | None = None, sets_root: Path | None = None
) -> bytes:
    """The same summary from its HTML by WeasyPrint: kept to measure against (bench_reports.py)."""
    return _printed(render_summary_html, summary, images, sets_root)


def render_pupil_pdf(
    summary: ReviewSummary, images: SymbolImages | None = None, sets_root: Path | None = None
) -> bytes:
    """The pupil-friendly version as an A4 PDF."""
    return _printed(render_pupil_html, summary, images, sets_root)


def render_one_page_pdf(
    summary: ReviewSummary, images: SymbolImages | None = None, sets_root: Path | None = None
) -> bytes:
    """The "all about me" one-page profile as an A4 PDF."""
    return _printed(render_one_page_html, summary, images, sets_root)
