"""Gatsby Benchmark records: each pupil's encounters by benchmark, and the coverage of a
group, a year group or the whole school, as CSV and as an SVG bar chart.

A pupil's encounters are those they are listed on plus those their entries refer to (a
debrief names its encounter). Benchmark 3 ("addressing the needs of each pupil": records
kept for each pupil) is met by every pupil with at least one career-profile entry.

CSV columns (coverage_csv), one row per pupil, ordered by group, year group and name:

    pupil_id                 the record's id for the pupil
    reference                the school's own reference (admission number), or empty
    given_name, family_name  the pupil's names
    year_group, group        as recorded (empty when none)
    entries                  career-profile entries, drafts and confirmed (not discarded)
    encounters               careers encounters in the period
    benchmark_1..benchmark_8 encounters evidencing that benchmark; benchmark_3 also counts
                             1 for the pupil's own record when there is at least one entry
    no_workplace_experience  "yes" when benchmark_6 is 0 (no workplace visit or experience)
    no_guidance_meeting      "yes" when benchmark_8 is 0 (no careers guidance meeting)
    last_encounter           date of the latest encounter (YYYY-MM-DD), or empty

A text cell beginning with =, +, -, @ or a tab is prefixed with ' so that spreadsheets
show it rather than run it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from markupsafe import Markup, escape
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assistant.errors import NotAllowed, NotFound
from assistant.record.models import Encounter, Entry, Group, Pupil, Staff, encounter_pupils
from assistant.services import audit
from assistant.services.files import write_private_file
from assistant.services.pupils import groups_of
from assistant.vocabulary import WHOLE_SCHOOL_ROLES

BENCHMARKS = {
    1: "A stable careers programme",
    2: "Learning from career and labour market information",
    3: "Addressing the needs of each pupil",
    4: "Linking curriculum learning to careers",
    5: "Encounters with employers and employees",
    6: "Experiences of workplaces",
    7: "Encounters with further and higher education",
    8: "Personal guidance",
}
RECORD_BENCHMARK = 3
WORKPLACE_BENCHMARK = 6
GUIDANCE_BENCHMARK = 8

CSV_COLUMNS = [
    "pupil_id",
    "reference",
    "given_name",
    "family_name",
    "year_group",
    "group",
    "entries",
    "encounters",
    *[f"benchmark_{n}" for n in BENCHMARKS],
    "no_workplace_experience",
    "no_guidance_meeting",
    "last_encounter",
]


@dataclass
class PupilBenchmarks:
    """One pupil's encounters by benchmark (1-8)."""

    pupil: Pupil
    encounters: list[Encounter]
    entries: int
    by_benchmark: dict[int, list[Encounter]] = field(default_factory=dict)

    @property
    def has_record(self) -> bool:
        return self.entries > 0

    def count(self, benchmark: int) -> int:
        """Evidence for a benchmark (benchmark 3 counts the pupil's own record once)."""
        extra = 1 if benchmark == RECORD_BENCHMARK and self.has_record else 0
        return len(self.by_benchmark.get(benchmark, [])) + extra

    @property
    def no_workplace_experience(self) -> bool:
        return self.count(WORKPLACE_BENCHMARK) == 0

    @property
    def no_guidance_meeting(self) -> bool:
        return self.count(GUIDANCE_BENCHMARK) == 0


@dataclass
class Coverage:
    """The benchmarks of a set of pupils."""

    title: str
    pupils: list[PupilBenchmarks]
    start: date | None = None
    end: date | None = None

    def pupils_meeting(self, benchmark: int) -> int:
        """How many pupils have any evidence for a benchmark."""
        return sum(1 for p in self.pupils if p.count(benchmark) > 0)

    @property
    def without_workplace(self) -> list[PupilBenchmarks]:
        return [p for p in self.pupils if p.no_workplace_experience]

    @property
    def without_guidance(self) -> list[PupilBenchmarks]:
        return [p for p in self.pupils if p.no_guidance_meeting]


def _in_period(query, start: date | None, end: date | None):
    if start:
        query = query.where(Encounter.date >= start)
    if end:
        query = query.where(Encounter.date <= end)
    return query


