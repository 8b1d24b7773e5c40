/**
 * `masko-contract mock` (`npm run mock`): starts the Masko simulator, or with `--prism` the Prism static mock of
 * the same spec. `--help` lists the flags and their environment variables.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { AssetsBase } from "../../mock/assets-base.js";
import {
  type BehaviourInput,
  behaviourChanges,
  behaviourHelp,
  parseBehaviourFile,
  parseBehaviourItems,
} from "../../mock/behaviour.js";
import type { SeedFile } from "../../mock/control.js";
import { badRequest } from "../../mock/masko-error.js";
import { listen } from "../../mock/node-server.js";
import { formatLogLine, LOG_FORMATS, type LogFormat } from "../../mock/request-log.js";
import { createSimulator, type RequestLogLine } from "../../mock/simulator.js";
import { policies } from "../../policy/policies.js";
import { endWithParent, spawnTied } from "../lifetime.js";
import { PRISM_VERSION, specPath } from "../package-files.js";
import { freezeYoungGeneration, holdYoungGeneration } from "../young-generation.js";

export const FLAGS = {
  port: { type: "string", env: "MASKO_MOCK_PORT", default: "4010", help: "TCP port" },
  host: { type: "string", env: "MASKO_MOCK_HOST", default: "127.0.0.1", help: "address to bind" },
  store: { type: "string", env: "MASKO_MOCK_STORE", default: "memory", help: "state store: memory | redis" },
  "redis-url": {
    type: "string",
    env: "MASKO_MOCK_REDIS_URL",
    default: "redis://127.0.0.1:6379",
    help: "Redis for --store redis",
  },
  "redis-prefix": {
    type: "string",
    env: "MASKO_MOCK_REDIS_PREFIX",
    default: "masko:",
    help: "key prefix in Redis",
  },
  "redis-timeout-ms": {
    type: "string",
    env: "MASKO_MOCK_REDIS_TIMEOUT_MS",
    default: "1000",
    help: "deadline of every Redis call; past it a request answers 503",
  },
  seed: { type: "string", env: "MASKO_MOCK_SEED", default: "", help: "JSON seed file of extra workspaces" },
  "admin-token": {
    type: "string",
    env: "MASKO_MOCK_ADMIN_TOKEN",
    default: "",
    help: "require X-Mock-Admin-Token on /__mock",
  },
  "allowed-host": {
    type: "string",
    env: "MASKO_MOCK_ALLOWED_HOSTS",
    default: "",
    help: "a Host name /__mock answers besides loopback names and the bound address, repeatable (env: comma-separated)",
  },
  control: {
    type: "string",
    env: "MASKO_MOCK_CONTROL",
    default: "on",
    help: "on | off (off: /__mock answers 404, as production)",
  },
  "log-format": {
    type: "string",
    env: "MASKO_MOCK_LOG_FORMAT",
    default: "text",
    help: "text | json (one object per line, for log shippers)",
  },
  "log-level": {
    type: "string",
    env: "MASKO_MOCK_LOG_LEVEL",
    default: "info",
    help: "info | warn | error | silent",
  },
  "cors-origin": {
    type: "string",
    env: "MASKO_MOCK_CORS_ORIGIN",
    default: "*",
    help: "Access-Control-Allow-Origin",
  },
  "assets-base-url": {
    type: "string",
    env: "MASKO_MOCK_ASSETS_BASE_URL",
    default: "",
    help: "base of the asset URLs handed out (default: this server's /assets)",
  },
  "rate-limit-scale": {
    type: "string",
    env: "MASKO_MOCK_RATE_LIMIT_SCALE",
    default: "1",
    help: "multiply every rate limit (benchmarks)",
  },
  "long-poll-seconds": {
    type: "string",
    env: "MASKO_MOCK_LONG_POLL_SECONDS",
    default: String(policies.requestLimits.longPollMaxSeconds),
    help: "longest wait=true hold",
  },
  behaviour: {
    type: "string",
    env: "MASKO_MOCK_BEHAVIOUR",
    default: "",
    help: "name=value, repeatable (env: comma-separated): an Inferred behaviour switched (list below)",
  },
  "behaviour-file": {
    type: "string",
    env: "MASKO_MOCK_BEHAVIOUR_FILE",
    default: "",
    help: "behaviour settings from a file (JSON object, or name=value lines)",
  },
  prism: {
    type: "boolean",
    env: "",
    default: false,
    help: `serve the Prism static mock of the spec instead (examples only; npx @stoplight/prism-cli@${"5.14.2"})`,
  },
  help: { type: "boolean", env: "", default: false, help: "show this help" },
} as const;

const LEVELS = ["info", "warn", "error", "silent"] as const;

function usage(): string {
  const lines = Object.entries(FLAGS).map(
    ([name, f]) =>
      `  --${name.padEnd(18)} ${f.help}${f.env ? ` (env ${f.env}, default ${JSON.stringify(f.default)})` : ""}`,
  );
  return `Usage: masko-contract mock [flags]   (in this repository: npm run mock -- [flags])\n\nThe stateful Masko API simulator.\n\n${lines.join("\n")}\n\nBehaviours (--behaviour name=value; defaults are the decisions register's choices, docs/decisions.md):\n${behaviourHelp()}\n`;
}

function fail(message: string): never {
  process.stderr.write(`masko simulator: ${message}\n\n${usage()}`);
  process.exit(2);
}

/** Runs the mock command with `args` (the words after `mock`). */
export async function runMock(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: Object.fromEntries(
      Object.entries(FLAGS).map(([name, f]) => [
        name,
        { type: f.type, multiple: name === "behaviour" || name === "allowed-host" },
      ]),
    ),
    strict: true,
  }) as { values: Record<string, string | string[] | boolean | undefined> };
  if (values.help) {
    process.stdout.write(usage());
    return;
  }
  const option = (name: Exclude<keyof typeof FLAGS, "behaviour" | "allowed-host">): string => {
    const f = FLAGS[name];
    return String(values[name] ?? (f.env ? process.env[f.env] : undefined) ?? f.default);
  };
  const positiveInt = (name: Exclude<keyof typeof FLAGS, "behaviour" | "allowed-host">, min: number) => {
    const n = Number(option(name));
    if (!Number.isInteger(n) || n < min) fail(`--${name} must be an integer >= ${min}`);
    return n;
  };

  const port = positiveInt("port", 0);
  const level = option("log-level");
  if (!LEVELS.includes(level as (typeof LEVELS)[number]))
    fail(`--log-level must be one of ${LEVELS.join(", ")}`);
  if (!["memory", "redis"].includes(option("store")))
    fail(`--store must be memory or redis, not ${option("store")}`);
  if (values.prism) return servePrism(option("host"), port);
  if (option("store") === "memory") freezeYoungGeneration();
  // ioredis is loaded only for the Redis store: the default start stays fast.
  const redis = option("store") === "redis" ? await import("../../mock/store/redis/index.js") : undefined;
  const store = redis?.createRedisStore(
    redis.connectRedis(option("redis-url"), { timeoutMs: positiveInt("redis-timeout-ms", 1) }),
    { prefix: option("redis-prefix") },
  );
  // The seed file is read at start-up (a broken one stops it) and again at each reset, not kept in memory.
  const seedPath = option("seed");
  const readSeed = (): SeedFile => {
    try {
      return JSON.parse(readFileSync(seedPath, "utf8")) as SeedFile;
    } catch (error) {
      throw badRequest(`cannot read the seed file ${seedPath}: ${(error as Error).message}`);
    }
  };
  let firstSeed: SeedFile | undefined;
  if (seedPath) {
    try {
      firstSeed = readSeed();
    } catch (error) {
      fail((error as Error).message);
    }
  }
  // The start-up reading is used once (for the first seeding), then dropped.
  const seed = seedPath
    ? () => {
        const contents = firstSeed ?? readSeed();
        firstSeed = undefined;
        return contents;
      }
    : undefined;

  const logFormat = option("log-format") as LogFormat;
  if (!LOG_FORMATS.includes(logFormat)) fail(`--log-format must be one of ${LOG_FORMATS.join(", ")}`);
  const log =
    level === "info"
      ? (l: RequestLogLine) => process.stdout.write(`${formatLogLine(l, logFormat)}\n`)
      : undefined;

  const control = option("control");
  if (control !== "on" && control !== "off") fail(`--control must be on or off, not ${control}`);

  const assetsBaseUrl = option("assets-base-url");
  try {
    if (assetsBaseUrl) new AssetsBase(assetsBaseUrl);
  } catch (error) {
    fail(`--assets-base-url: ${(error as Error).message}`);
  }
  const behaviour = readBehaviour(values.behaviour as string[] | undefined, option("behaviour-file"));
  const simulator = await createSimulator({
    behaviour,
    ...(assetsBaseUrl ? { assetsBaseUrl } : {}),
    control: control === "on",
    ...(store ? { store, keepState: true } : {}),
    ...(seed ? { seed } : {}),
    ...(option("admin-token") ? { adminToken: option("admin-token") } : {}),
    allowedHosts: [
      ...((values["allowed-host"] as string[] | undefined) ?? []),
      ...(process.env.MASKO_MOCK_ALLOWED_HOSTS ?? "").split(","),
    ].filter((h) => h.trim() !== ""),
    corsOrigin: option("cors-origin"),
    rateLimitScale: positiveInt("rate-limit-scale", 1),
    longPollMaxMs: positiveInt("long-poll-seconds", 0) * 1000,
    ...(log ? { log } : {}),
    onError: (error) => {
      if (level !== "silent")
        process.stderr.write(`unexpected error: ${(error as Error)?.stack ?? String(error)}\n`);
    },
  }).catch((error: unknown) => fail((error as Error).message));
  const server = await listen(simulator, { host: option("host"), port });
  if (option("store") === "memory") holdYoungGeneration();
  const loopbackHost =
    ["127.0.0.1", "localhost", "::1", "[::1]"].includes(option("host")) || option("host").startsWith("127.");
  if (!loopbackHost && control === "on" && !option("admin-token")) {
    process.stderr.write(
      `WARNING: listening on ${option("host")} with the control API open and no --admin-token: anyone who can reach ` +
        "this port can reset the simulator, create workspaces and read their keys. Pass --admin-token (or " +
        "--control off), or bind to 127.0.0.1.\n",
    );
  }
  if (level !== "silent") {
    process.stdout.write(
      [
        `Masko simulator listening on ${server.url}`,
        `  Masko API:    ${server.url}/v1`,
        control === "on"
          ? `  control API:  ${server.url}/__mock${option("admin-token") ? " (X-Mock-Admin-Token required)" : ""}`
          : "  control API:  off (/__mock answers 404)",
        `  asset media:  ${simulator.services.assets.url}/…${assetsBaseUrl ? ` (served here at ${server.url}/assets/…)` : ""}`,
        `  demo API key: ${simulator.demo.api_key} (personal workspace, 100 credits)`,
        `  behaviour:    ${behaviourChanges(simulator.services.behaviour).join(", ") || "the register's defaults"}`,
        "",
      ].join("\n"),
    );
  }

  let closing = false;
  const shutdown = () => {
    if (closing) return;
    closing = true;
    server
      .close()
      .then(() => store?.close())
      .then(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  };
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, shutdown);
  // Started by npx, a test runner or a script that dies: the simulator does not outlive it.
  await endWithParent();
}

/** The behaviour settings: the file's, then the variable's, then the flags' (a later one wins); exit 2 when wrong. */
function readBehaviour(flags: string[] | undefined, file: string): BehaviourInput {
  try {
    return {
      ...(file ? parseBehaviourFile(readFileSync(file, "utf8")) : {}),
      ...parseBehaviourItems((process.env.MASKO_MOCK_BEHAVIOUR ?? "").split(",")),
      ...parseBehaviourItems(flags ?? []),
    };
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
