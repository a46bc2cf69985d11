"""The organisation's own settings that an administrator keeps: its logo for the report's cover."""

from sqlalchemy import ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, deferred, mapped_column

from tracker.common.types import UTCDateTime, utcnow
from tracker.extensions import db


class OrganisationLogo(db.Model):
    """An organisation's logo, checked and made safe when it was uploaded; one per organisation."""

    __tablename__ = "organisation_logo"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation: Mapped[str] = mapped_column(String(160), unique=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(32))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content = deferred(mapped_column(LargeBinary))
    uploaded_at = mapped_column(UTCDateTime, default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    version_id: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version_id}
