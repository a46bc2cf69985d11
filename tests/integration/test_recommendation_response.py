"""The response to a report: drafted from its recommendations and their actions, worded by the chair,
approved after a confirmation page, published as a page and a tagged PDF, then never changed; a new
version beside the first; the publication date stops the clock, once."""

import io
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from tests.integration.test_report_pdf import structure_types
from tests.visible import banner, error_messages, texts, visible_text
from tracker.audit.models import AuditEvent
from tracker.common.dates import local_today, long_date
from tracker.extensions import db as _db
from tracker.plan import services as plan_services
from tracker.plan.brag import Rag
from tracker.plan.models import Status
from tracker.recommendations import responses
from tracker.recommendations.clocks import open_clocks
from tracker.recommendations.models import (
    ApprovedResponseChanged,
    RecommendationResponse,
    RecommendationSource,
)
from tracker.recommendations.reminders import plan_response_reminders
from tracker.recommendations.response_render import response_pdf
from tracker.recommendations.services import change_status

PASSWORD = "correct horse battery staple"
TITLE = "PEEL 2027: victim service assessment"


def _signed_in(app, person):
    client = app.test_client()
    assert client.post("/sign-in", data={"email": person.email, "password": PASSWORD}).status_code == 302
    return client


@pytest.fixture
def people(make):
    return {
        "chair": make.user("chair", name="Casey Chair"),
        "admin": make.user("admin", name="Ada Admin"),
        "lead": make.user("lead", name="Jordan Blake"),
        "viewer": make.user("viewer", name="Vic Viewer"),
    }


@pytest.fixture
def report(db, make, people):
    """A report published 20 days ago: one recommendation answered by an action with an update, one not
    accepted, one with no action yet."""
    today = local_today()
    lead = people["lead"]
    source = make.source(title=TITLE, published_on=today - timedelta(days=20))
    letter = make.action(owner=lead, title="Rewrite the acknowledgement letter", due=today + timedelta(days=40))
    plan_services.post_update(
        letter,
        lead,
        narrative="The new letter is with the print room.",
        status=Status.IN_PROGRESS,
        progress=60,
        declared_rag=Rag.GREEN,
    )
    first = make.recommendation(
        source=source,
        reference="Recommendation 1",
        text="The force should tell victims how their case is going at least every 28 days.",
        lead=lead,
        actions=[letter],
    )
    second = make.recommendation(source=source, reference="AFI 2", text="Review the victim satisfaction survey.")
    third = make.recommendation(source=source, reference="Recommendation 3", text="Publish the victims' charter.")
    change_status(second, "not_accepted", "The survey was replaced by the national one in April.", people["chair"])
    db.session.commit()
    return {"source": source, "letter": letter, "first": first, "second": second, "third": third}


def _url(response, tail=""):
    return f"/recommendations/sources/{response.source_id}/responses/{response.id}{tail}"


def _draft(app, people, report):
    chair = _signed_in(app, people["chair"])
    answer = chair.post(f"/recommendations/sources/{report['source'].id}/responses/draft")
    assert answer.status_code == 302
    found = _db.session.scalar(select(RecommendationResponse))
    assert answer.location == _url(found)
    return chair, found


def _entries(page):
    return texts(page, ".app-response__entry")


