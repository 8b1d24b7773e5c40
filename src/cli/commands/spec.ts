/** `masko-contract spec [--out FILE]`: the bundled OpenAPI 3.1 spec, to stdout or a file. */
import { copyFileSync, readFileSync } from "node:fs";
import { type CommandSpec, type FlagTable, flagsOrHelp } from "../flags.js";
import { specPath } from "../package-files.js";

export const FLAGS = {
  out: { value: "FILE", help: "write the spec here (default: print it)" },
} as const satisfies FlagTable;

const COMMAND: CommandSpec<typeof FLAGS> = {
  name: "spec",
  description: "The bundled OpenAPI 3.1 spec (JSON).",
  flags: FLAGS,
};

/** Runs the spec command with `args`; resolves to the exit code. */
export async function runSpec(args: string[]): Promise<number> {
  const values = flagsOrHelp(COMMAND, args);
  if (!values) return 0;
  if (values.out) {
    copyFileSync(specPath(), values.out);
    console.log(`wrote ${values.out}`);
  } else process.stdout.write(readFileSync(specPath(), "utf8"));
  return 0;
}
