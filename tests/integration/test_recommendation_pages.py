"""Reports, reviews and their recommendations: what the chair adds, what the lead decides, what everyone reads."""

from datetime import date, timedelta

from sqlalchemy import select

from tests.visible import banners, error_messages, texts, visible_text
from tracker.audit.models import AuditEvent
from tracker.common.dates import long_date
from tracker.recommendations.models import Recommendation, RecommendationSource

TODAY = date.today()


def parts(day):
    return [str(day.day), str(day.month), str(day.year)]


def source_form(**overrides):
    form = {
        "body": "hmicfrs",
        "title": "PEEL 2027: victim service assessment",
        "published_on": parts(TODAY),
        "link": "https://hmicfrs.example/peel-2027",
    }
    return {**form, **overrides}


def test_chair_adds_an_hmicfrs_report_and_its_56_day_clock_starts(client, auth, make, db):
    auth.sign_in("chair")
    response = client.post("/recommendations/sources/new", data=source_form())
    source = db.session.scalar(select(RecommendationSource))
    assert response.status_code == 302 and response.location == f"/recommendations/sources/{source.id}"
    page = client.get(response.location).text
    assert banners(page) == ["PEEL 2027: victim service assessment has been added. Now add its recommendations."]
    assert visible_text(page, ".govuk-summary-list") == (
        f"Published {long_date(TODAY)} "
        "Response rule Publish a response within 56 days of publication "
        f"Response due {long_date(TODAY + timedelta(days=56))} Due in 56 days "
        "Link https://hmicfrs.example/peel-2027"
    )
    assert visible_text(page, "main h1") == "PEEL 2027: victim service assessment"
    assert texts(page, "main p.govuk-body") == [
        "No response has been published yet.",
        "No recommendations have been added yet.",
    ]


def test_an_internal_audit_needs_no_response_and_a_chair_cannot_set_a_rule(client, auth, make, db):
    auth.sign_in("chair")
    client.post(
        "/recommendations/sources/new",
        data=source_form(body="internal_audit", title="Audit of victim contact", rule="days", response_days="10"),
    )
    source = db.session.scalar(select(RecommendationSource))
    assert source.response_days is None
    page = client.get(f"/recommendations/sources/{source.id}").text
    assert "Response rule No response required" in visible_text(page, ".govuk-summary-list")


def test_an_admin_sets_another_rule_and_the_change_is_audited_in_words(client, auth, make, db):
    source = make.source(title="Review of ISVA provision", body="victims_commissioner")
    auth.sign_in("admin")
    form = source_form(
        body="victims_commissioner",
        title="Review of ISVA provision",
        published_on=parts(source.published_on),
        link="",
        rule="days",
        response_days="28",
        version_id=str(source.version_id),
    )
    response = client.post(f"/recommendations/sources/{source.id}/edit", data=form)
    assert response.status_code == 302
    assert banners(client.get(response.location).text) == ["Your changes have been saved."]
    assert source.response_days == 28
    log = client.get("/admin/audit").text
    assert texts(log, "tbody tr")[0].endswith(
        "Report or review changed Changed Review of ISVA provision Days to publish a response was 56 → now 28"
    )


def test_bad_input_is_explained_and_what_was_typed_is_kept(client, auth, make, db):
    auth.sign_in("admin")
    form = source_form(title="", link="javascript:alert(1)", published_on=["31", "2", "2027"], rule="days")
    response = client.post("/recommendations/sources/new", data=form)
    assert response.status_code == 200
    assert error_messages(response.text) == [
        "Enter the title of the report or review",
        "Publication date must be a real date",
        "Enter a web address that starts with https://",
        "Enter how many days after publication the response is due",
    ]
    assert 'value="javascript:alert(1)"' in response.text
    assert db.session.scalar(select(RecommendationSource)) is None


def recommendation_form(lead, **overrides):
    form = {
        "reference": "Recommendation 3",
        "text": "By March 2028 the force should make sure victims are told of their rights under the Code.",
        "addressed_to": "force",
        "lead_id": str(lead.id),
        "rights": ["3"],
        "priorities": ["2"],
    }
    return {**form, **overrides}


