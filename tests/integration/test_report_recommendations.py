"""The quarterly report's section on recommendations: by source and status, responses due next quarter, overdue ones.

Set RECOMMENDATION_SCREENSHOTS to a folder to keep the report's PDF. Every figure is as at the quarter's end, however late the report is built: a report published after
the quarter is left out, a status decided after it and a response published after it do not count.
"""

import io
import os
from datetime import datetime, time, timedelta
from pathlib import Path

from pypdf import PdfReader

from tests.visible import texts, visible_text
from tracker.common.dates import local_today, local_zone
from tracker.common.quarters import quarter_of
from tracker.recommendations import services
from tracker.reports.render import iso_date, render_report_html, render_report_pdf
from tracker.reports.snapshot import build_snapshot

THIS = quarter_of(local_today())
LAST = THIS.previous()


def _outline_titles(outline):
    titles = []
    for item in outline:
        titles += _outline_titles(item) if isinstance(item, list) else [item.title]
    return titles


def _moment(day):
    return datetime.combine(day, time(12), tzinfo=local_zone())


def _sources(make, db):
    lead = make.user("lead", name="Jordan Blake")
    late = make.source(
        title="PEEL 2027: victim service assessment",
        published_on=LAST.start + timedelta(days=10),
        responded_on=LAST.end + timedelta(days=3),
    )
    progressed = make.recommendation(
        source=late,
        reference="Recommendation 1",
        lead=lead,
        status="being_progressed",
        status_reason="The letter is being rewritten.",
        status_changed_at=_moment(LAST.start + timedelta(days=30)),
    )
    make.recommendation(source=late, reference="Recommendation 2", lead=lead)
    make.recommendation(source=late, reference="AFI 1", lead=lead, status="not_accepted", status_reason="No budget.")
    on_time = make.source(
        title="Joint inspection: meeting the needs of victims",
        published_on=LAST.start - timedelta(days=30),
        responded_on=LAST.start + timedelta(days=20),
    )
    make.recommendation(source=on_time, reference="Recommendation 4", lead=lead, status="complete")
    due_next = make.source(
        title="Review of ISVA provision", body="victims_commissioner", published_on=LAST.end - timedelta(days=10)
    )
    make.recommendation(source=due_next, reference="1", lead=lead)
    make.source(title="Audit of victim contact", body="internal_audit", published_on=LAST.end, response_days=None)
    make.source(title="PEEL 2028", published_on=LAST.end + timedelta(days=1))
    db.session.commit()
    # After the quarter, the lead decides Recommendation 1 is complete: the report still shows it being progressed.
    services.change_status(progressed, "complete", "All letters sent.", lead)
    db.session.commit()
    return late, on_time, due_next


def test_the_section_shows_each_source_as_at_the_quarter_s_end_in_the_page_and_the_pdf(db, make):
    late, on_time, due_next = _sources(make, db)
    snapshot = build_snapshot(LAST)
    late_due = late.published_on + timedelta(days=56)
    next_due = due_next.published_on + timedelta(days=56)
    overdue_days = (LAST.end - late_due).days
    html = render_report_html(snapshot, draft=True)
    assert visible_text(html, "#recommendations") == (
        "Recommendations "
        f"The recommendations of the inspections and reviews published by {iso_date(LAST.end.isoformat())}, "
        "by their status on that day, and the response each report needs. "
        "Recommendations by report or review and status, oldest report first "
        "Report or review Awaiting review Being progressed Complete Not accepted All Response due Response "
        f"HMICFRS: Joint inspection: meeting the needs of victims (published {iso_date(on_time.published_on.isoformat())}) "
        f"0 0 1 0 1 {iso_date((on_time.published_on + timedelta(days=56)).isoformat())} "
        f"Published {iso_date(on_time.responded_on.isoformat())} "
        f"HMICFRS: PEEL 2027: victim service assessment (published {iso_date(late.published_on.isoformat())}) "
        f"1 1 0 1 3 {iso_date(late_due.isoformat())} Not published: {overdue_days} days overdue "
        f"Victims' Commissioner: Review of ISVA provision (published {iso_date(due_next.published_on.isoformat())}) "
        f"1 0 0 0 1 {iso_date(next_due.isoformat())} Not yet published "
        f"Internal audit: Audit of victim contact (published {iso_date(LAST.end.isoformat())}) "
        "0 0 0 0 0 None No response required "
        "Overdue responses "
        f"HMICFRS: PEEL 2027: victim service assessment (published {iso_date(late.published_on.isoformat())}): "
        f"due {iso_date(late_due.isoformat())}, {overdue_days} days overdue on {iso_date(LAST.end.isoformat())}. "
        f"Responses due in {THIS.label} "
        f"Victims' Commissioner: Review of ISVA provision (published {iso_date(due_next.published_on.isoformat())}): "
        f"due {iso_date(next_due.isoformat())}."
    )
    assert visible_text(html, ".rp-contents li[data-target='#recommendations']") == "Recommendations"

    pdf = render_report_pdf(html)
    if os.environ.get("RECOMMENDATION_SCREENSHOTS"):
        Path(os.environ["RECOMMENDATION_SCREENSHOTS"], "report-recommendations.pdf").write_bytes(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert f"Not published: {overdue_days} days overdue" in text
    assert f"Responses due in {THIS.label}" in text
    assert "PEEL 2028" not in text
    assert "No response required" in text
    assert "Recommendations" in _outline_titles(reader.outline)


def test_this_quarter_s_report_counts_the_late_response_and_the_decision_made_since(db, make):
    late, _, due_next = _sources(make, db)
    snapshot = build_snapshot(THIS)
    rows = {row["title"]: row for row in snapshot["recommendations"]["sources"]}
    assert rows["PEEL 2027: victim service assessment"]["by_status"] == {
        "awaiting_review": 1,
        "being_progressed": 0,
        "complete": 1,
        "not_accepted": 1,
    }
    assert rows["PEEL 2027: victim service assessment"]["state"] == "published"
    assert (
        rows["PEEL 2027: victim service assessment"]["days_late"]
        == (late.responded_on - (late.published_on + timedelta(days=56))).days
    )
    assert rows["PEEL 2028"]["state"] in ("awaiting", "overdue")
    html = render_report_html(snapshot, draft=True)
    days_late = rows["PEEL 2027: victim service assessment"]["days_late"]
    assert texts(html, "#recommendations tbody tr")[1] == (
        f"HMICFRS: PEEL 2027: victim service assessment (published {iso_date(late.published_on.isoformat())}) "
        f"1 0 1 1 3 {iso_date((late.published_on + timedelta(days=56)).isoformat())} "
        f"Published {iso_date(late.responded_on.isoformat())}, {days_late} days late"
    )


def test_a_quarter_before_any_report_has_no_section(db, make):
    make.source(title="PEEL 2027", published_on=THIS.start)
    db.session.commit()
    snapshot = build_snapshot(LAST)
    assert snapshot["recommendations"] is None
    html = render_report_html(snapshot, draft=True)
    assert texts(html, "#recommendations") == []
    assert "Recommendations" not in texts(html, ".rp-contents li")
