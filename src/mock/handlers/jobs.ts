/** Jobs: listing, and reading with long-poll (settling lives in ../job-settlement.ts). */

import { jobStatusNow, settleDueJobs } from "../jobs/job-settlement.js";
import { sleep } from "../primitives/platform.js";
import { paginate } from "../rules/pagination.js";
import type { OperationHandler } from "../services.js";
import type { ResourceRecords } from "../store/records.js";
import { JOB_PRIVATE_FIELDS, loadOwned, present } from "./access.js";

type JobRecord = ResourceRecords["job"];

/** A job as the API shows it at `nowMs` (pending/processing follow the clock; final states are stored). */
export function presentJob(job: JobRecord, nowMs: number) {
  const status = jobStatusNow(job, nowMs);
  const updatedMs =
    status === "processing" ? job.accepted_at_ms + job.processing_after_ms : Date.parse(job.updated_at);
  return { ...present(job, JOB_PRIVATE_FIELDS), status, updated_at: new Date(updatedMs).toISOString() };
}

export const listJobs: OperationHandler<"listJobs"> = async ({ caller, services, query }) => {
  if (query.collection_id !== undefined) await loadOwned(services, caller, "collection", query.collection_id);
  const now = services.clock.now();
  const jobs = (await services.store.listResources("job", caller.workspace.id))
    .map((job) => presentJob(job, now))
    .filter(
      (job) =>
        (query.status === undefined || job.status === query.status) &&
        (query.collection_id === undefined || job.collection_id === query.collection_id) &&
        (query.type === undefined || job.type === query.type),
    )
    .reverse();
  return { status: 200, body: paginate(jobs, query) };
};

export const getJob: OperationHandler<"getJob"> = async ({ caller, services, path, query, signal }) => {
  const id = path.jobId ?? "";
  let job = await loadOwned(services, caller, "job", id);
  if (query.wait === true) {
    const deadline = Date.now() + services.longPollMaxMs;
    while (
      !["completed", "failed"].includes(jobStatusNow(job, services.clock.now())) &&
      Date.now() < deadline
    ) {
      if (signal().aborted) break;
      await sleep(Math.min(25, Math.max(1, deadline - Date.now())));
      await settleDueJobs(services, caller.workspace.id);
      job = await loadOwned(services, caller, "job", id);
    }
  }
  return { status: 200, body: { data: presentJob(job, services.clock.now()) } };
};
