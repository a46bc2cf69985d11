"""A permission a service refuses answers 403 with the plain error page, never a crash."""

from sqlalchemy import select

from tests.visible import visible_text
from tracker.audit.models import AuditEvent
from tracker.auth.models import User


def test_an_admin_deactivating_their_own_account_is_refused_by_the_service_with_a_403(client, auth, db):
    admin = auth.sign_in("admin", name="Alex Admin")
    response = client.post(f"/admin/users/{admin.id}/deactivate")
    assert response.status_code == 403
    assert visible_text(response.text, "h1") == "You do not have permission to do this"
    assert visible_text(response.text, "main p") == (
        "Your role does not allow this. If you think it should, ask an administrator."
    )
    assert db.session.get(User, admin.id).active is True
    refusals = db.session.scalars(select(AuditEvent).where(AuditEvent.verb == "access.denied")).all()
    assert [event.summary for event in refusals] == [f"POST /admin/users/{admin.id}/deactivate refused"]
    assert client.get("/admin/users").status_code == 200, "the refused admin is still signed in"


def test_an_admin_cannot_reach_the_hand_over_of_their_own_actions(client, auth, make, db):
    admin = auth.sign_in("admin")
    make.action(owner=admin, department=make.department("Contact Management"))
    assert client.post(f"/admin/users/{admin.id}/deactivate").status_code == 403
    page = client.get(f"/admin/users/{admin.id}/hand-over")
    assert page.status_code == 403
    assert visible_text(page.text, "h1") == "You do not have permission to do this"
    assert db.session.get(User, admin.id).active is True
