"""Access rules for recommendations: everyone signed in reads; the chair and admins manage; the lead decides status.

The chair and admins draft, word, approve and publish responses; everyone signed in reads published ones."""

from tests.access import MANAGERS_POST, READ_ALL

LEAD_POST = {"anon": 302, "viewer": 403, "lead": "ok", "other_lead": 403, "chair": "ok", "admin": "ok"}


def SETUP(data, make):
    """A report with one recommendation led by the lead, answered by the lead's action."""
    data.source = make.source(title="PEEL 2027: victim service assessment")
    data.recommendation = make.recommendation(source=data.source, lead=data.lead, actions=[data.action])
    _responses(data, make)


def _responses(data, make):
    """A draft response to the report, and another report whose response is published."""
    from tracker.extensions import db
    from tracker.recommendations import responses

    data.draft_response = responses.draft_response(data.source, data.chair)
    data.answered = make.source(title="Meeting the needs of victims in the criminal justice system")
    make.recommendation(source=data.answered, lead=data.lead, actions=[data.action])
    data.published_response = responses.draft_response(data.answered, data.chair)
    responses.approve_response(data.published_response, data.chair)
    responses.publish_response(data.published_response, data.chair)
    db.session.commit()


def _source(d):
    return {"source_id": d.source.id}


def _recommendation(d):
    return {"recommendation_id": d.recommendation.id}


def _draft(d):
    return {"source_id": d.source.id, "response_id": d.draft_response.id}


def _published(d):
    return {"source_id": d.answered.id, "response_id": d.published_response.id}


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
    "recommendations.draft_response": {
        "method": "POST",
        "args": lambda d: {"source_id": d.answered.id},
        "expect": MANAGERS_POST,
    },
    "recommendations.response": {"method": "GET", "args": _published, "expect": READ_ALL},
    "recommendations.edit_response": {"method": "POST", "args": _draft, "expect": MANAGERS_POST},
    "recommendations.approve_response": {"method": "POST", "args": _draft, "expect": MANAGERS_POST},
    "recommendations.publish_response": {"method": "POST", "args": _draft, "expect": MANAGERS_POST},
    "recommendations.response_download": {"method": "GET", "args": _published, "expect": READ_ALL},
}
