/** Webhook deliveries on the embedded store: stored, claimed for a lease, listed. */
import type { DeliveryRecord, DeliveryStore } from "../store.js";
import type { DeliveryEntry, MemoryState } from "./state.js";

/** The deliveries part of the embedded store. */
export function memoryDeliveries(state: MemoryState): DeliveryStore {
  return {
    async putDelivery(record, dueAtMs) {
      state.deliveries.set(record.id, { record: structuredClone(record), dueAtMs });
      if (dueAtMs === null) state.pendingDeliveries.delete(record.id);
      else state.pendingDeliveries.add(record.id);
    },
    async claimDueDeliveries(nowMs, leaseMs, max, perWebhook) {
      const due = [...state.pendingDeliveries]
        .map((id) => state.deliveries.get(id))
        .filter((e): e is DeliveryEntry => e !== undefined && e.dueAtMs !== null && e.dueAtMs <= nowMs);
      const taken = new Map(perWebhook?.inFlight);
      const claimed: DeliveryRecord[] = [];
      for (const entry of due.sort((a, b) => (a.dueAtMs as number) - (b.dueAtMs as number))) {
        if (claimed.length >= max) break;
        const hook = entry.record.webhook_id;
        if (perWebhook && (taken.get(hook) ?? 0) >= perWebhook.max) continue;
        taken.set(hook, (taken.get(hook) ?? 0) + 1);
        entry.dueAtMs = nowMs + leaseMs;
        claimed.push(structuredClone(entry.record));
      }
      return claimed;
    },
    async listDeliveries() {
      return [...state.deliveries.values()].map((e) => structuredClone(e.record));
    },
  };
}
