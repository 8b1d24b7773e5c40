import { badRequest, conflict, notFound } from "../primitives/masko-error.js";
import { paginate } from "../rules/pagination.js";
import { type Caller, isoNow, type OperationHandler, type Services } from "../services.js";
import type { ResourceRecords } from "../store/records.js";
import { loadOwned, present } from "./access.js";
import { importFromUrl } from "./uploads.js";

type Collection = ResourceRecords["collection"];

/**
 * Collections as the API shows them: the stored record plus what the docs show beside it — `public_slug` (the
 * newer list; the slug it is served under) and the older list's `item_count` and `asset_count`, counted on read.
 */
async function presentCollections(services: Services, workspaceId: string, collections: Collection[]) {
  const [items, assets] = await Promise.all([
    services.store.listResources("item", workspaceId),
    services.store.listResources("asset", workspaceId),
  ]);
  const count = (rows: ReadonlyArray<{ collection_id: string | null }>, id: string) =>
    rows.reduce((n, r) => n + (r.collection_id === id ? 1 : 0), 0);
  return collections.map((c) => ({
    ...present(c),
    public_slug: c.slug,
    item_count: count(items, c.id),
    asset_count: count(assets, c.id),
  }));
}
const presentCollection = async (services: Services, collection: Collection) =>
  (await presentCollections(services, collection.workspace_id, [collection]))[0];

function slugify(name: string, id: string): string {
  const base = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60);
  return `${base || "mascot"}-${id.replace(/-/g, "").slice(0, 8)}`;
}

async function referenceIds(
  services: Services,
  caller: Caller,
  assetIds: readonly string[],
  urls: readonly string[],
): Promise<string[]> {
  for (const id of assetIds) await loadOwned(services, caller, "asset", id);
  const imported = [];
  for (const url of urls) imported.push((await importFromUrl(services, caller, url)).id);
  return [...assetIds, ...imported];
}

export const listCollections: OperationHandler<"listCollections"> = async ({ caller, services, query }) => {
  const projectId = query.project_id;
  if (projectId) await loadOwned(services, caller, "project", projectId);
  const all = await services.store.listResources("collection", caller.workspace.id);
  const matching = projectId ? all.filter((c) => c.project_id === projectId) : all;
  const page = paginate(matching, query);
  return {
    status: 200,
    body: { ...page, data: await presentCollections(services, caller.workspace.id, page.data) },
  };
};

export const createCollection: OperationHandler<"createCollection"> = async ({ caller, services, body }) => {
  const assetIds = body.reference_asset_ids ?? [];
  const urls = body.reference_image_urls ?? [];
  const maxReferences = services.policies.maxReferencesPerCollection;
  if (assetIds.length + urls.length > maxReferences) {
    throw conflict(`A collection holds at most ${maxReferences} references.`);
  }
  if (!body.name && assetIds.length + urls.length === 0) {
    throw badRequest("is required when no reference is given", "name");
  }
  await loadOwned(services, caller, "project", body.project_id);
  const references = await referenceIds(services, caller, assetIds, urls);
  const id = services.newId();
  const now = isoNow(services);
  const name = body.name ?? "Mascot from reference";
  const collection: ResourceRecords["collection"] = {
    id,
    project_id: body.project_id,
    name,
    description: body.description ?? null,
    type: "mascot",
    slug: slugify(name, id),
    user_prefix: caller.workspace.id.slice(0, 8),
    is_published: false,
    config: {
      prompt: body.description ?? null,
      reference_asset_ids: references,
      style_card: null,
      caution_list: [],
      animation_sizes: [],
    },
    created_at: now,
    updated_at: now,
    workspace_id: caller.workspace.id,
  };
  await services.store.putResource({ kind: "collection", record: collection });
  return { status: 201, body: { data: await presentCollection(services, collection) } };
};

