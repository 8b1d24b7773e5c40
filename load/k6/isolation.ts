// Isolation: 20 keys at once, each hammered by its own VUs. Every key gets exactly its burst; one key's
// exhaustion never touches another's.
import exec from "k6/execution";
import { Counter } from "k6/metrics";
import { admittedPerBurst } from "../lib/expectations.ts";
import { freshKey, getCredits, LIMITS } from "./lib/target.ts";

const KEYS = 20;
const PER_KEY = 100;
const burst = admittedPerBurst(LIMITS);
const admitted = new Counter("admitted");
const refused = new Counter("refused");

export const options = {
  scenarios: {
    isolation: { executor: "shared-iterations", vus: 40, iterations: KEYS * PER_KEY, maxDuration: "1m" },
  },
  thresholds: {
    admitted: [`count==${KEYS * burst}`],
    refused: [`count==${KEYS * (PER_KEY - burst)}`],
    http_req_failed: ["rate==0"],
  },
};

export function setup() {
  return { keys: Array.from({ length: KEYS }, () => freshKey()) };
}

export default function (data: { keys: string[] }) {
  const key = data.keys[exec.scenario.iterationInTest % KEYS] as string;
  const res = getCredits(key);
  if (res.status === 200) admitted.add(1, { key: String(exec.scenario.iterationInTest % KEYS) });
  else if (res.status === 429) refused.add(1);
}
