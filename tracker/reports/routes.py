"""Report pages: the archive, draft previews, the chair's notes, build, publish and download."""

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.datastructures import MultiDict

from tracker.auth.permissions import build_reports, manage_users
from tracker.common.dates import local_today
from tracker.common.permissions import ensure, require
from tracker.common.quarters import Quarter, quarter_of
from tracker.common.templating import add_navigation, pluralise
from tracker.common.types import utcnow
from tracker.extensions import db
from tracker.reports import bp, builds, services
from tracker.reports.delivery import deliveries, delivery_summary
from tracker.reports.forms import NotesForm, QuarterForm, WithdrawForm
from tracker.reports.models import BuildState, PublishedReportChanged
from tracker.reports.queries import reports_of_quarter
from tracker.reports.render import report_context
from tracker.reports.snapshot import build_snapshot

add_navigation("Reports", "reports.archive")

# Two people building or publishing the same report at once: the unique quarter, the outbox's
# unique keys, the report's version number and its published guard let one win; the other is told.
SIMULTANEOUS = (IntegrityError, StaleDataError, PublishedReportChanged)

# A build still waiting after this long: the scheduler that builds reports is probably not running.
NOT_STARTED_SECONDS = 120


def _started(quarter):
    """404 for a quarter that has not begun: there is nothing to report."""
    if quarter > quarter_of(local_today()):
        abort(404)
    return quarter


def _stored(quarter, *, report_id=None, with_files=False):
    """The report asked for: one build by id, or else the quarter's live report, or else its latest.

    A board member whose quarter has a corrected report still awaiting approval sees the withdrawn one.
    """
    reports = reports_of_quarter(quarter, report_id=report_id, with_files=with_files) or abort(404)
    readable = [report for report in reports if services.can_read(report, current_user)]
    ensure(bool(readable))
    return readable[0]


def _pdf_response(pdf, quarter, *, draft=False):
    name = services.file_name(quarter)
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{"draft-" if draft else ""}{name}"'
    return response


@bp.route("/")
@login_required
def archive():
    """List every quarter's report, and let the chair prepare one."""
    reports = services.reports_visible_to(current_user)
    form = QuarterForm(formdata=None) if current_user.can_build_reports else None
    return render_template("reports/archive.html", reports=reports, form=form)


@bp.route("/prepare")
@require(build_reports)
def prepare():
    """Go to the draft of the chosen quarter."""
    form = QuarterForm(MultiDict({"quarter": request.args.get("quarter", "").lower()}))
    if not form.validate():
        reports = services.reports_visible_to(current_user)
        return render_template("reports/archive.html", reports=reports, form=form), 400
    return redirect(url_for("reports.draft", quarter=Quarter.from_slug(form.quarter.data)))


@bp.route("/<quarter:quarter>/draft")
@require(build_reports)
def draft(quarter):
    """Preview the quarter's report as it would be built now, in the browser."""
    snapshot = build_snapshot(_started(quarter))
    report = services.report_for(quarter)
    withdrawn = None if report else next(iter(services.reports_of(quarter)), None)
    return render_template(
        "reports/draft.html",
        quarter=quarter,
        report=report,
        active_build=builds.active_build(quarter),
        active_draft=builds.active_draft(quarter),
        withdrawn=withdrawn,
        today=local_today(),
        buildable=services.can_build(quarter),
        not_yet=services.not_yet_message(quarter),
        **report_context(snapshot, draft=True, screen=True),
    )


@bp.route("/<quarter:quarter>/draft-pdf", methods=["POST"])
@require(build_reports)
def make_draft(quarter):
    """Ask for a draft PDF of the quarter's report: the scheduler makes it, and the progress page follows."""
    try:
        builds.request_draft(_started(quarter), current_user)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # someone else asked at the same moment: follow their draft
    return redirect(url_for("reports.drafting", quarter=quarter))


def _not_started(build):
    """Whether a build has waited so long that the scheduler process may not be running."""
    waiting = build is not None and build.state == BuildState.QUEUED
    return waiting and (utcnow() - build.requested_at).total_seconds() > NOT_STARTED_SECONDS


def _draft_status(quarter):
    draft = builds.latest_draft(_started(quarter))
    made = draft if draft is not None and draft.state == BuildState.DONE else builds.made_draft(quarter)
    # While a new draft is on its way the page follows it; otherwise it offers the made one, saying if it is out of date.
    offered = made if made is not None and not (draft and draft.is_active) else None
    html = render_template(
        "reports/_draft_status.html",
        draft=draft,
        made=offered,
        stale=offered is not None and builds.draft_is_stale(offered),
        quarter=quarter,
        not_started=_not_started(draft),
    )
    return draft, html


