"""Optimistic locking: of two conflicting saves the second is refused, with a message and the typed text kept."""

import pytest
from flask_wtf import FlaskForm
from sqlalchemy import text
from wtforms import StringField

from tests.factories import PASSWORD
from tracker.auth.models import User
from tracker.common.concurrency import EditConflict, VersionedForm
from tracker.extensions import db as _db


def signed_in(app, user):
    client = app.test_client()
    assert client.post("/sign-in", data={"email": user.email, "password": PASSWORD}).status_code == 302
    return client


def user_form(user, **changes):
    return {
        "name": user.name,
        "email": user.email,
        "role": user.role,
        "department_id": str(user.department_id or ""),
        "version_id": str(user.version_id),
        **changes,
    }


def test_the_second_of_two_conflicting_saves_is_refused_and_keeps_what_was_typed(app, make, db):
    first_admin, second_admin = make.user("admin"), make.user("admin")
    person = make.user("viewer", name="Jo Bloggs")
    both_saw = user_form(person)
    first, second = signed_in(app, first_admin), signed_in(app, second_admin)

    assert first.post(f"/admin/users/{person.id}", data={**both_saw, "name": "Jo Bloggs-Smith"}).status_code == 302
    refused = second.post(f"/admin/users/{person.id}", data={**both_saw, "name": "Joanne Bloggs", "role": "chair"})

    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    assert "Someone else saved a change while you were editing" in page
    assert 'value="Joanne Bloggs"' in page and 'value="chair" checked' in page
    assert "What is saved now" in page and "Jo Bloggs-Smith" in page
    db.session.refresh(person)
    assert (person.name, person.role) == ("Jo Bloggs-Smith", "viewer")


def test_saving_again_after_the_warning_keeps_the_second_version(app, make, db):
    admin = make.user("admin")
    person = make.user("viewer", name="Jo Bloggs")
    stale = user_form(person)
    client = signed_in(app, admin)
    client.post(f"/admin/users/{person.id}", data={**stale, "name": "Jo Bloggs-Smith"})
    refused = client.post(f"/admin/users/{person.id}", data={**stale, "name": "Joanne Bloggs"})
    current_version = refused.get_data(as_text=True).split('name="version_id" type="hidden" value="')[1].split('"')[0]
    saved = client.post(
        f"/admin/users/{person.id}", data={**stale, "name": "Joanne Bloggs", "version_id": current_version}
    )
    assert saved.status_code == 302
    db.session.refresh(person)
    assert person.name == "Joanne Bloggs"


class NameForm(VersionedForm, FlaskForm):
    name = StringField("Full name")


def test_a_save_that_loses_the_race_at_commit_is_a_conflict_too(app, make, db):
    """Between the version check and the commit another request saves: the database catches it."""
    person = make.user("viewer", name="Jo Bloggs")
    loaded = _db.session.get(User, person.id)
    submitted = {"name": "Joanne Bloggs", "version_id": str(loaded.version_id)}
    with app.test_request_context(method="POST", data=submitted):
        form = NameForm()
        form.track_version(loaded)
        assert form.validate_on_submit() and form.is_current()
        with pytest.raises(EditConflict), form.saving():
            with _db.engine.begin() as other_request:
                other_request.execute(
                    text("UPDATE user_account SET name = 'Elsewhere', version_id = version_id + 1 WHERE id = :id"),
                    {"id": person.id},
                )
            loaded.name = form.name.data
    _db.session.refresh(person)
    assert person.name == "Elsewhere"


def version_on(page):
    return page.split('name="version_id" type="hidden" value="')[1].split('"')[0]


