"""`make load`: 50 simulated staff for 60 seconds against gunicorn with 4 workers on PostgreSQL.

Loopback only (127.0.0.1); locust runs headless with a fixed run time and stops by itself.
Prints errors and p95 latency per request type beside the floor's, and writes load-results.json.
"""

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from bench import databases
from bench.pages import Server, resolve_paths
from tracker.auth.models import User
from tracker.extensions import db
from tracker.plan.models import UPDATE_STATUSES, Action

ROOT = Path(__file__).resolve().parent.parent
LOAD_PASSWORD = "load-run-password-2026"
# Everyone signs in first (scrypt, deliberately slow); figures count from then, for --seconds more.
SIGN_IN_ALLOWANCE = 30
PAGE_KEYS = {"floor": "floor", "dashboard": "dashboard", "action list (filtered, page of 50)": "action list"}
PAGE_KEYS["right-by-BRAG grid"] = "grid"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=5000)
    parser.add_argument("--updates", type=int, default=10)
    parser.add_argument("--users", type=int, default=300, help="extra leads who own actions")
    parser.add_argument("--clients", type=int, default=50, help="simulated staff (default 50)")
    parser.add_argument("--seconds", type=int, default=60, help="run time (default 60)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    parser.add_argument("--json", default=str(ROOT / "load-results.json"))
    return parser.parse_args(argv)


def load_plan_for_people(url, workdir, facts, clients, seconds):
    """Give `clients` owners of open actions a password; return what the simulated staff need."""
    app = databases.bench_app(url, workdir)
    paths = resolve_paths(app, facts)
    people = []
    with app.app_context():
        open_statuses = [status.value for status in UPDATE_STATUSES]
        owners = db.session.scalars(
            select(User)
            .where(User.id.in_(select(Action.owner_id).where(Action.status.in_(open_statuses))))
            .order_by(User.id)
            .limit(clients)
        ).all()
        password_hash = generate_password_hash(LOAD_PASSWORD, method=app.config["PASSWORD_HASH_METHOD"])
        endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
        for owner in owners:
            owner.password_hash = password_hash
            references = db.session.scalars(
                select(Action.reference)
                .where(Action.owner_id == owner.id, Action.status.in_(open_statuses))
                .order_by(Action.id)
                .limit(5)
            ).all()
            people.append(_person(app, owner.email, references, endpoints))
        db.session.commit()
        db.engine.dispose()
    pages = {PAGE_KEYS[name]: path for name, path in paths.items() if name in PAGE_KEYS and path}
    return {"password": LOAD_PASSWORD, "pages": pages, "people": people, "clients": clients, "seconds": seconds}


def _person(app, email, references, endpoints):
    from flask import url_for

    with app.test_request_context():
        detail = [url_for("plan.action_detail", reference=r) for r in references if "plan.action_detail" in endpoints]
        forms = [url_for("plan.post_update", reference=r) for r in references if "plan.post_update" in endpoints]
    return {"email": email, "action_pages": detail, "update_forms": forms}


def run_locust(server, plan_file, options, workdir):
    """Run locust headless for the set time; return the rows of its stats file."""
    prefix = workdir / "load"
    command = [
        str(ROOT / ".venv" / "bin" / "locust"),
        "-f",
        str(ROOT / "bench" / "locustfile.py"),
        "--headless",
        "--users",
        str(options.clients),
        "--spawn-rate",
        "10",
        "--run-time",
        f"{options.seconds + SIGN_IN_ALLOWANCE}s",
        "--stop-timeout",
        "10",
        "--host",
        f"http://127.0.0.1:{server.port}",
        "--csv",
        str(prefix),
        "--only-summary",
        "--exit-code-on-error",
        "0",
    ]
    env = dict(os.environ, TRACKER_LOAD_PLAN=str(plan_file))
    with open(workdir / "locust.log", "wb") as log:
        done = subprocess.run(
            command,
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            timeout=options.seconds + SIGN_IN_ALLOWANCE + 120,
        )
    if done.returncode:
        sys.exit((workdir / "locust.log").read_text()[-3000:])
    with open(f"{prefix}_stats.csv", newline="") as stats:
        rows = list(csv.DictReader(stats))
    return rows, json.loads((workdir / "working-mix.json").read_text())


def _milliseconds(value):
    """A percentile from locust's CSV; 'N/A' where a request type had no requests after the reset."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def summarise(rows):
    """{name: {requests, failures, p50_ms, p95_ms}} from locust's stats rows."""
    summary = {}
    for row in rows:
        name = "all requests" if row["Name"] == "Aggregated" else row["Name"]
        summary[name] = {
            "requests": int(row["Request Count"]),
            "failures": int(row["Failure Count"]),
            "p50_ms": _milliseconds(row["50%"]),
            "p95_ms": _milliseconds(row["95%"]),
        }
    return summary


def report(summary):
    floor = summary.get("floor", {}).get("p95_ms")
    width = max(len(name) for name in summary)
    print(f"{'request':<{width}}  {'count':>7}  {'errors':>6}  {'p50':>8}  {'p95':>8}  p95 / floor p95")
    for name, row in summary.items():
        if not row["requests"]:
            continue
        ratio = f"{row['p95_ms'] / floor:.1f}x" if floor else ""
        print(
            f"{name:<{width}}  {row['requests']:>7}  {row['failures']:>6}  {row['p50_ms']:>6.0f}ms"
            f"  {row['p95_ms']:>6.0f}ms  {ratio}"
        )
    mix = summary["page views and updates"]
    errors = max(summary.get("all requests", {}).get("failures", 0), mix.get("errors_whole_run", 0))
    print(f"\nmeasured for {mix.get('steady_seconds', 0):.0f} s after all simulated staff had signed in")
    print(f"\nerrors: {errors} ({'meets' if errors == 0 else 'misses'} the target of zero)")
    return errors


def main(argv=None):
    options = parse_args(argv)
    server_url = databases.postgres_server()
    if server_url is None:
        sys.exit("make load needs DATABASE_URL naming a PostgreSQL server (a scratch database is made on it)")
    workdir = Path(tempfile.mkdtemp(prefix="tracker-load-"))
    try:
        with databases.scratch_database("load", workdir, server_url) as url:
            print(f"[load] loading {options.actions:,} actions x {options.updates} updates", file=sys.stderr)
            facts = databases.load_plan(
                url, workdir, actions=options.actions, updates=options.updates, users=options.users
            )
            plan = load_plan_for_people(url, workdir, facts, options.clients, options.seconds)
            plan["working_mix_file"] = str(workdir / "working-mix.json")
            plan_file = workdir / "plan.json"
            plan_file.write_text(json.dumps(plan))
            with Server(url, workdir, workers=options.workers) as server:
                print(f"[load] {options.clients} users for {options.seconds} s", file=sys.stderr)
                rows, working_mix = run_locust(server, plan_file, options, workdir)
            summary = summarise(rows)
            summary["page views and updates"] = working_mix | {
                "failures": sum(
                    row["failures"] for name, row in summary.items() if not name.startswith(("sign", "all"))
                ),
            }
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    errors = report(summary)
    result = {"settings": vars(options), "plan": facts, "requests": summary}
    Path(options.json).write_text(json.dumps(result, indent=2) + "\n")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
