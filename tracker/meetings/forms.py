"""Forms of meetings: series, meetings, the agenda, and what is recorded in the room."""

import re
from datetime import time

from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextInput
from sqlalchemy import select
from wtforms import Field, HiddenField, SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from tracker.auth.models import User
from tracker.common.concurrency import VersionedForm
from tracker.common.fields import CheckboxesField, DateRequired, GovDateField, WholeNumberField
from tracker.common.forms import TrackerForm, text_field
from tracker.extensions import db
from tracker.plan.forms import ChoosesOwner
from tracker.plan.services import action_by_reference


def people_choices(users=None):
    """Active people, by name, as (id, 'Name (Department)') pairs."""
    if users is None:
        users = db.session.scalars(select(User).where(User.active).order_by(User.name, User.id))
    return [
        (user.id, f"{user.name} ({user.department.name if user.department else user.role_label})") for user in users
    ]


def _optional_person(label, description=None):
    return SelectField(label, widget=GovSelect(), validate_choice=False, description=description)


def _text(label, max_length, description=None, required=None):
    return text_field(label, max_length, required=required, description=description, area=True)


class PersonChoices:
    """Selects of one person, with a 'nobody' option, checked against the list."""

    person_fields = ()

    def fill_people(self, first="Nobody yet"):
        choices = [("", first)] + [(str(value), text) for value, text in people_choices()]
        for name in self.person_fields:
            getattr(self, name).choices = choices

    def chosen_person(self, name):
        value = getattr(self, name).data
        return db.session.get(User, int(value)) if value else None

    def validate_person(self, field):
        if field.data and field.data not in {value for value, _ in field.choices}:
            raise ValidationError(f"Choose the {field.label.text.lower()} from the list")