def test_the_draft_is_true_to_the_actions_and_follows_them_until_approved(app, db, people, report):
    today = local_today()
    chair, found = _draft(app, people, report)
    page = chair.get(_url(found)).text
    assert banner(page) == (
        "The response has been drafted from the recommendations and their actions. Word it, then approve it."
    )
    assert visible_text(page, "h1") == f"Draft response to {TITLE}"
    assert visible_text(page, ".app-response__introduction") == (
        f"HMICFRS published {TITLE} on {long_date(today - timedelta(days=20))}. This response sets out, for each "
        "of its recommendations, what has been or will be done, or why nothing will be."
    )
    due = long_date(report["letter"].current_due_date)
    assert _entries(page) == [
        "Recommendation 1 The force should tell victims how their case is going at least every 28 days. "
        "Status Awaiting review What has been or will be done "
        f"Rewrite the acknowledgement letter. In progress, due {due}. BRAG: Green. "
        f"Latest update, {long_date(today)}: The new letter is with the print room.",
        "AFI 2 Review the victim satisfaction survey. Status Not accepted Why nothing will be done "
        "The survey was replaced by the national one in April.",
        "Recommendation 3 Publish the victims' charter. Status Awaiting review What has been or will be done "
        "No action in the tracker answers this recommendation.",
    ]
    # The draft follows the actions: a new update, a new due date, a status decided.
    letter = report["letter"]
    plan_services.post_update(
        letter,
        people["lead"],
        narrative="Printed and in use in two districts.",
        status=Status.BLOCKED,
        progress=70,
        declared_rag=Rag.AMBER,
    )
    letter.current_due_date = today + timedelta(days=50)
    change_status(report["first"], "being_progressed", "The letter answers it.", people["chair"])
    db.session.commit()
    later = long_date(today + timedelta(days=50))
    first = (
        "Recommendation 1 The force should tell victims how their case is going at least every 28 days. "
        "Status Being progressed What has been or will be done "
        f"Rewrite the acknowledgement letter. Blocked, due {later}. BRAG: Red. "
        f"Latest update, {long_date(today)}: Printed and in use in two districts."
    )
    assert _entries(chair.get(_url(found)).text)[0] == first
    # Approving fixes it: what changes afterwards is not in it.
    confirm = chair.get(_url(found, "/approve")).text
    assert visible_text(confirm, "h1") == "Approve the response"
    assert visible_text(confirm, ".app-response__approval") == (
        "The response covers 3 recommendations. After approving it you can publish it, and everyone signed in "
        "can then read it. The day it is published is recorded as the date of the response, which stops the clock."
    )
    assert db.session.get(RecommendationResponse, found.id).approved_at is None, "the confirmation page changes nothing"
    page = chair.get(chair.post(_url(found, "/approve")).location).text
    assert banner(page) == "The response has been approved. Publish it when it is ready to go out."
    assert visible_text(page, ".app-response__status") == (
        f"Approved Approved by Casey Chair on {long_date(today)}, with statuses and actions as they then stood. "
        "It never changes now. "
        "Only the chair and administrators can read it until it is published."
    )
    letter = db.session.get(type(letter), letter.id)
    letter.title, letter.current_due_date = "Withdraw the letter", today + timedelta(days=90)
    change_status(db.session.get(type(report["first"]), report["first"].id), "complete", "Done.", people["chair"])
    db.session.commit()
    assert _entries(chair.get(_url(found)).text)[0] == first


def test_two_editors_never_overwrite_each_other(app, db, people, report):
    chair, found = _draft(app, people, report)
    admin = _signed_in(app, people["admin"])
    form = chair.get(_url(found, "/edit")).text
    assert visible_text(form, "h1") == "Change the draft response"
    first_id = report["first"].id
    started = {"version_id": str(found.version_id), "introduction": found.introduction}
    for recommendation in ("first", "second", "third"):
        started[f"wording_{report[recommendation].id}"] = ""
    saved = chair.post(_url(found, "/edit"), data={**started, f"wording_{first_id}": "We accept this in full."})
    assert saved.status_code == 302
    assert banner(chair.get(saved.location).text) == "The response has been saved."
    clash = admin.post(_url(found, "/edit"), data={**started, "introduction": "The PCC welcomes the report."})
    assert clash.status_code == 409
    assert banner(clash.text).startswith("Someone else saved a change while you were editing")
    assert texts(clash.text, "#saved-by-someone-else .govuk-summary-list__row") == [
        f"Introduction {found.introduction}",
        "Recommendation 1: Our response We accept this in full.",
    ]
    assert visible_text(clash.text, "#introduction") == "The PCC welcomes the report."
    db.session.expire_all()
    kept = db.session.get(RecommendationResponse, found.id)
    assert [item.wording for item in kept.items] == ["We accept this in full.", "", ""]
    # Saving again from the page the admin was shown keeps the admin's version, deliberately.
    page = admin.get(
        admin.post(
            _url(found, "/edit"),
            data={
                **started,
                "version_id": str(kept.version_id),
                "introduction": "The PCC welcomes the report.",
                f"wording_{first_id}": "We accept this in full.",
            },
        ).location
    ).text
    assert banner(page) == "The response has been saved."
    assert visible_text(page, ".app-response__introduction") == "The PCC welcomes the report."
    assert texts(page, ".app-response__wording") == ["We accept this in full."]
    # A blank introduction is refused, with what was typed kept.
    again = admin.get(_url(found, "/edit")).text
    assert "Our response" in texts(again, "label")
    refused = admin.post(
        _url(found, "/edit"),
        data={
            **started,
            "version_id": str(db.session.get(RecommendationResponse, found.id).version_id),
            "introduction": " ",
            f"wording_{first_id}": "Typed",
        },
    ).text
    assert error_messages(refused) == ["Enter the introduction"]
    assert visible_text(refused, f"#wording_{first_id}") == "Typed"
    edits = db.session.scalars(select(AuditEvent).where(AuditEvent.verb == "response.edited")).all()
    assert [event.actor_id for event in edits] == [people["chair"].id, people["admin"].id]
    assert edits[0].changes == {"Recommendation 1": ["", "We accept this in full."]}


