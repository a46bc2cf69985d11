"""The OpenAPI 3.1 description of the read-only API; tests check the answers against it."""

from tracker.plan.models import Rag, Source, Status
from tracker.plan.queries import DUE_WINDOWS, SORTS
from tracker.recommendations.models import Addressee, Body, RecommendationStatus

DATE = {"type": "string", "format": "date"}
NULLABLE_DATE = {"type": ["string", "null"], "format": "date"}
NULLABLE_MOMENT = {"type": ["string", "null"], "format": "date-time"}
RAG_VALUES = [rag.value for rag in Rag]


def _object(properties, required=None):
    return {
        "type": "object",
        "properties": properties,
        "required": list(required if required is not None else properties),
        "additionalProperties": False,
    }


def _ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def _action_properties():
    return {
        "reference": {"type": "string", "examples": ["VV-014"]},
        "title": {"type": "string"},
        "description": {"type": "string"},
        "source": {"type": "string", "enum": [source.value for source in Source]},
        "source_label": {"type": "string"},
        "owner": _object({"name": {"type": "string"}, "email": {"type": "string", "format": "email"}}),
        "department": _object({"id": {"type": "integer"}, "name": {"type": "string"}}),
        "rights": {"type": "array", "items": {"type": "integer"}, "description": "Numbers of the Code's rights."},
        "priorities": {"type": "array", "items": {"type": "integer"}},
        "touchpoints": {"type": "array", "items": {"type": "string"}},
        "start_date": DATE,
        "original_due_date": DATE,
        "current_due_date": {**DATE, "description": "Moves when the chair approves an extension."},
        "extension_count": {"type": "integer", "minimum": 0},
        "status": {"type": "string", "enum": [status.value for status in Status]},
        "status_label": {"type": "string"},
        "progress": {"type": "integer", "minimum": 0, "maximum": 100},
        "declared_rag": {"type": ["string", "null"], "enum": RAG_VALUES + [None], "description": "The owner's RAG."},
        "rule_rag": {
            "type": ["string", "null"],
            "enum": RAG_VALUES + [None],
            "description": "The BRAG the tracker's rules give today; null for a cancelled action.",
        },
        "rule_rag_reasons": {"type": "array", "items": {"type": "string"}},
        "success_measure": {"type": "string"},
        "completed_on": NULLABLE_DATE,
        "last_update_at": NULLABLE_MOMENT,
    }


def _recommendation_schemas():
    statuses = [status.value for status in RecommendationStatus]
    bodies = {"type": "string", "enum": [body.value for body in Body]}
    source = _object(
        {
            "id": {"type": "integer", "description": "Use as the `source` filter of /recommendations."},
            "body": bodies,
            "body_label": {"type": "string"},
            "title": {"type": "string"},
            "published_on": DATE,
            "link": {"type": ["string", "null"], "format": "uri"},
            "response_days": {
                "type": ["integer", "null"],
                "description": "Calendar days after publication to publish a response; null when none is required.",
            },
            "response_due_on": NULLABLE_DATE,
            "responded_on": {**NULLABLE_DATE, "description": "When the response was published."},
            "response_days_left": {
                "type": ["integer", "null"],
                "description": "Days from meta.date to the due date, negative once overdue; null when not waiting.",
            },
            "response_overdue": {"type": "boolean"},
            "recommendations": {"type": "integer", "minimum": 0},
            "by_status": _object({status: {"type": "integer", "minimum": 0} for status in statuses}),
        }
    )
    recommendation = _object(
        {
            "id": {"type": "integer"},
            "source": _object({"id": {"type": "integer"}, "body": bodies, "title": {"type": "string"}}),
            "reference": {"type": "string", "examples": ["Recommendation 3", "AFI 2"]},
            "text": {"type": "string"},
            "addressed_to": {"type": "string", "enum": [addressee.value for addressee in Addressee]},
            "addressed_to_label": {"type": "string"},
            "lead": _object({"name": {"type": "string"}, "email": {"type": "string", "format": "email"}}),
            "status": {"type": "string", "enum": statuses},
            "status_label": {"type": "string"},
            "status_reason": {"type": "string"},
            "status_changed_at": NULLABLE_MOMENT,
            "actions": {
                "type": "array",
                "items": {"type": "string"},
                "description": "References of the actions that answer it, as in /actions/{reference}.",
            },
            "rights": {"type": "array", "items": {"type": "integer"}, "description": "Numbers of the Code's rights."},
            "priorities": {"type": "array", "items": {"type": "integer"}},
        }
    )
    return {
        "RecommendationSource": source,
        "RecommendationSourceList": _object(
            {
                "data": {"type": "array", "items": _ref("RecommendationSource")},
                "meta": _object({"date": {**DATE, "description": "The day the clocks were read."}}),
            }
        ),
        "Recommendation": recommendation,
        "RecommendationList": _object({"data": {"type": "array", "items": _ref("Recommendation")}}),
        "RecommendationDetail": _object({"data": _ref("Recommendation")}),
    }


