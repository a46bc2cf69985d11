"""What screen readers are told through live regions: a character count once per pause in typing, never at load."""

from tests.browser.conftest import sign_in

# Record every change a live region's text goes through while it is live, from the page's first moment.
LISTEN_TO_LIVE_REGIONS = """
window.__announced = [];
new MutationObserver((mutations) => {
  const changed = new Set();
  for (const mutation of mutations) {
    const node = mutation.target.nodeType === Node.ELEMENT_NODE ? mutation.target : mutation.target.parentElement;
    const live = node && node.closest("[aria-live]:not([aria-live=off])");
    if (live) changed.add(live);
  }
  for (const live of changed) window.__announced.push(live.textContent.trim());
}).observe(document, {subtree: true, childList: true, characterData: true});
"""


def _announced(page):
    return [text for text in page.evaluate("window.__announced") if text]


def test_a_character_count_is_announced_once_after_typing_and_not_at_load(page, make):
    page.context.add_init_script(LISTEN_TO_LIVE_REGIONS)
    sign_in(page, make.user("chair"))
    page.goto("/actions/new")
    page.wait_for_load_state("load")
    page.wait_for_timeout(1_500)
    assert _announced(page) == []
    description = page.get_by_label("Description")
    description.press_sequentially("Letters within 5 days", delay=30)
    page.wait_for_timeout(2_500)
    assert _announced(page) == ["You have 4,979 characters remaining"]
    assert page.locator(".govuk-character-count__status").inner_text() == "You have 4,979 characters remaining"