export const getCollection: OperationHandler<"getCollection"> = async ({ caller, services, path }) => {
  const collection = await loadOwned(services, caller, "collection", path.collectionId ?? "");
  return { status: 200, body: { data: await presentCollection(services, collection) } };
};

/** How many times a collection change is made again when a concurrent write came first. */
const CHANGE_ATTEMPTS = 8;

/**
 * Loads the caller's collection, applies `change` to a copy and writes it only while the collection is still as
 * read (one store step), so a concurrent write (a generation's style card, another change) is never lost: on a
 * conflict the change is made again on what is stored now. `change` returns false to write nothing.
 */
async function changeCollection(
  services: Services,
  caller: Caller,
  id: string,
  change: (collection: Collection) => boolean | Promise<boolean>,
): Promise<Collection> {
  for (let attempt = 1; ; attempt++) {
    const read = await loadOwned(services, caller, "collection", id);
    const collection = structuredClone(read);
    if (!(await change(collection))) return collection;
    collection.updated_at = isoNow(services);
    if (await services.store.putResource({ kind: "collection", record: collection }, read)) return collection;
    if (attempt === CHANGE_ATTEMPTS) {
      throw conflict("Concurrent requests kept changing this collection; nothing was changed. Retry.");
    }
  }
}

export const updateCollection: OperationHandler<"updateCollection"> = async ({
  caller,
  services,
  path,
  body,
}) => {
  const collection = await changeCollection(services, caller, path.collectionId ?? "", (c) => {
    if (body.name !== undefined) c.name = body.name;
    if (body.description !== undefined) {
      c.description = body.description;
      c.config.prompt = body.description;
    }
    if (body.slug !== undefined) c.slug = body.slug;
    if (body.animation_sizes !== undefined) c.config.animation_sizes = body.animation_sizes;
    return true;
  });
  return { status: 200, body: { data: await presentCollection(services, collection) } };
};

export const addCollectionReference: OperationHandler<"addCollectionReference"> = async ({
  caller,
  services,
  path,
  body,
}) => {
  const id = path.collectionId ?? "";
  await loadOwned(services, caller, "collection", id);
  const assetId =
    "asset_id" in body
      ? (await loadOwned(services, caller, "asset", body.asset_id)).id
      : (await importFromUrl(services, caller, body.url)).id;
  // The cap is checked on the collection as written: concurrent additions cannot pass it together.
  const collection = await changeCollection(services, caller, id, (c) => {
    const references = c.config.reference_asset_ids;
    if (references.includes(assetId)) return false;
    if (references.length >= services.policies.maxReferencesPerCollection) {
      throw conflict(`This collection already has ${references.length} references, the most it holds.`);
    }
    references.push(assetId);
    c.config.style_card = null;
    return true;
  });
  return { status: 200, body: { data: await presentCollection(services, collection) } };
};

export const removeCollectionReference: OperationHandler<"removeCollectionReference"> = async ({
  caller,
  services,
  path,
}) => {
  const collection = await changeCollection(services, caller, path.collectionId ?? "", (c) => {
    const references = c.config.reference_asset_ids;
    const index = references.indexOf(path.assetId ?? "");
    if (index < 0) throw notFound("Reference");
    references.splice(index, 1);
    c.config.style_card = null;
    return true;
  });
  return { status: 200, body: { data: await presentCollection(services, collection) } };
};

export const listCollectionItems: OperationHandler<"listCollectionItems"> = async ({
  caller,
  services,
  path,
  query,
}) => {
  const collection = await loadOwned(services, caller, "collection", path.collectionId ?? "");
  const items = (await services.store.listResources("item", caller.workspace.id)).filter(
    (item) => item.collection_id === collection.id,
  );
  const page = paginate(items, query);
  return { status: 200, body: { ...page, data: page.data.map((i) => present(i)) } };
};

export const getAsset: OperationHandler<"getAsset"> = async ({ caller, services, path }) => {
  const asset = await loadOwned(services, caller, "asset", path.assetId ?? "");
  return { status: 200, body: { data: present(asset) } };
};
