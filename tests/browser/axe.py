"""Run axe-core in a Playwright page and report violations as a readable list."""

from dataclasses import dataclass
from pathlib import Path

AXE_PATH = Path(__file__).resolve().parents[2] / "tracker" / "static" / "vendor" / "axe.min.js"
# WCAG 2.0, 2.1 and 2.2 at levels A and AA: the standard the Public Sector Bodies Accessibility
# Regulations require. axe has no wcag22a tag; its 2.2 A criteria are covered by the 2.0/2.1 tags.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# The audit also runs axe's best practices (such as `region`: all content inside a landmark), and
# any violation fails it, whatever its impact.
AUDIT_TAGS = [*WCAG_TAGS, "best-practice"]

RUN_AXE = """
async ({context, options}) => {
  const results = await axe.run(context || document, options);
  const describe = (node) => ({
    target: node.target.map((part) => Array.isArray(part) ? part.join(" >>> ") : part).join(", "),
    summary: node.failureSummary || "",
  });
  const pick = (rule) => ({id: rule.id, impact: rule.impact, help: rule.help, nodes: rule.nodes.map(describe)});
  return {
    violations: results.violations.map(pick),
    passes: (results.passes || []).map(pick),
    incomplete: (results.incomplete || []).map(pick),
  };
}
"""


@dataclass(frozen=True)
class Violation:
    """One element breaking one axe rule on one page."""

    rule: str
    impact: str
    help: str
    page: str
    selector: str
    summary: str

    def __str__(self):
        why = " ".join(self.summary.split())
        return f"{self.rule} [{self.impact}] on {self.page}: {self.selector}\n    {self.help}. {why}"


def _check_axe_is_built():
    assert AXE_PATH.exists(), f"{AXE_PATH} is missing: run `make assets` to copy axe-core from node_modules"


def install_axe(context):
    """Load axe-core into every page the browser context opens.

    An init script is sent to the browser once, not with every page, and the page's strict CSP
    does not apply to it, so pages are audited under the policy people get.
    """
    _check_axe_is_built()
    context.add_init_script(path=str(AXE_PATH))


def inject_axe(page):
    """Load axe-core into a page whose context has not installed it (that context must bypass CSP)."""
    _check_axe_is_built()
    if not page.evaluate("typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE_PATH))


def axe_results(page, context=None, options=None):
    """Raw axe results (violations, passes, incomplete) for the page or a CSS selector within it."""
    inject_axe(page)
    options = options or {"runOnly": {"type": "tag", "values": AUDIT_TAGS}, "resultTypes": ["violations"]}
    return page.evaluate(RUN_AXE, {"context": context, "options": options})


def audit(page, label=None):
    """Every WCAG 2.2 A and AA and best-practice violation axe finds on the page, one per element."""
    label = label or page.url
    found = []
    for rule in axe_results(page)["violations"]:
        for node in rule["nodes"]:
            found.append(Violation(rule["id"], rule["impact"], rule["help"], label, node["target"], node["summary"]))
    return found


def report(violations, problems=()):
    """A failure message listing every violation by rule, page and element."""
    lines = (
        [f"{len(violations)} accessibility violations (axe-core, WCAG 2.2 AA and best practice):"] if violations else []
    )
    lines += [f"- {violation}" for violation in sorted(violations, key=lambda v: (v.rule, v.page, v.selector))]
    if problems:
        lines.append(f"{len(problems)} other problems:")
        lines += [f"- {problem}" for problem in problems]
    return "\n".join(lines)
