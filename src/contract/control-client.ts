/**
 * The typed client of the simulator's control API (`/__mock`), for every tool that drives a simulator — the
 * contract suite, the load command, the benchmark, and users' own test setups (Playwright fixtures, Vitest global
 * setups: docs/sandboxes.md). One client controls the default sandbox, or one sandbox when given its id and token
 * (every path then goes below `/__mock/sandboxes/{id}`, with `X-Mock-Sandbox-Token`). State changes go as JSON (the
 * control API refuses anything else); an answer other than 2xx rejects with a ControlError.
 */

/** A refused control call: its status and the error envelope's code and message. */
export class ControlError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = "ControlError";
  }
}

/** A workspace made through the control API, and its first member's key. */
export interface ControlWorkspace {
  workspace_id: string;
  user_id: string;
  api_key: string;
}

/** The faults in force. */
export interface ControlFaults {
  latency_ms: number;
  fail_next_jobs: number;
  fail_operations: Record<string, number>;
}

/** A webhook delivery and its attempts, as the control API lists them. */
export interface ControlDelivery {
  id: string;
  webhook_id: string;
  url: string;
  event: "job.completed" | "job.failed";
  job_id: string;
  state: "pending" | "delivered" | "failed";
  attempts: Array<{ at: string; status: number | null; error: string | null }>;
}

/** A sandbox as the control API shows it (never its token). */
export interface SandboxInfo {
  sandbox_id: string;
  created_at: string;
  expires_at: string;
  ttl_seconds: number;
}

/** Which sandbox a client controls. */
export interface SandboxCredentials {
  sandboxId: string;
  token: string;
}

/** A reachable control API (the default sandbox's, or one sandbox's). */
export interface ControlClient {
  readonly url: string;
  /** Calls `method path` (relative to `/__mock`, or to the sandbox's routes); rejects on any answer but 2xx. */
  call<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  /** A new personal workspace with `credits`, and its owner's key. */
  workspace(credits: number): Promise<ControlWorkspace>;
  createWorkspace(input: {
    type: "personal" | "organization";
    credits?: number;
    role?: "owner" | "admin" | "member";
  }): Promise<ControlWorkspace>;
  addMember(
    workspaceId: string,
    role: "owner" | "admin" | "member",
  ): Promise<{ user_id: string; api_key: string }>;
  setCredits(workspaceId: string, balance: number): Promise<{ workspace_id: string; balance: number }>;
  /** Moves the simulated clock forward (rate-limit windows, job progress); returns the new simulated time. */
  advanceClock(seconds: number): Promise<{ now: string; now_ms: number }>;
  setFaults(faults: Partial<ControlFaults>): Promise<ControlFaults>;
  clearFaults(): Promise<ControlFaults>;
  deliveries(): Promise<ControlDelivery[]>;
  /** Empties the state and seeds the demo workspace again (its demo key stays the same). */
  reset(): Promise<void>;
}

/** One sandbox's control client. */
export interface SandboxClient extends ControlClient, SandboxCredentials {
  /** Its demo key (known to the client that created it). */
  readonly apiKey: string | undefined;
  info(): Promise<SandboxInfo>;
  /** Removes the sandbox with everything in it. */
  delete(): Promise<void>;
}

/** The control API of a whole simulator: the default sandbox, and the sandboxes. */
export interface FleetClient extends ControlClient {
  /** A new sandbox living `ttlSeconds` after its last use (default: the simulator's documented default). */
  createSandbox(options?: { ttlSeconds?: number }): Promise<SandboxClient>;
  /** The client of an existing sandbox. */
  sandbox(credentials: SandboxCredentials, apiKey?: string): SandboxClient;
  /** Every sandbox (needs the admin token when the simulator has one). */
  listSandboxes(): Promise<SandboxInfo[]>;
  /** Removes any sandbox (with the admin token). */
  deleteSandbox(sandboxId: string): Promise<void>;
}

function caller(url: string, headers: Record<string, string>, base: string) {
  return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const sendsBody = method !== "GET" && method !== "HEAD";
    const response = await fetch(`${url}/__mock${base}${path}`, {
      method,
      headers,
      ...(sendsBody ? { body: JSON.stringify(body ?? {}) } : {}),
    });
    const text = await response.text();
    if (!response.ok) {
      const envelope = (() => {
        try {
          return (JSON.parse(text) as { error?: { code?: string; message?: string } }).error;
        } catch {
          return undefined;
        }
      })();
      throw new ControlError(
        response.status,
        envelope?.code,
        `control ${method} ${base}${path}: ${response.status} ${envelope?.message ?? text}`,
      );
    }
    return (text ? JSON.parse(text) : undefined) as T;
  };
}

