"""The coverage-per-right section includes compliance against victims' voice when it exists."""

import sys
import types

from tests.integration.report_history import AFTER_Q3, Q3, crafted_history
from tests.integration.test_report_content import section
from tracker.common.charts import Series, paired_bar_chart
from tracker.reports.render import render_report_html
from tracker.reports.snapshot import build_snapshot

ROW = {
    "right_id": 7,
    "right_number": 7,
    "right_title": "To make a Victim Personal Statement",
    "recorded": True,
    "self_rating": "compliant",
    "self_rating_label": "Compliant",
    "self_figure": 90.0,
    "self_from_rating": False,
    "voice_percent": 62.5,
    "voice_sample": 24,
    "small_sample": True,
    "gap": 27.5,
    "previous_gap": 30.0,
    "direction": "narrowed",
    "change": 2.5,
    "needs_action": True,
    "open_actions": [],
}


def _compliance_module(monkeypatch, **functions):
    module = types.ModuleType("tracker.compliance.services")
    for name, function in functions.items():
        setattr(module, name, function)
    monkeypatch.setitem(sys.modules, "tracker.compliance.services", module)
    import tracker.compliance

    monkeypatch.setattr(tracker.compliance, "services", module, raising=False)


def test_gap_table_and_chart_are_frozen_into_the_report(db, make, monkeypatch):
    crafted_history(db, make)
    asked = []

    def gap_table(label):
        asked.append(label)
        return [ROW]

    def gap_chart(rows):
        values = [[row["self_figure"] for row in rows], [row["voice_percent"] for row in rows]]
        return paired_bar_chart(
            "Self-assessed compliance and victims' voice, by right",
            "Two bars per right",
            [f"Right {row['right_number']}" for row in rows],
            Series("Self-assessed", "#1d70b8", "solid", values[0]),
            Series("Victims' voice", "#ffbf47", "diagonal", values[1]),
        )

    _compliance_module(monkeypatch, gap_table=gap_table, gap_chart=gap_chart)
    snapshot = build_snapshot(Q3, today=AFTER_Q3)
    assert asked == ["2026/27 Q3"] and snapshot["compliance"]["rows"] == [ROW]
    html = render_report_html(snapshot)
    rights = section(html, "rights")
    assert "7. To make a Victim Personal Statement Needs an action 90% 62.5% of 24 small sample 27.5 points" in rights
    assert "Narrowed by 2.5 points" in rights
    assert "Self-assessed compliance and victims' voice, by right</title>" in html


def test_without_compliance_figures_the_report_says_so(db, make, monkeypatch):
    crafted_history(db, make)
    _compliance_module(monkeypatch, gap_table=lambda label: [], gap_chart=lambda rows: None)
    html = render_report_html(build_snapshot(Q3, today=AFTER_Q3))
    assert "No compliance self-assessment or victims' voice figures were recorded for 2026/27 Q3." in section(
        html, "rights"
    ).replace("&#39;", "'")
    _compliance_module(monkeypatch)
    assert build_snapshot(Q3, today=AFTER_Q3)["compliance"] is None
