"""The plan's operations, called directly: rules, timeline entries, audit events and signals."""

from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from tracker.audit.models import AuditEvent
from tracker.plan import services, signals
from tracker.plan.brag import rule_rag
from tracker.plan.errors import PlanError, StaleEdit
from tracker.plan.models import Action, ActionUpdate, EntryKind, RequestState

TODAY = date.today()


@contextmanager
def caught(signal):
    """Collect what a plan signal was sent with."""
    calls = []

    def receiver(sender, **kwargs):
        calls.append((sender, kwargs))

    with signal.connected_to(receiver):
        yield calls


def data(owner, **overrides):
    values = {
        "title": "Revise the acknowledgement letter",
        "owner": owner,
        "start_date": TODAY,
        "original_due_date": TODAY + timedelta(days=90),
        "source": "self_assessment",
    }
    values.update(overrides)
    return services.ActionData(**values)


def same_as(action, **overrides):
    """The action's own details, with some changed."""
    values = {
        "title": action.title,
        "description": action.description,
        "source": action.source,
        "owner": action.owner,
        "start_date": action.start_date,
        "original_due_date": action.original_due_date,
        "rights": action.rights,
        "priorities": action.priorities,
    }
    values.update(overrides)
    return services.ActionData(**values)


def entries(action):
    return [e.kind for e in action.entries]


def verbs(action):
    return list(
        services.db.session.scalars(
            select(AuditEvent.verb).where(AuditEvent.action_id == action.id).order_by(AuditEvent.id)
        )
    )


def test_create_numbers_actions_records_and_tells_the_owner(db, make):
    chair, lead = make.user("chair"), make.user("lead")
    with caught(signals.action_assigned) as sent:
        first = services.create_action(data(lead, rights=[make.right(3)]), chair)
        second = services.create_action(data(lead), chair)
    db.session.commit()
    assert (first.reference, second.reference) == ("VV-001", "VV-002")
    assert first.department == lead.department and first.status == "not_started"
    assert [r.number for r in first.rights] == [3]
    assert entries(first) == ["created"]
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.verb == "action.created", AuditEvent.action_id == first.id)
    )
    assert event.changes["owner"] == [None, lead.name] and event.changes["rights"] == [None, [3]]
    assert event.actor_id == chair.id, "the audit names who did it, even outside a web request"
    assert [(s.reference, k["previous_owner"]) for s, k in sent] == [("VV-001", None), ("VV-002", None)]


def test_create_refuses_a_due_date_before_the_start(db, make):
    chair, lead = make.user("chair"), make.user("lead")
    with pytest.raises(PlanError) as refused:
        services.create_action(data(lead, original_due_date=TODAY - timedelta(days=1)), chair)
    assert refused.value.field == "original_due_date"
    assert "after the start date" in refused.value.message
    db.session.rollback()
    assert db.session.scalar(select(func.count(Action.id))) == 0


def test_create_refuses_an_owner_who_cannot_sign_in_and_anyone_but_the_chair(db, make):
    chair, gone = make.user("chair"), make.user("lead", active=False)
    with pytest.raises(PlanError) as refused:
        services.create_action(data(gone), chair)
    assert refused.value.field == "owner"
    with pytest.raises(PermissionError):
        services.create_action(data(make.user("lead")), make.user("lead"))


def test_stale_edit_is_refused_and_changes_nothing(db, make):
    chair = make.user("chair")
    action = make.action()
    opened_at = action.version_id
    services.edit_action(action, same_as(action, title="Someone else's title"), chair, expected_version=opened_at)
    db.session.commit()
    with pytest.raises(StaleEdit) as refused:
        services.edit_action(action, same_as(action, title="My title"), chair, expected_version=opened_at)
    assert "Someone else changed this" in refused.value.message
    db.session.rollback()
    assert db.session.get(Action, action.id).title == "Someone else's title"


def test_reassigning_tells_the_new_owner_and_writes_the_timeline(db, make):
    chair = make.user("chair")
    action = make.action()
    old_owner, new_owner = action.owner, make.user("lead", department=make.department("Investigations"))
    with caught(signals.action_assigned) as sent:
        changes = services.edit_action(action, same_as(action, owner=new_owner), chair)
    db.session.commit()
    assert changes["owner"] == (old_owner.name, new_owner.name)
    assert changes["department"] == ("Contact Management", "Investigations")
    assert action.department.name == "Investigations"
    assert sent[0][1]["previous_owner"] == old_owner
    assert entries(action) == ["assigned"]
    assert action.entries.first().narrative == f"Reassigned from {old_owner.name} to {new_owner.name}"


