/** Loading a resource on behalf of a caller: 404 when no such id exists, 403 when another workspace owns it. */

import { forbidden, notFound } from "../primitives/masko-error.js";
import { checkOwnership } from "../rules/ownership.js";
import type { Caller, Services } from "../services.js";
import type { ResourceKind, ResourceRecords } from "../store/records.js";

const LABELS: Record<ResourceKind, string> = {
  project: "Project",
  collection: "Collection",
  item: "Item",
  asset: "Asset",
  job: "Job",
  webhook: "Webhook",
  canvas: "Canvas",
};

/** The caller's resource of `kind` with `id`, or a thrown 404/403. */
export async function loadOwned<K extends ResourceKind>(
  services: Services,
  caller: Caller,
  kind: K,
  id: string,
  label = LABELS[kind],
): Promise<ResourceRecords[K]> {
  const record = await services.store.getResource(kind, id);
  const verdict = checkOwnership(record, caller.workspace.id);
  if (verdict === "not_found") throw notFound(label);
  if (verdict === "forbidden") throw forbidden(`This ${label.toLowerCase()} belongs to another workspace.`);
  return record as ResourceRecords[K];
}

/** A record without the fields only the simulator keeps. */
export function present<T extends { workspace_id: string }>(
  record: T,
  hidden: readonly string[] = [],
): Omit<T, "workspace_id"> {
  const copy: Record<string, unknown> = { ...record };
  delete copy.workspace_id;
  for (const field of hidden) delete copy[field];
  return copy as Omit<T, "workspace_id">;
}

/** Job fields that are simulator bookkeeping, not API. */
export const JOB_PRIVATE_FIELDS = [
  "accepted_at_ms",
  "processing_after_ms",
  "done_after_ms",
  "will_fail",
  "form",
] as const;
