"""Issue 13: the adults' observations in every document, needs read as needs, one point per
concept and stance, sensible dates, A4 documents with the name on every page, tagged PDF."""

from __future__ import annotations

import io
import re
import subprocess
from datetime import date, datetime

import docx
import pytest
from docx.shared import Mm

from assistant.conversation.plans import STANCES
from assistant.record.models import Entry, Staff
from assistant.reports import render_summary_docx, render_summary_html, render_summary_pdf, review_summary
from assistant.reports.points import entry_points
from assistant.reports.summary import about, adult_notes_for
from assistant.reports.wording import said_when
from assistant.services.history import VIEW_LABELS, concept_histories, view_of
from assistant.services.review import observe
from tests.assistant.reports.conftest import add_entry


def test_an_observation_written_at_review_reaches_the_summary_and_the_pupil_page(sqlite_record):
    r = sqlite_record
    lead = r.db.query(Staff).filter_by(email="lead@school.test").one()
    entry = r.db.query(Entry).filter_by(pupil_id=r.sam.id, step="dislikes").one()
    observe(r.db, lead, entry.id, "Sam said 'dunno' but pointed at the quiet room")
    # Written now (after the record's period): an open-ended summary and the pupil page show it.
    summary = review_summary(r.db, r.sam.id)
    notes = [n for n in summary.adult_notes if n.kind == "review"]
    assert [(n.text, n.adult_name, n.question) for n in notes] == [
        ("Sam said 'dunno' but pointed at the quiet room", "Ms Lead", "What don't you like doing?")
    ]
    assert notes[0].label == "Observation by the adult, written at review"
    html = render_summary_html(summary)
    adults = html.index('<aside class="adults"')
    assert html.index("Sam said &#39;dunno&#39; but pointed") > adults  # never among the pupil's words
    assert "written at review" in html[adults:]
    word = docx.Document(io.BytesIO(render_summary_docx(summary)))
    cells = [c.text for t in word.tables for row in t.rows for c in row.cells]
    assert any("Sam said 'dunno'" in c and "written at review" in c for c in cells)
    page_notes = adult_notes_for(r.db, r.sam.id)
    assert any(n.kind == "review" and "dunno" in n.text for n in page_notes)
    assert not any("dunno" in (w or "") for p in summary.points for w in p.words)
    # The period a summary covers holds the observations written in it.
    assert not [n for n in review_summary(r.db, r.sam.id, r.start, r.end).adult_notes if n.kind == "review"]


def test_about_never_quotes_a_reading_the_pupil_rejected(sqlite_record):
    r = sqlite_record
    rejected = "You don't like animals. Is that right? Or do you like animals?"
    entry = add_entry(
        r.db,
        r.sam,
        "interests",
        "check",
        datetime(2026, 6, 12, 11),
        [],
        kind="observation",
        provenance="adult_view",
        words="He pointed at the dog picture",
    )
    entry.question = rejected
    r.db.commit()
    assert about(entry) == "While an answer was checked back"
    summary = review_summary(r.db, r.sam.id, r.start, r.end)
    note = next(n for n in summary.adult_notes if n.text == "He pointed at the dog picture")
    assert note.question == "While an answer was checked back"
    html = render_summary_html(summary)
    assert "He pointed at the dog picture" in html and "You don&#39;t like animals" not in html
    # A note on a question shows the question as the plan asks it.
    likes = add_entry(
        r.db,
        r.sam,
        "interests",
        "likes",
        datetime(2026, 6, 12, 11),
        [],
        kind="observation",
        provenance="adult_view",
        words="x",
    )
    likes.question = "Did you mean: you like noisy places?"
    assert about(likes) == "What do you like doing?"


def test_needs_read_as_needs_in_answers_over_time(sqlite_record):
    r = sqlite_record
    add_entry(r.db, r.sam, "interests", "help_needed", datetime(2026, 6, 13), ["someone_with_me"], "need")
    histories = {h.concept_id: h for h in concept_histories(r.db, r.sam.id)}
    for concept in ("quiet_space", "someone_with_me"):
        views = [p.view for p in histories[concept].points]
        assert views == ["need"] and VIEW_LABELS["need"] == "needs it", concept
    assert "computers" not in histories  # the adult's view is not the pupil's answer over time
    assert histories["cooking"].changed and not histories["quiet_space"].changed


