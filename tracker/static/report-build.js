// While a report builds, follow its progress without reloading the page.
// The status sits in a live region, so the new text is announced; without JavaScript the page's
// "Check again" link does the same.

const POLL_MILLISECONDS = 2000;
const ACTIVE = new Set(["queued", "running"]);

const region = document.querySelector("[data-build-status]");

async function poll() {
  try {
    const response = await fetch(region.dataset.buildStatus, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    });
    if (response.ok) {
      const status = await response.json();
      if (status.state !== region.dataset.buildState) {
        region.dataset.buildState = status.state;
        region.innerHTML = status.html;
      }
      if (!ACTIVE.has(status.state)) {
        document.querySelector("[data-build-refresh]")?.remove();
        return;
      }
    }
  } catch {
    // A missed poll is harmless: the next one tries again.
  }
  window.setTimeout(poll, POLL_MILLISECONDS);
}

if (region && ACTIVE.has(region.dataset.buildState)) {
  window.setTimeout(poll, POLL_MILLISECONDS);
}
