"""Forms for sources, recommendations, their status and the actions that answer them."""

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect, GovSubmitInput, GovTextInput
from sqlalchemy import select
from wtforms import HiddenField, RadioField, SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from tracker.common.concurrency import VersionedForm
from tracker.common.fields import CheckboxesField, DateRequired, GovDateField, WholeNumberField
from tracker.common.forms import TrackerForm, text_field
from tracker.extensions import db
from tracker.plan.forms import owner_choices, priority_choices, right_choices
from tracker.plan.models import Action, Status
from tracker.recommendations.models import ADDRESSEE_LABELS, BODY_LABELS, RECOMMENDATION_STATUS_LABELS
from tracker.recommendations.responses import WORDING_MAX

NO_RULE, DAYS_RULE = "none", "days"


class SourceForm(TrackerForm):
    """A report or review; the response rule is shown to admins only."""

    body = RadioField(
        "Who made the recommendations",
        widget=GovRadioInput(),
        choices=[(body.value, label) for body, label in BODY_LABELS.items()],
        validators=[InputRequired(message="Choose who made the recommendations")],
    )
    title = StringField(
        "Title of the report or review",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter the title of the report or review"),
            Length(max=300, message="Title must be 300 characters or fewer"),
        ],
    )
    published_on = GovDateField(
        "Publication date",
        description="For example, 14 3 2027",
        validators=[DateRequired("Enter the publication date")],
    )
    link = StringField(
        "Link to the report (optional)",
        widget=GovTextInput(),
        validators=[Optional(), Length(max=2000, message="The web address must be 2,000 characters or fewer")],
    )
    rule = RadioField(
        "Response rule",
        widget=GovRadioInput(),
        choices=[(NO_RULE, "No response required"), (DAYS_RULE, "Publish a response within a number of days")],
        validators=[Optional()],
    )
    response_days = WholeNumberField("Days after publication", minimum=1, maximum=365)
    version_id = HiddenField()
    submit = SubmitField("Save", widget=GovSubmitInput())

    def validate_link(self, field):
        text = (field.data or "").strip()
        if text and not text.lower().startswith(("https://", "http://")):
            raise ValidationError("Enter a web address that starts with https://")

    def validate_response_days(self, field):
        if self.rule.data == DAYS_RULE and field.data is None and not field.errors:
            raise ValidationError("Enter how many days after publication the response is due")

    def chosen_days(self):
        """The rule as days, None for no response, or the body's default when no rule was sent."""
        from tracker.recommendations.services import BODY_DEFAULT

        if self.rule.data == NO_RULE:
            return None
        if self.rule.data == DAYS_RULE:
            return self.response_days.data
        return BODY_DEFAULT


class RecommendationForm(TrackerForm):
    """One recommendation or area for improvement."""

    reference = text_field(
        "Reference in the report",
        60,
        required="Enter the report's reference, like Recommendation 3 or AFI 2",
        too_long="Reference must be 60 characters or fewer",
        description="As the report numbers it, like Recommendation 3 or AFI 2.",
    )
    text = text_field(
        "What the report recommends",
        5000,
        required="Enter the text of the recommendation",
        too_long="The recommendation must be 5,000 characters or fewer",
        area=True,
    )
    addressed_to = RadioField(
        "Addressed to",
        widget=GovRadioInput(),
        choices=[(addressee.value, label) for addressee, label in ADDRESSEE_LABELS.items()],
        validators=[InputRequired(message="Choose whom the recommendation is addressed to")],
    )
    lead_id = SelectField(
        "Lead",
        widget=GovSelect(),
        validate_choice=False,
        description="The person who decides its status. They are reminded as the response falls due.",
    )
    rights = CheckboxesField("Victims' Code rights", description="Select all the rights it concerns.")
    priorities = CheckboxesField("Priorities", description="Select all that apply.")
    version_id = HiddenField()
    submit = SubmitField("Save", widget=GovSubmitInput())

    def __init__(self, *args, recommendation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.lead_id.choices = [("", "Choose the lead"), *owner_choices()[1:]]
        self.rights.choices = right_choices(recommendation.rights if recommendation else ())
        self.priorities.choices = priority_choices()

    def validate_lead_id(self, field):
        if not field.data:
            raise ValidationError("Choose the lead")
        if field.data not in {value for value, _ in self.lead_id.choices}:
            raise ValidationError("Choose a lead from the list of people who can sign in")

    def chosen(self, model, field):
        ids = field.data or []
        return list(db.session.scalars(select(model).where(model.id.in_(ids)))) if ids else []


class StatusForm(TrackerForm):
    """The lead's decision on a recommendation's status, with a reason."""

    status = RadioField(
        "Status",
        widget=GovRadioInput(),
        choices=[(status.value, label) for status, label in RECOMMENDATION_STATUS_LABELS.items()],
        validators=[InputRequired(message="Choose the status")],
    )
    reason = text_field(
        "Reason",
        5000,
        required="Enter a reason",
        description="Say why. If it is not accepted, say why nothing will be done: this goes in the published response.",
        area=True,
    )
    version_id = HiddenField()
    submit = SubmitField("Save status", widget=GovSubmitInput())


class LinkActionForm(TrackerForm):
    """Choose an action of the plan that answers the recommendation."""

    action_id = SelectField("Action", widget=GovSelect(), validate_choice=False)
    submit = SubmitField("Link action", widget=GovSubmitInput())

    def __init__(self, *args, recommendation=None, **kwargs):
        super().__init__(*args, **kwargs)
        linked = {action.id for action in recommendation.actions} if recommendation else set()
        actions = db.session.execute(
            select(Action.id, Action.reference, Action.title)
            .where(Action.status != Status.CANCELLED.value)
            .order_by(Action.reference)
        )
        self.action_id.choices = [("", "Choose an action")] + [
            (str(action_id), f"{reference}: {title}")
            for action_id, reference, title in actions
            if action_id not in linked
        ]

    def validate_action_id(self, field):
        if not field.data:
            raise ValidationError("Choose an action")
        if field.data not in {value for value, _ in self.action_id.choices}:
            raise ValidationError("Choose an action from the list")


class ResponseForm(VersionedForm, TrackerForm):
    """The wording of a draft response; a box for each recommendation is added by response_form."""

    introduction = text_field(
        "Introduction",
        WORDING_MAX,
        required="Enter the introduction",
        too_long=f"The introduction must be {WORDING_MAX:,} characters or fewer",
        description="It opens the response, before the recommendations.",
        area=True,
    )
    submit = SubmitField("Save the response", widget=GovSubmitInput())

    def wording_fields(self):
        """[(recommendation, its wording field)] in the report's order."""
        return [(recommendation, self[f"wording_{recommendation.id}"]) for recommendation in self.recommendations]


def response_form(response, **kwargs):
    """A ResponseForm with a wording box for each of the source's recommendations, filled from the draft."""
    recommendations = list(response.source.recommendations)
    fields = {
        f"wording_{recommendation.id}": text_field(
            "Our response",
            WORDING_MAX,
            too_long=f"The response to {recommendation.reference} must be {WORDING_MAX:,} characters or fewer",
            description="Shown under the recommendation, before what has been or will be done. Optional.",
            area=True,
        )
        for recommendation in recommendations
    }
    form_class = type("WordedResponseForm", (ResponseForm,), fields)
    saved = {item.recommendation_id: item.wording for item in response.items}
    data = {"introduction": response.introduction}
    for recommendation in recommendations:
        data[f"wording_{recommendation.id}"] = saved.get(recommendation.id, "")
    form = form_class(data=data, **kwargs)
    form.recommendations = recommendations
    return form
