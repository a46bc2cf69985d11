"""E-mail: the outbox, the SMTP sender, reminders and the scheduler."""

from flask import Blueprint

bp = Blueprint("notify", __name__)
