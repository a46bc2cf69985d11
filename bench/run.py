"""`make bench`: load the demo plan into fresh databases and measure the figures of docs/performance.md.

Every timing is a median over repeated runs, and page timings are read against a floor page
measured in the same run, so that the noise of a shared machine falls on both sides.
"""

import argparse
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

import psutil
from sqlalchemy import create_engine, text

from bench import databases
from bench.explain import UNINDEXABLE, explain_list_filters
from bench.figures import Figures, mib, ms
from bench.pages import PAGES, Server, resolve_paths, time_pages
from bench.probes import missing
from bench.queries import statements_per_page

ROOT = Path(__file__).resolve().parent.parent
GROUPS = ("pages", "queries", "indexes", "reminders", "report", "export", "import")
SMALL_PLAN = 50
REPORT_PLAN = (500, 4)
EXPORT_PLAN = (5000, 4)
IMPORT_ROWS = 2000
PAGE_RATIO_TARGET = 3.0
# Pages whose figures are kept until the data changes (tracker/common/revision.py).
KEPT_PER_REVISION = (
    "dashboard",
    "action list (filtered, page of 50)",
    "action page (50 updates)",
    "right-by-BRAG grid",
)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=5000, help="actions in the main plan (default 5,000)")
    parser.add_argument("--updates", type=int, default=10, help="updates per action (default 10)")
    parser.add_argument("--users", type=int, default=300, help="extra leads who own actions (default 300)")
    parser.add_argument("--repeat", type=int, default=15, help="timed requests per page (default 15)")
    parser.add_argument("--heavy-repeat", type=int, default=3, help="runs of each slow job: reminders, PDF, xlsx")
    parser.add_argument("--only", default=",".join(GROUPS), help=f"comma-separated groups: {', '.join(GROUPS)}")
    parser.add_argument("--json", default=str(ROOT / "bench-results.json"), help="where to write the results")
    options = parser.parse_args(argv)
    options.only = [group.strip() for group in options.only.split(",") if group.strip()]
    unknown = set(options.only) - set(GROUPS)
    if unknown:
        parser.error(f"unknown groups: {', '.join(sorted(unknown))}")
    return options


def machine(server):
    """What the figures were measured on."""
    facts = {
        "cpus": os.cpu_count(),
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "commit": _git("rev-parse", "--short", "HEAD"),
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": "postgresql" if server else "sqlite",
    }
    if server:
        engine = create_engine(server.set(database="postgres"))
        with engine.connect() as connection:
            facts["postgresql"] = connection.execute(text("SHOW server_version")).scalar()
        engine.dispose()
    return facts


def _git(*args):
    try:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


class Bench:
    """One run: scratch databases made on demand, figures collected as they are measured."""

    def __init__(self, options, server, workdir, stack):
        self.options, self.server, self.workdir, self.stack = options, server, workdir, stack
        self.figures = Figures()
        self.plans = {}
        self.export_file = None

    def plan(self, label, actions, updates, long_timeline=False):
        """A scratch database holding a demo plan of this size (made once per run)."""
        if label not in self.plans:
            url = self.stack.enter_context(databases.scratch_database(label, self.workdir, self.server))
            say(f"loading {actions:,} actions x {updates} updates ({label})")
            facts = databases.load_plan(
                url,
                self.workdir,
                actions=actions,
                updates=updates,
                users=self.options.users,
                long_timeline=long_timeline,
            )
            self.plans[label] = (url, facts)
            self.figures.add(
                "data",
                f"{label} plan",
                f"{facts['load_seconds']:.1f} s",
                detail=f"{facts['actions']:,} actions, {facts['updates']:,} updates, {facts['owners']} owners",
            )
        return self.plans[label]

    def main_plan(self):
        return self.plan("main", self.options.actions, self.options.updates, long_timeline=True)

    def small_plan(self):
        return self.plan("small", SMALL_PLAN, self.options.updates, long_timeline=True)

    def child(self, probe, url, facts, repeat):
        """Run a probe in a fresh interpreter; return its JSON answer."""
        command = [sys.executable, "-m", "bench.probes", probe, "--database", url, "--workdir", str(self.workdir)]
        command += ["--repeat", str(repeat), "--facts", json.dumps(facts)]
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
        lines = done.stdout.strip().splitlines()
        if done.returncode or not lines:
            return {"available": True, "error": (done.stderr.strip().splitlines() or ["no output"])[-1]}
        return json.loads(lines[-1])


