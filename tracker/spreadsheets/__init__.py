"""Spreadsheets in and out: the plan import with its dry run, the Excel and CSV exports and the template."""

from flask import Blueprint

# The commands keep the group they are documented under: flask exchange import / export.
bp = Blueprint("spreadsheets", __name__, cli_group="exchange")

from tracker.spreadsheets import cli, routes  # noqa: E402,F401
