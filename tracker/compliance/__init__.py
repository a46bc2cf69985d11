"""Victims' voice against Code compliance: each quarter's figures per right, and the gap."""

from flask import Blueprint

bp = Blueprint("compliance", __name__)

from tracker.compliance import routes  # noqa: E402,F401
