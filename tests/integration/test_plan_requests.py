"""Owners withdraw their own pending requests; the chair reopens a completed or cancelled action."""

from sqlalchemy import select

from tests.visible import banner, banners, error_messages, texts, visible_text
from tracker.audit.models import AuditEvent
from tracker.notify.models import OutboundEmail
from tracker.plan.models import Action, ClosureRequest, ExtensionRequest


def verbs(action, db):
    return [e.verb for e in db.session.scalars(select(AuditEvent).where(AuditEvent.action_id == action.id))]


def timeline(client, action):
    return texts(client.get(f"/actions/{action.reference}").text, ".app-timeline__title")


def test_owner_withdraws_their_extension_request_and_the_chair_no_longer_sees_it(client, auth, make, db):
    action = make.action()
    auth.sign_in(action.owner)
    later = action.current_due_date.replace(year=action.current_due_date.year + 1)
    client.post(
        f"/actions/{action.reference}/extension",
        data={"new_due_date": [str(later.day), str(later.month), str(later.year)], "reason": "Waiting for IT"},
    )
    request = db.session.scalar(select(ExtensionRequest))
    detail = client.get(f"/actions/{action.reference}").text
    assert "Withdraw the request for more time" in texts(detail, ".govuk-notification-banner a")
    url = f"/actions/{action.reference}/extension/{request.id}/withdraw"
    page = client.get(url).text
    assert visible_text(page, "h1") == "Withdraw your request for more time"
    assert db.session.get(ExtensionRequest, request.id).state == "pending", "a GET changes nothing"
    response = client.post(url)
    page = client.get(response.location).text
    assert banner(page) == "Your request for more time has been withdrawn."
    assert timeline(client, action)[0] == "Request for more time withdrawn"
    assert "extension.withdrawn" in verbs(action, db)
    assert db.session.get(ExtensionRequest, request.id).state == "withdrawn"
    again = client.post(url)
    assert "This request is no longer waiting for a decision, so it cannot be withdrawn." in visible_text(again.text)
    auth.sign_out()
    auth.sign_in("chair")
    assert "Waiting for your decision" not in visible_text(client.get("/").text)


def test_withdrawing_a_sign_off_request_puts_the_action_back_in_progress(client, auth, make, db):
    action = make.action(progress=90)
    auth.sign_in(action.owner)
    sent = client.post(f"/actions/{action.reference}/closure", data={"summary": "All done."})
    assert banners(client.get(sent.location).text)[0] == "Your request for sign-off has been sent to the chair."
    request = db.session.scalar(select(ClosureRequest))
    response = client.post(f"/actions/{action.reference}/closure/{request.id}/withdraw")
    page = client.get(response.location).text
    assert banner(page) == "Your request for sign-off has been withdrawn. The action is back in progress."
    db.session.expire_all()
    assert db.session.get(Action, action.id).status == "in_progress"
    assert timeline(client, action)[0] == "Request for sign-off withdrawn"
    assert "closure.withdrawn" in verbs(action, db)


def test_only_the_owner_side_may_withdraw(client, auth, make, db):
    action = make.action()
    request = ExtensionRequest(
        action=action,
        requested_by=action.owner,
        previous_due_date=action.current_due_date,
        new_due_date=action.current_due_date.replace(year=action.current_due_date.year + 1),
        reason="Waiting",
    )
    db.session.add(request)
    db.session.commit()
    auth.sign_in("chair")
    assert client.post(f"/actions/{action.reference}/extension/{request.id}/withdraw").status_code == 403
    assert client.post(f"/actions/{action.reference}/closure/{request.id}/withdraw").status_code == 404
    assert db.session.get(ExtensionRequest, request.id).state == "pending"


def test_chair_reopens_a_completed_action_and_the_owner_is_told(client, auth, make, db):
    owner = make.user("lead", name="Jordan Blake")
    action = make.action(owner=owner, status="complete", progress=100)
    auth.sign_in("chair")
    detail = client.get(f"/actions/{action.reference}").text
    assert "Reopen action" in texts(detail, ".govuk-button")
    url = f"/actions/{action.reference}/reopen"
    empty = client.post(url, data={"reason": " "}).text
    assert error_messages(empty) == ["Enter why the action is being reopened"]
    response = client.post(url, data={"reason": "The new letter was withdrawn by legal."})
    page = client.get(response.location).text
    assert banner(page) == f"{action.reference} has been reopened and Jordan Blake has been told."
    assert visible_text(page, ".app-brag-panel h2") != "BRAG: Blue"
    db.session.expire_all()
    reopened = db.session.get(Action, action.id)
    assert (reopened.status, reopened.completed_on) == ("in_progress", None)
    assert timeline(client, action)[0] == "Action reopened"
    assert "action.reopened" in verbs(action, db)
    mail = db.session.scalar(select(OutboundEmail).where(OutboundEmail.kind == "action_reopened"))
    assert (mail.to_address, mail.subject) == (owner.email, f"{action.reference} has been reopened")
    assert "Their reason:\nThe new letter was withdrawn by legal." in mail.body_text
    assert client.post(url, data={"reason": "Again"}).status_code == 200
    assert "so it is already open" in visible_text(client.get(url).text)


def test_a_cancelled_action_reopens_without_its_cancel_reason(client, auth, make, db):
    action = make.action(status="cancelled", cancel_reason="Duplicate")
    auth.sign_in("admin")
    response = client.post(f"/actions/{action.reference}/reopen", data={"reason": "Not a duplicate after all."})
    assert banner(client.get(response.location).text).startswith(f"{action.reference} has been reopened")
    db.session.expire_all()
    assert (db.session.get(Action, action.id).status, db.session.get(Action, action.id).cancel_reason) == (
        "in_progress",
        None,
    )


def test_signing_off_without_evidence_needs_a_confirmed_reason(client, auth, make, db):
    action = make.action(progress=100)
    auth.sign_in(action.owner)
    client.post(f"/actions/{action.reference}/closure", data={"summary": "Letters sent."})
    request = db.session.scalar(select(ClosureRequest))
    auth.sign_out()
    auth.sign_in("chair")
    url = f"/actions/{action.reference}/closure/{request.id}"
    page = client.get(url).text
    assert visible_text(page, ".govuk-warning-text") == (
        "! Warning Approving means signing this action off without evidence. To approve, confirm it and say why."
    )
    rows = dict(zip(texts(page, ".govuk-summary-list__key"), texts(page, ".govuk-summary-list__value"), strict=True))
    assert rows["Progress"] == "100%"
    assert rows["Evidence"] == "None: no file or link is attached to this action."
    assert rows["Latest update"] == "No progress update has been posted."
    sent = client.post(url, data={"decision": "approve", "reason": "", "version_id": "1"}).text
    assert error_messages(sent) == ["Confirm that you are signing this action off without evidence"]
    data = {"decision": "approve", "reason": "", "version_id": "1", "confirm_exception": "y"}
    sent = client.post(url, data=data).text
    assert error_messages(sent) == ["Enter why you are signing it off without evidence"]
    assert db.session.get(Action, action.id).status == "awaiting_signoff"
    response = client.post(url, data={**data, "exception_reason": "I saw the letters at the force."})
    page = client.get(response.location).text
    assert banner(page) == f"{action.reference} has been signed off as complete."
    assert visible_text(page, ".app-timeline__item") == (
        f"Signed off as complete {visible_text(page, '.app-timeline__meta')} "
        "Signed off without evidence: I saw the letters at the force."
    )
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.verb == "closure.approved"))
    assert event.changes["exception_note"] == [None, "Signed off without evidence: I saw the letters at the force."]
