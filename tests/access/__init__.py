"""Who may reach what: one module per feature, each with RULES, collected by the matrix test.

RULES maps an endpoint to {"method": "GET" or "POST", "args": fn(data) -> url args,
"expect": {role: outcome}} where role is anon, viewer, lead, chair, admin (and optionally
other_lead, a lead of another department) and outcome is a status code, or "ok" for any
answer that is neither a refusal, nor a missing page, nor an error.

Optional keys, read by the request-safety and form-fuzzing tests:
- "writes_on_get": names of tables a GET may legitimately touch (e.g. a token's last-used time);
- "csrf_exempt": why the route takes no CSRF token (only for routes that authenticate with a
  bearer token, never with the session cookie);
- "fuzz_data": fn(data) -> form fields for a POST-only route, which has no page to read them from;
- "form_args": fn(data) -> url args where the route's page shows its form, when "args" point at a
  record in a state where it shows none (an action already waiting for a decision);
- "headers": fn(data, role) -> dict of request headers (the API's bearer tokens).
"""

import importlib
import pkgutil
from datetime import timedelta
from functools import lru_cache
from types import SimpleNamespace

ROLES = ("anon", "viewer", "lead", "other_lead", "chair", "admin")

READ_ALL = {"anon": 302, "viewer": 200, "lead": 200, "other_lead": 200, "chair": 200, "admin": 200}
PUBLIC = {role: 200 for role in ROLES}
ADMIN_ONLY = {"anon": 302, "viewer": 403, "lead": 403, "other_lead": 403, "chair": 403, "admin": 200}
MANAGERS = {"anon": 302, "viewer": 403, "lead": 403, "other_lead": 403, "chair": 200, "admin": 200}
ADMIN_POST = {"anon": 302, "viewer": 403, "lead": 403, "other_lead": 403, "chair": 403, "admin": "ok"}
MANAGERS_POST = {"anon": 302, "viewer": 403, "lead": 403, "other_lead": 403, "chair": "ok", "admin": "ok"}
SIGNED_IN_POST = {"anon": 302, "viewer": "ok", "lead": "ok", "other_lead": "ok", "chair": "ok", "admin": "ok"}


STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@lru_cache(maxsize=1)
def url_map():
    """Every endpoint of the app: {endpoint: (methods, {argument: converter name})}."""
    from tracker import create_app

    app = create_app("test", {"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    routes = {}
    for rule in app.url_map.iter_rules():
        methods, arguments = routes.get(rule.endpoint, (frozenset(), {}))
        converters = {name: type(converter).__name__ for name, converter in rule._converters.items()}
        routes[rule.endpoint] = (methods | (rule.methods - {"HEAD", "OPTIONS"}), {**arguments, **converters})
    return routes


def all_rules():
    """Every feature's rules, merged."""
    rules = {}
    for module_info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        for endpoint, rule in getattr(module, "RULES", {}).items():
            assert endpoint not in rules, f"{endpoint} has rules in two modules"
            rules[endpoint] = rule
    return rules


def setup_hooks():
    """Each feature module's SETUP(data, make) function, which adds records its routes need."""
    hooks = []
    for module_info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        if hasattr(module, "SETUP"):
            hooks.append(module.SETUP)
    return hooks


def acting_user(rule, data):
    """The first of admin, chair, lead, other lead and viewer whom the rule lets through."""
    for role in ("admin", "chair", "lead", "other_lead", "viewer"):
        outcome = rule["expect"].get(role, rule["expect"].get("lead"))
        if outcome == "ok" or (isinstance(outcome, int) and outcome < 400):
            return data.users[role]
    return data.users["admin"]


def build_world(make, *, demo_actions=0):
    """Users of every role, two departments and the records each feature's routes act on.

    The access matrix, the query budgets and the accessibility audit all visit every route over
    this world. With demo_actions, a deterministic demo plan of that many actions is loaded around
    the world's own records (after them, so that it fills gaps rather than clashing), giving
    lists, timelines and charts realistic content.
    """
    home = make.department("Contact Management")
    away = make.department("Public Protection")
    users = {
        "viewer": make.user("viewer"),
        "lead": make.user("lead", department=home),
        "other_lead": make.user("lead", department=away),
        "chair": make.user("chair"),
        "admin": make.user("admin"),
    }
    data = SimpleNamespace(**users, department=home, other_department=away, spare=make.user("viewer"))
    data.action = make.action(owner=users["lead"])
    _add_timeline(data.action, make)
    data.users = users
    for hook in setup_hooks():
        hook(data, make)
    make.db.session.commit()
    if demo_actions:
        from tracker.common.dates import local_today
        from tracker.demo.plan import load_demo

        load_demo(actions=demo_actions, today=local_today())
        make.db.session.commit()
    return data


_kept_worlds = {}


def kept_world(make, key):
    """build_world's world, built once for `key` (a test module) and put back before each later test.

    The rows the world wrote are read back once and put back in a few milliseconds; each test gets
    its own namespace whose records belong to its session and are read afresh when used, so what one
    test changes, in the database or on the objects, never reaches the next.
    """
    from sqlalchemy import inspect

    from tests.databases import put_rows, read_rows

    key = (key, make.db.engine.url.render_as_string())
    if key not in _kept_worlds:
        world = build_world(make)
        with make.db.engine.connect() as connection:
            _kept_worlds.clear()  # one world a process at a time: a module's tests run together
            _kept_worlds[key] = (read_rows(connection, make.db.metadata.sorted_tables), world)
        return world
    rows, world = _kept_worlds[key]
    make.db.session.remove()
    with make.db.engine.begin() as connection:
        put_rows(connection, rows)

    def reloaded(value):
        state = inspect(value, raiseerr=False)
        if state is not None and getattr(state, "mapper", None) is not None:
            return make.db.session.merge(value, load=False)
        if isinstance(value, dict):
            return {name: reloaded(item) for name, item in value.items()}
        if isinstance(value, (list, tuple)):
            return type(value)(reloaded(item) for item in value)
        if isinstance(value, SimpleNamespace):
            return SimpleNamespace(**reloaded(vars(value)))
        return value

    world = reloaded(world)
    # Nothing an earlier test loaded onto the objects may stand: every attribute is read again when used.
    make.db.session.expire_all()
    return world


def _add_timeline(action, make):
    """Two progress updates from the owner, so the action's page shows a timeline."""
    from tracker.common.types import utcnow
    from tracker.plan.models import ActionUpdate, EntryKind, Rag, Status

    now = utcnow()
    for days_ago, progress, rag, narrative in [
        (20, 20, Rag.GREEN, "Met the team to agree the approach."),
        (6, 40, Rag.AMBER, "Draft shared with the Champions meeting; waiting for comments."),
    ]:
        action.entries.append(
            ActionUpdate(
                author=action.owner,
                created_at=now - timedelta(days=days_ago),
                kind=EntryKind.UPDATE.value,
                narrative=narrative,
                status=Status.IN_PROGRESS.value,
                progress=progress,
                declared_rag=rag.value,
            )
        )
    action.last_update_at = now - timedelta(days=6)
    action.declared_rag = Rag.AMBER.value
    make.db.session.commit()