def test_saving_without_changes_records_nothing(db, make):
    chair = make.user("chair")
    action = make.action()
    assert services.edit_action(action, same_as(action), chair) == {}
    assert verbs(action) == []


def test_cancelling_needs_a_reason_and_withdraws_waiting_requests(db, make):
    chair = make.user("chair")
    action = make.action()
    request = services.request_extension(
        action, action.owner, new_due_date=action.current_due_date + timedelta(days=30), reason="IT change"
    )
    with pytest.raises(PlanError) as refused:
        services.cancel_action(action, "  ", chair)
    assert refused.value.field == "reason"
    with caught(signals.action_cancelled) as sent:
        services.cancel_action(action, "Superseded by the force-wide review", chair)
    db.session.commit()
    assert action.status == "cancelled" and action.cancel_reason == "Superseded by the force-wide review"
    assert request.state == RequestState.WITHDRAWN
    assert rule_rag(action, TODAY).rag is None
    assert sent[0][1]["reason"] == "Superseded by the force-wide review"
    assert "action.cancelled" in verbs(action)


def test_owner_posts_an_update_that_moves_the_action_and_is_never_changed(db, make):
    action = make.action(progress=10)
    with caught(signals.update_posted) as sent:
        update = services.post_update(
            action,
            action.owner,
            narrative="Draft letter shared with the forum",
            status="in_progress",
            progress=55,
            declared_rag="amber",
            link="https://docs.example.org/letter",
            link_description="Draft letter",
        )
    db.session.commit()
    assert (action.progress, action.declared_rag, action.status) == (55, "amber", "in_progress")
    assert action.last_update_at == update.created_at
    assert [e.url for e in update.evidence] == ["https://docs.example.org/letter"]
    assert sent[0][1]["update"] is update
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.verb == "action.update_posted"))
    assert event.changes["progress"] == [10, 55]
    update.narrative = "Rewritten history"
    with pytest.raises(ValueError, match="never changed"):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(ActionUpdate, update.id).narrative == "Draft letter shared with the forum"


def test_a_lead_of_the_department_may_update_but_not_another_department(db, make):
    action = make.action()
    colleague = make.user("lead", department=action.department)
    outsider = make.user("lead", department=make.department("Public Protection"))
    update = {"narrative": "Progress", "status": "in_progress", "progress": 50, "declared_rag": "green"}
    services.post_update(action, colleague, **update)
    for person in (outsider, make.user("chair"), make.user("viewer")):
        with pytest.raises(PermissionError):
            services.post_update(action, person, **update)


def test_update_rules_name_the_field_to_fix(db, make):
    action = make.action()
    base = {"narrative": "Progress", "status": "in_progress", "progress": 50, "declared_rag": "green"}
    for change, field in (
        ({"narrative": " "}, "narrative"),
        ({"status": "complete"}, "status"),
        ({"progress": 101}, "progress"),
        ({"declared_rag": "blue"}, "declared_rag"),
        ({"link": "javascript:alert(1)"}, "link"),
    ):
        with pytest.raises(PlanError) as refused:
            services.post_update(action, action.owner, **{**base, **change})
        assert refused.value.field == field
    db.session.rollback()
    assert db.session.scalar(select(func.count(ActionUpdate.id))) == 0


def test_approved_extension_moves_the_current_date_and_keeps_the_original(db, make):
    chair = make.user("chair")
    action = make.action()
    original = action.original_due_date
    new_date = original + timedelta(days=42)
    with pytest.raises(PlanError):
        services.request_extension(action, action.owner, new_due_date=original, reason="More time")
    with caught(signals.extension_requested) as asked:
        request = services.request_extension(action, action.owner, new_due_date=new_date, reason="IT change late")
    with pytest.raises(PlanError, match="already waiting"):
        services.request_extension(action, action.owner, new_due_date=new_date, reason="Again")
    with pytest.raises(PermissionError):
        services.decide_extension(request, action.owner, approve=True, reason="")
    with caught(signals.extension_decided) as decided:
        services.decide_extension(request, chair, approve=True, reason="Agreed at the Champions meeting")
    db.session.commit()
    assert (action.original_due_date, action.current_due_date) == (original, new_date)
    assert action.extension_count == 1 and action.is_extended
    assert request.state == "approved" and request.decided_by == chair
    assert asked and decided[0][1]["request"] is request
    assert entries(action)[:2] == ["extension_approved", "extension_requested"]
    assert {"extension.requested", "extension.approved"} <= set(verbs(action))
    with pytest.raises(PlanError, match="already been decided"):
        services.decide_extension(request, chair, approve=False, reason="Changed my mind")