def _benchmarks(pupil: Pupil, encounters: list[Encounter], entries: int) -> PupilBenchmarks:
    encounters = sorted({e.id: e for e in encounters}.values(), key=lambda e: (e.date, e.id))
    by_benchmark: dict[int, list[Encounter]] = {n: [] for n in BENCHMARKS}
    for encounter in encounters:
        for benchmark in sorted(set(encounter.gatsby_benchmarks or [])):
            if benchmark in by_benchmark:
                by_benchmark[benchmark].append(encounter)
    return PupilBenchmarks(pupil, encounters, entries, by_benchmark)


def pupil_benchmarks(db: Session, pupil_id: int, start: date | None = None, end: date | None = None) -> PupilBenchmarks:
    """One pupil's encounters by benchmark, in the period (all time by default)."""
    pupil = db.get(Pupil, pupil_id)
    if pupil is None:
        raise NotFound(f"No pupil with id {pupil_id}.")
    return _for_pupils(db, [pupil], start, end)[0]


def _for_pupils(db: Session, pupils: list[Pupil], start: date | None, end: date | None) -> list[PupilBenchmarks]:
    ids = {p.id for p in pupils}
    only = next(iter(ids)) if len(ids) == 1 else None
    listed = select(encounter_pupils.c.pupil_id, encounter_pupils.c.encounter_id)
    # Ids only: DISTINCT over whole encounter rows fails on PostgreSQL's json columns.
    named = (
        select(Entry.pupil_id, Entry.encounter_id)
        .where(Entry.encounter_id.is_not(None), Entry.status != "discarded")
        .distinct()
    )
    counts = select(Entry.pupil_id, func.count()).where(Entry.status != "discarded").group_by(Entry.pupil_id)
    if only is not None:
        listed = listed.where(encounter_pupils.c.pupil_id == only)
        named = named.where(Entry.pupil_id == only)
        counts = counts.where(Entry.pupil_id == only)
    pairs = [(p, e) for query in (listed, named) for p, e in db.execute(query) if p in ids]
    wanted = {e for _, e in pairs}
    encounters: dict[int, Encounter] = {}
    if wanted:
        query = _in_period(select(Encounter), start, end)
        if len(wanted) <= 500:
            query = query.where(Encounter.id.in_(wanted))
        encounters = {e.id: e for e in db.execute(query).scalars() if e.id in wanted}
    found: dict[int, list[Encounter]] = {i: [] for i in ids}
    for pupil_id, encounter_id in pairs:
        if encounter_id in encounters:
            found[pupil_id].append(encounters[encounter_id])
    entries = {pupil_id: n for pupil_id, n in db.execute(counts)}
    return [_benchmarks(p, found[p.id], entries.get(p.id, 0)) for p in pupils]


def _year_matches(value: str | None, year: str) -> bool:
    value = (value or "").strip().lower()
    year = year.strip().lower()
    return value == year or value == f"year {year}" or value.removeprefix("year ").strip() == year


def coverage(
    db: Session,
    school_id: int,
    group: str | None = None,
    year: str | None = None,
    start: date | None = None,
    end: date | None = None,
) -> Coverage:
    """Benchmarks for the pupils of one school's group and/or year group (the whole school
    by default).

    Raises NotFound when no pupil matches (a mistyped group or year reads as an error,
    not as an empty school).
    """
    query = select(Pupil).outerjoin(Group, Group.id == Pupil.group_id).where(Pupil.school_id == school_id)
    if group:
        query = query.where(Group.name == group)
    pupils = sorted(
        db.execute(query).scalars(),
        key=lambda p: (p.group.name if p.group else "", p.year_group or "", p.given_name, p.family_name, p.id),
    )
    if year:
        pupils = [p for p in pupils if _year_matches(p.year_group, year)]
    parts = [
        f"group {group}" if group else "",
        year if year and year.lower().startswith("year") else (f"Year {year}" if year else ""),
    ]
    title = " and ".join(p for p in parts if p) or "Whole school"
    if not pupils:
        raise NotFound(f"No pupils in {title}.")
    return Coverage(title[:1].upper() + title[1:], _for_pupils(db, pupils, start, end), start, end)


