/**
 * `npm run spec:diff -- <git-ref>`: oasdiff (pinned, installed by `npm test`'s setup) between the bundled spec at
 * <git-ref> and the working tree. Prints the changelog; exits non-zero on breaking changes unless the major
 * version in `info.version` went up (the documented way to accept an intended break).
 * `npm run spec:diff -- --ci` compares against the newest `v*` release tag, else the previous commit.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const git = (...args: string[]) => execFileSync("git", args, { cwd: root, encoding: "utf8" }).trim();

function oasdiffBinary(): string {
  const gopath = execFileSync("go", ["env", "GOPATH"], { encoding: "utf8" }).trim();
  return join(gopath, "bin", "oasdiff");
}

function baseRef(arg: string | undefined): string | undefined {
  if (arg && arg !== "--ci") return arg;
  const tag = spawnSync("git", ["describe", "--tags", "--abbrev=0", "--match", "v*"], {
    cwd: root,
    encoding: "utf8",
  });
  if (tag.status === 0 && tag.stdout.trim()) return tag.stdout.trim();
  return spawnSync("git", ["rev-parse", "--verify", "-q", "HEAD~1"], { cwd: root }).status === 0
    ? "HEAD~1"
    : undefined;
}

const major = (spec: { info?: { version?: string } }) => Number((spec.info?.version ?? "0").split(".")[0]);

const ref = baseRef(process.argv[2]);
if (!ref) {
  console.log("spec:diff: no earlier commit or release tag to compare with; nothing to check.");
  process.exit(0);
}
let baseText: string;
try {
  baseText = git("show", `${ref}:src/generated/openapi.json`);
} catch {
  console.log(`spec:diff: ${ref} has no bundled spec (src/generated/openapi.json); nothing to compare.`);
  process.exit(0);
}
const dir = mkdtempSync(join(tmpdir(), "masko-spec-diff-"));
try {
  const basePath = join(dir, "base.json");
  writeFileSync(basePath, baseText);
  const currentPath = join(root, "src/generated/openapi.json");
  const oasdiff = oasdiffBinary();
  console.log(`spec:diff: ${ref} → working tree (oasdiff)`);
  const changelog = spawnSync(oasdiff, ["changelog", basePath, currentPath], { encoding: "utf8" });
  process.stdout.write(changelog.stdout || "no changes\n");
  if (changelog.status !== 0) {
    process.stderr.write(changelog.stderr);
    process.exit(changelog.status ?? 1);
  }
  const breaking = spawnSync(oasdiff, ["breaking", basePath, currentPath, "--fail-on", "ERR"], {
    encoding: "utf8",
  });
  if (breaking.status === 0) {
    console.log("spec:diff: no breaking changes.");
    process.exit(0);
  }
  const before = major(JSON.parse(baseText));
  const after = major(JSON.parse(readFileSync(currentPath, "utf8")));
  process.stdout.write(breaking.stdout);
  if (after > before) {
    console.log(`spec:diff: breaking changes accepted: info.version major ${before} → ${after}.`);
    process.exit(0);
  }
  console.error(
    `spec:diff: breaking changes against ${ref}. Make them compatible, or bump the major version in info.version ` +
      "(openapi/openapi.yaml) to release them as intended.",
  );
  process.exit(1);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
