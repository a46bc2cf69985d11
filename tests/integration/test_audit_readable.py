"""The audit log in English: kinds, fields and values as a person reads them, and its CSV download."""

import csv
import io
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.visible import texts, visible_text
from tracker.audit.models import AuditEvent
from tracker.audit.readable import KIND_LABELS
from tracker.plan.models import RequestState

SOURCE = Path(__file__).resolve().parents[2] / "tracker"
AT = datetime(2026, 9, 30, 13, 5, tzinfo=UTC)


def rows_of(html):
    """Each row of the page's table as the text of its cells."""
    soup = BeautifulSoup(html, "html.parser")
    return [[visible_text(str(cell)) for cell in row.select("td")] for row in soup.select("tbody tr")]


def add_event(db, verb, *, changes=None, summary="", action=None, actor=None, at=AT):
    event = AuditEvent(
        at=at,
        verb=verb,
        summary=summary,
        changes=changes or {},
        action_id=action.id if action else None,
        actor_id=actor.id if actor else None,
        actor_label=actor.email if actor else "system",
    )
    db.session.add(event)
    db.session.commit()
    return event


def test_values_read_as_words_dates_and_sizes_on_the_log_and_the_actions_history(client, auth, make, db):
    admin = make.user("admin", name="Alex Admin")
    home = make.department("Public Protection")
    action = make.action()
    changes = {
        "status": ["not_started", "in_progress"],
        "declared_rag": ["green", "amber"],
        "current_due_date": ["2026-09-30", "2027-03-31"],
        "size": [None, 1258291],
    }
    add_event(db, "action.update_posted", changes=changes, summary=f"Update on {action.reference}", action=action)
    add_event(
        db,
        "user.updated",
        changes={"role": ["viewer", "lead"], "department_id": [None, home.id]},
        at=AT.replace(hour=9),
    )
    auth.sign_in(admin)
    expected_update = (
        "Status was Not started → now In progress Owner's BRAG was Green → now Amber "
        "Current due date was 30 September 2026 → now 31 March 2027 File size now 1.2 MB"
    )
    update, user = rows_of(client.get("/admin/audit?date_to=30&date_to=9&date_to=2026").text)
    assert update == [
        "30 September 2026 at 2:05pm",
        "system",
        f"Update posted Update on {action.reference} {action.reference}",
        expected_update,
    ]
    assert user[2:] == ["User changed", "Role was Viewer → now Department lead Department now Public Protection"]
    history = rows_of(client.get(f"/actions/{action.reference}/history").text)
    assert history == [
        ["30 September 2026 at 2:05pm", "system", f"Update posted Update on {action.reference}", expected_update]
    ]


@pytest.mark.parametrize("verb", sorted(KIND_LABELS))
def test_every_kind_of_event_has_a_plain_english_label(verb, app):
    label = visible_text(app.jinja_env.from_string("<p>{{ verb | audit_kind }}</p>").render(verb=verb))
    assert label == KIND_LABELS[verb]
    assert re.fullmatch(r"[A-Z][A-Za-z' -]+", label), f"{verb}: {label!r} is not plain English"


def test_the_log_shows_every_kind_by_its_label(client, auth, make, db):
    for verb in sorted(KIND_LABELS):
        add_event(db, verb)
    auth.sign_in("admin")
    shown, number = [], 1
    while page := texts(
        client.get(f"/admin/audit?date_to=30&date_to=9&date_to=2026&page={number}").text, "tbody .app-audit-kind"
    ):
        shown += page
        number += 1
    assert sorted(shown) == sorted(KIND_LABELS.values())


