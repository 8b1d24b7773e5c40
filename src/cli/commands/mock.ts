/**
 * `masko-contract mock` (`npm run mock`): starts the Masko simulator, or with `--prism` the Prism static mock of
 * the same spec. `--help` lists the flags and their environment variables.
 */
import { readFileSync } from "node:fs";
import {
  type BehaviourInput,
  behaviourChanges,
  behaviourHelp,
  parseBehaviourFile,
  parseBehaviourItems,
} from "../../mock/behaviour.js";
import type { SeedFile } from "../../mock/control/control.js";
import { AssetsBase } from "../../mock/primitives/assets-base.js";
import { badRequest } from "../../mock/primitives/masko-error.js";
import { createSimulator, type RequestLogLine, type SimulatorOptions } from "../../mock/simulator.js";
import type { SimulatorServer } from "../../mock/transport/node-server.js";
import { listen } from "../../mock/transport/node-server.js";
import { formatLogLine, LOG_FORMATS, type LogFormat } from "../../mock/transport/request-log.js";
import { type CommandSpec, type FlagValues, flagsOrHelp, helpText } from "../flags.js";
import { endWithParent, spawnTied } from "../lifetime.js";
import { PRISM_VERSION, specPath } from "../package-files.js";
import { freezeYoungGeneration, holdYoungGeneration } from "../young-generation.js";
import { FLAGS } from "./mock-flags.js";

export { FLAGS };

const COMMAND: CommandSpec<typeof FLAGS> = {
  name: "mock",
  script: "mock",
  description: "The stateful Masko API simulator.",
  flags: FLAGS,
  get notes() {
    return `Behaviours (--behaviour name=value; defaults are the decisions register's choices, docs/decisions.md):\n${behaviourHelp()}`;
  },
};

const LEVELS = ["info", "warn", "error", "silent"] as const;
type Values = FlagValues<typeof FLAGS>;

function fail(message: string): never {
  process.stderr.write(`masko simulator: ${message}\n\n${helpText(COMMAND)}`);
  process.exit(2);
}

/** A flag's value as a whole number ≥ `min`, else exit 2 naming it. */
function wholeNumber(values: Values, name: keyof Values, min: number): number {
  const n = Number(values[name]);
  if (!Number.isInteger(n) || n < min) fail(`--${name} must be an integer >= ${min}`);
  return n;
}

/** Runs the mock command with `args` (the words after `mock`). */
export async function runMock(args: string[]): Promise<void> {
  let values: Values | undefined;
  try {
    values = flagsOrHelp(COMMAND, args);
  } catch (error) {
    fail((error as Error).message);
  }
  if (!values) return;
  const port = wholeNumber(values, "port", 0);
  checkChoices(values);
  if (values.prism) return servePrism(values.host, port);
  if (values.store === "memory") freezeYoungGeneration();
  const options = await simulatorOptions(values);
  const simulator = await createSimulator(options).catch((error: unknown) => fail((error as Error).message));
  const server = await listen(simulator, { host: values.host, port });
  if (values.store === "memory") holdYoungGeneration();
  warnWhenExposed(values);
  if (values["log-level"] !== "silent") process.stdout.write(banner(values, server, simulator));

  let closing = false;
  const shutdown = () => {
    if (closing) return;
    closing = true;
    server
      .close()
      .then(() => options.store?.close?.())
      .then(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  };
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, shutdown);
  // Started by npx, a test runner or a script that dies: the simulator does not outlive it.
  await endWithParent();
}

/** Flags whose value is one of a few words; exit 2 naming the flag otherwise. */
function checkChoices(values: Values): void {
  if (!LEVELS.includes(values["log-level"] as (typeof LEVELS)[number]))
    fail(`--log-level must be one of ${LEVELS.join(", ")}`);
  if (!["memory", "redis"].includes(values.store))
    fail(`--store must be memory or redis, not ${values.store}`);
  if (!LOG_FORMATS.includes(values["log-format"] as LogFormat))
    fail(`--log-format must be one of ${LOG_FORMATS.join(", ")}`);
  if (values.control !== "on" && values.control !== "off")
    fail(`--control must be on or off, not ${values.control}`);
  const seeds = (values["redis-cluster"] ?? "").split(",").filter(Boolean);
  const badSeed = seeds.find((seed) => !/^[^\s:]+:\d{1,5}$/.test(seed));
  if (badSeed !== undefined)
    fail(`--redis-cluster takes HOST:PORT seed nodes, comma-separated, not ${badSeed}`);
  if (seeds.length > 0 && values.store !== "redis") fail("--redis-cluster needs --store redis");
  try {
    if (values["assets-base-url"]) new AssetsBase(values["assets-base-url"]);
  } catch (error) {
    fail(`--assets-base-url: ${(error as Error).message}`);
  }
}