NEGATIVE = {"dont_like", "dont_want"}


@pytest.mark.parametrize("stance", STANCES)
def test_every_stance_reads_as_itself_in_documents_and_on_the_pupil_page(stance, catalogue):
    """No stance but a dislike reads as a dislike, whatever the kind of concept."""
    for concept_id in ("cooking", "quiet_space", "noisy", "chef", "happy"):
        entry = Entry(
            moment="interests",
            step="likes",
            question="",
            answer_kind="concept",
            concept_ids=[concept_id],
            stance=stance,
            rating={"like": "like", "dont_like": "dont_like"}.get(stance),
            input_mode="touch",
            provenance="independent",
        )
        concept = catalogue.get(concept_id)
        label = VIEW_LABELS[view_of(entry, concept.type)]
        statements = " ".join(s for _a, _c, s, _ in entry_points(entry, catalogue))
        disliking = ("does not like" in label, "don't like" in statements or "not like" in statements)
        if stance in NEGATIVE:
            assert disliking[0], (stance, concept_id, label)
        else:
            assert not disliking[0], (stance, concept_id, label)
            assert not disliking[1], (stance, concept_id, statements)
        if stance == "need":
            assert label.startswith("needs"), (concept_id, label)


def test_near_identical_points_are_one_point_said_twice(sqlite_record):
    r = sqlite_record
    day = datetime(2026, 12, 1, 10)
    first = add_entry(r.db, r.leo, "interests", "dislikes", day, ["noisy"], "dont_like", "dont_like")
    add_entry(
        r.db,
        r.leo,
        "interests",
        "recall",
        day.replace(hour=11),
        ["noisy"],
        "recall",
        "dont_like",
        kind="rating",
        recalls=first,
    )
    summary = review_summary(r.db, r.leo.id)
    noisy = [p for p in summary.points if any(c.id == "noisy" for c in p.concepts)]
    assert [p.statement for p in noisy] == ["I don't like it when it is noisy."]
    assert noisy[0].times == 2 and noisy[0].when == "said 2 times on 1 December 2026"
    html = render_summary_html(summary)
    assert "said 2 times on 1 December 2026" in html and "to 1 December 2026" not in html
    assert "I don&#39;t like noisy." not in html


def test_dates_are_printed_as_people_say_them():
    assert said_when(1, date(2026, 12, 1), date(2026, 12, 1)) == "1 December 2026"
    assert said_when(2, datetime(2026, 12, 1, 9), datetime(2026, 12, 1, 15)) == "said 2 times on 1 December 2026"
    assert said_when(3, date(2026, 12, 1), date(2026, 12, 20)) == "said 3 times in December 2026"
    assert said_when(3, date(2026, 10, 1), date(2026, 12, 20)) == "said 3 times between October and December 2026"
    assert said_when(4, date(2025, 10, 1), date(2026, 3, 2)) == "said 4 times between October 2025 and March 2026"


def test_word_is_a4_with_the_name_and_period_on_every_page(sqlite_record):
    r = sqlite_record
    document = docx.Document(io.BytesIO(render_summary_docx(review_summary(r.db, r.sam.id, r.start, r.end))))
    for section in document.sections:
        assert abs(section.page_width - Mm(210)) < Mm(1) and abs(section.page_height - Mm(297)) < Mm(1)
        header = section.header.paragraphs[0].text
        assert header == "Sam Taylor: pupil voice, answers from 1 April 2026 to 31 July 2026"
        assert not section.different_first_page_header_footer  # the same header on page one


def _pages(pdf: bytes, tmp_path) -> list[str]:
    path = tmp_path / "s.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True).stdout
    return [re.sub(r"\s+", " ", page) for page in text.split("\f") if page.strip()]


def _pdfinfo(pdf: bytes, tmp_path) -> dict[str, str]:
    path = tmp_path / "i.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True).stdout
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines())}


