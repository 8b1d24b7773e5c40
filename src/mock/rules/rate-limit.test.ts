import { describe, expect, it } from "vitest";
import { decideRateLimit, decideSlidingRateLimit, type RateLimitCounters } from "./rate-limit.js";

const windows = [
  { name: "minute", limit: 3, windowSeconds: 60 },
  { name: "hour", limit: 5, windowSeconds: 3600 },
];
const T = 1_000_000_000_000; // a whole second, in ms
// Counters are [minute start, minute count, hour start, hour count].

describe("decideRateLimit", () => {
  it.each([
    {
      name: "a fresh identity opens both windows",
      counters: [],
      now: T,
      expected: {
        allowed: true,
        remaining: 2,
        resetSeconds: T / 1000 + 60,
        window: "minute",
        retryAfterSeconds: undefined,
      },
    },
    {
      name: "the last request of the minute leaves 0",
      counters: [T, 2, T, 2],
      now: T + 10_000,
      expected: { allowed: true, remaining: 0, resetSeconds: T / 1000 + 60, window: "minute" },
    },
    {
      name: "a full minute refuses with Retry-After until its reset",
      counters: [T, 3, T, 3],
      now: T + 15_500,
      expected: {
        allowed: false,
        remaining: 0,
        resetSeconds: T / 1000 + 60,
        retryAfterSeconds: 45,
        window: "minute",
      },
    },
    {
      name: "an expired minute window reopens",
      counters: [T, 3, T, 3],
      now: T + 60_000,
      expected: { allowed: true, remaining: 1, resetSeconds: T / 1000 + 3600, window: "hour" },
    },
    {
      name: "a full hour refuses for the hour even with minute room",
      counters: [T + 120_000, 0, T, 5],
      now: T + 130_000,
      expected: {
        allowed: false,
        remaining: 0,
        resetSeconds: T / 1000 + 3600,
        retryAfterSeconds: 3470,
        window: "hour",
      },
    },
    {
      name: "equal remainders report the later reset",
      counters: [T, 1, T - 100_000, 3],
      now: T + 1000,
      expected: { allowed: true, remaining: 1, resetSeconds: (T - 100_000) / 1000 + 3600, window: "hour" },
    },
    {
      name: "Retry-After is never below 1",
      counters: [T, 3, T, 3],
      now: T + 59_999,
      expected: { allowed: false, retryAfterSeconds: 1 },
    },
  ])("$name", ({ counters, now, expected }) => {
    expect(decideRateLimit(counters, windows, now)).toMatchObject(expected);
  });

  it("leaves the counters untouched when it refuses", () => {
    const counters: RateLimitCounters = [T, 3, T, 4];
    const decision = decideRateLimit(counters, windows, T + 1000);
    expect(decision.allowed).toBe(false);
    expect(counters).toEqual([T, 3, T, 4]);
  });

  it("counts every admitted request in every window", () => {
    let counters: RateLimitCounters = [];
    for (let i = 0; i < 3; i++) counters = decideRateLimit(counters, windows, T + i).counters;
    expect(counters).toEqual([T, 3, T, 3]);
  });

  it("opens a passed window again from now, keeping the other's count", () => {
    const decision = decideRateLimit([T, 3, T, 3], windows, T + 60_000);
    expect(decision.counters).toEqual([T + 60_000, 1, T, 4]);
  });
});

describe("decideSlidingRateLimit", () => {
  it.each([
    {
      name: "a fresh identity admits and counts the request",
      counters: [],
      now: T,
      expected: { allowed: true, remaining: 2, resetSeconds: T / 1000 + 60, window: "minute", counters: [T] },
    },
    {
      name: "a full trailing minute refuses until its oldest request leaves",
      counters: [T, T + 20_000, T + 40_000],
      now: T + 50_000,
      expected: { allowed: false, remaining: 0, retryAfterSeconds: 10, window: "minute" },
    },
    {
      name: "requests older than the minute no longer count in it, but still in the hour",
      counters: [T, T + 20_000, T + 40_000],
      now: T + 61_000,
      expected: {
        allowed: true,
        remaining: 0,
        resetSeconds: (T + 80_000) / 1000,
        window: "minute",
        counters: [T, T + 20_000, T + 40_000, T + 61_000],
      },
    },
    {
      name: "requests older than the longest window are forgotten",
      counters: [T, T + 1000],
      now: T + 3_600_001,
      expected: { allowed: true, remaining: 2, counters: [T + 1000, T + 3_600_001] },
    },
  ])("$name", ({ counters, now, expected }) => {
    expect(decideSlidingRateLimit(counters, windows, now)).toMatchObject(expected);
  });
});