def csv_cell(value: object) -> str:
    """A CSV cell a spreadsheet will not run as a formula (a leading =, +, -, @ is quoted)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def coverage_csv(cover: Coverage) -> str:
    """The coverage as CSV text (columns: CSV_COLUMNS, described in this module's docstring)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in cover.pupils:
        pupil = row.pupil
        last = row.encounters[-1].date.isoformat() if row.encounters else ""
        writer.writerow(
            [
                pupil.id,
                csv_cell(pupil.reference),
                csv_cell(pupil.given_name),
                csv_cell(pupil.family_name),
                csv_cell(pupil.year_group),
                csv_cell(pupil.group.name if pupil.group else ""),
                row.entries,
                len(row.encounters),
                *[row.count(n) for n in BENCHMARKS],
                "yes" if row.no_workplace_experience else "no",
                "yes" if row.no_guidance_meeting else "no",
                last,
            ]
        )
    return out.getvalue()


def coverage_svg(cover: Coverage, chart_id: str = "gatsby-chart") -> Markup:
    """An inline SVG bar chart: pupils with evidence for each benchmark, out of all of them.

    No script; role="img" with a title and description (the numbers are also in a table).
    """
    total = len(cover.pupils)
    # Each benchmark's full name on its own line above its bar, so no label is ever cut off.
    bar_w, row_h, top = 400, 52, 6
    height = top + row_h * len(BENCHMARKS) + 6
    width = max(bar_w + 90, 8 + 7 * max(len(f"{n}. {name}") for n, name in BENCHMARKS.items()))
    desc = "; ".join(f"benchmark {n}: {cover.pupils_meeting(n)} of {total}" for n in BENCHMARKS)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" style="max-width:100%;height:auto" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">Pupils with evidence for each Gatsby Benchmark: {escape(cover.title)}</title>',
        f'<desc id="{chart_id}-desc">{total} pupils. {desc}.</desc>',
    ]
    for i, (n, name) in enumerate(BENCHMARKS.items()):
        y = top + i * row_h
        met = cover.pupils_meeting(n)
        w = round(bar_w * met / total) if total else 0
        parts += [
            f'<text x="0" y="{y + 14}" font-size="13" fill="#111">{n}. {escape(name)}</text>',
            f'<rect x="0" y="{y + 20}" width="{bar_w}" height="22" fill="#e6e6e6"/>',
            f'<rect x="0" y="{y + 20}" width="{w}" height="22" fill="#1d5fa8"/>',
            f'<text x="{bar_w + 8}" y="{y + 36}" font-size="13" fill="#111">{met} of {total}</text>',
        ]
    parts.append("</svg>")
    return Markup("".join(parts))


@dataclass
class StaffCoverage:
    """The benchmarks page of one member of staff: the coverage of the group and year asked
    for (None, with why, when no pupil matches), and the groups they may choose from."""

    cover: Coverage | None
    empty: str
    group: str | None
    year: str | None
    group_names: list[str]
    whole_school: bool


def coverage_for_staff(db: Session, staff: Staff, group: str | None = None, year: str | None = None) -> StaffCoverage:
    """Coverage for the group and year asked for; advocates see only their own groups (the
    first of them when another is asked for; NotAllowed when they have none)."""
    whole_school = staff.role in WHOLE_SCHOOL_ROLES
    if whole_school:
        names = [g.name for g in groups_of(db, staff.school_id)]
    else:
        names = sorted(g.name for g in staff.groups)
        if group not in names:
            group = names[0] if names else None
        if group is None:
            raise NotAllowed("The benchmarks are shown for your groups, and you have none yet.")
    try:
        cover, empty = coverage(db, staff.school_id, group=group, year=year), ""
    except NotFound as none:  # no pupil in that group or year: the page says so
        cover, empty = None, none.message
    return StaffCoverage(cover, empty, group, year, names, whole_school)


def coverage_csv_for_staff(db: Session, staff: Staff, group: str | None = None, year: str | None = None) -> str:
    """The CSV of `coverage_for_staff` (NotFound when no pupil matches); the export goes in
    the audit log."""
    shown = coverage_for_staff(db, staff, group, year)
    if shown.cover is None:
        raise NotFound(shown.empty)
    audit.log(db, staff, "export", None, f"Gatsby CSV: {shown.cover.title}")
    return coverage_csv(shown.cover)


def export_coverage_csv_as_server(
    db: Session, school_id: int, out: Path, group: str | None = None, year: str | None = None
) -> Coverage:
    """Write a school's coverage as CSV to `out`, for the server's own command line (NotFound
    when no pupil matches); the export goes in the audit log once the file is written."""
    cover = coverage(db, school_id, group=group, year=year)
    write_private_file(out, coverage_csv(cover).encode("utf-8"))
    audit.record(db, None, "export", None, f"Gatsby CSV: {cover.title}, command line", school_id=school_id)
    db.commit()
    return cover