def test_renaming_a_department_someone_else_renamed_is_refused_until_saved_again(app, make, db):
    first, second = signed_in(app, make.user("admin")), signed_in(app, make.user("admin"))
    department = make.department("Contact Management")
    url = f"/admin/departments/{department.id}"
    both_saw = {"name": department.name, "version_id": version_on(first.get(url).get_data(as_text=True))}

    assert first.post(url, data={**both_saw, "name": "Victim Care Unit"}).status_code == 302
    refused = second.post(url, data={**both_saw, "name": "Witness Care"})

    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    assert "Someone else saved a change while you were editing" in page
    assert 'value="Witness Care"' in page and "What is saved now" in page and "Victim Care Unit" in page
    db.session.refresh(department)
    assert department.name == "Victim Care Unit"

    # The re-shown form carries the version now saved, so saving it again is a deliberate overwrite.
    saved = second.post(url, data={**both_saw, "name": "Witness Care", "version_id": version_on(page)})
    assert saved.status_code == 302
    db.session.refresh(department)
    assert department.name == "Witness Care"


def test_changing_a_recipient_someone_else_changed_is_refused_until_saved_again(app, make, db):
    from tracker.reports import services
    from tracker.reports.models import DistributionRecipient

    recipient = services.save_recipient(None, name="Sam Patel", email="sam@example.org", organisation="OPCC")
    db.session.commit()
    first, second = signed_in(app, make.user("admin")), signed_in(app, make.user("admin"))
    url = f"/reports/distribution/{recipient.id}"
    version = version_on(first.get(url).get_data(as_text=True))
    both_saw = {"name": "Sam Patel", "email": "sam@example.org", "organisation": "OPCC", "active": "y"}

    changed = {**both_saw, "organisation": "Office of the PCC", "version_id": version}
    assert first.post(url, data=changed).status_code == 302
    stale = {**both_saw, "name": "Samira Patel", "version_id": version}
    refused = second.post(url, data=stale)

    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    assert "Someone else saved a change while you were editing" in page
    assert 'value="Samira Patel"' in page and "Office of the PCC" in page
    db.session.expire_all()
    assert db.session.get(DistributionRecipient, recipient.id).name == "Sam Patel"

    saved = second.post(url, data={**stale, "version_id": version_on(page)})
    assert saved.status_code == 302
    db.session.expire_all()
    kept = db.session.get(DistributionRecipient, recipient.id)
    assert (kept.name, kept.organisation) == ("Samira Patel", "OPCC")


def test_a_user_form_refused_twice_in_a_row_still_saves_the_third_time(app, make, db):
    """Each refusal hands back the version saved now, so a person is never stuck behind a clash."""
    admin, other_admin = make.user("admin"), make.user("admin")
    person = make.user("viewer", name="Jo Bloggs")
    mine, theirs = signed_in(app, admin), signed_in(app, other_admin)
    url = f"/admin/users/{person.id}"
    stale = user_form(person)

    theirs.post(url, data={**stale, "name": "Jo Bloggs-Smith"})
    first_refusal = mine.post(url, data={**stale, "name": "Joanne Bloggs"}).get_data(as_text=True)
    db.session.refresh(person)
    theirs.post(url, data={**user_form(person), "name": "Jo Smith"})
    second_refusal = mine.post(url, data={**stale, "name": "Joanne Bloggs", "version_id": version_on(first_refusal)})
    assert second_refusal.status_code == 409 and "Jo Smith" in second_refusal.get_data(as_text=True)

    saved = mine.post(
        url, data={**stale, "name": "Joanne Bloggs", "version_id": version_on(second_refusal.get_data(as_text=True))}
    )
    assert saved.status_code == 302
    db.session.refresh(person)
    assert person.name == "Joanne Bloggs"


def _pending_request(make, db, kind):
    """An action whose owner asked for more time (extension) or for sign-off (closure)."""
    from datetime import timedelta

    from tracker.plan.models import ClosureRequest, Evidence, ExtensionRequest

    action = make.action(progress=90, status="awaiting_signoff" if kind == "closure" else "in_progress")
    if kind == "closure":
        # Complete and evidenced, so approving needs no confirmed reason: the race is what is tested.
        action.progress = 100
        pending = ClosureRequest(action=action, requested_by=action.owner, summary="Letters changed everywhere.")
        db.session.add(Evidence(action=action, is_link=True, url="https://intranet.example.org/letters"))
    else:
        pending = ExtensionRequest(
            action=action,
            requested_by=action.owner,
            previous_due_date=action.current_due_date,
            new_due_date=action.current_due_date + timedelta(days=30),
            reason="Waiting for IT",
        )
    db.session.add(pending)
    db.session.commit()
    return action, pending


