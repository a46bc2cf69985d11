"""Access rules for imports, exports, API tokens, the calendar feed and the JSON API.

Imports change the plan for every department, so only admins reach them. Exports, the
template and the API are read-only views of the plan that every role may read (every
signed-in role reads the whole plan). The API answers bearer tokens only: without a
token, signed in or not, it answers 401; with a token, every role reads. The calendar feed's
secret URL is its only credential.
"""

from tests.access import ADMIN_ONLY, ADMIN_POST, PUBLIC, READ_ALL, ROLES, SIGNED_IN_POST
from tracker.api import tokens
from tracker.calendar import feeds
from tracker.common.dates import local_today
from tracker.extensions import db
from tracker.spreadsheets import services

API = {"anon": 401, "viewer": 200, "lead": 200, "other_lead": 200, "chair": 200, "admin": 200}


def SETUP(data, make):
    """A checked import batch, a token per role, a calendar link and another person's token."""
    data.api_secrets = {}
    for role in ROLES[1:]:
        _, data.api_secrets[role] = tokens.create_token(data.users[role], f"{role} token", 90)
    data.lead_token, _ = tokens.create_token(data.users["lead"], "Lead's Power BI", 90)
    data.calendar_secret = feeds.reset_calendar_link(data.users["viewer"])
    csv = b"Reference,Title,Owner,Due date\n,Publish the survey,%s,30/09/2026\n" % data.users["lead"].email.encode()
    data.batch = services.start_import("plan.csv", csv, data.users["admin"])
    services.dry_run(data.batch, local_today())
    # A file naming a department the tracker does not have: the admin is asked what it is.
    csv = b"Title,Owner,Department,Due date\nTrain the call handlers,%s,Estates,30/09/2026\n" % (
        data.users["lead"].email.encode()
    )
    data.names_batch = services.start_import("unmatched.csv", csv, data.users["admin"])
    services.dry_run(data.names_batch, local_today())
    db.session.commit()


def _bearer(data, role):
    return {"Authorization": f"Bearer {data.api_secrets[role]}"} if role != "anon" else {}


def _api(args=lambda d: {}):
    return {"method": "GET", "args": args, "expect": API, "headers": _bearer}


RULES = {
    "spreadsheets.imports": {"method": "GET", "args": lambda d: {}, "expect": ADMIN_ONLY},
    "spreadsheets.new_import": {"method": "GET", "args": lambda d: {}, "expect": ADMIN_ONLY},
    "spreadsheets.import_columns": {"method": "GET", "args": lambda d: {"batch_id": d.batch.id}, "expect": ADMIN_ONLY},
    "spreadsheets.import_names": {
        "method": "GET",
        "args": lambda d: {"batch_id": d.names_batch.id},
        "expect": ADMIN_ONLY,
    },
    "spreadsheets.import_batch": {"method": "GET", "args": lambda d: {"batch_id": d.batch.id}, "expect": ADMIN_ONLY},
    "spreadsheets.import_progress": {"method": "GET", "args": lambda d: {"batch_id": d.batch.id}, "expect": ADMIN_ONLY},
    "spreadsheets.confirm_import": {"method": "POST", "args": lambda d: {"batch_id": d.batch.id}, "expect": ADMIN_POST},
    "spreadsheets.import_template": {"method": "GET", "args": lambda d: {}, "expect": READ_ALL},
    "spreadsheets.export_xlsx": {"method": "GET", "args": lambda d: {}, "expect": READ_ALL},
    "spreadsheets.export_csv": {"method": "GET", "args": lambda d: {"status": "in_progress"}, "expect": READ_ALL},
    "tokens.api_tokens": {"method": "GET", "args": lambda d: {}, "expect": READ_ALL},
    "tokens.new_api_token": {"method": "GET", "args": lambda d: {}, "expect": READ_ALL},
    # Your own token, or anyone's if you are an admin.
    "tokens.revoke_api_token": {
        "method": "POST",
        "args": lambda d: {"token_id": d.lead_token.id},
        "expect": {"anon": 302, "viewer": 403, "lead": "ok", "other_lead": 403, "chair": 403, "admin": "ok"},
    },
    "calendar.settings": {"method": "GET", "args": lambda d: {}, "expect": READ_ALL},
    "calendar.reset_link": {"method": "POST", "args": lambda d: {}, "expect": SIGNED_IN_POST},
    "calendar.remove_link": {"method": "POST", "args": lambda d: {}, "expect": SIGNED_IN_POST},
    "calendar.feed": {"method": "GET", "args": lambda d: {"secret": d.calendar_secret}, "expect": PUBLIC},
    "api.actions": _api(),
    "api.action": _api(lambda d: {"reference": d.action.reference}),
    "api.rights": _api(),
    "api.summary": _api(),
    "api.recommendation_sources": _api(),
    "api.recommendations": _api(),
    "api.recommendation": _api(lambda d: {"recommendation_id": d.recommendation.id}),
    "api.openapi": {"method": "GET", "args": lambda d: {}, "expect": PUBLIC},
}