@bp.route("/<quarter:quarter>/draft-pdf")
@require(build_reports)
def drafting(quarter):
    """How the quarter's latest draft PDF is going, and the made one to download; the page's script follows it."""
    draft, status = _draft_status(quarter)
    return render_template("reports/drafting.html", quarter=quarter, draft=draft, status=Markup(status))


@bp.route("/<quarter:quarter>/draft-pdf.json")
@require(build_reports)
def draft_status(quarter):
    """The latest draft's state and its status text, for the progress page's script."""
    draft, status = _draft_status(quarter)
    return {"state": draft.state if draft else "none", "html": status}


@bp.route("/<quarter:quarter>/draft.pdf")
@require(build_reports)
def draft_pdf(quarter):
    """Download the quarter's draft PDF as it was made; to the draft PDF's page when none has been made."""
    made = builds.made_draft(_started(quarter), with_pdf=True)
    if made is None:
        return redirect(url_for("reports.drafting", quarter=quarter))
    return _pdf_response(made.pdf, quarter, draft=True)


@bp.route("/<quarter:quarter>/decisions", methods=["GET", "POST"])
@require(build_reports)
def notes(quarter):
    """Write the decisions the chair asks of the subgroup in the quarter's report."""
    _started(quarter)
    report = services.report_for(quarter)
    if report is not None and report.is_published:
        flash(f"The {quarter.label} report is published, so its decisions cannot change.", "warning")
        return redirect(url_for("reports.show", quarter=quarter))
    existing = services.notes_for(quarter)
    form = NotesForm(obj=existing)
    if request.method == "GET":
        form.version_id.data = str(existing.version_id) if existing else ""
    if form.validate_on_submit():
        if existing is not None and form.version_id.data != str(existing.version_id):
            flash(
                "Someone else changed these decisions while you were editing. Check theirs and save again.", "warning"
            )
            form.version_id.data = str(existing.version_id)
            return render_template(
                "reports/notes.html", form=form, quarter=quarter, report=report, theirs=existing
            ), 409
        services.save_notes(quarter, form.decisions.data or "", current_user, form.include_meetings.data)
        db.session.commit()
        advice = "Rebuild the report to include them." if report is not None else "The report will include them."
        flash(f"Decisions and sections for {quarter.label} saved. {advice}", "success")
        return redirect(url_for("reports.show" if report else "reports.draft", quarter=quarter))
    return render_template("reports/notes.html", form=form, quarter=quarter, report=report)


@bp.route("/<quarter:quarter>/build", methods=["POST"])
@require(build_reports)
def build(quarter):
    """Ask for the quarter's report to be built: the scheduler builds it, and the progress page follows."""
    try:
        builds.request_build(_started(quarter), current_user)
        db.session.commit()
    except services.QuarterNotOver as early:
        flash(str(early), "warning")
        return redirect(url_for("reports.draft", quarter=quarter))
    except services.ReportLocked as locked:
        flash(str(locked), "warning")
        return redirect(url_for("reports.show", quarter=quarter))
    except IntegrityError:
        db.session.rollback()  # someone else asked at the same moment: follow their build
    return redirect(url_for("reports.building", quarter=quarter))


def _build_status(quarter):
    build = builds.latest_build(_started(quarter)) or abort(404)
    html = render_template(
        "reports/_build_status.html",
        build=build,
        quarter=quarter,
        report=services.report_for(quarter),
        not_started=_not_started(build),
    )
    return build, html


@bp.route("/<quarter:quarter>/build")
@require(build_reports)
def building(quarter):
    """How the quarter's latest build is going; the page's script follows it without a reload."""
    build, status = _build_status(quarter)
    return render_template("reports/building.html", quarter=quarter, build=build, status=Markup(status))


@bp.route("/<quarter:quarter>/build.json")
@require(build_reports)
def build_status(quarter):
    """The latest build's state and its status text, for the progress page's script."""
    build, status = _build_status(quarter)
    return {"state": build.state, "html": status}


