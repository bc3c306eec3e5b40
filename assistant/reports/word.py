"""The review summary as an editable Word document (schools write EHCP paperwork in Word).

Headings per PfA area, then a table per part (symbol, what I said, my own words, how it
was given, when). Symbols are PNG pictures; SVG symbols need rsvg-convert (images.py), and
without it the table shows the symbol's name and the document says so.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from docx import Document
from docx.enum.text import WD_BREAK
from docx.oxml.shape import CT_Inline
from docx.shared import Cm, Mm, Pt

from assistant.reports.gatsby import BENCHMARKS
from assistant.reports.images import SymbolImages
from assistant.reports.one_page import one_page_profile
from assistant.reports.points import Point
from assistant.reports.summary import ReviewSummary
from assistant.reports.wording import (
    ADULTS_APART,
    PROVENANCE_LABELS,
    SECTION_A_TEMPLATE,
    WORDS_WITHHELD,
    day_month_year,
    encounter_details,
    period_text,
    running_title,
)
from symbols.catalogue import Concept

SYMBOL_WIDTH = Cm(1.3)
A4_WIDTH, A4_HEIGHT = Mm(210), Mm(297)
# Characters XML 1.0 cannot hold (python-docx refuses them); typed text may carry them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _t(text: str | None) -> str:
    return _NOT_XML.sub("", text or "")


def _table(doc, headings: list[str], style_id: str):
    table = doc.add_table(rows=1, cols=len(headings))
    table._tbl.tblStyle_val = style_id  # "Table Grid", looked up once (_Writer)
    for cell, text in zip(table.rows[0].cells, headings):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    return table


class _Writer:
    # python-docx is slow at two things a 1,000-answer summary does hundreds of times: adding
    # a picture (it hashes every image in the file and searches the whole document for the
    # next id) and naming a style (it scans every style). So each symbol's picture is added
    # to the file once and then only referred to, shape ids are counted here, and style ids
    # are looked up once (docs/benchmarks.md "Reports").
    def __init__(self, summary: ReviewSummary, images: SymbolImages):
        self.s = summary
        self.images = images
        self.doc = Document()
        self.labels_only = False
        style = self.doc.styles["Normal"]
        style.font.name = "Arial"
        style.font.size = Pt(11)
        self.page_setup()
        self.style_ids = {
            name: self.doc.styles[name].style_id
            for name in ("Title", "Heading 1", "Heading 2", "List Bullet", "Table Grid")
        }
        self.pictures: dict[bytes, tuple[str, str, int, int]] = {}
        self.shape_id = self.doc.part.next_id

    def paragraph(self, text: str = "", style: str | None = None):
        paragraph = self.doc.add_paragraph(text)
        if style:
            paragraph._p.get_or_add_pPr().style = self.style_ids[style]
        return paragraph

    def table(self, headings: list[str]):
        return _table(self.doc, headings, self.style_ids["Table Grid"])

    def heading(self, text: str, level: int):
        return self.paragraph(text, "Title" if level == 0 else f"Heading {level}")

    def picture(self, paragraph, png: bytes) -> None:
        if png not in self.pictures:
            rid, image = self.doc.part.get_or_add_image(io.BytesIO(png))
            self.pictures[png] = (rid, image.filename, *image.scaled_dimensions(SYMBOL_WIDTH, None))
        rid, filename, cx, cy = self.pictures[png]
        self.shape_id += 1
        paragraph.add_run()._r.add_drawing(CT_Inline.new_pic_inline(self.shape_id, rid, filename, cx, cy))

    def page_setup(self) -> None:
        """A4 like the PDF (python-docx's template is US Letter), with the pupil's name and
        the period in the header of every page."""
        s = self.s
        for section in self.doc.sections:
            section.page_width, section.page_height = A4_WIDTH, A4_HEIGHT
            section.left_margin = section.right_margin = Mm(18)
            section.top_margin = section.bottom_margin = Mm(18)
            header = section.header.paragraphs[0]
            header.text = _t(running_title(s.pupil.display_name, s.start, s.end))
            header.runs[0].font.size = Pt(9)

    def symbols(self, paragraph, concepts: list[Concept]) -> None:
        for concept in concepts:
            png = self.images.png(concept)
            if png:
                self.picture(paragraph, png)
            else:
                self.labels_only = True
                paragraph.add_run(f"[{concept.label}] ")

    def points_cell(self, cell, points: list[Point]) -> None:
        paragraph = cell.paragraphs[0]
        if not points:
            paragraph.add_run("Not asked").italic = True
        for i, point in enumerate(points):
            if i:
                paragraph = cell.add_paragraph()
            self.point(paragraph, point, point.provenance_label)

    def point(self, paragraph, point: Point, how: str) -> None:
        """One point: its symbols, what it says, the pupil's words in quotes (or that they
        stay in school), and how it was given."""
        self.symbols(paragraph, point.concepts)
        paragraph.add_run(" " + _t(point.statement))
        for words in point.words:
            paragraph.add_run(" " + (words if words == WORDS_WITHHELD else f"\u201c{_t(words)}\u201d"))
        paragraph.add_run(f" ({how})").italic = True

    def header(self) -> None:
        s = self.s
        self.heading(_t(f"Pupil voice for the EHCP review: {s.pupil.display_name}"), 0)
        where = ", ".join(x for x in (s.pupil.year_group or "", s.pupil.group.name if s.pupil.group else "") if x)
        self.doc.add_paragraph(
            _t(
                f"{where + '. ' if where else ''}Answers {period_text(s.start, s.end)}. "
                f"Made on {day_month_year(s.made_at)}."
            )
        )
        if s.include_drafts:
            self.doc.add_paragraph("This summary includes answers not yet confirmed by the pupil.")
        elif s.drafts_left_out:
            n = s.drafts_left_out
            self.doc.add_paragraph(
                f"Only answers the pupil confirmed are shown. {n} answer"
                f"{'s' if n != 1 else ''} not yet confirmed "
                f"{'are' if n != 1 else 'is'} left out."
            )
        else:
            self.doc.add_paragraph("Only answers the pupil confirmed are shown.")
        if not s.words_shareable:
            self.doc.add_paragraph(
                "Sharing: the pupil asked that their own words stay in school. "
                "This summary shows what they chose, not their words."
                + (f" Note: {_t(s.sharing_note)}" if s.sharing_note else "")
            )
        elif s.sharing_note:
            self.doc.add_paragraph(f"Sharing note: {_t(s.sharing_note)}")
        self.doc.add_paragraph(
            "Every point says how it was given: "
            + "; ".join(PROVENANCE_LABELS.values())
            + "."
            + (ADULTS_APART if self.s.adult_notes_included else "")
        )

    def section_a(self) -> None:
        self.doc.add_paragraph(f"Order: {SECTION_A_TEMPLATE}")
        self.heading("Section A: my views, interests and aspirations", 1)
        for _key, title, points in one_page_profile(self.s).parts:
            self.heading(title, 2)
            if not points:
                self.doc.add_paragraph("Not asked in this period.").runs[0].italic = True
            for point in points:
                self.point(self.paragraph(style="List Bullet"), point, f"{point.provenance_label}; {point.when}")

    def areas(self) -> None:
        if not self.s.sections:
            self.doc.add_paragraph("No confirmed answers in this period yet.")
        for section in self.s.sections:
            self.heading(section.title, 1)
            for _, title, points in section.parts:
                self.heading(title, 2)
                table = self.table(["Symbol", "What I said", "My own words", "How it was given", "When"])
                for point in points:
                    cells = table.add_row().cells
                    self.symbols(cells[0].paragraphs[0], point.concepts)
                    cells[1].text = point.statement
                    cells[2].text = "\n".join(w if w == WORDS_WITHHELD else f"\u201c{_t(w)}\u201d" for w in point.words)
                    cells[3].text = point.provenance_label
                    when = point.when
                    if point.drafts:
                        when += f" ({point.drafts} not yet confirmed)"
                    cells[4].text = when

    def changes(self) -> None:
        s = self.s
        self.heading("What changed since the last review", 1)
        if not s.start:
            self.doc.add_paragraph(
                "This summary covers every answer so far, so there is nothing earlier to compare with."
            )
        elif not s.compared:
            self.doc.add_paragraph(
                f"There are no confirmed answers from before {day_month_year(s.start)} to compare with."
            )
        elif not s.changes:
            self.doc.add_paragraph(
                f"Nothing changed: what the pupil said before {day_month_year(s.start)} still holds."
            )
        else:
            self.doc.add_paragraph("Changes are information for the review, not mistakes: interests grow and change.")
            for change in s.changes:
                self.paragraph(change.text, "List Bullet")

    def encounters(self) -> None:
        self.heading("Careers encounters: before and after", 1)
        if not self.s.encounters:
            self.doc.add_paragraph("No careers encounters in this period.")
        for story in self.s.encounters:
            e = story.encounter
            self.heading(_t(f"{e.title}, {day_month_year(e.date)}"), 2)
            self.doc.add_paragraph(_t(encounter_details(story)))
            if story.rows:
                table = self.table(["About", "Before (what I expected)", "After (how it was)"])
                for row in story.rows:
                    cells = table.add_row().cells
                    cells[0].text = row.topic
                    self.points_cell(cells[1], row.before)
                    self.points_cell(cells[2], row.after)

    def thread(self) -> None:
        self.heading("From aspirations to experiences (the golden thread)", 1)
        if not self.s.thread:
            self.doc.add_paragraph("No aspirations recorded in this period.")
            return
        table = self.table(["My aspiration", "Encounter", "How I felt", "Next step (what I said)"])
        for link in self.s.thread:
            for step in link.steps or [None]:
                cells = table.add_row().cells
                self.points_cell(cells[0], [link.aspiration])
                if step is None:
                    cells[1].text = link.next_step
                    continue
                cells[1].text = _t(f"{step.story.encounter.title}, {day_month_year(step.story.encounter.date)}")
                self.points_cell(cells[2], step.felt)
                self.points_cell(cells[3], step.again + step.do_job)

    def gatsby(self) -> None:
        self.heading("Careers encounters by Gatsby Benchmark", 1)
        bench = self.s.benchmarks
        table = self.table(["Benchmark", "Evidence"])
        for n, name in BENCHMARKS.items():
            cells = table.add_row().cells
            cells[0].text = f"{n}. {name}"
            parts = [_t(f"{e.title} ({day_month_year(e.date)})") for e in bench.by_benchmark[n]]
            if n == 3 and bench.has_record:
                parts.insert(
                    0, f"The pupil's own career profile ({bench.entries} answer{'' if bench.entries == 1 else 's'})"
                )
            cells[1].text = "; ".join(parts) or "None yet"

    def adults(self) -> None:
        if not self.s.adult_notes_included:  # the school leaves this section out
            return
        self.heading("What adults noticed (the adults' views, not the pupil's words)", 1)
        if not self.s.adult_notes:
            self.doc.add_paragraph("No observations or adult views recorded in this period.")
            return
        table = self.table(["When", "Adult", "About", "What the adult noticed or thought"])
        for note in self.s.adult_notes:
            cells = table.add_row().cells
            cells[0].text = day_month_year(note.when)
            cells[1].text = note.adult_name
            cells[2].text = _t((f"{note.encounter_title}: " if note.encounter_title else "") + note.question)
            text = ", ".join(c.label for c in note.concepts)
            if note.text:
                text = f"{text}\n{note.text}" if text else note.text
            cells[3].text = _t(f"{text}\n({note.label})")

    def footer(self) -> None:
        paragraph = self.doc.add_paragraph()
        paragraph.add_run().add_break(WD_BREAK.LINE)
        paragraph.add_run(
            "Made by Pupil Voice from the pupil's career-profile record. Symbols: " + " ".join(self.images.credits())
        ).font.size = Pt(8)
        if self.labels_only:
            self.doc.add_paragraph(
                "Some symbols are shown by name in [brackets]: their pictures could "
                "not be converted for Word on this computer."
            ).runs[0].font.size = Pt(8)

    def bytes(self) -> bytes:
        for part in (
            self.header,
            self.section_a,
            self.areas,
            self.changes,
            self.encounters,
            self.thread,
            self.gatsby,
            self.adults,
            self.footer,
        ):
            part()
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()


def render_summary_docx(
    summary: ReviewSummary, images: SymbolImages | None = None, sets_root: Path | None = None
) -> bytes:
    """The staff summary as .docx bytes (editable; same points as the PDF)."""
    return _Writer(
        summary, images or SymbolImages(summary.symbol_set, school_id=summary.pupil.school_id, sets_root=sets_root)
    ).bytes()
