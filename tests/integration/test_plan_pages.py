"""The chair's and owners' forms: what people type is checked, kept on error, and changes nothing when refused."""

from datetime import date, timedelta

from sqlalchemy import func, select

from tests.visible import banners
from tracker.plan.models import Action, ActionUpdate, ExtensionRequest

TODAY = date.today()


def parts(day):
    return [str(day.day), str(day.month), str(day.year)]


def action_form(owner, **overrides):
    form = {
        "title": "Offer every eligible victim a Victim Personal Statement",
        "description": "Add a VPS prompt to statement taking.",
        "source": "self_assessment",
        "owner_id": str(owner.id),
        "department_id": "",
        "rights": ["7"],
        "priorities": ["2"],
        "start_date": parts(TODAY),
        "original_due_date": parts(TODAY + timedelta(days=120)),
        "success_measure": "VPS offer recorded on 95% of eligible crimes.",
    }
    form.update(overrides)
    return form


def count(model):
    from tracker.extensions import db

    return db.session.scalar(select(func.count(model.id)))


def text(response):
    return response.get_data(as_text=True)


def test_chair_adds_an_action_with_every_field(client, auth, make, db):
    auth.sign_in("chair")
    lead = make.user("lead", name="Jordan Blake")
    form = action_form(lead, touchpoints=[], rights=["7", "4"], priorities=["2", "5"])
    response = client.post("/actions/new", data=form)
    assert response.status_code == 302 and response.location == "/actions/VV-001"
    page = text(client.get(response.location))
    assert banners(page)[:1] == ["VV-001 has been added and Jordan Blake has been told it is theirs."]
    for shown in (
        "Offer every eligible victim a Victim Personal Statement",
        "Right 7: To make a Victim Personal Statement",
        "Right 4: To be referred to services",
        "Priority 5: No re-traumatisation",
        "MoJ compliance self-assessment",
        "Contact Management",
        "VPS offer recorded on 95% of eligible crimes.",
        "Action created",
    ):
        assert shown in page
    action = db.session.scalar(select(Action))
    assert action.original_due_date == action.current_due_date == TODAY + timedelta(days=120)


def test_new_action_can_start_with_a_right_ticked(client, auth, db):
    auth.sign_in("chair")
    page = text(client.get("/actions/new?right=4"))
    ticked = [line for line in page.splitlines() if 'name="rights"' in line and "checked" in line]
    assert len(ticked) == 1 and 'value="' in ticked[0]
    assert "Right 4" in page


def test_due_date_before_start_is_refused_and_what_was_typed_is_kept(client, auth, make, db):
    auth.sign_in("chair")
    lead = make.user("lead")
    form = action_form(lead, original_due_date=parts(TODAY - timedelta(days=1)), title="My carefully typed title")
    page = text(client.post("/actions/new", data=form))
    assert "There is a problem" in page and "Error: Add an action" in page
    assert 'href="#original_due_date-day"' in page
    assert "Due date must be the same as or after the start date" in page
    assert 'value="My carefully typed title"' in page
    assert count(Action) == 0


def test_half_typed_date_says_which_part_is_missing(client, auth, make, db):
    auth.sign_in("chair")
    form = action_form(make.user("lead"), start_date=["12", "", "2026"])
    page = text(client.post("/actions/new", data=form))
    assert "Start date must include a month" in page
    assert 'value="12"' in page
    assert count(Action) == 0


def test_unknown_owner_is_refused(client, auth, make, db):
    auth.sign_in("chair")
    form = action_form(make.user("lead"), owner_id="99999")
    page = text(client.post("/actions/new", data=form))
    assert "Choose an owner from the list of people who can sign in" in page
    assert count(Action) == 0
    viewer = make.user("viewer")
    page = text(client.post("/actions/new", data=action_form(viewer)))
    assert "Choose an owner from the list" in page and count(Action) == 0


