"""The report commands: list-pupils, review-summary, gatsby-csv."""

from __future__ import annotations

import csv

import docx
from sqlalchemy import select

from assistant.record.models import AuditEvent
from assistant.reports.gatsby import CSV_COLUMNS
from assistant.web.store import get_db


def _exports(app) -> list[str]:
    with app.app_context():
        return list(get_db().execute(select(AuditEvent.detail).where(AuditEvent.action == "export")).scalars())


def test_list_pupils(app):
    result = app.test_cli_runner().invoke(args=["list-pupils"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines == [f"{app.people[2]}\tSam Taylor", f"{app.people[3]}\tLeo Brown"]


def test_review_summary_in_each_format(app, tmp_path):
    runner = app.test_cli_runner()
    for fmt, magic in (("pdf", b"%PDF"), ("docx", b"PK"), ("html", b"<!DOCTYPE html>")):
        out = tmp_path / f"summary.{fmt}"
        result = runner.invoke(
            args=[
                "review-summary",
                str(app.people[2]),
                "--format",
                fmt,
                "--out",
                str(out),
                "--from",
                "2026-01-01",
                "--to",
                "2026-12-31",
            ]
        )
        assert result.exit_code == 0, result.output
        assert out.read_bytes().startswith(magic)
        assert out.stat().st_mode & 0o777 == 0o600  # a pupil's record: this account's only
    assert (
        docx.Document(str(tmp_path / "summary.docx")).paragraphs[0].text
        == "Pupil voice for the EHCP review: Sam Taylor"
    )
    result = runner.invoke(
        args=[
            "review-summary",
            str(app.people[2]),
            "--format",
            "html",
            "--for-pupil",
            "--out",
            str(tmp_path / "mine.html"),
        ]
    )
    assert result.exit_code == 0 and "My profile: Sam" in (tmp_path / "mine.html").read_text()


def test_review_summary_errors_are_clear(app, tmp_path):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["review-summary", "999", "--out", str(tmp_path / "x.pdf")])
    assert result.exit_code == 1
    assert "No pupil with id 999." in result.output and "Traceback" not in result.output
    result = runner.invoke(
        args=[
            "review-summary",
            str(app.people[2]),
            "--out",
            str(tmp_path / "x.pdf"),
            "--from",
            "2026-06-01",
            "--to",
            "2026-01-01",
        ]
    )
    assert result.exit_code == 1 and "starts after it ends" in result.output
    result = runner.invoke(
        args=["review-summary", str(app.people[2]), "--out", str(tmp_path / "no" / "such" / "x.pdf")]
    )
    assert result.exit_code == 1 and "Cannot write" in result.output
    assert _exports(app) == []  # nothing failed is logged as exported
    result = runner.invoke(
        args=["review-summary", str(app.people[2]), "--format", "docx", "--for-pupil", "--out", str(tmp_path / "x")]
    )
    assert result.exit_code == 1 and "not made as docx" in result.output and "Traceback" not in result.output


def test_gatsby_csv(app, tmp_path):
    runner = app.test_cli_runner()
    out = tmp_path / "gatsby.csv"
    result = runner.invoke(args=["gatsby-csv", "--out", str(out), "--group", "Oak class"])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(out.read_text(encoding="utf-8").splitlines()))
    assert rows[0] == CSV_COLUMNS and [r[2] for r in rows[1:]] == ["Sam"]
    assert [d.endswith(", command line") and d.startswith("Gatsby CSV") for d in _exports(app)] == [True]
    result = runner.invoke(args=["gatsby-csv", "--out", str(out), "--year", "12"])
    assert result.exit_code == 1 and "No pupils in Year 12." in result.output
