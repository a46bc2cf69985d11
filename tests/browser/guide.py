"""Screenshots for the user guide (docs/guide.md), taken in Chromium over the demo plan.

`make guide` takes them all again into docs/guide/. To add one, add a Shot line to SHOTS and
show docs/guide/<name>.png in docs/guide.md; tests/browser/test_guide.py keeps the two in step.
"""

import logging
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

from flask import url_for

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "guide.md"
GUIDE_DIR = ROOT / "docs" / "guide"
VIEWPORT = {"width": 1100, "height": 800}
DEMO_ACTIONS = 40


def press(button):
    """A step that presses a button on the page, for example to show a form's errors."""

    def step(page):
        with page.expect_navigation():
            page.get_by_role("button", name=button, exact=True).click()

    return step


@dataclass(frozen=True)
class Shot:
    """One screenshot: docs/guide/<name>.png of an endpoint, seen by a role of the demo plan."""

    name: str
    role: str  # anon, viewer, lead, chair or admin
    endpoint: str
    args: Callable = lambda demo: {}  # URL arguments from the demo (demo.users, demo.actions, demo.quarter)
    then: Callable | None = None  # something to do on the page before the picture
    full_page: bool = False


SHOTS = [
    Shot("sign-in", "anon", "auth.sign_in"),
    Shot("sign-in-errors", "anon", "auth.sign_in", then=press("Sign in")),
    Shot("forgot-password", "anon", "auth.forgot_password"),
    Shot("dashboard", "viewer", "main.dashboard"),
    Shot("actions", "viewer", "plan.action_list"),
    Shot(
        "action", "viewer", "plan.action_detail", lambda demo: {"reference": demo.lead_action.reference}, full_page=True
    ),
    Shot("account", "lead", "auth.account", full_page=True),
    Shot("my-actions", "lead", "plan.my_actions"),
    Shot(
        "post-update",
        "lead",
        "plan.post_update",
        lambda demo: {"reference": demo.lead_action.reference},
        full_page=True,
    ),
    Shot("ask-for-more-time", "lead", "plan.request_extension", lambda demo: {"reference": demo.lead_action.reference}),
    Shot("ask-for-sign-off", "lead", "plan.request_closure", lambda demo: {"reference": demo.lead_action.reference}),
    Shot("admin-users", "admin", "admin.users"),
    Shot("admin-add-user", "admin", "admin.new_user", full_page=True),
    Shot("admin-change-user", "admin", "admin.edit_user", lambda demo: {"user_id": demo.users["lead"].id}),
    Shot("admin-departments", "admin", "admin.departments", full_page=True),
    Shot("compliance", "viewer", "compliance.gap_view"),
    Shot("journey", "viewer", "reference.journey"),
    Shot("new-action", "chair", "plan.new_action", full_page=True),
    Shot(
        "decide-extension",
        "chair",
        "plan.decide_extension",
        lambda demo: {"reference": demo.pending_extension.action.reference, "request_id": demo.pending_extension.id},
    ),
    Shot("compliance-record", "chair", "compliance.record_quarter", lambda demo: {"quarter_slug": demo.quarter.slug}),
    Shot("compliance-upload", "chair", "compliance.upload"),
    Shot("admin-reference-data", "admin", "reference.reference_data"),
    Shot("admin-outbox", "admin", "notify.outbox"),
    Shot("admin-mail-settings", "admin", "notify.mail_settings"),
    Shot("admin-audit-log", "admin", "audit.audit_log"),
    Shot("calendar", "lead", "calendar.settings"),
    Shot("reports", "viewer", "reports.archive"),
    Shot("report-draft", "admin", "reports.draft", lambda demo: {"quarter": demo.quarter}),
    Shot("report-draft-pdf", "chair", "reports.drafting", lambda demo: {"quarter": demo.quarter}),
    Shot("report-publish", "chair", "reports.publish", lambda demo: {"quarter": demo.quarter}),
    Shot("admin-distribution", "admin", "reports.distribution", full_page=True),
    Shot("admin-import", "admin", "spreadsheets.new_import"),
]


