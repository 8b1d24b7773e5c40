/** `npm run lint:spec`: Redocly lint with zero errors AND zero warnings (Redocly itself passes on warnings). */
import { spawnSync } from "node:child_process";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const env = { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" };
const redocly = join(root, "node_modules/.bin/redocly");
const json = spawnSync(redocly, ["lint", "--format=json"], { cwd: root, env, encoding: "utf8" });
const report = JSON.parse(json.stdout) as { totals: { errors: number; warnings: number } };
if (report.totals.errors + report.totals.warnings > 0) {
  // Re-run in the readable format so the problems are shown with their source lines.
  spawnSync(redocly, ["lint", "--format=stylish"], { cwd: root, env, stdio: "inherit" });
  console.error(
    `spec lint: ${report.totals.errors} errors, ${report.totals.warnings} warnings (both must be 0)`,
  );
  process.exit(1);
}
console.log("spec lint: 0 errors, 0 warnings");