def _counts():
    keys = ("blue", "red", "amber", "green", "not_rated", "total")
    return _object({key: {"type": "integer", "minimum": 0} for key in keys})


def _group(extra):
    return {"type": "array", "items": _object({**extra, "counts": _ref("Counts")})}


def schemas():
    """The component schemas."""
    entry = _object(
        {
            "at": {"type": "string", "format": "date-time"},
            "kind": {"type": "string"},
            "kind_label": {"type": "string"},
            "author": {"type": ["string", "null"]},
            "narrative": {"type": "string"},
            "status": {"type": ["string", "null"]},
            "progress": {"type": ["integer", "null"]},
            "declared_rag": {"type": ["string", "null"]},
        }
    )
    link = {"type": ["string", "null"], "format": "uri"}
    numbered = {"id": {"type": "integer"}, "number": {"type": "integer"}, "title": {"type": "string"}}
    return {
        "Error": _object({"error": {"type": "string"}, "status": {"type": "integer"}}),
        "Action": _object(_action_properties()),
        "ActionWithTimeline": _object({**_action_properties(), "timeline": {"type": "array", "items": _ref("Entry")}}),
        "Entry": entry,
        "ActionPage": _object(
            {
                "data": {"type": "array", "items": _ref("Action")},
                "meta": _object(
                    {
                        "page": {"type": "integer"},
                        "per_page": {"type": "integer"},
                        "total": {"type": "integer"},
                        "pages": {"type": "integer"},
                        "date": {**DATE, "description": "The day BRAG was worked out for."},
                    }
                ),
                "links": _object({name: link for name in ("self", "first", "last", "next", "prev")}),
            }
        ),
        "ActionDetail": _object({"data": _ref("ActionWithTimeline")}),
        "Right": _object(
            {
                "id": {"type": "integer", "description": "Use as the `right` filter of /actions."},
                "edition": {"type": "string"},
                "number": {"type": "integer"},
                "title": {"type": "string"},
                "summary": {"type": "string"},
                "open_actions": {"type": "integer", "minimum": 0},
            }
        ),
        "RightList": _object({"data": {"type": "array", "items": _ref("Right")}}),
        "Counts": _counts(),
        "Summary": _object(
            {
                "data": _object(
                    {
                        "date": DATE,
                        "counts": _ref("Counts"),
                        "by_department": _group({"id": {"type": "integer"}, "name": {"type": "string"}}),
                        "by_priority": _group(numbered),
                        "by_right": _group(numbered),
                    }
                )
            }
        ),
        **_recommendation_schemas(),
    }


def _query(name, description, schema, explode=None):
    parameter = {"name": name, "in": "query", "required": False, "description": description, "schema": schema}
    if explode is not None:
        parameter.update(style="form", explode=explode)
    return parameter


