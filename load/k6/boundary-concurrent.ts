// Concurrent boundary: one fresh key, 500 requests shared by 100 VUs. Exactly the burst is admitted; the rest
// are 429 — over-admission (61+) or under-admission fails the thresholds.
import { Counter } from "k6/metrics";
import { admittedPerBurst } from "../lib/expectations.ts";
import { assertHealthy, freshKey, getCredits, LIMITS } from "./lib/target.ts";

const TOTAL = 500;
const burst = admittedPerBurst(LIMITS);
const admitted = new Counter("admitted");
const refused = new Counter("refused");

export const options = {
  scenarios: {
    concurrent: { executor: "shared-iterations", vus: 100, iterations: TOTAL, maxDuration: "1m" },
  },
  thresholds: {
    // The health probe in setup() is one admitted request of the same key.
    admitted: [`count==${burst - 1}`],
    refused: [`count==${TOTAL - burst + 1}`],
    http_req_failed: ["rate==0"],
  },
};

export function setup() {
  const key = freshKey();
  assertHealthy(key);
  return { key };
}

export default function (data: { key: string }) {
  const res = getCredits(data.key);
  if (res.status === 200) admitted.add(1);
  else if (res.status === 429) refused.add(1);
}
