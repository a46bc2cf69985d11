"""What a person typed into a form they sent after their session had ended, kept until they are back.

The text is kept on the server for KEPT_FORM_MINUTES, tied to the person and the form's path. The
session cookie holds only the path, so that pages look for kept text only where there is some.
Passwords, CSRF tokens and files are never kept.
"""

import json
from datetime import timedelta

from flask import current_app, request, session
from flask_login import current_user
from sqlalchemy import ForeignKey, String, Text, delete, select
from sqlalchemy.orm import Mapped, mapped_column

from tracker.audit.services import record
from tracker.common.types import UTCDateTime, utcnow
from tracker.extensions import db

# Requests whose form is never worth keeping: signing in or out, and keeping a session alive.
NOT_KEPT_ENDPOINTS = {"auth.sign_in", "auth.sign_out", "auth.keep_alive"}
SESSION_KEY = "kept_form_path"


class KeptForm(db.Model):
    __tablename__ = "kept_form"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    path: Mapped[str] = mapped_column(String(500))
    fields: Mapped[str] = mapped_column(Text)
    files_dropped: Mapped[bool] = mapped_column(default=False)
    kept_at = mapped_column(UTCDateTime, default=utcnow)


def _worth_keeping(name):
    lowered = name.lower()
    return lowered != "csrf_token" and "password" not in lowered


def keep_sent_form(user):
    """Keep what the person sent in this request, replacing anything kept before for the same form."""
    if request.method != "POST" or request.endpoint in NOT_KEPT_ENDPOINTS or len(request.path) > 500:
        return None
    fields = {name: request.form.getlist(name) for name in request.form if _worth_keeping(name)}
    if not any(value.strip() for values in fields.values() for value in values):
        return None
    db.session.execute(delete(KeptForm).where((KeptForm.user_id == user.id) & (KeptForm.path == request.path)))
    db.session.execute(delete(KeptForm).where(KeptForm.kept_at < utcnow() - _kept_for()))
    kept = KeptForm(
        user_id=user.id,
        path=request.path,
        fields=json.dumps(fields),
        files_dropped=any(upload.filename for upload in request.files.values()),
    )
    db.session.add(kept)
    record(
        "auth.form_kept",
        obj=user,
        actor=user,
        summary=f"What was typed on {request.path} was kept after the session ended",
    )
    db.session.flush()
    return kept


def _kept_for():
    return timedelta(minutes=current_app.config["KEPT_FORM_MINUTES"])


def remember_after_sign_in(user):
    """Mark the new session when the person has a kept form, so its page shows it."""
    newest = db.session.scalars(
        select(KeptForm.path)
        .where((KeptForm.user_id == user.id) & (KeptForm.kept_at >= utcnow() - _kept_for()))
        .order_by(KeptForm.kept_at.desc())
        .limit(1)
    ).first()
    if newest:
        session[SESSION_KEY] = newest


def kept_form_for_page():
    """The form kept for this person and page, if any: fields as {name: [values]} and whether files were dropped."""
    if not current_user.is_authenticated or session.get(SESSION_KEY) != request.path:
        return None
    kept = db.session.scalars(
        select(KeptForm).where(
            (KeptForm.user_id == current_user.id)
            & (KeptForm.path == request.path)
            & (KeptForm.kept_at >= utcnow() - _kept_for())
        )
    ).first()
    if kept is None:
        return None
    return {"fields": json.loads(kept.fields), "files_dropped": kept.files_dropped}


def forget_when_sent_again():
    """The form is sent again: what was kept for it has done its job."""
    if request.method == "POST" and session.get(SESSION_KEY) == request.path and current_user.is_authenticated:
        session.pop(SESSION_KEY)
        db.session.execute(
            delete(KeptForm).where((KeptForm.user_id == current_user.id) & (KeptForm.path == request.path))
        )
        # Committed now, before the request's own work: a refused form commits nothing, and the
        # kept text must not outlive its use either way.
        db.session.commit()
