/** Credits and jobs on the embedded store: the charge with its writes, job settlement and refund. */
import { decideCharge } from "../../rules/credit-cost.js";
import type { ResourceRecords } from "../records.js";
import type { ChargeResult, JobStore } from "../store.js";
import type { MemoryState } from "./state.js";

/** The jobs-and-credits part of the embedded store. */
export function memoryJobs(state: MemoryState): JobStore {
  const jobs = () => state.table("job") as Map<string, ResourceRecords["job"]>;
  return {
    async chargeAndWrite(workspaceId, cost, records, basis = []): Promise<ChargeResult> {
      const w = state.workspaces.get(workspaceId);
      if (!w) return { ok: false, balance: 0 };
      if (!basis.every((b) => state.storedAs(b))) return { ok: false, changed: true };
      const decision = decideCharge(w.balance, cost);
      if (!decision.ok) return decision;
      w.balance = decision.balance;
      for (const r of records) state.write(r);
      return decision;
    },
    async listUnfinishedJobs(workspaceId) {
      const ids = state.unfinished.get(workspaceId);
      if (!ids || ids.size === 0) return [];
      return [...ids].map((id) => structuredClone(jobs().get(id)) as ResourceRecords["job"]);
    },
    async dueJobWorkspaces(nowMs) {
      const due: string[] = [];
      for (const [workspaceId, ids] of state.unfinished) {
        for (const id of ids) {
          const job = jobs().get(id);
          if (job && job.accepted_at_ms + job.done_after_ms <= nowMs) {
            due.push(workspaceId);
            break;
          }
        }
      }
      return due;
    },
    async finishJob(job, assets, refund) {
      const current = jobs().get(job.id);
      if (!current || current.status === "completed" || current.status === "failed") return false;
      state.write({ kind: "job", record: job });
      for (const a of assets) state.write({ kind: "asset", record: a });
      const w = state.workspaces.get(job.workspace_id);
      if (w && refund > 0) w.balance += refund;
      return true;
    },
  };
}
