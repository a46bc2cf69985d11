// Start GOV.UK Frontend's components (error summary focus, character counts, menus).
import { initAll } from "./govuk/govuk-frontend.min.js";

initAll();

// GOV.UK's character count writes its screen-reader message as it starts and again on pageshow,
// so screen readers announced the count twice as every page with one loaded. Its message goes
// live only once the person types (or dictates) in the field, and is then announced once per pause.
for (const status of document.querySelectorAll(".govuk-character-count__sr-status")) {
  status.removeAttribute("aria-live");
  const field = status.closest(".govuk-character-count").querySelector(".govuk-js-character-count");
  field.addEventListener("input", (event) => {
    if (event.isTrusted) status.setAttribute("aria-live", "polite");
  });
}

// A wide table scrolls sideways inside its .app-table-wrapper rather than the page. While it does,
// the wrapper is a named region that takes focus, so keyboard users can scroll it with the arrow
// keys even when the table holds no links (WCAG 2.1.1).
function letKeyboardsScrollWideTables() {
  for (const wrapper of document.querySelectorAll(".app-table-wrapper")) {
    const scrolls = wrapper.scrollWidth > wrapper.clientWidth + 1;
    if (scrolls && !wrapper.hasAttribute("data-scrolls")) {
      const caption = wrapper.querySelector("caption");
      wrapper.setAttribute("data-scrolls", "");
      wrapper.setAttribute("tabindex", "0");
      wrapper.setAttribute("role", "region");
      wrapper.setAttribute("aria-label", caption ? caption.textContent.trim() : "Table");
    } else if (!scrolls && wrapper.hasAttribute("data-scrolls")) {
      for (const name of ["data-scrolls", "tabindex", "role", "aria-label"]) wrapper.removeAttribute(name);
    }
  }
}

letKeyboardsScrollWideTables();
window.addEventListener("resize", letKeyboardsScrollWideTables);

// The GOV.UK timeout warning (WCAG 2.2.1): a modal dialog some minutes before the session ends.
// Focus moves into it and back to where it was; Escape, like "Stay signed in", keeps the session.
function warnBeforeTheSessionEnds(dialog) {
  const warning = Number(dialog.dataset.warningSeconds);
  const countdown = dialog.querySelector(".app-timeout-dialog__countdown");
  let endsAt = Date.now() + Number(dialog.dataset.secondsLeft) * 1000;
  let returnFocusTo = null;
  let timer = null;

  const say = (seconds) => {
    if (seconds >= 60) {
      const minutes = Math.ceil(seconds / 60);
      return `${minutes} ${minutes === 1 ? "minute" : "minutes"}`;
    }
    return `${seconds} ${seconds === 1 ? "second" : "seconds"}`;
  };
  const close = () => {
    if (dialog.open) dialog.close();
    if (returnFocusTo && document.contains(returnFocusTo)) returnFocusTo.focus();
    returnFocusTo = null;
  };
  const tick = () => {
    const left = Math.max(0, Math.round((endsAt - Date.now()) / 1000));
    if (left === 0) {
      // The session has ended: sending a form now keeps what was typed for after signing in again.
      close();
      return;
    }
    if (left <= warning && !dialog.open) {
      countdown.textContent = say(left);
      returnFocusTo = document.activeElement;
      dialog.showModal();
      dialog.focus();
    } else if (dialog.open) {
      countdown.textContent = say(left);
    }
    timer = setTimeout(tick, 1000);
  };
  const staySignedIn = async () => {
    close();
    const response = await fetch(dialog.dataset.keepAliveUrl, {
      method: "POST",
      headers: { "X-CSRFToken": dialog.dataset.csrfToken, Accept: "application/json" },
      credentials: "same-origin",
    });
    if (response.ok && !response.redirected) {
      endsAt = Date.now() + (await response.json()).seconds_left * 1000;
      clearTimeout(timer);
      tick();
    }
  };
  dialog.querySelector(".app-timeout-dialog__stay").addEventListener("click", staySignedIn);
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    staySignedIn();
  });
  tick();
}

const timeoutDialog = document.getElementById("timeout-warning");
if (timeoutDialog && typeof timeoutDialog.showModal === "function") warnBeforeTheSessionEnds(timeoutDialog);

// A form sent after the session ended was kept on the server; put what was typed back into it.
function putBackKeptForm(fields) {
  for (const [name, values] of Object.entries(fields)) {
    const elements = [...document.querySelectorAll("main [name]")].filter((el) => el.name === name);
    let next = 0;
    for (const element of elements) {
      if (["file", "password", "submit", "button"].includes(element.type)) continue;
      if (element.type === "checkbox" || element.type === "radio") {
        element.checked = values.includes(element.value);
      } else if (element.tagName === "SELECT" && element.multiple) {
        for (const option of element.options) option.selected = values.includes(option.value);
      } else if (next < values.length) {
        element.value = values[next++];
      }
      // Character counts and other components follow what the field holds.
      element.dispatchEvent(new Event("input", { bubbles: true }));
    }
  }
}

const keptForm = document.getElementById("kept-form");
if (keptForm) putBackKeptForm(JSON.parse(keptForm.textContent));
