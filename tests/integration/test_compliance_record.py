"""Recording a quarter's figures: all twelve rights on one page, nothing half-saved, no silent overwrite."""

import re

from sqlalchemy import func, select

from tests.visible import banners
from tracker.audit.models import AuditEvent
from tracker.common.dates import local_today
from tracker.common.quarters import quarter_of
from tracker.compliance.models import ComplianceAssessment
from tracker.compliance.services import gap_table

FIELDS = ("self_rating", "self_percent", "self_source", "voice_percent", "voice_sample", "voice_source", "voice_themes")
VERSIONS = re.compile(r'name="versions" type="hidden" value="([^"]*)"')


def last_quarter():
    return quarter_of(local_today()).previous()


def page_versions(client, quarter):
    html = client.get(f"/compliance/{quarter.slug}/figures").get_data(as_text=True)
    return VERSIONS.search(html).group(1)


def form_data(figures_by_right, versions=""):
    """What the browser sends: every field of every right, blank unless given."""
    data = {"versions": versions}
    for number in range(1, 13):
        given = figures_by_right.get(number, {})
        for name in FIELDS:
            data[f"rights-{number - 1}-{name}"] = given.get(name, "")
    return data


def saved(db, quarter):
    rows = db.session.scalars(select(ComplianceAssessment).where(ComplianceAssessment.quarter == quarter.label))
    return {row.right.number: row for row in rows}


RIGHT_3 = {"self_percent": "88", "voice_percent": "51", "voice_sample": "120", "voice_source": "survey"}
RIGHT_7 = {"self_rating": "partial", "voice_percent": "30", "voice_sample": "18", "voice_source": "forum"}


def test_the_form_shows_all_twelve_rights_with_a_warning_about_personal_data(client, auth):
    auth.sign_in("chair")
    html = client.get(f"/compliance/{last_quarter().slug}/figures").get_data(as_text=True)
    for number in range(1, 13):
        assert f'id="right-{number}-heading"' in html
    assert "Right 7: To make a Victim Personal Statement" in html
    assert "Themes must not identify anyone" in html


def test_chair_records_a_quarter_and_sees_the_gap(client, auth, db):
    chair = auth.sign_in("chair")
    quarter = last_quarter()
    response = client.post(
        f"/compliance/{quarter.slug}/figures", data=form_data({3: RIGHT_3, 7: RIGHT_7}, page_versions(client, quarter))
    )
    assert response.status_code == 302
    assert response.location.endswith(f"/compliance?quarter={quarter.slug}")
    rows = saved(db, quarter)
    assert set(rows) == {3, 7}
    assert rows[3].voice_sample == 120 and float(rows[3].self_percent) == 88.0
    assert rows[7].self_rating == "partial" and rows[3].recorded_by_id == chair.id
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.verb == "compliance.recorded")).all()
    assert len(events) == 2 and events[0].actor_id == chair.id
    page = client.get(response.location).get_data(as_text=True)
    assert banners(page)[:1] == [f"Figures for {quarter.label} saved: 2 rights added."]
    assert "37 points" in page  # 88 - 51
    assert "Small sample" in page  # 18 victims asked about right 7


def test_one_bad_right_saves_nothing_and_keeps_what_was_typed(client, auth, db):
    auth.sign_in("admin")
    quarter = last_quarter()
    bad = {**RIGHT_7, "voice_percent": "130"}
    response = client.post(f"/compliance/{quarter.slug}/figures", data=form_data({3: RIGHT_3, 7: bad}))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in html
    assert 'href="#rights-6-voice_percent"' in html
    assert "The victims&#39; voice percentage for right 7 must be between 0 and 100" in html
    assert 'value="130"' in html and 'value="88"' in html
    assert db.session.scalar(select(func.count()).select_from(ComplianceAssessment)) == 0


def test_a_sample_of_zero_with_a_percentage_is_refused(client, auth, db):
    auth.sign_in("admin")
    quarter = last_quarter()
    response = client.post(f"/compliance/{quarter.slug}/figures", data=form_data({3: {**RIGHT_3, "voice_sample": "0"}}))
    assert "must be more than 0 to give a percentage" in response.get_data(as_text=True)
    assert saved(db, quarter) == {}


