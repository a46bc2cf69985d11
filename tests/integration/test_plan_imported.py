"""Timeline entries an import wrote are marked as imported and never stand for a person's words."""

from sqlalchemy import select

from tests.integration.test_spreadsheet_import import TODAY, existing, people  # noqa: F401 (fixtures used below)
from tests.visible import texts, visible_text
from tests.workbooks import messy_plan
from tracker.common.dates import local_today, long_date
from tracker.common.quarters import quarter_of
from tracker.plan import services
from tracker.plan.dashboard import recent_updates
from tracker.plan.models import Action, ActionUpdate
from tracker.reports.snapshot import build_snapshot
from tracker.spreadsheets import services as exchange


def _import(db, who):
    batch = exchange.start_import("plan.xlsx", messy_plan(who["owner"], who["other"]), who["admin"])
    exchange.confirm(batch, who["admin"], TODAY, exchange.dry_run(batch, TODAY)["digest"])
    db.session.commit()


def test_imported_entries_are_marked_on_the_timeline(client, auth, db, people, existing):  # noqa: F811
    _import(db, people)
    mapped = db.session.scalar(select(Action).where(Action.reference == "VV-001"))
    entries = db.session.scalars(select(ActionUpdate).where(ActionUpdate.action_id == mapped.id)).all()
    imported = [e for e in entries if e.imported_from]
    assert {e.imported_from for e in imported} == {"plan.xlsx"} and len(imported) >= 2
    assert all(e.imported_from is None for e in entries if e not in imported), "older entries stay a person's"
    auth.sign_in(people["owner"])
    page = client.get(f"/actions/{mapped.reference}").text
    marks = texts(page, ".app-timeline__imported")
    assert marks and set(marks) == {f"Imported from plan.xlsx on {long_date(local_today())}"}


def test_the_board_and_the_dashboard_read_only_peoples_own_words(client, auth, db, people, existing):  # noqa: F811
    first, _ = existing
    services.post_update(
        first,
        people["owner"],
        narrative="Jordan's own words: the map is half done.",
        status="in_progress",
        progress=50,
        declared_rag="amber",  # the sheet says G, so the import posts the change as a newer update
    )
    db.session.commit()
    _import(db, people)
    mapped = db.session.get(Action, first.id)
    newest = mapped.entries.filter(ActionUpdate.kind == "update").first()
    assert newest.imported_from == "plan.xlsx", "the import wrote the newest update"
    snapshot = build_snapshot(quarter_of(local_today()), today=local_today())
    row = next(r for r in snapshot["actions"] if r["reference"] == "VV-001")
    assert row["latest_update"]["text"] == "Jordan's own words: the map is half done."
    assert row["latest_update"]["author"] == "Jordan Blake"
    assert all(update.imported_from is None for update in recent_updates())
    auth.sign_in(people["admin"])
    dashboard = client.get("/").text
    assert "Brought in from plan.xlsx" not in visible_text(dashboard)
    assert "Jordan's own words: the map is half done." in texts(dashboard, ".app-quote")


def test_the_sign_off_page_shows_a_persons_latest_update_not_an_imported_one(db, people, existing):  # noqa: F811
    from tracker.plan.timeline import latest_update

    first, _ = existing
    services.post_update(
        first, people["owner"], narrative="Written by Jordan.", status="in_progress", progress=60, declared_rag="green"
    )
    db.session.commit()
    _import(db, people)
    assert latest_update(db.session.get(Action, first.id)).narrative == "Written by Jordan."
