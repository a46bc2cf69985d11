"""Every form of the app, sent once as a person would fill it in, and what that person then reads.

The forms are found from the URL map (every route that takes a POST with the session's CSRF
token), so a new form fails `test_every_form_has_a_valid_submission` until it is sent here too.
Each case fills the form with good values, follows the redirect and checks the page's visible
text, exactly: the banner's message, or the heading of the page it lands on.
"""

import io
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from flask import url_for
from sqlalchemy import select

from tests.access import STATE_CHANGING, acting_user, all_rules, kept_world, url_map
from tests.factories import PASSWORD
from tests.html_forms import post_forms_for
from tests.visible import banners, visible_text
from tracker.common.dates import local_today, long_date

RULES = all_rules()
ROUTES = url_map()
FORM_ENDPOINTS = sorted(
    endpoint
    for endpoint, (methods, _) in ROUTES.items()
    if methods & STATE_CHANGING and not RULES[endpoint].get("csrf_exempt")
)
NEW_PASSWORD = "a long new passphrase 42"


def parts(day):
    """A date as the three boxes of the GOV.UK date input."""
    return [str(day.day), str(day.month), str(day.year)]


@dataclass
class Sent:
    """One valid submission: who sends it, with what, and what they then read."""

    data: object = lambda world: {}  # fn(world) -> form data, over what the form already shows
    banner: object = None  # fn(world) -> the one banner message expected, exactly
    heading: object = None  # fn(world) -> the page's h1 expected, when no banner says it
    role: str = ""  # who sends it, when not the first role the access rules let through
    args: object = None  # fn(world) -> url arguments, when not the access rules' own
    before: object = None  # fn(world, client): something the person did first
    files: dict = field(default_factory=dict)  # field -> fn(world) -> (bytes, filename)
    answer: object = None  # fn(world, response): checks an answer read by the page's script, not shown as a page


def _action_fields(world, **changes):
    action = world.action
    fields = {
        "version_id": str(action.version_id),
        "title": action.title,
        "description": action.description or "",
        "owner_id": str(action.owner_id),
        "department_id": str(action.department_id),
        "start_date": parts(action.start_date),
        "original_due_date": parts(action.original_due_date),
        "current_due_date": parts(action.current_due_date),
        "rights": [str(right.id) for right in action.rights],
        "priorities": [str(priority.id) for priority in action.priorities],
        "source": action.source,
        "success_measure": action.success_measure or "",
    }
    return {**fields, **changes}


def _approve_draft_response(world, client):
    from tracker.extensions import db
    from tracker.recommendations.responses import approve_response

    approve_response(world.draft_response, world.chair)
    db.session.commit()


def _new_action(world):
    today = local_today()
    return {
        "title": "Publish the witness care leaflet in Polish",
        "description": "Translate and print the leaflet.",
        "owner_id": str(world.lead.id),
        "department_id": str(world.department.id),
        "start_date": parts(today),
        "original_due_date": parts(today + timedelta(days=90)),
        "rights": ["1"],
        "priorities": ["2"],
        "source": "focus_group",
        "success_measure": "Leaflet in every victim pack",
    }


def _deactivated(world, client):
    from tracker.admin.services import set_active
    from tracker.extensions import db

    set_active(world.spare, False)
    db.session.commit()


def _checked_again(world, client):
    """The admin checks the file just before confirming, as the batch page has them do."""
    from tracker.extensions import db
    from tracker.spreadsheets import services

    services.dry_run(world.batch, local_today())
    db.session.commit()


IMPORTED_ROWS = "AFI 7\tThe force should offer every victim a needs assessment.\tforce\n"


def _recommendation_rows_checked(world):
    """What the dry run page sends back to add the rows it checked."""
    from tracker.recommendations import importing

    read = importing.read_pasted(IMPORTED_ROWS)
    result = importing.check_rows(world.source, read, str(world.lead.id))
    return {
        "payload": importing.payload(read),
        "origin": "the pasted rows",
        "lead_id": str(world.lead.id),
        "digest": result["digest"],
    }


def _csv_of_figures(world):
    quarter = world.quarter.label.replace(" ", "-")
    rows = f"quarter,right,self_percent,voice_percent,voice_sample,voice_source\n{quarter},5,70,55,40,survey\n"
    return rows.encode(), "figures.csv"


