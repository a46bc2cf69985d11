"""The victim journey page and its touchpoints; the Code's rights and priorities as reference data."""

import html as markup
import re

from sqlalchemy import select

from tracker.audit.models import AuditEvent
from tracker.reference.models import CodeRight, Priority, Touchpoint


def text_of(html):
    return markup.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def navigation(html):
    block = html.split('id="navigation"', 1)[1].split("</ul>", 1)[0]
    return text_of(block).split()


def silent_list(html):
    """The touchpoint names listed under 'No way to hear victims here yet'."""
    block = html.split('id="silent-heading"', 1)[1].split("</ul>", 1)[0]
    return re.findall(r'<a class="govuk-link" href="#touchpoint-\d+">([^<]+)</a>', block)


def journey_order(html):
    return re.findall(r'<h3 class="govuk-heading-m[^"]*">([^<]+)</h3>', html)


def touchpoint(db, name):
    return db.session.scalar(select(Touchpoint).where(Touchpoint.name == name))


def test_journey_lists_touchpoints_in_order_with_silent_ones_at_the_top(client, auth):
    auth.sign_in("viewer")
    html = client.get("/journey").get_data(as_text=True)
    order = journey_order(html)
    assert order[0] == "Initial contact by 999" and order[-1] == "After conviction" and len(order) == 12
    silent = [
        "Online reporting",
        "Taking the statement",
        "Investigation updates",
        "Charging decision",
        "Outcome of the case",
        "After conviction",
    ]
    assert silent_list(html) == silent
    assert html.index("No way to hear victims here yet") < html.index("The journey, in order")
    assert "6 of 12 touchpoints have no way for victims to give feedback." in text_of(html)
    assert html.count("No feedback captured") == 6
    assert "Right 7: To make a Victim Personal Statement" in html
    assert "Add a touchpoint" not in html and "/journey/" not in html.split("The journey, in order")[1]


def test_a_feedback_mechanism_of_none_counts_as_silent(db):
    for answer, silent in (("none", True), ("None.", True), ("", True), ("N/A", True), ("Exit survey", False)):
        assert Touchpoint(feedback_mechanism=answer).has_feedback_mechanism is (not silent)


def test_chair_adds_a_touchpoint_that_joins_the_journey_where_placed(client, auth, db):
    chair = auth.sign_in("chair")
    department = db.session.scalar(select(Touchpoint)).department
    right_4 = db.session.scalar(select(CodeRight).where(CodeRight.number == 4))
    response = client.post(
        "/journey/new",
        data={
            "name": "Special measures assessment",
            "stage": "Court",
            "position": "95",
            "department_id": str(department.id),
            "rights": [str(right_4.id)],
            "feedback_mechanism": "none",
            "description": "",
        },
    )
    assert response.status_code == 302
    html = client.get("/journey").get_data(as_text=True)
    order = journey_order(html)
    assert order.index("Special measures assessment") == order.index("Charging decision") + 1
    assert "Special measures assessment" in silent_list(html)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.verb == "touchpoint.created"))
    assert event.actor_id == chair.id and event.changes["rights"] == [None, [4]]


def test_recording_feedback_takes_a_touchpoint_off_the_silent_list(client, auth, db):
    auth.sign_in("admin")
    online = touchpoint(db, "Online reporting")
    form = client.get(f"/journey/{online.id}").get_data(as_text=True)
    assert 'value="30"' in form
    data = {
        "name": online.name,
        "stage": online.stage,
        "position": "30",
        "department_id": str(online.department_id),
        "rights": [str(right.id) for right in online.rights],
        "feedback_mechanism": "Short survey on the confirmation page",
        "version_id": str(online.version_id),
    }
    assert client.post(f"/journey/{online.id}", data=data).status_code == 302
    assert "Online reporting" not in silent_list(client.get("/journey").get_data(as_text=True))
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.verb == "touchpoint.changed"))
    assert event.changes == {"feedback_mechanism": ["none", "Short survey on the confirmation page"]}


