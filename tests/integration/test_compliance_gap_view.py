"""The gap view and the gap table the quarterly report uses."""

import re
from datetime import date
from xml.etree import ElementTree

from bs4 import BeautifulSoup

from tests.visible import visible_text
from tracker.common.dates import local_today
from tracker.common.quarters import Quarter, quarter_of
from tracker.compliance.services import gap_chart, gap_table
from tracker.reports.render import render_report_html
from tracker.reports.snapshot import build_snapshot

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
    assert visible_text(html, "#right-6 td:nth-of-type(4)") == (
        "Widened by 25 points Victims now rate it 35 points below the force's own assessment, from 10 points below"
    )
    assert visible_text(html, "#right-3 td:nth-of-type(4)") == (
        "Narrowed by 20 points Victims now rate it 30 points below the force's own assessment, from 50 points below"
    )
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
    assert table_order(older) == [3, 6]
    assert visible_text(older, "#right-3 td:nth-of-type(4)") == "Nothing to compare There was no gap last quarter"


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


# Right number: (last quarter's self-assessed and victims' figures, this quarter's).
PAIRS = {
    12: ((81, 60), (60, 70)),  # +21 then -10
    11: ((70, 50), (70, 50)),  # the same gap both quarters
    10: ((75, 60), (60, 60)),  # closed to no gap
    9: ((60, 60), (55, 60)),  # no gap, then victims 5 points higher
    8: (None, (90, 80)),  # no figures last quarter
}
MOVED = {
    12: ("Reversed", "victims now rate it 10 points above the force's own assessment, from 21 points below"),
    11: ("No change", "victims still rate it 20 points below the force's own assessment"),
    10: ("Closed", "victims now rate it the same as the force's own assessment, from 15 points below"),
    9: ("Opened", "victims now rate it 5 points above the force's own assessment, from the same"),
    8: ("Nothing to compare", "there was no gap last quarter"),
}


def record_pairs(make, quarter):
    for number, (then, now) in PAIRS.items():
        if then:
            make.assessment(quarter.previous().label, number, self_percent=then[0], voice_percent=then[1])
        make.assessment(quarter.label, number, self_percent=now[0], voice_percent=now[1])


def test_a_gap_that_changes_side_is_reversed_never_narrowed(client, auth, make):
    """Right 12 went from 21 points below victims' view to 10 above: its size fell, but it reversed."""
    quarter = quarter_of(local_today()).previous()
    record_pairs(make, quarter)
    auth.sign_in("viewer")
    html = client.get(f"/compliance?quarter={quarter.slug}").text
    moved = {number: visible_text(html, f"#right-{number} td:nth-of-type(4)") for number in PAIRS}
    assert moved == {number: f"{head} {rest[0].upper()}{rest[1:]}" for number, (head, rest) in MOVED.items()}
    assert visible_text(html, "#right-12 td:nth-of-type(3)") == "10 points victims rate it higher"
    assert visible_text(html, "#right-10 td:nth-of-type(3)") == "No gap"


def test_the_quarterly_report_words_each_movement_as_the_gap_view_does(db, make):
    quarter = Quarter.parse("2026/27 Q3")
    record_pairs(make, quarter)
    html = render_report_html(build_snapshot(quarter, today=date(2027, 1, 8)))
    tables = BeautifulSoup(html, "html.parser").select("table.rp-table")
    compliance = next(t for t in tables if t.caption.get_text().startswith("Compliance and victims' voice"))
    rows = {
        int(visible_text(str(row.th)).split(".")[0]): visible_text(str(row.select("td")[3]))
        for row in compliance.select("tbody tr")
    }
    assert {number: rows[number] for number in PAIRS} == {
        number: f"{head}: {rest}" for number, (head, rest) in MOVED.items()
    }
