"""What the quarterly report says, checked on a crafted two-quarter history."""

import re
from datetime import date
from html import unescape

from sqlalchemy import select

from tests.integration.report_history import (
    AFTER_Q3,
    EXPECTED_Q2_BY_RAG,
    EXPECTED_Q3_BY_RAG,
    EXPECTED_Q3_MOVEMENT,
    Q2,
    Q3,
    at,
    crafted_history,
)
from tracker.plan.due_dates import move_current_due_date
from tracker.plan.models import ActionUpdate, ClosureRequest, Evidence
from tracker.reports.models import Report, ReportNotes
from tracker.reports.render import render_report_html
from tracker.reports.services import build_report
from tracker.reports.snapshot import build_snapshot


def text_of(html):
    """The visible text of HTML, whitespace collapsed, as a reader would see it."""
    html = re.sub(r"<(style|svg)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def section(html, anchor):
    """The text of one section of the report, by its id."""
    match = re.search(rf'<section class="[^"]*" id="{anchor}">(.*?)</section>', html, flags=re.S)
    assert match, f"no section {anchor}"
    return text_of(match[1])


def _movement(snapshot):
    return {kind: snapshot["movement"][kind] for kind in EXPECTED_Q3_MOVEMENT}


def test_movement_from_the_timeline_when_last_quarter_has_no_report(db, make):
    crafted_history(db, make)
    snapshot = build_snapshot(Q3, today=AFTER_Q3)
    assert snapshot["movement"]["source"] == "timeline"
    assert _movement(snapshot) == EXPECTED_Q3_MOVEMENT
    assert snapshot["movement"]["previous_by_rag"] == EXPECTED_Q2_BY_RAG
    assert snapshot["summary"]["by_rag"] == EXPECTED_Q3_BY_RAG
    assert snapshot["summary"]["cancelled"] == 1 and snapshot["as_at"] == "2026-12-31"


def test_movement_from_last_quarters_stored_report(db, make):
    crafted_history(db, make)
    q2_report = build_report(Q2, today=AFTER_Q3)
    db.session.commit()
    assert q2_report.snapshot["summary"]["by_rag"] == EXPECTED_Q2_BY_RAG
    rows = {row["reference"]: row for row in q2_report.snapshot["actions"]}
    assert rows["VV-101"]["rag"] == "red" and rows["VV-101"]["current_due"] == "2026-09-15"
    assert "VV-104" not in rows

    snapshot = build_snapshot(Q3, today=AFTER_Q3)
    assert snapshot["movement"]["source"] == "report"
    assert _movement(snapshot) == EXPECTED_Q3_MOVEMENT

    # What last quarter's report said is the baseline, even where the history now reads otherwise.
    stored = dict(q2_report.snapshot)
    stored["actions"] = [dict(row, rag="red") if row["reference"] == "VV-105" else row for row in stored["actions"]]
    q2_report.snapshot = stored
    db.session.commit()
    assert build_snapshot(Q3, today=AFTER_Q3)["movement"]["recovered"] == ["VV-101", "VV-105"]


def test_summary_states_the_figures_in_words(db, make):
    crafted_history(db, make)
    html = render_report_html(build_snapshot(Q3, today=AFTER_Q3))
    summary = section(html, "summary")
    assert "At 31 December 2026 the plan had 6 actions: 3 Red, 0 Amber, 2 Green and 1 Blue (complete)." in summary
    assert (
        "Since 2026/27 Q2, 1 new action was added, 1 completed, 2 turned Red, 1 recovered from Red "
        "and 1 given a later due date." in summary
    )
    assert summary[summary.index("What moved this quarter") : summary.index(" There is no stored report")] == (
        "What moved this quarter"
        " New actions: 1 VV-104: Train call handlers on interpreters. Owner: Jordan Blake, Contact Management."
        " Completed: 1 VV-103: Offer every victim a Victim Personal Statement. Owner: Jordan Blake, Contact Management."
        " Turned Red: 2 VV-102: Set investigation update contracts. Owner: Jordan Blake, Contact Management."
        " VV-104: Train call handlers on interpreters. Owner: Jordan Blake, Contact Management."
        " Recovered from Red: 1 VV-101: Revise the acknowledgement letter. Owner: Jordan Blake, Contact Management."
        " Given a later due date: 1 VV-101: Revise the acknowledgement letter. Owner: Jordan Blake, Contact Management."
    )
    assert "2 open actions are past the due date." in summary


def test_exceptions_list_red_and_overdue_actions_with_dates_history_and_commentary(db, make):
    crafted_history(db, make)
    html = render_report_html(build_snapshot(Q3, today=AFTER_Q3))
    exceptions = section(html, "exceptions")
    assert "3 open actions are Red or past the due date." in exceptions
    assert [m for m in re.findall(r"VV-\d{3}", exceptions)] == ["VV-102", "VV-104", "VV-107"]
    assert "Red: blocked." in exceptions and "Owner says Amber." in exceptions
    assert "Latest update, 15 December 2026, Jordan Blake: Waiting on the crime recording system change." in exceptions
    assert "Red: 11 days past due date of 20 December 2026" in exceptions
    assert "Due 30 June 2026." in exceptions and "No progress update yet." in exceptions

    log = section(html, "log")
    assert "Due 31 March 2027 (originally 15 September 2026)." in log
    assert (
        "Extension approved on 5 October 2026: from 15 September 2026 to 31 March 2027. "
        "Waiting on the victims' forum to review the draft." in log
    )
    assert "Cancelled: Superseded by the force-wide property review." in log


def test_completed_priorities_rights_and_decisions(db, make):
    crafted_history(db, make)
    db.session.add(
        ReportNotes(quarter=Q3.label, decisions="Note the recovery of VV-101\n\n  Agree the new measure  \n")
    )
    db.session.commit()
    snapshot = build_snapshot(Q3, today=AFTER_Q3)
    html = render_report_html(snapshot)
    assert "VV-103: Offer every victim a Victim Personal Statement Signed off on 20 November 2026." in section(
        html, "completed"
    )
    decisions = section(html, "decisions")
    assert "1. " not in decisions and "Note the recovery of VV-101" in decisions
    assert re.search(
        r"<ol class=\"rp-decisions\"><li>Note the recovery of VV-101</li><li>Agree the new measure</li>", html
    )

    # Every crafted action serves right 3 and priority 2 (the factory's defaults).
    right_3 = next(r for r in snapshot["rights"] if r["number"] == 3)
    assert right_3["total"] == 6 and right_3["open"] == 5 and right_3["by_rag"] == EXPECTED_Q3_BY_RAG
    assert all(r["no_open_action"] for r in snapshot["rights"] if r["number"] != 3)
    rights = section(html, "rights")
    assert "11 of 12 rights have no open action" in rights and "No open action" in rights
    priority_2 = next(p for p in snapshot["priorities"] if p["number"] == 2)
    assert priority_2 == {**priority_2, "total": 6, "open": 5, "completed_in_quarter": 1, "average_progress": 36}


def test_completed_actions_show_the_sign_off_summary_and_evidence(db, make):
    actions = crafted_history(db, make)
    signed_off = actions["VV-103"]
    db.session.add_all(
        [
            ClosureRequest(
                action_id=signed_off.id,
                requested_by_id=signed_off.owner_id,
                requested_at=at(2026, 11, 18),
                summary="Every victim is now offered a statement at first contact.",
                state="approved",
                decided_at=at(2026, 11, 20),
            ),
            Evidence(action_id=signed_off.id, description="Revised VPS leaflet", filename="vps.pdf"),
            Evidence(action_id=signed_off.id, is_link=True, url="https://example.org/minutes", description=""),
        ]
    )
    db.session.commit()
    completed = section(render_report_html(build_snapshot(Q3, today=AFTER_Q3)), "completed")
    assert completed == (
        "Completed this quarter VV-103: Offer every victim a Victim Personal Statement "
        "Signed off on 20 November 2026. Owner: Jordan Blake, Contact Management. "
        "Every victim is now offered a statement at first contact. "
        "Evidence: Revised VPS leaflet (file); https://example.org/minutes (link)."
    )


def test_charts_are_svg_with_titles_and_the_same_figures_in_tables(db, make):
    crafted_history(db, make)
    html = render_report_html(build_snapshot(Q3, today=AFTER_Q3))
    assert html.count("<svg") == 3 and '<title id="chart1-t">Actions by BRAG rating, 2026/27 Q2 and 2026/27 Q3' in html
    assert "<caption>Actions by BRAG rating at the end of each quarter</caption>" in html
    assert '<html lang="en-GB">' in html and "<title>Victims&#39; Code improvement plan" in html
    assert "<table" not in section_html(html, "log"), "the action log is laid out as blocks, not a table"


def section_html(html, anchor):
    return re.search(rf'id="{anchor}">(.*?)</section>', html, flags=re.S)[1]


def test_the_report_is_rendered_from_its_snapshot_alone(db, make):
    crafted_history(db, make)
    report = build_report(Q3, today=AFTER_Q3)
    db.session.commit()
    html = render_report_html(report.snapshot)
    for row in db.session.scalars(select(Report)):
        db.session.delete(row)
    db.session.commit()
    assert render_report_html(report.snapshot) == html


def test_a_sign_off_without_evidence_shows_the_chairs_reason(db, make):
    actions = crafted_history(db, make)
    signed_off = actions["VV-103"]
    note = "Signed off without evidence: The chair saw the new statements in use."
    db.session.add(
        ClosureRequest(
            action_id=signed_off.id,
            requested_by_id=signed_off.owner_id,
            requested_at=at(2026, 11, 18),
            summary="Every victim is now offered a statement at first contact.",
            state="approved",
            decided_at=at(2026, 11, 20),
            exception_note=note,
        )
    )
    db.session.commit()
    completed = section(render_report_html(build_snapshot(Q3, today=AFTER_Q3)), "completed")
    assert completed == (
        "Completed this quarter VV-103: Offer every victim a Victim Personal Statement "
        "Signed off on 20 November 2026. Owner: Jordan Blake, Contact Management. "
        "Every victim is now offered a statement at first contact. "
        f"{note} Evidence: none attached."
    )


def _chair_moves(db, make, action, new_due, when):
    """The chair moves the due date through the service; its records are then dated inside the quarter."""
    chair = make.user("chair", name="Sam Carter")
    request = move_current_due_date(action, chair, new_due, "Agreed at the Champions meeting.")
    db.session.flush()
    written = db.session.scalars(
        select(ActionUpdate).where(ActionUpdate.action_id == action.id, ActionUpdate.kind == "due_date_moved")
    ).all()
    for entry in written:
        db.session.delete(entry)
        db.session.add(
            ActionUpdate(
                action_id=action.id,
                author_id=chair.id,
                created_at=when,
                kind=entry.kind,
                narrative=entry.narrative,
                extension_request_id=entry.extension_request_id,
                due_date_before=entry.due_date_before,
            )
        )
    if request is not None:
        request.requested_at = request.decided_at = when
    db.session.commit()


def test_a_chairs_later_due_date_counts_as_moved_in_the_report_like_an_approved_extension(db, make):
    actions = crafted_history(db, make)
    _chair_moves(db, make, actions["VV-105"], date(2027, 12, 31), at(2026, 11, 5))

    snapshot = build_snapshot(Q3, today=AFTER_Q3)
    assert snapshot["movement"]["extended"] == ["VV-101", "VV-105"]
    rows = {row["reference"]: row for row in snapshot["actions"]}
    assert rows["VV-105"]["extension_count"] == 1 and rows["VV-105"]["current_due"] == "2027-12-31"
    summary = section(render_report_html(snapshot), "summary")
    assert "1 recovered from Red and 2 given a later due date." in summary

    # As at the end of Q2, before the move, the plan had the old date and no extension.
    q2 = {row["reference"]: row for row in build_snapshot(Q2, today=AFTER_Q3)["actions"]}
    assert q2["VV-105"]["extension_count"] == 0 and q2["VV-105"]["current_due"] == "2027-09-30"


def test_a_due_date_brought_forward_is_not_reported_as_moved_later(db, make):
    actions = crafted_history(db, make)
    _chair_moves(db, make, actions["VV-105"], date(2027, 6, 30), at(2026, 11, 5))

    snapshot = build_snapshot(Q3, today=AFTER_Q3)
    assert snapshot["movement"]["extended"] == ["VV-101"]
    rows = {row["reference"]: row for row in snapshot["actions"]}
    assert rows["VV-105"]["extension_count"] == 0 and rows["VV-105"]["current_due"] == "2027-06-30"

    # As at the end of Q2, before it was brought forward, the action was due on its old date.
    q2 = {row["reference"]: row for row in build_snapshot(Q2, today=AFTER_Q3)["actions"]}
    assert q2["VV-105"]["current_due"] == "2027-09-30"
