/**
 * The one harness of the process-level tests: a simulator (or any server) running as its own process, called over
 * HTTP with every Masko API answer checked against the spec, its control API, and a webhook receiver; with
 * support/processes.ts's `freePort`, `startServer`, `waitFor` and `portOpen` beside it.
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type Answer, type RequestOptions, readAnswer, requestInit } from "../src/contract/answer.js";
import { specValidator } from "../src/contract/bundled-spec.js";

export type { Answer } from "../src/contract/answer.js";
export { freePort, portOpen, type RunningServer, startServer, waitFor } from "./processes.js";

const validator = specValidator();

export interface CallOptions extends RequestOptions {
  /** Skip the spec check (an answer the spec does not describe on purpose: a behaviour switch, a broken store). */
  unchecked?: boolean;
}

/** Calls to one server: the Masko API (spec-checked) and its control API. */
export interface ProcessClient {
  call(method: string, path: string, options?: CallOptions): Promise<Answer>;
  /** A control call (`/__mock` + `path`), JSON in and out. */
  control(method: string, path: string, body?: unknown): Promise<Answer>;
}

/**
 * A client of the server at `baseUrl`. `key` is the default bearer key of `call` (none when absent); `adminToken`
 * is sent on every control call when given, and `sandboxToken` (a sandbox's `X-Mock-Sandbox-Token`) too.
 */
export function processClient(
  server: { baseUrl: string },
  defaults: { key?: string; adminToken?: string; sandboxToken?: string } = {},
): ProcessClient {
  return {
    async call(method, path, options = {}) {
      const key = options.key !== undefined ? options.key : (defaults.key ?? null);
      const init = requestInit(method, { ...options, key }, "");
      const answer = await readAnswer(await fetch(`${server.baseUrl}${path}`, init));
      if (!options.unchecked && validator.match(method, path) && answer.status !== 405) {
        const problems = validator.validateResponse(method, path, answer);
        if (problems.length > 0) {
          throw new Error(
            `${method} ${path} answered ${answer.status} against the spec:\n${problems.join("\n")}`,
          );
        }
      }
      return answer;
    },
    async control(method, path, body) {
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (defaults.adminToken) headers["x-mock-admin-token"] = defaults.adminToken;
      if (defaults.sandboxToken) headers["x-mock-sandbox-token"] = defaults.sandboxToken;
      const sendsBody = method !== "GET" && method !== "HEAD";
      const response = await fetch(`${server.baseUrl}/__mock${path}`, {
        method,
        headers,
        ...(sendsBody ? { body: JSON.stringify(body ?? {}) } : {}),
      });
      return readAnswer(response);
    },
  };
}

/** One webhook request as the receiver got it. */
export interface ReceivedHook {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A webhook receiver on loopback. */
export interface WebhookReceiver {
  readonly url: string;
  readonly received: ReceivedHook[];
  close(): Promise<void>;
}

/** A receiver answering `statuses` in turn (the last one from then on). */
export async function webhookReceiver(statuses: number[] = [200]): Promise<WebhookReceiver> {
  const received: ReceivedHook[] = [];
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => {
      received.push({ headers: req.headers, body });
      res.writeHead(statuses[Math.min(received.length - 1, statuses.length - 1)] ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
