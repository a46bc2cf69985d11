"""No code in tracker/ that nothing uses: vulture over the package, with the names its templates use.

Vulture reads Python only, so the identifiers of every template and of the benchmark harness, and
every mapped column and relationship (stored for the record, read by SQL), count as used; what remains above
60% confidence (vulture's lowest, for a function, class, method, attribute or variable nobody
names) must be removed. Names that Flask, WTForms, SQLAlchemy and the standard library call by
convention are listed below.
"""

import keyword
import re
from pathlib import Path

from vulture import Vulture

ROOT = Path(__file__).resolve().parents[2]

# Called by the frameworks by name, never by the tracker's own code.
CONVENTIONS = [
    "validate_*",  # WTForms: a form's validate_<field> methods
    "process_formdata",
    "pre_validate",
    "Meta",
    "to_python",  # Werkzeug URL converters
    "to_url",
    "regex",
    "convert",  # click parameter types
    "handle_starttag",  # html.parser
    "handle_endtag",
    "handle_data",
    "process_bind_param",  # SQLAlchemy type decorators
    "process_result_value",
    "impl",
    "cache_ok",
    "get_id",  # Flask-Login
    "login_view",
    "login_message",
    "login_message_category",
    "session_protection",
    "include_in_autogenerate",  # Alembic autogenerate hook and its arguments
    "compare_to",
    "reflected",
    "signum",  # signal handler arguments
    "parameter_storage_class",  # Werkzeug request class
    "request_class",
    "jinja_loader",
    "trim_blocks",
    "lstrip_blocks",
    "permanent",
    "permanent_session_lifetime",
    "create_app",  # wsgi.py and the Flask CLI
    "request_started",  # flask.g attributes, read back with g.get("...")
    "scheduler_holder",
    "_login_user",
]
DECORATORS = [
    "@*.route",
    "@*.app_template_filter",
    "@*.app_template_global",
    "@*.app_context_processor",
    "@*.context_processor",
    "@*.before_request",
    "@*.before_app_request",
    "@*.after_request",
    "@*.after_app_request",
    "@*.app_errorhandler",
    "@*.errorhandler",
    "@*.command",
    "@*.group",
    "@*.user_loader",
    "@*.listens_for",
    "@*.connect",
]


def _template_names():
    names = set()
    for template in (ROOT / "tracker" / "templates").rglob("*"):
        if template.is_file() and template.suffix in (".html", ".txt", ".xml"):
            names.update(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", template.read_text(encoding="utf-8")))
    return {name for name in names if not keyword.iskeyword(name)}


def _bench_names():
    """What the benchmark harness (bench/) calls in the app, such as the statement counter."""
    names = set()
    for source in (ROOT / "bench").rglob("*.py"):
        names.update(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", source.read_text(encoding="utf-8")))
    return {name for name in names if not keyword.iskeyword(name)}


def _stored_names():
    """Mapped columns and relationships: stored for the record, read by SQL, backups and the audit."""
    import tracker.models  # noqa: F401 (every feature's models)
    from tracker.extensions import db

    names = set()
    for mapper in db.Model.registry.mappers:
        names.update(mapper.columns.keys())
        names.update(mapper.relationships.keys())
    return names


def test_nothing_in_the_tracker_is_left_unused():
    vulture = Vulture(ignore_names=CONVENTIONS, ignore_decorators=DECORATORS)
    vulture.scavenge([str(ROOT / "tracker")])
    used = _template_names() | _bench_names() | _stored_names()
    vulture.scan("\n".join(f"_.{name}" for name in sorted(used)), filename="used elsewhere")
    unused = [
        f"{Path(item.filename).relative_to(ROOT)}:{item.first_lineno}: {item.message}"
        for item in vulture.get_unused_code(min_confidence=60)
    ]
    assert unused == []
