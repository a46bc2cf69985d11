"""Demo figures: a year of self-assessment and victims' voice per right, with gaps worth discussing."""

import random
from decimal import Decimal

from sqlalchemy import select

from tracker.common.quarters import quarter_of
from tracker.compliance.models import ComplianceAssessment, SelfRating, VoiceSource
from tracker.extensions import db
from tracker.reference.services import current_rights

QUARTERS = 4
# Per right: (self-assessed %, victims' voice % a year ago, points the voice gains each quarter).
TRENDS = {
    1: (92, 78, 2),
    2: (96, 88, 1),
    3: (90, 48, 4),
    4: (85, 41, 3),
    5: (70, 35, 0),
    6: (88, 39, -2),
    7: (80, 52, 5),
    8: (86, 74, 1),
    9: (82, 50, 2),
    10: (75, 61, 1),
    11: (78, 44, 0),
    12: (84, 57, 3),
}
THEMES = {
    3: "Victims said the acknowledgement letter arrived late and was hard to follow.",
    4: "Several victims were not told about support services until weeks after reporting.",
    6: "Updates often stopped once a suspect was interviewed; victims had to chase for news.",
    7: "Some victims did not know they could make a Victim Personal Statement.",
    11: "Victims were unsure who would tell them about the offender's release.",
}
SOURCES = [
    VoiceSource.SURVEY,
    VoiceSource.SURVEY,
    VoiceSource.FOCUS_GROUP,
    VoiceSource.SURVEY,
    VoiceSource.SURVEY,
    VoiceSource.FORUM,
]


def _rating(percent):
    if percent >= 90:
        return SelfRating.COMPLIANT.value
    return SelfRating.PARTIAL.value if percent >= 60 else SelfRating.NOT_COMPLIANT.value


def _figures(number, age, rng):
    """One right's figures for the quarter `age` quarters before the latest one."""
    self_percent, voice_then, gain = TRENDS[number]
    voice = max(0, min(100, voice_then + gain * (QUARTERS - 1 - age) + rng.randint(-3, 3)))
    source = SOURCES[(number + age) % len(SOURCES)]
    # Focus groups and the forum hear from few victims: their samples are small.
    sample = rng.randint(8, 24) if source in (VoiceSource.FOCUS_GROUP, VoiceSource.FORUM) else rng.randint(45, 220)
    return {
        "self_rating": _rating(self_percent),
        # Some rights have only the force's rating, not a percentage.
        "self_percent": None if number % 6 == 2 else Decimal(self_percent + rng.randint(-2, 2)),
        "self_source": "" if number % 6 == 2 else "Monthly Code compliance dip sample",
        "voice_percent": Decimal(voice),
        "voice_sample": sample,
        "voice_source": source.value,
        "voice_themes": THEMES.get(number, "") if age == 0 else "",
    }


def load_demo_assessments(*, today, seed, recorded_by=None):
    """Add figures for the last four completed quarters where none are recorded; return how many."""
    rng = random.Random(seed)
    quarter = quarter_of(today).previous()
    existing = set(db.session.execute(select(ComplianceAssessment.right_id, ComplianceAssessment.quarter)).all())
    added = 0
    for age in range(QUARTERS):
        for right in current_rights():
            if right.number not in TRENDS:
                continue
            figures = _figures(right.number, age, rng)
            if (right.id, quarter.label) in existing:
                continue
            db.session.add(ComplianceAssessment(right=right, quarter=quarter.label, recorded_by=recorded_by, **figures))
            added += 1
        quarter = quarter.previous()
    db.session.flush()
    return added
