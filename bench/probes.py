"""Figures measured in a fresh child process each, so that each one's peak memory is its own.

Run as `python -m bench.probes NAME --database URL --workdir DIR --repeat N`; prints one JSON line.
A probe whose feature is not in the app yet answers {"available": false, "reason": ...}.
"""

import argparse
import importlib
import io
import json
import pkgutil
import re
import statistics
import sys
import time
from pathlib import Path

from bench.databases import bench_app
from bench.pages import peak_rss_mib
from tracker.common.statements import counting_statements
from tracker.common.types import utcnow
from tracker.extensions import db

PROBES = {}


def probe(name):
    def register(function):
        PROBES[name] = function
        return function

    return register


REQUIRES = {
    "reminders": ("tracker.notify", ("build_weekly_digests",)),
    "report": ("tracker.reports", ("build_snapshot", "render_report_html", "render_report_pdf")),
    "export": ("tracker.spreadsheets", ("write_workbook",)),
    "import": ("tracker.spreadsheets", ("start_import", "dry_run", "confirm")),
}


def missing(name):
    """Why a probe cannot run in this app yet, or None when it can."""
    package, functions = REQUIRES[name]
    absent = [function for function in functions if find_callable(package, function) is None]
    if absent:
        return f"{package} has no {', '.join(absent)} yet"
    return None


def unavailable(reason):
    return {"available": False, "reason": reason}


def find_callable(package_name, *names):
    """The first function called one of `names` in any module of a feature package, or None."""
    try:
        package = importlib.import_module(package_name)
    except ImportError:
        return None
    modules = [package]
    for info in pkgutil.walk_packages(package.__path__, prefix=f"{package_name}."):
        try:
            modules.append(importlib.import_module(info.name))
        except ImportError:
            continue
    for name in names:
        for module in modules:
            function = getattr(module, name, None)
            if callable(function):
                return function
    return None


def timed(function, *args, **kwargs):
    """(seconds, result) of one call."""
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - started, result


@probe("reminders")
def reminders(options):
    """The weekly digest reconcile: seconds and statements (reading, and per digest queued), rolled back."""
    build = find_callable("tracker.notify", "build_weekly_digests")
    if build is None:
        return unavailable("tracker.notify has no build_weekly_digests yet")
    plan = find_callable("tracker.notify", "plan_weekly_digests")
    now = utcnow()
    seconds, statements, reading, digests = [], set(), set(), 0
    for _ in range(options.repeat):
        if plan is not None:
            with counting_statements(db.engine) as log:
                plan(now)
            reading.add(log.count)
            db.session.rollback()
        with counting_statements(db.engine) as log:
            elapsed, queued = timed(build, now)
            db.session.flush()
        db.session.rollback()
        seconds.append(elapsed)
        statements.add(log.count)
        digests = len(queued)
    return {
        "seconds": statistics.median(seconds),
        "statements": sorted(statements),
        "reading_statements": sorted(reading),
        "digests": digests,
    }


def _previous_quarter():
    from tracker.common.dates import local_today
    from tracker.common.quarters import quarter_of

    return quarter_of(local_today()).previous()


@probe("report")
def report(options):
    """The quarterly PDF built by WeasyPrint, then the same HTML printed by Chromium, side by side."""
    build_snapshot = find_callable("tracker.reports", "build_snapshot")
    render_html = find_callable("tracker.reports", "render_report_html")
    render_pdf = find_callable("tracker.reports", "render_report_pdf")
    if not (build_snapshot and render_html and render_pdf):
        return unavailable("tracker.reports has no build_snapshot, render_report_html and render_report_pdf yet")
    from playwright.sync_api import sync_playwright

    quarter = _previous_quarter()
    builds, pdf_only, printing, unstyled_weasyprint, unstyled_chromium = [], [], [], [], []
    with sync_playwright() as playwright:
        # Rounds alternate the two engines, so that a burst of load on the shared machine falls on both.
        # Chromium is started for its turn and stopped after it, so that its idle processes take no
        # time from WeasyPrint's turn; starting it is not timed.
        for _ in range(options.repeat):
            started = time.perf_counter()
            html = render_html(build_snapshot(quarter))
            pdf_seconds, pdf = timed(render_pdf, html)
            builds.append(time.perf_counter() - started)
            pdf_only.append(pdf_seconds)
            chromium_seconds, chromium_pdf = _chromium_print(playwright, html)
            printing.append(chromium_seconds)
        # Chromium prints in processes of its own, so this process's peak is WeasyPrint's; read before
        # the unstyled form is laid out, so that it is the report's.
        peak = peak_rss_mib("self")
        unstyled = unstyled_form(html)
        for _ in range(options.repeat):
            unstyled_weasyprint.append(timed(_weasyprint_untagged, unstyled)[0])
            unstyled_chromium.append(_chromium_print(playwright, unstyled)[0])
    return {
        "quarter": str(quarter),
        "build_seconds": statistics.median(builds),
        "pdf_seconds": statistics.median(pdf_only),
        "chromium_seconds": statistics.median(printing),
        "round_ratios": [round(build / chromium, 2) for build, chromium in zip(builds, printing, strict=True)],
        "unstyled_weasyprint_seconds": statistics.median(unstyled_weasyprint),
        "unstyled_chromium_seconds": statistics.median(unstyled_chromium),
        "weasyprint_peak_rss_mib": round(peak, 1),
        "pages": _page_count(pdf),
        "chromium_pages": _page_count(chromium_pdf),
        "html_kib": round(len(html.encode()) / 1024),
    }


