"""A quarter's report is built only once the quarter is over; a wrong published report is withdrawn and superseded."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from tests.clock import set_clock
from tests.integration.report_history import AFTER_Q3, Q3, crafted_history
from tests.visible import banner, error_messages, texts, visible_text
from tracker.audit.models import AuditEvent
from tracker.audit.readable import kind_label
from tracker.common.dates import date_time, long_date
from tracker.common.quarters import Quarter
from tracker.notify.models import OutboundEmail
from tracker.reports import jobs, services
from tracker.reports.builds import work_through_builds
from tracker.reports.models import DistributionRecipient, Report, ReportState

REASON = "VV-104 was counted as Red, but its extension had been approved before the quarter ended."


def _reports(db):
    return db.session.scalars(select(Report).order_by(Report.id)).all()


def _mail(db, kind):
    query = select(OutboundEmail).where(OutboundEmail.kind == kind).order_by(OutboundEmail.to_address)
    return db.session.scalars(query).all()


def test_on_2_december_the_chair_sees_only_a_draft_of_q3_and_cannot_build_it(client, auth, db, make, monkeypatch):
    set_clock(monkeypatch, 2026, 12, 2, 21, 1)
    crafted_history(db, make)
    auth.sign_in("chair")
    page = client.get("/reports/2026-27-Q3/draft").get_data(as_text=True)
    toolbar = visible_text(page, ".app-report-toolbar")
    assert toolbar.startswith(
        "Draft for 2026/27 Q3, as at 2 December 2026. This is the report as it would be built now. "
        "Nothing is sent, and no report is stored until it is built. The quarter ends on 31 December 2026, so its "
        "report cannot be built yet. "
        "You can build the 2026/27 Q3 report from 1 January 2027."
    )
    assert "Build the report for approval" not in visible_text(page)
    assert "/reports/2026-27-Q3/build" not in page

    refused = client.post("/reports/2026-27-Q3/build", follow_redirects=True).get_data(as_text=True)
    assert banner(refused) == (
        "The 2026/27 Q3 quarter has not ended. You can build the 2026/27 Q3 report from 1 January 2027."
    )
    assert _reports(db) == []


def test_the_last_day_of_a_quarter_counts_in_the_organisations_time_zone(app):
    q1 = Quarter.parse("2026/27 Q1")
    with app.app_context():
        assert services.buildable_from(q1) == date(2026, 7, 1)
        assert not services.can_build(q1, today=date(2026, 6, 30))
        assert services.can_build(q1, today=date(2026, 7, 1))
        assert services.not_yet_message(Quarter.parse("2026/27 Q4")) == (
            "You can build the 2026/27 Q4 report from 1 April 2027."
        )


def test_london_midnight_decides_whatever_the_utc_date(app, monkeypatch):
    q1 = Quarter.parse("2026/27 Q1")
    with app.app_context():
        set_clock(monkeypatch, 2026, 6, 30, 23, 59)
        assert not services.can_build(q1)
        at = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)  # 00:30 on 1 July in London
        monkeypatch.setattr("tracker.common.dates.utcnow", lambda: at)
        assert services.can_build(q1)


def test_no_way_of_building_stores_a_report_before_the_quarter_ends(db, make):
    crafted_history(db, make)
    chair = make.user("chair")
    for last_day in (date(2026, 12, 2), date(2026, 12, 31)):
        with pytest.raises(services.QuarterNotOver, match="You can build the 2026/27 Q3 report from 1 January 2027"):
            build_report_on(Q3, chair, last_day)
    # The scheduled build only ever builds the quarter just ended, and on 1 January it is not yet due.
    assert jobs.build_due_report(datetime(2027, 1, 1, 6, tzinfo=UTC)) == (
        "2026/27 Q3 report is not due until 2027-01-08"
    )
    assert _reports(db) == []


def build_report_on(quarter, user, day):
    return services.build_report(quarter, user=user, today=day)


def test_a_report_built_too_early_cannot_be_published(client, auth, db, make, monkeypatch):
    set_clock(monkeypatch, 2026, 12, 2, 21, 1)
    early = Report(
        quarter=Q3.label,
        state=ReportState.AWAITING_APPROVAL.value,
        snapshot={"built_on": "2026-12-02"},
        pdf=b"%PDF-1.7\n%%EOF\n",
        pdf_size=15,
        sha256="0" * 64,
        built_at=datetime(2026, 12, 2, 21, 1, tzinfo=UTC),
    )
    db.session.add(early)
    db.session.commit()
    auth.sign_in("chair")
    page = client.get("/reports/2026-27-Q3").get_data(as_text=True)
    assert visible_text(page, ".govuk-inset-text") == (
        "This report was built on 2 December 2026, before the quarter ended, so it cannot be published. "
        "You can build the 2026/27 Q3 report from 1 January 2027."
    )
    assert "Publish and send" not in visible_text(page) and "Rebuild" not in visible_text(page)
    refused = client.post("/reports/2026-27-Q3/publish", follow_redirects=True).get_data(as_text=True)
    assert banner(refused) == (
        "The 2026/27 Q3 report was built before the quarter ended, so it cannot be published. "
        "You can build the 2026/27 Q3 report from 1 January 2027. Build it again then."
    )
    db.session.expire_all()
    assert db.session.get(Report, early.id).state == ReportState.AWAITING_APPROVAL.value


@pytest.fixture()
def published(db, make):
    """The Q3 report, built after the quarter and published to two people on the list."""
    crafted_history(db, make)
    db.session.add_all(
        [
            DistributionRecipient(name="Priya Shah", email="priya.shah@lcjb.example.org", organisation="LCJB"),
            DistributionRecipient(name="Tom Hale", email="tom.hale@cps.example.org", organisation="CPS"),
        ]
    )
    chair = make.user("chair", name="Cat Chair")
    report = services.build_report(Q3, user=chair, today=AFTER_Q3)
    services.publish_report(report, chair)
    db.session.commit()
    return report


def test_an_admin_must_give_a_reason_to_withdraw(client, auth, db, published, monkeypatch):
    set_clock(monkeypatch, 2027, 1, 20, 10)
    auth.sign_in("admin")
    page = client.get("/reports/2026-27-Q3").get_data(as_text=True)
    assert "Withdraw this report" in texts(page, "a.govuk-button")
    form = client.get("/reports/2026-27-Q3/withdraw").get_data(as_text=True)
    assert "Priya Shah, LCJB (priya.shah@lcjb.example.org)" in visible_text(form)
    for typed in ("", "   "):
        response = client.post("/reports/2026-27-Q3/withdraw", data={"reason": typed})
        assert response.status_code == 400
        html = response.get_data(as_text=True)
        assert error_messages(html) == ["Enter why the report is being withdrawn"]
        assert "<title>Error: Withdraw the 2026/27 Q3 report" in html
    db.session.expire_all()
    assert db.session.get(Report, published.id).state == ReportState.PUBLISHED.value
    assert _mail(db, "report_withdrawn") == []


def test_withdrawing_keeps_the_report_marks_it_and_tells_the_list(app, client, auth, db, published, monkeypatch):
    set_clock(monkeypatch, 2027, 1, 20, 10)
    admin = auth.sign_in("admin", name="Ada Admin")
    pdf = published.pdf
    response = client.post("/reports/2026-27-Q3/withdraw", data={"reason": f"  {REASON}  "})
    assert response.status_code == 302 and response.location.endswith(f"/reports/2026-27-Q3/builds/{published.id}")
    page = client.get(response.location).get_data(as_text=True)
    assert banner(page) == (
        "The 2026/27 Q3 report is withdrawn. A notice is waiting to go to 2 people on the distribution list. "
        "Build a corrected report to replace it."
    )
    report = db.session.get(Report, published.id)
    when, when_at = date_time(report.withdrawn_at), report.withdrawn_at
    assert visible_text(page, ".govuk-warning-text") == (
        f"! Warning This report was withdrawn on {when} by Ada Admin because it was wrong. Do not use it."
    )
    rows = dict(zip(texts(page, ".govuk-summary-list__key"), texts(page, ".govuk-summary-list__value"), strict=True))
    assert rows["State"] == "Withdrawn" and rows["Withdrawn"] == f"{when} by Ada Admin"
    assert rows["Reason"] == REASON and rows["File"].endswith("KB, withdrawn")
    assert "Download the withdrawn PDF" in texts(page, "a.govuk-button")
    download = client.get(f"/reports/2026-27-Q3/builds/{published.id}/report.pdf")
    assert download.status_code == 200 and download.data == pdf

    notices = _mail(db, "report_withdrawn")
    assert [m.to_address for m in notices] == ["priya.shah@lcjb.example.org", "tom.hale@cps.example.org"]
    assert all(m.report_id == published.id and m.state == "pending" for m in notices)
    assert notices[0].subject == "Withdrawn: Victims' Code improvement plan update for 2026/27 Q3"
    lines = notices[0].body_text.split("\n")
    assert lines[:7] == [
        "Dear Priya Shah,",
        "",
        f"The update on the Victims' Code improvement plan for 2026/27 Q3, sent to the "
        f"{app.config['SUBGROUP_NAME']} on {long_date(report.published_at)}, has been withdrawn because it was "
        "wrong. Please do not use it or pass it on.",
        "",
        f"Why it was withdrawn: {REASON}",
        "",
        "A corrected report will follow. We will send it to you when it is published.",
    ]
    assert f"<strong>Why it was withdrawn:</strong> {REASON}" in notices[0].body_html
    assert (
        visible_text(page, "caption:-soup-contains('Withdrawal notice')")
        == "Withdrawal notice: 0 of 2 delivered, 2 waiting"
    )

    event = db.session.scalar(select(AuditEvent).where(AuditEvent.verb == "report.withdrawn"))
    assert event.actor_id == admin.id and kind_label(event.verb) == "Report withdrawn"
    assert event.summary == "Withdrew the 2026/27 Q3 report and queued a notice for 2 people on the distribution list"
    log = visible_text(client.get("/admin/audit").get_data(as_text=True))
    assert "Report withdrawn" in log and "Reason for withdrawing" in log and REASON in log
    assert "Report withdrawn" in visible_text(log)

    auth.sign_out()
    auth.sign_in("viewer")
    archive = client.get("/reports/").get_data(as_text=True)
    [row] = texts(archive, "tbody tr")
    assert row.startswith(f"2026/27 Q3 (withdrawn) Withdrawn Withdrawn {long_date(when_at)} by Ada Admin: {REASON}")
    assert client.get(f"/reports/2026-27-Q3/builds/{published.id}/report.pdf").data == pdf
    assert "Withdraw this report" not in visible_text(client.get("/reports/2026-27-Q3").get_data(as_text=True))


def test_a_new_build_supersedes_the_withdrawn_report_and_the_archive_keeps_both(
    client, auth, db, make, published, monkeypatch
):
    set_clock(monkeypatch, 2027, 1, 20, 10)
    admin = make.user("admin", name="Ada Admin")
    services.withdraw_report(published, admin, REASON)
    db.session.commit()
    auth.sign_in("chair", name="Carl Chair")
    draft = client.get("/reports/2026-27-Q3/draft").get_data(as_text=True)
    assert "Build a corrected report for approval" in visible_text(draft)
    assert f"was withdrawn on {long_date(published.withdrawn_at)}. See the withdrawn report" in visible_text(
        draft, ".app-report-toolbar"
    )

    assert client.post("/reports/2026-27-Q3/build").status_code == 302
    assert work_through_builds() == "1 report built, 0 failed"
    old, new = _reports(db)
    assert (old.state, new.state) == (ReportState.SUPERSEDED.value, ReportState.AWAITING_APPROVAL.value)
    assert old.superseded_by_id == new.id and old.withdrawal_reason == REASON
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.verb == "report.superseded"))
    assert kind_label(event.verb) == "Withdrawn report superseded by a new build"

    old_page = client.get(f"/reports/2026-27-Q3/builds/{old.id}").get_data(as_text=True)
    rows = dict(
        zip(texts(old_page, ".govuk-summary-list__key"), texts(old_page, ".govuk-summary-list__value"), strict=True)
    )
    assert rows["State"] == "Superseded" and rows["Reason"] == REASON
    assert rows["Superseded"] == f"By the report built on {date_time(new.built_at)} by Carl Chair"
    assert "A corrected report has replaced it." in visible_text(old_page, ".govuk-warning-text")

    client.post("/reports/2026-27-Q3/publish")
    assert work_through_builds() == "1 report published, 0 failed"
    db.session.expire_all()
    assert db.session.get(Report, new.id).state == ReportState.PUBLISHED.value
    mail = _mail(db, "report_published")
    assert sorted((m.report_id, m.to_address) for m in mail) == [
        (old.id, "priya.shah@lcjb.example.org"),
        (old.id, "tom.hale@cps.example.org"),
        (new.id, "priya.shah@lcjb.example.org"),
        (new.id, "tom.hale@cps.example.org"),
    ]
    archive = client.get("/reports/").get_data(as_text=True)
    states = [row.split(" ")[0:3] for row in texts(archive, "tbody tr")]
    assert [" ".join(s) for s in states] == ["2026/27 Q3 Published", "2026/27 Q3 (superseded)"]
    current = client.get("/reports/2026-27-Q3").get_data(as_text=True)
    assert "Other builds of the 2026/27 Q3 report" in visible_text(current)
    assert f"Superseded Withdrawn {long_date(old.withdrawn_at)}: {REASON}" in visible_text(current)


def test_only_a_published_report_can_be_withdrawn(db, make, published):
    admin = make.user("admin")
    services.withdraw_report(published, admin, REASON)
    with pytest.raises(services.NotWithdrawable):
        services.withdraw_report(published, admin, "Again")
    db.session.commit()
    published.withdrawal_reason = "Rewritten"
    with pytest.raises(ValueError, match="never changes"):
        db.session.flush()


def test_a_quarter_has_one_live_report_but_keeps_its_withdrawn_ones(db):
    def row(state):
        return Report(quarter=Q3.label, state=state, pdf=b"%PDF", pdf_size=4, sha256="0" * 64)

    db.session.add_all([row("withdrawn"), row("superseded"), row("published")])
    db.session.commit()
    db.session.add(row("awaiting_approval"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_board_members_read_the_withdrawn_report_while_the_corrected_one_awaits_approval(
    client, auth, db, make, published
):
    admin = make.user("admin", name="Ada Admin")
    services.withdraw_report(published, admin, REASON)
    services.build_report(Q3, user=make.user("chair"), today=AFTER_Q3)
    db.session.commit()
    auth.sign_in("viewer")
    page = client.get("/reports/2026-27-Q3").get_data(as_text=True)
    assert visible_text(page, "h1") == "2026/27 Q3 (withdrawn)"
    assert "A corrected report has replaced it." in visible_text(page, ".govuk-warning-text")
    assert "See the corrected" not in visible_text(page) and "Other builds" not in visible_text(page)
    archive = client.get("/reports/").get_data(as_text=True)
    assert [row.split(" ")[2] for row in texts(archive, "tbody tr")] == ["(superseded)"]
