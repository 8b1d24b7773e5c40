/**
 * `masko-contract docs --out DIR`: the documentation site (every guide and the Redoc reference, no request to any
 * other host) written to DIR. The package ships it prebuilt; in a checkout it is built from the sources.
 */
import { execFileSync } from "node:child_process";
import { cpSync, existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { type CommandSpec, type FlagTable, flagsOrHelp, helpText } from "../flags.js";
import { compiled, packageRoot } from "../package-files.js";

export const FLAGS = {
  out: { value: "DIR", help: "the folder to write the site into (required)" },
} as const satisfies FlagTable;

const COMMAND: CommandSpec<typeof FLAGS> = {
  name: "docs",
  synopsis: "--out DIR",
  description: "Writes the documentation site (guides and API reference) to DIR.",
  flags: FLAGS,
};

/** Runs the docs command with `args`; resolves to the exit code. */
export async function runDocs(args: string[]): Promise<number> {
  const values = flagsOrHelp(COMMAND, args);
  if (!values) return 0;
  if (!values.out) {
    process.stdout.write(helpText(COMMAND));
    return 2;
  }
  const out = resolve(values.out);
  const root = packageRoot();
  const prebuilt = join(root, "dist/site");
  if (compiled && existsSync(join(prebuilt, "index.html"))) {
    cpSync(prebuilt, out, { recursive: true });
  } else {
    execFileSync(process.execPath, ["--import", "tsx", join(root, "scripts/build-docs.ts"), out], {
      cwd: root,
      stdio: "inherit",
    });
  }
  console.log(`wrote the documentation site to ${out} (open index.html through any static file server)`);
  return 0;
}
