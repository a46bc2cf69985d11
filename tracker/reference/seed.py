"""Reference data loaded by `tracker init`: the Code's rights, the priorities, a starting journey."""

from sqlalchemy import select

from tracker.auth.models import Department
from tracker.extensions import db
from tracker.reference.models import CodeRight, Priority, Touchpoint

RIGHTS_2020 = [
    (
        1,
        "To be able to understand and to be understood",
        "Help to understand and be understood, including interpreters.",
    ),
    (
        2,
        "To have the details of the crime recorded without unjustified delay",
        "The crime is recorded promptly after it is reported.",
    ),
    (
        3,
        "To be provided with information when reporting the crime",
        "Written acknowledgement and information about what happens next.",
    ),
    (
        4,
        "To be referred to services that support victims and have services and support tailored to your needs",
        "Needs assessment and referral to support services.",
    ),
    (5, "To be provided with information about compensation", "Information about compensation schemes and orders."),
    (
        6,
        "To be provided with information about the investigation and prosecution",
        "Updates on the investigation and decisions on the case.",
    ),
    (7, "To make a Victim Personal Statement", "The chance to explain how the crime has affected you."),
    (
        8,
        "To be given information about the trial, trial process and your role as a witness",
        "Information and support when giving evidence.",
    ),
    (
        9,
        "To be given information about the outcome of the case and any appeals",
        "The outcome of the case and any appeal.",
    ),
    (10, "To be paid expenses and have property returned", "Expenses for attending court and return of property."),
    (
        11,
        "To be given information about the offender following a conviction",
        "The Victim Contact Scheme and information about the offender.",
    ),
    (12, "To make a complaint about your Rights not being met", "How to complain if a right has not been met."),
]

PRIORITIES = [
    (
        1,
        "Hear victims' voices",
        "Robust and effective mechanisms to hear victims' voices and use them to drive improvement.",
    ),
    (2, "Victims' Code compliance", "Better compliance with the Victims' Code."),
    (3, "Reduce attrition", "Fewer victims withdrawing from the criminal justice process."),
    (4, "Victims would report again", "More victims who would report a crime again."),
    (5, "No re-traumatisation", "Victims not re-traumatised by reporting and the criminal justice process."),
    (6, "Trust and confidence", "More trust and confidence in policing, and so feelings of safety."),
]

DEPARTMENTS = [
    "Contact Management",
    "Public Protection",
    "Criminal Justice and Witness Care",
    "Investigations",
    "Neighbourhood Policing",
    "Professional Standards",
    "OPCC Victim Services",
]

# (position, name, stage, department, rights, feedback mechanism today)
TOUCHPOINTS = [
    (
        10,
        "Initial contact by 999",
        "Reporting",
        "Contact Management",
        [1, 2, 3],
        "Monthly victim satisfaction survey sample",
    ),
    (
        20,
        "Initial contact by 101",
        "Reporting",
        "Contact Management",
        [1, 2, 3],
        "Monthly victim satisfaction survey sample",
    ),
    (30, "Online reporting", "Reporting", "Contact Management", [1, 2, 3], "none"),
    (
        40,
        "Attendance by an officer",
        "Reporting",
        "Neighbourhood Policing",
        [1, 3, 4],
        "Monthly victim satisfaction survey sample",
    ),
    (50, "Taking the statement", "Investigation", "Investigations", [1, 7], "none"),
    (60, "Victim needs assessment", "Support", "OPCC Victim Services", [4], "Victim care service exit survey"),
    (70, "Referral to support services", "Support", "OPCC Victim Services", [4], "Victim care service exit survey"),
    (80, "Investigation updates", "Investigation", "Investigations", [6], "none"),
    (90, "Charging decision", "Prosecution", "Criminal Justice and Witness Care", [6, 9], "none"),
    (
        100,
        "Court and giving evidence",
        "Court",
        "Criminal Justice and Witness Care",
        [8, 10],
        "Witness care unit feedback form",
    ),
    (110, "Outcome of the case", "Outcome", "Criminal Justice and Witness Care", [5, 9], "none"),
    (120, "After conviction", "After court", "Criminal Justice and Witness Care", [11, 12], "none"),
]


def _get_or_add(model, lookup, **values):
    row = db.session.scalar(select(model).filter_by(**lookup))
    if row is None:
        row = model(**lookup, **values)
        db.session.add(row)
        return row, True
    return row, False


def load_reference_data(edition="2020"):
    """Add whatever reference rows are missing; never change or duplicate existing ones."""
    added = 0
    for number, title, summary in RIGHTS_2020:
        _, new = _get_or_add(CodeRight, {"edition": edition, "number": number}, title=title, summary=summary)
        added += new
    for number, title, description in PRIORITIES:
        _, new = _get_or_add(Priority, {"number": number}, title=title, description=description)
        added += new
    departments = {}
    for name in DEPARTMENTS:
        departments[name], new = _get_or_add(Department, {"name": name})
        added += new
    db.session.flush()
    rights = {r.number: r for r in db.session.scalars(select(CodeRight).where(CodeRight.edition == edition))}
    for position, name, stage, department, right_numbers, feedback in TOUCHPOINTS:
        touchpoint, new = _get_or_add(
            Touchpoint,
            {"name": name},
            position=position,
            stage=stage,
            department=departments[department],
            feedback_mechanism=feedback,
        )
        if new:
            touchpoint.rights = [rights[n] for n in right_numbers]
        added += new
    db.session.flush()
    return added
