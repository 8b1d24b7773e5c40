/** What the simulator stores: the API's own shapes plus the owning workspace and a few private fields. */
import type { components } from "../../generated/masko-api.js";
import type { Role } from "../rules/api-keys.js";
import type { AnimationForm } from "../rules/credit-cost.js";

type Schemas = components["schemas"];
/** A response shape with every optional field present: the simulator always sends the whole record. */
type Complete<T> = { [K in keyof T]-?: Exclude<T[K], undefined> };

/** A personal or organization workspace and its credit balance. */
export interface WorkspaceRecord {
  id: string;
  type: Schemas["WorkspaceType"];
  balance: number;
}

/** A user of a workspace with a role. */
export interface UserRecord {
  id: string;
  workspace_id: string;
  role: Role;
}

export type { ApiKeyRecord } from "../rules/api-keys.js";

/** Stored resources, keyed by kind. */
export interface ResourceRecords {
  project: Schemas["Project"] & { workspace_id: string };
  collection: Complete<
    Omit<Schemas["Collection"], "config" | "item_count" | "asset_count" | "public_slug">
  > & {
    config: Complete<Schemas["CollectionConfig"]>;
    workspace_id: string;
  };
  item: Schemas["Item"] & { workspace_id: string };
  asset: Schemas["Asset"] & { workspace_id: string };
  job: Complete<Schemas["Job"]> & {
    workspace_id: string;
    accepted_at_ms: number;
    processing_after_ms: number;
    done_after_ms: number;
    will_fail: boolean;
    form: AnimationForm | null;
  };
  webhook: Schemas["Webhook"] & { workspace_id: string; secret: string };
  /** A canvas; its progress is computed on read from the jobs of its parts. */
  canvas: Omit<Schemas["Canvas"], "status"> & {
    workspace_id: string;
    /** The current job of each node and edge, by part id. */
    node_jobs: Record<string, string>;
    edge_jobs: Record<string, string>;
  };
}

/** One of the resource kinds. */
export type ResourceKind = keyof ResourceRecords;

/** A write of one resource document. */
export type ResourceWrite = { [K in ResourceKind]: { kind: K; record: ResourceRecords[K] } }[ResourceKind];
