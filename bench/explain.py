"""How the database runs the action list's query for each filter and sort (EXPLAIN at the bench's size)."""

from sqlalchemy import text
from werkzeug.datastructures import MultiDict

from bench.databases import bench_app
from tracker.common.dates import local_today
from tracker.extensions import db
from tracker.plan.queries import SORTS, ActionFilters, filtered_actions

PAGE = 50
# Filters no index can serve, and why: they are read from every action, then the page is cut.
UNINDEXABLE = {
    "rag": "BRAG is worked out for the day from dates, status and progress",
    "q": "words may be found anywhere inside a title or description",
}


def cases(owner_id, department_id, right_id, priority_id):
    """(name, URL arguments) for every filter alone and every sort alone."""
    listed = [(f"sort={key}", {"sort": key}) for key in SORTS]
    listed += [
        ("status", {"status": "blocked"}),
        ("open", {"open": "1"}),
        ("rag", {"rag": "red"}),
        ("owner", {"owner": str(owner_id)}),
        ("department", {"department": str(department_id)}),
        ("right", {"right": str(right_id)}),
        ("priority", {"priority": str(priority_id)}),
        ("due=overdue", {"due": "overdue"}),
        ("due=14", {"due": "14"}),
        ("due=quarter", {"due": "quarter"}),
        ("q", {"q": "letter"}),
    ]
    return listed


def plan_lines(connection, query):
    """The database's plan for a query, one line per step."""
    compiled = query.compile(connection, compile_kwargs={"render_postcompile": True})
    if connection.dialect.name == "postgresql":
        rows = connection.exec_driver_sql("EXPLAIN " + compiled.string, compiled.params)
        return [row[0] for row in rows]
    params = tuple(compiled.params[name] for name in compiled.positiontup)
    rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + compiled.string, params)
    return [row[-1] for row in rows]


def uses_indexes(lines):
    """False when the plan reads the whole action table (an index walked in order and cut at a page is fine)."""
    return not any("Seq Scan on action " in line or line.strip() == "SCAN action" for line in lines)


def _index_possible(connection, query):
    """True when PostgreSQL, told to avoid scans, finds an index path (it chose a scan on cost alone)."""
    if connection.dialect.name != "postgresql":
        return False
    connection.execute(text("SET LOCAL enable_seqscan = off"))
    try:
        return uses_indexes(plan_lines(connection, query))
    finally:
        connection.execute(text("SET LOCAL enable_seqscan = on"))


def explain_list_filters(url, workdir):
    """{case name: (verdict, plan lines)} for the first page of the action list."""
    app = bench_app(url, workdir)
    results = {}
    with app.app_context():
        connection = db.session.connection()
        if connection.dialect.name == "postgresql":
            connection.execute(text("ANALYZE"))
        ids = connection.execute(
            text(
                "SELECT (SELECT owner_id FROM action ORDER BY id LIMIT 1), (SELECT min(id) FROM department),"
                " (SELECT min(id) FROM code_right), (SELECT min(id) FROM priority)"
            )
        ).one()
        for name, args in cases(*ids):
            query = filtered_actions(ActionFilters.from_args(MultiDict(args)), local_today()).limit(PAGE)
            lines = plan_lines(connection, query)
            verdict = "index" if uses_indexes(lines) else "reads every action"
            if verdict != "index" and _index_possible(connection, query):
                verdict = "index (a scan is cheaper)"
            results[name] = (verdict, lines)
        db.session.rollback()
        db.engine.dispose()
    return results
