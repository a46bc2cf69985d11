"""Every upload the app takes refuses the wrong kind of file by its content, an oversized file, an
empty file and a name holding a folder, saying why next to the field and storing nothing."""

import base64
import html
import io
import re
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from tracker.admin.models import OrganisationLogo
from tracker.compliance.models import ComplianceAssessment
from tracker.plan.models import ActionUpdate, Evidence
from tracker.recommendations.models import Recommendation
from tracker.spreadsheets.models import ImportBatch

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200
CSV = b"quarter,right,self_rating\n2026/27 Q1,3,met\n"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
# Backslashes never reach the app as folders: the multipart parser reads them as quoting
# (tests/unit/test_uploads.py checks Windows paths against check_name directly).
PATH_LIKE = ["../../{name}", "/etc/{name}", "reports/{name}"]


@dataclass
class Upload:
    """One upload route: who posts it, where, the file field, a good file and what a refusal stores."""

    url: str
    field: str
    good: bytes
    good_name: str
    wrong_kind: bytes
    limit_setting: str
    stored: tuple
    extra: dict

    def post(self, client, content, name):
        data = {**self.extra, self.field: (io.BytesIO(content), name, "text/csv" if name.endswith(".csv") else None)}
        return client.post(self.url, data=data, content_type="multipart/form-data")


def uploads(action, source=None):
    update = {"narrative": "Audit done.", "status": "in_progress", "progress": "60", "declared_rag": "green"}
    return {
        "evidence": Upload(
            f"/actions/{action.reference}/update", "file", PDF, "minutes.pdf", EXE, "EVIDENCE_MAX_BYTES",
            (Evidence, ActionUpdate), update,
        ),
        "plan import": Upload(
            "/imports/new", "spreadsheet", b"Title,Owner\nA,b@example.org\n", "plan.csv", PDF, "IMPORT_MAX_BYTES",
            (ImportBatch,), {},
        ),
        "compliance figures": Upload(
            "/compliance/upload", "file", CSV, "figures.csv", EXE, "COMPLIANCE_UPLOAD_MAX_BYTES",
            (ComplianceAssessment,), {},
        ),
        "report logo": Upload(
            "/admin/logo", "file", PNG, "logo.png", EXE, "LOGO_MAX_BYTES", (OrganisationLogo,), {},
        ),
        "recommendations import": Upload(
            f"/recommendations/sources/{source.id if source else 0}/import", "spreadsheet",
            b"Reference,Text,Addressed to\nAFI 1,Tell victims,force\n", "recommendations.csv", PDF,
            "IMPORT_MAX_BYTES", (Recommendation,), {"lead_id": str(action.owner_id)},
        ),
    }  # fmt: skip


@pytest.fixture(params=["evidence", "plan import", "compliance figures", "report logo", "recommendations import"])
def upload(request, client, auth, make):
    action = make.action()
    source = make.source() if request.param == "recommendations import" else None
    auth.sign_in(action.owner if request.param == "evidence" else "admin")
    return uploads(action, source)[request.param]


def refusal(response):
    """The message next to the file field, as a person reads it."""
    assert response.status_code in (200, 400, 422), response.status_code
    page = response.get_data(as_text=True)
    message = re.search(
        r'class="govuk-error-message">\s*<span class="govuk-visually-hidden">Error:</span>(.*?)</', page, re.S
    )
    assert message, "no error next to the field"
    return html.unescape(message.group(1)).strip()


def nothing_stored(db, upload):
    return all(db.session.scalar(select(func.count()).select_from(model)) == 0 for model in upload.stored)


def test_the_wrong_kind_of_file_is_refused_whatever_its_name(client, db, upload):
    message = refusal(upload.post(client, upload.wrong_kind, upload.good_name))
    assert "must be" in message or "not a spreadsheet" in message or "not what its name says" in message
    assert nothing_stored(db, upload)


def test_an_oversized_file_is_refused_with_the_limit(app, client, db, upload, monkeypatch):
    monkeypatch.setitem(app.config, upload.limit_setting, 1024)
    padded = upload.good + (b" " if upload.good.startswith(b"%PDF") else b"\n") * 2048
    message = refusal(upload.post(client, padded, upload.good_name))
    assert "smaller than" in message or "no larger than" in message
    assert "1KB" in message.replace(" ", "")
    assert nothing_stored(db, upload)


def test_an_empty_file_is_refused(client, db, upload):
    assert "empty" in refusal(upload.post(client, b"", upload.good_name))
    assert nothing_stored(db, upload)


@pytest.mark.parametrize("pattern", PATH_LIKE)
def test_a_name_holding_a_folder_is_refused(client, db, upload, pattern):
    message = refusal(upload.post(client, upload.good, pattern.format(name=upload.good_name)))
    assert message == "The file name must not include a folder. Select the file itself"
    assert nothing_stored(db, upload)
