// Start GOV.UK Frontend's components (error summary focus, character counts, menus).
import { initAll } from "./govuk/govuk-frontend.min.js";

initAll();
