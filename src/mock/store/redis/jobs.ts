/** Credits and jobs on the Redis store: CHARGE_AND_WRITE, FINISH_JOB and DUE_JOBS (record-scripts.ts). */
import type { ResourceRecords, ResourceWrite } from "../records.js";
import type { ChargeResult, JobStore } from "../store.js";
import { type RedisContext, readAll } from "./context.js";
import { isOpenJob, pathOf } from "./resources.js";

/** When an unfinished job is due (simulated ms), or empty for any other record. */
const dueOf = (w: ResourceWrite) =>
  w.kind === "job" && isOpenJob(w) ? String(w.record.accepted_at_ms + w.record.done_after_ms) : "";

/** The jobs-and-credits part of the Redis store. */
export function redisJobs(context: RedisContext): JobStore {
  const { redis, guard, keys } = context;
  return {
    chargeAndWrite: (workspaceId, cost, records, basis = []) =>
      guard(async (): Promise<ChargeResult> => {
        const asRead = basis.flatMap((w) => [`${w.kind}:${w.record.id}`, JSON.stringify(w.record)]);
        const args = records.flatMap((w) => [
          w.kind,
          w.record.id,
          w.record.workspace_id,
          JSON.stringify(w.record),
          dueOf(w),
          pathOf(w),
        ]);
        const [ok, balance] = await redis.chargeAndWrite(
          keys.workspace(workspaceId),
          keys.sequence,
          keys.prefix,
          cost,
          basis.length,
          ...asRead,
          ...args,
        );
        if (ok === 2) return { ok: false, changed: true };
        return ok === 1 ? { ok: true, balance: Number(balance) } : { ok: false, balance: Number(balance) };
      }),
    listUnfinishedJobs: (workspaceId) =>
      guard(async () => {
        const ids = await redis.smembers(keys.openJobs(workspaceId));
        return readAll<ResourceRecords["job"]>(
          redis,
          ids.map((id) => keys.resource("job", id)),
        );
      }),
    finishJob: (job, assets, refund) =>
      guard(async () => {
        const done = await redis.finishJob(
          keys.resource("job", job.id),
          keys.openJobs(job.workspace_id),
          keys.workspace(job.workspace_id),
          keys.prefix,
          JSON.stringify(job),
          refund,
          ...assets.flatMap((a) => [a.id, JSON.stringify(a)]),
        );
        return done === 1;
      }),
    dueJobWorkspaces: () =>
      guard(async () => {
        const [offset, ...members] = await redis.dueJobs(keys.dueJobs, keys.clockOffset);
        context.offset.ms = Number(offset);
        return [...new Set(members.map((m) => m.slice(0, m.indexOf("|"))))];
      }),
  };
}
