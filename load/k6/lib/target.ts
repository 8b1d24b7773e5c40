// Shared helpers for the k6 scripts: the target, fresh keys, and one checked request.
import { fail } from "k6";
import http, { type RefinedResponse, type ResponseType } from "k6/http";
import type { RateLimitsSpec } from "../../lib/expectations.ts";

/** The server under test: MASKO_BASE_URL (default the simulator on 127.0.0.1:4010). */
export const BASE_URL = (__ENV.MASKO_BASE_URL ?? "http://127.0.0.1:4010").replace(/\/+$/, "");
const ADMIN_TOKEN = __ENV.MASKO_MOCK_ADMIN_TOKEN ?? "";

/** The spec's `x-masko-rate-limits`, generated next to the typed client. */
export const LIMITS = JSON.parse(open("../../src/generated/rate-limits.json")) as RateLimitsSpec;

// 200 and 429 are both expected answers at the boundary; anything else counts as http_req_failed.
http.setResponseCallback(http.expectedStatuses(200, 429));

function controlHeaders() {
  return {
    "content-type": "application/json",
    ...(ADMIN_TOKEN ? { "x-mock-admin-token": ADMIN_TOKEN } : {}),
  };
}

/** Whether the target is the simulator (its control API answers). */
export function hasControl(): boolean {
  return (
    http.get(`${BASE_URL}/__mock/health`, { headers: controlHeaders(), tags: { name: "control health" } })
      .status === 200
  );
}

/** A key with an untouched window: a new simulator workspace, or MASKO_API_KEY elsewhere. */
export function freshKey(): string {
  if (hasControl()) {
    const res = http.post(`${BASE_URL}/__mock/workspaces`, JSON.stringify({ type: "personal", credits: 1 }), {
      headers: controlHeaders(),
      tags: { name: "control new workspace" },
    });
    if (res.status !== 201) fail(`could not create a workspace: ${res.status} ${res.body}`);
    return (res.json() as { api_key: string }).api_key;
  }
  if (!__ENV.MASKO_API_KEY) fail("set MASKO_API_KEY: a key whose rate-limit window is unused");
  return __ENV.MASKO_API_KEY as string;
}

/** Fails fast when the target does not answer at all. */
export function assertHealthy(key: string): void {
  const res = http.get(`${BASE_URL}/v1/credits`, {
    headers: { authorization: `Bearer ${key}` },
    tags: { name: "health" },
  });
  if (res.status === 0) fail(`${BASE_URL} is not reachable: ${res.error}`);
}

/** GET /v1/credits with `key`. */
export function getCredits(key: string): RefinedResponse<ResponseType | undefined> {
  return http.get(`${BASE_URL}/v1/credits`, {
    headers: { authorization: `Bearer ${key}` },
    tags: { name: "GET /v1/credits" },
  });
}
