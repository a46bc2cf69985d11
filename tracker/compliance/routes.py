"""Compliance pages: the gap view, a quarter's figures, the CSV upload and its template."""

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from tracker.auth.permissions import record_assessments
from tracker.common.dates import local_today
from tracker.common.permissions import require
from tracker.common.quarters import Quarter, quarter_of
from tracker.common.templating import add_navigation, pluralise
from tracker.compliance import bp, importing, links, services
from tracker.compliance.figures import format_percent
from tracker.compliance.forms import ChooseQuarterForm, UploadForm, quarter_figures_form
from tracker.compliance.gap import gap_movement
from tracker.extensions import db
from tracker.reference.services import current_edition, current_rights

# Added when the blueprint is registered, so that the plan's own links come first in the menu.
bp.record_once(lambda state: add_navigation("Compliance", "compliance.gap_view"))

RECENT_QUARTERS = 8


@bp.app_template_filter("percent")
def percent_filter(value):
    """82.5 -> '82.5%'."""
    return "" if value is None else f"{format_percent(value)}%"


@bp.app_template_filter("points")
def points_filter(value):
    """The size of a gap or change: -5 -> '5 points', 1 -> '1 point'."""
    number = format_percent(abs(value))
    return f"{number} point{'' if number == '1' else 's'}"


@bp.context_processor
def plan_links():
    """Links into the plan for the compliance pages."""
    return {"new_action_url": links.new_action_url, "action_url": links.action_url, "gap_movement": gap_movement}


def _quarter_from_slug(slug):
    try:
        return Quarter.from_slug(slug)
    except ValueError:
        abort(404)


@bp.route("/compliance")
@login_required
def gap_view():
    """Show, per right, the force's self-assessment beside victims' voice and the gap, biggest first."""
    this_quarter = quarter_of(local_today())
    with_data = services.quarters_with_data()
    chosen = request.args.get("quarter")
    quarter = _quarter_from_slug(chosen) if chosen else (with_data[0] if with_data else this_quarter)
    rows = services.gap_table(quarter.label)
    return render_template(
        "compliance/gap.html",
        quarter=quarter,
        rows=rows,
        chart=services.gap_chart_on_screen(rows),
        picker=sorted(set(with_data) | {quarter, this_quarter}, reverse=True),
        edition=current_edition(),
        small_below=current_app.config["SMALL_SAMPLE_BELOW"],
        large_gap=current_app.config["LARGE_GAP_POINTS"],
    )


def _recent_quarters(today):
    quarters, quarter = [], quarter_of(today)
    for _ in range(RECENT_QUARTERS):
        quarters.append(quarter)
        quarter = quarter.previous()
    return quarters


@bp.route("/compliance/record")
@require(record_assessments)
def choose_quarter():
    """Pick the quarter to record figures for."""
    today = local_today()
    if "quarter" in request.args:
        form = ChooseQuarterForm(request.args, today=today)
        if form.validate():
            return redirect(url_for("compliance.record_quarter", quarter_slug=form.chosen.slug))
    else:
        form = ChooseQuarterForm(formdata=None, data={"quarter": quarter_of(today).previous().label}, today=today)
    return render_template(
        "compliance/choose_quarter.html",
        form=form,
        recent=_recent_quarters(today),
        counts=services.recorded_counts(),
        rights_count=len(current_rights()),
    )