def test_only_managers_draft_word_approve_and_publish_and_only_for_their_own_source(app, db, make, people, report):
    chair, found = _draft(app, people, report)
    lead, viewer = _signed_in(app, people["lead"]), _signed_in(app, people["viewer"])
    source_id = report["source"].id
    for client in (lead, viewer):
        assert client.post(f"/recommendations/sources/{source_id}/responses/draft").status_code == 403
        assert client.get(_url(found)).status_code == 403, "a draft is for the chair and admins"
        assert client.get(_url(found, ".pdf")).status_code == 403
        for tail in ("/edit", "/approve", "/publish"):
            assert client.post(_url(found, tail)).status_code == 403
    # The viewer's page of the source shows no draft and no button to draft one.
    source_page = viewer.get(f"/recommendations/sources/{source_id}").text
    assert visible_text(source_page, "#response + p") == "No response has been published yet."
    assert texts(source_page, "main .govuk-button") == []
    assert texts(chair.get(f"/recommendations/sources/{source_id}").text, ".app-response__versions li") == [
        f"Version 1 Draft, started {long_date(local_today())}. Download version 1 (PDF)"
    ]
    # Another source's id with this response's id finds nothing.
    other = make.source(title="Another inspection")
    _db.session.commit()
    for tail in ("", ".pdf", "/edit", "/approve"):
        assert chair.get(f"/recommendations/sources/{other.id}/responses/{found.id}{tail}").status_code == 404
    assert chair.post(f"/recommendations/sources/{other.id}/responses/{found.id}/publish").status_code == 404
    # Publishing comes after approving; a second draft waits for the first to be published.
    page = chair.get(chair.post(_url(found, "/publish")).location).text
    assert banner(page) == "Approve the response before publishing it."
    page = chair.get(chair.post(f"/recommendations/sources/{source_id}/responses/draft").location).text
    assert banner(page) == ("A version of the response is already being worded: publish it before drafting another.")
    # A report that needs no response has none to draft.
    needless = make.source(title="Internal audit of victim contact", body="internal_audit", response_days=None)
    _db.session.commit()
    page = chair.get(chair.post(f"/recommendations/sources/{needless.id}/responses/draft").location).text
    assert banner(page) == "This report or review needs no published response."
    with pytest.raises(PermissionError):
        responses.approve_response(db.session.get(RecommendationResponse, found.id), people["lead"])
    db.session.rollback()
    assert (
        db.session.scalar(select(RecommendationResponse).where(RecommendationResponse.approved_at.is_not(None))) is None
    )


