"""Every page, as every role and with every form in its error state, passes axe-core's WCAG 2.2 AA rules.

The pages come from the URL map and the access rules (tests/browser/audit_set.py), so a page
added later is audited without touching this file.
"""

import pytest
from flask import render_template_string
from playwright.sync_api import Error as PlaywrightError

from tests.browser.audit_set import AUDIT_ROLES
from tests.browser.axe import WCAG_TAGS, audit, axe_results, report
from tracker.plan.models import Rag

# Pages read the same on either database: these walks run once, in the first pass (see tests/conftest.py).
pytestmark = pytest.mark.page_audit

# Fields a person fills in; forms with none (sign out, one-click buttons) have no error state.
FIELDS = (
    "input:not([type=hidden]):not([type=submit]):not([type=button]):not([type=image]):not([type=reset]),"
    " select, textarea"
)
SUBMIT = "button:not([type]), button[type=submit], input[type=submit], input[type=image]"
FORMS_WITH_FIELDS = f"""
() => [...document.querySelectorAll("main form")]
  .map((form, index) => ({{index, fields: [...form.querySelectorAll("{FIELDS}")].map((f) => f.name).join(" "),
                          submit: form.querySelector("{SUBMIT}") !== null}}))
  .filter((form) => form.fields && form.submit)
"""
# Empty what a person could empty: text, tick boxes and drop-downs back to their first choice.
EMPTY_FORM = """
(form) => {
  for (const field of form.elements) {
    if (field.type === "checkbox") field.checked = false;
    else if (field.tagName === "SELECT") field.selectedIndex = 0;
    else if (field.tagName === "TEXTAREA") field.value = "";
    else if (field.tagName === "INPUT" && !["hidden", "submit", "button", "image", "reset", "radio", "file"]
             .includes(field.type)) field.value = "";
  }
}
"""
FIRST_PAGE = {"anon": "auth.sign_in"}
# Beyond axe: a BRAG colour always comes with its word, and every chart is an image with a title and
# a description that is shown beside a table of its figures (in its own section, where it has one).
# And no page shows its own markup as text (HTML escaped twice, which screen readers read out too).
COLOUR_AND_CHARTS = """
() => {
  const problems = [];
  const markup = document.body.innerText.match(/<\\/?(span|a|strong|em|p|div|br)\\b[^>]*>/);
  if (markup) problems.push(`markup shown as text: ${markup[0]}`);
  for (const tag of document.querySelectorAll("[class*='app-rag--'], [class*='app-count-card--']")) {
    if (!tag.innerText.trim()) problems.push(`a BRAG colour without its word: ${tag.outerHTML.slice(0, 80)}`);
  }
  // A chart comes in a wide and a narrow layout, of which the page shows one.
  const charts = [...document.querySelectorAll("main svg.app-chart")].filter((chart) => chart.getClientRects().length);
  const tables = document.querySelectorAll("main table").length;
  if (charts.length > tables) problems.push(`${charts.length} charts but ${tables} tables: show each chart's figures in a table`);
  for (const chart of charts) {
    const text = (id) => (document.getElementById(id)?.textContent || "").trim();
    const [title, desc] = (chart.getAttribute("aria-labelledby") || "").split(/\\s+/).map(text);
    const name = title || "untitled chart";
    if (chart.getAttribute("role") !== "img" || chart.getAttribute("aria-hidden") === "true" || !title || !desc) {
      problems.push(`${name}: a chart needs role="img", a title and a description for screen readers`);
    }
    const scope = chart.closest("section, main");
    if (![...scope.querySelectorAll("table")].some((table) => !chart.contains(table))) {
      problems.push(`${name}: no table of its figures in its section`);
    }
  }
  return problems;
}
"""


@pytest.mark.parametrize("role", AUDIT_ROLES)
def test_every_page_the_role_is_served_passes_axe(audit_site, role):
    page = audit_site.page_as(role)
    violations, problems, audited = [], [], []
    for target in audit_site.html_pages(role, problems):
        violations += audit(page, f"{target.url} as {role}")
        problems += [f"{target} as {role}: {problem}" for problem in page.evaluate(COLOUR_AND_CHARTS)]
        audited.append(target.endpoint)
    assert FIRST_PAGE.get(role, "main.dashboard") in audited, f"{role} was not shown its first page: {audited}"
    assert not violations and not problems, report(violations, problems)


