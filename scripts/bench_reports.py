"""Benchmark the reports on synthetic data in a temporary SQLite database.

    .venv/bin/python scripts/bench_reports.py [--repeat 3]

Builds one pupil with 1,000 entries (interests, aspirations, recalls, debriefs over five
years) and 300 pupils with five years of encounters, then times the review summary
(data, HTML, PDF by Typst and by WeasyPrint, DOCX) and the Gatsby coverage CSV. Prints the best and median of the runs.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert  # noqa: E402

from assistant.conversation.plans import steps_for  # noqa: E402
from assistant.record.database import make_engine, make_session_factory  # noqa: E402
from assistant.record.migrate import upgrade  # noqa: E402
from assistant.record.models import ConversationSession, Encounter, Entry, Group, Pupil, encounter_pupils, new_id  # noqa: E402
from assistant.reports import (  # noqa: E402
    coverage,
    coverage_csv,
    render_one_page_pdf,
    render_pupil_pdf,
    render_summary_docx,
    render_summary_html,
    render_summary_pdf,
    review_summary,
)
from assistant.reports.pdf import render_summary_pdf_weasyprint  # noqa: E402
from assistant.services.encounters import ENCOUNTER_TYPES  # noqa: E402
from symbols.catalogue import load_catalogue  # noqa: E402

START = date(2021, 9, 1)
SCHOOL = 1  # the first school, made by the migrations
DAYS = 5 * 365


def build(db, rng: random.Random) -> int:
    """300 pupils in 12 groups with five years of encounters; pupil 1 has 1,000 entries."""
    catalogue = load_catalogue()
    groups = [Group(school_id=SCHOOL, name=f"Class {i}") for i in range(12)]
    db.add_all(groups)
    db.flush()
    pupils = [
        Pupil(
            school_id=SCHOOL,
            given_name=f"Pupil{i}",
            family_name="Test",
            year_group=f"Year {7 + i % 6}",
            group_id=groups[i % 12].id,
        )
        for i in range(300)
    ]
    db.add_all(pupils)
    db.flush()
    types = list(ENCOUNTER_TYPES)
    encounters = []
    for i in range(400):  # about 80 a year
        kind = rng.choice(types)
        encounters.append(
            Encounter(
                school_id=SCHOOL,
                type=kind,
                title=f"{ENCOUNTER_TYPES[kind][0]} {i}",
                date=START + timedelta(days=rng.randrange(DAYS)),
                place="Town",
                gatsby_benchmarks=list(ENCOUNTER_TYPES[kind][1]),
            )
        )
    db.add_all(encounters)
    db.flush()
    links = {(e.id, p.id) for p in pupils for e in rng.sample(encounters, rng.randrange(3, 15))}
    db.execute(insert(encounter_pupils), [{"encounter_id": e, "pupil_id": p} for e, p in links])

    sam = pupils[0]
    by_type = {t: [c.id for c in catalogue.of_type(t)] for t in catalogue.types}
    plans = {name: steps_for(name) for name in ("interests", "aspirations", "debrief", "prepare")}
    mine = [e for e in encounters if (e.id, sam.id) in links]
    rows, sessions = [], []

    def session(moment, when, encounter=None):
        sessions.append(
            {
                "id": new_id(),
                "rasa_sender_id": new_id(),
                "pupil_id": sam.id,
                "conversation": moment,
                "status": "finished",
                "created_at": when,
                "adult_present": True,
                "adult_name": "Mr TA",
                "encounter_id": encounter.id if encounter else None,
            }
        )
        return sessions[-1]["id"]

    def entry(session_id, moment, step, when, encounter=None):
        kind, concepts, rating = "concept", [], None
        if step.board == "scale":
            kind, rating = "rating", rng.choice(("like", "not_sure", "dont_like"))
        else:
            pool = [c for t in step.types if t != "*" for c in by_type.get(t, [])] or by_type["interest"]
            concepts = rng.sample(pool, rng.choice((1, 1, 2)))
        provenance = rng.choice(("independent",) * 6 + ("prompted", "supported", "interpreted", "adult_view"))
        rows.append(
            {
                "id": new_id(),
                "pupil_id": sam.id,
                "session_id": session_id,
                "moment": moment,
                "step": step.id,
                "question": step.text("the visit"),
                "answer_kind": kind,
                "concept_ids": concepts,
                "stance": step.stance,
                "rating": rating or {"like": "like", "dont_like": "dont_like"}.get(step.stance),
                "words": rng.choice((None, None, "i lik it <b>a lot</b> \U0001f600")),
                "input_mode": "typed",
                "provenance": provenance,
                "adult_name": "Mr TA",
                "symbol_set": "openmoji",
                "status": rng.choice(("confirmed",) * 9 + ("draft",)),
                "checked_back": True,
                "encounter_id": encounter.id if encounter else None,
                "created_at": when,
                "updated_at": when,
                "confirmed_at": when,
            }
        )

    # As in school: one prepare and one debrief conversation per encounter attended ...
    for encounter in mine:
        for moment, days in (("prepare", -2), ("debrief", 0)):
            when = datetime.combine(encounter.date + timedelta(days=days), datetime.min.time()) + timedelta(hours=14)
            sid = session(moment, when, encounter)
            for step in plans[moment]:
                entry(sid, moment, step, when, encounter)
    # ... and interests and aspirations conversations over five years up to 1,000 entries.
    while len(rows) < 1000:
        when = datetime.combine(START, datetime.min.time()) + timedelta(
            days=rng.randrange(DAYS), hours=rng.randrange(8, 16)
        )
        moment = rng.choice(("interests", "interests", "aspirations"))
        sid = session(moment, when)
        for step in plans[moment]:
            if len(rows) < 1000:
                entry(sid, moment, step, when)
    db.execute(insert(ConversationSession), sessions)
    db.execute(insert(Entry), rows)
    # Every other pupil has a handful of entries, so benchmark 3 varies across the school.
    extra = [
        {
            "id": new_id(),
            "pupil_id": p.id,
            "session_id": None,
            "moment": "interests",
            "step": "likes",
            "question": "What do you like doing?",
            "answer_kind": "concept",
            "concept_ids": ["cooking"],
            "stance": "like",
            "rating": "like",
            "words": None,
            "input_mode": "touch",
            "provenance": "independent",
            "adult_name": "",
            "symbol_set": "openmoji",
            "status": "confirmed",
            "checked_back": True,
            "created_at": datetime(2025, 1, 1),
            "updated_at": datetime(2025, 1, 1),
        }
        for p in pupils[1::2]
        for _ in range(5)
    ]
    db.execute(insert(Entry), extra)
    db.commit()
    return sam.id


def timed(fn, repeat: int) -> tuple[float, float, object]:
    runs, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        runs.append(time.perf_counter() - t0)
    return min(runs), statistics.median(runs), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", default="", help="run only the cases whose name holds this text")
    args = parser.parse_args()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        upgrade(url)
        engine = make_engine(url)
        Session = make_session_factory(engine)
        with Session() as db:
            t0 = time.perf_counter()
            pupil_id = build(db, rng)
            print(f"synthetic data built in {time.perf_counter() - t0:.1f} s")
        start, end = date(2025, 9, 1), date(2026, 8, 31)
        cases = {
            "summary data, 1 year (of 1,000 entries)": lambda db: review_summary(db, pupil_id, start, end),
            "summary data, all 5 years": lambda db: review_summary(db, pupil_id),
            "summary HTML, 1 year": lambda db: render_summary_html(review_summary(db, pupil_id, start, end)),
            "summary PDF, 1 year": lambda db: render_summary_pdf(review_summary(db, pupil_id, start, end)),
            # The renderer the summary PDF used before Typst, with the tuned print CSS, to compare.
            "summary PDF by WeasyPrint, 1 year": lambda db: render_summary_pdf_weasyprint(
                review_summary(db, pupil_id, start, end)
            ),
            "summary DOCX, 1 year": lambda db: render_summary_docx(review_summary(db, pupil_id, start, end)),
            "summary PDF, all 5 years": lambda db: render_summary_pdf(review_summary(db, pupil_id)),
            "summary DOCX, all 5 years": lambda db: render_summary_docx(review_summary(db, pupil_id)),
            "summary PDF by WeasyPrint, all 5 years": lambda db: render_summary_pdf_weasyprint(
                review_summary(db, pupil_id)
            ),
            "one-page profile PDF, 1 year": lambda db: render_one_page_pdf(review_summary(db, pupil_id, start, end)),
            "pupil's own version PDF, 1 year": lambda db: render_pupil_pdf(review_summary(db, pupil_id, start, end)),
            "pupil's own version PDF, all 5 years": lambda db: render_pupil_pdf(review_summary(db, pupil_id)),
            "Gatsby CSV, 300 pupils, 5 years": lambda db: coverage_csv(coverage(db, SCHOOL)),
            "Gatsby CSV, one group (25 pupils)": lambda db: coverage_csv(coverage(db, SCHOOL, group="Class 3")),
        }
        print(f"load average at start: {os.getloadavg()[0]:.1f}")
        print(f"{'case':44} {'best s':>8} {'median s':>9}  output")
        for name, fn in cases.items():
            if args.only not in name:
                continue

            def run(fn=fn):
                with Session() as db:  # a fresh session each run: nothing cached in the identity map
                    return fn(db)

            best, median, out = timed(run, args.repeat)
            size = f"{len(out):,} bytes/chars" if isinstance(out, (bytes, str)) else ""
            print(f"{name:44} {best:8.3f} {median:9.3f}  {size}")
        engine.dispose()
    print(f"load average at end: {os.getloadavg()[0]:.1f}")
    print(f"Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