def edit_form(action, **overrides):
    form = action_form(
        action.owner,
        title=action.title,
        department_id=str(action.department_id),
        original_due_date=parts(action.original_due_date),
        current_due_date=parts(action.current_due_date),
        start_date=parts(action.start_date),
        rights=["3"],
        version_id=str(action.version_id),
    )
    form.update(overrides)
    return form


def test_stale_form_is_refused_keeping_both_peoples_work(app, client, auth, make, db):
    auth.sign_in("chair")
    action = make.action(title="Original title")
    opened = edit_form(action, title="My new title")
    other = app.test_client()
    other.post("/sign-in", data={"email": make.user("admin").email, "password": "correct horse battery staple"})
    assert (
        other.post(f"/actions/{action.reference}/edit", data=edit_form(action, title="Admin's title")).status_code
        == 302
    )

    response = client.post(f"/actions/{action.reference}/edit", data=opened)
    page = text(response)
    assert response.status_code == 409
    assert "Someone else changed this action while you were working on it" in page
    assert 'value="My new title"' in page
    assert "Saved by someone else since you opened this page" in page and "Admin&#39;s title" in page
    db.session.expire_all()
    assert db.session.get(Action, action.id).title == "Admin's title"

    again = dict(opened, version_id=str(db.session.get(Action, action.id).version_id))
    assert client.post(f"/actions/{action.reference}/edit", data=again).status_code == 302
    db.session.expire_all()
    assert db.session.get(Action, action.id).title == "My new title"


def test_leads_cannot_edit_or_update_another_departments_action(client, auth, make, db):
    action = make.action(title="Keep this title")
    auth.sign_in("lead", department=make.department("Public Protection"))
    assert client.get(f"/actions/{action.reference}/edit").status_code == 403
    assert client.post(f"/actions/{action.reference}/edit", data=edit_form(action, title="Hijacked")).status_code == 403
    update = {"narrative": "Not mine", "status": "in_progress", "progress": "90", "declared_rag": "green"}
    assert client.post(f"/actions/{action.reference}/update", data=update).status_code == 403
    assert client.get(f"/actions/{action.reference}/update").status_code == 403
    db.session.expire_all()
    assert db.session.get(Action, action.id).title == "Keep this title"
    assert count(ActionUpdate) == 0
    page = text(client.get(f"/actions/{action.reference}"))
    assert "Keep this title" in page and "Post an update" not in page


def test_owner_posts_an_update_and_it_heads_the_timeline(client, auth, make, db):
    action = make.action(progress=20)
    auth.sign_in(action.owner)
    form = client.get(f"/actions/{action.reference}/update")
    assert 'value="20"' in text(form)
    update = {
        "narrative": "Pilot running in two areas.",
        "status": "in_progress",
        "progress": "45%",
        "declared_rag": "amber",
        "link": "https://intranet.example.org/pilot",
        "evidence_description": "Pilot report",
    }
    response = client.post(f"/actions/{action.reference}/update", data=update)
    assert response.status_code == 302
    page = text(client.get(response.location))
    assert banners(page)[:1] == ["Your update has been posted."]
    timeline = page[page.index('id="timeline"') :]
    assert timeline.index("Progress update") < timeline.index("Pilot running in two areas.")
    assert "Progress: <strong>45%</strong>" in timeline and "Pilot report (link, opens in a new tab)" in timeline
    assert 'The owner\'s rating differs:</strong> <strong class="app-rag app-rag--amber">Amber</strong>' in page


def test_update_form_errors_keep_the_narrative(client, auth, make, db):
    action = make.action()
    auth.sign_in(action.owner)
    update = {"narrative": "Long careful narrative", "status": "in_progress", "progress": "140", "declared_rag": ""}
    page = text(client.post(f"/actions/{action.reference}/update", data=update))
    assert "Progress must be a whole number between 0 and 100" in page
    assert "Choose Green, Amber or Red" in page
    assert "Long careful narrative</textarea>" in page
    assert count(ActionUpdate) == 0