def test_a_published_response_never_changes(app, db, people, report):
    chair, found = _draft(app, people, report)
    chair.get(_url(found))
    chair.get(chair.post(_url(found, "/approve")).location)
    page = chair.get(chair.post(_url(found, "/publish")).location).text
    assert banner(page) == "The response has been published."
    today = local_today()
    assert visible_text(page, ".app-response__status") == (
        f"Published Published by Casey Chair on {long_date(today)}. Statuses and actions are as they stood when it "
        f"was approved, on {long_date(today)}. A published response never changes; a new version can follow it."
    )
    assert texts(page, "main .govuk-button") == []
    refused = chair.post(_url(found, "/edit"), data={"introduction": "Rewritten"})
    assert banner(chair.get(refused.location).text) == (
        "This response has been approved, so it never changes: draft a new version instead."
    )
    again = chair.get(chair.post(_url(found, "/publish")).location).text
    assert banner(again) == "This response has already been published."
    assert banner(chair.get(chair.post(_url(found, "/approve")).location).text) == (
        "This response has already been approved."
    )
    with pytest.raises(responses.ResponseError, match="never changes"):
        responses.edit_response(
            db.session.get(RecommendationResponse, found.id), people["chair"], introduction="X", wording={}
        )
    # Not even a change made straight on the record gets through.
    record = db.session.get(RecommendationResponse, found.id)
    record.items[0].wording = "Rewritten"
    with pytest.raises(ApprovedResponseChanged):
        db.session.flush()
    db.session.rollback()
    record = db.session.get(RecommendationResponse, found.id)
    record.published_on = today + timedelta(days=1)
    with pytest.raises(ApprovedResponseChanged):
        db.session.flush()
    db.session.rollback()
    verbs = db.session.scalars(select(AuditEvent.verb).where(AuditEvent.verb.like("response.%"))).all()
    assert sorted(verbs) == ["response.approved", "response.drafted", "response.published"]
    published = db.session.scalar(select(AuditEvent).where(AuditEvent.verb == "response.published"))
    assert (published.actor_id, published.changes) == (
        people["chair"].id,
        {"published_on": [None, today.isoformat()], "responded_on": [None, today.isoformat()]},
    )


def test_a_new_version_sits_beside_the_first_and_the_clock_stops_once(app, db, people, report):
    today = local_today()
    source_id = report["source"].id
    # Due in 6 days: the 7-day reminder is due to go out.
    report["source"].published_on = today - timedelta(days=50)
    db.session.commit()
    assert [clock.source.id for clock in open_clocks(today)] == [source_id]
    assert [(reminder.clock.source.id, reminder.stage) for reminder in plan_response_reminders(None)] == [
        (source_id, "7")
    ]
    chair, first = _draft(app, people, report)
    source_page = chair.get(f"/recommendations/sources/{source_id}").text
    assert texts(source_page, ".app-response__versions li") == [
        f"Version 1 Draft, started {long_date(today)}. Download version 1 (PDF)"
    ]
    chair.get(chair.post(_url(first, "/approve")).location)
    chair.get(chair.post(_url(first, "/publish")).location)
    db.session.expire_all()
    assert db.session.get(RecommendationSource, source_id).responded_on == today
    # The clock has stopped: nothing is due and no reminder goes out.
    assert open_clocks(today, within=None) == [] and plan_response_reminders(None) == []
    # A new version, drafted later from the state of things then.
    change_status(db.session.get(type(report["third"]), report["third"].id), "complete", "Published.", people["chair"])
    db.session.commit()
    page = chair.get(chair.post(f"/recommendations/sources/{source_id}/responses/draft").location).text
    assert banner(page) == (
        "Version 2 of the response has been drafted from the recommendations and their actions. "
        "Word it, then approve it."
    )
    second = db.session.scalar(select(RecommendationResponse).where(RecommendationResponse.number == 2))
    assert visible_text(page, "h1") == f"Draft response to {TITLE}"
    assert _entries(page)[2] == (
        "Recommendation 3 Publish the victims' charter. Status Complete What has been or will be done "
        "No action in the tracker answers this recommendation."
    )
    assert _entries(chair.get(_url(first)).text)[2] == (
        "Recommendation 3 Publish the victims' charter. Status Awaiting review What has been or will be done "
        "No action in the tracker answers this recommendation."
    )
    confirm = chair.get(_url(second, "/approve")).text
    assert visible_text(confirm, ".app-response__approval") == (
        "The response covers 3 recommendations. After approving it you can publish it, and everyone signed in "
        f"can then read it. The date of the response stays {long_date(today)}, when its first version was published."
    )
    later = today + timedelta(days=9)
    responses.approve_response(db.session.get(RecommendationResponse, second.id), people["admin"])
    responses.publish_response(db.session.get(RecommendationResponse, second.id), people["admin"], today=later)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(RecommendationSource, source_id).responded_on == today, "the first publication's date"
    viewer = _signed_in(app, people["viewer"])
    assert texts(viewer.get(f"/recommendations/sources/{source_id}").text, ".app-response__versions li") == [
        f"Version 1 Published {long_date(today)}. Download version 1 (PDF)",
        f"Version 2 Published {long_date(later)}. Download version 2 (PDF)",
    ]
    page = viewer.get(_url(second)).text
    assert visible_text(page, ".govuk-caption-l") == "HMICFRS: version 2"
    assert viewer.get(_url(first)).status_code == 200


