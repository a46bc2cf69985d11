"""Loading figures from a CSV file: the documented layout, every bad row reported, all or nothing."""

import csv
import io
import re

from sqlalchemy import func, select

from tests.visible import banners
from tracker.audit.models import AuditEvent
from tracker.common.dates import local_today
from tracker.common.quarters import quarter_of
from tracker.compliance.models import ComplianceAssessment

HEADER = "quarter,right,self_rating,self_percent,self_source,voice_percent,voice_sample,voice_source,voice_themes"


def upload(client, text, *, name="figures.csv", content_type="text/csv", replace=False, raw=None):
    data = {"file": (io.BytesIO(raw if raw is not None else text.encode("utf-8")), name, content_type)}
    if replace:
        data["replace"] = "y"
    return client.post("/compliance/upload", data=data, content_type="multipart/form-data")


def count(db):
    return db.session.scalar(select(func.count()).select_from(ComplianceAssessment))


def problems(response):
    html = response.get_data(as_text=True)
    block = re.search(r'<ul class="[^"]*app-problem-list">(.*?)</ul>', html, re.S)
    return [
        re.sub(r"\s+", " ", item).strip().replace("&#39;", "'")
        for item in re.findall(r"<li>(.*?)</li>", block[1], re.S)
    ]


def test_a_good_file_loads_every_row_and_is_audited(client, auth, db):
    auth.sign_in("admin")
    last, before = quarter_of(local_today()).previous(), quarter_of(local_today()).previous().previous()
    text = "\n".join(
        [
            HEADER,
            f"{last.label},3,partially compliant,78,Dip sample,52,84,survey,Letters hard to follow",
            f"{last.label},7,Compliant,,,31,22,Voice of the Victim forum,",
            f"{before.slug},3,,80,,60,90,focus group,",
            f"{last.label},9,,,,,,,",
        ]
    )
    response = upload(client, text)
    assert response.status_code == 302 and response.location.endswith(f"/compliance?quarter={last.slug}")
    assert count(db) == 3
    page = client.get(response.location).get_data(as_text=True)
    assert banners(page)[:1] == ["File loaded: 3 rights added, 0 changed. 1 row with no figures skipped."]
    assert "Widened by 6 points" in page  # right 3: 20 points before, 26 now
    assert (
        db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.verb == "compliance.recorded"))
        == 3
    )


def test_every_bad_row_is_reported_and_nothing_is_saved(client, auth, db):
    auth.sign_in("chair")
    last = quarter_of(local_today()).previous()
    future = quarter_of(local_today()).next()
    text = "\n".join(
        [
            HEADER,
            f"{last.label},3,compliant,90,,60,80,survey,",
            f"{last.label},13,compliant,90,,60,80,survey,",
            f"{future.label},4,compliant,90,,60,80,survey,",
            f"{last.label},5,compliant,140,,60,80,survey,",
            f"{last.label},6,compliant,90,,60,0,survey,",
            "last quarter,7,compliant,90,,60,80,survey,",
            f"{last.label},3,partial,,,,,,",
        ]
    )
    response = upload(client, text)
    assert response.status_code == 200
    assert problems(response) == [
        "Row 3: there is no right '13' in the 2020 edition of the Code: use a number from 1 to 12",
        f"Row 4: {future.label} has not started yet. Record figures for {quarter_of(local_today()).label} or an earlier quarter.",
        "Row 5: The self-assessed percentage for right 5 must be between 0 and 100",
        "Row 6: The number of victims asked for right 6 must be more than 0 to give a percentage",
        "Row 7: 'last quarter' is not a quarter like 2026/27 Q3",
        f"Row 8: right 3 for {last.label} is also on row 2",
    ]
    html = response.get_data(as_text=True)
    assert "The file has 6 problems. Nothing has been saved." in html
    assert count(db) == 0


