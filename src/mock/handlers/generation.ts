/** Generation: single and batch requests and previews, charged atomically and all-or-nothing. */
import type { components } from "../../generated/masko-api.js";
import { forbidden, notFound } from "../primitives/masko-error.js";
import { animationForm, batchCost, creditCost } from "../rules/credit-cost.js";
import type { Caller, OperationHandler, Services } from "../services.js";
import type { ResourceRecords, ResourceWrite } from "../store/records.js";
import { loadOwned } from "./access.js";
import { commitPlanned, newItem, planJob } from "./job-plan.js";

type GenerateBody = components["schemas"]["GenerateBody"];
/** Fields some kinds of generation body carry, read from any kind (absent on the others). */
type SharedFields = Partial<
  Record<"item_id" | "name" | "source_image_asset_id" | "end_image_asset_id", string>
>;
type Collection = ResourceRecords["collection"];

interface Planned {
  writes: ResourceWrite[];
  /** The existing item the job rewrites, as read (the charge holds only while it is unchanged). */
  basis: ResourceWrite[];
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
  const fields: SharedFields = body;
  await ownedAsset(services, caller, fields.source_image_asset_id);
  await ownedAsset(services, caller, fields.end_image_asset_id);
  const itemId = fields.item_id;
  if (itemId === undefined) return undefined;
  const item = await loadOwned(services, caller, "item", itemId);
  if (item.collection_id !== collection.id) throw notFound("Item");
  return item;
}

async function plan(
  services: Services,
  caller: Caller,
  collection: Collection,
  body: GenerateBody,
): Promise<Planned> {
  // Behaviour logo-plan=pro: the oldest authentication page's "Pro plan or higher, 403 on Free/Starter" (D1);
  // workspaces here have no paid plan.
  if (body.type === "logo" && services.behaviour["logo-plan"] === "pro") {
    throw forbidden("Logo generation requires the Pro plan or higher.");
  }
  const existing = await checkReferences(services, caller, collection, body);
  const fields: SharedFields = body;
  const itemType =
    body.type === "edit" ? (existing?.type ?? "image") : body.type === "logo" ? "logo" : body.type;
  const item = existing ?? newItem(services, caller, collection, String(fields.name), itemType);
  const form = body.type === "animation" ? animationForm(fields) : null;
  const duration = body.type === "animation" ? body.duration : 0;
  // A transition's `loop` is accepted and forced to false: nothing of it is kept.
  const reverse = body.type === "animation" && "auto_reverse" in body && body.auto_reverse === true;
  const cost = creditCost(body, services.policies.creditCost);
  const reverseCost = services.policies.creditCost.animation.reverse;
  const sizes = body.sizes;
  const forward = planJob(services, caller, {
    collection,
    item,
    type: body.type,
    form,
    duration,
    cost: reverse ? cost - reverseCost : cost,
    sizes,
  });
  const accepted: Planned["accepted"] = {
    job_id: forward.jobId,
    poll_url: `/v1/jobs/${forward.jobId}`,
    status: "pending",
    item_id: item.id,
    cost_credits: cost,
    asset_ids: forward.assetIds,
    urls: forward.urls,
    ...(sizes && services.behaviour["size-urls"] === "on" ? { size_urls: forward.sizeUrls } : {}),
  };
  const writes = [...forward.writes];
  if (reverse) {
    const reverseItem = newItem(services, caller, collection, `${item.name} (reverse)`, "animation");
    const back = planJob(services, caller, {
      collection,
      item: reverseItem,
      type: "reverse",
      form,
      duration,
      cost: reverseCost,
      sizes,
    });
    writes.push(...back.writes);
    accepted.reverse_job_id = back.jobId;
  }
  return { writes, basis: existing ? [{ kind: "item", record: existing }] : [], accepted };
}

/** The collection with the style card its first generation extracts (the simulator's stands in for the AI's). */
function withStyleCard(services: Services, collection: Collection): ResourceWrite {
  const subject = collection.config.prompt || collection.description || collection.name;
  const references = collection.config.reference_asset_ids.length;
  const styleCard = `${subject}. Consistent flat illustration style with bold outlines, drawn from ${references} reference image${references === 1 ? "" : "s"} (simulated style card).`;
  return {
    kind: "collection",
    record: {
      ...collection,
      config: { ...collection.config, style_card: styleCard },
      updated_at: new Date(services.clock.now()).toISOString(),
    },
  };
}

/** Plans every body, then charges the total and writes everything in one atomic step (or nothing: 402). */
async function acceptAll(services: Services, caller: Caller, collectionId: string, bodies: GenerateBody[]) {
  return commitPlanned(
    services,
    caller,
    async () => {
      const collection = await loadOwned(services, caller, "collection", collectionId);
      const plans: Planned[] = [];
      for (const body of bodies) plans.push(await plan(services, caller, collection, body));
      // "Style card extraction (automatic on first generation)" (credits page): a collection without a style card
      // gets one with its first accepted generation, in the same atomic write (on the collection as read).
      if (collection.config.style_card === null) {
        plans[0]?.writes.push(withStyleCard(services, collection));
        plans[0]?.basis.push({ kind: "collection", record: collection });
      }
      return plans;
    },
    () => batchCost(bodies, services.policies.creditCost),
  );
}

export const generate: OperationHandler<"generate"> = async ({ caller, services, path, body }) => {
  const { plans } = await acceptAll(services, caller, path.collectionId ?? "", [body]);
  return { status: 202, body: { data: plans[0]?.accepted } };
};

export const generateBatch: OperationHandler<"generateBatch"> = async ({ caller, services, path, body }) => {
  const { requests } = body;
  const { plans, total } = await acceptAll(services, caller, path.collectionId ?? "", requests);
  return { status: 202, body: { data: { jobs: plans.map((p) => p.accepted), cost_credits: total } } };
};

export const generatePreview: OperationHandler<"generatePreview"> = async ({ caller, services, body }) => {
  const collection = await loadOwned(services, caller, "collection", body.collection_id);
  const cost = services.policies.creditCost.preview;
  const { plans } = await commitPlanned(
    services,
    caller,
    async () => [
      planJob(services, caller, {
        collection,
        item: null,
        type: "image_generation",
        form: null,
        duration: 0,
        cost,
      }),
    ],
    () => cost,
  );
  const job = plans[0];
  if (!job) throw new Error("preview planned no job");
  return {
    status: 202,
    body: {
      data: {
        job_id: job.jobId,
        poll_url: `/v1/jobs/${job.jobId}`,
        status: "pending",
        cost_credits: cost,
        asset_ids: job.assetIds,
        urls: job.urls,
      },
    },
  };
};

/** Six to eight action poses; the simulator's vision is a fixed, deterministic list rotated by the collection. */
const ACTIONS = [
  "Waving",
  "Thinking",
  "Celebrating",
  "Sleeping",
  "Thumbs up",
  "Reading",
  "Running",
  "Surprised",
];

export const suggestActions: OperationHandler<"suggestActions"> = async ({ caller, services, path }) => {
  const collection = await loadOwned(services, caller, "collection", path.collectionId ?? "");
  const shift = Number.parseInt(collection.id.slice(0, 2), 16) % ACTIONS.length;
  const count = 6 + (shift % 3);
  const actions = [...ACTIONS.slice(shift), ...ACTIONS.slice(0, shift)].slice(0, count);
  // Behaviour suggest-actions-body=list: the bare list a production might send instead (D22).
  if (services.behaviour["suggest-actions-body"] === "list")
    return { status: 200, body: { data: actions } as never };
  return { status: 200, body: { data: { actions } } };
};
