/**
 * `masko-contract/msw`: the Masko simulator as MSW request handlers, for front-end unit and component tests
 * (Vitest with `msw/node`, or the browser with `msw/browser`). Same core and rules as `npm run mock`, in memory.
 */
import { http } from "msw";
import type { SeedFile, SimulatorControl } from "../mock/control/control.js";
import { createSimulator, type SimulatorOptions } from "../mock/simulator.js";

/** Options of `createMaskoSimulator`. */
export interface MaskoSimulatorOptions {
  /** The API base URL your code calls (default https://api.masko.ai). */
  baseUrl?: string;
  /**
   * Base of the asset URLs the simulator hands out, which the handlers also answer (default the real CDN,
   * https://assets.masko.ai, so URLs look as in production and `<img>`/`<video>` load through MSW).
   */
  assetsBaseUrl?: string;
  seed?: SeedFile;
  /** Multiply every rate limit. */
  rateLimitScale?: number;
  /** Longest `wait=true` hold in real ms (default 30 000; tests often want less). */
  longPollMaxMs?: number;
  webhookDelivery?: SimulatorOptions["webhookDelivery"];
  /** Behaviour settings, the same names as `mock --behaviour` (for example `{ "rate-limit-reset": "delta-seconds" }`). */
  behaviour?: SimulatorOptions["behaviour"];
}

/** Creates the handlers and the control functions of one in-memory simulator. */
export async function createMaskoSimulator(options: MaskoSimulatorOptions = {}) {
  const simulator = await createSimulator({
    ...(options.seed ? { seed: options.seed } : {}),
    ...(options.rateLimitScale ? { rateLimitScale: options.rateLimitScale } : {}),
    ...(options.longPollMaxMs !== undefined ? { longPollMaxMs: options.longPollMaxMs } : {}),
    ...(options.webhookDelivery ? { webhookDelivery: options.webhookDelivery } : {}),
    ...(options.assetsBaseUrl ? { assetsBaseUrl: options.assetsBaseUrl } : {}),
    ...(options.behaviour ? { behaviour: options.behaviour } : {}),
  });
  const assetsBase = simulator.services.assets.url;
  const assetsPath = new URL(assetsBase).pathname.replace(/\/+$/, "");
  const base = (options.baseUrl ?? "https://api.masko.ai").replace(/\/+$/, "");
  return {
    /** Pass to `setupServer(...handlers)` or `setupWorker(...handlers)`. */
    handlers: [
      http.all(`${base}/v1/*`, ({ request }) => simulator.fetch(request)),
      // The media of every asset URL handed out: PNG cards, sample clips, placeholders while jobs run.
      http.all(`${assetsBase}/*`, ({ request }) =>
        simulator.fetchAsset(request, new URL(request.url).pathname.slice(assetsPath.length + 1)),
      ),
    ],
    /** The seeded demo workspace (100 credits) and its key. */
    demo: simulator.demo,
    ...controlFunctions(simulator.control),
    /**
     * A sandbox: an isolated Masko behind the same handlers (its key routes calls to it), with its own workspaces,
     * credits, jobs, clock and faults, and the same control functions; `delete()` removes it with everything in it.
     */
    async createSandbox(options: { ttlSeconds?: number } = {}) {
      const created = await simulator.fleet.create(options.ttlSeconds);
      const open = await simulator.fleet.get(created.record.id);
      if (!open) throw new Error("the sandbox just made is gone");
      return {
        sandboxId: created.record.id,
        /** Its demo workspace's key (100 credits). */
        apiKey: created.apiKey,
        ...controlFunctions(open.tenant.control),
        delete: async () => {
          await simulator.fleet.remove(created.record.id);
        },
      };
    },
  };
}

/** The control functions of the default sandbox, or of one sandbox. */
function controlFunctions(control: SimulatorControl) {
  return {
    /** A workspace with one member of `role` (owner by default) and that member's key. */
    createWorkspace: (input: {
      type: "personal" | "organization";
      credits: number;
      role?: "owner" | "admin" | "member";
    }) => control.createWorkspace(input),
    /** Another member of a workspace, with a key. */
    addMember: (workspaceId: string, role: "owner" | "admin" | "member") =>
      control.addMember(workspaceId, role),
    /** Sets a workspace's balance. */
    setCredits: (workspaceId: string, balance: number) => control.setCredits(workspaceId, balance),
    /** Moves the simulator's clock (rate-limit windows, job progress). */
    advanceClock: (seconds: number) => control.advanceClock(seconds),
    /** Latency, failing jobs, operations answering 500. */
    setFaults: (faults: Parameters<typeof control.setFaults>[0]) => control.setFaults(faults),
    /** Webhook deliveries so far. */
    deliveries: () => control.deliveries(),
    /** Empty state, demo workspace seeded again. */
    reset: () => control.reset(),
  };
}

/** What `createMaskoSimulator` resolves to. */
export type MaskoSimulator = Awaited<ReturnType<typeof createMaskoSimulator>>;
