/** The mock command's flags: each with its environment variable and default (docs/simulator.md lists them). */
import { policies } from "../../policy/policies.js";
import type { FlagTable } from "../flags.js";
import { PRISM_VERSION } from "../package-files.js";

export const FLAGS = {
  port: { value: "N", env: "MASKO_MOCK_PORT", default: "4010", help: "TCP port" },
  host: { value: "ADDRESS", env: "MASKO_MOCK_HOST", default: "127.0.0.1", help: "address to bind" },
  store: { value: "NAME", env: "MASKO_MOCK_STORE", default: "memory", help: "state store: memory | redis" },
  "redis-url": {
    value: "URL",
    env: "MASKO_MOCK_REDIS_URL",
    default: "redis://127.0.0.1:6379",
    help: "Redis for --store redis",
  },
  "redis-cluster": {
    value: "HOST:PORT,…",
    env: "MASKO_MOCK_REDIS_CLUSTER",
    help: "seed nodes of a Redis Cluster for --store redis (instead of --redis-url)",
  },
  "redis-prefix": {
    value: "PREFIX",
    env: "MASKO_MOCK_REDIS_PREFIX",
    default: "masko:",
    help: "key prefix in Redis",
  },
  "redis-timeout-ms": {
    value: "MS",
    env: "MASKO_MOCK_REDIS_TIMEOUT_MS",
    default: "1000",
    help: "deadline of every Redis call; past it a request answers 503",
  },
  seed: { value: "FILE", env: "MASKO_MOCK_SEED", help: "JSON seed file of extra workspaces" },
  "max-sandboxes": {
    value: "N",
    env: "MASKO_MOCK_MAX_SANDBOXES",
    default: "10000",
    help: "most sandboxes at once (POST /__mock/sandboxes answers 429 past it)",
  },
  "admin-token": {
    value: "TOKEN",
    env: "MASKO_MOCK_ADMIN_TOKEN",
    help: "require X-Mock-Admin-Token on /__mock",
  },
  "allowed-host": {
    env: "MASKO_MOCK_ALLOWED_HOSTS",
    multiple: true,
    value: "HOST",
    help: "a Host name /__mock answers besides loopback names and the bound address, repeatable",
  },
  control: {
    value: "on|off",
    env: "MASKO_MOCK_CONTROL",
    default: "on",
    help: "on | off (off: /__mock answers 404, as production)",
  },
  "log-format": {
    value: "FORMAT",
    env: "MASKO_MOCK_LOG_FORMAT",
    default: "text",
    help: "text | json (one object per line, for log shippers)",
  },
  "log-level": {
    value: "LEVEL",
    env: "MASKO_MOCK_LOG_LEVEL",
    default: "info",
    help: "info | warn | error | silent",
  },
  "cors-origin": {
    value: "ORIGIN",
    env: "MASKO_MOCK_CORS_ORIGIN",
    default: "*",
    help: "Access-Control-Allow-Origin",
  },
  "assets-base-url": {
    value: "URL",
    env: "MASKO_MOCK_ASSETS_BASE_URL",
    help: "base of the asset URLs handed out (default: this server's /assets)",
  },
  "rate-limit-scale": {
    value: "N",
    env: "MASKO_MOCK_RATE_LIMIT_SCALE",
    default: "1",
    help: "multiply every rate limit (benchmarks)",
  },
  "long-poll-seconds": {
    value: "SECONDS",
    env: "MASKO_MOCK_LONG_POLL_SECONDS",
    default: String(policies.requestLimits.longPollMaxSeconds),
    help: "longest wait=true hold",
  },
  behaviour: {
    env: "MASKO_MOCK_BEHAVIOUR",
    multiple: true,
    value: "NAME=VALUE",
    help: "an Inferred behaviour switched (list below), repeatable",
  },
  "behaviour-file": {
    value: "FILE",
    env: "MASKO_MOCK_BEHAVIOUR_FILE",
    help: "behaviour settings from a file (JSON object, or name=value lines)",
  },
  prism: {
    type: "boolean",
    help: `serve the Prism static mock of the spec instead (examples only; npx @stoplight/prism-cli@${PRISM_VERSION})`,
  },
} as const satisfies FlagTable;
