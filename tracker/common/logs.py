"""Structured logs with a request id on every line."""

import json
import logging
import secrets
import time

from flask import g, has_request_context, request

from tracker.common.proxies import client_address

REQUEST_ID_HEADER = "X-Request-Id"
SECRET_ARGUMENTS = ("token", "secret", "key")


def request_id():
    """This request's id: the proxy's X-Request-Id when it looks like one, otherwise a new one."""
    if "request_id" not in g:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = incoming if 8 <= len(incoming) <= 64 and incoming.isalnum() else secrets.token_hex(8)
    return g.request_id


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.request_id = request_id() if has_request_context() else "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, request id, message and any structured fields."""

    def format(self, record):
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "message": record.getMessage(),
        }
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def _signed_in_user_id():
    # Only a user already loaded for this request: logging must never query the database.
    user = g.get("_login_user")
    return user.id if user is not None and user.is_authenticated else None


def loggable_path():
    """The request path with every secret-bearing part (a reset link's token, a calendar feed's
    secret, any path argument named like one) replaced by [secret], so logs never hold a live link."""
    path = request.path
    for name, value in (request.view_args or {}).items():
        if any(word in name for word in SECRET_ARGUMENTS) and str(value):
            path = path.replace(str(value), "[secret]")
    return path


def request_fields(response):
    """What one request did, as fields for the log line."""
    elapsed = (time.perf_counter() - g.get("request_started", time.perf_counter())) * 1000
    return {
        "method": request.method,
        "path": loggable_path(),
        "status": response.status_code,
        "duration_ms": round(elapsed, 1),
        "address": client_address(),
        "user_id": _signed_in_user_id(),
    }


def register_logging(app):
    """Give each request an id, log one line per request, and format as JSON in production."""
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    if app.config["LOG_JSON"]:
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"))
    logger = logging.getLogger("tracker")
    logger.handlers[:] = [handler]
    logger.setLevel(logging.INFO)
    logger.propagate = False
    app.logger.handlers[:] = [handler]

    @app.before_request
    def _start_request():
        request_id()
        g.request_started = time.perf_counter()

    @app.after_request
    def _log_request(response):
        response.headers[REQUEST_ID_HEADER] = request_id()
        if not app.testing and request.endpoint != "static":
            fields = request_fields(response)
            logger.info("%(method)s %(path)s %(status)s %(duration_ms)sms", fields, extra={"fields": fields})
        return response
