"""Access rules for recommendations: everyone signed in reads; the chair and admins manage; the lead decides status."""

from tests.access import MANAGERS_POST, READ_ALL

LEAD_POST = {"anon": 302, "viewer": 403, "lead": "ok", "other_lead": 403, "chair": "ok", "admin": "ok"}


def SETUP(data, make):
    """A report with one recommendation led by the lead, answered by the lead's action."""
    data.source = make.source(title="PEEL 2027: victim service assessment")
    data.recommendation = make.recommendation(source=data.source, lead=data.lead, actions=[data.action])


def _source(d):
    return {"source_id": d.source.id}


def _recommendation(d):
    return {"recommendation_id": d.recommendation.id}


RULES = {
    "recommendations.source_list": {"method": "GET", "args": lambda d: {}, "expect": READ_ALL},
    "recommendations.source_detail": {"method": "GET", "args": _source, "expect": READ_ALL},
    "recommendations.recommendation_detail": {"method": "GET", "args": _recommendation, "expect": READ_ALL},
    "recommendations.new_source": {"method": "POST", "args": lambda d: {}, "expect": MANAGERS_POST},
    "recommendations.edit_source": {"method": "POST", "args": _source, "expect": MANAGERS_POST},
    "recommendations.new_recommendation": {"method": "POST", "args": _source, "expect": MANAGERS_POST},
    "recommendations.edit_recommendation": {"method": "POST", "args": _recommendation, "expect": MANAGERS_POST},
    "recommendations.link_action": {"method": "POST", "args": _recommendation, "expect": MANAGERS_POST},
    "recommendations.unlink_action": {
        "method": "POST",
        "args": lambda d: {"recommendation_id": d.recommendation.id, "action_id": d.action.id},
        "expect": MANAGERS_POST,
    },
    "recommendations.import_rows": {"method": "POST", "args": _source, "expect": MANAGERS_POST},
    "recommendations.confirm_import": {"method": "POST", "args": _source, "expect": MANAGERS_POST},
    "recommendations.change_status": {"method": "POST", "args": _recommendation, "expect": LEAD_POST},
}
