"""Every page of the audit set works at 320 CSS pixels wide (400% zoom) and shows where focus is."""

import pytest

from tests.browser.audit_set import AUDIT_ROLES, DESKTOP, NARROW
from tests.browser.axe import axe_results
from tests.browser.keyboard import KeyboardUser

# Pages read the same on either database: these walks run once, in the first pass (see tests/conftest.py).
pytestmark = pytest.mark.page_audit

# Whether the page scrolls sideways, and if so which outermost elements stick out past the screen.
# Wide data tables may scroll inside an .app-table-wrapper; nothing else may.
REFLOW_CHECK = """
() => {
  const root = document.scrollingElement;
  const width = root.clientWidth;
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + [...el.classList].map((name) => "." + name).join("");
  const sticksOut = (el) => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && box.right > width + 1;
  };
  // A wrapper clips what is inside it, unless it is positioned outside the wrapper's flow.
  const clipped = (el) => el.parentElement.closest(".app-table-wrapper")
    && !["absolute", "fixed"].includes(getComputedStyle(el).position);
  const outside = [...document.body.querySelectorAll("*")].filter((el) => !clipped(el) && sticksOut(el));
  return {
    scrollWidth: root.scrollWidth,
    clientWidth: width,
    outside: outside.filter((el) => !outside.includes(el.parentElement)).slice(0, 5).map(describe),
    unwrappedTables: [...document.querySelectorAll("table")]
      .filter((table) => !table.closest(".app-table-wrapper") && table.scrollWidth > table.clientWidth + 1)
      .map(describe),
    scrollingWrappers: [...document.querySelectorAll(".app-table-wrapper")]
      .filter((wrapper) => wrapper.scrollWidth > wrapper.clientWidth + 1).length,
  };
}
"""
# The text of every chart on show, at the size it is drawn on the screen (SVG text scales with its
# chart), where that is smaller than body text at this width (16px below the tablet breakpoint).
SMALL_CHART_TEXT = """
() => [...document.querySelectorAll("svg.app-chart")].filter((svg) => svg.getClientRects().length).flatMap((svg) => {
  const box = svg.viewBox.baseVal;
  const scale = box && box.width ? svg.getBoundingClientRect().width / box.width : 1;
  const title = svg.querySelector("title")?.textContent || "untitled chart";
  return [...svg.querySelectorAll("text")]
    .map((text) => ({title, text: text.textContent, size: parseFloat(getComputedStyle(text).fontSize) * scale}))
    .filter((text) => text.size < 15.5)
    .map((text) => `${text.title}: "${text.text}" is drawn at ${text.size.toFixed(1)}px`);
}).slice(0, 5)
"""
SCROLLABLE_REGIONS = {"runOnly": {"type": "rule", "values": ["scrollable-region-focusable"]}}


@pytest.mark.parametrize("role", AUDIT_ROLES)
def test_pages_reflow_at_320_css_pixels_without_sideways_scrolling(audit_site, role):
    page = audit_site.page_as(role, NARROW)
    problems, checked = [], 0
    for target in audit_site.html_pages(role, problems, NARROW):
        checked += 1
        found = page.evaluate(REFLOW_CHECK)
        if found["scrollWidth"] > found["clientWidth"] + 1:
            problems.append(
                f"{target} as {role} scrolls sideways ({found['scrollWidth']}px in {found['clientWidth']}px);"
                f" sticking out: {', '.join(found['outside'])}"
            )
        problems += [f"{target} as {role}: {small} (body text is 16px)" for small in page.evaluate(SMALL_CHART_TEXT)]
        if found["unwrappedTables"]:
            problems.append(f"{target} has wide tables outside an app-table-wrapper: {found['unwrappedTables']}")
        if found["scrollingWrappers"]:
            # A region that scrolls must be reachable by keyboard to be scrolled (WCAG 2.1.1).
            for rule in axe_results(page, options=SCROLLABLE_REGIONS)["violations"]:
                problems += [f"{target}: {rule['help']}: {node['target']}" for node in rule["nodes"]]
    assert checked, f"no pages were checked for {role}"
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("role", AUDIT_ROLES)
def test_focus_is_visible_at_every_tab_stop_of_every_page(audit_site, role):
    """Each page is walked once, by the first role shown it: focus styles do not depend on the role."""
    page = audit_site.page_as(role)
    problems, hidden = [], []
    for target in audit_site.html_pages(role, problems, skip=audit_site.focus_walked):
        audit_site.focus_walked.add(target.endpoint)
        keys = KeyboardUser(page)
        keys.walk_page()
        hidden += keys.invisible_stops()
    assert not hidden and not problems, "\n".join(["focus was not visible at:", *map(str, hidden), *problems])


