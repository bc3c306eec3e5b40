"""The review summary as a tagged PDF/UA-1 made with Typst (PyPI `typst`: the compiler itself,
no download at run time).

Typst lays out the 1,000-answer summary about 30 times faster than WeasyPrint (figures in
docs/benchmarks.md "Reports"), so the summary PDF is made here; the short documents (one-page
profile, pupil version) stay with WeasyPrint. The same points as the HTML and Word versions:
`summary_data` turns the summary into plain strings and lists, written as JSON beside the
template, and templates/summary.typ reads it with `json()`. What pupils type is therefore only
ever a Typst string, never markup: nothing they write can run as Typst code.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

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
from assistant.vocabulary import ADULT_PROVENANCES
from symbols.catalogue import Concept

TEMPLATE = Path(__file__).with_name("templates") / "summary.typ"
PDF_STANDARD = "ua-1"  # tagged, accessible PDF, as the WeasyPrint documents (pdf.py)


class _Symbols:
    """Symbol files copied into the compile folder once each, named by number."""

    def __init__(self, images: SymbolImages, folder: Path):
        self.images, self.folder, self.names = images, folder, {}

    def __call__(self, concepts: list[Concept]) -> list[dict]:
        out = []
        for concept in concepts:
            path = self.images.path(concept)
            if path is None:
                continue
            if path not in self.names:
                name = f"s{len(self.names)}{path.suffix.lower()}"
                (self.folder / name).write_bytes(path.read_bytes())
                self.names[path] = name
            out.append({"file": self.names[path], "alt": concept.alt})
        return out


def _words(words: str) -> str:
    return words if words == WORDS_WITHHELD else f"\u201c{words}\u201d"


def summary_data(summary: ReviewSummary, sym) -> dict:
    """Everything summary.typ prints, as JSON-ready values (sym: concepts -> symbol files)."""
    s = summary

    def point(p: Point, when: bool = True) -> dict:
        return {
            "sym": sym(p.concepts),
            "statement": p.statement,
            "words": [_words(w) for w in p.words],
            "prov": p.provenance_label,
            "adult": p.provenance in ADULT_PROVENANCES,
            "when": (p.when + (f", {p.drafts} not yet confirmed" if p.drafts else "")) if when else "",
        }

    where = ", ".join(x for x in (s.pupil.year_group or "", s.pupil.group.name if s.pupil.group else "") if x)
    notices = []
    if s.include_drafts:
        notices.append(
            "This summary includes answers that are not yet confirmed by the pupil; they are "
            "marked \u201cnot yet confirmed\u201d."
        )
    elif s.drafts_left_out:
        n = s.drafts_left_out
        notices.append(
            f"Only answers the pupil confirmed are shown. {n} answer{'s' if n != 1 else ''} not yet "
            f"confirmed {'are' if n != 1 else 'is'} left out."
        )
    if not s.words_shareable:
        notices.append(
            "Sharing: the pupil asked that their own words stay in school. This summary shows what "
            "they chose, not their words." + (f" Note: {s.sharing_note}" if s.sharing_note else "")
        )
    elif s.sharing_note:
        notices.append(f"Sharing note: {s.sharing_note}")
    meta = [
        f"{where + '. ' if where else ''}Answers {period_text(s.start, s.end)}. Made on {day_month_year(s.made_at)}."
    ]
    if not s.include_drafts and not s.drafts_left_out:
        meta.append("Only answers the pupil confirmed are shown.")
    meta.append(
        "Every point says how it was given: "
        + "; ".join(PROVENANCE_LABELS.values())
        + "."
        + (ADULTS_APART if s.adult_notes_included else "")
    )
    meta.append(f"Order: {SECTION_A_TEMPLATE}")

    if not s.start:
        changes_intro = "This summary covers every answer so far, so there is nothing earlier to compare with."
    elif not s.compared:
        changes_intro = f"There are no confirmed answers from before {day_month_year(s.start)} to compare with."
    elif not s.changes:
        changes_intro = f"Nothing changed: what the pupil said before {day_month_year(s.start)} still holds."
    else:
        changes_intro = "Changes are information for the review, not mistakes: interests grow and change."

    encounters = []
    for story in s.encounters:
        e = story.encounter
        encounters.append(
            {
                "title": f"{e.title}, {day_month_year(e.date)}",
                "details": encounter_details(story),
                "rows": [
                    {
                        "topic": r.topic,
                        "before": [point(p, False) for p in r.before],
                        "after": [point(p, False) for p in r.after],
                    }
                    for r in story.rows
                ],
            }
        )

    thread = []
    for link in s.thread:
        aspiration = point(link.aspiration, False) | {"sym": sym([link.concept])}
        steps = [
            {
                "encounter": f"{st.story.encounter.title}, {day_month_year(st.story.encounter.date)}"
                + (
                    f" (and {link.earlier} earlier encounter{'s' if link.earlier != 1 else ''})"
                    if i == 0 and link.earlier
                    else ""
                ),
                "felt": [point(p, False) for p in st.felt],
                "next": [point(p, False) for p in st.again + st.do_job],
            }
            for i, st in enumerate(link.steps)
        ]
        thread.append({"aspiration": aspiration, "steps": steps, "next_step": link.next_step})

    bench = s.benchmarks
    gatsby = []
    for n, name in BENCHMARKS.items():
        parts = [f"{e.title} ({day_month_year(e.date)})" for e in bench.by_benchmark[n]]
        if n == 3 and bench.has_record:
            parts.insert(
                0, f"The pupil's own career profile ({bench.entries} answer{'' if bench.entries == 1 else 's'})"
            )
        gatsby.append({"name": f"{n}. {name}", "evidence": "; ".join(parts) or "None yet"})

    notes = []
    for note in s.adult_notes:
        notes.append(
            {
                "when": day_month_year(note.when),
                "adult": note.adult_name,
                "about": (f"{note.encounter_title}: " if note.encounter_title else "") + note.question,
                "sym": sym(note.concepts),
                "concepts": ", ".join(c.label for c in note.concepts),
                "text": note.text or "",
                "label": note.label,
            }
        )

    return {
        "title": f"Pupil voice for the EHCP review: {s.pupil.display_name}",
        "running": running_title(s.pupil.display_name, s.start, s.end),
        "meta": meta,
        "notices": notices,
        "section_a": [
            {"title": title, "points": [point(p) for p in points]} for _key, title, points in one_page_profile(s).parts
        ],
        "areas": [
            {
                "title": section.title,
                "parts": [
                    {"title": title, "points": [point(p) for p in points]} for _key, title, points in section.parts
                ],
            }
            for section in s.sections
        ],
        "changes_intro": changes_intro,
        "changes": [{"sym": sym([c.concept]), "text": c.text} for c in s.changes],
        "encounters": encounters,
        "thread": thread,
        "gatsby": gatsby,
        "notes": notes,
        "notes_included": s.adult_notes_included,
        "credits": sym.images.credits(),
    }


class TypstFailed(Exception):
    """Typst could not make the PDF (a picture it cannot read): pdf.py falls back to WeasyPrint."""


def render_summary_pdf_typst(
    summary: ReviewSummary, images: SymbolImages | None = None, sets_root: Path | None = None
) -> bytes:
    """The staff summary as an A4, tagged PDF/UA-1 (the same points as the HTML and Word);
    TypstFailed when Typst cannot make it. `sets_root`: the folder of every school's symbol
    sets (<instance>/symbol_sets); the pupil's school's are used."""
    import typst  # loaded only when a PDF is asked for

    images = images or SymbolImages(summary.symbol_set, school_id=summary.pupil.school_id, sets_root=sets_root)
    with tempfile.TemporaryDirectory(prefix="pv-summary-") as tmp:
        folder = Path(tmp)
        sym = _Symbols(images, folder)
        data = summary_data(summary, sym)
        (folder / "data.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        (folder / "main.typ").write_bytes(TEMPLATE.read_bytes())
        # The compile folder is the root: the template can read nothing outside it.
        try:
            return typst.compile(str(folder / "main.typ"), root=str(folder), pdf_standards=[PDF_STANDARD])
        except typst.TypstError as exc:
            raise TypstFailed(exc.message) from exc