@bp.route("/compliance/<quarter_slug>/figures", methods=["GET", "POST"])
@require(record_assessments)
def record_quarter(quarter_slug):
    """Record or change every right's figures for one quarter on one page."""
    quarter = _quarter_from_slug(quarter_slug)
    if services.quarter_problem(quarter, local_today()):
        return redirect(url_for("compliance.choose_quarter", quarter=quarter.label))
    saved = services.assessments_for(quarter.label)
    rights = services.rights_for(saved)
    form = quarter_figures_form(rights, saved)
    if request.method == "GET":
        form.versions.data = services.versions_of(saved)
    if form.validate_on_submit():
        try:
            figures = form.figures_by_right(rights)
            summary = services.save_quarter(quarter, figures, current_user, form.versions.data or "")
            db.session.commit()
        except services.QuarterChanged as clash:
            db.session.rollback()
            return _show_clash(quarter, rights, form, clash.right_ids)
        except (StaleDataError, IntegrityError):
            db.session.rollback()
            return _show_clash(quarter, rights, form, None)
        flash(_saved_message(quarter, summary), "success")
        return redirect(url_for("compliance.gap_view", quarter=quarter.slug))
    return render_template("compliance/record.html", quarter=quarter, rights=rights, form=form, saved=saved)


def _show_clash(quarter, rights, form, right_ids):
    """Keep what this person typed, show what the other person saved, and let them decide."""
    saved = services.assessments_for(quarter.label)
    if right_ids is None:
        right_ids = services.changed_since(form.versions.data, saved)
    form.versions.data = services.versions_of(saved)
    clashes = [(right, saved.get(right.id)) for right in rights if right.id in right_ids]
    return (
        render_template(
            "compliance/record.html", quarter=quarter, rights=rights, form=form, saved=saved, clashes=clashes
        ),
        409,
    )


def _saved_message(quarter, summary):
    if not summary.changed:
        return f"Nothing changed for {quarter.label}."
    parts = [
        pluralise(count, "right") + " " + verb
        for count, verb in ((summary.created, "added"), (summary.updated, "changed"), (summary.removed, "cleared"))
        if count
    ]
    return f"Figures for {quarter.label} saved: {', '.join(parts)}."


@bp.route("/compliance/upload", methods=["GET", "POST"])
@require(record_assessments)
def upload():
    """Load figures from a CSV file; every bad row is listed and nothing is saved unless all are good."""
    form = UploadForm()
    problems = []
    if form.validate_on_submit():
        plan = _plan_upload(form)
        if plan is not None and plan.errors:
            problems = plan.errors
            form.file.errors.append(
                f"The file has {pluralise(len(problems), 'problem')}. Nothing has been saved. "
                "Fix the file and upload it again"
            )
        elif plan is not None:
            summary = importing.apply_import(plan, current_user)
            try:
                db.session.commit()
            except (IntegrityError, StaleDataError):
                db.session.rollback()
                form.file.errors.append(
                    "Someone saved figures for the same rights while the file was loading. "
                    "Nothing from the file has been saved. Upload it again"
                )
            else:
                skipped = f" {pluralise(plan.skipped, 'row')} with no figures skipped." if plan.skipped else ""
                flash(
                    f"File loaded: {pluralise(summary.created, 'right')} added, {summary.updated} changed.{skipped}",
                    "success",
                )
                return redirect(url_for("compliance.gap_view", quarter=plan.quarters[-1].slug))
    return render_template(
        "compliance/upload.html",
        form=form,
        problems=problems,
        columns=importing.COLUMNS,
        max_size=importing.size_text(current_app.config["COMPLIANCE_UPLOAD_MAX_BYTES"]),
    )


def _plan_upload(form):
    """The import plan for the uploaded file, or None after noting why the file cannot be read."""
    upload_file = form.file.data
    limit = current_app.config["COMPLIANCE_UPLOAD_MAX_BYTES"]
    try:
        text = importing.decode(upload_file.filename, upload_file.mimetype, upload_file.stream.read(limit + 1), limit)
    except importing.UnreadableFile as problem:
        form.file.errors.append(str(problem))
        return None
    return importing.plan_import(text, today=local_today(), replace=form.replace.data)


@bp.route("/compliance/template.csv")
@require(record_assessments)
def template():
    """Download a CSV with the documented columns, one row per right."""
    quarter = quarter_of(local_today()).previous()
    # The byte-order mark makes Excel read the file as UTF-8.
    body = "\ufeff" + importing.template_csv(quarter)
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="compliance-figures-template.csv"'},
    )
