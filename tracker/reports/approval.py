"""The approval line on a published report's cover: who approved it, in what role, and when.

Publishing writes the approval into the report's snapshot and renders its PDF again from that
snapshot, so the stored PDF, the web version and any rebuild from the snapshot all say the same.
"""

import hashlib

from tracker.auth.models import Role
from tracker.common.dates import local_today
from tracker.reports.render import render_report_html, render_report_pdf

APPROVER_ROLES = {Role.CHAIR.value: "Chair of the Victims Code Champions meeting"}


def approver_role(user):
    """The approver's role as the cover names it."""
    return APPROVER_ROLES.get(user.role) or Role(user.role).label


def stamp_approval(report, user, when):
    """Put the approval line into a report about to be published, and render its PDF with it."""
    snapshot = dict(report.snapshot)
    snapshot["approval"] = {
        "name": user.name,
        "role": approver_role(user),
        "on": local_today(when).isoformat(),
    }
    pdf = render_report_pdf(render_report_html(snapshot))
    report.snapshot = snapshot
    report.pdf = pdf
    report.pdf_size = len(pdf)
    report.sha256 = hashlib.sha256(pdf).hexdigest()
    return report
