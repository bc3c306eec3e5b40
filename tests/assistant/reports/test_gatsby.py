"""Gatsby coverage: CSV columns and counts, the chart."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest

from assistant import reports
from assistant.errors import NotFound
from assistant.reports.gatsby import CSV_COLUMNS, coverage, coverage_csv, coverage_svg
from assistant.services.encounters import create_encounter
from assistant.services.schools import school_named


def _school(record):
    return school_named(record.db, None).id


def _rows(text):
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_columns_are_documented():
    doc = reports.gatsby.__doc__
    for column in CSV_COLUMNS:
        name = re.sub(r"_\d$", "", column)
        assert re.search(rf"\b{name}", doc), column


def test_coverage_counts(record):
    create_encounter(
        record.db, "careers_fair", "=cmd| transition fair", date(2026, 3, 1), pupil_ids=[record.sam.id, record.leo.id]
    )
    text = coverage_csv(coverage(record.db, _school(record)))
    assert text.splitlines()[0].split(",") == CSV_COLUMNS
    rows = {r["given_name"]: r for r in _rows(text)}
    sam, leo = rows["Sam"], rows["Leo"]
    assert (sam["group"], sam["year_group"]) == ("Oak class", "Year 11")
    assert [sam[f"benchmark_{n}"] for n in range(1, 9)] == ["0", "1", "1", "0", "1", "1", "1", "0"]
    assert [leo[f"benchmark_{n}"] for n in range(1, 9)] == ["0", "1", "0", "0", "1", "0", "1", "1"]
    assert (sam["no_workplace_experience"], sam["no_guidance_meeting"]) == ("no", "yes")
    assert (leo["no_workplace_experience"], leo["no_guidance_meeting"]) == ("yes", "no")
    assert sam["encounters"] == "2" and sam["entries"] == "19" and leo["entries"] == "0"
    assert sam["last_encounter"] == "2026-05-10"


def test_group_and_year_filters(record):
    assert [r["given_name"] for r in _rows(coverage_csv(coverage(record.db, _school(record), group="Oak class")))] == [
        "Sam"
    ]
    assert [r["given_name"] for r in _rows(coverage_csv(coverage(record.db, _school(record), year="10")))] == ["Leo"]
    assert [r["given_name"] for r in _rows(coverage_csv(coverage(record.db, _school(record), year="Year 11")))] == [
        "Sam"
    ]
    with pytest.raises(NotFound):
        coverage(record.db, _school(record), group="No such class")


def test_spreadsheet_formulas_are_not_run(record):
    record.sam.family_name = '=HYPERLINK("x")'
    record.db.commit()
    row = next(r for r in _rows(coverage_csv(coverage(record.db, _school(record)))) if r["given_name"] == "Sam")
    assert row["family_name"] == '\'=HYPERLINK("x")'


def test_chart_is_accessible_svg_with_a_table(record, db_url, monkeypatch, tmp_path):
    cover = coverage(record.db, _school(record))
    svg = str(coverage_svg(cover))
    assert svg.startswith("<svg") and 'role="img"' in svg and "<title id=" in svg and "<desc" in svg
    assert "script" not in svg.lower()
    assert "benchmark 6: 1 of 2" in svg
    html = _staff_page(db_url, monkeypatch, tmp_path, "/staff/gatsby")  # the page staff see
    assert "benchmark 6: 1 of 2" in html
    assert "<table>" in html and "<td>6. Experiences of workplaces</td><td>1 of 2</td>" in html
    assert "Leo Brown" in html.split("No workplace experience yet")[1]


def _staff_page(db_url, monkeypatch, tmp_path, path):
    """A staff page as the careers lead sees it, from the web app on the record's database."""
    from assistant import create_app
    from assistant.web.store import get_db

    monkeypatch.setenv("PUPIL_VOICE_INSTANCE", str(tmp_path / "instance"))
    app = create_app({"DATABASE_URL": db_url, "SECRET_KEY": "test", "TESTING": True})
    client = app.test_client()
    assert (
        client.post("/api/login", json={"email": "lead@school.test", "password": "correct horse battery"}).status_code
        == 200
    )
    response = client.get(path)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    with app.app_context():
        get_db().close()
    return html


def test_chart_labels_are_whole_and_above_their_bars(record):
    import re

    from assistant.reports.gatsby import BENCHMARKS

    svg = str(coverage_svg(coverage(record.db, _school(record))))
    width = int(re.search(r'width="(\d+)"', svg).group(1))
    labels = re.findall(r'<text x="0" y="(\d+)"[^>]*>([^<]+)</text>', svg)
    bars = [int(y) for y in re.findall(r'<rect x="0" y="(\d+)" width="\d+" height="22" fill="#e6e6e6"', svg)]
    assert [text for _, text in labels] == [f"{n}. {name}" for n, name in BENCHMARKS.items()]
    for (y, text), bar in zip(labels, bars):
        assert int(y) < bar  # the name sits above its bar, never beside it where it was cut off
        assert 7 * len(text) + 8 <= width  # room for the whole name at 13px
