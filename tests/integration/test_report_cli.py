"""`flask report build` writes a draft PDF (and HTML) to files, storing nothing."""

import io

from pypdf import PdfReader
from sqlalchemy import func, select

from tests.integration.report_history import crafted_history
from tracker.reports import cli
from tracker.reports.models import Report


def test_builds_a_draft_to_files_quietly_when_not_on_a_terminal(runner, db, make, tmp_path):
    crafted_history(db, make)
    pdf_path, html_path = tmp_path / "q3.pdf", tmp_path / "q3.html"
    result = runner.invoke(
        args=["report", "build", "--quarter", "2026/27-Q3", "--out", str(pdf_path), "--html", str(html_path)]
    )
    assert result.exit_code == 0, result.output
    reader = PdfReader(io.BytesIO(pdf_path.read_bytes()))
    assert result.output.strip() == (
        f"Draft 2026/27 Q3 report: {len(reader.pages)} pages, {pdf_path.stat().st_size // 1024} KB, "
        f"written to {pdf_path} and {html_path}."
    )
    assert "Draft: not yet approved" in reader.pages[0].extract_text()
    html = html_path.read_text()
    assert html.startswith("<!DOCTYPE html>") and '<html lang="en-GB">' in html and "VV-104" in html
    assert db.session.scalar(select(func.count(Report.id))) == 0


def test_shows_progress_on_a_terminal(runner, db, make, tmp_path, monkeypatch):
    crafted_history(db, make)
    monkeypatch.setattr(cli, "on_terminal", lambda: True)
    result = runner.invoke(args=["report", "build", "--quarter", "2026/27 Q3", "--out", str(tmp_path / "r.pdf")])
    assert result.exit_code == 0, result.output
    assert "Reading the plan" in result.output


def test_refuses_a_quarter_it_cannot_read_or_that_has_not_started(runner, db, tmp_path):
    out = str(tmp_path / "r.pdf")
    bad = runner.invoke(args=["report", "build", "--quarter", "2026/28-Q3", "--out", out])
    assert bad.exit_code == 2 and "is not a financial year: 2026/27 is" in bad.output
    future = runner.invoke(args=["report", "build", "--quarter", "2099/00-Q1", "--out", out])
    assert future.exit_code == 2 and "2099/00 Q1 has not started yet." in future.output
    assert not (tmp_path / "r.pdf").exists()