def say(message):
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def measure_pages(bench):
    url, facts = bench.main_plan()
    paths = resolve_paths(databases.bench_app(url, bench.workdir), facts)
    say(f"timing pages over HTTP ({bench.options.repeat} requests each)")
    with Server(url, bench.workdir) as server:
        timings, errors, memory = time_pages(server, paths, bench.options.repeat)
        say("timing the pages that keep figures, each view after a write")
        changed = time_after_writes(server, url, paths, bench.options.repeat)
    floor = timings.get("floor")
    for spec in PAGES:
        name = spec.name
        if paths[name] is None:
            bench.figures.missing("pages", name, f"no route {' or '.join(spec.endpoints)} yet", "within 3x floor")
        elif name in errors:
            bench.figures.error("pages", name, f"{paths[name]} {errors[name]}")
        elif name == "floor":
            bench.figures.add("pages", name, ms(timings[name]), "baseline", number=timings[name], detail=spec.note)
        else:
            ratio = timings[name] / floor if floor else None
            bench.figures.add(
                "pages",
                name,
                ms(timings[name]),
                f"within {PAGE_RATIO_TARGET:g}x floor",
                ok=ratio is not None and ratio <= PAGE_RATIO_TARGET,
                number=timings[name],
                detail=f"{ratio:.1f}x floor" if ratio else "",
            )
    for name, seconds in changed.items():
        ratio = seconds / floor if floor else None
        bench.figures.add(
            "pages",
            f"{name}, first view after a write",
            ms(seconds),
            "for information",
            number=seconds,
            detail=f"{ratio:.1f}x floor; figures worked out again" if ratio else "",
        )
    bench.figures.add("memory", "peak worker RSS serving the pages", mib(memory), "< 250 MiB", memory < 250, memory)


def time_after_writes(server, url, paths, repeat):
    """Median seconds of the pages that keep figures per data revision, each request after a write.

    The write moves the revision on from outside the server, as another worker's commit would, so
    every timed view works its figures out again.
    """
    kept = {name: paths[name] for name in KEPT_PER_REVISION if paths.get(name)}
    if not kept:
        return {}
    engine = create_engine(url)

    def write(_name):
        with engine.begin() as connection:
            connection.execute(text("UPDATE data_revision SET value = value + 1"))

    try:
        timings, errors, _ = time_pages(server, kept, repeat, before_each=write)
    finally:
        engine.dispose()
    return {name: seconds for name, seconds in timings.items() if name not in errors}


def measure_queries(bench):
    small_url, small_facts = bench.small_plan()
    main_url, main_facts = bench.main_plan()
    say("counting SQL statements per page")
    small = statements_per_page(small_url, bench.workdir, small_facts)
    large = statements_per_page(main_url, bench.workdir, main_facts)
    sizes = f"{small_facts['actions']:,} -> {main_facts['actions']:,} actions"
    for name in small:
        if small[name] is None:
            bench.figures.missing("statements per page", name, "page not in the app yet", "equal at both sizes")
        elif isinstance(small[name], str) or isinstance(large[name], str):
            bench.figures.error("statements per page", name, f"{small[name]} / {large[name]}")
        else:
            bench.figures.add(
                "statements per page",
                name,
                f"{small[name]} -> {large[name]}",
                "equal at both sizes",
                small[name] == large[name],
                large[name],
                sizes,
            )


def measure_reminders(bench):
    small_url, small_facts = bench.small_plan()
    main_url, main_facts = bench.main_plan()
    say("weekly reminder reconcile")
    small = bench.child("reminders", small_url, small_facts, 1)
    large = bench.child("reminders", main_url, main_facts, bench.options.heavy_repeat)
    group, name = "reminders", f"weekly digests, {main_facts['actions']:,} actions, {main_facts['owners']} owners"
    if not large.get("available"):
        bench.figures.missing(group, name, large["reason"], "< 2 s")
        return
    if "error" in large or "error" in small:
        bench.figures.error(group, name, large.get("error") or small.get("error"))
        return
    seconds = large["seconds"]
    bench.figures.add(group, name, f"{seconds:.2f} s", "< 2 s", seconds < 2, seconds, f"{large['digests']} digests")
    sizes = f"{small_facts['actions']:,} -> {main_facts['actions']:,} actions"
    if large["reading_statements"]:
        _reminder_statements(bench, small, large, sizes)
    else:
        value = f"{small['statements'][0]} -> {large['statements'][0]}"
        same = small["statements"] == large["statements"] and len(large["statements"]) == 1
        bench.figures.add(group, "statements", value, "equal at both sizes", same, large["statements"][0], sizes)


