"""Recording a quarter's figures and reading the gap, in a real browser."""

from playwright.sync_api import expect

from tests.browser.conftest import says, sign_in
from tracker.common.dates import local_today
from tracker.common.quarters import quarter_of


def fill_right(page, number, *, rating=None, self_percent=None, voice=None, sample=None, source=None, themes=None):
    section = page.locator(f"#right-{number}")
    if rating:
        section.get_by_label("Rating").select_option(label=rating)
    if self_percent is not None:
        section.get_by_label("Compliance figure (optional)").fill(self_percent)
    if voice is not None:
        section.get_by_label("Victims who said the right was met").fill(voice)
    if sample is not None:
        section.get_by_label("Number of victims asked").fill(sample)
    if source:
        section.get_by_label("Where the figure comes from").select_option(label=source)
    if themes:
        section.get_by_label("What victims said (optional)").fill(themes)


def test_chair_records_a_quarter_and_reads_the_gap(page, make):
    chair = make.user("chair", name="Casey Chair")
    quarter = quarter_of(local_today())
    sign_in(page, chair)
    expect(page).to_have_title("Dashboard - Victims Code Action Tracker")
    page.get_by_role("link", name="Compliance", exact=True).click()
    expect(page.get_by_text(f"No figures have been recorded for {quarter.label} yet.")).to_be_visible()
    page.get_by_role("link", name=f"Record figures for {quarter.label}").click()
    expect(page).to_have_title(f"Compliance figures for {quarter.label} - Victims Code Action Tracker")

    fill_right(page, 3, self_percent="88", voice="51", sample="120", source="Victim survey",
               themes="Acknowledgement letters arrive late.")  # fmt: skip
    fill_right(page, 7, rating="Partially compliant", voice="30", sample="18", source="Voice of the Victim forum")
    fill_right(page, 10, rating="Compliant", voice="82", sample="64", source="Victim survey")
    page.get_by_role("button", name=f"Save figures for {quarter.label}").click()

    expect(page).to_have_title(f"Compliance and victims' voice, {quarter.label} - Victims Code Action Tracker")
    says(page, f"Figures for {quarter.label} saved: 3 rights added.")
    rows = page.locator("table.app-gap-table tbody tr")
    expect(rows).to_have_count(3)
    first, second, third = (rows.nth(i).inner_text() for i in range(3))
    assert "Right 3" in first and "37 points" in first and "Needs an action" in first
    assert "Right 10" in second and "18 points" in second and "from rating: Compliant" in second
    assert "Right 7" in third and "Small sample" in third  # 18 victims: listed last despite its 20-point gap
    assert page.get_by_role("link", name="Create an action for right 3").first.get_attribute("href") == (
        "/actions/new?right=3"
    )
    expect(page.get_by_role("img", name="Self-assessed compliance and victims' voice, by right")).to_be_visible()
    expect(page.get_by_text("Acknowledgement letters arrive late.")).to_be_visible()


def test_a_bad_figure_is_explained_and_the_link_goes_to_the_field(page, make):
    admin = make.user("admin")
    quarter = quarter_of(local_today()).previous()
    sign_in(page, admin)
    expect(page).to_have_title("Dashboard - Victims Code Action Tracker")
    page.goto(f"/compliance/{quarter.slug}/figures")
    fill_right(page, 2, self_percent="95", voice="40", sample="75", source="Focus group")
    fill_right(page, 7, voice="130", sample="20", source="Complaints")
    page.get_by_role("button", name=f"Save figures for {quarter.label}").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    assert page.title().startswith("Error: Compliance figures")
    summary.get_by_role("link", name="The victims' voice percentage for right 7 must be between 0 and 100").click()
    expect(page.locator("#rights-6-voice_percent")).to_be_focused()
    # What was typed is still there, for right 2 as well as right 7.
    assert page.locator("#rights-1-self_percent").input_value() == "95"
    assert page.locator("#rights-6-voice_percent").input_value() == "130"
