// Start GOV.UK Frontend's components (error summary focus, character counts, menus).
import { initAll } from "./govuk/govuk-frontend.min.js";

initAll();

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
