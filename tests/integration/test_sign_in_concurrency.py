"""Sign-ins to one account at the same moment, from real threads with their own connections."""

import threading

from sqlalchemy import func, select

from tests.factories import PASSWORD
from tests.visible import banner
from tracker.audit.models import AuditEvent
from tracker.auth.models import User


def test_four_sign_ins_to_one_account_at_once_all_succeed(app, db, make):
    user = make.user("lead", name="Lee Lead", email="lee.lead@force.example.org")
    db.session.commit()
    version = user.version_id
    start = threading.Barrier(4)
    answers = []

    def sign_in():
        with app.app_context():
            client = app.test_client()
            start.wait(10)
            response = client.post("/sign-in", data={"email": "lee.lead@force.example.org", "password": PASSWORD})
            landing = client.get(response.headers.get("Location", "/sign-in"))
            answers.append((response.status_code, landing.status_code))

    threads = [threading.Thread(target=sign_in) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert answers == [(302, 200)] * 4
    db.session.expire_all()
    user = db.session.get(User, user.id)
    assert user.last_sign_in_at is not None and user.version_id == version
    signed_in = select(func.count(AuditEvent.id)).where(AuditEvent.verb == "auth.sign_in")
    assert db.session.scalar(signed_in) == 4


def test_an_admin_save_after_a_sign_in_is_not_refused_as_a_conflict(app, db, make, auth, client):
    person = make.user("viewer", name="Jo Bloggs", email="jo@force.example.org")
    admin = auth.sign_in("admin")
    seen = {
        "name": "Jo Bloggs-Smith",
        "email": person.email,
        "role": person.role,
        "department_id": str(person.department_id or ""),
        "version_id": str(person.version_id),
    }
    other = app.test_client()
    assert other.post("/sign-in", data={"email": "jo@force.example.org", "password": PASSWORD}).status_code == 302

    saved = client.post(f"/admin/users/{person.id}", data=seen, follow_redirects=True)

    assert admin.role == "admin"
    assert banner(saved.text) == "Jo Bloggs-Smith's details are saved."
