// While an import is checked or written, show how many rows are done.
// The form submits as usual; this only polls the batch's progress until the next page arrives.
// Without JavaScript the page says to keep it open, and the server answers when it is done.

const POLL_MILLISECONDS = 1000;

function showProgress(form) {
  const panel = form.querySelector("[data-import-progress-panel]");
  const text = form.querySelector("[data-import-progress-text]");
  const bar = form.querySelector("[data-import-progress-bar]");
  const hint = form.querySelector("[data-import-progress-hint]");
  if (!panel || !text || !bar) {
    return;
  }
  const working = text.textContent.replace(/…$/, "");
  panel.hidden = false;
  if (hint) {
    hint.hidden = true;
  }
  const poll = async () => {
    try {
      const response = await fetch(form.dataset.importProgress, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (response.ok) {
        const progress = await response.json();
        if (progress.total > 0) {
          const done = Math.min(progress.processed, progress.total);
          const percent = Math.round((100 * done) / progress.total);
          bar.value = percent;
          bar.textContent = `${percent}%`;
          text.textContent = `${working}: ${done.toLocaleString("en-GB")} of ${progress.total.toLocaleString("en-GB")} rows`;
        }
      }
    } catch {
      // A missed poll is harmless: the next one tries again.
    }
    window.setTimeout(poll, POLL_MILLISECONDS);
  };
  window.setTimeout(poll, POLL_MILLISECONDS / 2);
}

for (const form of document.querySelectorAll("form[data-import-progress]")) {
  form.addEventListener("submit", () => showProgress(form));
}