/** The control functions over one `call`. */
function controlFunctions(url: string, call: ControlClient["call"]): ControlClient {
  return {
    url,
    call,
    workspace: (credits) => call("POST", "/workspaces", { type: "personal", credits }),
    createWorkspace: (input) => call("POST", "/workspaces", input),
    addMember: (workspaceId, role) =>
      call("POST", `/workspaces/${encodeURIComponent(workspaceId)}/members`, { role }),
    setCredits: (workspaceId, balance) =>
      call("PUT", `/workspaces/${encodeURIComponent(workspaceId)}/credits`, { balance }),
    advanceClock: (seconds) => call("POST", "/clock", { advance_seconds: seconds }),
    setFaults: (faults) => call("POST", "/faults", faults),
    clearFaults: () => call("DELETE", "/faults"),
    deliveries: async () => (await call<{ data: ControlDelivery[] }>("GET", "/deliveries")).data,
    reset: async () => {
      await call("POST", "/reset");
    },
  };
}

/** A control client for the simulator at `url`, sending `adminToken` when given. */
export function controlClient(url: string, adminToken?: string): FleetClient {
  const headers = {
    "content-type": "application/json",
    ...(adminToken ? { "x-mock-admin-token": adminToken } : {}),
  };
  const call = caller(url, headers, "");
  const sandbox = (credentials: SandboxCredentials, apiKey?: string): SandboxClient =>
    sandboxClient(url, credentials, apiKey);
  return {
    ...controlFunctions(url, call),
    async createSandbox(options = {}) {
      const body = options.ttlSeconds !== undefined ? { ttl_seconds: options.ttlSeconds } : {};
      const created = await call<SandboxInfo & { token: string; api_key: string }>(
        "POST",
        "/sandboxes",
        body,
      );
      return sandbox({ sandboxId: created.sandbox_id, token: created.token }, created.api_key);
    },
    sandbox,
    listSandboxes: async () => (await call<{ data: SandboxInfo[] }>("GET", "/sandboxes")).data,
    deleteSandbox: async (sandboxId) => {
      await call("DELETE", `/sandboxes/${encodeURIComponent(sandboxId)}`);
    },
  };
}

/** The client of one sandbox of the simulator at `url`. */
export function sandboxClient(url: string, credentials: SandboxCredentials, apiKey?: string): SandboxClient {
  const headers = { "content-type": "application/json", "x-mock-sandbox-token": credentials.token };
  const call = caller(url, headers, `/sandboxes/${encodeURIComponent(credentials.sandboxId)}`);
  return {
    ...controlFunctions(url, call),
    ...credentials,
    apiKey,
    info: () => call<SandboxInfo>("GET", ""),
    delete: async () => {
      await call("DELETE", "");
    },
  };
}

/**
 * The control API at `url` when it answers as a simulator's; undefined when there is none (a production-like
 * target answers `/__mock` as an unknown route). An unreachable URL, or a control API that refuses the admin token
 * (401/403), is an error, never a quiet "no control API". With `sandbox`, that sandbox's control API is probed.
 */
export async function probeControl(
  url: string,
  options: {
    adminToken?: string | undefined;
    apiKey?: string | undefined;
    sandbox?: SandboxCredentials | undefined;
  } = {},
): Promise<ControlClient | undefined> {
  let response: Response;
  const where = options.sandbox ? `/sandboxes/${encodeURIComponent(options.sandbox.sandboxId)}` : "";
  try {
    response = await fetch(`${url}/__mock${where}/health`, {
      headers: {
        ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
        ...(options.adminToken ? { "x-mock-admin-token": options.adminToken } : {}),
        ...(options.sandbox ? { "x-mock-sandbox-token": options.sandbox.token } : {}),
      },
    });
  } catch (error) {
    // Unreachable is never "no control API": the run would quietly lose every check that needs one.
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    throw new Error(`cannot reach the control API at ${url}/__mock (${cause})`);
  }
  if (response.status === 401 || response.status === 403 || (options.sandbox && response.status === 404)) {
    // The control API's own refusal names its header; any other 401 is the Masko API's (no control API there).
    const body = (await response.json().catch(() => ({}))) as { error?: { message?: string } };
    if (!/X-Mock-(Admin|Sandbox)-Token|Sandbox not found/.test(body.error?.message ?? "")) return undefined;
    throw new Error(
      options.sandbox
        ? `The control API at ${url}/__mock answered ${response.status} for sandbox ${options.sandbox.sandboxId}: check its id and token.`
        : `The control API at ${url}/__mock answered ${response.status}: set MASKO_MOCK_ADMIN_TOKEN to its admin token.`,
    );
  }
  if (response.status !== 200) return undefined;
  const body = (await response.json().catch(() => ({}))) as { simulator?: boolean };
  if (body.simulator !== true) return undefined;
  return options.sandbox ? sandboxClient(url, options.sandbox) : controlClient(url, options.adminToken);
}
