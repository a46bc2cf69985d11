"""Simulated staff for `make load`: each signs in, reads pages and now and then posts an update.

The load run (bench/load.py) writes the plan of the run (who signs in, which URLs exist) to the file
named by TRACKER_LOAD_PLAN; nothing here talks to the database.
"""

import itertools
import json
import os
import random
import re
import time
from pathlib import Path

import gevent
from locust import HttpUser, between, events, task

PLAN = json.loads(Path(os.environ["TRACKER_LOAD_PLAN"]).read_text())
CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
PEOPLE = itertools.cycle(PLAN["people"])
# Signing in is slow on purpose (scrypt) and happens once a session: figures count from the moment
# every simulated person has signed in, and the working mix leaves sign-in out.
WORKING_TIMES = []
STEADY = {"signed_in": 0, "since": None, "errors": 0, "stopping": False, "environment": None}


@events.request.add_listener
def _remember(name, response_time, exception, **_kwargs):
    # Errors are counted over the whole run, sign-in included, even though timings restart.
    STEADY["errors"] += exception is not None
    if not name.startswith("sign"):
        WORKING_TIMES.append(response_time)
    since = STEADY["since"]
    if since and not STEADY["stopping"] and time.monotonic() - since >= PLAN["seconds"]:
        STEADY["stopping"] = True
        gevent.spawn(STEADY["environment"].runner.quit)


@events.quitting.add_listener
def _write_working_mix(**_kwargs):
    times = sorted(WORKING_TIMES)

    def percentile(share):
        return times[min(len(times) - 1, int(len(times) * share))] if times else 0

    steady = time.monotonic() - STEADY["since"] if STEADY["since"] else 0
    summary = {"requests": len(times), "p50_ms": percentile(0.5), "p95_ms": percentile(0.95), "steady_seconds": steady}
    summary["errors_whole_run"] = STEADY["errors"]
    Path(PLAN["working_mix_file"]).write_text(json.dumps(summary))


class StaffMember(HttpUser):
    """A department lead working through the plan."""

    wait_time = between(1, 4)

    def on_start(self):
        self.person = next(PEOPLE)
        token = self._csrf("/sign-in", "sign-in form")
        data = {"csrf_token": token, "email": self.person["email"], "password": PLAN["password"]}
        with self.client.post("/sign-in", data=data, name="sign in", allow_redirects=False, catch_response=True) as r:
            if r.status_code != 302:
                r.failure(f"sign-in answered {r.status_code}")
                return
        STEADY["signed_in"] += 1
        STEADY["environment"] = self.environment
        if STEADY["signed_in"] == PLAN["clients"]:
            self.environment.runner.stats.reset_all()
            WORKING_TIMES.clear()
            STEADY["since"] = time.monotonic()

    def _csrf(self, path, name):
        with self.client.get(path, name=name, catch_response=True) as response:
            match = CSRF_FIELD.search(response.text)
            if not match:
                response.failure("no CSRF token on the form")
                return ""
            return match.group(1)

    def _page(self, name, path):
        with self.client.get(path, name=name, catch_response=True) as response:
            if response.status_code == 200 and "/sign-in" in response.url:
                response.failure("signed out")

    @task(2)
    def floor(self):
        self._page("floor", PLAN["pages"]["floor"])

    @task(3)
    def dashboard(self):
        if PLAN["pages"].get("dashboard"):
            self._page("dashboard", PLAN["pages"]["dashboard"])

    @task(3)
    def action_list(self):
        if PLAN["pages"].get("action list"):
            self._page("action list", PLAN["pages"]["action list"])

    @task(3)
    def action_page(self):
        if self.person["action_pages"]:
            self._page("action page", random.choice(self.person["action_pages"]))

    @task(1)
    def grid(self):
        if PLAN["pages"].get("grid"):
            self._page("right-by-BRAG grid", PLAN["pages"]["grid"])

    @task(1)
    def post_update(self):
        if not self.person["update_forms"]:
            return
        path = random.choice(self.person["update_forms"])
        token = self._csrf(path, "update form")
        data = {
            "csrf_token": token,
            "narrative": "Checked the figures with the team; on course for the next milestone.",
            "status": "in_progress",
            "progress": "60",
            "declared_rag": "green",
        }
        with self.client.post(path, data=data, name="post update", allow_redirects=False, catch_response=True) as r:
            if r.status_code != 302:
                r.failure(f"posting an update answered {r.status_code}")
