/** Admission on the Redis store: credentials and the limiter (ADMIT batched per turn, RATE_LIMIT for one identity). */
import type { ApiKeyRecord, UserRecord, WorkspaceRecord } from "../records.js";
import type { AdmissionStore, Credentials } from "../store.js";
import { createRedisAdmission, decisionFrom, faultsFromFields, limiterArgs } from "./batched-admission.js";
import type { RedisContext } from "./context.js";

/**
 * The credentials in FIND_CREDENTIALS' answer { "keyJson,userJson", type, balance, openJobs, nFaultValues,
 * pairs... }.
 */
function credentialsFrom(out: ReadonlyArray<string | number>): Credentials {
  const [key, user] = JSON.parse(`[${out[0]}]`) as [ApiKeyRecord, UserRecord];
  const pairs: [string, number][] = [];
  for (let i = 5; i + 1 < 5 + Number(out[4]); i += 2) pairs.push([String(out[i]), Number(out[i + 1])]);
  return {
    key,
    user,
    workspace: {
      id: key.workspace_id,
      type: String(out[1]) as WorkspaceRecord["type"],
      balance: Number(out[2]),
    },
    openJobs: Number(out[3]) > 0,
    faults: faultsFromFields(pairs),
  };
}

/** The admission part of the Redis store, and `forget` (drop the records it holds, after a reset). */
export function redisAdmission(context: RedisContext): AdmissionStore & { forget(): void } {
  const { redis, guard, keys } = context;
  const batched = createRedisAdmission({
    keys,
    run: (names, args) => guard(() => redis.admit(names.length, ...names, ...args)),
    onClock: (offset) => {
      context.offset.ms = offset;
    },
  });
  return {
    forget: () => batched.forget(),
    admit: (hash, address, windows) => batched.admit(hash, address, windows),
    findCredentials: (hash) =>
      guard(async () => {
        // Asked where it was last found (the script says if it is elsewhere now): every name in KEYS.
        let expected = (await redis.hget(keys.credential(hash), "ws")) ?? "";
        for (let tries = 0; tries < 3; tries++) {
          const names = [
            keys.credential(hash),
            keys.credentialRecords(hash),
            keys.workspace(expected),
            keys.faults,
          ];
          const found = await redis.findCredentials(names.length, ...names, expected);
          if (typeof found === "string") expected = found;
          else return found ? credentialsFrom(found) : undefined;
        }
        return undefined;
      }),
    hitRateLimit: (identity, windows) =>
      guard(async () => {
        const limiter = keys.limiter(identity);
        const out = (await redis.rateLimit(2, limiter, keys.clockOffset, ...limiterArgs(windows))).map(
          Number,
        );
        context.offset.ms = out[2] as number;
        return decisionFrom(out[0] === 1, out, 3, windows, out[1] as number);
      }),
  };
}
