"""HTML pages of the reports (Jinja2, autoescaped: pupils type HTML, emoji, any script).

Pages stand alone: styles inline and symbols as data: URIs, so a saved page and the PDF
made from it show every picture.
"""

from __future__ import annotations

import functools
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from assistant.reports.gatsby import BENCHMARKS
from assistant.reports.images import SymbolImages
from assistant.reports.one_page import one_page_profile
from assistant.reports.pupil_view import pupil_profile
from assistant.reports.summary import ReviewSummary
from assistant.reports.wording import (
    PROVENANCE_LABELS,
    SECTION_A_TEMPLATE,
    WORDS_WITHHELD,
    day_month_year,
    month_year,
    period_text,
    running_title,
)

TEMPLATES = Path(__file__).with_name("templates")


@functools.lru_cache(maxsize=1)
def environment() -> Environment:
    """The reports' Jinja2 environment (autoescape on for every template)."""
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["day"] = day_month_year
    env.filters["month"] = month_year
    return env


def render_summary_html(
    summary: ReviewSummary, images: SymbolImages | None = None, for_print: bool = False, sets_root: Path | None = None
) -> str:
    """The staff summary as a standalone, accessible HTML page."""
    images = images or SymbolImages(summary.symbol_set, school_id=summary.pupil.school_id, sets_root=sets_root)
    # Templates render top to bottom, so `credits()` in the footer names the sets used above.
    return (
        environment()
        .get_template("summary.html")
        .render(
            s=summary,
            period=period_text(summary.start, summary.end),
            img=images.data_uri,
            legend=PROVENANCE_LABELS,
            withheld=WORDS_WITHHELD,
            benchmarks=BENCHMARKS,
            for_print=for_print,
            credits=images.credits,
            section_a=one_page_profile(summary),
            template_name=SECTION_A_TEMPLATE,
            running=running_title(summary.pupil.display_name, summary.start, summary.end),
        )
    )


def render_pupil_html(
    summary: ReviewSummary, images: SymbolImages | None = None, for_print: bool = False, sets_root: Path | None = None
) -> str:
    """The pupil-friendly version ("my profile"): big symbols, very short words."""
    images = images or SymbolImages(summary.symbol_set, school_id=summary.pupil.school_id, sets_root=sets_root)
    return (
        environment()
        .get_template("my_profile.html")
        .render(p=pupil_profile(summary), img=images.data_uri, for_print=for_print, credits=images.credits)
    )


def render_one_page_html(
    summary: ReviewSummary, images: SymbolImages | None = None, for_print: bool = False, sets_root: Path | None = None
) -> str:
    """The "all about me" one-page profile (see one_page.py)."""
    images = images or SymbolImages(summary.symbol_set, school_id=summary.pupil.school_id, sets_root=sets_root)
    return (
        environment()
        .get_template("one_page.html")
        .render(
            s=summary,
            p=one_page_profile(summary),
            period=period_text(summary.start, summary.end),
            img=images.data_uri,
            withheld=WORDS_WITHHELD,
            for_print=for_print,
            credits=images.credits,
            running=running_title(summary.pupil.display_name, summary.start, summary.end),
        )
    )