def test_owner_asks_for_more_time_and_the_chair_decides(app, client, auth, make, db):
    action = make.action()
    original = action.current_due_date
    auth.sign_in(action.owner)
    too_early = {"new_due_date": parts(original), "reason": "Waiting for IT"}
    page = text(client.post(f"/actions/{action.reference}/extension", data=too_early))
    assert "The new due date must be after the current due date" in page and "Waiting for IT" in page
    later = original + timedelta(days=30)
    response = client.post(
        f"/actions/{action.reference}/extension", data={"new_due_date": parts(later), "reason": "Waiting for IT"}
    )
    assert response.status_code == 302
    request = db.session.scalar(select(ExtensionRequest))

    auth.sign_out()
    auth.sign_in("chair")
    dashboard = text(client.get("/"))
    assert "Waiting for your decision (1)" in dashboard and f"More time for {action.reference}" in dashboard
    decide = f"/actions/{action.reference}/extension/{request.id}"
    page = text(client.post(decide, data={"decision": "refuse", "reason": "", "version_id": "1"}))
    assert "Enter why you are refusing" in page
    response = client.post(decide, data={"decision": "approve", "reason": "Agreed", "version_id": "1"})
    page = text(client.get(response.location))
    assert "Extension approved" in page and "Originally" in page
    db.session.expire_all()
    action = db.session.get(Action, action.id)
    assert (action.original_due_date, action.current_due_date) == (original, later)
    again = text(client.post(decide, data={"decision": "refuse", "reason": "Too late", "version_id": "1"}))
    assert "Someone else decided this request" in again
    assert db.session.get(Action, action.id).current_due_date == later


def test_owner_asks_for_sign_off_and_the_chair_signs_it_off(client, auth, make, db):
    action = make.action(progress=90)
    auth.sign_in(action.owner)
    response = client.post(
        f"/actions/{action.reference}/closure",
        data={"summary": "The new letter is in use everywhere.", "link": "https://intranet.example.org/audit"},
    )
    assert response.status_code == 302
    assert "Waiting for sign-off" in text(client.get(response.location))
    auth.sign_out()
    auth.sign_in("chair")
    closure_id = db.session.get(Action, action.id).entries.first().closure_request_id
    decide = f"/actions/{action.reference}/closure/{closure_id}"
    page = text(client.get(decide))
    assert "The new letter is in use everywhere." in page and "https://intranet.example.org/audit" in page
    confirmed = {"confirm_exception": "y", "exception_reason": "The audit covers the last 10%."}
    response = client.post(decide, data={"decision": "approve", "reason": "", "version_id": "1", **confirmed})
    page = text(client.get(response.location))
    assert "has been signed off as complete" in page and "Signed off as complete" in page
    assert 'BRAG: <strong class="app-rag app-rag--blue">Blue</strong>' in page


def test_a_second_request_sent_from_another_tab_keeps_what_was_typed(client, auth, make, db):
    action = make.action(progress=90)
    auth.sign_in(action.owner)
    closure = f"/actions/{action.reference}/closure"
    assert client.post(closure, data={"summary": "Letters changed in every district."}).status_code == 302
    page = text(client.post(closure, data={"summary": "Typed in a second tab", "evidence_description": "Audit 12"}))
    assert "A request for sign-off is already waiting for the chair" in page and "The chair has not decided yet" in page
    assert "Typed in a second tab" in page and "Audit 12" in page
    later = action.current_due_date + timedelta(days=30)
    extension = f"/actions/{action.reference}/extension"
    assert client.post(extension, data={"new_due_date": parts(later), "reason": "Waiting for IT"}).status_code == 302
    page = text(client.post(extension, data={"new_due_date": parts(later), "reason": "Second tab reason"}))
    assert "An extension request is already waiting for a decision" in page and "Second tab reason" in page
    assert count(ExtensionRequest) == 1