def load_guide_demo():
    """Load the demo plan into the current app's database; return its users and actions."""
    from sqlalchemy import select

    from tracker.auth.models import Role
    from tracker.common.dates import local_today
    from tracker.common.quarters import quarter_of
    from tracker.demo.plan import load_demo
    from tracker.extensions import db
    from tracker.plan.models import Action, ExtensionRequest, RequestState, Status
    from tracker.reference.seed import load_reference_data

    load_reference_data()
    users, _ = load_demo(actions=DEMO_ACTIONS, today=local_today())
    db.session.commit()
    latest = quarter_of(local_today()).previous()  # the latest quarter with demo figures
    _load_reports(users[Role.CHAIR], published=latest.previous(), awaiting=latest)
    actions = db.session.scalars(select(Action).order_by(Action.reference)).all()
    lead = users[Role.LEAD]
    return SimpleNamespace(
        users={role.value: user for role, user in users.items()},
        actions=actions,
        # The demo lead's first action that is open for updates and has a timeline to show.
        lead_action=next(
            a for a in actions if a.owner_id == lead.id and a.status == Status.IN_PROGRESS.value and a.entries
        ),
        pending_extension=db.session.scalars(
            select(ExtensionRequest).where(ExtensionRequest.state == RequestState.PENDING.value)
        ).first(),
        quarter=latest,
    )


def _load_reports(chair, *, published, awaiting):
    """The subgroup's distribution list, a published report, one awaiting the chair's approval and its draft PDF."""
    from tracker.extensions import db
    from tracker.reports import builds, services

    for name, email, organisation in [
        ("Priya Shah", "priya.shah@lcjb.example.org", "Local Criminal Justice Board"),
        ("Tom Hale", "tom.hale@cps.example.org", "Crown Prosecution Service"),
        ("Ruth Okafor", "ruth.okafor@victimsupport.example.org", "Victim Support"),
    ]:
        services.save_recipient(None, name=name, email=email, organisation=organisation)
    services.publish_report(services.build_report(published, user=chair), chair)
    services.build_report(awaiting, user=chair)
    builds.request_draft(awaiting, chair)
    db.session.commit()
    builds.work_through_builds()  # as the scheduler does: the draft PDF is made and kept


def shot_urls(app, demo, shots=SHOTS):
    """Each shot's URL, worked out from the demo data."""
    with app.test_request_context():
        return {shot.name: url_for(shot.endpoint, **shot.args(demo)) for shot in shots}


def take_screenshots(browser, base_url, urls, out_dir, shots=SHOTS):
    """Sign in as each role in turn and save every shot as a PNG; return the paths written."""
    from tests.browser.conftest import sign_in
    from tracker.auth.models import Role
    from tracker.demo.plan import DEMO_USERS, demo_password

    out_dir.mkdir(parents=True, exist_ok=True)
    people = {role.value: SimpleNamespace(email=email, role=role) for role, _, email, _ in DEMO_USERS}
    written = []
    for role in dict.fromkeys(shot.role for shot in shots):
        context = browser.new_context(base_url=base_url, viewport=VIEWPORT)
        page = context.new_page()
        if role != "anon":
            sign_in(page, people[role], password=demo_password(Role(role)))
        for shot in (shot for shot in shots if shot.role == role):
            response = page.goto(urls[shot.name])
            assert response.ok, f"{shot.name}: {urls[shot.name]} answered {response.status}"
            if shot.then:
                shot.then(page)
            path = out_dir / f"{shot.name}.png"
            page.screenshot(path=path, full_page=shot.full_page, animations="disabled", caret="hide")
            written.append(path)
        context.close()
    return written


def main():
    """Take every screenshot over a fresh demo plan in a throwaway database."""
    from flask_migrate import upgrade
    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
    from tracker import create_app

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="tracker-guide-") as tmp:
        app = create_app("test", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/guide.sqlite"})
        app.instance_path = tmp
        with app.app_context():
            upgrade()
            urls = shot_urls(app, load_guide_demo())
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                written = take_screenshots(browser, f"http://127.0.0.1:{server.server_port}", urls, GUIDE_DIR)
                browser.close()
        finally:
            server.shutdown()
    for path in written:
        print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