def test_touchpoint_form_reports_every_problem_and_saves_nothing(client, auth, db):
    auth.sign_in("chair")
    response = client.post(
        "/journey/new",
        data={"name": "Online reporting", "position": "soon", "department_id": "", "feedback_mechanism": ""},
    )
    text = text_of(response.get_data(as_text=True))
    assert "A touchpoint with this name already exists" in text
    assert "Enter the touchpoint's place in the journey as a whole number, like 35" in text
    assert "Choose the department that owns this touchpoint" in text
    assert 'Say how victim feedback is captured here, or write "none"' in text
    assert len(db.session.scalars(select(Touchpoint)).all()) == 12


def test_a_stale_touchpoint_edit_is_refused_and_shows_the_saved_version(client, auth, db):
    auth.sign_in("chair")
    online = touchpoint(db, "Online reporting")
    opened = str(online.version_id)
    online.feedback_mechanism = "Pop-up survey"
    db.session.commit()
    data = {
        "name": online.name,
        "position": "30",
        "department_id": str(online.department_id),
        "feedback_mechanism": "Follow-up phone call",
        "version_id": opened,
    }
    response = client.post(f"/journey/{online.id}", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Someone else saved this while you were editing" in html
    assert "Pop-up survey" in html and "Follow-up phone call" in html
    assert touchpoint(db, "Online reporting").feedback_mechanism == "Pop-up survey"


def test_admin_changes_a_rights_wording_and_it_shows_everywhere(client, auth, db):
    admin = auth.sign_in("admin")
    right = db.session.scalar(select(CodeRight).where(CodeRight.number == 7))
    listing = client.get("/reference").get_data(as_text=True)
    assert "2020" in listing and "In use" in listing
    response = client.post(
        f"/reference/rights/{right.id}",
        data={"title": "To make a Victim Personal Statement (VPS)", "summary": right.summary, "version_id": "1"},
    )
    assert response.status_code == 302
    assert "Right 7: To make a Victim Personal Statement (VPS)" in client.get("/journey").get_data(as_text=True)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.verb == "code_right.changed"))
    assert event.actor_id == admin.id
    assert event.changes == {
        "title": ["To make a Victim Personal Statement", "To make a Victim Personal Statement (VPS)"]
    }


def test_admin_changes_a_priority_but_not_to_another_ones_title(client, auth, db):
    auth.sign_in("admin")
    priority = db.session.scalar(select(Priority).where(Priority.number == 3))
    clash = client.post(
        f"/reference/priorities/{priority.id}",
        data={"title": "Hear victims' voices", "description": "", "version_id": "1"},
    )
    assert "Another priority already has this title" in clash.get_data(as_text=True).replace("&#39;", "'")
    saved = client.post(
        f"/reference/priorities/{priority.id}",
        data={"title": "Fewer victims withdraw", "description": "Lower attrition.", "version_id": "1"},
    )
    assert saved.status_code == 302
    assert db.session.get(Priority, priority.id).title == "Fewer victims withdraw"
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.verb == "priority.changed")) is not None


def test_stale_right_edit_is_refused(client, auth, db):
    auth.sign_in("admin")
    right = db.session.scalar(select(CodeRight).where(CodeRight.number == 2))
    right.summary = "Changed by someone else."
    db.session.commit()
    response = client.post(
        f"/reference/rights/{right.id}", data={"title": right.title, "summary": "Mine", "version_id": "1"}
    )
    assert response.status_code == 409
    assert db.session.get(CodeRight, right.id).summary == "Changed by someone else."


def test_navigation_offers_compliance_and_journey_to_everyone_and_reference_data_to_admins(client, auth, make):
    auth.sign_in("viewer")
    words = " ".join(navigation(client.get("/journey").get_data(as_text=True)))
    assert "Compliance" in words and "Victim journey" in words and "Reference data" not in words
    auth.sign_out()
    auth.sign_in("admin")
    assert "Reference data" in " ".join(navigation(client.get("/journey").get_data(as_text=True)))
