"""The trust overview: a trust account sees figures across its own schools
only (Gatsby coverage by school and benchmark, encounters by benchmark, pupils with a
confirmed voice for their review) and never a pupil: no name, no words, no id. Opening a
pupil's record needs a role in that pupil's school (assistant/services/pupils.py).

CSV columns (overview_csv), one row per school and benchmark, by school name then benchmark:

    school                   the school's name
    pupils                   the school's pupils
    confirmed_voice          pupils with at least one confirmed answer for their review
    benchmark                1 to 8
    benchmark_name           the benchmark's name
    pupils_meeting           pupils with any evidence for the benchmark (as the school's
                             own Gatsby records count it)
    percent                  pupils_meeting as a whole percentage of pupils (0 with no pupils)
    encounters               the school's encounters that evidence the benchmark
"""

from __future__ import annotations

import csv
import io
import textwrap
from dataclasses import dataclass, field

from markupsafe import Markup, escape
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assistant.errors import NotAllowed, NotFound
from assistant.record.models import Encounter, Entry, Pupil, School, Staff, Trust
from assistant.reports.gatsby import BENCHMARKS, coverage, csv_cell
from assistant.services import audit
from assistant.vocabulary import TRUST_ROLE

CSV_COLUMNS = [
    "school",
    "pupils",
    "confirmed_voice",
    "benchmark",
    "benchmark_name",
    "pupils_meeting",
    "percent",
    "encounters",
]


def schools_of(db: Session, trust_id: int) -> list[School]:
    """The trust's schools, by name."""
    return list(
        db.execute(select(School).where(School.trust_id == trust_id).order_by(School.name, School.id)).scalars()
    )


@dataclass
class SchoolFigures:
    """One school's aggregate figures: counts only, nothing that names a pupil."""

    name: str
    pupils: int
    confirmed_voice: int
    meeting: dict[int, int] = field(default_factory=dict)  # benchmark -> pupils with evidence
    encounters: dict[int, int] = field(default_factory=dict)  # benchmark -> encounters evidencing it

    def percent(self, benchmark: int) -> int:
        """Pupils meeting the benchmark as a whole percentage (0 for a school with no pupils)."""
        return round(100 * self.meeting[benchmark] / self.pupils) if self.pupils else 0


@dataclass
class Overview:
    """A trust's figures, school by school."""

    trust: str
    schools: list[SchoolFigures]


def _figures(db: Session, school: School) -> SchoolFigures:
    try:
        cover = coverage(db, school.id)
        meeting = {n: cover.pupils_meeting(n) for n in BENCHMARKS}
        pupils = len(cover.pupils)
    except NotFound:  # a school with no pupils yet
        meeting, pupils = {n: 0 for n in BENCHMARKS}, 0
    confirmed = db.execute(
        select(func.count(func.distinct(Entry.pupil_id)))
        .join(Pupil, Pupil.id == Entry.pupil_id)
        .where(Pupil.school_id == school.id, Entry.status == "confirmed")
    ).scalar_one()
    encounters = {n: 0 for n in BENCHMARKS}
    for listed in db.execute(select(Encounter.gatsby_benchmarks).where(Encounter.school_id == school.id)).scalars():
        for n in set(listed or []):
            if n in encounters:
                encounters[n] += 1
    return SchoolFigures(school.name, pupils, confirmed, meeting, encounters)


def overview(db: Session, staff: Staff, how: str = "page") -> Overview:
    """The figures of the trust account's schools; NotAllowed for any other account (a
    school's staff see their own school's records instead). Each viewing is audited
    (`how`: the page or the CSV)."""
    if staff.role != TRUST_ROLE or staff.trust_id is None:
        raise NotAllowed("Only a trust account sees the trust overview.")
    trust = db.get(Trust, staff.trust_id)
    figures = Overview(trust.name, [_figures(db, s) for s in schools_of(db, trust.id)])
    audit.log(db, staff, "trust_overview", None, f"{how}: {len(figures.schools)} schools")
    return figures


def overview_csv(figures: Overview) -> str:
    """The overview as CSV text (columns: CSV_COLUMNS, in this module's docstring)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for school in figures.schools:
        for n, name in BENCHMARKS.items():
            writer.writerow(
                [
                    csv_cell(school.name),
                    school.pupils,
                    school.confirmed_voice,
                    n,
                    name,
                    school.meeting[n],
                    school.percent(n),
                    school.encounters[n],
                ]
            )
    return out.getvalue()


def _figure(school: SchoolFigures, benchmark: int) -> str:
    """A school's figure for a benchmark, in words."""
    if not school.pupils:
        return "no pupils yet"
    return f"{school.meeting[benchmark]} of {school.pupils} pupils ({school.percent(benchmark)}%)"


def overview_svg(figures: Overview, chart_id: str = "trust-chart") -> Markup:
    """An inline SVG bar chart of Gatsby coverage: for each benchmark, one bar per school,
    each with the school's name and its figure in text (never colour alone).

    No script; role="img" with a title and a description that carries every figure (the
    table on the page has them too)."""
    schools = figures.schools
    # Narrow enough to stay readable on a phone: each school's name on its own line above
    # its bar, the figure in words beside the bar.
    bar_w, bar_h, name_h, line_h, gap = 250, 18, 18, 19, 8
    width = bar_w + 120
    # A benchmark's name takes one or two lines, then a name line and a bar per school.
    titles = {n: textwrap.wrap(f"{n}. {name}", 40)[:2] for n, name in BENCHMARKS.items()}
    row_h = name_h + bar_h + gap
    height = sum(line_h * len(lines) + 12 + len(schools) * row_h for lines in titles.values()) + 8
    desc = (
        "; ".join(f"benchmark {n}: " + ", ".join(f"{s.name} {_figure(s, n)}" for s in schools) for n in BENCHMARKS)
        if schools
        else "No schools in this trust yet"
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">Pupils with evidence for each Gatsby Benchmark, by school: '
        f"{escape(figures.trust)}</title>",
        f'<desc id="{chart_id}-desc">{escape(desc)}.</desc>',
    ]
    y = 0
    for n, lines in titles.items():
        for line in lines:
            parts.append(
                f'<text x="0" y="{y + 16}" font-size="14" font-weight="bold" fill="#111">{escape(line)}</text>'
            )
            y += line_h
        y += 12
        for school in schools:
            w = round(bar_w * school.meeting[n] / school.pupils) if school.pupils else 0
            short = school.name if len(school.name) <= 44 else school.name[:43] + "…"
            figure = (
                f"{school.meeting[n]} of {school.pupils} ({school.percent(n)}%)" if school.pupils else "no pupils yet"
            )
            parts += [
                f'<text x="0" y="{y + 13}" font-size="14" fill="#111">{escape(short)}</text>',
                f'<rect x="0" y="{y + name_h}" width="{bar_w}" height="{bar_h}" fill="#e6e6e6"/>',
                f'<rect x="0" y="{y + name_h}" width="{w}" height="{bar_h}" fill="#1d5fa8"/>',
                f'<text x="{bar_w + 6}" y="{y + name_h + 14}" font-size="14" fill="#111">{figure}</text>',
            ]
            y += row_h
    parts.append("</svg>")
    return Markup("".join(parts))
