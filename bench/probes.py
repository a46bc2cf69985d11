"""Figures measured in a fresh child process each, so that each one's peak memory is its own.

Run as `python -m bench.probes NAME --database URL --workdir DIR --repeat N`; prints one JSON line.
A probe whose feature is not in the app yet answers {"available": false, "reason": ...}.
"""

import argparse
import importlib
import json
import pkgutil
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