def kinds_recorded_in_the_source():
    """Every kind of event the code records: literal kinds, and f-string kinds by their prefix."""
    literal, dynamic = set(), set()
    for path in SOURCE.rglob("*.py"):
        code = path.read_text(encoding="utf-8")
        calls = re.findall(
            r"(?:record\(\s*|\"verb\":\s*|verb = |_save_text\([^)]*?)(f?)\"([a-z_]+)\.([a-z_{}.]+)\"", code
        )
        for is_f, prefix, rest in calls:
            (dynamic if is_f or "{" in rest else literal).add(f"{prefix}.{rest}" if not is_f else prefix)
        # A kind chosen between two literals: "a.b" if ... else "a.c".
        literal |= set(re.findall(r"verb = \"([a-z_]+\.[a-z_]+)\" if .* else \"[a-z_]+\.[a-z_]+\"", code))
        literal |= set(re.findall(r"verb = \"[a-z_]+\.[a-z_]+\" if .* else \"([a-z_]+\.[a-z_]+)\"", code))
        literal |= set(re.findall(r"record\(\s*\"[a-z_]+\.[a-z_]+\" if \w+ else \"([a-z_]+\.[a-z_]+)\"", code))
    return literal, dynamic


def test_every_kind_the_code_records_has_a_label():
    literal, dynamic = kinds_recorded_in_the_source()
    assert {"action.update_posted", "user.deactivated", "calendar.link_reset", "compliance.removed"} <= literal
    assert literal - set(KIND_LABELS) == set(), "give these kinds a label in tracker/audit/readable.py"
    # Kinds built from a request's state (extension.approved, closure.refused ...) need a label per state.
    assert dynamic == {"extension", "closure"}, "a new kind built at run time: list its labels and name it here"
    decided = [state.value for state in RequestState if state != RequestState.PENDING]
    assert {f"{prefix}.{state}" for prefix in dynamic for state in decided} - set(KIND_LABELS) == set()


def read_csv(response):
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="audit-log-')
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).removeprefix("\ufeff"))))


def test_the_search_downloads_as_csv_with_the_same_filters_readable_and_recorded_values(client, auth, make, db):
    admin = make.user("admin", name="Alex Admin")
    action = make.action()
    add_event(
        db,
        "action.updated",
        changes={"status": ["in_progress", "blocked"], "title": ["Old", '=HYPERLINK("http://evil")']},
        summary="@SUM(1)",
        action=action,
        actor=admin,
    )
    add_event(db, "auth.sign_in", summary="Someone signed in", at=AT.replace(day=1))
    auth.sign_in(admin)
    page = client.get(f"/admin/audit?reference={action.reference}").text
    link = BeautifulSoup(page, "html.parser").find("a", string=re.compile("CSV file"))
    assert visible_text(str(link)) == "Download this event as a CSV file"
    rows = read_csv(client.get(link["href"]))
    assert rows[0][:3] == ["When", "When (UTC)", "Who"]
    assert rows[1:] == [
        [
            "30 September 2026 at 2:05pm",
            "2026-09-30T13:05:00+00:00",
            "Alex Admin",
            admin.email,
            "",
            "Action changed",
            "action.updated",
            "'@SUM(1)",
            action.reference,
            "Status",
            "status",
            "In progress",
            "Blocked",
            "in_progress",
            "blocked",
        ],
        [
            "30 September 2026 at 2:05pm",
            "2026-09-30T13:05:00+00:00",
            "Alex Admin",
            admin.email,
            "",
            "Action changed",
            "action.updated",
            "'@SUM(1)",
            action.reference,
            "Title",
            "title",
            "Old",
            '\'=HYPERLINK("http://evil")',
            "Old",
            '\'=HYPERLINK("http://evil")',
        ],
    ]
    everything = read_csv(client.get("/admin/audit/audit-log.csv"))
    assert [row[6] for row in everything[1:]] == ["auth.sign_in", "action.updated", "action.updated", "auth.sign_in"]


def test_a_csv_download_with_a_mistake_in_its_search_goes_back_to_the_search(client, auth, db):
    auth.sign_in("admin")
    response = client.get("/admin/audit/audit-log.csv?date_from=31&date_from=2&date_from=2026")
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/audit?date_from=31&date_from=2&date_from=2026"


def test_only_admins_download_the_log(client, auth, db):
    auth.sign_in("chair")
    assert client.get("/admin/audit/audit-log.csv").status_code == 403
