"""Form fields that render as GOV.UK components: three-part dates and lists of checkboxes."""

from datetime import date

from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovDateInput, GovTextInput
from wtforms import Field, SelectMultipleField
from wtforms.validators import StopValidation

from tracker.common.input import is_whole_number


class DayMonthYearInput(GovDateInput):
    """The GOV.UK date input, its wrapper named after the field so errors can link to the day box."""

    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", field.name)
        return super().__call__(field, **kwargs)


class GovDateField(Field):
    """A date typed as day, month and year, read the way the GOV.UK date input pattern asks.

    Errors name the part that is missing or wrong ("Due date must include a month"), and what was
    typed is shown again. The field's id is the day box, so the error summary links to it.
    """

    widget = DayMonthYearInput()

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.id = f"{self.name}-day"

    def _value(self):
        return self.data.strftime("%d %m %Y") if self.data else ""

    def process_formdata(self, valuelist):
        self.data = None
        parts = [(value or "").strip() for value in valuelist]
        # The widget shows exactly three boxes again, whatever arrived.
        self.raw_data = (parts + ["", "", ""])[:3] if any(parts) else None
        if not any(parts):
            return
        if len(parts) != 3:
            raise ValueError(f"{self.label.text} must be a real date")
        missing = [name for name, value in zip(("day", "month", "year"), parts, strict=True) if not value]
        if missing:
            raise ValueError(f"{self.label.text} must include a {' and '.join(missing)}")
        if not all(is_whole_number(value, 4) for value in parts):
            raise ValueError(f"{self.label.text} must be a real date, in numbers, like 30 9 2026")
        day, month, year = (int(value) for value in parts)
        if len(parts[2]) != 4:
            raise ValueError(f"Year must include 4 numbers, like {date.today().year}")
        try:
            self.data = date(year, month, day)
        except ValueError as error:
            raise ValueError(f"{self.label.text} must be a real date") from error

    def pre_validate(self, form):
        # A date that could not be read already has its message; do not add "Enter the date" as well.
        if self.process_errors:
            raise StopValidation()


class DateRequired:
    """Ask for a date that was left blank."""

    def __init__(self, message):
        self.message = message

    def __call__(self, form, field):
        if field.data is None:
            raise StopValidation(self.message)


class CheckboxesField(SelectMultipleField):
    """Several choices ticked from a list, shown as GOV.UK checkboxes; values are ids."""

    widget = GovCheckboxesInput()

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("coerce", int)
        super().__init__(label, validators, **kwargs)

    def pre_validate(self, form):
        if self.process_errors:
            raise StopValidation()
        known = {str(value) for value, *_ in self.iter_choices()}
        if any(str(value) not in known for value in self.data or []):
            raise StopValidation(f"Choose {self.label.text.lower()} from the list")


class WholeNumberField(Field):
    """A whole number in a range, such as a percentage, with messages people understand."""

    widget = GovTextInput()

    def __init__(self, label=None, validators=None, minimum=0, maximum=100, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.minimum, self.maximum = minimum, maximum

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else str(self.data)

    def process_formdata(self, valuelist):
        self.data = None
        text = (valuelist[0] if valuelist else "").strip().rstrip("%").strip()
        if not text:
            return
        message = f"{self.label.text} must be a whole number between {self.minimum} and {self.maximum}"
        if not is_whole_number(text):
            raise ValueError(message)
        self.data = int(text)
        if not self.minimum <= self.data <= self.maximum:
            self.data = None
            raise ValueError(message)

    def pre_validate(self, form):
        if self.process_errors:
            raise StopValidation()