def _pdf_text(reader):
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_the_pdf_is_tagged_titled_numbered_and_reads_as_the_response(app, db, people, report):
    chair, found = _draft(app, people, report)
    draft = PdfReader(io.BytesIO(response_pdf(found)))
    assert draft.metadata.title == f"Draft response to {TITLE}"
    first_page = " ".join(draft.pages[0].extract_text().split())
    assert "Draft: not yet approved" in first_page
    assert f"Statuses and actions as they stand on {long_date(local_today())}." in first_page
    chair.post(
        _url(found, "/edit"),
        data={
            "version_id": str(found.version_id),
            "introduction": "The PCC and the chief constable welcome the report.",
            f"wording_{report['first'].id}": "We accept this recommendation.",
        },
    )
    chair.post(_url(found, "/approve"))
    chair.post(_url(found, "/publish"))
    download = _signed_in(app, people["viewer"]).get(_url(found, ".pdf"))
    assert download.mimetype == "application/pdf"
    assert download.headers["Content-Disposition"] == (
        'attachment; filename="response-peel-2027-victim-service-assessment.pdf"'
    )
    reader = PdfReader(io.BytesIO(download.data))
    count = len(reader.pages)
    for number, page in enumerate(reader.pages, start=1):
        assert f"Page {number} of {count}" in page.extract_text()
    text = _pdf_text(reader)
    today = local_today()
    due = long_date(report["letter"].current_due_date)
    in_order = [
        f"Response to {TITLE}",
        f"Published on {long_date(today)}. Approved by Casey Chair on {long_date(today)}, with statuses and actions "
        "as they then stood.",
        "Introduction The PCC and the chief constable welcome the report.",
        "Recommendation 1 The force should tell victims how their case is going at least every 28 days. "
        "Status: Awaiting review. Our response We accept this recommendation. What has been or will be done "
        f"Rewrite the acknowledgement letter. In progress, due {due}. BRAG: Green. "
        f"Latest update, {long_date(today)}: The new letter is with the print room.",
        "AFI 2 Review the victim satisfaction survey. Status: Not accepted. Why nothing will be done "
        "The survey was replaced by the national one in April.",
        "Recommendation 3 Publish the victims' charter. Status: Awaiting review. What has been or will be done "
        "No action in the tracker answers this recommendation.",
    ]
    positions = [text.find(part) for part in in_order]
    assert -1 not in positions, [part for part, at in zip(in_order, positions, strict=True) if at == -1]
    assert positions == sorted(positions)
    root = reader.trailer["/Root"]
    tags = structure_types(root["/StructTreeRoot"])
    assert tags["/H1"] == 1 and tags["/H2"] == 4 and tags["/H3"] == 4 and tags["/L"] >= 1
    assert bool(root["/MarkInfo"]["/Marked"]) and root["/Lang"] == "en-GB"
    assert 'pdfuaid:part="1"' in root["/Metadata"].get_object().get_data().decode()
    assert root["/ViewerPreferences"]["/DisplayDocTitle"]
    assert reader.metadata.title == f"Response to {TITLE}"
    outline = [entry.title for entry in reader.outline if not isinstance(entry, list)]
    assert outline[:1] == [f"Response to {TITLE}"]


