"""Finishing touches to the report PDF's tags, applied through WeasyPrint's public `finisher` hook.

WeasyPrint 70 writes two things in its tags that a screen reader or a PDF/UA checker trips on:
a link annotation's description (/Contents) is the anchor it points to ("summary"), and a
figure's bounding box is in CSS pixels measured from the top of the page, not in PDF points from
the bottom, so it runs past the page's 595 pt width. The finisher gives each link the words of its
text and each figure its box on the page.
"""

from html.parser import HTMLParser

import pydyf

POINTS_PER_PIXEL = 0.75


class _LinkWords(HTMLParser):
    """Collects the words of each internal link: its title if it has one, otherwise its text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.words = {}
        self._open = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        href = attrs.get("href") or ""
        if tag == "a" and href.startswith("#"):
            self._open = [href[1:], attrs.get("title"), []]

    def handle_data(self, data):
        if self._open is not None:
            self._open[2].append(data)

    def handle_endtag(self, tag):
        if tag == "a" and self._open is not None:
            target, title, text = self._open
            self.words.setdefault(target, title or " ".join("".join(text).split()))
            self._open = None


def link_words(html):
    """{anchor: the words of the first link to it} for the internal links of the HTML."""
    parser = _LinkWords()
    parser.feed(html)
    return parser.words


def tag_finisher(html):
    """A WeasyPrint finisher that describes links in words and puts figure boxes on the page."""
    words = link_words(html)

    def finish(document, pdf):
        heights = {
            reference: page.height * POINTS_PER_PIXEL
            for reference, page in zip(pdf.page_references, document.pages, strict=True)
        }
        for item in pdf.objects:
            if not isinstance(item, pydyf.Dictionary):
                continue
            if item.get("Subtype") == "/Link" and isinstance(item.get("Dest"), pydyf.String):
                target = item["Dest"].string
                item["Contents"] = pydyf.String(words.get(target) or target)
            elif item.get("S") == "/Figure" and item.get("Pg") in heights:
                _place_figure(item, heights[item["Pg"]])

    return finish


def _place_figure(element, page_height):
    layout = element.get("A")
    if not isinstance(layout, pydyf.Dictionary) or "BBox" not in layout:
        return
    left, top, right, bottom = (float(value) for value in layout["BBox"])
    layout["BBox"] = pydyf.Array(
        (
            round(left * POINTS_PER_PIXEL, 2),
            round(page_height - bottom * POINTS_PER_PIXEL, 2),
            round(right * POINTS_PER_PIXEL, 2),
            round(page_height - top * POINTS_PER_PIXEL, 2),
        )
    )
