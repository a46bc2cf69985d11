"""Page timings and worker memory: one gunicorn worker serving the benchmark database over loopback."""

import http.client
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from tracker.auth.models import Role
from tracker.demo.plan import demo_password

ROOT = Path(__file__).resolve().parent.parent
CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@dataclass
class PageSpec:
    """A page to time: the first endpoint the app has, its URL arguments and query string."""

    name: str
    endpoints: tuple
    args: object = lambda facts: {}
    query: str = ""
    note: str = ""


PAGES = [
    PageSpec("floor", ("main.floor",), note="one indexed query, trivial template"),
    PageSpec("dashboard", ("main.dashboard",)),
    PageSpec(
        "action list (filtered, page of 50)",
        ("plan.action_list",),
        query="open=1&rag=red&rag=amber&sort=due",
    ),
    PageSpec(
        "action page (50 updates)",
        ("plan.action_detail",),
        args=lambda facts: {"reference": facts["long_timeline_reference"]},
    ),
    PageSpec("right-by-BRAG grid", ("plan.rights_grid", "plan.right_grid", "main.rights_grid", "plan.rights")),
]


def resolve_paths(app, facts, specs=PAGES):
    """{page name: path} for the pages this app has; None for those it has not."""
    from flask import url_for

    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    paths = {}
    with app.test_request_context():
        for spec in specs:
            endpoint = next((e for e in spec.endpoints if e in endpoints), None)
            if endpoint is None:
                paths[spec.name] = None
                continue
            path = url_for(endpoint, **spec.args(facts))
            paths[spec.name] = f"{path}?{spec.query}" if spec.query else path
    return paths


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    """gunicorn serving the tracker on a loopback port, with the scheduler process beside it, as in production.

    The scheduler's heartbeat and job runs commit every few seconds, as they do under `make serve`,
    so the pages are timed on the path people get, not on a quiet database.
    """

    database_url: str
    workdir: Path
    workers: int = 1
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None
    scheduler: subprocess.Popen | None = None
    with_scheduler: bool = True

    def environment(self):
        env = dict(os.environ)
        env.update(
            TRACKER_ENV="production",
            DATABASE_URL=self.database_url,
            SECRET_KEY=secrets.token_urlsafe(48),
            # Plain HTTP on loopback: the session cookie must travel without TLS.
            SESSION_COOKIE_SECURE="0",
            TRACKER_INSTANCE_PATH=str(self.workdir / "instance"),
            RUN_SCHEDULER="0",
            LOG_JSON="1",
        )
        return env

    def __enter__(self):
        log = open(self.workdir / f"gunicorn-{self.port}.log", "wb")  # noqa: SIM115 (closed with the process)
        command = [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "--workers",
            str(self.workers),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--timeout",
            "120",
            "wsgi:app",
        ]
        self.process = subprocess.Popen(command, cwd=ROOT, env=self.environment(), stdout=log, stderr=log)
        if self.with_scheduler:
            self.scheduler = self._start_scheduler()
        self._wait_until_ready()
        return self

    def _start_scheduler(self):
        log = open(self.workdir / f"scheduler-{self.port}.log", "wb")  # noqa: SIM115 (closed with the process)
        command = [str(ROOT / ".venv" / "bin" / "flask"), "--app", "wsgi", "scheduler", "run"]
        return subprocess.Popen(command, cwd=ROOT, env=self.environment(), stdout=log, stderr=log)

    def _wait_until_ready(self, seconds=60):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped; see {self.workdir}/gunicorn-{self.port}.log")
            try:
                status, _, _ = request(self.port, "GET", "/healthz")
                if status == 200 and len(self.worker_pids()) == self.workers:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer within a minute")

    def worker_pids(self):
        return [child.pid for child in psutil.Process(self.process.pid).children()]

    def __exit__(self, *exc):
        for process in (self.scheduler, self.process):
            if process is None:
                continue
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def request(port, method, path, body=None, cookie=None):
    """One HTTP request on a new loopback connection; returns (status, headers, body bytes)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"Cookie": cookie} if cookie else {}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        body = urllib.parse.urlencode(body)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def sign_in(port, email, password):
    """Sign in through the real form (with its CSRF token); return the session cookie."""
    status, headers, body = request(port, "GET", "/sign-in")
    cookie = _session_cookie(headers)
    token = CSRF_FIELD.search(body.decode()).group(1)
    form = {"csrf_token": token, "email": email, "password": password}
    status, headers, body = request(port, "POST", "/sign-in", form, cookie)
    if status != 302:
        raise RuntimeError(f"sign-in as {email} answered {status}")
    return _session_cookie(headers) or cookie


def _session_cookie(headers):
    for value in headers.get_all("Set-Cookie") or []:
        if value.startswith("session="):
            return value.split(";", 1)[0]
    return None


def peak_rss_mib(pid):
    """The peak resident size of a process so far (VmHWM on Linux), in MiB."""
    status = Path(f"/proc/{pid}/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return psutil.Process(None if pid == "self" else pid).memory_info().rss / 2**20


def time_pages(server, paths, repeat, warmup=2, before_each=None):
    """Median seconds per page (requests interleaved so that noise falls on every page alike).

    before_each(name), when given, runs before each request and is not timed.
    """
    cookie = sign_in(server.port, "chair@example.org", demo_password(Role.CHAIR))
    available = {name: path for name, path in paths.items() if path}
    samples = {name: [] for name in available}
    errors = {}
    for round_number in range(warmup + repeat):
        for name, path in available.items():
            if name in errors:
                continue
            if before_each:
                before_each(name)
            started = time.perf_counter()
            status, _, body = request(server.port, "GET", path, cookie=cookie)
            elapsed = time.perf_counter() - started
            if status != 200 or not body:
                errors[name] = f"answered {status}"
            elif round_number >= warmup:
                samples[name].append(elapsed)
    timings = {name: statistics.median(values) for name, values in samples.items() if values and name not in errors}
    memory = max(peak_rss_mib(pid) for pid in server.worker_pids())
    return timings, errors, memory
