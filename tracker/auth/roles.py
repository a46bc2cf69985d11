"""The four roles a person can have, and how the pages name them."""

import enum


class Role(enum.StrEnum):
    ADMIN = "admin"
    CHAIR = "chair"
    LEAD = "lead"
    VIEWER = "viewer"

    @property
    def label(self):
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.ADMIN: "Administrator",
    Role.CHAIR: "Chair",
    Role.LEAD: "Department lead",
    Role.VIEWER: "Viewer",
}
