"""People: departments and users, sign-in attempts and password reset tokens."""

from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from tracker.auth import permissions
from tracker.auth.roles import ROLE_LABELS, Role  # noqa: F401 (imported from here across the app)
from tracker.common.types import UTCDateTime, utcnow
from tracker.extensions import db


class Department(db.Model):
    __tablename__ = "department"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    version_id: Mapped[int] = mapped_column(Integer, default=1)

    users = relationship("User", back_populates="department", lazy="raise_on_sql")

    __mapper_args__ = {"version_id_col": version_id}

    def __repr__(self):
        return f"<Department {self.name}>"


class User(UserMixin, db.Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str | None] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(16), default=Role.VIEWER.value, index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Bumped at sign-out, deactivation and password change so that older sessions stop working.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at = mapped_column(UTCDateTime, default=utcnow)
    last_sign_in_at = mapped_column(UTCDateTime)
    immediate_mail: Mapped[bool] = mapped_column(Boolean, default=True)
    calendar_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    # The identity provider's issuer and stable subject, linked at the first single sign-on.
    identity_issuer: Mapped[str | None] = mapped_column(String(255))
    identity_subject: Mapped[str | None] = mapped_column(String(255))
    version_id: Mapped[int] = mapped_column(Integer, default=1)

    department = relationship("Department", back_populates="users", lazy="joined")

    __table_args__ = (UniqueConstraint("identity_issuer", "identity_subject", name="uq_user_account_identity"),)
    __mapper_args__ = {"version_id_col": version_id}

    def __repr__(self):
        return f"<User {self.email}>"

    @property
    def is_active(self):
        return self.active

    def get_id(self):
        return f"{self.id}:{self.session_version}"

    def set_password(self, password):
        """Store a salted scrypt hash of the password."""
        method = current_app.config["PASSWORD_HASH_METHOD"] if has_app_context() else "scrypt"
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password):
        """True when the password matches."""
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    def end_sessions(self):
        """Invalidate every session this user holds, on every device."""
        self.session_version = (self.session_version or 1) + 1

    @property
    def role_label(self):
        return Role(self.role).label

    # The permissions, as templates and services read them; each is a predicate of tracker.auth.permissions.
    is_admin = property(permissions.administer)
    can_manage_plan = property(permissions.manage_plan)
    can_manage_users = property(permissions.manage_users)
    can_build_reports = property(permissions.build_reports)
    can_record_assessments = property(permissions.record_assessments)
    can_read_audit = property(permissions.read_audit)

    @property
    def is_lead(self):
        return self.role == Role.LEAD


class SignInAttempt(db.Model):
    """Every sign-in attempt, kept to throttle guessing across worker processes."""

    __tablename__ = "sign_in_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    at = mapped_column(UTCDateTime, default=utcnow, index=True)
    succeeded: Mapped[bool] = mapped_column(Boolean, default=False)


class PasswordResetToken(db.Model):
    """A single-use, expiring token sent by e-mail; only its hash is stored."""

    __tablename__ = "password_reset_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at = mapped_column(UTCDateTime, default=utcnow)
    expires_at = mapped_column(UTCDateTime)
    used_at = mapped_column(UTCDateTime)

    user = relationship("User", lazy="joined")