def test_chair_adds_a_recommendation_with_a_lead_and_rights(client, auth, make, db):
    source = make.source()
    lead = make.user("lead", name="Jordan Blake")
    auth.sign_in("chair")
    response = client.post(f"/recommendations/sources/{source.id}/new", data=recommendation_form(lead))
    recommendation = db.session.scalar(select(Recommendation))
    assert response.location == f"/recommendations/{recommendation.id}"
    page = client.get(response.location).text
    assert banners(page) == ["Recommendation 3 has been added."]
    assert visible_text(page, ".govuk-summary-list") == (
        "Status Awaiting review Addressed to The force Lead Jordan Blake "
        f"Response due {long_date(TODAY + timedelta(days=56))} "
        "Victims' Code rights Right 3: To be provided with information when reporting the crime "
        "Priorities Priority 2: Victims' Code compliance"
    )
    assert visible_text(page, "#actions") == "Actions that answer it (0)"
    again = client.post(f"/recommendations/sources/{source.id}/new", data=recommendation_form(lead))
    assert error_messages(again.text) == [
        "Victim service assessment already has Recommendation 3. Enter a different reference"
    ]


def test_linked_actions_show_their_brag_and_latest_update_and_suggest_a_status(client, auth, make, db):
    lead = make.user("lead", name="Jordan Blake")
    late = make.action(owner=lead, title="Send the rights leaflet", due=TODAY - timedelta(days=3))
    recommendation = make.recommendation(lead=lead, reference="AFI 2")
    auth.sign_in("chair")
    response = client.post(f"/recommendations/{recommendation.id}/link", data={"action_id": str(late.id)})
    page = client.get(response.location).text
    assert banners(page) == [f"{late.reference} now answers AFI 2."]
    assert texts(page, ".app-short-list li") == [
        f"{late.reference}: Send the rights leaflet Jordan Blake. In progress, due {long_date(late.current_due_date)}. "
        f"Red 3 days past due date of {long_date(late.current_due_date)}; no update for 30 days No updates yet. Remove {late.reference} from AFI 2"
    ]
    assert visible_text(page, ".govuk-inset-text") == (
        "The linked actions suggest “being progressed”. The lead decides the status."
    )
    action_page = client.get(f"/actions/{late.reference}").text
    assert visible_text(action_page, "#answers") == "Recommendations it answers"
    assert texts(action_page, "#answers + ul li") == ["Victim service assessment, AFI 2 HMICFRS. Awaiting review."]


def test_the_lead_decides_the_status_with_a_reason_and_it_is_audited(client, auth, make, db):
    lead = make.user("lead", name="Jordan Blake")
    done = make.action(owner=lead, status="complete", progress=100)
    recommendation = make.recommendation(lead=lead, reference="Recommendation 1", actions=[done])
    auth.sign_in(lead)
    form_page = client.get(f"/recommendations/{recommendation.id}/status").text
    assert visible_text(form_page, ".govuk-inset-text") == (
        "Now: Awaiting review. The linked actions suggest “complete”."
    )
    refused = client.post(f"/recommendations/{recommendation.id}/status", data={"status": "not_accepted", "reason": ""})
    assert error_messages(refused.text) == ["Enter a reason"]
    response = client.post(
        f"/recommendations/{recommendation.id}/status",
        data={
            "status": "not_accepted",
            "reason": "The force already does this through Athena.",
            "version_id": str(recommendation.version_id),
        },
    )
    page = client.get(response.location).text
    assert banners(page) == ["Recommendation 1 is now not accepted."]
    assert texts(page, ".govuk-summary-list__row")[0] == (
        f"Status Not accepted The force already does this through Athena. Decided by Jordan Blake on {long_date(TODAY)}"
    )
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.verb == "recommendation.status_changed"))
    assert (
        event.summary == "Recommendation 1 of Victim service assessment: Not accepted; the actions suggested complete"
    )
    auth.sign_out()
    auth.sign_in("admin")
    [row] = [row for row in texts(client.get("/admin/audit").text, "tbody tr") if "status decided" in row]
    assert row.endswith(
        "Recommendation status decided Recommendation 1 of Victim service assessment: Not accepted; the actions "
        "suggested complete Status was Awaiting review → now Not accepted "
        "Reason for the status now The force already does this through Athena."
    )


