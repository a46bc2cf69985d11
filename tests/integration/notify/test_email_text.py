"""The plain-text part of every kind of e-mail, read line by line as a person reads it.

One test per registered kind, so that a kind added tomorrow fails here until its text is checked.
"""

import importlib
import pkgutil
from datetime import date
from types import SimpleNamespace

import pytest

import tracker
from tracker.notify.digests import DigestLine
from tracker.notify.kinds import MAIL_KINDS
from tracker.notify.services import render_email

# Every module that may declare a kind of mail is loaded before the kinds are listed.
for _module in pkgutil.walk_packages(tracker.__path__, "tracker."):
    importlib.import_module(_module.name)

FOOTER = [
    "--",
    "You get this e-mail because you use the Victims Code Action Tracker. "
    "You can choose which e-mails you get on your account page:",
    "http://127.0.0.1:5000/account",
]
LINK = "http://127.0.0.1:5000/actions/VV-101"


@pytest.fixture()
def people(make):
    owner = make.user("lead", name="Lee Lead")
    chair = make.user("chair", name="Cat Chair")
    action = make.action(owner=owner, reference="VV-101", due=date(2027, 3, 31))
    return SimpleNamespace(owner=owner, chair=chair, action=action)


def _request(p, **fields):
    return SimpleNamespace(requested_by=p.owner, decided_by=p.chair, **fields)


def _digest_line(p, note):
    return DigestLine(p.action, LINK, note)