@bp.route("/<quarter:quarter>")
@bp.route("/<quarter:quarter>/builds/<int:report_id>", endpoint="show_build")
@login_required
def show(quarter, report_id=None):
    """One stored report: its state, checksum, download and who it reached; publishing for the chair."""
    report = _stored(quarter, report_id=report_id)
    builder = current_user.can_build_reports
    recipients = services.active_recipients() if builder else []
    sent = deliveries(report, services.REPORT_PUBLISHED) if builder else []
    notices = deliveries(report, services.REPORT_WITHDRAWN) if builder else []
    others = [r for r in services.reports_of(quarter) if r.id != report.id and services.can_read(r, current_user)]
    return render_template(
        "reports/show.html",
        report=report,
        quarter=quarter,
        recipients=recipients,
        active_build=builds.active_build(quarter) if current_user.can_build_reports else None,
        sent=sent,
        sent_summary=delivery_summary(sent),
        notices=notices,
        notices_summary=delivery_summary(notices),
        others=others,
        too_soon=services.built_too_soon(report),
        buildable=services.can_build(quarter),
        not_yet=services.not_yet_message(quarter),
    )


@bp.route("/<quarter:quarter>/web")
@bp.route("/<quarter:quarter>/builds/<int:report_id>/web", endpoint="view_build")
@login_required
def view(quarter, report_id=None):
    """Read a stored report as a web page, rebuilt from its frozen data."""
    report = _stored(quarter, report_id=report_id, with_files=True)
    return render_template(
        "reports/view.html", report=report, quarter=quarter, **report_context(report.snapshot, screen=True)
    )


@bp.route("/<quarter:quarter>/report.pdf")
@bp.route("/<quarter:quarter>/builds/<int:report_id>/report.pdf", endpoint="download_build")
@login_required
def download(quarter, report_id=None):
    """Download the stored PDF of a report, withdrawn or not, exactly as it was built."""
    report = _stored(quarter, report_id=report_id, with_files=True)
    response = _pdf_response(report.pdf, quarter)
    response.headers["X-Checksum-SHA256"] = report.sha256
    return response


@bp.route("/<quarter:quarter>/withdraw", methods=["GET", "POST"])
@require(manage_users)
def withdraw(quarter):
    """Confirm, with a reason, that a published report was wrong: withdraw it and tell the distribution list."""
    report = services.report_for(quarter)
    if report is None or not report.is_published:
        flash(f"There is no published {quarter.label} report to withdraw.", "info")
        return redirect(url_for("reports.show", quarter=quarter) if report else url_for("reports.archive"))
    form = WithdrawForm()
    if form.validate_on_submit():
        try:
            recipients = services.withdraw_report(report, current_user, form.reason.data)
            db.session.commit()
        except SIMULTANEOUS:
            db.session.rollback()
            flash(f"Someone else changed the {quarter.label} report at the same moment. Check it.", "warning")
            return redirect(url_for("reports.show", quarter=quarter))
        told = (
            f"A notice is waiting to go to {pluralise(len(recipients), 'person', 'people')} on the distribution list."
            if recipients
            else "Nobody is on the distribution list to tell."
        )
        flash(f"The {quarter.label} report is withdrawn. {told} Build a corrected report to replace it.", "success")
        return redirect(url_for("reports.show_build", quarter=quarter, report_id=report.id))
    recipients = services.active_recipients()
    status = 400 if form.errors else 200
    return render_template(
        "reports/withdraw.html", form=form, report=report, quarter=quarter, recipients=recipients
    ), status


@bp.route("/<quarter:quarter>/publish", methods=["GET", "POST"])
@require(build_reports)
def publish(quarter):
    """Confirm, then ask for the report to be published and sent: the scheduler does it, the progress page follows."""
    report = services.report_for(quarter) or abort(404)
    if report.is_published:
        flash(f"The {quarter.label} report is already published.", "info")
        return redirect(url_for("reports.show", quarter=quarter))
    if request.method == "POST":
        try:
            builds.request_publish(report, current_user)
            db.session.commit()
        except (services.QuarterNotOver, services.ReportLocked) as refused:
            flash(str(refused), "warning")
            return redirect(url_for("reports.show", quarter=quarter))
        except IntegrityError:
            db.session.rollback()  # someone else asked at the same moment: follow theirs
        return redirect(url_for("reports.building", quarter=quarter))
    recipients = services.active_recipients()
    return render_template("reports/publish.html", report=report, quarter=quarter, recipients=recipients)


from tracker.reports import distribution_routes  # noqa: E402,F401
