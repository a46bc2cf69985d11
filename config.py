"""Configuration read from the environment."""

import os
import secrets
from pathlib import Path


def _bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name, default):
    return int(os.environ.get(name, default))


def _list(name):
    return [part.strip() for part in os.environ.get(name, "").split(",") if part.strip()]


def _role_groups(name):
    # "group-or-app-role=role, ...": each group object id or app role value maps to a tracker role.
    pairs = (part.split("=", 1) for part in _list(name) if "=" in part)
    return {group.strip(): role.strip() for group, role in pairs}


class Config:
    """Settings shared by every environment; each can be overridden by an environment variable."""

    ENV_NAME = "embedded"
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    # Waits on the database, so that a database that is down or stalled gives a quick, plain answer.
    DATABASE_CONNECT_TIMEOUT_SECONDS = _int("DATABASE_CONNECT_TIMEOUT_SECONDS", 5)
    DATABASE_STATEMENT_TIMEOUT_SECONDS = _int("DATABASE_STATEMENT_TIMEOUT_SECONDS", 30)
    SQLITE_BUSY_TIMEOUT_SECONDS = _int("SQLITE_BUSY_TIMEOUT_SECONDS", 10)
    HEALTHZ_TIMEOUT_SECONDS = float(os.environ.get("HEALTHZ_TIMEOUT_SECONDS", 1.5))
    TIMEZONE = os.environ.get("TRACKER_TIMEZONE", "Europe/London")
    SERVICE_NAME = "Victims Code Action Tracker"
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000")
    ORGANISATION_NAME = os.environ.get("ORGANISATION_NAME", "Office of the Police and Crime Commissioner")
    SUBGROUP_NAME = os.environ.get(
        "SUBGROUP_NAME", "Victims and Witnesses subgroup of the Local Criminal Justice Board"
    )
    PROTECTIVE_MARKING = os.environ.get("PROTECTIVE_MARKING", "OFFICIAL")
    # Where people ask for other formats and report accessibility problems (accessibility statement).
    ACCESSIBILITY_CONTACT_EMAIL = os.environ.get("ACCESSIBILITY_CONTACT_EMAIL", "")
    CODE_EDITION = os.environ.get("CODE_EDITION", "2020")

    # Sessions and cookies
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    SESSION_IDLE_MINUTES = _int("SESSION_IDLE_MINUTES", 60)
    SESSION_ABSOLUTE_HOURS = _int("SESSION_ABSOLUTE_HOURS", 12)
    # The timeout warning appears this long before a session ends (WCAG 2.2.1).
    SESSION_WARNING_MINUTES = _int("SESSION_WARNING_MINUTES", 5)
    # How long a form sent after the session ended is kept for the person to sign in again.
    KEPT_FORM_MINUTES = _int("KEPT_FORM_MINUTES", 60)
    SIGN_IN_MAX_FAILURES = _int("SIGN_IN_MAX_FAILURES", 5)
    SIGN_IN_WINDOW_MINUTES = _int("SIGN_IN_WINDOW_MINUTES", 15)
    SIGN_IN_MAX_FAILURES_PER_ADDRESS = _int("SIGN_IN_MAX_FAILURES_PER_ADDRESS", 20)
    PASSWORD_RESET_LINKS_PER_HOUR = _int("PASSWORD_RESET_LINKS_PER_HOUR", 3)
    WTF_CSRF_TIME_LIMIT = None
    PASSWORD_HASH_METHOD = "scrypt"
    # Passwords can be turned off for everyone but named break-glass administrators (single sign-on).
    PASSWORD_SIGN_IN = _bool("PASSWORD_SIGN_IN", True)
    PASSWORD_BREAK_GLASS_EMAILS = [email.lower() for email in _list("PASSWORD_BREAK_GLASS_EMAILS")]

    # Single sign-on with OpenID Connect (docs/operations.md). Off unless an issuer or tenant is set.
    OIDC_ISSUER = os.environ.get("OIDC_ISSUER", "")
    OIDC_ENTRA_TENANT_ID = os.environ.get("OIDC_ENTRA_TENANT_ID", "")
    OIDC_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID", "")
    OIDC_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET", "")
    OIDC_SCOPES = os.environ.get("OIDC_SCOPES", "openid email profile")
    OIDC_CREATE_USERS = _bool("OIDC_CREATE_USERS", False)
    OIDC_ROLE_GROUPS = _role_groups("OIDC_ROLE_GROUPS")
    OIDC_CLOCK_SKEW_SECONDS = _int("OIDC_CLOCK_SKEW_SECONDS", 120)
    OIDC_TIMEOUT_SECONDS = _int("OIDC_TIMEOUT_SECONDS", 10)
    OIDC_PROVIDER_NAME = os.environ.get("OIDC_PROVIDER_NAME", "your organisation account")

    # BRAG rule thresholds: Red within RED_DUE_DAYS under RED_PROGRESS_BELOW %, Amber within AMBER_DUE_DAYS
    # under AMBER_PROGRESS_BELOW %, or no update for STALE_DAYS, or AMBER_EXTENSIONS extensions or more
    RAG_RED_DUE_DAYS = _int("RAG_RED_DUE_DAYS", 14)
    RAG_RED_PROGRESS_BELOW = _int("RAG_RED_PROGRESS_BELOW", 50)
    RAG_AMBER_DUE_DAYS = _int("RAG_AMBER_DUE_DAYS", 30)
    RAG_AMBER_PROGRESS_BELOW = _int("RAG_AMBER_PROGRESS_BELOW", 75)
    RAG_STALE_DAYS = _int("RAG_STALE_DAYS", 30)
    RAG_AMBER_EXTENSIONS = _int("RAG_AMBER_EXTENSIONS", 2)

    # Evidence uploads
    EVIDENCE_MAX_BYTES = _int("EVIDENCE_MAX_BYTES", 10 * 1024 * 1024)
    # The logo is kept in every report's frozen data, so it is kept small.
    LOGO_MAX_BYTES = _int("LOGO_MAX_BYTES", 200 * 1024)
    MAX_CONTENT_LENGTH = _int("MAX_CONTENT_LENGTH", 60 * 1024 * 1024)
    # Requests without files (forms, JSON) and each text field of an upload form.
    MAX_FORM_BYTES = _int("MAX_FORM_BYTES", 500 * 1024)
    MAX_FORM_MEMORY_SIZE = MAX_FORM_BYTES

    # Spreadsheet import and the read-only API
    IMPORT_MAX_BYTES = _int("IMPORT_MAX_BYTES", 10 * 1024 * 1024)
    IMPORT_MAX_ROWS = _int("IMPORT_MAX_ROWS", 20000)
    API_PAGE_SIZE = _int("API_PAGE_SIZE", 50)
    API_MAX_PAGE_SIZE = _int("API_MAX_PAGE_SIZE", 500)

    # Mail
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = _int("MAIL_PORT", 587)
    MAIL_SECURITY = os.environ.get("MAIL_SECURITY", "starttls")  # none, starttls or tls
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_FROM = os.environ.get("MAIL_FROM", "action-tracker@localhost")
    MAIL_TIMEOUT_SECONDS = _int("MAIL_TIMEOUT_SECONDS", 30)
    MAIL_MAX_ATTEMPTS = _int("MAIL_MAX_ATTEMPTS", 8)
    MAIL_RETRY_MINUTES = _int("MAIL_RETRY_MINUTES", 1)
    MAIL_RETRY_MAX_MINUTES = _int("MAIL_RETRY_MAX_MINUTES", 60)
    MAIL_BATCH_SIZE = _int("MAIL_BATCH_SIZE", 50)

    # Reminders and scheduled work
    DIGEST_WEEKDAY = os.environ.get("DIGEST_WEEKDAY", "mon")
    DIGEST_HOUR = _int("DIGEST_HOUR", 7)
    DUE_SOON_DAYS = _int("DUE_SOON_DAYS", 14)
    ESCALATION_WORKING_DAYS = _int("ESCALATION_WORKING_DAYS", 10)
    REPORT_BUILD_WORKING_DAY = _int("REPORT_BUILD_WORKING_DAY", 5)
    # Published reports larger than this go out as a link rather than an attachment.
    REPORT_ATTACH_MAX_BYTES = _int("REPORT_ATTACH_MAX_BYTES", 5 * 1024 * 1024)
    SMALL_SAMPLE_BELOW = _int("SMALL_SAMPLE_BELOW", 30)
    LARGE_GAP_POINTS = _int("LARGE_GAP_POINTS", 15)
    COMPLIANCE_UPLOAD_MAX_BYTES = _int("COMPLIANCE_UPLOAD_MAX_BYTES", 1024 * 1024)
    RUN_SCHEDULER = _bool("RUN_SCHEDULER", False)
    # Hours a scheduled run may start late (after downtime or a busy spell) and still run.
    SCHEDULER_MISFIRE_HOURS = _int("SCHEDULER_MISFIRE_HOURS", 12)
    SCHEDULER_LEASE_SECONDS = _int("SCHEDULER_LEASE_SECONDS", 90)
    # Fault tests only: hold this job (by id) for SCHEDULER_PAUSE_SECONDS once its start is recorded.
    SCHEDULER_PAUSE_JOB = os.environ.get("SCHEDULER_PAUSE_JOB", "")
    SCHEDULER_PAUSE_SECONDS = _int("SCHEDULER_PAUSE_SECONDS", 3600)

    # Page content kept until the data or the day changes (tracker/common/revision.py), by each worker
    # in its own memory (Flask-Caching's SimpleCache); CACHE_TYPE=NullCache turns keeping off.
    CACHE_TYPE = os.environ.get("CACHE_TYPE", "SimpleCache")
    CACHE_THRESHOLD = _int("CACHE_THRESHOLD", 200)
    PAGE_CACHE_SECONDS = _int("PAGE_CACHE_SECONDS", 24 * 60 * 60)

    PREFERRED_URL_SCHEME = os.environ.get("PREFERRED_URL_SCHEME", "https")
    PROXY_FIX_HOPS = _int("PROXY_FIX_HOPS", 0)
    # Proxies whose X-Forwarded-For, -Proto and -Host are believed (comma-separated addresses or networks).
    FORWARDED_ALLOW_IPS = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
    # The path the app is served under, such as /tracker; no request header can change it.
    URL_PREFIX = os.environ.get("URL_PREFIX", "")
    LOG_JSON = _bool("LOG_JSON", False)


