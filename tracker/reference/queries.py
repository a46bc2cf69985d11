"""What the reference data pages read: the Code's rights and the group's priorities."""

from flask import current_app
from sqlalchemy import select

from tracker.extensions import db
from tracker.reference.models import CodeRight, Priority


def all_rights():
    """Every right of every edition, the newest edition first."""
    return db.session.scalars(select(CodeRight).order_by(CodeRight.edition.desc(), CodeRight.number)).all()


def all_priorities():
    return db.session.scalars(select(Priority).order_by(Priority.number)).all()


def rights_in_force():
    """The rights of the Code edition the tracker works to, by number."""
    edition = current_app.config["CODE_EDITION"]
    return db.session.scalars(select(CodeRight).where(CodeRight.edition == edition).order_by(CodeRight.number)).all()