def test_refused_extension_needs_a_reason_and_leaves_the_date(db, make):
    chair = make.user("chair")
    action = make.action()
    due = action.current_due_date
    request = services.request_extension(action, action.owner, new_due_date=due + timedelta(days=7), reason="Leave")
    with pytest.raises(PlanError) as refused:
        services.decide_extension(request, chair, approve=False, reason="")
    assert refused.value.field == "reason"
    services.decide_extension(request, chair, approve=False, reason="Use the team's cover instead")
    db.session.commit()
    assert action.current_due_date == due and action.extension_count == 0
    assert action.entries.first().narrative == "Use the team's cover instead"


def test_sign_off_makes_the_action_blue(db, make):
    chair = make.user("chair")
    action = make.action(progress=90)
    with caught(signals.closure_requested) as asked:
        request = services.request_closure(action, action.owner, summary="Letter in use since May")
    assert action.status == "awaiting_signoff" and asked
    with pytest.raises(PlanError, match="awaiting sign-off"):
        services.post_update(
            action, action.owner, narrative="x", status="in_progress", progress=95, declared_rag="green"
        )
    with pytest.raises(
        PlanError, match="Confirm that you are signing this action off without evidence and at 90% progress"
    ):
        services.decide_closure(request, chair, approve=True, reason="", today=TODAY)
    with pytest.raises(PlanError, match="Enter why you are signing it off without evidence and at 90% progress"):
        services.decide_closure(request, chair, approve=True, reason="", today=TODAY, confirm_exception=True)
    with caught(signals.closure_decided) as decided:
        services.decide_closure(
            request, chair, approve=True, reason="", today=TODAY, confirm_exception=True, exception_reason="Seen it"
        )
    db.session.commit()
    assert request.exception_note == "Signed off without evidence and at 90% progress: Seen it"
    assert action.entries.first().narrative == "Signed off without evidence and at 90% progress: Seen it"
    assert "exception_note" in audit_changes(action, "closure.approved")
    assert (action.status, action.progress, action.completed_on) == ("complete", 100, TODAY)
    assert rule_rag(action, TODAY).rag == "blue"
    assert decided[0][1]["request"].state == "approved"
    assert entries(action)[:2] == ["closure_approved", "closure_requested"]


def audit_changes(action, verb):
    from tracker.extensions import db

    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action_id == action.id, AuditEvent.verb == verb))
    return event.changes


def test_refused_sign_off_sends_the_action_back_with_the_reason(db, make):
    chair = make.user("chair")
    action = make.action(progress=90)
    request = services.request_closure(action, action.owner, summary="Done")
    with pytest.raises(PlanError):
        services.decide_closure(request, chair, approve=False, reason=" ")
    services.decide_closure(request, chair, approve=False, reason="Show the audit results first")
    db.session.commit()
    assert action.status == "in_progress" and request.decision_reason == "Show the audit results first"
    assert services.pending_closure(action) is None


def test_sign_off_withdraws_a_waiting_extension(db, make):
    chair = make.user("chair")
    action = make.action()
    extension = services.request_extension(
        action, action.owner, new_due_date=action.current_due_date + timedelta(days=10), reason="Leave"
    )
    closure = services.request_closure(
        action, action.owner, summary="Finished early after all", link="https://intranet.example.org/done"
    )
    action.progress = 100
    services.decide_closure(closure, chair, approve=True, reason="")
    assert extension.state == "withdrawn"
    assert closure.exception_note is None, "evidence attached and 100%: no reason needed"
    closed = [e for e in action.entries if e.kind == "extension_withdrawn"]
    assert [e.narrative for e in closed] == ["Closed because the action was signed off as complete"]
    assert closed[0].extension_request_id == extension.id
    with pytest.raises(PlanError):
        services.decide_extension(extension, chair, approve=True, reason="")


def test_closure_request_carries_its_evidence(db, make):
    from tracker.plan.evidence import check_file

    action = make.action()
    upload = check_file("results.csv", b"month,percent\nMay,91\n", limit=1000)
    request = services.request_closure(action, action.owner, summary="Target met", upload=upload)
    db.session.commit()
    assert [(e.filename, e.content_type) for e in request.evidence] == [("results.csv", "text/csv; charset=utf-8")]
    assert request.evidence[0].update.kind == EntryKind.CLOSURE_REQUESTED