@pytest.mark.parametrize("role", AUDIT_ROLES)
def test_every_form_submitted_empty_passes_axe(audit_site, role):
    """Each form is sent empty once, by the first role shown it; every role's pages are audited above."""
    page = audit_site.page_as(role)
    violations, problems, found = [], [], 0
    for target in audit_site.html_pages(role, problems):
        forms = page.evaluate(FORMS_WITH_FIELDS)
        found += len(forms)
        fresh = True
        for form in forms:
            if (target.endpoint, form["fields"]) in audit_site.forms_sent_empty:
                continue
            audit_site.forms_sent_empty.add((target.endpoint, form["fields"]))
            if not fresh:
                audit_site.open(page, target, problems)
            fresh = False
            label = f"{target.url} form {form['index'] + 1} submitted empty as {role}"
            if _submit_empty(page, form["index"], label, problems):
                violations += audit(page, label)
    assert found, f"no form with fields was found on any page {role} is served"
    assert not violations and not problems, report(violations, problems)


def _submit_empty(page, index, label, problems):
    """Empty the form and press its submit button; return whether a new HTML page came back."""
    form = page.locator("main form").nth(index)
    form.evaluate(EMPTY_FORM)
    downloads = []

    def on_download(download):
        downloads.append(download)

    page.on("download", on_download)
    try:
        with page.expect_navigation(timeout=5_000) as navigation:
            form.locator(SUBMIT).first.click()
    except PlaywrightError:
        if not downloads:  # a form that answers with a file has no page to audit
            problems.append(f"{label}: nothing came back; if the browser's own validation stopped it, add novalidate")
        return False
    finally:
        page.remove_listener("download", on_download)
    response = navigation.value
    return response is not None and response.headers.get("content-type", "").startswith("text/html")


def test_error_pages_pass_axe(audit_site):
    violations = []
    for role, url, status, heading in [
        ("anon", "/no-such-page", 404, "Page not found"),
        ("viewer", "/no-such-page", 404, "Page not found"),
        ("viewer", "/admin/users", 403, "You do not have permission to do this"),
    ]:
        page = audit_site.page_as(role)
        response = page.goto(url)
        assert response.status == status, f"{url} as {role} answered {response.status}"
        assert page.get_by_role("heading", level=1).inner_text() == heading
        violations += audit(page, f"{url} ({status}) as {role}")
    assert not violations, report(violations)