def test_pdf_is_a4_tagged_and_names_the_pupil_on_every_page(sqlite_record, tmp_path):
    r = sqlite_record
    for n in range(40):  # enough answers for several pages
        add_entry(
            r.db,
            r.sam,
            "interests",
            "likes",
            datetime(2026, 5, 1 + n % 28, 9),
            [("cooking", "animals", "music", "art", "football")[n % 5]],
            "like",
            "like",
            words=f"answer number {n} in my own words",
            provenance=("independent", "prompted")[n % 2],
        )
    pdf = render_summary_pdf(review_summary(r.db, r.sam.id, r.start, r.end))
    pages = _pages(pdf, tmp_path)
    assert len(pages) >= 3
    for number, page in enumerate(pages, 1):
        assert "Sam Taylor: pupil voice, answers from 1 April 2026 to 31 July 2026" in page, number
    info = _pdfinfo(pdf, tmp_path)
    assert info["Tagged"] == "yes"
    assert info["Page size"].endswith("(A4)")
    assert info["Title"].startswith("Pupil voice for the EHCP review: Sam Taylor")
    path = tmp_path / "t.pdf"
    path.write_bytes(pdf)
    tree = subprocess.run(["pdfinfo", "-struct", str(path)], capture_output=True, check=True, text=True).stdout
    for tag in ("H1", "H2", "Table", "TH", "TD", "L", "LI", "Figure"):  # headings, tables, lists, symbols
        assert re.search(rf"^\s*{tag}\b", tree, re.M), tag


def test_the_one_page_profile_is_in_the_pupils_own_words_on_one_a4_page(sqlite_record, tmp_path):
    from assistant.reports import render_one_page_html, render_one_page_pdf
    from assistant.reports.one_page import one_page_profile

    r = sqlite_record
    summary = review_summary(r.db, r.sam.id, r.start, r.end)
    parts = {key: [p.statement for p in points] for key, _title, points in one_page_profile(summary).parts}
    assert parts["admire"] == ["I am good at art."]
    assert "I like animals." in parts["important"] and "I like gardening." in parts["important"]
    assert sorted(parts["support"]) == [
        "I don't like cooking.",
        "I don't like it when it is noisy.",
        "I need a quiet space.",
    ]  # what I need, and what to avoid
    assert "I would like to be a chef." in parts["hopes"]
    html = render_one_page_html(summary)
    assert [h for h in re.findall(r"<h2 [^>]*>([^<]+)</h2>", html)] == [
        "What people like and admire about me",
        "What is important to me",
        "How best to support me",
        "My hopes for when I leave school",
    ]
    assert "I think Sam likes computers" not in html and "smiled a lot" not in html  # never the adults'
    assert "<q>I want to be a chef</q>" in html  # the pupil's own words
    pdf = render_one_page_pdf(summary)
    assert _pdfinfo(pdf, tmp_path)["Pages"] == "1" and _pdfinfo(pdf, tmp_path)["Tagged"] == "yes"
    assert "Sam Taylor" in _pages(pdf, tmp_path)[0]


def test_the_summary_follows_section_a_and_names_the_template(sqlite_record):
    r = sqlite_record
    summary = review_summary(r.db, r.sam.id, r.start, r.end)
    html = render_summary_html(summary)
    assert "Order: Section A of an EHC plan" in html and "paragraph 9.69" in html
    headings = re.findall(r"<h[23][^>]*>([^<]+)</h[23]>", html)
    start = headings.index("Section A: my views, interests and aspirations")
    assert headings[start + 1 : start + 5] == [
        "What people like and admire about me",
        "What is important to me",
        "How best to support me",
        "My hopes for when I leave school",
    ]
    assert headings.index("Work and learning (employment)") > start + 4
    word = docx.Document(io.BytesIO(render_summary_docx(summary)))
    titles = [p.text for p in word.paragraphs if p.style.name.startswith("Heading")]
    assert titles[:5] == [
        "Section A: my views, interests and aspirations",
        "What people like and admire about me",
        "What is important to me",
        "How best to support me",
        "My hopes for when I leave school",
    ]
    assert any(p.text.startswith("Order: Section A of an EHC plan") for p in word.paragraphs)