def _reminder_statements(bench, small, large, sizes):
    """Reading must not grow with the plan; queueing may add the same whole number of statements per digest."""
    read_small, read_large = small["reading_statements"][0], large["reading_statements"][0]
    bench.figures.add(
        "reminders",
        "statements reading the plan",
        f"{read_small} -> {read_large}",
        "equal at both sizes",
        read_small == read_large and len(large["reading_statements"]) == 1,
        read_large,
        sizes,
    )
    writes = [probe["statements"][0] - probe["reading_statements"][0] for probe in (small, large)]
    digests = [small["digests"], large["digests"]]
    if digests[0] == digests[1]:
        per_digest, fixed = None, writes[1]
        ok = writes[0] == writes[1]
    else:
        per_digest = (writes[1] - writes[0]) / (digests[1] - digests[0])
        fixed = writes[0] - per_digest * digests[0]
        ok = per_digest.is_integer() and fixed.is_integer() and fixed >= 0
    value = f"{per_digest:g} per digest + {fixed:g}" if per_digest is not None else f"{fixed}"
    bench.figures.add(
        "reminders",
        "statements queueing digests",
        value,
        "a fixed number per digest",
        ok,
        per_digest,
        f"{digests[0]} -> {digests[1]} digests",
    )


def _probe_failed(bench, group, name, answer, target):
    """Record a probe that could not measure; True when it did not."""
    if not answer.get("available"):
        bench.figures.missing(group, name, answer["reason"], target)
        return True
    if "error" in answer:
        bench.figures.error(group, name, answer["error"], target)
        return True
    return False


def measure_report(bench):
    if reason := missing("report"):
        bench.figures.missing("quarterly report", "PDF against Chromium", reason, "<= 1.5x Chromium")
        return
    url, facts = bench.plan("report", *REPORT_PLAN)
    say("quarterly PDF: WeasyPrint, then Chromium printing the same HTML")
    answer = bench.child("report", url, facts, bench.options.heavy_repeat)
    group, name = "quarterly report", f"PDF, {facts['actions']} actions x {REPORT_PLAN[1]} updates"
    if _probe_failed(bench, group, name, answer, "<= 1.5x Chromium"):
        return
    ratio = answer["build_seconds"] / answer["chromium_seconds"]
    pages = f"{answer['pages']} pages ({answer['chromium_pages']} from Chromium), {answer['quarter']}"
    bench.figures.add(group, name, f"{answer['build_seconds']:.2f} s", "", number=answer["build_seconds"], detail=pages)
    bench.figures.add(group, "Chromium printing the same HTML", f"{answer['chromium_seconds']:.2f} s", "")
    bench.figures.add(
        group,
        "WeasyPrint build / Chromium",
        f"{ratio:.2f}x",
        "<= 1.5x",
        ratio <= 1.5,
        ratio,
        f"PDF step alone {answer['pdf_seconds'] / answer['chromium_seconds']:.2f}x; "
        f"rounds {', '.join(f'{r:.2f}x' for r in answer.get('round_ratios', []))}",
    )
    unstyled = answer["unstyled_weasyprint_seconds"] / answer["unstyled_chromium_seconds"]
    bench.figures.add(
        group,
        "same HTML unstyled and untagged, WeasyPrint / Chromium",
        f"{unstyled:.2f}x",
        "",
        number=unstyled,
        detail=f"{answer['unstyled_weasyprint_seconds']:.2f} s against {answer['unstyled_chromium_seconds']:.2f} s; "
        "to set beside the PDF step alone: what the report's styling and tags add",
    )
    peak = answer["weasyprint_peak_rss_mib"]
    bench.figures.add(group, "peak memory building the PDF", mib(peak), "< 500 MiB", peak < 500, peak)


