"""Read a rendered page as a person sees it: its visible text, its banners, its headings."""

import re

from bs4 import BeautifulSoup

HIDDEN_TAGS = ("script", "style", "template", "noscript", "head")
# Text that looks like an HTML tag or an escaped entity: on a page it means markup shown as text.
MARKUP_AS_TEXT = re.compile(r"</?[a-zA-Z][a-zA-Z0-9-]*(\s[^<>]*)?/?>|&(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")


def _soup(html):
    soup = BeautifulSoup(html if isinstance(html, str) else html.decode(), "html.parser")
    for tag in soup(HIDDEN_TAGS):
        tag.decompose()
    for tag in soup.select("[hidden], .govuk-visually-hidden-focusable[hidden]"):
        tag.decompose()
    return soup


def squash(text):
    """Runs of white space as one space, trimmed."""
    return re.sub(r"\s+", " ", text).strip()


def visible_text(html, selector=None):
    """The text a person reads in the page (or in the first element matching `selector`)."""
    soup = _soup(html)
    node = soup.select_one(selector) if selector else soup
    assert node is not None, f"nothing on the page matches {selector!r}"
    return squash(node.get_text(" "))


def texts(html, selector):
    """The visible text of every element matching `selector`, in page order."""
    return [squash(node.get_text(" ")) for node in _soup(html).select(selector)]


def banners(html):
    """The message of each notification banner on the page, as read."""
    return texts(html, ".govuk-notification-banner__content")


def banner(html):
    """The one notification banner's message; fails when there is none or several."""
    found = banners(html)
    assert len(found) == 1, f"expected one banner, found {found!r}"
    return found[0]


def error_messages(html):
    """The items of the page's error summary, as read."""
    return texts(html, ".govuk-error-summary__list li")


def markup_shown_as_text(text):
    """Any fragments of the visible text that are HTML tags or entities shown as text."""
    return [match.group(0) for match in MARKUP_AS_TEXT.finditer(text)]