def test_brag_tags_meet_aa_contrast_wherever_they_sit(app, audit_site):
    """Each BRAG colour, with its word, keeps AA contrast on white, in tables and in grey panels."""
    with app.test_request_context():
        sample = render_template_string(BRAG_SAMPLE, rags=[rag.value for rag in Rag] + [None])
    page = audit_site.page_as("anon")
    page.goto("/accessibility")
    page.evaluate("(html) => { document.querySelector('main').innerHTML = html; }", sample)
    results = axe_results(page, "#brag-sample", {"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    assert not results["violations"], results["violations"]
    assert not [rule for rule in results["incomplete"] if rule["id"] == "color-contrast"], results["incomplete"]
    checked = {node["target"] for rule in results["passes"] if rule["id"] == "color-contrast" for node in rule["nodes"]}
    for rag in ["blue", "red", "amber", "green", "none"]:
        assert sum(f"app-rag--{rag}" in target for target in checked) == 3, f"{rag} tags were not checked: {checked}"


BRAG_SAMPLE = """
{% import "macros.html" as ui %}
<div id="brag-sample">
  <h1 class="govuk-heading-l">BRAG tags</h1>
  <p class="govuk-body" id="on-white">{% for rag in rags %}{{ ui.rag_tag(rag) }} {% endfor %}</p>
  <table class="govuk-table" id="in-table">
    <caption class="govuk-table__caption">Actions</caption>
    <thead class="govuk-table__head"><tr class="govuk-table__row">
      <th scope="col" class="govuk-table__header">Rule</th></tr></thead>
    <tbody class="govuk-table__body">
      {% for rag in rags %}<tr class="govuk-table__row"><td class="govuk-table__cell">{{ ui.rag_tag(rag) }}</td></tr>{% endfor %}
    </tbody>
  </table>
  <div class="app-filter" id="in-panel">{% for rag in rags %}{{ ui.rag_tag(rag, "Owner says ") }} {% endfor %}</div>
</div>
"""


def test_the_audit_names_the_rule_page_and_element_of_each_violation(audit_site):
    """The audit itself works: planted faults from WCAG 2.0, 2.1 and 2.2 are each reported."""
    page = audit_site.page_as("anon")
    page.goto("/privacy")
    page.evaluate(PLANT_FAULTS)
    found = {(violation.rule, violation.selector) for violation in audit(page, "/privacy as anon")}
    assert {("image-alt", "#no-alt"), ("label", "#no-label"), ("color-contrast", "#faint")} <= found
    assert ("target-size", "#tiny-2") in found, "WCAG 2.2 rules did not run"
    assert ("region", "#outside") in found, "best practices did not run"
    message = report(audit(page, "/privacy as anon"))
    assert "image-alt [critical] on /privacy as anon: #no-alt" in message
    problems = page.evaluate(COLOUR_AND_CHARTS)
    assert problems[0] == "markup shown as text: <span class='govuk-visually-hidden'>"
    assert problems[1].startswith("a BRAG colour without its word")
    assert problems[2:] == [
        "1 charts but 0 tables: show each chart's figures in a table",
        'untitled chart: a chart needs role="img", a title and a description for screen readers',
        "untitled chart: no table of its figures in its section",
    ]


@pytest.mark.parametrize(("url", "verb"), [("/admin/users", "Deactivate"), ("/reports/distribution", "Remove")])
def test_row_buttons_say_whose_row_they_act_on_to_screen_readers(audit_site, url, verb):
    page = audit_site.page_as("admin")
    page.goto(url)
    first_row = page.locator("tbody tr").filter(has=page.get_by_role("button")).first
    name = first_row.get_by_role("link").evaluate(SHOWN_TEXT)
    assert first_row.get_by_role("button").evaluate(SHOWN_TEXT) == verb
    assert page.get_by_role("button", name=f"{verb} {name}", exact=True).count() == 1


# What a sighted person reads on an element: its text without the parts only screen readers get.
SHOWN_TEXT = """
(el) => [...el.childNodes].filter((n) => !n.classList?.contains("govuk-visually-hidden"))
  .map((n) => n.textContent).join("").trim()
"""


# Built through the DOM rather than HTML: the app's CSP refuses inline style attributes.
PLANT_FAULTS = """
() => {
  const main = document.querySelector("main");
  const add = (tag, id, set) => { const el = document.createElement(tag); el.id = id; set(el); main.append(el); };
  add("img", "no-alt", (el) => { el.src = "/static/favicon.svg"; });
  add("input", "no-label", (el) => { el.type = "text"; });
  add("p", "faint", (el) => { el.textContent = "Faint text"; el.style.color = "#bbb"; });
  add("strong", "colour-only", (el) => { el.className = "app-rag app-rag--red"; });
  add("button", "escaped", (el) => { el.textContent = "Remove<span class='govuk-visually-hidden'> Priya</span>"; });
  const outside = document.createElement("a");
  outside.id = "outside";
  outside.href = "/";
  outside.textContent = "Back";
  document.querySelector("main").before(outside);
  const chart = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  chart.setAttribute("class", "app-chart");
  chart.setAttribute("aria-hidden", "true");
  main.append(chart);
  for (const id of ["tiny-1", "tiny-2"]) {
    add("button", id, (el) => {
      el.setAttribute("aria-label", id);
      Object.assign(el.style, {width: "10px", height: "10px", padding: "0", margin: "0", border: "0"});
    });
  }
}
"""
