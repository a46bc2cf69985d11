"""Uploaded spreadsheets waiting for, or going through, an import."""

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from tracker.common.types import UTCDateTime, utcnow
from tracker.extensions import db


class ImportBatch(db.Model):
    """An uploaded plan spreadsheet, its column mapping, dry-run result and progress."""

    __tablename__ = "import_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at = mapped_column(UTCDateTime, default=utcnow)
    filename: Mapped[str] = mapped_column(String(255))
    content = deferred(mapped_column(LargeBinary))
    state: Mapped[str] = mapped_column(String(16), default="uploaded")
    mapping = mapped_column(JSON)
    result = deferred(mapped_column(JSON))
    total_rows: Mapped[int] = mapped_column(Integer, default=0)
    processed_rows: Mapped[int] = mapped_column(Integer, default=0)
    finished_at = mapped_column(UTCDateTime)

    created_by = relationship("User", lazy="joined")
