/**
 * The one shape every command's flags take: a table of flags (type, environment variable, default, help), parsed
 * by parseFlags into values (the flag, else its variable, else its default) and printed by helpText. A flag the
 * command does not know, or one without its value, is a UsageError (the CLI prints it and exits 2).
 */
import { parseArgs } from "node:util";
import { UsageError } from "./target-flags.js";

export interface FlagSpec {
  /** "string" unless said; a boolean flag takes no value. */
  readonly type?: "string" | "boolean";
  /** The environment variable read when the flag is not given. */
  readonly env?: string;
  readonly default?: string;
  /** Repeatable; its environment variable then holds a comma-separated list. */
  readonly multiple?: boolean;
  /** The value's placeholder in the help (URL, N, FILE). */
  readonly value?: string;
  readonly help: string;
}

export type FlagTable = Readonly<Record<string, FlagSpec>>;

/** A command as its help shows it. */
export interface CommandSpec<T extends FlagTable = FlagTable> {
  /** `masko-contract <name>`. */
  readonly name: string;
  /** What follows the name in the usage line (default `[flags]`). */
  readonly synopsis?: string;
  /** The npm script that runs it in this repository, if any. */
  readonly script?: string;
  readonly description: string;
  readonly flags: T;
  /** Printed after the flags. */
  readonly notes?: string;
}

/** The parsed value of each flag: booleans, lists for repeatable flags, else a string (undefined: not set at all). */
export type FlagValues<T extends FlagTable> = {
  -readonly [K in keyof T]: T[K]["type"] extends "boolean"
    ? boolean
    : T[K]["multiple"] extends true
      ? string[]
      : T[K]["default"] extends string
        ? string
        : string | undefined;
};

/** The words after the command parsed against its table; `undefined` when `--help` was asked for. */
export function parseFlags<T extends FlagTable>(
  command: CommandSpec<T>,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): FlagValues<T> | undefined {
  let parsed: Record<string, string | boolean | string[] | undefined>;
  try {
    parsed = parseArgs({
      args: [...args],
      options: {
        ...Object.fromEntries(
          Object.entries(command.flags).map(([name, f]) => [
            name,
            { type: f.type ?? "string", multiple: f.multiple === true },
          ]),
        ),
        help: { type: "boolean" },
      },
      strict: true,
      allowPositionals: false,
    }).values as typeof parsed;
  } catch (error) {
    throw new UsageError(
      `${(error as Error).message} (masko-contract ${command.name} --help lists the flags)`,
    );
  }
  if (parsed.help) return undefined;
  const values: Record<string, string | boolean | string[] | undefined> = {};
  for (const [name, f] of Object.entries(command.flags)) {
    const given = parsed[name];
    const fromEnv = f.env ? env[f.env] : undefined;
    if (f.type === "boolean") values[name] = given === true || (given === undefined && fromEnv === "true");
    else if (f.multiple) {
      const listed = (fromEnv ?? "").split(",").filter((v) => v.trim() !== "");
      values[name] = [...listed, ...((given as string[] | undefined) ?? [])];
    } else values[name] = (given as string | undefined) ?? fromEnv ?? f.default;
  }
  return values as FlagValues<T>;
}

/** parseFlags, printing the command's help when `--help` was asked for (the answer is then undefined: done). */
export function flagsOrHelp<T extends FlagTable>(
  command: CommandSpec<T>,
  args: readonly string[],
): FlagValues<T> | undefined {
  const values = parseFlags(command, args);
  if (!values) process.stdout.write(helpText(command));
  return values;
}

/** The command's help: usage line, description, one line per flag (with its variable and default), notes. */
export function helpText(command: CommandSpec): string {
  const label = (name: string, f: FlagSpec) =>
    `--${name}${f.type === "boolean" ? "" : ` ${f.value ?? "VALUE"}`}`;
  const width = Math.max(...Object.entries(command.flags).map(([n, f]) => label(n, f).length), 6) + 2;
  const lines = Object.entries(command.flags).map(([name, f]) => {
    const extra = [
      f.env ? `env ${f.env}${f.multiple ? ", comma-separated" : ""}` : "",
      f.default !== undefined && f.default !== "" ? `default ${f.default}` : "",
    ].filter(Boolean);
    return `  ${label(name, f).padEnd(width)}${f.help}${extra.length > 0 ? ` (${extra.join("; ")})` : ""}`;
  });
  const script = command.script ? `   (in this repository: npm run ${command.script} -- [flags])` : "";
  return [
    `Usage: masko-contract ${command.name} ${command.synopsis ?? "[flags]"}${script}`,
    "",
    command.description,
    "",
    ...lines,
    `  ${"--help".padEnd(width)}show this help`,
    "",
    ...(command.notes ? [command.notes, ""] : []),
  ].join("\n");
}
