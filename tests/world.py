"""A small organisation for whole-app tests: a user of every role, two departments, an action.

The access matrix and the accessibility audit both visit every route, so they share this set-up;
each feature adds the records its routes need through a SETUP(data, make) hook in tests/access/.
"""

from datetime import timedelta
from types import SimpleNamespace

from tests.access import setup_hooks
from tracker.common.dates import local_today
from tracker.common.types import utcnow
from tracker.demo import load_demo
from tracker.plan.models import ActionUpdate, EntryKind, Rag, Status

WORLD_ROLES = ("viewer", "lead", "other_lead", "chair", "admin")


def build_world(make, *, demo_actions=0):
    """Users of every role, two departments and records for the routes to act on.

    With demo_actions, a deterministic demo plan of that many actions is loaded around the world's
    own records (after them, so that the demo fills gaps rather than clashing), giving lists,
    timelines and charts realistic content.
    """
    home = make.department("Contact Management")
    away = make.department("Public Protection")
    users = {
        "viewer": make.user("viewer"),
        "lead": make.user("lead", department=home),
        "other_lead": make.user("lead", department=away),
        "chair": make.user("chair"),
        "admin": make.user("admin"),
    }
    data = SimpleNamespace(**users, department=home, other_department=away, spare=make.user("viewer"))
    data.action = make.action(owner=users["lead"])
    _add_timeline(data.action, make)
    data.users = users
    for hook in setup_hooks():
        hook(data, make)
    make.db.session.commit()
    if demo_actions:
        load_demo(actions=demo_actions, today=local_today())
        make.db.session.commit()
    return data


def _add_timeline(action, make):
    """Two progress updates from the owner, so the action's page shows a timeline."""
    now = utcnow()
    for days_ago, progress, rag, narrative in [
        (20, 20, Rag.GREEN, "Met the team to agree the approach."),
        (6, 40, Rag.AMBER, "Draft shared with the Champions meeting; waiting for comments."),
    ]:
        action.entries.append(
            ActionUpdate(
                author=action.owner,
                created_at=now - timedelta(days=days_ago),
                kind=EntryKind.UPDATE.value,
                narrative=narrative,
                status=Status.IN_PROGRESS.value,
                progress=progress,
                declared_rag=rag.value,
            )
        )
    action.last_update_at = now - timedelta(days=6)
    action.declared_rag = Rag.AMBER.value
    make.db.session.commit()