class EmbeddedConfig(Config):
    """The default: SQLite in the instance folder, a generated secret key, no TLS on localhost."""

    ENV_NAME = "embedded"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    PREFERRED_URL_SCHEME = "http"


class ProductionConfig(Config):
    """Production: PostgreSQL, a real secret key, secure cookies."""

    ENV_NAME = "production"
    # The __Host- prefix makes browsers refuse the cookie unless it is Secure, for this host only, on path /.
    SESSION_COOKIE_NAME = "__Host-session" if Config.SESSION_COOKIE_SECURE else "session"
    PROXY_FIX_HOPS = _int("PROXY_FIX_HOPS", 1)
    LOG_JSON = _bool("LOG_JSON", True)


class TestConfig(EmbeddedConfig):
    """Tests: a throwaway database, fixed secret, CSRF on as in production."""

    ENV_NAME = "test"
    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-use-anywhere-else"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    SERVER_NAME = None
    # Fast hashing keeps hundreds of test sign-ins quick; never used outside tests.
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
    MAIL_SERVER = ""
    RUN_SCHEDULER = False


CONFIGS = {"embedded": EmbeddedConfig, "production": ProductionConfig, "test": TestConfig}

WEAK_SECRET_KEYS = {None, "", "change-me", "dev", "secret", "changeme"}


def instance_secret_key(instance_path):
    """Return the secret key kept in the instance folder, creating it on first use."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()
