"""`flask --app wsgi report build`: a draft of a quarter's report to files, stored nowhere."""

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from tracker.common.dates import local_today, long_date
from tracker.common.quarters import Quarter, quarter_of
from tracker.reports.render import layout_report, render_report_html, write_report
from tracker.reports.services import can_build, not_yet_message
from tracker.reports.snapshot import actions_existing_on, build_snapshot

# Laying out the PDF costs about as much as reading a few hundred actions; these weights keep the
# bar moving evenly.
LAYOUT_STEPS, WRITE_STEPS, HTML_STEPS = 60, 15, 5


class QuarterType(click.ParamType):
    name = "quarter"

    def convert(self, value, param, ctx):
        if isinstance(value, Quarter):
            return value
        try:
            return Quarter.parse(value)
        except ValueError as error:
            self.fail(f"{error}. Write it like 2026/27-Q3.", param, ctx)


def on_terminal():
    """True when a person is watching the output."""
    return sys.stdout.isatty()


class Progress:
    """A progress bar on a terminal; silent when output goes to a file or pipe."""

    def __init__(self, total):
        self.bar = click.progressbar(length=total, label="Reading the plan", width=30) if on_terminal() else None

    def __enter__(self):
        if self.bar:
            self.bar.__enter__()
        return self

    def __exit__(self, *exc):
        if self.bar:
            self.bar.__exit__(*exc)

    def step(self, label=None, amount=1):
        if self.bar:
            if label:
                self.bar.label = label
            self.bar.update(amount)


@click.group("report")
def report_cli():
    """Quarterly reports for the subgroup."""


@report_cli.command("build")
@click.option("--quarter", "quarter", type=QuarterType(), required=True, help="The quarter, like 2026/27-Q3.")
@click.option("--out", "out", type=click.Path(dir_okay=False, writable=True), required=True, help="PDF to write.")
@click.option("--html", "html_out", type=click.Path(dir_okay=False, writable=True), help="Also write the HTML here.")
@with_appcontext
def build_command(quarter, out, html_out):
    """Build a draft of the quarter's report to files; nothing is stored or sent.

    The stored report is built in the tracker, or by the scheduler, once the quarter has ended.
    """
    today = local_today()
    if quarter > quarter_of(today):
        raise click.BadParameter(f"{quarter.label} has not started yet.", param_hint="--quarter")
    count = len(actions_existing_on(min(quarter.end, today)))
    with Progress(count + HTML_STEPS + LAYOUT_STEPS + WRITE_STEPS) as progress:
        snapshot = build_snapshot(quarter, today=today, progress=progress.step)
        progress.step("Writing the HTML", 0)
        html = render_report_html(snapshot, draft=True)
        progress.step("Laying out pages", HTML_STEPS)
        document = layout_report(html)
        progress.step("Writing the PDF", LAYOUT_STEPS)
        pdf = write_report(document, html)
        progress.step("Done", WRITE_STEPS)
    Path(out).write_bytes(pdf)
    if html_out:
        Path(html_out).write_text(html, encoding="utf-8")
    pages = len(document.pages)
    also = f" and {html_out}" if html_out else ""
    click.echo(f"Draft {quarter.label} report: {pages} pages, {len(pdf) // 1024} KB, written to {out}{also}.")
    if not can_build(quarter, today):
        # Only a draft can exist before the quarter ends; say so, so nobody sends it as the report.
        click.echo(
            f"This is a draft as at {long_date(today)}: {quarter.label} has not ended. {not_yet_message(quarter)}"
        )