def test_a_wide_table_without_links_scrolls_inside_its_box_by_keyboard(audit_site):
    page = audit_site.page_as("anon", NARROW)
    page.goto("/privacy")
    page.evaluate(WIDE_TABLE)
    wrapper = page.locator(".app-table-wrapper")
    assert wrapper.get_attribute("role") == "region"
    assert wrapper.get_attribute("aria-label") == "Actions by quarter"
    assert not axe_results(page, options=SCROLLABLE_REGIONS)["violations"]
    found = page.evaluate(REFLOW_CHECK)
    assert found["scrollWidth"] <= found["clientWidth"] + 1 and found["scrollingWrappers"] == 1
    keys = KeyboardUser(page)
    keys.tab_to(wrapper)
    keys.press("ArrowRight")
    # Keyboard scrolling is animated, so give it a moment to move.
    page.wait_for_function("(el) => el.scrollLeft > 0", arg=wrapper.element_handle(), timeout=5_000)
    keys.assert_focus_was_always_visible()


# A table of figures only, too wide for 320 pixels; app.js looks again when the window resizes.
WIDE_TABLE = """
() => {
  const quarters = ["2025/26 Q1", "2025/26 Q2", "2025/26 Q3", "2025/26 Q4", "2026/27 Q1", "2026/27 Q2"];
  const cells = (tag) => quarters.map((q) => `<${tag} class="govuk-table__cell app-nowrap">${q}</${tag}>`).join("");
  document.querySelector("main").insertAdjacentHTML("beforeend",
    `<div class="app-table-wrapper"><table class="govuk-table"><caption class="govuk-table__caption">Actions by quarter</caption>
     <thead><tr>${cells("th")}</tr></thead><tbody><tr>${cells("td")}</tr></tbody></table></div>`);
  window.dispatchEvent(new Event("resize"));
}
"""


@pytest.mark.parametrize("url", ["/", "/compliance"])
def test_charts_keep_their_text_at_body_size_at_320_css_pixels(audit_site, url):
    page = audit_site.page_as("chair", NARROW)
    page.set_viewport_size(NARROW)  # the same tab is lent to every test that asks for it
    page.goto(url)
    shown = page.locator("main svg.app-chart").filter(visible=True)
    assert shown.count() >= 1, f"no chart on {url}"
    assert all("app-chart--narrow" in shown.nth(i).get_attribute("class") for i in range(shown.count()))
    assert page.evaluate(SMALL_CHART_TEXT) == []
    name = url.strip("/") or "dashboard"
    shown.first.scroll_into_view_if_needed()
    page.screenshot(path=f"/tmp/shots/chart-{name}-320.png")
    page.set_viewport_size(DESKTOP)
    wide = page.locator("main svg.app-chart").filter(visible=True)
    assert wide.count() == shown.count()
    assert all("app-chart--wide" in wide.nth(i).get_attribute("class") for i in range(wide.count()))
    wide.first.scroll_into_view_if_needed()
    page.screenshot(path=f"/tmp/shots/chart-{name}-1280.png")
    page.set_viewport_size(NARROW)
