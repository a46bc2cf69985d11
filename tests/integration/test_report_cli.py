"""`flask report build` writes a draft PDF (and HTML) to files, storing nothing."""

import io
import os
import pty
import subprocess
import sys
from pathlib import Path

from pypdf import PdfReader
from sqlalchemy import func, select

from tests.clock import set_clock
from tests.integration.report_history import crafted_history
from tracker.reports import cli
from tracker.reports.models import Report

ROOT = Path(__file__).resolve().parents[2]


def test_builds_a_draft_to_files_quietly_when_not_on_a_terminal(runner, db, make, tmp_path, monkeypatch):
    set_clock(monkeypatch, 2027, 1, 8, 9)
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
    assert "Draft as at 8 January 2027: not yet approved" in reader.pages[0].extract_text()
    html = html_path.read_text()
    assert html.startswith("<!DOCTYPE html>") and '<html lang="en-GB">' in html and "VV-104" in html
    assert db.session.scalar(select(func.count(Report.id))) == 0


def test_a_draft_of_a_quarter_not_yet_ended_says_when_the_report_can_be_built(runner, db, make, tmp_path, monkeypatch):
    set_clock(monkeypatch, 2026, 12, 2, 21, 1)
    crafted_history(db, make)
    pdf_path = tmp_path / "q3.pdf"
    result = runner.invoke(args=["report", "build", "--quarter", "2026/27-Q3", "--out", str(pdf_path)])
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == (
        "This is a draft as at 2 December 2026: 2026/27 Q3 has not ended. "
        "You can build the 2026/27 Q3 report from 1 January 2027."
    )
    reader = PdfReader(io.BytesIO(pdf_path.read_bytes()))
    assert "Draft as at 2 December 2026: not yet approved" in reader.pages[0].extract_text()
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


def _read_all(fd):
    chunks = []
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # the terminal closes when the command exits
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks).decode()


def test_the_command_on_a_real_terminal_shows_its_progress(app, db, make, tmp_path):
    crafted_history(db, make)
    pdf_path = tmp_path / "q3.pdf"
    env = {key: value for key, value in os.environ.items() if not key.startswith(("TRACKER_", "DATABASE_URL"))}
    env.update(
        DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        TRACKER_INSTANCE_PATH=str(tmp_path / "instance"),
        TRACKER_ENV="embedded",
        COLUMNS="100",
    )
    leader, follower = pty.openpty()
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "report", "build"]
    process = subprocess.Popen(
        [*command, "--quarter", "2026/27-Q3", "--out", str(pdf_path)],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=follower,
    )
    os.close(follower)
    output = _read_all(leader)
    os.close(leader)
    assert process.wait(timeout=120) == 0, output

    assert "Reading the plan" in output and "Laying out pages" in output and "100%" in output
    pages = len(PdfReader(pdf_path).pages)
    assert f"Draft 2026/27 Q3 report: {pages} pages" in output and str(pdf_path) in output