def _logo_png(world=None):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (120, 40), "#1d70b8").save(buffer, "PNG")
    return buffer.getvalue(), "logo.png"


def _logo_uploaded(world, client):
    from tracker.admin.logo import save_logo
    from tracker.extensions import db

    content, name = _logo_png()
    save_logo((name, "image/png", content), world.admin)
    db.session.commit()


def _plan_csv(world):
    rows = f"Reference,Title,Owner,Due date\n,Review the leaflet,{world.lead.email},30/09/2027\n"
    return rows.encode(), "plan.csv"


def _extension_date(world):
    return world.free_action.current_due_date + timedelta(days=30)


def _newest_meeting():
    from tracker.extensions import db
    from tracker.meetings.models import Meeting

    return db.session.scalars(select(Meeting).order_by(Meeting.id.desc()).limit(1)).one()


def _arising(world):
    return {
        "arising-title": "Ask IT for a date",
        "arising-owner_id": str(world.lead.id),
        "arising-due_date": parts(local_today() + timedelta(days=40)),
    }


def _closing_item(world):
    """The running meeting's item about the action waiting for sign-off, added the first time it is asked for."""
    from tracker.extensions import db
    from tracker.meetings import services

    item = next((i for i in world.running.items if i.action_id == world.closing.id), None)
    if item is None:
        item = services.add_item(world.running, world.chair, title="", action=world.closing)
        db.session.commit()
    return {"meeting_id": world.running.id, "number": item.position}


def _meeting_item(world, number):
    return {"meeting_id": world.meeting.id, "item_id": world.meeting.items[number].id}


