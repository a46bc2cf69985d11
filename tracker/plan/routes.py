"""Reading the plan: the action list, my actions, an action's page, its history and its evidence."""

from io import BytesIO

from flask import abort, render_template, request, send_file, url_for
from flask_login import current_user, login_required
from markupsafe import Markup

from tracker.common.dates import local_today
from tracker.common.input import page_number
from tracker.common.revision import per_revision
from tracker.common.templating import PLAN_FIRST, add_navigation
from tracker.extensions import db
from tracker.plan import bp
from tracker.plan.evidence import all_evidence, size_text
from tracker.plan.models import Evidence, Rag
from tracker.plan.pages import load_action, rag_of, rags_of
from tracker.plan.queries import (
    ActionFilters,
    action_events,
    department_open_actions,
    filter_choices,
    filtered_actions,
    owned_open_actions,
    recently_closed_actions,
)
from tracker.plan.services import pending_closure, pending_extension
from tracker.plan.timeline import facts, heading, timeline_page

add_navigation("My actions", "plan.my_actions", lambda user: user.is_lead, order=PLAN_FIRST)
add_navigation("Actions", "plan.action_list", order=PLAN_FIRST)

LIST_PAGE_SIZE = 25
HISTORY_PAGE_SIZE = 50
DEPARTMENT_LIMIT = 50
SEVERITY = {Rag.RED.value: 0, Rag.AMBER.value: 1, Rag.GREEN.value: 2, Rag.BLUE.value: 3, None: 4}


def _page_number():
    return page_number()


@bp.route("")
@login_required
def action_list():
    """Find actions by status, BRAG, owner, department, right, priority, due date or words."""
    filters = ActionFilters.from_args(request.args)
    today = local_today()

    def list_html():
        query = filtered_actions(filters, today, with_links=False)
        page = db.paginate(query, page=_page_number(), per_page=LIST_PAGE_SIZE, error_out=False)
        return Markup(
            render_template(
                "plan/_action_list_body.html",
                filters=filters,
                page=page,
                rags=rags_of(page.items, today),
                choices=filter_choices(),
                args=filters.to_args(),
            )
        )

    vary = (f"deciding={current_user.can_manage_plan}", request.query_string.decode("latin-1"))
    body = per_revision("action-list", list_html, day=today, vary=vary)
    return render_template("kept_page.html", title="Actions", body=body)


def _by_urgency(actions, rags):
    return sorted(actions, key=lambda a: (SEVERITY[rags[a.id].rag], a.current_due_date, a.id))


@bp.route("/by-right")
@login_required
def rights_grid():
    """How many actions support each right of the Code, by BRAG, with rights that have no open action flagged."""
    from tracker.plan.dashboard import rights_grid as grid

    today = local_today()

    def grid_html():
        return Markup(render_template("plan/_rights_body.html", rights=grid(today), today=today))

    body = per_revision("rights-grid", grid_html, day=today, vary=(f"deciding={current_user.can_manage_plan}",))
    return render_template("kept_page.html", title="Actions by Victims' Code right", body=body)


@bp.route("/mine")
@login_required
def my_actions():
    """The actions the signed-in person owns, and the rest of their department's open actions."""
    today = local_today()
    owned = owned_open_actions(current_user)
    department_total, department = department_open_actions(current_user, DEPARTMENT_LIMIT)
    closed = recently_closed_actions(current_user)
    rags = rags_of([*owned, *department, *closed], today)
    return render_template(
        "plan/my_actions.html",
        owned=_by_urgency(owned, rags),
        department=_by_urgency(department, rags),
        department_total=department_total,
        closed=closed,
        rags=rags,
        owned_counts={rag: sum(1 for a in owned if rags[a.id].rag == rag) for rag in ("red", "amber", "green")},
    )


@bp.route("/<reference>")
@login_required
def action_detail(reference):
    """One action: where it stands and why, what is waiting for a decision, evidence and timeline."""
    today = local_today()

    def action_html():
        action = load_action(reference)
        evidence = all_evidence(action)
        body = render_template(
            "plan/_action_detail_body.html",
            action=action,
            rag=rag_of(action, today),
            extension=pending_extension(action),
            closure=pending_closure(action),
            evidence=evidence,
            timeline=timeline_page(action, _page_number()),
            heading=heading,
            facts=facts,
        )
        return {"title": f"{action.reference}: {action.title}", "body": Markup(body)}

    # What a reader may do with the action (update, edit, decide) is part of the page: kept per reader.
    vary = (f"reader={current_user.id}", reference, request.query_string.decode("latin-1"))
    kept = per_revision("action", action_html, day=today, vary=vary)
    back = {"href": url_for("plan.action_list"), "text": "All actions"}
    return render_template("kept_page.html", title=kept["title"], body=kept["body"], back=back)


@bp.route("/<reference>/history")
@login_required
def action_history(reference):
    """Every audit event recorded against the action, newest first."""
    action = load_action(reference)
    page = db.paginate(action_events(action), page=_page_number(), per_page=HISTORY_PAGE_SIZE, error_out=False)
    return render_template("plan/action_history.html", action=action, page=page)


@bp.route("/<reference>/evidence/<int:evidence_id>")
@login_required
def download_evidence(reference, evidence_id):
    """Send an evidence file as a download, never shown inline, with its checked type."""
    action = load_action(reference)
    evidence = db.session.get(Evidence, evidence_id)
    if evidence is None or evidence.action_id != action.id or evidence.is_link:
        abort(404)
    response = send_file(
        BytesIO(evidence.content),
        mimetype=evidence.content_type,
        as_attachment=True,
        download_name=evidence.filename,
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.app_template_filter("file_size")
def file_size(count):
    """'2.5MB', '340KB'."""
    return size_text(count or 0)