/** The simulator's options from the flags: store, seed, behaviour, log and the rest. */
async function simulatorOptions(values: Values): Promise<SimulatorOptions> {
  // ioredis is loaded only for the Redis store: the default start stays fast.
  const redis = values.store === "redis" ? await import("../../mock/store/redis/index.js") : undefined;
  const timeoutMs = wholeNumber(values, "redis-timeout-ms", 1);
  const seeds = (values["redis-cluster"] ?? "").split(",").filter(Boolean);
  const connection =
    redis &&
    (seeds.length > 0
      ? redis.connectRedisCluster(seeds, { timeoutMs })
      : redis.connectRedis(values["redis-url"], { timeoutMs }));
  const prefix = values["redis-prefix"];
  const store = connection && redis?.createRedisStore(connection, { prefix });
  // The sandboxes live beside the default store, under the same prefix, shared by every instance on it.
  const fleet = connection && redis?.createRedisFleet(connection, { prefix });
  const seed = values.seed ? seedReader(values.seed) : undefined;
  const format = values["log-format"] as LogFormat;
  const assetsBaseUrl = values["assets-base-url"];
  return {
    behaviour: readBehaviour(values.behaviour, values["behaviour-file"]),
    ...(assetsBaseUrl ? { assetsBaseUrl } : {}),
    control: values.control === "on",
    ...(store ? { store, keepState: true } : {}),
    ...(fleet ? { fleet } : {}),
    maxSandboxes: wholeNumber(values, "max-sandboxes", 0),
    ...(seed ? { seed } : {}),
    ...(values["admin-token"] ? { adminToken: values["admin-token"] } : {}),
    allowedHosts: values["allowed-host"],
    corsOrigin: values["cors-origin"],
    rateLimitScale: wholeNumber(values, "rate-limit-scale", 1),
    longPollMaxMs: wholeNumber(values, "long-poll-seconds", 0) * 1000,
    ...(values["log-level"] === "info"
      ? { log: (l: RequestLogLine) => process.stdout.write(`${formatLogLine(l, format)}\n`) }
      : {}),
    onError: (error) => {
      if (values["log-level"] !== "silent")
        process.stderr.write(`unexpected error: ${(error as Error)?.stack ?? String(error)}\n`);
    },
  };
}

/**
 * The seed file, read at start-up (a broken one stops it: exit 2) and again at each reset, not kept in memory: the
 * start-up reading is used once, for the first seeding, then dropped.
 */
function seedReader(path: string): () => SeedFile {
  const read = (): SeedFile => {
    try {
      return JSON.parse(readFileSync(path, "utf8")) as SeedFile;
    } catch (error) {
      throw badRequest(`cannot read the seed file ${path}: ${(error as Error).message}`);
    }
  };
  let first: SeedFile | undefined;
  try {
    first = read();
  } catch (error) {
    fail((error as Error).message);
  }
  return () => {
    const contents = first ?? read();
    first = undefined;
    return contents;
  };
}

/** Bound beyond loopback with an open control API: anyone who reaches the port controls the simulator. */
function warnWhenExposed(values: Values): void {
  const host = values.host;
  const loopback = ["127.0.0.1", "localhost", "::1", "[::1]"].includes(host) || host.startsWith("127.");
  if (loopback || values.control !== "on" || values["admin-token"]) return;
  process.stderr.write(
    `WARNING: listening on ${host} with the control API open and no --admin-token: anyone who can reach ` +
      "this port can reset the simulator, create workspaces and read their keys. Pass --admin-token (or " +
      "--control off), or bind to 127.0.0.1.\n",
  );
}

/** What the simulator prints once it listens: where each part is, the demo key, the behaviour in force. */
function banner(
  values: Values,
  server: SimulatorServer,
  simulator: Awaited<ReturnType<typeof createSimulator>>,
): string {
  const adminNote = values["admin-token"] ? " (X-Mock-Admin-Token required)" : "";
  const assetsNote = values["assets-base-url"] ? ` (served here at ${server.url}/assets/…)` : "";
  return [
    `Masko simulator listening on ${server.url}`,
    `  Masko API:    ${server.url}/v1`,
    values.control === "on"
      ? `  control API:  ${server.url}/__mock${adminNote}`
      : "  control API:  off (/__mock answers 404)",
    `  asset media:  ${simulator.services.assets.url}/…${assetsNote}`,
    `  demo API key: ${simulator.demo.api_key} (personal workspace, 100 credits)`,
    `  behaviour:    ${behaviourChanges(simulator.services.behaviour).join(", ") || "the register's defaults"}`,
    "",
  ].join("\n");
}

/** The behaviour settings: the file's, then the variable's and the flags' (a later one wins); exit 2 when wrong. */
function readBehaviour(items: string[], file: string | undefined): BehaviourInput {
  try {
    return { ...(file ? parseBehaviourFile(readFileSync(file, "utf8")) : {}), ...parseBehaviourItems(items) };
  } catch (error) {
    fail(`--behaviour: ${(error as Error).message}`);
  }
}

/** The Prism static mock of the bundled spec on `host:port` (Prism enforces nothing; see docs/simulator.md). */
function servePrism(host: string, port: number): void {
  const child = spawnTied(
    "npx",
    ["--yes", `@stoplight/prism-cli@${PRISM_VERSION}`, "mock", specPath(), "-h", host, "-p", String(port)],
    { stdio: "inherit", passSignals: true },
  );
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
}
