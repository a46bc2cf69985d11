"""Every kind of timeline entry has a label, and the export and the API show each one."""

import io

import pytest
from openpyxl import load_workbook

from tracker.api import tokens
from tracker.plan.models import ActionUpdate, EntryKind
from tracker.spreadsheets.exporter import ENTRY_LABELS


@pytest.mark.parametrize("kind", list(EntryKind))
def test_every_kind_of_entry_has_a_label(kind):
    assert ENTRY_LABELS[kind].strip()


@pytest.fixture
def action_with_every_kind_of_entry(make, db):
    action = make.action(reference="VV-006")
    for kind in EntryKind:
        db.session.add(ActionUpdate(action=action, author=action.owner, kind=kind.value, narrative=f"A {kind} entry"))
    db.session.commit()
    return action


def test_the_export_shows_every_kind_of_entry_by_its_label(client, auth, action_with_every_kind_of_entry):
    auth.sign_in("viewer")
    response = client.get("/exports/actions.xlsx")
    assert response.status_code == 200
    updates = load_workbook(io.BytesIO(response.data))["Updates"]
    entry = [cell.value for cell in updates[1]].index("Entry")
    shown = {row[entry] for row in updates.iter_rows(min_row=2, values_only=True)}
    assert shown == set(ENTRY_LABELS.values())


def test_the_api_shows_every_kind_of_entry_by_its_label(client, make, db, action_with_every_kind_of_entry):
    _, secret = tokens.create_token(make.user("viewer"), "Power BI", 90)
    db.session.commit()
    response = client.get("/api/v1/actions/VV-006", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200
    entries = response.get_json()["data"]["timeline"]
    assert {(entry["kind"], entry["kind_label"]) for entry in entries} >= {
        (kind.value, label) for kind, label in ENTRY_LABELS.items()
    }
