"""Who may reach what: one module per feature, each with RULES, collected by the matrix test.

RULES maps an endpoint to {"method": "GET" or "POST", "args": fn(data) -> url args,
"expect": {role: outcome}} where role is anon, viewer, lead, chair, admin (and optionally
other_lead, a lead of another department) and outcome is a status code, or "ok" for any
answer that is neither a refusal nor an error. An optional "headers": fn(data, role) -> dict
adds request headers (the API's bearer tokens).
"""

import importlib
import pkgutil
from types import SimpleNamespace

ROLES = ("anon", "viewer", "lead", "other_lead", "chair", "admin")

READ_ALL = {"anon": 302, "viewer": 200, "lead": 200, "other_lead": 200, "chair": 200, "admin": 200}
PUBLIC = {role: 200 for role in ROLES}
ADMIN_ONLY = {"anon": 302, "viewer": 403, "lead": 403, "other_lead": 403, "chair": 403, "admin": 200}
MANAGERS = {"anon": 302, "viewer": 403, "lead": 403, "other_lead": 403, "chair": 200, "admin": 200}
ADMIN_POST = {"anon": 302, "viewer": 403, "lead": 403, "other_lead": 403, "chair": 403, "admin": "ok"}
MANAGERS_POST = {"anon": 302, "viewer": 403, "lead": 403, "other_lead": 403, "chair": "ok", "admin": "ok"}
SIGNED_IN_POST = {"anon": 302, "viewer": "ok", "lead": "ok", "other_lead": "ok", "chair": "ok", "admin": "ok"}


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


def build_world(make):
    """Users of every role, two departments and the records each feature's routes act on."""
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
    data.users = users
    for hook in setup_hooks():
        hook(data, make)
    return data
