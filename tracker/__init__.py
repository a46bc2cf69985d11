"""Victims Code Action Tracker: the application factory."""

import os
from pathlib import Path

from flask import Flask
from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader

from config import CONFIGS, WEAK_SECRET_KEYS, instance_secret_key
from tracker.common.proxies import TrustedProxies
from tracker.extensions import cache, csrf, db, login_manager, migrate


def create_app(config_name=None, overrides=None):
    """Create the app for an environment: embedded (default), production or test."""
    config_name = config_name or os.environ.get("TRACKER_ENV", "embedded")
    app = Flask(__name__, instance_path=os.environ.get("TRACKER_INSTANCE_PATH"))
    app.config.from_object(CONFIGS[config_name])
    if overrides:
        app.config.update(overrides)
    configure_secrets_and_database(app)
    register_extensions(app)
    register_templates(app)
    register_input_cleaning(app)
    register_blueprints(app)
    register_request_hooks(app)
    register_errorhandlers(app)
    register_commands(app)
    register_notify(app)
    app.wsgi_app = TrustedProxies(
        app.wsgi_app,
        hops=app.config["PROXY_FIX_HOPS"],
        allow_ips=app.config["FORWARDED_ALLOW_IPS"],
        prefix=app.config["URL_PREFIX"],
    )
    return app


def configure_secrets_and_database(app):
    """Refuse a weak key in production; keep a generated one in the instance folder otherwise."""
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    key = app.config.get("SECRET_KEY")
    if app.config["ENV_NAME"] == "production":
        if key in WEAK_SECRET_KEYS or len(key) < 32:
            raise RuntimeError("Set SECRET_KEY to a random value of at least 32 characters in production.")
        if not app.config.get("SQLALCHEMY_DATABASE_URI"):
            raise RuntimeError("Set DATABASE_URL in production.")
    elif key in WEAK_SECRET_KEYS:
        app.config["SECRET_KEY"] = instance_secret_key(app.instance_path)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{Path(app.instance_path) / 'tracker.sqlite'}"
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("postgres://"):
        uri = "postgresql://" + uri[len("postgres://") :]
    if uri.startswith("postgresql://"):
        uri = "postgresql+psycopg://" + uri[len("postgresql://") :]
    app.config["SQLALCHEMY_DATABASE_URI"] = uri
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = database_engine_options(app.config, uri)


def database_engine_options(config, uri):
    """Engine options with the configured connect, statement and busy timeouts."""
    options = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    connect_args = dict(options.get("connect_args") or {})
    if uri.startswith("postgresql"):
        # libpq counts whole seconds and takes no less than 2.
        connect_args.setdefault("connect_timeout", max(2, config["DATABASE_CONNECT_TIMEOUT_SECONDS"]))
        statement_ms = config["DATABASE_STATEMENT_TIMEOUT_SECONDS"] * 1000
        connect_args.setdefault("options", f"-c statement_timeout={statement_ms}")
    elif uri.startswith("sqlite"):
        connect_args.setdefault("timeout", config["SQLITE_BUSY_TIMEOUT_SECONDS"])
    options["connect_args"] = connect_args
    return options


def register_extensions(app):
    """Bind the extensions to this app."""
    from tracker import models  # noqa: F401  (the whole schema, for Alembic)
    from tracker.common.sqlite import enable_sqlite_pragmas

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    cache.init_app(app)
    login_manager.init_app(app)
    with app.app_context():
        enable_sqlite_pragmas(db.engine, app.config["SQLITE_BUSY_TIMEOUT_SECONDS"])


def register_templates(app):
    """GOV.UK Frontend macros, WTForms widgets, filters and globals."""
    from govuk_frontend_wtf.main import WTFormsHelpers

    from tracker.common.templating import register_template_helpers

    app.jinja_loader = ChoiceLoader(
        [
            PackageLoader("tracker"),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    WTFormsHelpers(app)
    register_template_helpers(app)


def register_input_cleaning(app):
    """Clean request input before any route sees it (must come before the blueprints)."""
    from tracker.common.input import register_input_cleaning as register

    register(app)


def register_blueprints(app):
    """One blueprint per feature."""
    from tracker.admin import bp as admin_bp
    from tracker.api import bp as api_bp
    from tracker.api import tokens_bp
    from tracker.audit import bp as audit_bp
    from tracker.auth import bp as auth_bp
    from tracker.calendar import bp as calendar_bp
    from tracker.compliance import bp as compliance_bp
    from tracker.main import bp as main_bp
    from tracker.meetings import bp as meetings_bp
    from tracker.notify import bp as notify_bp
    from tracker.plan import bp as plan_bp
    from tracker.recommendations import bp as recommendations_bp
    from tracker.reference import bp as reference_bp
    from tracker.reports import bp as reports_bp
    from tracker.spreadsheets import bp as spreadsheets_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(plan_bp, url_prefix="/actions")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(audit_bp, url_prefix="/admin/audit")
    app.register_blueprint(notify_bp, url_prefix="/admin/mail")
    app.register_blueprint(compliance_bp)
    app.register_blueprint(reference_bp)
    app.register_blueprint(reports_bp, url_prefix="/reports")
    app.register_blueprint(recommendations_bp, url_prefix="/recommendations")
    app.register_blueprint(meetings_bp, url_prefix="/meetings")
    app.register_blueprint(spreadsheets_bp)
    app.register_blueprint(tokens_bp)
    app.register_blueprint(calendar_bp)
    app.register_blueprint(api_bp, url_prefix="/api/v1")


def register_request_hooks(app):
    """Security headers, request ids, session timeouts and logging."""
    from tracker.common.logs import register_logging
    from tracker.common.security import register_security

    register_logging(app)
    register_security(app)


def register_errorhandlers(app):
    """Friendly 403/404/500 pages, or JSON for the API."""
    from tracker.errors import register_errorhandlers as register

    register(app)


def register_notify(app):
    """Mail for plan events, the mail and scheduler commands, and the embedded scheduler."""
    from tracker.notify import register_notify as register

    register(app)


def register_commands(app):
    """Command-line groups for operators."""
    from tracker.cli import tracker_cli
    from tracker.reports.cli import report_cli

    app.cli.add_command(tracker_cli)
    app.cli.add_command(report_cli)