def measure_export(bench):
    if reason := missing("export"):
        bench.figures.missing("spreadsheets", "export 5,000 actions, 20,000 updates", reason, "< 5 s")
        return
    url, facts = bench.plan("export", *EXPORT_PLAN)
    say("Excel export")
    answer = bench.child("export", url, facts, bench.options.heavy_repeat)
    group = "spreadsheets"
    name = f"export {facts['actions']:,} actions, {facts['updates']:,} updates"
    if _probe_failed(bench, group, name, answer, "< 5 s"):
        return
    seconds, peak = answer["seconds"], answer["peak_rss_mib"]
    bench.figures.add(group, name, f"{seconds:.2f} s", "< 5 s", seconds < 5, seconds, f"{answer['kib']:,} KiB")
    bench.figures.add(group, "peak memory exporting", mib(peak), "< 300 MiB", peak < 300, peak)
    bench.export_file = Path(answer["file"])


def measure_import(bench):
    group, name = "spreadsheets", f"import {IMPORT_ROWS:,} rows: dry run + writing"
    export_file = bench.export_file
    if export_file is None:
        bench.figures.missing(group, name, "needs the export (group export) to make its workbook", "< 5 s")
        return
    url, facts = bench.plan("import", 0, 0)
    import_file = bench.workdir / "import.xlsx"
    rows = first_rows(export_file, import_file, IMPORT_ROWS)
    say(f"importing {rows:,} rows")
    answer = bench.child("import", url, facts | {"import_file": str(import_file)}, bench.options.heavy_repeat)
    if _probe_failed(bench, group, name, answer, "< 5 s"):
        return
    seconds = answer["seconds"]
    counts = ", ".join(f"{count} {outcome}" for outcome, count in answer["counts"].items())
    bench.figures.add(
        group,
        name,
        f"{seconds:.2f} s",
        "< 5 s",
        seconds < 5,
        seconds,
        f"dry run {answer['dry_run_seconds']:.2f} s + writing {answer['commit_seconds']:.2f} s "
        f"({answer['cpu_seconds']:.2f} s of CPU); {counts}",
    )


def first_rows(source, target, count):
    """Copy the export's first `count` actions, and their updates, to a workbook of the same layout."""
    from openpyxl import Workbook, load_workbook

    exported = load_workbook(source, read_only=True)
    kept = Workbook()
    kept.remove(kept.active)
    references = set()
    for sheet in exported.worksheets:
        copy = kept.create_sheet(sheet.title)
        rows = sheet.iter_rows(values_only=True)
        header = next(rows)
        copy.append(header)
        for values in rows:
            if sheet.title == exported.worksheets[0].title and len(references) < count:
                references.add(values[0])
                copy.append(values)
            elif sheet.title != exported.worksheets[0].title and values[0] in references:
                copy.append(values)
    kept.save(target)
    return len(references)


def measure_indexes(bench):
    url, facts = bench.main_plan()
    say("EXPLAIN the action list for each filter and sort")
    for name, (verdict, lines) in explain_list_filters(url, bench.workdir).items():
        reason = UNINDEXABLE.get(name.split("=")[0], "")
        indexed = verdict.startswith("index")
        detail = reason or ("" if indexed else " / ".join(line.strip() for line in lines[:3]))
        ok = None if reason else indexed
        bench.figures.add("action list: how each filter and sort is read", name, verdict, "index", ok, detail=detail)


MEASURES = {
    "pages": measure_pages,
    "queries": measure_queries,
    "indexes": measure_indexes,
    "reminders": measure_reminders,
    "report": measure_report,
    "export": measure_export,
    "import": measure_import,
}


def run(options):
    server = databases.postgres_server()
    workdir = Path(tempfile.mkdtemp(prefix="tracker-bench-"))
    results = {"machine": machine(server), "settings": {k: v for k, v in vars(options).items() if k != "json"}}
    started = time.perf_counter()
    try:
        with ExitStack() as stack:
            bench = Bench(options, server, workdir, stack)
            for group in GROUPS:
                if group in options.only:
                    MEASURES[group](bench)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    results["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    results["seconds"] = round(time.perf_counter() - started, 1)
    results["figures"] = bench.figures.as_json()
    print(bench.figures.table())
    Path(options.json).write_text(json.dumps(results, indent=2) + "\n")
    say(f"done in {results['seconds']} s; results in {options.json}")
    return results


def main(argv=None):
    run(parse_args(argv))
    return 0


if __name__ == "__main__":
    sys.exit(main())
