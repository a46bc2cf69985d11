"""What the report pages read: a quarter's report builds."""

from sqlalchemy import select
from sqlalchemy.orm import undefer

from tracker.extensions import db
from tracker.reports.models import LIVE_STATES, Report


def reports_of_quarter(quarter, *, report_id=None, with_files=False):
    """One build of the quarter by id, or all its builds, the live one first and then the newest."""
    query = select(Report).where(Report.quarter == quarter.label)
    if report_id is not None:
        query = query.where(Report.id == report_id)
    else:
        query = query.order_by(Report.state.in_(LIVE_STATES).desc(), Report.id.desc())
    if with_files:
        query = query.options(undefer(Report.snapshot), undefer(Report.pdf))
    return db.session.scalars(query).all()
