"""Gunicorn settings for production (`make serve`): several workers behind a reverse proxy.

Every setting can be changed from the environment; see "Running in production" in docs/operations.md.
"""

import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
# Building a quarterly report PDF can take a while; anything slower than this is stuck.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
# Restart workers now and then so that memory used by large PDF or spreadsheet builds is returned.
max_requests = 1000
max_requests_jitter = 100
# Only the reverse proxy may say which scheme and client address a request came from.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# The app writes one JSON line per request, with its request id; gunicorn's own lines would repeat them.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
proc_name = "victims-code-action-tracker"
