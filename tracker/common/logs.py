"""Structured logs with a request id on every line."""

import json
import logging
import secrets
import time

from flask import g, has_request_context, request


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record):
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry)


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
        incoming = request.headers.get("X-Request-Id", "")
        g.request_id = incoming if 8 <= len(incoming) <= 64 and incoming.isalnum() else secrets.token_hex(8)
        g.request_started = time.perf_counter()

    @app.after_request
    def _log_request(response):
        response.headers["X-Request-Id"] = g.get("request_id", "-")
        if not app.testing and request.endpoint != "static":
            elapsed = (time.perf_counter() - g.get("request_started", time.perf_counter())) * 1000
            # A view whose URL carries a secret (a calendar feed) sets g.log_path to keep it out of logs.
            path = g.get("log_path", request.path)
            logger.info("%s %s %s %.1fms", request.method, path, response.status_code, elapsed)
        return response
