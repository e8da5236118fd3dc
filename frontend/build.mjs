// Builds rocu's static assets from node_modules into rocu/static/rocu/ (run by `make install`).
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "rocu", "static", "rocu");
const modules = join(root, "node_modules");

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, "assets"), { recursive: true });

const css = sass.compile(join(root, "frontend", "rocu.scss"), {
  loadPaths: [modules],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import", "global-builtin", "color-functions", "slash-div"],
});
writeFileSync(join(out, "rocu.css"), css.css);

cpSync(join(modules, "govuk-frontend", "dist", "govuk", "govuk-frontend.min.js"), join(out, "govuk-frontend.min.js"));
cpSync(join(modules, "htmx.org", "dist", "htmx.min.js"), join(out, "htmx.min.js"));
cpSync(join(root, "frontend", "init.js"), join(out, "init.js"));
cpSync(join(root, "frontend", "charts.js"), join(out, "charts.js"));
// Only the neutral images: no crown, no royal arms, no GOV.UK logotype, no fonts.
for (const name of ["favicon.ico"]) {
  try { cpSync(join(root, "frontend", name), join(out, "assets", name)); } catch { /* optional */ }
}
console.log("built rocu static assets into", out);
