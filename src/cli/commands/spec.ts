/** `masko-contract spec [--out FILE]`: the bundled OpenAPI 3.1 spec, to stdout or a file. */
import { copyFileSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { specPath } from "../package-files.js";

/** Runs the spec command with `args`; resolves to the exit code. */
export async function runSpec(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { out: { type: "string" }, help: { type: "boolean" } } });
  if (values.help) {
    process.stdout.write("Usage: masko-contract spec [--out FILE]\n\nThe bundled OpenAPI 3.1 spec (JSON).\n");
    return 0;
  }
  if (values.out) {
    copyFileSync(specPath(), values.out);
    console.log(`wrote ${values.out}`);
  } else process.stdout.write(readFileSync(specPath(), "utf8"));
  return 0;
}