FILTERS = [
    _query("q", "Words in the reference, title or description.", {"type": "string"}),
    _query(
        "status",
        "Repeat to match any of several statuses.",
        {"type": "array", "items": {"type": "string", "enum": [s.value for s in Status]}},
        True,
    ),
    _query(
        "rag",
        "Rule BRAG today; repeat for several.",
        {"type": "array", "items": {"type": "string", "enum": RAG_VALUES}},
        True,
    ),
    _query("owner", "Owner's user id.", {"type": "integer"}),
    _query("department", "Department id (see department.id on actions).", {"type": "integer"}),
    _query("right", "Right id, from /rights.", {"type": "integer"}),
    _query("priority", "Priority id.", {"type": "integer"}),
    _query(
        "due",
        "; ".join(f"{key}: {label}" for key, label in DUE_WINDOWS.items()),
        {"type": "string", "enum": list(DUE_WINDOWS)},
    ),
    _query("open", "1 for open actions only.", {"type": "string", "enum": ["1"]}),
    _query("sort", "Order of the results.", {"type": "string", "enum": list(SORTS)}),
]


def _recommendation_filters():
    return [
        _query("source", "Id of a report or review, from /recommendation-sources.", {"type": "integer"}),
        _query(
            "status",
            "Repeat to match any of several statuses.",
            {"type": "array", "items": {"type": "string", "enum": [s.value for s in RecommendationStatus]}},
            True,
        ),
    ]


RECOMMENDATION_FILTERS = _recommendation_filters()


def _paging(default, highest):
    return [
        _query("page", "Page number, from 1.", {"type": "integer", "minimum": 1, "default": 1}),
        _query(
            "per_page", "Actions per page.", {"type": "integer", "minimum": 1, "maximum": highest, "default": default}
        ),
    ]


def _response(description, schema):
    return {"description": description, "content": {"application/json": {"schema": _ref(schema)}}}


ERRORS = {
    "401": _response("No token, or a token that is revoked, expired or unknown.", "Error"),
}


def _operation(operation_id, summary, response, parameters=(), extra=None):
    responses = {"200": _response(summary, response), **ERRORS, **(extra or {})}
    return {
        "get": {"operationId": operation_id, "summary": summary, "parameters": list(parameters), "responses": responses}
    }


def openapi_document(server_url, page_size=50, max_page_size=500):
    """The whole OpenAPI 3.1 document for a server URL ending in /api/v1."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Victims Code Action Tracker API",
            "version": "1.0.0",
            "description": (
                "Read-only access to the improvement plan. Create a personal access token on your account "
                "page and send it as `Authorization: Bearer <token>`. Every request is recorded in the audit log."
            ),
        },
        "servers": [{"url": server_url}],
        "security": [{"bearerAuth": []}],
        "paths": {
            "/actions": _operation(
                "listActions",
                "Actions, filtered like the action list, a page at a time",
                "ActionPage",
                FILTERS + _paging(page_size, max_page_size),
                {"400": _response("A paging value that is not a positive whole number.", "Error")},
            ),
            "/actions/{reference}": _operation(
                "getAction",
                "One action and its timeline",
                "ActionDetail",
                [{"name": "reference", "in": "path", "required": True, "schema": {"type": "string"}}],
                {"404": _response("No action has this reference.", "Error")},
            ),
            "/rights": _operation("listRights", "The rights of the Victims' Code in use", "RightList"),
            "/summary": _operation("getSummary", "Counts of actions by BRAG", "Summary", FILTERS),
            "/recommendation-sources": _operation(
                "listRecommendationSources",
                "Inspection reports and reviews, newest first, with their response clocks",
                "RecommendationSourceList",
            ),
            "/recommendations": _operation(
                "listRecommendations",
                "Recommendations, with the actions that answer them and their rights and priorities",
                "RecommendationList",
                RECOMMENDATION_FILTERS,
                {"400": _response("A source that is not an id, or an unknown status.", "Error")},
            ),
            "/recommendations/{id}": _operation(
                "getRecommendation",
                "One recommendation",
                "RecommendationDetail",
                [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
                {"404": _response("No recommendation has this id.", "Error")},
            ),
            "/openapi.json": {
                "get": {
                    "operationId": "getOpenApi",
                    "summary": "This document",
                    "security": [],
                    "responses": {"200": {"description": "The OpenAPI document", "content": {"application/json": {}}}},
                }
            },
        },
        "components": {
            "schemas": schemas(),
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer", "description": "A personal access token."}
            },
        },
    }
