/**
 * One client of the simulator's control API (`/__mock`), for every tool that drives a simulator: the contract
 * suite, the load command and the benchmark. State changes go as JSON (the control API refuses anything else).
 */

/** A reachable control API. */
export interface ControlClient {
  readonly url: string;
  /** Calls `method path` (relative to `/__mock`); rejects on any answer but 2xx, with its text. */
  call<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  /** A new personal workspace with `credits`, and its owner's key. */
  workspace(credits: number): Promise<{ workspace_id: string; api_key: string }>;
}

/** A control client for the simulator at `url`, sending `adminToken` when given. */
export function controlClient(url: string, adminToken?: string): ControlClient {
  const headers = {
    "content-type": "application/json",
    ...(adminToken ? { "x-mock-admin-token": adminToken } : {}),
  };
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${url}/__mock${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`control ${method} ${path}: ${response.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
  return {
    url,
    call,
    workspace: (credits) => call("POST", "/workspaces", { type: "personal", credits }),
  };
}

/**
 * The control API at `url` when it answers as a simulator's; undefined when there is none (a production-like
 * target answers `/__mock` as an unknown route). An unreachable URL, or a control API that refuses the admin token
 * (401/403), is an error, never a quiet "no control API".
 */
export async function probeControl(
  url: string,
  options: { adminToken?: string | undefined; apiKey?: string | undefined } = {},
): Promise<ControlClient | undefined> {
  let response: Response;
  try {
    response = await fetch(`${url}/__mock/health`, {
      headers: {
        ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
        ...(options.adminToken ? { "x-mock-admin-token": options.adminToken } : {}),
      },
    });
  } catch (error) {
    // Unreachable is never "no control API": the run would quietly lose every check that needs one.
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    throw new Error(`cannot reach the control API at ${url}/__mock (${cause})`);
  }
  if (response.status === 401 || response.status === 403) {
    // The control API's own refusal names its header; any other 401 is the Masko API's (no control API there).
    const body = (await response.json().catch(() => ({}))) as { error?: { message?: string } };
    if (!/X-Mock-Admin-Token/.test(body.error?.message ?? "")) return undefined;
    throw new Error(
      `The control API at ${url}/__mock answered ${response.status}: set MASKO_MOCK_ADMIN_TOKEN to its admin token.`,
    );
  }
  if (response.status !== 200) return undefined;
  const body = (await response.json().catch(() => ({}))) as { simulator?: boolean };
  return body.simulator === true ? controlClient(url, options.adminToken) : undefined;
}
