"""The read-only JSON API under /api/v1, for analysts' tools such as Power BI.

Authentication is a personal access token in an `Authorization: Bearer` header and nothing
else: no session cookie is read, so no other site can make a signed-in browser call it, and
there is no CSRF to guard (the API only answers GET). Every request made with a token writes
one audit event, so an admin can see exactly what each token read, when and from where.
"""

from flask import current_app, jsonify, request

from tracker.api import bp, tokens
from tracker.api.openapi import openapi_document
from tracker.api.queries import open_actions_per_right, timeline_of
from tracker.api.serialise import action_json, entry_json, right_json, summary_json
from tracker.audit.services import record
from tracker.common.dates import local_today
from tracker.common.input import is_whole_number
from tracker.common.proxies import external_url
from tracker.common.types import utcnow
from tracker.extensions import csrf, db
from tracker.plan.brag import current_thresholds
from tracker.plan.queries import ActionFilters, filtered_actions
from tracker.plan.services import action_by_reference
from tracker.reference.queries import rights_in_force

csrf.exempt(bp)
PUBLIC_ENDPOINTS = {"api.openapi"}


def api_error(status, message, **headers):
    response = jsonify(error=message, status=status)
    response.status_code = status
    response.headers.update(headers)
    return response


def _unauthorised(message):
    return api_error(401, message, **{"WWW-Authenticate": 'Bearer realm="api", error="invalid_token"'})


@bp.before_request
def authenticate_token():
    """Let a request through only with a working token; audit its use."""
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return _unauthorised("Send a personal access token in the header: Authorization: Bearer <token>")
    token, problem = tokens.authenticate(secret.strip())
    if problem:
        if token is not None:
            record(
                "api.refused",
                obj=token,
                actor=token.user,
                summary=f"{request.method} {request.full_path.rstrip('?')} refused: token {problem}",
            )
            db.session.commit()
        return _unauthorised("The token is not valid. It may have been revoked or have expired")
    token.last_used_at = utcnow()
    record(
        "api.read",
        obj=token,
        actor=token.user,
        summary=f"{request.method} {request.full_path.rstrip('?')} with token '{token.name}'",
    )
    db.session.commit()
    return None


@bp.after_request
def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


def _positive(name, default, highest=None):
    raw = request.args.get(name)
    if raw is None:
        return default, None
    if not is_whole_number(raw) or int(raw) < 1:
        return None, f"{name} must be a whole number of 1 or more"
    value = int(raw)
    if highest and value > highest:
        return None, f"{name} must be {highest} or fewer"
    return value, None


def _page_link(page, per_page):
    args = request.args.to_dict(flat=False)
    args.update(page=[str(page)], per_page=[str(per_page)])
    return external_url("api.actions", **args)


@bp.route("/actions")
def actions():
    """Actions matching the action list's filters, a page at a time."""
    page, problem = _positive("page", 1)
    per_page, problem_size = _positive(
        "per_page", current_app.config["API_PAGE_SIZE"], current_app.config["API_MAX_PAGE_SIZE"]
    )
    if problem or problem_size:
        return api_error(400, problem or problem_size)
    today = local_today()
    filters = ActionFilters.from_args(request.args)
    result = db.paginate(filtered_actions(filters, today), page=page, per_page=per_page, error_out=False, count=True)
    thresholds = current_thresholds()
    pages = max(result.pages, 1)
    links = {"self": _page_link(page, per_page), "first": _page_link(1, per_page), "last": _page_link(pages, per_page)}
    links["next"] = _page_link(page + 1, per_page) if page < result.pages else None
    links["prev"] = _page_link(min(page - 1, pages), per_page) if page > 1 else None
    return jsonify(
        data=[action_json(action, today, thresholds) for action in result.items],
        meta={
            "page": page,
            "per_page": per_page,
            "total": result.total,
            "pages": result.pages,
            "date": today.isoformat(),
        },
        links=links,
    )


@bp.route("/actions/<reference>")
def action(reference):
    """One action with its whole timeline."""
    found = action_by_reference(reference)
    if found is None:
        return api_error(404, f"No action has the reference {reference}")
    today = local_today()
    entries = timeline_of(found)
    body = action_json(found, today, current_thresholds())
    body["timeline"] = [entry_json(entry) for entry in entries]
    return jsonify(data=body)


@bp.route("/rights")
def rights():
    """The rights of the Victims' Code edition in use, with how many open actions serve each."""
    open_counts = open_actions_per_right()
    return jsonify(data=[right_json(right, open_counts.get(right.id, 0)) for right in rights_in_force()])


@bp.route("/summary")
def summary():
    """Counts of actions by BRAG, overall and by department, priority and right (the list's filters apply)."""
    today = local_today()
    return jsonify(data=summary_json(ActionFilters.from_args(request.args), today, current_thresholds()))


@bp.route("/openapi.json")
def openapi():
    """The OpenAPI 3.1 description of this API (no token needed)."""
    config = current_app.config
    server = external_url("api.actions").rsplit("/actions", 1)[0]
    return jsonify(openapi_document(server, config["API_PAGE_SIZE"], config["API_MAX_PAGE_SIZE"]))
