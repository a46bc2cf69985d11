"""Immediate mail for plan events: who gets what, and who chose not to."""

from datetime import date

from sqlalchemy import select

from tracker.notify.models import MailKindSetting, OutboundEmail
from tracker.plan import signals
from tracker.plan.models import ClosureRequest, ExtensionRequest


def _outbox(db):
    return db.session.scalars(select(OutboundEmail).order_by(OutboundEmail.id)).all()


def _extension(db, action, by, state="pending", decided_by=None, reason=None):
    request = ExtensionRequest(
        action=action,
        requested_by=by,
        previous_due_date=date(2026, 12, 1),
        new_due_date=date(2027, 1, 29),
        reason="The supplier of the new letter templates has been delayed.",
        state=state,
        decided_by=decided_by,
        decision_reason=reason,
    )
    db.session.add(request)
    db.session.flush()
    return request


def test_new_owner_hears_of_assignment_with_a_link_to_the_action(db, make):
    chair = make.user("chair", name="Chris Chair")
    owner = make.user("lead", name="Lee Lead")
    action = make.action(
        owner=owner, reference="VV-014", title="Revise the acknowledgement letter", due=date(2026, 12, 1)
    )

    signals.action_assigned.send(action, actor=chair, previous_owner=None)

    [mail] = _outbox(db)
    assert mail.to_address == owner.email and mail.to_user_id == owner.id and mail.action_id == action.id
    assert mail.kind == "action_assigned" and mail.state == "pending"
    assert mail.subject == "VV-014 has been assigned to you"
    assert "VV-014 has been assigned to you by Chris Chair." in mail.body_text
    assert "Due date: 1 December 2026" in mail.body_text
    assert "http://127.0.0.1:5000/actions/VV-014" in mail.body_text
    assert 'href="http://127.0.0.1:5000/actions/VV-014"' in mail.body_html


def test_reassignment_names_the_previous_owner(db, make):
    chair = make.user("chair")
    before = make.user("lead", name="Pat Previous")
    after = make.user("lead", name="Nat New")
    action = make.action(owner=after, reference="VV-020")

    signals.action_assigned.send(action, actor=chair, previous_owner=before)

    [mail] = _outbox(db)
    assert mail.to_address == after.email
    assert mail.subject == "VV-020 has been reassigned to you"
    assert "It was owned by Pat Previous." in mail.body_text


def test_digest_only_users_and_people_acting_on_their_own_actions_get_no_immediate_mail(db, make):
    chair = make.user("chair")
    quiet = make.user("lead")
    quiet.immediate_mail = False
    db.session.commit()

    signals.action_assigned.send(make.action(owner=quiet), actor=chair, previous_owner=None)
    own = make.action(owner=chair, department=make.department("Contact Management"))
    signals.action_assigned.send(own, actor=chair, previous_owner=None)

    assert _outbox(db) == []


def test_a_kind_switched_off_by_an_admin_is_kept_but_not_sent(db, make):
    db.session.add(MailKindSetting(kind="action_assigned", enabled=False))
    db.session.commit()
    action = make.action()

    signals.action_assigned.send(action, actor=make.user("chair"), previous_owner=None)

    [mail] = _outbox(db)
    assert mail.state == "suppressed"


def test_every_active_chair_is_asked_to_decide_an_extension(db, make):
    first, second = make.user("chair", name="Chair One"), make.user("chair", name="Chair Two")
    make.user("chair", active=False)
    digest_only = make.user("chair")
    digest_only.immediate_mail = False
    make.user("admin")
    owner = make.user("lead", name="Lee Lead")
    action = make.action(owner=owner, reference="VV-031")
    request = _extension(db, action, owner)

    signals.extension_requested.send(action, actor=owner, request=request)
    signals.extension_requested.send(action, actor=owner, request=request)

    mails = _outbox(db)
    assert sorted(m.to_address for m in mails) == sorted([first.email, second.email])
    mail = mails[0]
    assert mail.subject == "Decide an extension for VV-031"
    assert "Lee Lead asks to move the due date of VV-031 from 1 December 2026 to 29 January 2027." in mail.body_text
    assert "The supplier of the new letter templates has been delayed." in mail.body_text


def test_owner_hears_whether_the_extension_was_approved(db, make):
    chair = make.user("chair", name="Chris Chair")
    owner = make.user("lead")
    approved_action = make.action(owner=owner, reference="VV-040")
    refused_action = make.action(owner=owner, reference="VV-041")
    approved = _extension(db, approved_action, owner, "approved", chair)
    refused = _extension(db, refused_action, owner, "refused", chair, "The board needs this before March.")

    signals.extension_decided.send(approved_action, actor=chair, request=approved)
    signals.extension_decided.send(refused_action, actor=chair, request=refused)

    yes, no = _outbox(db)
    assert yes.to_address == owner.email and yes.subject == "Extension approved for VV-040"
    assert "Chris Chair approved the extension of VV-040. The due date is now 29 January 2027." in yes.body_text
    assert no.subject == "Extension refused for VV-041"
    assert "The due date stays 1 December 2026." in no.body_text
    assert "The board needs this before March." in no.body_text


def test_closure_goes_to_the_chair_and_the_sign_off_back_to_the_owner(db, make):
    chair = make.user("chair", name="Chris Chair")
    owner = make.user("lead", name="Lee Lead")
    action = make.action(owner=owner, reference="VV-050")
    request = ClosureRequest(action=action, requested_by=owner, summary="New letter live since 1 October.")
    db.session.add(request)
    db.session.flush()

    signals.closure_requested.send(action, actor=owner, request=request)
    request.state, request.decided_by = "approved", chair
    signals.closure_decided.send(action, actor=chair, request=request)

    asked, decided = _outbox(db)
    assert asked.to_address == chair.email and asked.subject == "Sign off the closure of VV-050"
    assert "Lee Lead asks you to sign off VV-050 as complete." in asked.body_text
    assert "New letter live since 1 October." in asked.body_text
    assert decided.to_address == owner.email and decided.subject == "VV-050 signed off as complete"
    assert "Chris Chair signed off VV-050 as complete." in decided.body_text


def test_plan_services_write_their_mail_in_the_same_transaction(db, make):
    from tracker.plan import services as plan

    chair = make.user("chair", name="Chris Chair")
    owner = make.user("lead", name="Lee Lead")
    action = plan.create_action(
        plan.ActionData(
            title="Offer every victim a needs assessment",
            owner=owner,
            start_date=date(2026, 11, 1),
            original_due_date=date(2026, 12, 1),
        ),
        chair,
    )
    request = plan.request_extension(action, owner, new_due_date=date(2027, 1, 29), reason="Waiting for training.")
    plan.decide_extension(request, chair, approve=True, reason="")
    db.session.rollback()
    assert _outbox(db) == []  # nothing committed: no action, no mail

    action = plan.create_action(
        plan.ActionData(
            title="Offer a needs assessment",
            owner=owner,
            start_date=date(2026, 11, 1),
            original_due_date=date(2026, 12, 1),
        ),
        chair,
    )
    request = plan.request_extension(action, owner, new_due_date=date(2027, 1, 29), reason="Waiting for training.")
    plan.decide_extension(request, chair, approve=True, reason="")
    db.session.commit()

    assert [(m.to_address, m.subject) for m in _outbox(db)] == [
        (owner.email, f"{action.reference} has been assigned to you"),
        (chair.email, f"Decide an extension for {action.reference}"),
        (owner.email, f"Extension approved for {action.reference}"),
    ]
    assert f"http://127.0.0.1:5000/actions/{action.reference}" in _outbox(db)[0].body_text