# kind -> (template, recipient, context, expected lines)
CASES = {
    "password_reset": lambda p: (
        "password_reset",
        p.owner,
        {"link": "http://127.0.0.1:5000/reset/abc", "intro": "Someone asked to reset the password of this account."},
        [
            "Victims Code Action Tracker",
            "",
            "Someone asked to reset the password of this account.",
            "",
            "Open this link within 2 hours to choose a password:",
            "http://127.0.0.1:5000/reset/abc",
            "",
            "If you did not ask for this, you can ignore this e-mail. Your password has not changed.",
        ],
    ),
    "invitation": lambda p: (
        "password_reset",
        p.owner,
        {
            "link": "http://127.0.0.1:5000/reset/abc",
            "intro": "An administrator has given you an account as owner.",
            "valid_for": "3 days",
        },
        [
            "Victims Code Action Tracker",
            "",
            "An administrator has given you an account as owner.",
            "",
            "Open this link within 3 days to choose a password:",
            "http://127.0.0.1:5000/reset/abc",
            "",
            "If you did not ask for this, you can ignore this e-mail. Your password has not changed.",
        ],
    ),
    "action_assigned": lambda p: (
        "action_assigned",
        p.owner,
        {"verb": "assigned to you", "actor": p.chair, "previous_owner": None, "link": LINK},
        [
            "Victims Code Action Tracker",
            "",
            "Hello Lee Lead,",
            "",
            "VV-101 has been assigned to you by Cat Chair.",
            "",
            "VV-101: Revise the acknowledgement letter",
            "Owner: Lee Lead (Contact Management)",
            "Due date: 31 March 2027",
            "",
            "Open the action to see what is needed and post your first update:",
            "http://127.0.0.1:5000/actions/VV-101",
            "",
        ]
        + FOOTER,
    ),
    "extension_requested": lambda p: (
        "extension_requested",
        p.chair,
        {
            "request": _request(
                p,
                previous_due_date=date(2027, 3, 31),
                new_due_date=date(2027, 6, 30),
                reason="The supplier moved the go-live.",
            ),
            "link": LINK,
        },
        [
            "Victims Code Action Tracker",
            "",
            "Hello Cat Chair,",
            "",
            "Lee Lead asks to move the due date of VV-101 from 31 March 2027 to 30 June 2027.",
            "",
            "Their reason:",
            "The supplier moved the go-live.",
            "",
            "VV-101: Revise the acknowledgement letter",
            "Owner: Lee Lead (Contact Management)",
            "Due date: 31 March 2027",
            "",
            "Approve or refuse the extension:",
            "http://127.0.0.1:5000/actions/VV-101",
            "",
        ]
        + FOOTER,
    ),
    "extension_decided": lambda p: (
        "extension_decided",
        p.owner,
        {
            "approved": True,
            "request": _request(
                p,
                new_due_date=date(2027, 6, 30),
                previous_due_date=date(2027, 3, 31),
                decision_reason="Agreed at the meeting.",
            ),
            "link": LINK,
        },
        [
            "Victims Code Action Tracker",
            "",
            "Hello Lee Lead,",
            "",
            "Cat Chair approved the extension of VV-101. The due date is now 30 June 2027.",
            "",
            "Their reason:",
            "Agreed at the meeting.",
            "",
            "VV-101: Revise the acknowledgement letter",
            "Owner: Lee Lead (Contact Management)",
            "Due date: 31 March 2027",
            "",
            "Open the action:",
            "http://127.0.0.1:5000/actions/VV-101",
            "",
        ]
        + FOOTER,
    ),
    "closure_requested": lambda p: (
        "closure_requested",
        p.chair,
        {"request": _request(p, summary="The new letter is in use."), "link": LINK},
        [
            "Victims Code Action Tracker",
            "",
            "Hello Cat Chair,",
            "",
            "Lee Lead asks you to sign off VV-101 as complete.",
            "",
            "What they did:",
            "The new letter is in use.",
            "",
            "VV-101: Revise the acknowledgement letter",
            "Owner: Lee Lead (Contact Management)",
            "Due date: 31 March 2027",
            "",
            "Sign off or refuse the closure:",
            "http://127.0.0.1:5000/actions/VV-101",
            "",
        ]
        + FOOTER,
    ),
    "closure_decided": lambda p: (
        "closure_decided",
        p.owner,
        {"approved": False, "request": _request(p, decision_reason=None), "link": LINK},
        [
            "Victims Code Action Tracker",
            "",
            "Hello Lee Lead,",
            "",
            "Cat Chair did not sign off VV-101. It stays open.",
            "",
            "VV-101: Revise the acknowledgement letter",
            "Owner: Lee Lead (Contact Management)",
            "Due date: 31 March 2027",
            "",
            "Open the action:",
            "http://127.0.0.1:5000/actions/VV-101",
            "",
        ]
        + FOOTER,
    ),
    "action_reopened": lambda p: (
        "action_reopened",
        p.owner,
        {"actor": p.chair, "reason": "The new letter was never sent out.", "link": LINK},
        [
            "Victims Code Action Tracker",
            "",
            "Hello Lee Lead,",
            "",
            "Cat Chair reopened VV-101. It is in progress again and needs your updates.",
            "",
            "Their reason:",
            "The new letter was never sent out.",
            "",
            "VV-101: Revise the acknowledgement letter",
            "Owner: Lee Lead (Contact Management)",
            "Due date: 31 March 2027",
            "",
            "Open the action:",
            "http://127.0.0.1:5000/actions/VV-101",
            "",
        ]
        + FOOTER,
    ),
    "action_red": lambda p: (
        "action_red",
        p.owner,
        {"rag": SimpleNamespace(reasons=["It is overdue."]), "link": LINK},
        [
            "Victims Code Action Tracker",
            "",
            "Hello Lee Lead,",
            "",
            "VV-101 has turned Red.",
            "",
            "Why it is Red:",
            "- It is overdue.",
            "",
            "VV-101: Revise the acknowledgement letter",
            "Owner: Lee Lead (Contact Management)",
            "Due date: 31 March 2027",
            "",
            "Post an update to say what is happening, or ask for an extension:",
            "http://127.0.0.1:5000/actions/VV-101",
            "",
        ]
        + FOOTER,
    ),
    "response_due": lambda p: (
        "response_due",
        p.owner,
        {
            "clock": SimpleNamespace(due=date(2027, 3, 28), text="Due in 14 days", overdue=False),
            "source": SimpleNamespace(
                title="PEEL 2027: victim service assessment",
                body_label="HMICFRS",
                published_on=date(2027, 1, 31),
                recommendations=[
                    SimpleNamespace(reference="Recommendation 1", status_label="Being progressed", lead=p.owner)
                ],
            ),
            "link": "http://127.0.0.1:5000/recommendations/sources/1",
        },
        [
            "Victims Code Action Tracker",
            "",
            "Hello Lee Lead,",
            "",
            "The published response to PEEL 2027: victim service assessment (HMICFRS) is due in 14 days, "
            "on 28 March 2027.",
            "",
            "The report was published on 31 January 2027. The response says, for each recommendation, what has been "
            "or will be done, or why nothing will.",
            "",
            "- Recommendation 1: Being progressed. Lead: Lee Lead",
            "",
            "Open the report's recommendations:",
            "http://127.0.0.1:5000/recommendations/sources/1",
            "",
        ]
        + FOOTER,
    ),
    "weekly_digest": lambda p: (
        "weekly_digest",
        p.owner,
        {"sections": [("Overdue", [_digest_line(p, "Due 31 March 2027")])]},
        [
            "Victims Code Action Tracker",
            "",
            "Hello Lee Lead,",
            "",
            "These are your actions that need attention this week.",
            "",
            "Overdue (1)",
            "",
            "- VV-101: Revise the acknowledgement letter",
            "  Due 31 March 2027. Progress 40%. In progress.",
            "  http://127.0.0.1:5000/actions/VV-101",
            "",
            "Open an action to post an update or ask for an extension.",
            "",
        ]
        + FOOTER,
    ),
    "escalation_digest": lambda p: (
        "escalation_digest",
        p.chair,
        {
            "sections": [("Overdue", [_digest_line(p, "12 working days overdue")])],
            "digest": SimpleNamespace(action_count=1),
        },
        [
            "Victims Code Action Tracker",
            "",
            "Hello Cat Chair,",
            "",
            "1 action is overdue by more than the escalation limit. You may want to raise it with the owners or at the next Victims Code Champions meeting.",
            "",
            "Overdue (1)",
            "",
            "- VV-101: Revise the acknowledgement letter",
            "  Owner: Lee Lead (Contact Management)",
            "  12 working days overdue. Progress 40%. In progress.",
            "  http://127.0.0.1:5000/actions/VV-101",
            "",
        ]
        + FOOTER,
    ),
    "report_built": lambda p: (
        "report_awaiting_approval",
        p.chair,
        {"quarter": "2026-27 Q3", "link": LINK},
        [
            "Victims Code Action Tracker",
            "",
            "The 2026-27 Q3 report for the subgroup is built and waiting for you to check it.",
            "",
            "Read it, change the decisions you ask of the subgroup if you need to, then publish it. Publishing sends it to everyone on the distribution list, and after that it cannot change.",
            "",
            "http://127.0.0.1:5000/actions/VV-101",
        ],
    ),
    "report_published": lambda p: (
        "report_published",
        None,
        {
            "name": "Sam Member",
            "quarter": "2026-27 Q3",
            "subgroup": "Victims Code subgroup",
            "attached": True,
            "link": LINK,
        },
        [
            "Dear Sam Member,",
            "",
            "The Victims Code Champions meeting's update on the Victims' Code improvement plan for 2026-27 Q3 is ready for the Victims Code subgroup.",
            "",
            "The report is attached as a PDF.",
            "",
            "Office of the Police and Crime Commissioner",
        ],
    ),
    "meeting_agenda": lambda p: (
        "meeting_agenda",
        p.owner,
        {
            "meeting": SimpleNamespace(held_on=date(2027, 1, 14), start_text="2pm", place="Room 4"),
            "meeting_words": "the Victims Code Champions meeting on 14 January 2027",
            "items": [
                SimpleNamespace(position=1, title="Minutes of the last meeting", reason=""),
                SimpleNamespace(position=2, title="VV-101: Revise the acknowledgement letter", reason="Red: blocked"),
            ],
            "sender": p.chair,
            "attached": True,
            "link": "http://127.0.0.1:5000/meetings/7",
        },
        [
            "Victims Code Action Tracker",
            "",
            "Hello Lee Lead,",
            "",
            "Cat Chair has sent the agenda for the Victims Code Champions meeting on 14 January 2027.",
            "",
            "When: 14 January 2027 at 2pm",
            "Where: Room 4",
            "",
            "Agenda:",
            "1. Minutes of the last meeting",
            "2. VV-101: Revise the acknowledgement letter",
            "   Red: blocked",
            "",
            "The agenda pack is attached as a PDF: each action with its BRAG rating, the reasons for it and its "
            "latest update.",
            "",
            "Open the meeting page:",
            "http://127.0.0.1:5000/meetings/7",
            "",
        ]
        + FOOTER,
    ),
    "meeting_minutes": lambda p: (
        "meeting_minutes",
        p.owner,
        {
            "meeting_words": "the Victims Code Champions meeting on 14 January 2027",
            "approved_by": p.chair,
            "approved_on": "11 February 2027",
            "addenda": 1,
            "link": "http://127.0.0.1:5000/meetings/7/minutes",
        },
        [
            "Victims Code Action Tracker",
            "",
            "Hello Lee Lead,",
            "",
            "Cat Chair approved the minutes of the Victims Code Champions meeting on 14 January 2027 on 11 February 2027.",
            "",
            "The minutes are attached as a PDF.",
            "They have 1 addendum, shown under them.",
            "",
            "Read them in the tracker:",
            "http://127.0.0.1:5000/meetings/7/minutes",
            "",
        ]
        + FOOTER,
    ),
    "report_withdrawn": lambda p: (
        "report_withdrawn",
        None,
        {
            "name": "Sam Member",
            "quarter": "2026-27 Q3",
            "subgroup": "Victims Code subgroup",
            "published_on": "8 January 2027",
            "reason": "VV-104 was counted as Red in error.",
            "withdrawn_by": "Ada Admin",
            "link": LINK,
        },
        [
            "Dear Sam Member,",
            "",
            "The update on the Victims' Code improvement plan for 2026-27 Q3, sent to the Victims Code subgroup on "
            "8 January 2027, has been withdrawn because it was wrong. Please do not use it or pass it on.",
            "",
            "Why it was withdrawn: VV-104 was counted as Red in error.",
            "",
            "A corrected report will follow. We will send it to you when it is published.",
            "",
            "The withdrawn report and the reason stay on record in the Victims Code Action Tracker:",
            "http://127.0.0.1:5000/actions/VV-101",
            "",
            "Ada Admin",
            "Office of the Police and Crime Commissioner",
        ],
    ),
    "import_assigned": lambda p: (
        "import_assigned",
        p.owner,
        {"actions": [p.action], "source_name": "plan.xlsx", "actor": p.chair},
        [
            "Victims Code Action Tracker",
            "",
            "Hello Lee Lead,",
            "",
            "The plan was brought into the tracker from plan.xlsx by Cat Chair. 1 action is now yours:",
            "",
            "- VV-101: Revise the acknowledgement letter (due 31 March 2027)",
            "  http://127.0.0.1:5000/actions/VV-101",
            "",
            "Open each action to see what is needed and post your updates.",
            "",
        ]
        + FOOTER,
    ),
}


@pytest.mark.parametrize("kind", [*sorted(MAIL_KINDS), "import_assigned"])
def test_the_text_part_reads_line_by_line(kind, people, app):
    template, recipient, context, expected = CASES[kind](people)
    action = people.action if "action" in template or "closure" in template or "extension" in template else None
    text, _ = render_email(template, subject="Subject", context=context, to_user=recipient, action=action)
    assert text.split("\n") == expected
