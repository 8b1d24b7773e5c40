/** Generation: single and batch requests, charged atomically and all-or-nothing. */
import type { components } from "../../generated/masko-api.js";
import { insufficientCredits, notFound } from "../http/masko-error.js";
import { type AnimationForm, animationForm, batchCost, creditCost } from "../rules/credit-cost.js";
import { ASSET_FORMATS, assetTypesFor, jobSchedule } from "../rules/jobs.js";
import { type Caller, isoNow, type OperationHandler, type Services } from "../services.js";
import type { ResourceRecords, ResourceWrite } from "../store/records.js";
import { loadOwned } from "./access.js";

type GenerateBody = components["schemas"]["GenerateBody"];
type Collection = ResourceRecords["collection"];
type JobType = components["schemas"]["JobType"];

interface Planned {
  writes: ResourceWrite[];
  accepted: components["schemas"]["GenerateAccepted"];
}

async function ownedAsset(services: Services, caller: Caller, id: string | undefined) {
  if (id !== undefined) await loadOwned(services, caller, "asset", id);
}

/** Checks every id a body refers to and returns the item it targets (an existing one, or none for a new item). */
async function checkReferences(
  services: Services,
  caller: Caller,
  collection: Collection,
  body: GenerateBody,
) {
  const fields = body as Record<string, unknown>;
  await ownedAsset(services, caller, fields.source_image_asset_id as string | undefined);
  await ownedAsset(services, caller, fields.end_image_asset_id as string | undefined);
  const itemId = fields.item_id as string | undefined;
  if (itemId === undefined) return undefined;
  const item = await loadOwned(services, caller, "item", itemId);
  if (item.collection_id !== collection.id) throw notFound("Item");
  return item;
}

function planJob(
  services: Services,
  caller: Caller,
  collection: Collection,
  item: ResourceRecords["item"],
  jobType: JobType,
  form: AnimationForm | null,
  duration: number,
  cost: number,
  willFail: boolean,
) {
  const now = services.clock.now();
  const iso = new Date(now).toISOString();
  const jobId = services.newId();
  const assetIds: Record<string, string> = {};
  const urls: Record<string, string> = {};
  const writes: ResourceWrite[] = [];
  const itemSlug =
    item.name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "") || "item";
  for (const type of assetTypesFor(jobType, form ?? undefined)) {
    const id = services.newId();
    const { ext, contentType } = ASSET_FORMATS[type];
    const url = `https://assets.masko.ai/${caller.workspace.id.slice(0, 8)}/${collection.slug}/${itemSlug}-${id.slice(0, 8)}.${ext}`;
    assetIds[type] = id;
    urls[type] = url;
    writes.push({
      kind: "asset",
      record: {
        id,
        type,
        status: "pending",
        url,
        content_type: contentType as ResourceRecords["asset"]["content_type"],
        item_id: item.id,
        collection_id: collection.id,
        created_at: iso,
        workspace_id: caller.workspace.id,
      },
    });
  }
  const schedule = jobSchedule(jobType, duration);
  writes.push({
    kind: "job",
    record: {
      id: jobId,
      status: "pending",
      type: jobType,
      collection_id: collection.id,
      item_id: item.id,
      item_name: item.name,
      cost_credits: cost,
      asset_ids: assetIds,
      urls,
      error: null,
      created_at: iso,
      updated_at: iso,
      completed_at: null,
      workspace_id: caller.workspace.id,
      accepted_at_ms: now,
      processing_after_ms: schedule.processingAfterMs,
      done_after_ms: schedule.doneAfterMs,
      will_fail: willFail,
      form,
    },
  });
  writes.push({ kind: "item", record: { ...item, asset_ids: assetIds, updated_at: iso } });
  return { jobId, assetIds, writes };
}

function newItem(
  services: Services,
  caller: Caller,
  collection: Collection,
  name: string,
  type: ResourceRecords["item"]["type"],
) {
  const iso = isoNow(services);
  return {
    id: services.newId(),
    collection_id: collection.id,
    name,
    type,
    asset_ids: {},
    created_at: iso,
    updated_at: iso,
    workspace_id: caller.workspace.id,
  };
}

async function plan(
  services: Services,
  caller: Caller,
  collection: Collection,
  body: GenerateBody,
  willFail: () => boolean,
): Promise<Planned> {
  const existing = await checkReferences(services, caller, collection, body);
  const fields = body as Record<string, unknown>;
  const itemType =
    body.type === "edit" ? (existing?.type ?? "image") : body.type === "logo" ? "logo" : body.type;
  const item = existing ?? newItem(services, caller, collection, String(fields.name), itemType);
  const form = body.type === "animation" ? animationForm(fields) : null;
  const duration = body.type === "animation" ? body.duration : 0;
  const reverse = form === "transition" && fields.auto_reverse === true;
  const cost = creditCost(body, services.policies.creditCost);
  const forwardCost = reverse ? cost - services.policies.creditCost.animation.reverse : cost;
  const forward = planJob(
    services,
    caller,
    collection,
    item,
    body.type,
    form,
    duration,
    forwardCost,
    willFail(),
  );
  const accepted: Planned["accepted"] = {
    job_id: forward.jobId,
    poll_url: `/v1/jobs/${forward.jobId}`,
    status: "pending",
    item_id: item.id,
    cost_credits: cost,
    asset_ids: forward.assetIds,
  };
  const writes = [...forward.writes];
  if (reverse) {
    const reverseItem = newItem(services, caller, collection, `${item.name} (reverse)`, "animation");
    const back = planJob(
      services,
      caller,
      collection,
      reverseItem,
      "reverse",
      form,
      duration,
      services.policies.creditCost.animation.reverse,
      willFail(),
    );
    writes.push(...back.writes);
    accepted.reverse_job_id = back.jobId;
  }
  return { writes, accepted };
}

/** Plans every body, then charges the total and writes everything in one atomic step (or nothing: 402). */
async function acceptAll(services: Services, caller: Caller, collectionId: string, bodies: GenerateBody[]) {
  const collection = await loadOwned(services, caller, "collection", collectionId);
  let taken = 0;
  const willFail = () => {
    const fail = services.faults.takeJobFailure();
    if (fail) taken++;
    return fail;
  };
  try {
    const plans: Planned[] = [];
    for (const body of bodies) plans.push(await plan(services, caller, collection, body, willFail));
    const total = batchCost(bodies, services.policies.creditCost);
    const writes = plans.flatMap((p) => p.writes);
    const result = await services.store.chargeAndWrite(caller.workspace.id, total, writes);
    if (!result.ok) throw insufficientCredits(total, result.balance);
    taken = 0;
    for (const w of writes) {
      if (w.kind === "job") services.jobTimers.schedule(caller.workspace.id, w.record.done_after_ms + 20);
    }
    return { plans, total };
  } finally {
    // Nothing was accepted: the injected failures stay queued for the next jobs.
    if (taken > 0) services.faults.configure({ failNextJobs: services.faults.state.failNextJobs + taken });
  }
}

export const generate: OperationHandler = async ({ caller, services, path, body }) => {
  const { plans } = await acceptAll(services, caller, path.collectionId ?? "", [body as GenerateBody]);
  return { status: 202, body: { data: plans[0]?.accepted } };
};

export const generateBatch: OperationHandler = async ({ caller, services, path, body }) => {
  const { requests } = body as { requests: GenerateBody[] };
  const { plans, total } = await acceptAll(services, caller, path.collectionId ?? "", requests);
  return { status: 202, body: { data: { jobs: plans.map((p) => p.accepted), cost_credits: total } } };
};