def test_cancelling_asks_for_a_reason(client, auth, make, db):
    action = make.action()
    auth.sign_in("chair")
    page = text(client.post(f"/actions/{action.reference}/cancel", data={"reason": ""}))
    assert "Enter why the action is being cancelled" in page
    assert db.session.get(Action, action.id).status == "in_progress"
    response = client.post(f"/actions/{action.reference}/cancel", data={"reason": "Merged into VV-002"})
    page = text(client.get(response.location))
    assert "Cancelled: Merged into VV-002" in page and "Not rated" in page


def test_unknown_reference_is_not_found(client, auth, db):
    auth.sign_in("viewer")
    assert client.get("/actions/VV-999").status_code == 404


def test_form_pages_refuse_people_who_cannot_use_them(client, auth, make, db):
    from tracker.plan import services

    action = make.action()
    request = services.request_extension(
        action, action.owner, new_due_date=action.current_due_date + timedelta(days=9), reason="Leave"
    )
    db.session.commit()
    base = f"/actions/{action.reference}"
    owners_pages = [f"{base}/update", f"{base}/extension", f"{base}/closure", f"{base}/evidence"]
    chairs_pages = [f"{base}/edit", f"{base}/cancel", f"{base}/extension/{request.id}", "/actions/new"]
    auth.sign_in("lead", department=make.department("Investigations"))
    assert [client.get(url).status_code for url in owners_pages + chairs_pages] == [403] * 8
    auth.sign_out()
    auth.sign_in(action.owner)
    assert [client.get(url).status_code for url in owners_pages] == [200] * 4
    assert [client.get(url).status_code for url in chairs_pages] == [403] * 4
    auth.sign_out()
    auth.sign_in("chair")
    assert [client.get(url).status_code for url in chairs_pages] == [200] * 4
    assert client.get(f"{base}/update").status_code == 403


def test_a_closed_action_cannot_be_edited(client, auth, make, db):
    action = make.action(status="complete", progress=100)
    auth.sign_in("chair")
    page = text(client.get(f"/actions/{action.reference}/edit"))
    assert "This action is complete, so its details can no longer be changed." in page
    assert 'name="title"' not in page
    response = client.post(f"/actions/{action.reference}/edit", data=edit_form(action, title="Changed"))
    assert "A closed action cannot be changed" in text(response)
    assert db.session.get(Action, action.id).title != "Changed"


def test_long_timelines_are_paginated_newest_first(client, auth, make, db):
    from tracker.plan import services

    action = make.action()
    for number in range(1, 26):
        services.post_update(
            action,
            action.owner,
            narrative=f"Update number {number:02d}",
            status="in_progress",
            progress=number,
            declared_rag="green",
        )
    db.session.commit()
    auth.sign_in("viewer")
    first = text(client.get(f"/actions/{action.reference}"))
    assert first.index("Update number 25") < first.index("Update number 24")
    assert "Update number 06" in first and "Update number 05" not in first
    assert f'href="/actions/{action.reference}?page=2#timeline"' in first
    second = text(client.get(f"/actions/{action.reference}?page=2"))
    assert "Update number 05" in second and "Update number 01" in second and "Update number 06" not in second


def test_a_date_with_a_day_no_calendar_has_is_refused_with_its_message_and_kept(client, auth, make, db):
    from tests.visible import error_messages

    auth.sign_in("chair")
    for day, year in (("1" * 30, "2027"), ("31", "9" * 30), ("²", "2027")):
        form = action_form(make.user("lead"), original_due_date=[day, "3", year])
        response = client.post("/actions/new", data=form)
        page = text(response)
        assert response.status_code == 200
        assert error_messages(page) == ["Due date must be a real date, in numbers, like 30 9 2026"], (day, year)
        assert f'value="{day}"' in page and f'value="{year}"' in page
    assert count(Action) == 0
