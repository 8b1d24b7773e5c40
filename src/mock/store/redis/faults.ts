/** Injected faults on the Redis store: one hash (`latency`, `next_jobs`, `op:<operationId>`). */
import type { FaultStore } from "../store.js";
import { faultsFromFields } from "./batched-admission.js";
import type { RedisContext } from "./context.js";

/** The faults part of the Redis store. */
export function redisFaults({ redis, guard, keys }: RedisContext): FaultStore {
  const readFaults = () =>
    guard(async () =>
      faultsFromFields(Object.entries(await redis.hgetall(keys.faults)).map(([f, v]) => [f, Number(v)])),
    );
  return {
    readFaults,
    writeFaults: (change) =>
      guard(async () => {
        const fields: Record<string, number> = {};
        if (change.latencyMs !== undefined) fields.latency = change.latencyMs;
        if (change.failNextJobs !== undefined) fields.next_jobs = change.failNextJobs;
        for (const [op, n] of Object.entries(change.failOperations ?? {})) fields[`op:${op}`] = n;
        if (Object.keys(fields).length > 0) await redis.hset(keys.faults, fields);
        return readFaults();
      }),
    clearFaults: () => guard(async () => void (await redis.del(keys.faults))),
    takeJobFailures: (n) => guard(async () => Number(await redis.takeCount(keys.faults, "next_jobs", n))),
    returnJobFailures: (n) => guard(async () => void (await redis.hincrby(keys.faults, "next_jobs", n))),
    takeOperationFailure: (operationId) =>
      guard(async () => Number(await redis.takeCount(keys.faults, `op:${operationId}`, 1)) === 1),
  };
}
