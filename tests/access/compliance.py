"""Access rules for compliance, the victim journey and the reference data.

Everyone signed in reads the gap view and the journey; only the chair and administrators record
figures and change the journey; only administrators change the Code's rights and the priorities.
"""

from tests.access import ADMIN_ONLY, ADMIN_POST, MANAGERS, MANAGERS_POST, READ_ALL
from tracker.common.dates import local_today
from tracker.common.quarters import quarter_of
from tracker.reference.services import journey


def SETUP(data, make):
    """A recorded quarter, a touchpoint, a right and a priority for the routes to act on."""
    data.quarter = quarter_of(local_today()).previous()
    make.assessment(data.quarter.label, 3, self_percent=85, voice_percent=52, voice_sample=60)
    data.right = make.right(3)
    data.priority = make.priority(2)
    data.touchpoint = journey()[0]


RULES = {
    "compliance.gap_view": {"method": "GET", "args": lambda d: {"quarter": d.quarter.slug}, "expect": READ_ALL},
    "compliance.choose_quarter": {"method": "GET", "args": lambda d: {}, "expect": MANAGERS},
    "compliance.record_quarter": {
        "method": "POST",
        "args": lambda d: {"quarter_slug": d.quarter.slug},
        "expect": MANAGERS_POST,
    },
    "compliance.upload": {"method": "POST", "args": lambda d: {}, "expect": MANAGERS_POST},
    "compliance.template": {"method": "GET", "args": lambda d: {}, "expect": MANAGERS},
    "reference.journey": {"method": "GET", "args": lambda d: {}, "expect": READ_ALL},
    "reference.new_touchpoint": {"method": "POST", "args": lambda d: {}, "expect": MANAGERS_POST},
    "reference.edit_touchpoint": {
        "method": "POST",
        "args": lambda d: {"touchpoint_id": d.touchpoint.id},
        "expect": MANAGERS_POST,
    },
    "reference.reference_data": {"method": "GET", "args": lambda d: {}, "expect": ADMIN_ONLY},
    "reference.edit_right": {"method": "POST", "args": lambda d: {"right_id": d.right.id}, "expect": ADMIN_POST},
    "reference.edit_priority": {
        "method": "POST",
        "args": lambda d: {"priority_id": d.priority.id},
        "expect": ADMIN_POST,
    },
}
