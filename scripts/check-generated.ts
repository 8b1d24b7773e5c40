/** Fails when the committed files in src/generated differ from a fresh `npm run generate`. */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const committed = join(root, "src/generated");
const fresh = mkdtempSync(join(tmpdir(), "masko-generated-"));
try {
  execFileSync(process.execPath, ["--import", "tsx", join(root, "scripts/generate.ts"), fresh], {
    stdio: "pipe",
  });
  const drifted = readdirSync(fresh).filter((name) => {
    let before = "";
    try {
      before = readFileSync(join(committed, name), "utf8");
    } catch {
      return true;
    }
    return before !== readFileSync(join(fresh, name), "utf8");
  });
  if (drifted.length > 0) {
    console.error(
      `src/generated is out of date: ${drifted.join(", ")}. Run \`npm run generate\` and commit.`,
    );
    process.exit(1);
  }
  console.log("src/generated matches the spec.");
} finally {
  rmSync(fresh, { recursive: true, force: true });
}
