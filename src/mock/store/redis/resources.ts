/** Resource records on the Redis store: one string per record, an index per kind and workspace. */
import { cdnPath } from "../../rules/cdn-path.js";
import type { ResourceKind, ResourceRecords, ResourceWrite } from "../records.js";
import type { ResourceStore } from "../store.js";
import { parse, type RedisContext, readAll } from "./context.js";

/** Whether a write is of an unfinished job (it joins the workspace's open set). */
export const isOpenJob = (w: ResourceWrite) =>
  w.kind === "job" && w.record.status !== "completed" && w.record.status !== "failed";
/** An asset's CDN path (how the asset route finds it), or empty for any other record. */
export const pathOf = (w: ResourceWrite) => (w.kind === "asset" ? (cdnPath(w.record.url) ?? "") : "");

/** The resources part of the Redis store. */
export function redisResources({ redis, guard, keys }: RedisContext): ResourceStore {
  return {
    putResource: (w, asRead) =>
      guard(async () => {
        const open = w.kind === "job" ? (isOpenJob(w) ? "1" : "0") : "";
        const path = pathOf(w);
        const written = await redis.putResource(
          keys.resource(w.kind, w.record.id),
          keys.resourceIndex(w.kind, w.record.workspace_id),
          keys.openJobs(w.record.workspace_id),
          keys.sequence,
          keys.assetPath(path),
          keys.workspace(w.record.workspace_id),
          w.record.id,
          JSON.stringify(w.record),
          open,
          path ? "1" : "",
          asRead ? JSON.stringify(asRead) : "",
        );
        return written === 1;
      }),
    deleteResource: (kind, id) =>
      guard(async () => {
        const record = parse<{ workspace_id: string; url?: string }>(
          await redis.get(keys.resource(kind, id)),
        );
        if (!record) return;
        const path = kind === "asset" && record.url ? cdnPath(record.url) : undefined;
        const multi = redis
          .multi()
          .del(keys.resource(kind, id))
          .zrem(keys.resourceIndex(kind, record.workspace_id), id);
        if (path) multi.del(keys.assetPath(path));
        await multi.exec();
      }),
    findAssetByPath: (path) =>
      guard(async () => {
        const id = await redis.get(keys.assetPath(path));
        return id ? parse<ResourceRecords["asset"]>(await redis.get(keys.resource("asset", id))) : undefined;
      }),
    getResource: <K extends ResourceKind>(kind: K, id: string) =>
      guard(async () => parse<ResourceRecords[K]>(await redis.get(keys.resource(kind, id)))),
    listResources: <K extends ResourceKind>(kind: K, workspaceId: string) =>
      guard(async () => {
        const ids = await redis.zrange(keys.resourceIndex(kind, workspaceId), "0", "-1");
        return readAll<ResourceRecords[K]>(
          redis,
          ids.map((id) => keys.resource(kind, id)),
        );
      }),
  };
}