@pytest.mark.parametrize("kind", ["extension", "closure"])
def test_deciding_a_request_someone_else_decided_changes_nothing_and_says_so(app, make, db, kind):
    from sqlalchemy import func, select

    from tracker.audit.models import AuditEvent
    from tracker.plan.models import Action, ActionUpdate

    action, pending = _pending_request(make, db, kind)
    chair, admin = make.user("chair"), make.user("admin")
    url = f"/actions/{action.reference}/{kind}/{pending.id}"
    chair_tab, admin_tab = signed_in(app, chair), signed_in(app, admin)
    version = version_on(chair_tab.get(url).get_data(as_text=True))
    assert version_on(admin_tab.get(url).get_data(as_text=True)) == version

    assert admin_tab.post(url, data={"decision": "approve", "reason": "", "version_id": version}).status_code == 302
    db.session.expire_all()
    decided = db.session.get(Action, action.id)
    after_first = (decided.status, decided.current_due_date, decided.progress)
    counts = [db.session.scalar(select(func.count(model.id))) for model in (ActionUpdate, AuditEvent)]

    refusal = {"decision": "refuse", "reason": "Not enough evidence of the change yet", "version_id": version}
    late = chair_tab.post(url, data=refusal)

    assert late.status_code == 409
    page = late.get_data(as_text=True)
    assert "Someone else decided this request while you were looking at it" in page
    assert f"{admin.name} approved this request" in page
    assert "What you wrote (not saved)" in page and "Not enough evidence of the change yet" in page
    db.session.expire_all()
    again = db.session.get(Action, action.id)
    assert (again.status, again.current_due_date, again.progress) == after_first
    assert db.session.get(type(pending), pending.id).decided_by_id == admin.id
    assert [db.session.scalar(select(func.count(model.id))) for model in (ActionUpdate, AuditEvent)] == counts


@pytest.mark.parametrize("kind", ["extension", "closure"])
def test_an_incomplete_decision_on_a_request_already_decided_hands_back_the_reason(app, make, db, kind):
    """No decision chosen, on a request someone else decided: the form is gone, the words are not."""
    action, pending = _pending_request(make, db, kind)
    url = f"/actions/{action.reference}/{kind}/{pending.id}"
    chair_tab, admin_tab = signed_in(app, make.user("chair")), signed_in(app, make.user("admin"))
    version = version_on(chair_tab.get(url).get_data(as_text=True))
    assert admin_tab.post(url, data={"decision": "approve", "reason": "", "version_id": version}).status_code == 302

    page = chair_tab.post(url, data={"reason": "Waiting on the IT change", "version_id": version}).get_data(
        as_text=True
    )

    assert "What you wrote (not saved)" in page and "Waiting on the IT change" in page
    assert "approved this request" in page


def test_cancelling_an_action_someone_else_cancelled_changes_nothing_and_keeps_the_reason(app, make, db):
    from tracker.plan.models import Action

    action = make.action()
    url = f"/actions/{action.reference}/cancel"
    chair_tab, admin_tab = signed_in(app, make.user("chair")), signed_in(app, make.user("admin"))
    assert admin_tab.post(url, data={"reason": "Merged into another action"}).status_code == 302

    late = chair_tab.post(url, data={"reason": "Duplicate of the letter action"})

    page = late.get_data(as_text=True)
    assert "Only an open action can be cancelled" in page and "so it cannot be cancelled" in page
    assert "What you wrote (not saved)" in page and "Duplicate of the letter action" in page
    db.session.expire_all()
    assert db.session.get(Action, action.id).cancel_reason == "Merged into another action"
