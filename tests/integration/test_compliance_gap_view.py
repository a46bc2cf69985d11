"""The gap view and the gap table the quarterly report uses."""

import re
from xml.etree import ElementTree

from tracker.common.dates import local_today
from tracker.common.quarters import quarter_of
from tracker.compliance.services import gap_chart, gap_table

SVG = "{http://www.w3.org/2000/svg}"


def text_of(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def table_order(html):
    """The right numbers in the gap table, top to bottom."""
    return [int(n) for n in re.findall(r'<tr class="govuk-table__row" id="right-(\d+)">', html)]


def record_history(make):
    """Two quarters: a narrowing gap, a widening one, a small sample and a right with an open action."""
    quarter = quarter_of(local_today()).previous()
    before = quarter.previous().label
    make.assessment(before, 3, self_percent=90, voice_percent=40, voice_sample=200)
    make.assessment(before, 6, self_percent=80, voice_percent=70, voice_sample=90)
    make.assessment(quarter.label, 3, self_percent=90, voice_percent=60, voice_sample=200)  # 30, narrowed by 20
    make.assessment(quarter.label, 6, self_percent=80, voice_percent=45, voice_sample=90)  # 35, widened by 25
    make.assessment(quarter.label, 7, self_rating="compliant", voice_percent=20, voice_sample=9)  # 80, small
    make.assessment(quarter.label, 4, self_percent=70, voice_percent=50, voice_sample=64, voice_themes="Waited weeks")
    make.action(reference="VV-204", title="Refer every victim to support within two days", rights=[4])
    make.action(reference="VV-205", title="Closed work on right 6", rights=[6], status="complete")
    return quarter


def test_gap_table_ranks_firm_gaps_first_and_links_open_actions(db, make):
    quarter = record_history(make)
    rows = gap_table(quarter.label)
    recorded = [row for row in rows if row.recorded]
    assert [row.right_number for row in recorded] == [6, 3, 4, 7]
    six, three, four, seven = recorded
    assert (six.gap, six.direction, six.change, six.previous_gap) == (35.0, "widened", 25.0, 10.0)
    assert (three.gap, three.direction, three.change) == (30.0, "narrowed", 20.0)
    assert seven.small_sample and seven.self_from_rating and seven.gap == 80.0
    assert [a.reference for a in four.open_actions] == ["VV-204"] and not four.needs_action
    # The completed action does not count: right 6 still needs one.
    assert six.open_action_count == 0 and six.needs_action
    assert len(rows) == 12 and sum(not row.recorded for row in rows) == 8


def test_gap_table_is_empty_and_chart_absent_for_a_quarter_without_figures(db, make):
    record_history(make)
    assert gap_table(quarter_of(local_today()).label) == []
    assert gap_chart([]) is None


def test_gap_chart_draws_both_measures_in_the_rows_order(db, make):
    quarter = record_history(make)
    svg = gap_chart(gap_table(quarter.label))
    root = ElementTree.fromstring(str(svg))
    assert root.find(f"{SVG}title").text == "Self-assessed compliance and victims' voice, by right"
    # Right 7's gap of 80 points is on a small sample, so the firm gap of right 6 is named.
    assert "The widest gap is Right 6, 35 points." in root.find(f"{SVG}desc").text
    labels = [t.text for t in root.iter(f"{SVG}text")]
    assert labels.index("Right 6") < labels.index("Right 3") < labels.index("Right 4") < labels.index("Right 7")
    assert {"Self-assessed", "Victims' voice", "45%", "100%"} <= set(labels)


def test_gap_view_shows_the_ranked_table_chart_and_flags(client, auth, make):
    quarter = record_history(make)
    auth.sign_in("viewer")
    html = client.get(f"/compliance?quarter={quarter.slug}").get_data(as_text=True)
    text = text_of(html)
    assert table_order(html) == [6, 3, 4, 7]
    assert "Widened by 25 points" in text and "Narrowed by 20 points" in text and "was 50 points" in text
    assert "from rating: Compliant" in text and "9 victims asked" in text and "Small sample" in text
    assert "VV-204 Refer every victim to support within two days" in text
    assert 'href="/actions/VV-204"' in html
    assert "3 rights need an action" in text
    assert "8 rights have no figures for" in text
    assert "What victims told us" in text and "Waited weeks" in text
    assert '<svg class="app-chart app-chart--wide" role="img"' in html
    assert '<svg class="app-chart app-chart--narrow" role="img"' in html
    # A viewer sees the flag but not the link to create an action.
    assert "Create an action" not in text


def test_chair_can_create_an_action_from_a_flagged_right(client, auth, make):
    quarter = record_history(make)
    auth.sign_in("chair")
    html = client.get(f"/compliance?quarter={quarter.slug}").get_data(as_text=True)
    for number in (6, 3, 7):
        assert f'href="/actions/new?right={number}"' in html
    assert 'href="/actions/new?right=4"' not in html


def test_gap_view_opens_on_the_latest_quarter_with_figures_and_offers_the_others(client, auth, make):
    quarter = record_history(make)
    auth.sign_in("lead")
    html = client.get("/compliance").get_data(as_text=True)
    assert f'<option value="{quarter.slug}" selected>' in html
    assert f'<option value="{quarter.previous().slug}">' in html
    older = client.get(f"/compliance?quarter={quarter.previous().slug}").get_data(as_text=True)
    assert table_order(older) == [3, 6] and "No gap to compare" in text_of(older)


def test_a_quarter_without_figures_says_so(client, auth):
    auth.sign_in("chair")
    this = quarter_of(local_today())
    text = text_of(client.get("/compliance").get_data(as_text=True))
    assert f"No figures have been recorded for {this.label} yet." in text
    assert f"Record figures for {this.label}" in text
    assert client.get("/compliance?quarter=not-a-quarter").status_code == 404


def test_demo_data_gives_a_year_of_figures_with_gaps_to_discuss(runner, db):
    result = runner.invoke(args=["tracker", "demo", "--actions", "20", "--today", "2026-11-29"])
    assert result.exit_code == 0, result.output
    rows = gap_table("2026/27 Q2")
    assert len(rows) == 12 and all(row.recorded for row in rows)
    assert any(row.small_sample for row in rows) and any(row.self_from_rating for row in rows)
    assert {row.direction for row in rows} >= {"narrowed", "widened"}
    assert gap_table("2025/26 Q3") and not gap_table("2025/26 Q2")
    again = runner.invoke(args=["tracker", "demo", "--actions", "20", "--today", "2026-11-29"])
    assert again.exit_code == 0 and len(gap_table("2026/27 Q2")) == 12
