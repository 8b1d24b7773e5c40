import { describe, expect, it } from "vitest";
import limits from "../../src/generated/rate-limits.json" with { type: "json" };
import {
  admittedPerBurst,
  expectedAnswer,
  expectedReset,
  type RateLimitsSpec,
  retryAfterConsistent,
  serialVerdict,
  verdict,
  windowNamed,
} from "./expectations.js";

const spec = limits as RateLimitsSpec;
const small: RateLimitsSpec = {
  windows: [
    { name: "minute", limit: 3, window_seconds: 60 },
    { name: "hour", limit: 2, window_seconds: 3600 },
  ],
};

describe("expectedAnswer", () => {
  it.each([
    [1, spec, { status: 200, remaining: 59 }],
    [59, spec, { status: 200, remaining: 1 }],
    [60, spec, { status: 200, remaining: 0 }],
    [61, spec, { status: 429, remaining: 0 }],
    [500, spec, { status: 429, remaining: 0 }],
    [1, small, { status: 200, remaining: 1 }],
    [2, small, { status: 200, remaining: 0 }],
    [3, small, { status: 429, remaining: 0 }],
  ])("request %i → %j", (i, s, expected) => {
    expect(expectedAnswer(i, s as RateLimitsSpec)).toEqual(expected);
  });

  it("reads the spec's numbers: 60 a burst, a 60 s minute and a 3,600 s hour", () => {
    expect(admittedPerBurst(spec)).toBe(60);
    expect(windowNamed(spec, "minute").window_seconds).toBe(60);
    expect(windowNamed(spec, "hour").limit).toBe(1000);
    expect(() => windowNamed(spec, "day")).toThrow("no day window");
  });
});

describe("reset arithmetic", () => {
  it.each([
    [42, 1_000_000_060, 1_000_000_018, true],
    [43, 1_000_000_060, 1_000_000_018, true],
    [44, 1_000_000_060, 1_000_000_018, false],
    [0, 1_000_000_060, 1_000_000_018, false],
    [1, 1_000_000_060, 1_000_000_060, true],
  ])("Retry-After %i with reset %i at %i is consistent: %s", (retryAfter, reset, now, ok) => {
    expect(retryAfterConsistent(retryAfter, reset, now)).toBe(ok);
  });

  it("resets a window its length after its anchor", () => {
    expect(expectedReset(1_000, windowNamed(spec, "minute"))).toBe(1_060);
  });
});

describe("verdict", () => {
  const clean = { admitted: 60, refused: 440, other: 0, errors: 0, timeouts: 0 };
  it.each([
    [clean, { admitted: 60, refused: 440 }, []],
    [
      { ...clean, admitted: 61, refused: 439 },
      { admitted: 60, refused: 440 },
      ["admitted 61, expected exactly 60", "refused 439, expected exactly 440"],
    ],
    [{ ...clean, errors: 2 }, { admitted: 60 }, ["2 connection errors"]],
    [{ ...clean, other: 1, timeouts: 3 }, {}, ["1 answers were neither 200 nor 429", "3 timeouts"]],
    [
      { ...clean, admitted: 1201 },
      { admittedAtMost: 1200 },
      ["admitted 1201, more than the 1200 the limits allow"],
    ],
  ])("judges %j against %j", (run, expected, problems) => {
    expect(verdict(run, expected)).toEqual(problems);
  });

  it("checks a serial run answer by answer", () => {
    const good = Array.from({ length: 61 }, (_, i) => expectedAnswer(i + 1, spec));
    expect(serialVerdict(good, spec)).toEqual([]);
    const offByOne = good.map((a, i) => (i === 59 ? { status: 429, remaining: 0 } : a));
    expect(serialVerdict(offByOne, spec)).toEqual([
      "request 60: got 429 remaining 0, expected 200 remaining 0",
    ]);
  });
});
