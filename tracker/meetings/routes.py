"""Meeting series and meetings: list them, set them up, change them."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from tracker.auth.permissions import manage_plan
from tracker.common.concurrency import EditConflict, show_conflict
from tracker.common.dates import local_today
from tracker.common.forms import ButtonForm
from tracker.common.permissions import ensure, require
from tracker.common.templating import add_navigation
from tracker.extensions import db
from tracker.meetings import bp, queries, services
from tracker.meetings.forms import EditMeetingForm, EditSeriesForm, MeetingForm, SeriesForm
from tracker.meetings.pages import actor, load_meeting, load_series
from tracker.meetings.sending import agenda_sending
from tracker.plan.pages import show_error

# Shown to everyone signed in: knowing whether someone is in a series would cost every page a query.
add_navigation("Meetings", "meetings.index")


@bp.route("")
@login_required
def index():
    """The meeting series the signed-in person can see, with their next and latest meetings."""
    return render_template("meetings/index.html", series=queries.series_visible_to(current_user))


def _series_data(form):
    return services.SeriesData(
        name=form.name.data or "",
        members=form.chosen_members(),
        default_chair=form.chosen_person("default_chair_id"),
        default_secretary=form.chosen_person("default_secretary_id"),
        agenda_working_days=form.agenda_working_days.data or 5,
    )


@bp.route("/series/new", methods=["GET", "POST"])
@require(manage_plan)
def new_series():
    """Set up a meeting series with its members, usual chair and secretary."""
    form = SeriesForm()
    if request.method == "GET":
        form.agenda_working_days.data = 5
    if form.validate_on_submit():
        try:
            series = services.save_series(None, _series_data(form), actor())
        except services.MeetingError as error:
            show_error(form, error)
        else:
            db.session.commit()
            flash(f"{series.name} has been set up.", "success")
            return redirect(url_for("meetings.series", series_id=series.id))
    return render_template("meetings/series_form.html", form=form, series=None)


@bp.route("/series/<int:series_id>")
@login_required
def series(series_id):
    """A series: its members and its meetings, newest first."""
    found = load_series(series_id, current_user)
    return render_template("meetings/series.html", series=found, meetings=found.meetings.all())


@bp.route("/series/<int:series_id>/edit", methods=["GET", "POST"])
@require(manage_plan)
def edit_series(series_id):
    """Change a series' name, members, usual chair or secretary."""
    found = load_series(series_id, current_user)
    form = EditSeriesForm(obj=found)
    form.track_version(found)
    if request.method == "GET":
        form.members.data = [member.id for member in found.members]
        form.default_chair_id.data = str(found.default_chair_id or "")
        form.default_secretary_id.data = str(found.default_secretary_id or "")
    if form.validate_on_submit():
        try:
            with form.saving():
                services.save_series(found, _series_data(form), actor())
        except EditConflict:
            return show_conflict(form, "meetings/series_form.html", series=found)
        except services.MeetingError as error:
            show_error(form, error)
        else:
            flash(f"{found.name} has been saved.", "success")
            return redirect(url_for("meetings.series", series_id=found.id))
    return render_template("meetings/series_form.html", form=form, series=found)


def _meeting_data(form):
    return services.MeetingData(
        held_on=form.held_on.data,
        starts_at=form.starts_at.data,
        place=form.place.data or "",
        chair=form.chosen_person("chair_id"),
        secretary=form.chosen_person("secretary_id"),
        attendees=form.chosen(form.attendees),
        apologies=form.chosen(form.apologies),
        guests=form.guests.data or "",
    )


@bp.route("/series/<int:series_id>/new", methods=["GET", "POST"])
@require(manage_plan)
def new_meeting(series_id):
    """Plan a meeting; its agenda is proposed from the plan as it stands."""
    found = load_series(series_id, current_user)
    form = MeetingForm(series=found)
    if request.method == "GET":
        form.chair_id.data = str(found.default_chair_id or "")
        form.secretary_id.data = str(found.default_secretary_id or "")
        form.attendees.data = [member.id for member in found.members]
    if form.validate_on_submit():
        try:
            meeting = services.create_meeting(found, _meeting_data(form), actor(), local_today())
        except services.MeetingError as error:
            show_error(form, error)
        else:
            db.session.commit()
            count = len(meeting.items)
            flash(f"The meeting has been planned with {count} items proposed for its agenda.", "success")
            return redirect(url_for("meetings.meeting", meeting_id=meeting.id))
    return render_template("meetings/meeting_form.html", form=form, series=found, meeting=None)


@bp.route("/<int:meeting_id>")
@login_required
def meeting(meeting_id):
    """A meeting: when, where, who, and its agenda, which its chair and secretary arrange."""
    found = load_meeting(meeting_id, current_user)
    items = sorted(found.items, key=lambda item: item.position)
    return render_template(
        "meetings/meeting.html",
        meeting=found,
        items=items,
        recorder=found.can_record(current_user),
        button=ButtonForm(),
        arising=services.arising_of(found),
        agenda_sending=agenda_sending(found),
    )


@bp.route("/<int:meeting_id>/edit", methods=["GET", "POST"])
@login_required
def edit_meeting(meeting_id):
    """Change when and where the meeting is, who chairs and minutes it, who comes and who sent apologies."""
    found = load_meeting(meeting_id, current_user)
    ensure(found.can_record(current_user))
    form = EditMeetingForm(obj=found, series=found.series)
    form.track_version(found)
    if request.method == "GET":
        form.chair_id.data = str(found.chair_id or "")
        form.secretary_id.data = str(found.secretary_id or "")
        form.attendees.data = [user.id for user in found.attendees]
        form.apologies.data = [user.id for user in found.apologies]
    if form.validate_on_submit():
        try:
            with form.saving():
                services.edit_meeting(found, _meeting_data(form), actor())
        except EditConflict:
            return show_conflict(form, "meetings/meeting_form.html", series=found.series, meeting=found)
        except services.MeetingError as error:
            show_error(form, error)
        else:
            flash("The meeting's details have been saved.", "success")
            return redirect(url_for("meetings.meeting", meeting_id=found.id))
    return render_template("meetings/meeting_form.html", form=form, series=found.series, meeting=found)