def test_a_quarter_in_the_future_is_refused(client, auth, db):
    auth.sign_in("chair")
    future = quarter_of(local_today()).next()
    response = client.get(f"/compliance/{future.slug}/figures")
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert f"{future.label} has not started yet" in page
    posted = client.post(f"/compliance/{future.slug}/figures", data=form_data({3: RIGHT_3}))
    assert posted.status_code == 302 and saved(db, future) == {}


def test_choosing_a_quarter_checks_what_was_typed(client, auth):
    auth.sign_in("chair")
    assert "Enter the quarter like 2026/27 Q3" in client.get("/compliance/record?quarter=Q3+2026").get_data(
        as_text=True
    )
    this = quarter_of(local_today())
    response = client.get(f"/compliance/record?quarter={this.label}")
    assert response.location.endswith(f"/compliance/{this.slug}/figures")


def test_changing_and_clearing_a_right(client, auth, db, make):
    auth.sign_in("chair")
    quarter = last_quarter()
    make.assessment(quarter.label, 3, self_percent=88, voice_percent=51, voice_sample=120)
    make.assessment(quarter.label, 7, self_rating="partial")
    versions = page_versions(client, quarter)
    changed = {**RIGHT_3, "voice_percent": "61"}
    response = client.post(f"/compliance/{quarter.slug}/figures", data=form_data({3: changed}, versions))
    assert response.status_code == 302
    rows = saved(db, quarter)
    assert set(rows) == {3} and float(rows[3].voice_percent) == 61.0
    change = db.session.scalar(select(AuditEvent).where(AuditEvent.verb == "compliance.changed"))
    assert change.changes == {"voice_percent": ["51", "61"]}
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.verb == "compliance.removed")) is not None


def test_two_people_editing_a_quarter_cannot_overwrite_each_other(client, auth, db, make):
    auth.sign_in("chair")
    quarter = last_quarter()
    make.assessment(quarter.label, 3, self_percent=88, voice_percent=51, voice_sample=120)
    opened = page_versions(client, quarter)
    # Someone else saves right 3 after this form was opened.
    other = make.user("admin", name="Alex Analyst")
    row = saved(db, quarter)[3]
    row.voice_percent, row.recorded_by = 45, other
    db.session.commit()
    mine = {**RIGHT_3, "voice_percent": "70"}
    response = client.post(f"/compliance/{quarter.slug}/figures", data=form_data({3: mine}, opened))
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Someone else saved figures for 1 right while you were editing" in html
    assert "Alex Analyst saved" in html and 'value="70"' in html
    assert float(saved(db, quarter)[3].voice_percent) == 45.0
    # Saving again from the refreshed form is a deliberate choice, and it is saved.
    again = VERSIONS.search(html).group(1)
    assert client.post(f"/compliance/{quarter.slug}/figures", data=form_data({3: mine}, again)).status_code == 302
    assert float(saved(db, quarter)[3].voice_percent) == 70.0


def test_someone_elses_save_to_another_right_is_not_a_clash(client, auth, db, make):
    auth.sign_in("chair")
    quarter = last_quarter()
    opened = page_versions(client, quarter)
    make.assessment(quarter.label, 7, self_rating="partial")
    response = client.post(
        f"/compliance/{quarter.slug}/figures", data=form_data({3: RIGHT_3, 7: {"self_rating": "partial"}}, opened)
    )
    assert response.status_code == 302 and set(saved(db, quarter)) == {3, 7}


def test_leads_and_viewers_read_but_cannot_record(client, auth, make):
    quarter = last_quarter()
    make.assessment(quarter.label, 3, self_percent=88, voice_percent=51, voice_sample=120)
    auth.sign_in("lead")
    page = client.get("/compliance").get_data(as_text=True)
    assert "Right 3" in page and "Change figures" not in page
    assert client.post(f"/compliance/{quarter.slug}/figures", data=form_data({3: RIGHT_3})).status_code == 403
    assert float(gap_table(quarter.label)[0].voice_percent) == 51.0
