"""The summary as HTML, PDF and Word, and the pupil-friendly version."""

from __future__ import annotations

import io
import re
import subprocess
from datetime import datetime
from html import unescape
from pathlib import Path

import docx
import pytest

from assistant.reports import (
    render_pupil_html,
    render_pupil_pdf,
    render_summary_docx,
    render_summary_html,
    render_summary_pdf,
    review_summary,
)
from assistant.reports.images import can_rasterise
from assistant.reports.wording import PROVENANCE_LABELS, WORDS_WITHHELD
from tests.assistant.reports.conftest import SCRIPT_WORDS, add_entry

ARTIFACTS = Path(__file__).resolve().parents[3] / "artifacts" / "reports"


@pytest.fixture
def summary(sqlite_record):
    r = sqlite_record
    return review_summary(r.db, r.sam.id, r.start, r.end)


def _pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "summary.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True).stdout
    return re.sub(r"\s+", " ", text)


def test_html_is_accessible_and_escapes_what_pupils_type(summary):
    html = render_summary_html(summary)
    assert '<html lang="en-GB">' in html
    assert "<script>" not in html
    assert "dogs &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; \U0001f436 \u0643\u0644\u0628" in html
    images = re.findall(r"<img [^>]*>", html)
    assert images and all('alt="' in i and 'src="data:image/svg+xml;base64,' in i for i in images)
    assert '<h2 id="area-employment">Work and learning (employment)</h2>' in html
    assert "1 answer not yet confirmed is left out" in html


def test_adult_view_is_a_separate_part(summary):
    html = render_summary_html(summary)
    adults = html.index('<aside class="adults"')
    assert html.index("I think Sam likes computers") > adults
    assert html.index("Sam smiled a lot") > adults
    assert "Computers" not in html[:adults]


def test_pdf_holds_words_and_provenance_and_page_one_is_kept(summary, tmp_path):
    pdf = render_summary_pdf(summary)
    assert pdf.startswith(b"%PDF")
    text = _pdf_text(pdf, tmp_path)
    for words in ("i want to be a chef", "it was gr8", "<script>alert('x')</script>"):
        assert words in text.lower()
    for label in (
        "Pupil's own answer",
        "Interpreted by an adult (Mr TA)",
        "Pupil's answer, after an adult prompted",
        "The adult's view",
    ):
        assert label in text
    assert "March 2026: I like cooking. June 2026: I don't like cooking." in text
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (tmp_path / "summary.pdf").write_bytes(pdf)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "80",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(tmp_path / "summary.pdf"),
            str(ARTIFACTS / "summary-page1"),
        ],
        check=True,
    )
    png = (ARTIFACTS / "summary-page1.png").read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 20_000  # text and symbols, not a blank page


def test_word_document_holds_the_same_points(summary):
    document = docx.Document(io.BytesIO(render_summary_docx(summary)))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    areas = headings.index("Work and learning (employment)")  # after Section A (test_review_documents)
    assert headings[areas : areas + 3] == ["Work and learning (employment)", "My interests", "What I'm good at"]
    assert "What adults noticed (the adults' views, not the pupil's words)" in headings
    rows = [[c.text for c in row.cells] for table in document.tables for row in table.rows]
    points = {row[1]: row for row in rows if len(row) == 5 and row[1] != "What I said"}
    assert set(points) == {p.statement for s in summary.sections for p in s.points}
    assert points["I like animals."][2] == f"\u201c{SCRIPT_WORDS}\u201d"
    assert points["I like gardening."][3] == "Interpreted by an adult (Mr TA)"
    assert all(row[3] in {*PROVENANCE_LABELS.values(), "Interpreted by an adult (Mr TA)"} for row in points.values())
    if can_rasterise():
        assert len(document.inline_shapes) >= len(points)


def test_sharing_flag_in_every_format(sqlite_record, tmp_path):
    r = sqlite_record
    r.sam.words_shareable = False
    r.sam.sharing_note = "Mum asked: words stay in school."
    r.db.commit()
    summary = review_summary(r.db, r.sam.id, r.start, r.end)
    html = unescape(render_summary_html(summary))
    assert "Mum asked: words stay in school." in html and WORDS_WITHHELD in html
    assert "it was gr8" not in html and "I want to be a chef" not in html and "alert" not in html
    text = _pdf_text(render_summary_pdf(summary), tmp_path)
    assert WORDS_WITHHELD in text and "I want to be a chef" not in text
    document = docx.Document(io.BytesIO(render_summary_docx(summary)))
    body = " ".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    assert WORDS_WITHHELD in body and "I want to be a chef" not in body


def test_pupil_friendly_version(summary, tmp_path):
    html = render_pupil_html(summary)
    headings = re.findall(r"<h2[^>]*>([^<]*)</h2>", html)
    assert headings == [
        "I like",
        "I don&#39;t like",
        "I am good at",
        "I need",
        "When I leave school I want",
        "Places I went",
    ]
    assert "Computers" not in html  # the adult's view is not the pupil's
    assert "Visit to Bean There Cafe" in html
    assert html.count("<img") >= 8
    text = _pdf_text(render_pupil_pdf(summary), tmp_path)
    assert "When I leave school I want" in text and "Chef" in text


def test_typst_markup_in_what_a_pupil_types_is_printed_never_run(sqlite_record, tmp_path):
    """The summary PDF is laid out by Typst: a pupil's words reach it as a JSON string, so
    Typst code in them is shown as typed (no file read, no heading, no failure)."""
    r = sqlite_record
    typed = '#read("/etc/passwd") = not a heading ] #{ $x^2$ *bold* @ref <label> \\'
    add_entry(r.db, r.sam, "interests", "likes", datetime(2026, 6, 13, 10), ["music"], "like", "like", words=typed)
    pdf = render_summary_pdf(review_summary(r.db, r.sam.id, r.start, r.end))
    text = _pdf_text(pdf, tmp_path)
    assert typed in text
    assert "root:" not in text


def test_a_broken_picture_in_a_school_symbol_set_still_gives_the_pdf(sqlite_record, tmp_path, caplog):
    """Typst stops at a picture it cannot decode; the summary then comes from WeasyPrint."""
    from assistant.reports.images import SymbolImages
    from symbols.sets import SymbolSets

    folder = tmp_path / "symbol_sets" / "widgit"
    folder.mkdir(parents=True)
    (folder / "cook.png").write_bytes(b"\x89PNG\r\n\x1a\nnot really a picture")
    (folder / "mapping.yml").write_text("cooking: cook.png\n", encoding="utf-8")
    (folder / "set.yml").write_text("title: Widgit Symbols\nattribution: Widgit Symbols\n", encoding="utf-8")
    r = sqlite_record
    summary = review_summary(r.db, r.sam.id, r.start, r.end)
    pdf = render_summary_pdf(summary, SymbolImages("widgit", SymbolSets(tmp_path / "symbol_sets")))
    assert "using WeasyPrint" in caplog.text
    text = _pdf_text(pdf, tmp_path)
    assert "I like animals." in text and "it was gr8" in text
