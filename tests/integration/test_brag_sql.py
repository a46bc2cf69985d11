"""The SQL form of the BRAG rule agrees with rule_rag() on every boundary, on this database.

The suite runs on SQLite and again on PostgreSQL, so both databases are held to the same answers.
"""

from sqlalchemy import select

from tests.brag_cases import CASES, TODAY
from tracker.plan.brag import Thresholds, rule_rag, rule_rag_sql
from tracker.plan.models import Action


def test_sql_rule_agrees_with_the_python_rule_on_every_case(db, make):
    owner = make.user("lead")
    for number, case in enumerate(CASES, start=1):
        facts = dict(case.facts)
        make.action(
            owner=owner,
            reference=f"BR-{number:03d}",
            title=case.name,
            due=facts.pop("current_due_date"),
            start=facts.pop("start_date"),
            **facts,
        )
    db.session.expire_all()
    rows = db.session.execute(
        select(Action, rule_rag_sql(Action, TODAY, Thresholds())).order_by(Action.reference)
    ).all()
    assert len(rows) == len(CASES)
    disagreements = []
    for action, sql_rag in rows:
        python_rag = rule_rag(action, TODAY, Thresholds()).rag
        expected = next(c.expected for c in CASES if c.name == action.title)
        if not (sql_rag == python_rag == expected):
            disagreements.append((action.title, expected, python_rag, sql_rag))
    assert disagreements == []


def test_sql_rule_filters_and_counts_in_the_database(db, make):
    owner = make.user("lead")
    for number, case in enumerate(CASES, start=1):
        facts = dict(case.facts)
        make.action(
            owner=owner,
            reference=f"BR-{number:03d}",
            title=case.name,
            due=facts.pop("current_due_date"),
            start=facts.pop("start_date"),
            **facts,
        )
    rag = rule_rag_sql(Action, TODAY, Thresholds())
    red_titles = set(db.session.scalars(select(Action.title).where(rag == "red")))
    assert red_titles == {c.name for c in CASES if c.expected == "red"}
    unrated = set(db.session.scalars(select(Action.title).where(rag.is_(None))))
    assert unrated == {c.name for c in CASES if c.expected is None}