CASES = {
    "admin.deactivate_user": Sent(banner=lambda w: f"{w.spare.name} can no longer sign in."),
    "admin.reactivate_user": Sent(before=_deactivated, banner=lambda w: f"{w.spare.name} can sign in again."),
    "admin.report_logo": Sent(
        files={"file": _logo_png}, banner=lambda w: "Logo uploaded. Reports built from now on show it on the cover."
    ),
    "admin.remove_report_logo": Sent(
        before=_logo_uploaded, banner=lambda w: "Logo removed. Reports built from now on have no logo."
    ),
    "admin.departments": Sent(
        data=lambda w: {"name": "Witness Care Unit"}, banner=lambda w: "Witness Care Unit has been added."
    ),
    "admin.edit_department": Sent(
        data=lambda w: {"version_id": str(w.department.version_id), "name": "Contact Centre"},
        banner=lambda w: "The department has been renamed.",
    ),
    "admin.edit_user": Sent(
        args=lambda w: {"user_id": w.spare.id},
        data=lambda w: {
            "version_id": str(w.spare.version_id),
            "name": "Sam Okafor",
            "email": w.spare.email,
            "role": "viewer",
            "department_id": "",
        },
        banner=lambda w: "Sam Okafor's details are saved.",
    ),
    "admin.hand_over": Sent(
        args=lambda w: {"user_id": w.lead.id},
        before=lambda w, client: setattr(w, "leaving_with", _open_count(w.lead)),
        data=lambda w: {"new_owner": str(w.chair.id), "confirm": "y"},
        banner=lambda w: (
            f"{w.lead.name} can no longer sign in. {w.leaving_with} actions moved to 1 person."
            " 1 new owner has been e-mailed the list."
        ),
    ),
    "admin.new_user": Sent(
        data=lambda w: {
            "name": "Ada Price",
            "email": "ada.price@example.org",
            "role": "viewer",
            "password": NEW_PASSWORD,
        },
        banner=lambda w: "Ada Price has been added. They can sign in with the password you set.",
    ),
    "auth.account": Sent(
        data=lambda w: {"pref-immediate_mail": "y", "pref-submit": "y"},
        banner=lambda w: "Your e-mail preferences are saved.",
    ),
    "auth.forgot_password": Sent(
        role="anon", data=lambda w: {"email": w.viewer.email}, heading=lambda w: "Check your e-mail"
    ),
    "auth.keep_alive": Sent(answer=lambda w, response: _keeps_the_session_going(response)),
    "auth.reset_password": Sent(
        role="anon",
        data=lambda w: {"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
        banner=lambda w: "Your password has been saved. Sign in with it now.",
    ),
    "auth.sign_in": Sent(
        role="anon", data=lambda w: {"email": w.chair.email, "password": PASSWORD}, heading=lambda w: "Dashboard"
    ),
    "auth.sign_out": Sent(banner=lambda w: "You have signed out."),
    "calendar.reset_link": Sent(heading=lambda w: "Due dates in your calendar"),
    "calendar.remove_link": Sent(
        banner=lambda w: "Your calendar link no longer works. Calendars subscribed to it will stop updating."
    ),
    "compliance.record_quarter": Sent(
        data=lambda w: {
            "rights-4-self_percent": "70",
            "rights-4-voice_percent": "55",
            "rights-4-voice_sample": "40",
            "rights-4-voice_source": "survey",
        },
        banner=lambda w: f"Figures for {w.quarter.label} saved: 1 right added.",
    ),
    "compliance.upload": Sent(
        files={"file": _csv_of_figures}, banner=lambda w: "File loaded: 1 right added, 0 changed."
    ),
    "spreadsheets.new_import": Sent(files={"spreadsheet": _plan_csv}, heading=lambda w: "Check the columns"),
    "spreadsheets.import_columns": Sent(
        data=lambda w: {
            "column_0": "reference",
            "column_1": "title",
            "column_2": "owner",
            "column_3": "original_due_date",
        },
        heading=lambda w: "Check the import",
    ),
    "spreadsheets.import_names": Sent(
        data=lambda w: {"name_0": "+new"},
        args=lambda w: {"batch_id": w.names_batch.id},
        heading=lambda w: "Check the import",
    ),
    "spreadsheets.confirm_import": Sent(
        before=_checked_again,
        data=lambda w: {"digest": w.batch.result["digest"]},
        banner=lambda w: "Import complete: 1 action created and 0 updated.",
    ),
    "tokens.new_api_token": Sent(
        data=lambda w: {"name": "Power BI", "expires": "90"}, heading=lambda w: "Your new API token"
    ),
    "tokens.revoke_api_token": Sent(banner=lambda w: "The token 'Lead's Power BI' no longer works."),
    "meetings.add_arising": Sent(
        data=_arising,
        banner=lambda w: (
            f"{_newest_action().reference} has been added to the plan and {w.lead.name} has been told it is theirs."
        ),
    ),
    "meetings.add_item": Sent(
        data=lambda w: {"title": "What victims said at the forum"},
        banner=lambda w: (
            f"“What victims said at the forum” has been added to the agenda as item {len(w.meeting.items)}."
        ),
    ),
    "meetings.change_action_here": Sent(
        data=lambda w: {
            "change-owner_id": str(w.chair.id),
            "change-current_due_date": parts(w.action.current_due_date),
            "change-date_reason": "",
        },
        banner=lambda w: (
            f"{w.action.reference} is now owned by {w.chair.name} and due {long_date(w.action.current_due_date)}."
        ),
    ),
    "meetings.decide_closure_here": Sent(
        args=_closing_item,
        data=lambda w: {"closure-decision": "refuse", "closure-reason": "The leaflet is not yet printed"},
        banner=lambda w: "Sign-off refused. The action is back in progress and the owner has been told why.",
    ),
    "meetings.decide_extension_here": Sent(
        data=lambda w: {"extension-decision": "approve", "extension-reason": "Agreed by the meeting"},
        banner=lambda w: f"Extension approved: {w.action.reference} is now due {long_date(w.extension.new_due_date)}.",
    ),
    "meetings.add_addendum": Sent(
        data=lambda w: {"text": "Jordan Blake also sent a written update."},
        banner=lambda w: "The addendum has been added under the minutes.",
    ),
    "meetings.approve_minutes": Sent(banner=lambda w: "The minutes have been approved and sent to 2 people."),
    "meetings.draft_minutes": Sent(
        banner=lambda w: "The minutes have been drafted from what was recorded. Check the wording, then approve them."
    ),
    "meetings.edit_minutes": Sent(
        data=lambda w: {"present": "Casey Chair (chair)\nJordan Blake"},
        banner=lambda w: "The minutes have been saved.",
    ),
    "meetings.send_minutes": Sent(banner=lambda w: "The minutes have been sent again to 2 people."),
    "meetings.edit_meeting": Sent(
        data=lambda w: {"place": "Room 5", "held_on": parts(w.meeting.held_on), "attendees": [str(w.lead.id)]},
        banner=lambda w: "The meeting's details have been saved.",
    ),
    "meetings.edit_series": Sent(
        data=lambda w: {"name": "Victims Code Champions group"},
        banner=lambda w: "Victims Code Champions group has been saved.",
    ),
    "meetings.finish_meeting": Sent(banner=lambda w: "The meeting has been recorded as held."),
    "meetings.move_item": Sent(
        data=lambda w: {"direction": "down"}, banner=lambda w: "“Minutes of the last meeting” is now item 2."
    ),
    "meetings.new_meeting": Sent(
        data=lambda w: {"held_on": parts(local_today() + timedelta(days=28)), "starts_at": "2pm"},
        banner=lambda w: (
            f"The meeting has been planned with {len(_newest_meeting().items)} items proposed for its agenda."
        ),
    ),
    "meetings.new_series": Sent(
        data=lambda w: {"name": "Victims Voice Task & Finish group", "members": [str(w.lead.id)]},
        banner=lambda w: "Victims Voice Task & Finish group has been set up.",
    ),
    "meetings.remove_item": Sent(
        args=lambda w: _meeting_item(w, 1),
        banner=lambda w: "“Actions arising from the last meeting” has been taken off the agenda.",
    ),
    "meetings.run_item": Sent(
        data=lambda w: {"note": "The letter is with the printers.", "decisions": "Check again next month"},
        banner=lambda w: f"The note and decisions on item {w.action_item.position} have been saved.",
    ),
    "meetings.send_agenda": Sent(banner=lambda w: "The agenda has been sent to 2 people."),
    "meetings.start_meeting": Sent(banner=lambda w: "The meeting has started."),
    "notify.mail_settings": Sent(
        data=lambda w: {"enabled": ["action_assigned", "extension_requested"]},
        banner=lambda w: "Your e-mail settings are saved.",
    ),
    "notify.retry": Sent(
        banner=lambda w: f"'Your actions this week' to {w.lead.email} will be sent again within a minute."
    ),
    "plan.add_evidence": Sent(
        data=lambda w: {"link": "https://intranet.example.org/letters/v2", "evidence_description": "New letter"},
        banner=lambda w: "The evidence has been added.",
    ),
    "plan.cancel_action": Sent(
        data=lambda w: {"reason": "Replaced by the county-wide letter review."},
        banner=lambda w: f"{w.action.reference} has been cancelled.",
    ),
    "plan.decide_closure": Sent(
        data=lambda w: {
            "version_id": str(w.closure.version_id),
            "decision": "approve",
            "reason": "Evidence seen.",
            "confirm_exception": "y",
            "exception_reason": "The chair saw the letters in use.",
        },
        banner=lambda w: f"{w.closing.reference} has been signed off as complete.",
    ),
    "plan.decide_extension": Sent(
        data=lambda w: {"version_id": str(w.extension.version_id), "decision": "approve", "reason": "Agreed."},
        banner=lambda w: f"Extension approved: {w.action.reference} is now due {long_date(w.extension.new_due_date)}.",
    ),
    "plan.edit_action": Sent(
        data=lambda w: _action_fields(w, title="Revise the acknowledgement letter and e-mail"),
        banner=lambda w: "Your changes have been saved.",
    ),
    "plan.new_action": Sent(
        data=_new_action,
        banner=lambda w: f"{_newest_action().reference} has been added and {w.lead.name} has been told it is theirs.",
    ),
    "plan.post_update": Sent(
        data=lambda w: {
            "narrative": "Letter approved by legal.",
            "status": "in_progress",
            "progress": "60",
            "declared_rag": "green",
        },
        banner=lambda w: "Your update has been posted.",
    ),
    "plan.request_closure": Sent(
        data=lambda w: {"summary": "The new letter is in use.", "link": "https://intranet.example.org/letters/v2"},
        banner=lambda w: "Your request for sign-off has been sent to the chair.",
    ),
    "plan.request_extension": Sent(
        args=lambda w: {"reference": w.free_action.reference},
        data=lambda w: {"new_due_date": parts(_extension_date(w)), "reason": "The printer is late."},
        banner=lambda w: "Your request has been sent to the chair.",
    ),
    "plan.reopen_action": Sent(
        data=lambda w: {"reason": "The new letter was withdrawn by legal."},
        banner=lambda w: f"{w.done_action.reference} has been reopened and {w.done_action.owner.name} has been told.",
    ),
    "plan.withdraw_request": Sent(banner=lambda w: "Your request for more time has been withdrawn."),
    "reference.edit_priority": Sent(
        data=lambda w: {
            "version_id": str(w.priority.version_id),
            "title": "Code compliance",
            "description": w.priority.description,
        },
        banner=lambda w: f"Priority {w.priority.number} has been saved.",
    ),
    "reference.edit_right": Sent(
        data=lambda w: {"version_id": str(w.right.version_id), "title": w.right.title, "summary": "Plain summary."},
        banner=lambda w: f"Right {w.right.number} has been saved.",
    ),
    "reference.edit_touchpoint": Sent(
        data=lambda w: {
            "version_id": str(w.touchpoint.version_id),
            "name": "First call to 999",
            "stage": w.touchpoint.stage,
            "position": str(w.touchpoint.position),
            "department_id": str(w.touchpoint.department_id or ""),
            "feedback_mechanism": "Monthly survey",
        },
        banner=lambda w: "First call to 999 has been saved.",
    ),
    "reference.new_touchpoint": Sent(
        data=lambda w: {
            "name": "Victim Personal Statement taken",
            "stage": "Investigation",
            "position": "130",
            "department_id": str(w.department.id),
            "rights": ["7"],
            "feedback_mechanism": "Focus group",
        },
        banner=lambda w: "Victim Personal Statement taken has been added to the journey.",
    ),
    "recommendations.change_status": Sent(
        role="lead",
        data=lambda w: {"status": "being_progressed", "reason": "The new letter goes out in March."},
        banner=lambda w: f"{w.recommendation.reference} is now being progressed.",
    ),
    "recommendations.edit_recommendation": Sent(
        data=lambda w: {"text": "Tell victims of their rights when they report."},
        banner=lambda w: "Your changes have been saved.",
    ),
    "recommendations.edit_source": Sent(
        data=lambda w: {
            "title": "PEEL 2027: how the force treats victims",
            "published_on": parts(w.source.published_on),
        },
        banner=lambda w: "Your changes have been saved.",
    ),
    "recommendations.import_rows": Sent(
        data=lambda w: {"rows": IMPORTED_ROWS, "lead_id": str(w.lead.id)},
        heading=lambda w: "Check the recommendations",
    ),
    "recommendations.confirm_import": Sent(
        data=_recommendation_rows_checked,
        banner=lambda w: f"1 recommendation added, led by {w.lead.name}.",
    ),
    "recommendations.link_action": Sent(
        data=lambda w: {"action_id": str(w.free_action.id)},
        banner=lambda w: f"{w.free_action.reference} now answers {w.recommendation.reference}.",
    ),
    "recommendations.new_recommendation": Sent(
        data=lambda w: {
            "reference": "AFI 1",
            "text": "The force should record victims' needs assessments.",
            "addressed_to": "both",
            "lead_id": str(w.lead.id),
        },
        banner=lambda w: "AFI 1 has been added.",
    ),
    "recommendations.new_source": Sent(
        data=lambda w: {
            "body": "victims_commissioner",
            "title": "Review of victims' experience of complaints",
            "published_on": parts(local_today()),
        },
        banner=lambda w: "Review of victims' experience of complaints has been added. Now add its recommendations.",
    ),
    "recommendations.draft_response": Sent(
        banner=lambda w: (
            "Version 2 of the response has been drafted from the recommendations and their actions. "
            "Word it, then approve it."
        ),
    ),
    "recommendations.edit_response": Sent(
        data=lambda w: {"introduction": "The PCC and the chief constable welcome the report."},
        banner=lambda w: "The response has been saved.",
    ),
    "recommendations.approve_response": Sent(
        banner=lambda w: "The response has been approved. Publish it when it is ready to go out.",
    ),
    "recommendations.publish_response": Sent(
        before=_approve_draft_response,
        banner=lambda w: "The response has been published.",
    ),
    "recommendations.unlink_action": Sent(
        banner=lambda w: f"{w.action.reference} no longer answers {w.recommendation.reference}.",
    ),
    "reports.build": Sent(heading=lambda w: f"Building the {w.awaiting_quarter.label} report"),
    "reports.distribution": Sent(
        data=lambda w: {"name": "Tom Reid", "email": "tom.reid@cps.example.org", "organisation": "CPS"},
        banner=lambda w: "Tom Reid will receive published reports.",
    ),
    "reports.edit_recipient": Sent(
        data=lambda w: {
            "version_id": str(w.recipient.version_id),
            "name": "Priya Shah-Khan",
            "email": w.recipient.email,
            "organisation": "HMCTS",
            "active": "y",
        },
        banner=lambda w: "Priya Shah-Khan's details are saved.",
    ),
    "reports.make_draft": Sent(heading=lambda w: f"Draft PDF of the {w.awaiting_quarter.label} report"),
    "reports.notes": Sent(
        args=lambda w: {"quarter": w.awaiting_quarter},
        data=lambda w: {"version_id": "", "decisions": "Note the new letter."},
        banner=lambda w: (
            f"Decisions and sections for {w.awaiting_quarter.label} saved. Rebuild the report to include them."
        ),
    ),
    "reports.publish": Sent(
        args=lambda w: {"quarter": w.awaiting_quarter},
        heading=lambda w: f"Publishing the {w.awaiting_quarter.label} report",
    ),
    "reports.remove_recipient": Sent(banner=lambda w: "Priya Shah has been taken off the distribution list."),
    "reports.withdraw": Sent(
        args=lambda w: {"quarter": w.published_quarter},
        data=lambda w: {"reason": "The figures for VV-104 were wrong."},
        banner=lambda w: (
            f"The {w.published_quarter.label} report is withdrawn. A notice is waiting to go to 1 person on the "
            "distribution list. Build a corrected report to replace it."
        ),
    ),
}


def test_every_form_has_a_valid_submission():
    """A form added to the app without a case here fails, so every form is sent at least once."""
    assert sorted(CASES) == FORM_ENDPOINTS


@pytest.fixture()
def world(make):
    return kept_world(make, __name__)


def _open_count(user):
    from tracker.admin.leavers import open_actions_of

    return len(open_actions_of(user))


def _keeps_the_session_going(response):
    """The timeout warning's "Stay signed in" gets the full idle time back."""
    from flask import current_app

    idle = current_app.config["SESSION_IDLE_MINUTES"] * 60
    assert list(response.get_json()) == ["seconds_left"]
    assert idle - 5 <= response.get_json()["seconds_left"] <= idle


def _newest_action():
    from tracker.extensions import db
    from tracker.plan.models import Action

    return db.session.scalars(select(Action).order_by(Action.id.desc()).limit(1)).one()


def _shown_form(client, url):
    """What the form on the page already holds, as a person who changes nothing would send it."""
    response = client.get(url)
    if response.status_code != 200:
        return {}
    shown = {}
    for form in post_forms_for(response.get_data(as_text=True), url.split("?")[0]):
        shown.update(form.filled())
    shown.pop("csrf_token", None)
    return shown


def _sign_in_as(client, user):
    response = client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302, "sign-in failed"


@pytest.mark.parametrize("endpoint", sorted(CASES))
def test_a_valid_submission_says_what_happened(app, client, world, endpoint):
    case, rule = CASES[endpoint], RULES[endpoint]
    user = None if case.role == "anon" else getattr(world, case.role, None) or acting_user(rule, world)
    if user is not None:
        _sign_in_as(client, user)
    with app.test_request_context():
        url = url_for(endpoint, **(case.args or rule["args"])(world))
        if case.before:
            case.before(world, client)
    data = {**(_shown_form(client, url) if "GET" in ROUTES[endpoint][0] else {}), **case.data(world)}
    for name, make_file in case.files.items():
        content, filename = make_file(world)
        data[name] = (io.BytesIO(content), filename)
    response = client.post(url, data=data, follow_redirects=True, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 200, visible_text(html)
    if case.answer:
        case.answer(world, response)
    if case.banner:
        # The message of what was just done comes first; banners about the record may follow it.
        assert banners(html)[:1] == [case.banner(world)]
    if case.heading:
        assert visible_text(html, "h1") == case.heading(world)
