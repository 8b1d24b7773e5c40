/** Webhook deliveries on the Redis store: a record each, a due index (claims are CLAIM_DELIVERIES) and a list. */
import type { DeliveryRecord, DeliveryStore } from "../store.js";
import { type RedisContext, readAll } from "./context.js";

/** The deliveries part of the Redis store. */
export function redisDeliveries({ redis, guard, keys }: RedisContext): DeliveryStore {
  return {
    putDelivery: (record, dueAtMs) =>
      guard(async () => {
        const tx = redis
          .multi()
          .set(keys.delivery(record.id), JSON.stringify(record))
          .zadd(keys.deliveriesAll, "NX", Date.now(), record.id);
        if (dueAtMs === null) tx.zrem(keys.deliveriesDue, record.id);
        else tx.zadd(keys.deliveriesDue, dueAtMs, record.id);
        await tx.exec();
      }),
    claimDueDeliveries: (nowMs, leaseMs, max, perWebhook) =>
      guard(async () => {
        // The ids due now, read first: the script gets their records' names in KEYS and claims those still due.
        const ids = await redis.zrangebyscore(keys.deliveriesDue, "-inf", nowMs, "LIMIT", 0, 1000);
        if (ids.length === 0) return [];
        const busy = [...(perWebhook?.inFlight ?? [])];
        const raws = await redis.claimDeliveries(
          1 + ids.length,
          keys.deliveriesDue,
          ...ids.map(keys.delivery),
          nowMs,
          nowMs + leaseMs,
          max,
          perWebhook?.max ?? 0,
          busy.length,
          ...busy.flat(),
          ...ids,
        );
        return raws.map((raw) => JSON.parse(raw) as DeliveryRecord);
      }),
    listDeliveries: () =>
      guard(async () => {
        const ids = await redis.zrange(keys.deliveriesAll, "0", "-1");
        return readAll<DeliveryRecord>(redis, ids.map(keys.delivery));
      }),
  };
}
