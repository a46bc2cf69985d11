"""The administrators' search of the whole audit log."""

from flask import Response, redirect, render_template, request, stream_with_context, url_for
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovTextInput
from wtforms import Form, SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from tracker.audit import bp
from tracker.audit.export import audit_csv
from tracker.audit.readable import field_label, kind_label, readable_value
from tracker.audit.search import KINDS, AuditFilters, action_references, search_events
from tracker.auth.permissions import read_audit
from tracker.common.dates import local_today
from tracker.common.fields import GovDateField
from tracker.common.input import page_number
from tracker.common.permissions import require
from tracker.common.templating import ADMINISTRATION, add_navigation
from tracker.extensions import db

add_navigation("Audit log", "audit.audit_log", lambda user: user.can_read_audit, order=ADMINISTRATION + 5)
PAGE_SIZE = 50


class AuditSearchForm(Form):
    """A search in the URL, so that it can be bookmarked; it changes nothing, so needs no CSRF token."""

    person = StringField(
        "Person",
        widget=GovTextInput(),
        description="Part of their name or email address.",
        validators=[Optional(), Length(max=120, message="Person must be 120 characters or fewer")],
    )
    reference = StringField(
        "Action reference",
        widget=GovTextInput(),
        description="For example, VV-014.",
        validators=[Optional(), Length(max=20, message="Enter a reference like VV-014")],
    )
    kind = SelectField(
        "What happened", widget=GovSelect(), choices=[("", "Anything")] + list(KINDS.items()), validate_choice=False
    )
    date_from = GovDateField("From", description="For example, 1 4 2026")
    date_to = GovDateField("To", description="For example, 30 6 2026")

    def validate_date_to(self, field):
        if self.date_from.data and field.data and field.data < self.date_from.data:
            raise ValidationError("To must be the same as or after From")


def _filters(form):
    """The search the form asks for; none when the form holds a mistake (it is then shown)."""
    if not form.validate():
        return AuditFilters()
    return AuditFilters(
        person=form.person.data or "",
        reference=form.reference.data or "",
        kind=form.kind.data if form.kind.data in KINDS else "",
        date_from=form.date_from.data,
        date_to=form.date_to.data,
    )


@bp.route("")
@require(read_audit)
def audit_log():
    """Search every audit event by person, action, kind and date, newest first."""
    form = AuditSearchForm(request.args)
    filters = _filters(form)
    page = db.paginate(search_events(filters), page=page_number(), per_page=PAGE_SIZE, error_out=False)
    args = {key: request.args.getlist(key) for key in request.args if key != "page"}
    action_ids = {event.action_id for event in page.items if event.action_id}
    references = action_references(action_ids)
    return render_template(
        "audit/log.html",
        form=form,
        page=page,
        args=args,
        references=references,
        searched=any(any(values) for values in args.values()),
    )


@bp.route("/audit-log.csv")
@require(read_audit)
def audit_log_csv():
    """Download the events the search finds as CSV, readable values beside the recorded ones."""
    form = AuditSearchForm(request.args)
    if not form.validate():
        return redirect(url_for("audit.audit_log", **request.args.to_dict(flat=False)))
    body = stream_with_context(audit_csv(search_events(_filters(form))))
    response = Response(body, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="audit-log-{local_today().isoformat()}.csv"'
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.app_template_filter("field_label")
def field_label_filter(name):
    """A recorded field's name as a person reads it."""
    return field_label(name)


@bp.app_template_filter("audit_value")
def audit_value_filter(value, field=""):
    """A recorded old or new value of a field as a person reads it."""
    return readable_value(field, value)


@bp.app_template_filter("audit_kind")
def audit_kind_filter(verb):
    """The kind of an event as a person reads it: 'Update posted'."""
    return kind_label(verb)
