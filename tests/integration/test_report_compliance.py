"""The coverage-per-right section includes compliance against victims' voice when it exists."""

import json
import sys
import types
from decimal import Decimal

from tests.integration.report_history import AFTER_Q3, Q2, Q3, crafted_history
from tests.integration.test_report_content import section
from tracker.compliance.models import ComplianceAssessment
from tracker.reports.render import render_report_html
from tracker.reports.snapshot import build_snapshot


def _compliance_module(monkeypatch, **functions):
    module = types.ModuleType("tracker.compliance.services")
    for name, function in functions.items():
        setattr(module, name, function)
    monkeypatch.setitem(sys.modules, "tracker.compliance.services", module)
    import tracker.compliance

    monkeypatch.setattr(tracker.compliance, "services", module, raising=False)


def _assess(db, make, quarter, number, **figures):
    db.session.add(ComplianceAssessment(right_id=make.right(number).id, quarter=quarter.label, **figures))


def test_gap_table_and_chart_are_frozen_into_the_report(db, make):
    crafted_history(db, make)
    _assess(db, make, Q2, 7, self_percent=Decimal("90"), voice_percent=Decimal("60"), voice_sample=80)
    _assess(db, make, Q3, 7, self_percent=Decimal("90"), voice_percent=Decimal("62.5"), voice_sample=80)
    _assess(db, make, Q3, 3, self_rating="partial", voice_percent=Decimal("45"), voice_sample=12, voice_source="survey")
    db.session.commit()

    snapshot = build_snapshot(Q3, today=AFTER_Q3)
    rows = {row["right_number"]: row for row in snapshot["compliance"]["rows"] if row["recorded"]}
    assert set(rows) == {3, 7}
    assert rows[7]["gap"] == 27.5 and rows[7]["direction"] == "narrowed" and rows[7]["needs_action"] is True
    assert rows[3]["small_sample"] is True
    json.dumps(snapshot)  # frozen as plain JSON

    html = render_report_html(snapshot)
    rights = section(html, "rights")
    assert (
        "7. To make a Victim Personal Statement Needs an action 90% 62.5% of 80 27.5 points Narrowed by 2.5 points"
        in rights
    )
    assert "of 12 small sample" in rights
    # The chart's title, its alternative text in the PDF, gives the figures too.
    assert (
        "Self-assessed compliance and victims' voice, by right: Right 7: self-assessed 90%, victims' voice 62.5%; "
        "Right 3: self-assessed 50%, victims' voice 45%</title>" in html
    )
    assert html.count("<svg") == 4

    # Later figures for the quarter do not reach a report already built from the snapshot.
    assert render_report_html(snapshot) == html


def test_without_compliance_figures_the_report_says_so(db, make, monkeypatch):
    crafted_history(db, make)
    _compliance_module(monkeypatch, gap_table=lambda label: [], gap_chart=lambda rows: None)
    html = render_report_html(build_snapshot(Q3, today=AFTER_Q3))
    assert "No compliance self-assessment or victims' voice figures were recorded for 2026/27 Q3." in section(
        html, "rights"
    ).replace("&#39;", "'")
    _compliance_module(monkeypatch)
    assert build_snapshot(Q3, today=AFTER_Q3)["compliance"] is None
