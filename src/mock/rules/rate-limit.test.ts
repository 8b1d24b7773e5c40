import { describe, expect, it } from "vitest";
import { decideRateLimit, type RateLimitState } from "./rate-limit.js";

const windows = [
  { name: "minute", limit: 3, windowSeconds: 60 },
  { name: "hour", limit: 5, windowSeconds: 3600 },
];
const T = 1_000_000_000_000; // a whole second, in ms

describe("decideRateLimit", () => {
  it.each([
    {
      name: "a fresh identity opens both windows",
      state: [],
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
      state: [
        { startMs: T, count: 2 },
        { startMs: T, count: 2 },
      ],
      now: T + 10_000,
      expected: { allowed: true, remaining: 0, resetSeconds: T / 1000 + 60, window: "minute" },
    },
    {
      name: "a full minute refuses with Retry-After until its reset",
      state: [
        { startMs: T, count: 3 },
        { startMs: T, count: 3 },
      ],
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
      state: [
        { startMs: T, count: 3 },
        { startMs: T, count: 3 },
      ],
      now: T + 60_000,
      expected: { allowed: true, remaining: 1, resetSeconds: T / 1000 + 3600, window: "hour" },
    },
    {
      name: "a full hour refuses for the hour even with minute room",
      state: [
        { startMs: T + 120_000, count: 0 },
        { startMs: T, count: 5 },
      ],
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
      state: [
        { startMs: T, count: 1 },
        { startMs: T - 100_000, count: 3 },
      ],
      now: T + 1000,
      expected: { allowed: true, remaining: 1, resetSeconds: (T - 100_000) / 1000 + 3600, window: "hour" },
    },
    {
      name: "Retry-After is never below 1",
      state: [
        { startMs: T, count: 3 },
        { startMs: T, count: 3 },
      ],
      now: T + 59_999,
      expected: { allowed: false, retryAfterSeconds: 1 },
    },
  ])("$name", ({ state, now, expected }) => {
    expect(decideRateLimit(state as RateLimitState, windows, now)).toMatchObject(expected);
  });

  it("leaves the counters untouched when it refuses", () => {
    const state: RateLimitState = [
      { startMs: T, count: 3 },
      { startMs: T, count: 4 },
    ];
    expect(decideRateLimit(state, windows, T + 1000).state).toEqual(state);
  });

  it("counts every admitted request in every window", () => {
    let state: RateLimitState = [];
    for (let i = 0; i < 3; i++) state = decideRateLimit(state, windows, T + i).state;
    expect(state).toEqual([
      { startMs: T, count: 3 },
      { startMs: T, count: 3 },
    ]);
  });
});