def test_another_lead_cannot_change_the_status_and_nothing_changes(client, auth, make, db):
    recommendation = make.recommendation()
    other = make.user("lead", department=make.department("Public Protection"))
    auth.sign_in(other)
    assert client.get(f"/recommendations/{recommendation.id}/status").status_code == 403
    response = client.post(
        f"/recommendations/{recommendation.id}/status", data={"status": "complete", "reason": "Done"}
    )
    assert response.status_code == 403
    assert recommendation.status == "awaiting_review"
    page = client.get(f"/recommendations/{recommendation.id}").text
    assert texts(page, "main .govuk-button") == []


def test_removing_an_action_leaves_the_action_page_without_the_recommendation(client, auth, make, db):
    action = make.action()
    recommendation = make.recommendation(reference="AFI 4", actions=[action])
    auth.sign_in("chair")
    assert texts(client.get(f"/actions/{action.reference}").text, "#answers + ul li") == [
        "Victim service assessment, AFI 4 HMICFRS. Awaiting review."
    ]
    response = client.post(f"/recommendations/{recommendation.id}/actions/{action.id}/remove")
    page = client.get(response.location).text
    assert banners(page) == [f"{action.reference} no longer answers AFI 4."]
    assert texts(page, "main p.govuk-body") == ["No action answers this recommendation yet."]
    assert texts(client.get(f"/actions/{action.reference}").text, "#answers") == []


def test_the_list_and_the_dashboard_show_responses_due_within_28_days_and_overdue(client, auth, make, db):
    auth.sign_in("viewer")
    assert texts(client.get("/").text, "#responses-heading") == []
    make.source(title="Review of ISVA provision", body="victims_commissioner", published_on=TODAY - timedelta(days=60))
    make.source(title="PEEL 2027", published_on=TODAY - timedelta(days=46))
    make.source(title="Not yet due", published_on=TODAY - timedelta(days=10))
    make.source(title="Audit of contact", body="internal_audit", response_days=None)
    expected = [
        f"Victims' Commissioner: Review of ISVA provision Response due {long_date(TODAY - timedelta(days=4))}. "
        "4 days overdue",
        f"HMICFRS: PEEL 2027 Response due {long_date(TODAY + timedelta(days=10))}. Due in 10 days",
    ]
    # The dashboard is kept per data revision: adding the sources must show on it straight away.
    dashboard = client.get("/").text
    assert visible_text(dashboard, "#responses-heading") == "Responses to recommendations due (2)"
    assert texts(dashboard, "#responses-heading + ul li") == expected
    listing = client.get("/recommendations").text
    assert texts(listing, "main .app-short-list li") == expected
    assert texts(listing, "tbody tr") == [
        f"Audit of contact Internal audit {TODAY.strftime('%-d %b %Y')} 0 Not required",
        f"Not yet due HMICFRS {(TODAY - timedelta(days=10)).strftime('%-d %b %Y')} 0 "
        f"Due {(TODAY + timedelta(days=46)).strftime('%-d %b %Y')} Due in 46 days",
        f"PEEL 2027 HMICFRS {(TODAY - timedelta(days=46)).strftime('%-d %b %Y')} 0 "
        f"Due {(TODAY + timedelta(days=10)).strftime('%-d %b %Y')} Due in 10 days",
        f"Review of ISVA provision Victims' Commissioner {(TODAY - timedelta(days=60)).strftime('%-d %b %Y')} 0 "
        f"Due {(TODAY - timedelta(days=4)).strftime('%-d %b %Y')} 4 days overdue",
    ]
    assert texts(listing, "main .govuk-button") == []
    assert "Recommendations" in texts(listing, ".govuk-service-navigation__item")
