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
        const names = [
          keys.workspace(workspaceId),
          keys.sequence,
          keys.dueJobs,
          ...basis.map((w) => keys.resource(w.kind, w.record.id)),
        ];
        const args: (string | number)[] = [cost, basis.length, ...basis.map((w) => JSON.stringify(w.record))];
        for (const w of records) {
          const own = keys.resource(w.kind, w.record.id);
          const path = pathOf(w);
          const ws = w.record.workspace_id;
          names.push(
            own,
            path ? keys.assetPath(path) : own,
            keys.resourceIndex(w.kind, ws),
            keys.openJobs(ws),
            keys.workspace(ws),
          );
          args.push(w.record.id, ws, JSON.stringify(w.record), dueOf(w), path ? "1" : "");
        }
        const [ok, balance] = await redis.chargeAndWrite(names.length, ...names, ...args);
        if (ok === 1) await context.replicated(keys.workspace(workspaceId));
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
        const names = [
          keys.resource("job", job.id),
          keys.openJobs(job.workspace_id),
          keys.workspace(job.workspace_id),
          keys.dueJobs,
          ...assets.map((a) => keys.resource("asset", a.id)),
        ];
        const args = [JSON.stringify(job), refund, ...assets.map((a) => JSON.stringify(a))];
        const done = await redis.finishJob(names.length, ...names, ...args);
        if (done === 1) await context.replicated(keys.workspace(job.workspace_id));
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