# The report unstyled: the same elements and text with one short stylesheet and no classes, so no
# page headers, colour bars or kept-together blocks, printed untagged by both engines. WeasyPrint's
# time on it over Chromium's shows how much of the gap the report's styling and tags explain.
UNSTYLED_STYLESHEET = (
    "<style>@page { size: A4; margin: 18mm 15mm } body { font: 10pt 'Liberation Sans', sans-serif }</style>"
)
_STYLESHEET = re.compile(r"<style>.*?</style>", re.DOTALL)
_CLASS = re.compile(r' class="[^"]*"')


def unstyled_form(html):
    """The report HTML with its stylesheet replaced by UNSTYLED_STYLESHEET and every class removed."""
    restyled, replaced = _STYLESHEET.subn(UNSTYLED_STYLESHEET, html, count=1)
    if not replaced:
        raise ValueError("The report HTML has no <style> element to replace")
    return _CLASS.sub("", restyled)


def _weasyprint_untagged(html):
    from tracker.reports.render import layout_report

    return layout_report(html).write_pdf()


def _chromium_print(playwright, html):
    """Seconds for Chromium to lay out and print the HTML to an A4 PDF, and the PDF."""
    browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
    page = browser.new_page()
    started = time.perf_counter()
    page.set_content(html, wait_until="load")
    pdf = page.pdf(format="A4", print_background=True)
    seconds = time.perf_counter() - started
    browser.close()
    return seconds, pdf


def _page_count(pdf):
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


@probe("export")
def export(options):
    """The Excel export of every action and its updates; the last workbook is kept for the import probe."""
    write_workbook = find_callable("tracker.spreadsheets", "write_workbook")
    if write_workbook is None:
        return unavailable("tracker.spreadsheets has no write_workbook yet")
    from tracker.common.dates import local_today
    from tracker.plan.queries import ActionFilters

    path = options.workdir / "export.xlsx"
    seconds = []
    for _ in range(options.repeat):
        with path.open("wb") as output:
            elapsed, _ = timed(write_workbook, output, ActionFilters(), local_today())
        seconds.append(elapsed)
    return {"seconds": statistics.median(seconds), "kib": round(path.stat().st_size / 1024), "file": str(path)}


@probe("import")
def import_plan(options):
    """Import a workbook of the export's layout: the dry run, then writing every row; rolled back each time."""
    start_import = find_callable("tracker.spreadsheets", "start_import")
    dry_run = find_callable("tracker.spreadsheets", "dry_run")
    confirm = find_callable("tracker.spreadsheets", "confirm")
    if not (start_import and dry_run and confirm):
        return unavailable("tracker.spreadsheets has no start_import, dry_run and confirm yet")
    from sqlalchemy import select

    from tracker.auth.models import Role, User
    from tracker.common.dates import local_today

    data = Path(options.facts["import_file"]).read_bytes()
    admin = db.session.scalar(select(User).where(User.role == Role.ADMIN.value).order_by(User.id))
    checks, writes, cpus, counts = [], [], [], {}
    for number in range(options.repeat):
        today = local_today()
        started, cpu_started = time.perf_counter(), time.process_time()
        # A new name each time, as a new upload: every run opens the workbook, none reuses the last.
        batch = start_import(f"plan-{number}.xlsx", data, admin)
        result = dry_run(batch, today)
        checks.append(time.perf_counter() - started)
        elapsed, _ = timed(confirm, batch, admin, today, result["digest"])
        db.session.flush()
        writes.append(elapsed)
        # CPU time says what the import costs when other work shares the machine's cores.
        cpus.append(time.process_time() - cpu_started)
        counts = result["counts"]
        db.session.rollback()
    check, write = statistics.median(checks), statistics.median(writes)
    return {
        "dry_run_seconds": check,
        "commit_seconds": write,
        "seconds": check + write,
        "cpu_seconds": statistics.median(cpus),
        "counts": counts,
    }


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("name", choices=sorted(PROBES))
    parser.add_argument("--database", required=True)
    parser.add_argument("--workdir", required=True, type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--facts", default="{}", help="JSON facts about the loaded plan")
    options = parser.parse_args(argv)
    options.facts = json.loads(options.facts)
    app = bench_app(options.database, options.workdir)
    with app.app_context():
        try:
            result = {"available": True} | PROBES[options.name](options)
        except Exception as error:  # a half-built feature must not stop the other figures
            result = {"available": True, "error": f"{type(error).__name__}: {error}"}
        db.session.remove()
    result["peak_rss_mib"] = round(peak_rss_mib("self"), 1)
    print(json.dumps(result, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