def test_figures_already_recorded_are_only_replaced_when_asked(client, auth, db, make):
    auth.sign_in("chair")
    last = quarter_of(local_today()).previous()
    make.assessment(last.label, 3, self_percent=70, voice_percent=50, voice_sample=40)
    text = f"{HEADER}\n{last.label},3,,75,,55,41,survey,\n{last.label},4,,60,,,,,\n"
    refused = upload(client, text)
    assert problems(refused) == [
        f"Row 2: figures for right 3 in {last.label} are already recorded. "
        "Choose 'Replace figures already recorded' to change them"
    ]
    assert count(db) == 1
    accepted = upload(client, text, replace=True)
    assert accepted.status_code == 302
    assert banners(client.get(accepted.location).get_data(as_text=True))[:1] == [
        "File loaded: 1 right added, 1 changed."
    ]
    row = db.session.scalar(select(ComplianceAssessment).where(ComplianceAssessment.right.has(number=3)))
    assert float(row.voice_percent) == 55.0 and row.voice_sample == 41


def test_wrong_columns_are_reported_before_any_row(client, auth, db):
    auth.sign_in("chair")
    response = upload(client, "Quarter,Right Number,Score\n2025/26 Q1,3,80\n")
    assert problems(response) == [
        "The file has no right column. Use the columns of the template",
        "The file has columns we do not know: right_number, score. Use the columns of the template",
        "The file has no figure columns. Use the columns of the template",
    ]
    assert count(db) == 0


def test_the_upload_is_checked_for_type_and_size(client, auth, app, db):
    auth.sign_in("chair")
    cases = [
        (dict(name="figures.xlsx"), "The selected file must be a CSV file, ending .csv"),
        (dict(raw=b"PK\x03\x04workbook"), "The selected file is an Excel workbook. Save it as CSV, then upload that"),
        (dict(raw=b"quarter,right\x00\x01"), "The selected file must be a CSV file"),
        (dict(content_type="image/png"), "The selected file must be a CSV file"),
        (dict(raw=b"   "), "The selected file is empty"),
        (
            dict(raw=b"x" * (app.config["COMPLIANCE_UPLOAD_MAX_BYTES"] + 1)),
            "The selected file must be no larger than 1 MB",
        ),
    ]
    for options, message in cases:
        response = upload(client, HEADER + "\n", **options)
        html = response.get_data(as_text=True)
        assert message in html, options
        assert 'href="#file"' in html
    assert "Select a CSV file" in client.post("/compliance/upload", data={}).get_data(as_text=True)
    assert count(db) == 0


def test_an_excel_csv_in_windows_1252_is_read(client, auth, db):
    auth.sign_in("chair")
    last = quarter_of(local_today()).previous()
    text = f"{HEADER}\r\n{last.label},3,,80,Survey – March,60,90,survey,Café staff were kind\r\n"
    assert upload(client, "", raw=text.encode("cp1252"), content_type="application/vnd.ms-excel").status_code == 302
    row = db.session.scalar(select(ComplianceAssessment))
    assert row.voice_themes == "Café staff were kind" and row.self_source == "Survey – March"


def test_the_template_has_the_documented_columns_and_loads_once_filled_in(client, auth, db):
    auth.sign_in("admin")
    page = client.get("/compliance/upload").get_data(as_text=True)
    documented = re.findall(r"<code>(\w+)</code>", page)
    response = client.get("/compliance/template.csv")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == documented
    assert [row[1] for row in rows[1:]] == [str(n) for n in range(1, 13)]
    assert rows[7][2] == "To make a Victim Personal Statement"
    rows[3][documented.index("voice_percent")] = "47"
    rows[3][documented.index("voice_sample")] = "58"
    rows[3][documented.index("voice_source")] = "survey"
    rows[3][documented.index("self_rating")] = "compliant"
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    loaded = upload(client, out.getvalue())
    assert loaded.status_code == 302
    assert "1 right added" in client.get(loaded.location).get_data(as_text=True)
    assert count(db) == 1
