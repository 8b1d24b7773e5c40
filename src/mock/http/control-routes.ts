/**
 * `/__mock`: the control API over HTTP (not part of the Masko API; see docs/simulator.md, including its threat
 * model). Safe by default: no CORS (a web page cannot read its answers), state-changing calls need
 * `Content-Type: application/json` (a page cannot send that without a preflight nobody answers), every number is
 * range-checked, only `Host` values naming the simulator's own address are answered (host-check.ts: no DNS
 * rebinding), and with `adminToken` every call must carry `X-Mock-Admin-Token`. Its answers carry no
 * rate-limit headers: it is not the Masko API and is not counted.
 */
import { policies } from "../../policy/policies.js";
import type { SimulatorControl } from "../control/control.js";
import type { Role } from "../rules/api-keys.js";
import { MaskoError, unsupportedMediaType } from "../shared/masko-error.js";
import type { WorkspaceRecord } from "../store/records.js";
import { type ControlBody, controlBodyChecker } from "./control-bodies.js";
import { type ApiRequest, type ApiResponse, jsonAnswer } from "./exchange.js";
import type { HostCheck } from "./host-check.js";
import { readBody } from "./read-body.js";
import { asMaskoError } from "./respond.js";
import { routeTable } from "./route.js";

const PREFIX = "/__mock";

type Action = (
  request: ApiRequest,
  params: Record<string, string>,
) => Promise<{ status: number; body?: unknown }>;

/** Builds the control API; `operationIds` are the operations faults may target. */
export function controlRoutes(
  control: SimulatorControl,
  adminToken: string | undefined,
  operationIds: readonly string[],
  hosts: HostCheck,
  onError?: (error: unknown) => void,
) {
  const check = controlBodyChecker(operationIds);
  const body = async <T>(request: ApiRequest, schema: ControlBody): Promise<T> => {
    const read = await readBody(
      request,
      ["application/json"],
      { "application/json": policies.requestLimits.jsonBodyBytes },
      true,
    );
    return check<T>(schema, read.value ?? {});
  };
  const actions: Array<{ method: string; pathTemplate: string; value: Action }> = [
    {
      method: "GET",
      pathTemplate: "/health",
      // A store that lost its data (a flushed Redis) gets its demo workspace back before health says 200.
      value: async () => ({
        status: 200,
        body: { simulator: true, restored: await control.restoreIfLost() },
      }),
    },
    {
      method: "POST",
      pathTemplate: "/reset",
      value: async (request) => {
        await body(request, "empty");
        await control.reset();
        return { status: 204 };
      },
    },
    {
      method: "POST",
      pathTemplate: "/workspaces",
      value: async (request) => {
        const input = await body<{ type: WorkspaceRecord["type"]; credits?: number; role?: Role }>(
          request,
          "workspace",
        );
        return {
          status: 201,
          body: await control.createWorkspace({ ...input, credits: input.credits ?? 0 }),
        };
      },
    },
    {
      method: "POST",
      pathTemplate: "/workspaces/{workspaceId}/members",
      value: async (request, params) => {
        const input = await body<{ role: Role }>(request, "member");
        return { status: 201, body: await control.addMember(params.workspaceId ?? "", input.role) };
      },
    },
    {
      method: "PUT",
      pathTemplate: "/workspaces/{workspaceId}/credits",
      value: async (request, params) => {
        const input = await body<{ balance: number }>(request, "credits");
        return { status: 200, body: await control.setCredits(params.workspaceId ?? "", input.balance) };
      },
    },
    {
      method: "POST",
      pathTemplate: "/clock",
      value: async (request) => {
        const input = await body<{ advance_seconds: number }>(request, "clock");
        return { status: 200, body: await control.advanceClock(input.advance_seconds) };
      },
    },
    {
      method: "POST",
      pathTemplate: "/faults",
      value: async (request) => {
        const input = await body<Parameters<SimulatorControl["setFaults"]>[0]>(request, "faults");
        return { status: 200, body: await control.setFaults(input) };
      },
    },
    {
      method: "DELETE",
      pathTemplate: "/faults",
      value: async (request) => {
        await body(request, "empty");
        return { status: 200, body: await control.clearFaults() };
      },
    },
    {
      method: "GET",
      pathTemplate: "/deliveries",
      value: async () => ({ status: 200, body: { data: await control.deliveries() } }),
    },
  ];
  const table = routeTable(actions);

  const answer = async (request: ApiRequest): Promise<ApiResponse> => {
    const host = request.header("host");
    if (!hosts.allows(host)) {
      throw new MaskoError(
        403,
        "forbidden",
        `The control API does not answer to Host ${JSON.stringify(host)}; start the simulator with --allowed-host to add it.`,
      );
    }
    if (adminToken && request.header("x-mock-admin-token") !== adminToken) {
      throw new MaskoError(401, "unauthorized", "Missing or wrong X-Mock-Admin-Token.");
    }
    const mediaType = (request.header("content-type") ?? "").split(";")[0]?.trim().toLowerCase();
    if (request.method !== "GET" && request.method !== "HEAD" && mediaType !== "application/json") {
      throw unsupportedMediaType(["application/json"]);
    }
    const path = request.path.slice(PREFIX.length) || "/";
    const found = table.find(request.method, path);
    if (!found) throw new MaskoError(404, "not_found", `No route for ${request.method} ${request.path}.`);
    const result = await found.value(request, found.params);
    return jsonAnswer(result.status, result.body, {});
  };

  return {
    /** Whether `path` is the control API's. */
    owns: (path: string) => path === PREFIX || path.startsWith(`${PREFIX}/`),
    /** The answer to a control call, errors in the envelope without rate-limit or CORS headers. */
    answer: (request: ApiRequest): Promise<ApiResponse> =>
      answer(request).catch((error: unknown) => {
        const known = asMaskoError(error, onError);
        return jsonAnswer(known.status, known.body(), { ...known.headers });
      }),
  };
}
