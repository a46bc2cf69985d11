"""Test factories: make users, departments and actions with sensible defaults."""

import itertools
from datetime import date, timedelta

from sqlalchemy import select

from tracker.auth.models import Department, User
from tracker.plan.models import Action
from tracker.reference.models import CodeRight, Priority

PASSWORD = "correct horse battery staple"
_counter = itertools.count(1)


class Factory:
    def __init__(self, db):
        self.db = db

    def department(self, name=None):
        """A department, found by name or created."""
        name = name or f"Department {next(_counter)}"
        existing = self.db.session.scalar(select(Department).where(Department.name == name))
        if existing:
            return existing
        department = Department(name=name)
        self.db.session.add(department)
        self.db.session.commit()
        return department

    def user(self, role="lead", *, name=None, email=None, department=None, active=True, password=PASSWORD):
        """A user who can sign in with PASSWORD."""
        number = next(_counter)
        if role == "lead" and department is None:
            department = self.department("Contact Management")
        user = User(
            name=name or f"Test {role.capitalize()} {number}",
            email=email or f"{role}{number}@example.org",
            role=role,
            department=department,
            active=active,
        )
        user.set_password(password)
        self.db.session.add(user)
        self.db.session.commit()
        return user

    def right(self, number):
        return self.db.session.scalar(select(CodeRight).where(CodeRight.number == number))

    def priority(self, number):
        return self.db.session.scalar(select(Priority).where(Priority.number == number))

    def _free_reference(self):
        """The next VV-nnn reference not already taken, say by a loaded demo plan."""
        while True:
            reference = f"VV-{next(_counter):03d}"
            if self.db.session.scalar(select(Action.id).where(Action.reference == reference)) is None:
                return reference

    def action(self, *, owner=None, reference=None, title="Revise the acknowledgement letter", today=None, **fields):
        """An open action owned by a lead, due in 60 days unless told otherwise."""
        today = today or date.today()
        owner = owner or self.user("lead")
        due = fields.pop("due", today + timedelta(days=60))
        rights = fields.pop("rights", [3])
        priorities = fields.pop("priorities", [2])
        action = Action(
            reference=reference or self._free_reference(),
            title=title,
            description=fields.pop("description", "Rewrite the letter in plain English."),
            owner=owner,
            department=fields.pop("department", owner.department),
            start_date=fields.pop("start", today - timedelta(days=30)),
            original_due_date=fields.pop("original_due", due),
            current_due_date=due,
            status=fields.pop("status", "in_progress"),
            progress=fields.pop("progress", 40),
            rights=[self.right(n) for n in rights],
            priorities=[self.priority(n) for n in priorities],
            **fields,
        )
        self.db.session.add(action)
        self.db.session.commit()
        return action

    def assessment(self, quarter, right_number, *, recorded_by=None, **figures):
        """A compliance assessment for one right and quarter label, e.g. '2026/27 Q2'."""
        from decimal import Decimal

        from tracker.compliance.models import ComplianceAssessment

        for name in ("self_percent", "voice_percent"):
            if figures.get(name) is not None:
                figures[name] = Decimal(str(figures[name]))
        if figures.get("voice_percent") is not None:
            figures.setdefault("voice_sample", 50)
            figures.setdefault("voice_source", "survey")
        assessment = ComplianceAssessment(
            right=self.right(right_number), quarter=quarter, recorded_by=recorded_by, **figures
        )
        self.db.session.add(assessment)
        self.db.session.commit()
        return assessment

    def source(
        self, *, title="Victim service assessment", body="hmicfrs", published_on=None, response_days=56, **fields
    ):
        """A report or review; published today with HMICFRS's 56-day response rule unless told otherwise."""
        from tracker.recommendations.models import RecommendationSource

        source = RecommendationSource(
            title=title,
            body=body,
            published_on=published_on or date.today(),
            response_days=response_days,
            **fields,
        )
        self.db.session.add(source)
        self.db.session.commit()
        return source

    def recommendation(self, *, source=None, reference=None, lead=None, actions=(), **fields):
        """A recommendation of a source, led by a lead, awaiting review unless told otherwise."""
        from tracker.recommendations.models import Recommendation

        source = source or self.source()
        recommendation = Recommendation(
            source=source,
            reference=reference or f"Recommendation {next(_counter)}",
            text=fields.pop("text", "The force should tell victims how their case is going at least every 28 days."),
            lead=lead or self.user("lead"),
            position=fields.pop("position", len(source.recommendations) + 1),
            actions=list(actions),
            **fields,
        )
        self.db.session.add(recommendation)
        self.db.session.commit()
        return recommendation
