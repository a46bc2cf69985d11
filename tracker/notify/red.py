"""Notice actions turning Red and tell the owner and the chairs, once per change.

Action.last_rule_rag holds the rule RAG the previous run saw. A change to Red is claimed with a
conditional UPDATE, so when two runs see the same change only one of them writes the mail.
"""

from dataclasses import dataclass

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import noload

from tracker.common.dates import local_today
from tracker.extensions import db
from tracker.notify import kinds
from tracker.notify.receivers import active_chairs
from tracker.notify.services import action_link, disabled_kinds, queue_email_once, wants_immediate
from tracker.plan.brag import current_thresholds, rule_rag, rule_rag_sql
from tracker.plan.models import Action, Rag

RED = Rag.RED.value


@dataclass
class RedAlert:
    """An action that has turned Red, with the reasons and who hears about it."""

    action: object
    rag: object
    recipients: list

    def describe(self):
        """'VV-004 turned Red: owner@example.org, chair@example.org'."""
        who = ", ".join(user.email for user in self.recipients) or "nobody (everyone chose the digest only)"
        return f"{self.action.reference} turned Red ({'; '.join(self.rag.reasons)}): {who}"


def plan_red_alerts(now):
    """Actions whose rule RAG is Red now but was something else at the previous run."""
    today = local_today(now)
    thresholds = current_thresholds()
    rag = rule_rag_sql(Action, today, thresholds)
    query = (
        select(Action)
        .where(rag == RED, Action.last_rule_rag.is_not(None), Action.last_rule_rag != RED)
        .options(noload(Action.rights), noload(Action.priorities), noload(Action.touchpoints))
        .order_by(Action.reference)
    )
    actions = db.session.scalars(query).unique().all()
    if not actions:
        return []
    chairs = [chair for chair in active_chairs() if wants_immediate(chair)]
    alerts = []
    for action in actions:
        recipients = [action.owner] if wants_immediate(action.owner) else []
        recipients += [chair for chair in chairs if chair.id != action.owner_id]
        alerts.append(RedAlert(action, rule_rag(action, today, thresholds), recipients))
    return alerts


def _claim(action):
    """Record Red on the action unless another run already did; True when this run did."""
    table = Action.__table__
    result = db.session.execute(
        update(table)
        .where(table.c.id == action.id, table.c.last_rule_rag != RED)
        .values(last_rule_rag=RED, updated_at=table.c.updated_at)
    )
    return result.rowcount == 1


def record_rule_rags(now):
    """Remember every other action's current rule RAG, so the next run can see changes to Red.

    Actions seen for the first time are recorded without mail: only a change is news.
    Changes to Red are left to send_red_alerts, which mails as it records them.
    """
    table = Action.__table__
    rag = rule_rag_sql(table.c, local_today(now), current_thresholds())
    statement = (
        update(table)
        .where(
            or_(
                and_(table.c.last_rule_rag.is_(None), rag.is_not(None)),
                and_(rag != RED, table.c.last_rule_rag.is_distinct_from(rag)),
            )
        )
        .values(last_rule_rag=rag, updated_at=table.c.updated_at)
    )
    return db.session.execute(statement).rowcount


def send_red_alerts(now):
    """Queue the Red alerts of this run; return the alerts this run claimed."""
    sent = []
    enabled = kinds.ACTION_RED not in disabled_kinds()
    for alert in plan_red_alerts(now):
        if not _claim(alert.action):
            continue
        day = local_today(now).isoformat()
        for user in alert.recipients:
            queue_email_once(
                kinds.ACTION_RED,
                dedupe_key=f"action-red:{alert.action.id}:{user.id}:{day}",
                to_address=user.email,
                to_user=user,
                action=alert.action,
                template="action_red",
                subject=f"{alert.action.reference} has turned Red",
                context={"rag": alert.rag, "link": action_link(alert.action)},
                enabled=enabled,
            )
        sent.append(alert)
    record_rule_rags(now)
    return sent
