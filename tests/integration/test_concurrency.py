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
