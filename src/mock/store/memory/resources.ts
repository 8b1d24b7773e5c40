/** Resource records (projects, collections, items, assets, jobs, …) on the embedded store. */
import { cdnPath } from "../../rules/cdn-path.js";
import type { ResourceKind, ResourceRecords } from "../records.js";
import type { ResourceStore } from "../store.js";
import type { MemoryState } from "./state.js";

/** The resources part of the embedded store. */
export function memoryResources(state: MemoryState): ResourceStore {
  return {
    async putResource(write, asRead) {
      if (asRead && !state.storedAs({ kind: write.kind, record: asRead } as typeof write)) return false;
      state.write(write);
      return true;
    },
    async getResource<K extends ResourceKind>(kind: K, id: string) {
      const r = state.table(kind).get(id);
      return r && (structuredClone(r) as ResourceRecords[K]);
    },
    async findAssetByPath(path) {
      const id = state.assetPaths.get(path);
      const asset = id === undefined ? undefined : state.table("asset").get(id);
      return asset && (structuredClone(asset) as ResourceRecords["asset"]);
    },
    async deleteResource(kind, id) {
      const asset =
        kind === "asset" ? (state.table(kind).get(id) as ResourceRecords["asset"] | undefined) : undefined;
      const path = asset && cdnPath(asset.url);
      if (path) state.assetPaths.delete(path);
      state.table(kind).delete(id);
    },
    async listResources<K extends ResourceKind>(kind: K, workspaceId: string) {
      const out: ResourceRecords[K][] = [];
      for (const r of state.table(kind).values()) {
        if (r.workspace_id === workspaceId) out.push(structuredClone(r) as ResourceRecords[K]);
      }
      return out;
    },
  };
}
