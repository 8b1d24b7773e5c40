/**
 * What the rate limiter must answer, from the spec's `x-masko-rate-limits` (src/generated/rate-limits.json).
 * Pure and dependency-free, so both the autocannon driver (Node) and the k6 scripts import it.
 */

/** One window as the spec states it. */
export interface LimitWindow {
  name: string;
  limit: number;
  window_seconds: number;
}

/** The `x-masko-rate-limits` object. */
export interface RateLimitsSpec {
  windows: LimitWindow[];
}

/** What the i-th request should get. */
export interface ExpectedAnswer {
  status: 200 | 429;
  remaining: number;
}

/**
 * The answer to the i-th request (1-based) of a fresh key whose earlier requests all fell in the same windows:
 * admitted while every window has room, with Remaining the smallest remainder; refused (Remaining 0) after.
 */
export function expectedAnswer(i: number, spec: RateLimitsSpec): ExpectedAnswer {
  const remainders = spec.windows.map((w) => w.limit - i);
  const smallest = Math.min(...remainders);
  return smallest >= 0 ? { status: 200, remaining: smallest } : { status: 429, remaining: 0 };
}

/** How many requests a fresh key may make before its first 429: the smallest limit. */
export function admittedPerBurst(spec: RateLimitsSpec): number {
  return Math.min(...spec.windows.map((w) => w.limit));
}

/** The window named `name` (throws when the spec has none). */
export function windowNamed(spec: RateLimitsSpec, name: string): LimitWindow {
  const found = spec.windows.find((w) => w.name === name);
  if (!found) throw new Error(`x-masko-rate-limits has no ${name} window`);
  return found;
}

/** Epoch second at which a window anchored at `anchorSeconds` resets. */
export function expectedReset(anchorSeconds: number, window: LimitWindow): number {
  return anchorSeconds + window.window_seconds;
}

/** Whether a 429's Retry-After agrees with its X-RateLimit-Reset as seen at `nowSeconds` (whole-second rounding). */
export function retryAfterConsistent(retryAfter: number, resetSeconds: number, nowSeconds: number): boolean {
  return retryAfter >= 1 && retryAfter <= Math.max(1, resetSeconds - nowSeconds + 1);
}

/** Status counts of a recorded run. */
export interface RecordedRun {
  admitted: number;
  refused: number;
  other: number;
  errors: number;
  timeouts: number;
}

/** What a scenario must have produced. */
export interface Expectation {
  admitted?: number;
  /** An upper bound when the exact count depends on timing (sustained traffic). */
  admittedAtMost?: number;
  refused?: number;
}

/** The verdict over a run: every broken expectation, in words (empty when the run is good). */
export function verdict(run: RecordedRun, expected: Expectation): string[] {
  const problems: string[] = [];
  if (expected.admitted !== undefined && run.admitted !== expected.admitted) {
    problems.push(`admitted ${run.admitted}, expected exactly ${expected.admitted}`);
  }
  if (expected.admittedAtMost !== undefined && run.admitted > expected.admittedAtMost) {
    problems.push(`admitted ${run.admitted}, more than the ${expected.admittedAtMost} the limits allow`);
  }
  if (expected.refused !== undefined && run.refused !== expected.refused) {
    problems.push(`refused ${run.refused}, expected exactly ${expected.refused}`);
  }
  if (run.other > 0) problems.push(`${run.other} answers were neither 200 nor 429`);
  if (run.errors > 0) problems.push(`${run.errors} connection errors`);
  if (run.timeouts > 0) problems.push(`${run.timeouts} timeouts`);
  return problems;
}

/** The verdict over a serial run: each answer checked against `expectedAnswer` in order. */
export function serialVerdict(
  answers: Array<{ status: number; remaining: number }>,
  spec: RateLimitsSpec,
): string[] {
  return answers.flatMap((answer, index) => {
    const want = expectedAnswer(index + 1, spec);
    return answer.status === want.status && answer.remaining === want.remaining
      ? []
      : [
          `request ${index + 1}: got ${answer.status} remaining ${answer.remaining}, expected ${want.status} remaining ${want.remaining}`,
        ];
  });
}