class SeriesForm(PersonChoices, TrackerForm):
    person_fields = ("default_chair_id", "default_secretary_id")

    name = text_field(
        "Name of the meeting series",
        160,
        required="Enter the name of the meeting series",
        too_long="Name must be 160 characters or fewer",
        description="For example, Victims Code Champions meeting.",
    )
    members = CheckboxesField("Members", description="Members see the series' meetings and get their agendas.")
    default_chair_id = _optional_person("Usual chair")
    default_secretary_id = _optional_person("Usual secretary", "The person who usually takes the minutes.")
    agenda_working_days = WholeNumberField(
        "Send the agenda this many working days before each meeting",
        description="Weekends and bank holidays do not count. Left empty, it is 5.",
        minimum=1,
        maximum=30,
        validators=[Optional()],
    )
    submit = SubmitField("Save meeting series", widget=GovSubmitInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.members.choices = people_choices()
        self.fill_people()

    def validate_default_chair_id(self, field):
        self.validate_person(field)

    def validate_default_secretary_id(self, field):
        self.validate_person(field)

    def chosen_members(self):
        ids = self.members.data or []
        return list(db.session.scalars(select(User).where(User.id.in_(ids)).order_by(User.name))) if ids else []


class EditSeriesForm(VersionedForm, SeriesForm):
    """Changes to a series, refused when someone else saved first."""


TIME_PATTERN = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$", re.IGNORECASE)
MIDDAY = {"midday", "noon", "12 noon", "12noon"}


class TimeField(Field):
    """A time of day typed as 14:00, 2:00pm or 9.30."""

    widget = GovTextInput()

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return self.data.strftime("%H:%M") if self.data else ""

    def process_formdata(self, valuelist):
        self.data = None
        text = (valuelist[0] if valuelist else "").strip()
        if not text:
            return
        if text.lower() in MIDDAY:
            self.data = time(12)
            return
        found = TIME_PATTERN.match(text)
        if not found or (found[2] is None and found[3] is None):
            raise ValueError(f"{self.label.text} must be a time, like 14:00 or 2pm")
        hour, minute, half = int(found[1]), int(found[2] or 0), (found[3] or "").lower()
        if half == "pm" and hour < 12:
            hour += 12
        elif half == "am" and hour == 12:
            hour = 0
        if hour > 23 or minute > 59 or (half and not 1 <= int(found[1]) <= 12):
            raise ValueError(f"{self.label.text} must be a real time, like 14:00 or 2pm")
        self.data = time(hour, minute)


class MeetingForm(PersonChoices, TrackerForm):
    person_fields = ("chair_id", "secretary_id")

    held_on = GovDateField(
        "Date of the meeting",
        description="For example, 14 1 2027",
        validators=[DateRequired("Enter the date of the meeting")],
    )
    starts_at = TimeField(
        "Start time",
        description="For example, 14:00 or 2pm",
        validators=[InputRequired(message="Enter the time the meeting starts")],
    )
    place = StringField(
        "Place or link",
        widget=GovTextInput(),
        description="The room, or the link to join online.",
        validators=[Optional(), Length(max=500, message="Place or link must be 500 characters or fewer")],
    )
    chair_id = _optional_person("Chair")
    secretary_id = _optional_person("Secretary", "The person who takes the minutes.")
    attendees = CheckboxesField("Attending", description="Members expected at the meeting.")
    apologies = CheckboxesField("Apologies", description="Members who have said they cannot come.")
    guests = _text("Guests", 2000, "Anyone else invited, one name a line, like 'Sam Patel, Witness Service'.")
    submit = SubmitField("Plan the meeting", widget=GovSubmitInput())

    def __init__(self, *args, series, **kwargs):
        super().__init__(*args, **kwargs)
        self.series = series
        self.attendees.choices = people_choices(series.members)
        self.apologies.choices = people_choices(series.members)
        self.fill_people("Nobody")

    def validate_chair_id(self, field):
        self.validate_person(field)

    def validate_secretary_id(self, field):
        self.validate_person(field)

    def validate_apologies(self, field):
        if set(field.data or []) & set(self.attendees.data or []):
            raise ValidationError("Someone cannot both attend and send apologies: untick one of the two")

    def chosen(self, field):
        ids = field.data or []
        return list(db.session.scalars(select(User).where(User.id.in_(ids)).order_by(User.name))) if ids else []


class EditMeetingForm(VersionedForm, MeetingForm):
    """Changes to a meeting, refused when someone else saved first."""

    submit = SubmitField("Save changes", widget=GovSubmitInput())


class AddItemForm(TrackerForm):
    title = StringField(
        "Item",
        widget=GovTextInput(),
        description="What the meeting should discuss.",
        validators=[Length(max=300, message="Item must be 300 characters or fewer")],
    )
    reference = StringField(
        "Action reference (optional)",
        widget=GovTextInput(),
        description="If the item is about an action of the plan, like VV-014.",
        validators=[Length(max=20, message="Enter a reference like VV-014")],
    )
    submit = SubmitField("Add to the agenda", widget=GovSubmitInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.action = None

    def validate_title(self, field):
        if not (field.data or "").strip() and not (self.reference.data or "").strip():
            raise ValidationError("Enter what the item is about, or the reference of an action")

    def validate_reference(self, field):
        reference = (field.data or "").strip()
        self.action = action_by_reference(reference) if reference else None
        if reference and self.action is None:
            raise ValidationError(f"There is no action with the reference {reference}")


class MoveItemForm(TrackerForm):
    direction = HiddenField(validators=[InputRequired(message="Choose up or down")])

    def validate_direction(self, field):
        if field.data not in ("up", "down"):
            raise ValidationError("Choose up or down")


class RecordItemForm(VersionedForm, TrackerForm):
    note = _text("Note", 10000, "What was said. On an action, the note goes on the action's timeline.")
    decisions = _text("Decisions", 5000, "What the meeting decided, one decision a line.")
    submit = SubmitField("Save note and decisions", widget=GovSubmitInput())


class ArisingForm(ChoosesOwner, TrackerForm):
    title = StringField(
        "What is to be done",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter what is to be done"),
            Length(max=250, message="What is to be done must be 250 characters or fewer"),
        ],
    )
    owner_id = SelectField("Owner", widget=GovSelect(), validate_choice=False)
    due_date = GovDateField(
        "Due date", description="For example, 28 2 2027", validators=[DateRequired("Enter the due date")]
    )
    add = SubmitField("Add the action", widget=GovSubmitInput())


class MinutesForm(VersionedForm, TrackerForm):
    """The wording of draft minutes; each item's minute and decisions are added per item (minutes_form)."""

    present = _text("Present", 5000, "One name a line.", required="Enter who was present, one name a line")
    apologies = _text("Apologies", 5000, "One name a line.")
    guests = _text("Guests", 5000, "One name a line, like 'Sam Patel, Witness Service'.")
    submit = SubmitField("Save the minutes", widget=GovSubmitInput())

    def item_fields(self):
        """[(item, minute field, decisions field)] in agenda order."""
        return [(item, self[f"minute_{item.id}"], self[f"decisions_{item.id}"]) for item in self.minutes_items]


def minutes_form(minutes, **kwargs):
    """A MinutesForm with a minute and decisions box for each of the minutes' items, filled from the record."""
    fields = {}
    for item in minutes.items:
        number = item.position
        fields[f"minute_{item.id}"] = text_field(
            "Minute", 10000, too_long=f"The minute of item {number} must be 10,000 characters or fewer", area=True
        )
        fields[f"decisions_{item.id}"] = text_field(
            "Decisions",
            5000,
            too_long=f"The decisions on item {number} must be 5,000 characters or fewer",
            description="One decision a line.",
            area=True,
        )
    form_class = type("ItemsMinutesForm", (MinutesForm,), fields)
    data = {"present": minutes.present, "apologies": minutes.apologies, "guests": minutes.guests}
    for item in minutes.items:
        data[f"minute_{item.id}"], data[f"decisions_{item.id}"] = item.minute, item.decisions
    form = form_class(data=data, **kwargs)
    form.minutes_items = list(minutes.items)
    return form


class AddendumForm(TrackerForm):
    text = _text(
        "Correction",
        5000,
        "What the minutes got wrong or left out, and what is right. It is dated and shown under the minutes.",
        required="Enter the correction",
    )
    submit = SubmitField("Add the addendum", widget=GovSubmitInput())
