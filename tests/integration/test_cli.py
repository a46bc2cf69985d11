"""`tracker init` is idempotent; `tracker demo` is realistic and deterministic."""

from sqlalchemy import func, select

from tests.conftest import clean_database
from tracker.auth.models import Department, User
from tracker.plan.models import Action, ActionUpdate
from tracker.reference.models import CodeRight, Priority, Touchpoint


def _counts(db):
    return {
        model.__name__: db.session.scalar(select(func.count()).select_from(model))
        for model in (CodeRight, Priority, Touchpoint, Department)
    }


def test_init_loads_reference_data_once(runner, db):
    first = runner.invoke(args=["tracker", "init"])
    assert first.exit_code == 0, first.output
    counts = _counts(db)
    assert counts["CodeRight"] == 12 and counts["Priority"] == 6 and counts["Touchpoint"] >= 12
    second = runner.invoke(args=["tracker", "init"])
    assert "Reference rows added: 0" in second.output
    assert _counts(db) == counts
    right_7 = db.session.scalar(select(CodeRight).where(CodeRight.number == 7))
    assert right_7.title == "To make a Victim Personal Statement" and right_7.edition == "2020"


def _plan_signature(db):
    rows = db.session.execute(
        select(Action.reference, Action.title, Action.status, Action.current_due_date, User.email)
        .join(User, Action.owner_id == User.id)
        .order_by(Action.reference)
    ).all()
    return [tuple(str(v) for v in row) for row in rows]


def test_demo_is_deterministic_and_prints_sign_ins(runner, db):
    result = runner.invoke(args=["tracker", "demo", "--actions", "30", "--seed", "7", "--today", "2026-11-29"])
    assert result.exit_code == 0, result.output
    for email in ("admin@example.org", "chair@example.org", "lead@example.org", "viewer@example.org"):
        assert email in result.output
    assert "password: chair-demo-pass-2026" in result.output
    first = _plan_signature(db)
    assert len(first) == 30
    clean_database()
    runner.invoke(args=["tracker", "demo", "--actions", "30", "--seed", "7", "--today", "2026-11-29"])
    assert _plan_signature(db) == first


def test_demo_plan_spreads_over_rights_statuses_and_owners(runner, db):
    runner.invoke(args=["tracker", "demo", "--actions", "60", "--today", "2026-11-29"])
    actions = db.session.scalars(select(Action)).all()
    assert {a.status for a in actions} >= {"not_started", "in_progress", "complete"}
    assert len({r.number for a in actions for r in a.rights}) == 12
    assert len({p.number for a in actions for p in a.priorities}) == 6
    assert len({a.owner_id for a in actions}) >= 5
    assert any("Victim Personal Statement" in a.title for a in actions)
    assert any("NFA letters" in a.title for a in actions)
    assert db.session.scalar(select(func.count(ActionUpdate.id))) > 0


def test_demo_if_empty_keeps_an_existing_plan(runner, db):
    runner.invoke(args=["tracker", "demo", "--actions", "5"])
    result = runner.invoke(args=["tracker", "demo", "--actions", "5", "--if-empty"])
    assert "A plan already exists" in result.output
    assert db.session.scalar(select(func.count(Action.id))) == 5


def test_demo_loads_beside_actions_people_have_added(runner, db, make):
    make.action(reference="VV-003", title="Written by the chair")
    result = runner.invoke(args=["tracker", "demo", "--actions", "3", "--today", "2026-11-29"])
    assert result.exit_code == 0, result.output
    references = db.session.scalars(select(Action.reference).order_by(Action.reference)).all()
    assert references == ["VV-003", "VV-004", "VV-005", "VV-006"]
