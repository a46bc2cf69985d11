"""Errors the plan's operations raise for a person to read."""


class PlanError(Exception):
    """A request that breaks a rule of the plan; `field` names the form field to blame."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.message = message
        self.field = field


class StaleEdit(PlanError):
    """Someone else saved the record since this form was opened."""
