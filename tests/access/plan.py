"""Access rules for the plan: everyone signed in reads it; the chair manages it; owners update it.

A lead of another department (other_lead) reads everything but is refused every write.
"""

from tests.access import ADMIN_ONLY, MANAGERS_POST, READ_ALL

OWNERS_POST = {"anon": 302, "viewer": 403, "lead": "ok", "other_lead": 403, "chair": 403, "admin": 403}
EVIDENCE_POST = {"anon": 302, "viewer": 403, "lead": "ok", "other_lead": 403, "chair": "ok", "admin": "ok"}


def SETUP(data, make):
    """An evidence file on the lead's action, and requests waiting for the chair."""
    from tracker.extensions import db
    from tracker.plan.models import ClosureRequest, Evidence, ExtensionRequest

    action = data.action
    data.evidence = Evidence(
        action=action, filename="letter.txt", content_type="text/plain; charset=utf-8", size=5, content=b"hello"
    )
    data.extension = ExtensionRequest(
        action=action,
        requested_by=action.owner,
        previous_due_date=action.current_due_date,
        new_due_date=action.current_due_date.replace(year=action.current_due_date.year + 1),
        reason="Waiting for a system change",
    )
    data.closing = make.action(owner=action.owner, status="awaiting_signoff")
    data.free_action = make.action(owner=action.owner)
    data.done_action = make.action(owner=action.owner, status="complete", progress=100)
    data.closure = ClosureRequest(action=data.closing, requested_by=action.owner, summary="Done")
    db.session.add_all([data.evidence, data.extension, data.closure])
    db.session.commit()


def _ref(d):
    return {"reference": d.action.reference}


RULES = {
    "plan.action_list": {"method": "GET", "args": lambda d: {}, "expect": READ_ALL},
    "plan.my_actions": {"method": "GET", "args": lambda d: {}, "expect": READ_ALL},
    "plan.rights_grid": {"method": "GET", "args": lambda d: {}, "expect": READ_ALL},
    "plan.action_detail": {"method": "GET", "args": _ref, "expect": READ_ALL},
    "plan.action_history": {"method": "GET", "args": _ref, "expect": READ_ALL},
    "plan.download_evidence": {
        "method": "GET",
        "args": lambda d: {"reference": d.action.reference, "evidence_id": d.evidence.id},
        "expect": READ_ALL,
    },
    "plan.new_action": {"method": "POST", "args": lambda d: {}, "expect": MANAGERS_POST},
    "plan.edit_action": {"method": "POST", "args": _ref, "expect": MANAGERS_POST},
    "plan.cancel_action": {"method": "POST", "args": _ref, "expect": MANAGERS_POST},
    "plan.post_update": {"method": "POST", "args": _ref, "expect": OWNERS_POST},
    "plan.request_extension": {
        "method": "POST",
        "args": _ref,
        "form_args": lambda d: {"reference": d.free_action.reference},
        "expect": OWNERS_POST,
    },
    "plan.request_closure": {"method": "POST", "args": _ref, "expect": OWNERS_POST},
    "plan.add_evidence": {"method": "POST", "args": _ref, "expect": EVIDENCE_POST},
    "plan.decide_extension": {
        "method": "POST",
        "args": lambda d: {"reference": d.action.reference, "request_id": d.extension.id},
        "expect": MANAGERS_POST,
    },
    "plan.decide_closure": {
        "method": "POST",
        "args": lambda d: {"reference": d.closing.reference, "request_id": d.closure.id},
        "expect": MANAGERS_POST,
    },
    "plan.withdraw_request": {
        "method": "POST",
        "args": lambda d: {"reference": d.action.reference, "kind": "extension", "request_id": d.extension.id},
        "expect": OWNERS_POST,
    },
    "plan.reopen_action": {
        "method": "POST",
        "args": lambda d: {"reference": d.done_action.reference},
        "expect": MANAGERS_POST,
    },
    "audit.audit_log": {"method": "GET", "args": lambda d: {}, "expect": ADMIN_ONLY},
}
