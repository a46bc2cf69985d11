"""Evidence through the pages: uploads checked by content and size, stored in the database, safe downloads."""

import io

from sqlalchemy import func, select

from tests.visible import banners
from tracker.plan.models import ActionUpdate, Evidence

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200


def update_with(file_bytes, name, narrative="Audit of 50 crime files done."):
    return {
        "narrative": narrative,
        "status": "in_progress",
        "progress": "60",
        "declared_rag": "green",
        "file": (io.BytesIO(file_bytes), name),
    }


def stored(db, model):
    return db.session.scalar(select(func.count(model.id)))


def test_update_with_a_file_stores_it_and_it_downloads_safely(client, auth, make, db):
    action = make.action()
    auth.sign_in(action.owner)
    response = client.post(
        f"/actions/{action.reference}/update",
        data=update_with(PDF, "Audit <May>|*.pdf"),
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    evidence = db.session.scalar(select(Evidence))
    assert evidence.filename == "Audit _May_.pdf" and evidence.content == PDF and evidence.size == len(PDF)
    assert evidence.update.kind == "update" and len(evidence.sha256) == 64
    page = client.get(f"/actions/{action.reference}").get_data(as_text=True)
    link = f"/actions/{action.reference}/evidence/{evidence.id}"
    assert f'href="{link}"' in page and "Audit _May_.pdf" in page

    auth.sign_out()
    auth.sign_in("viewer")
    download = client.get(link)
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert 'filename="Audit _May_.pdf"' in download.headers["Content-Disposition"]
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in download.headers["Cache-Control"]


def test_evidence_downloads_only_for_people_signed_in(client, auth, make, db):
    action = make.action()
    evidence = Evidence(action=action, filename="notes.txt", content_type="text/plain", size=2, content=b"hi")
    link = Evidence(action=action, is_link=True, url="https://intranet.example.org/x")
    db.session.add_all([evidence, link])
    db.session.commit()
    response = client.get(f"/actions/{action.reference}/evidence/{evidence.id}")
    assert response.status_code == 302 and "/sign-in" in response.location
    auth.sign_in("viewer")
    assert client.get(f"/actions/{action.reference}/evidence/{link.id}").status_code == 404
    other = make.action()
    assert client.get(f"/actions/{other.reference}/evidence/{evidence.id}").status_code == 404


def test_disguised_upload_is_refused_and_nothing_is_saved(client, auth, make, db):
    action = make.action()
    auth.sign_in(action.owner)
    response = client.post(
        f"/actions/{action.reference}/update",
        data=update_with(EXE, "minutes.pdf", narrative="My narrative stays"),
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert "The selected file&#39;s content is not what its name says (PDF)" in page
    assert 'href="#file"' in page and "My narrative stays</textarea>" in page
    assert stored(db, Evidence) == 0 and stored(db, ActionUpdate) == 0


def test_oversized_upload_is_refused_with_the_limit(app, client, auth, make, db, monkeypatch):
    monkeypatch.setitem(app.config, "EVIDENCE_MAX_BYTES", 1024)
    action = make.action()
    auth.sign_in(action.owner)
    response = client.post(
        f"/actions/{action.reference}/update",
        data=update_with(PDF + b" " * 2000, "minutes.pdf"),
        content_type="multipart/form-data",
    )
    assert "The selected file must be smaller than 1KB" in response.get_data(as_text=True)
    assert stored(db, Evidence) == 0 and stored(db, ActionUpdate) == 0


def test_evidence_page_adds_a_file_or_a_link_with_a_timeline_entry(client, auth, make, db):
    action = make.action()
    auth.sign_in("chair")
    empty = client.post(f"/actions/{action.reference}/evidence", data={}).get_data(as_text=True)
    assert "Select a file or enter a web address" in empty
    bad_link = client.post(f"/actions/{action.reference}/evidence", data={"link": "javascript:alert(1)"})
    assert "Enter a web address that starts with https://" in bad_link.get_data(as_text=True)
    assert stored(db, Evidence) == 0
    response = client.post(
        f"/actions/{action.reference}/evidence",
        data={"file": (io.BytesIO(b"month,percent\nMay,91\n"), "results.csv"), "evidence_description": "May figures"},
        content_type="multipart/form-data",
    )
    page = client.get(response.location).get_data(as_text=True)
    assert banners(page)[:1] == ["The evidence has been added."] and "Evidence added" in page and "results.csv" in page
    assert db.session.scalar(select(ActionUpdate.kind)) == "evidence_added"


def test_another_departments_lead_cannot_add_evidence(client, auth, make, db):
    action = make.action()
    auth.sign_in("lead", department=make.department("Investigations"))
    response = client.post(
        f"/actions/{action.reference}/evidence",
        data={"file": (io.BytesIO(PDF), "minutes.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 403 and stored(db, Evidence) == 0


def test_a_stored_link_that_is_not_a_web_address_is_never_made_clickable(client, auth, make, db):
    action = make.action()
    db.session.add(Evidence(action=action, is_link=True, url="javascript:alert(1)", description="Imported"))
    db.session.commit()
    auth.sign_in("viewer")
    page = client.get(f"/actions/{action.reference}").get_data(as_text=True)
    assert 'href="javascript:' not in page and "javascript:alert(1)" in page
