// Serial boundary: one fresh key, one VU, requests in order up to one past the limit (setup's health probe is the
// first). Each answer is checked against the expectation for its position: 200 with Remaining counting down to
// 0, then 429 with a consistent Retry-After.
import { check } from "k6";
import exec from "k6/execution";
import { Counter } from "k6/metrics";
import { admittedPerBurst, expectedAnswer, retryAfterConsistent } from "../lib/expectations.ts";
import { assertHealthy, freshKey, getCredits, LIMITS } from "./lib/target.ts";

const burst = admittedPerBurst(LIMITS);
const admitted = new Counter("admitted");
const refused = new Counter("refused");
const wrong = new Counter("wrong_answers");

export const options = {
  scenarios: {
    serial: { executor: "per-vu-iterations", vus: 1, iterations: burst, maxDuration: "1m" },
  },
  thresholds: {
    admitted: [`count==${burst - 1}`],
    refused: ["count==1"],
    wrong_answers: ["count==0"],
    http_req_failed: ["rate==0"],
  },
};

export function setup() {
  const key = freshKey();
  assertHealthy(key);
  return { key, warmUp: 1 };
}

export default function (data: { key: string; warmUp: number }) {
  const position = exec.scenario.iterationInTest + 1 + data.warmUp;
  const res = getCredits(data.key);
  const want = expectedAnswer(position, LIMITS);
  const remaining = Number(res.headers["X-Ratelimit-Remaining"]);
  const ok = check(res, {
    "status is what the position allows": (r) => r.status === want.status,
    "X-RateLimit-Remaining counts down to 0": () => remaining === want.remaining,
    "a 429 carries a Retry-After consistent with X-RateLimit-Reset": (r) =>
      r.status !== 429 ||
      retryAfterConsistent(
        Number(r.headers["Retry-After"]),
        Number(r.headers["X-Ratelimit-Reset"]),
        Math.floor(Date.now() / 1000),
      ),
  });
  if (res.status === 200) admitted.add(1);
  if (res.status === 429) refused.add(1);
  if (!ok) wrong.add(1);
}
