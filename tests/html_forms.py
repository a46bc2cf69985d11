"""Read the forms and script tags of a rendered page, as a browser would see them."""

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit


@dataclass
class FormField:
    """One named control of a form: its kind, the value it shows and the values it offers."""

    name: str
    kind: str
    value: str = ""
    options: list = field(default_factory=list)


@dataclass
class PostForm:
    action: str
    fields: dict = field(default_factory=dict)

    def filled(self):
        """The data a person submitting the form unchanged would send (the first button's name included)."""
        data = {}
        for item in self.fields.values():
            if item.kind in ("submit", "file"):
                continue
            if item.kind in ("radio", "select") and item.options:
                data[item.name] = item.value or item.options[0]
            elif item.kind == "checkbox":
                continue
            else:
                data[item.name] = item.value
        return data


class _PageReader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self.scripts = []
        self.attributes = []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.attributes.append((tag, attrs))
        if tag == "script":
            self.scripts.append(attrs)
        elif tag == "option" and self._select is not None:
            self._select.options.append(attrs.get("value", ""))
            if "selected" in attrs:
                self._select.value = attrs.get("value", "")
        elif tag == "form":
            self._form = (
                PostForm(action=attrs.get("action") or "") if (attrs.get("method") or "").lower() == "post" else None
            )
            if self._form is not None:
                self.forms.append(self._form)
        elif self._form is not None and attrs.get("name"):
            self._add_control(tag, attrs)

    def _add_control(self, tag, attrs):
        name = attrs["name"]
        kind = attrs.get("type", "text").lower() if tag in ("input", "button") else tag
        if tag == "button":
            kind = attrs.get("type", "submit").lower()
        existing = self._form.fields.get(name)
        if kind in ("radio", "checkbox") and existing is not None:
            existing.options.append(attrs.get("value", "on"))
            if "checked" in attrs:
                existing.value = attrs.get("value", "on")
            return
        item = FormField(name=name, kind=kind, value=attrs.get("value", "") if "value" in attrs else "")
        if kind in ("radio", "checkbox"):
            item.options = [attrs.get("value", "on")]
            item.value = attrs.get("value", "on") if "checked" in attrs else ""
        self._form.fields[name] = item
        self._select = item if tag == "select" else None
        self._textarea = item if tag == "textarea" else None

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag in ("select", "textarea"):
            self._select = self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)


def read_page(html):
    """A reader holding the page's post forms, script tags and every element's attributes."""
    reader = _PageReader()
    reader.feed(html)
    reader.close()
    return reader


def post_forms_for(html, path):
    """The post forms of the page that submit to path (an empty action submits to the page itself)."""
    reader = read_page(html)
    return [form for form in reader.forms if not form.action or urlsplit(form.action).path == path]
