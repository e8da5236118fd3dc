// Starts GOV.UK Frontend's components (menu toggle, notification banners, skip link).
import { initAll } from "./govuk-frontend.min.js";
initAll();
