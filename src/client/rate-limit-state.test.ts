import { describe, expect, it } from "vitest";
import { readRateLimitState, retryDelayMs } from "./rate-limit-state.js";

const NOW = 1_774_692_000_000;

describe("retryDelayMs", () => {
  it.each([
    { headers: { "retry-after": "5" }, attempt: 0, expected: 5000 },
    { headers: { "retry-after": "5", "x-ratelimit-reset": "1774692030" }, attempt: 0, expected: 5000 },
    { headers: { "retry-after": new Date(NOW + 9000).toUTCString() }, attempt: 0, expected: 9000 },
    { headers: { "x-ratelimit-reset": "1774692030" }, attempt: 0, expected: 30_000 },
    { headers: { "x-ratelimit-reset": "1774691990" }, attempt: 0, expected: 0 },
    { headers: { "x-ratelimit-reset": "25" }, attempt: 0, expected: 25_000 },
    { headers: { ratelimit: '"minute";r=0;t=41' }, attempt: 0, expected: 41_000 },
    { headers: {}, attempt: 0, expected: 1000 },
    { headers: {}, attempt: 3, expected: 8000 },
  ])("waits $expected ms for $headers on attempt $attempt", ({ headers, attempt, expected }) => {
    expect(retryDelayMs(new Headers(headers as Record<string, string>), NOW, attempt)).toBe(expected);
  });
});

describe("readRateLimitState", () => {
  it("reads remaining, reset and retry-after as integers", () => {
    const headers = new Headers({
      "x-ratelimit-remaining": "0",
      "x-ratelimit-reset": "1774692060",
      "retry-after": "3",
    });
    expect(readRateLimitState(headers)).toEqual({ remaining: 0, reset: 1774692060, retryAfter: 3 });
  });

  it.each([
    {},
    { "x-ratelimit-remaining": "5" },
    { "x-ratelimit-remaining": "-1", "x-ratelimit-reset": "1" },
  ])("is undefined when the headers are missing or invalid: %j", (headers) => {
    expect(readRateLimitState(new Headers(headers as Record<string, string>))).toBeUndefined();
  });
});
