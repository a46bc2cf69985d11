"""`reminders run` and `outbox send` for operators."""

from datetime import date

from sqlalchemy import func, select

from tests.integration.notify.conftest import london
from tracker.notify.models import OutboundEmail


def _count(db):
    return db.session.scalar(select(func.count(OutboundEmail.id)))


def test_reminders_run_dry_run_says_what_it_would_queue_and_queues_nothing(runner, db, make):
    owner = make.user("lead", email="lee.lead@force.example.org")
    make.action(owner=owner, due=date(2026, 11, 25), today=date(2026, 11, 30))

    result = runner.invoke(args=["reminders", "run", "--now", "2026-11-30T07:00", "--dry-run"])

    assert result.exit_code == 0, result.output
    assert "Would queue 1 weekly digest, 0 escalation digests, 0 Red alerts for Monday 30 November 2026 07:00" in (
        result.output
    )
    assert "weekly digest to lee.lead@force.example.org: 1 overdue" in result.output
    assert _count(db) == 0


def test_reminders_run_queues_once_and_says_so(runner, db, make):
    make.user("chair", email="chair@opcc.example.org")
    owner = make.user("lead", email="lee.lead@force.example.org")
    make.action(owner=owner, due=date(2026, 10, 30), today=date(2026, 11, 30))
    make.action(
        owner=owner,
        reference="VV-900",
        due=date(2026, 11, 27),
        last_rule_rag="amber",
        last_update_at=london(2026, 11, 29, 9, 0),
    )

    first = runner.invoke(args=["reminders", "run", "--now", "2026-11-30T07:00"])
    second = runner.invoke(args=["reminders", "run", "--now", "2026-11-30T07:30"])

    assert "Queued 1 weekly digest, 1 escalation digest, 1 Red alert" in first.output
    assert "escalation digest to chair@opcc.example.org: 1 overdue by more than 10 working days" in first.output
    assert "VV-900 turned Red (3 days past due date of 27 November 2026)" in first.output
    assert _count(db) == 4  # digest, escalation, Red alert to owner and to chair
    assert "Queued 0 weekly digests, 0 escalation digests, 0 Red alerts" in second.output
    assert "Nothing to send" in second.output
    assert _count(db) == 4


def test_reminders_run_rejects_a_moment_it_cannot_read(runner, db):
    result = runner.invoke(args=["reminders", "run", "--now", "next Monday"])

    assert result.exit_code == 2
    assert "'next Monday' is not an ISO date or time" in result.output


def test_outbox_send_delivers_to_the_configured_server(runner, db, make, smtp_server):
    owner = make.user("lead", email="lee.lead@force.example.org")
    make.action(owner=owner, due=date(2026, 11, 25), today=date(2026, 11, 30))
    runner.invoke(args=["reminders", "run", "--now", "2026-11-30T07:00"])

    result = runner.invoke(args=["outbox", "send"])

    assert result.exit_code == 0, result.output
    assert "Sent 1, will retry 0, failed 0." in result.output
    assert [e.rcpt_tos for e in smtp_server.envelopes] == [["lee.lead@force.example.org"]]


def test_outbox_send_without_a_server_leaves_mail_waiting(runner, db, make):
    owner = make.user("lead")
    make.action(owner=owner, due=date(2026, 11, 25), today=date(2026, 11, 30))
    runner.invoke(args=["reminders", "run", "--now", "2026-11-30T07:00"])

    result = runner.invoke(args=["outbox", "send"])

    assert "No mail server is configured (MAIL_SERVER), so mail stays in the outbox." in result.output
    assert "1 message waiting" in result.output