def test_a_long_response_runs_over_pages_each_numbered_and_marked(app, db, make, people, report):
    for number in range(4, 16):
        make.recommendation(
            source=report["source"],
            reference=f"Recommendation {number}",
            text=" ".join(["The force should make sure every victim is told of their rights in writing."] * 6),
        )
    found = responses.draft_response(db.session.get(RecommendationSource, report["source"].id), people["chair"])
    db.session.commit()
    reader = PdfReader(io.BytesIO(response_pdf(found)))
    count = len(reader.pages)
    assert count >= 2
    for number, page in enumerate(reader.pages, start=1):
        text = page.extract_text()
        assert f"Page {number} of {count}" in text and "OFFICIAL" in text
    headings = [entry.title for entry in reader.outline if not isinstance(entry, list)]
    assert headings[0] == f"Draft response to {TITLE}"


def test_two_people_at_the_same_moment_never_both_go_through(app, db, people, report, monkeypatch):
    chair, found = _draft(app, people, report)
    chair.get(_url(found))
    chair.get(chair.post(_url(found, "/approve")).location)
    publish = responses.publish_response

    def someone_else_first(response, actor, today=None):
        # Another request publishes between this one reading the response and saving it.
        _db.session.execute(
            RecommendationResponse.__table__.update()
            .where(RecommendationResponse.id == response.id)
            .values(version_id=RecommendationResponse.version_id + 1)
        )
        return publish(response, actor, today)

    monkeypatch.setattr(responses, "publish_response", someone_else_first)
    page = chair.get(chair.post(_url(found, "/publish")).location).text
    assert banner(page) == (
        "Someone else changed this response at the same moment, so nothing was done. Check it, then try again."
    )
    db.session.expire_all()
    assert db.session.get(RecommendationSource, report["source"].id).responded_on is None
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.verb == "response.published")) is None
    monkeypatch.setattr(responses, "publish_response", publish)
    assert banner(chair.get(chair.post(_url(found, "/publish")).location).text) == "The response has been published."

    def drafted_twice(source, actor):
        # Another request drafted version 2 at the same moment: the database refuses a second version 2.
        _db.session.add(RecommendationResponse(source_id=source.id, number=2, introduction="Theirs"))
        raise IntegrityError("INSERT INTO recommendation_response", {}, Exception("uq_recommendation_response_number"))

    monkeypatch.setattr(responses, "draft_response", drafted_twice)
    page = chair.get(chair.post(f"/recommendations/sources/{report['source'].id}/responses/draft").location).text
    assert banner(page) == (
        "Someone else drafted a version of the response at the same moment. Check it before changing it."
    )
    assert db.session.scalars(select(RecommendationResponse.number)).all() == [1]


def test_an_update_posted_after_midnight_in_summer_is_dated_by_the_local_day(app, db, people, report):
    """00:30 on 1 July in London is 23:30 on 30 June in UTC: the response says 1 July, as the timeline does."""
    from datetime import UTC, datetime

    from tracker.plan.models import ActionUpdate

    letter = report["letter"]
    db.session.add(
        ActionUpdate(
            action=letter,
            author=people["lead"],
            kind="update",
            narrative="Printed overnight.",
            status=Status.IN_PROGRESS.value,
            progress=70,
            created_at=datetime(2027, 6, 30, 23, 30, tzinfo=UTC),
        )
    )
    db.session.commit()
    _, found = _draft(app, people, report)
    (line,) = responses.entries(found)[0].actions
    assert (line.narrative, line.narrative_on.isoformat()) == ("Printed overnight.", "2027-07-01")
