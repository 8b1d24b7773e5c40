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
import {
  adminTokenRequired,
  forbidden,
  routeNotFound,
  unsupportedMediaType,
} from "../primitives/masko-error.js";
import type { Role } from "../rules/api-keys.js";
import type { WorkspaceRecord } from "../store/records.js";
import { type ControlBody, controlBodyChecker } from "./control-bodies.js";
import { type ApiRequest, type ApiResponse, jsonAnswer } from "./exchange.js";
import type { HostCheck } from "./host-check.js";
import { readBody } from "./read-body.js";
import { errorAnswer } from "./respond.js";
import { routeTable } from "./route.js";

const PREFIX = "/__mock";

/** One control call: its route, the body it takes (checked by control-bodies.ts) and what it does. */
interface ControlAction {
  method: string;
  pathTemplate: string;
  /** The body's schema; calls without one take none (GET) or an empty object. */
  body?: ControlBody;
  run(
    control: SimulatorControl,
    input: never,
    params: Record<string, string>,
  ): Promise<{ status: number; body?: unknown }>;
}

/** Every control call. */
const ACTIONS: ControlAction[] = [
  {
    method: "GET",
    pathTemplate: "/health",
    // A store that lost its data (a flushed Redis) gets its demo workspace back before health says 200.
    run: async (control) => ({
      status: 200,
      body: { simulator: true, restored: await control.restoreIfLost() },
    }),
  },
  {
    method: "POST",
    pathTemplate: "/reset",
    body: "empty",
    run: async (control) => {
      await control.reset();
      return { status: 204 };
    },
  },
  {
    method: "POST",
    pathTemplate: "/workspaces",
    body: "workspace",
    run: async (control, input: { type: WorkspaceRecord["type"]; credits?: number; role?: Role }) => ({
      status: 201,
      body: await control.createWorkspace({ ...input, credits: input.credits ?? 0 }),
    }),
  },
  {
    method: "POST",
    pathTemplate: "/workspaces/{workspaceId}/members",
    body: "member",
    run: async (control, input: { role: Role }, params) => ({
      status: 201,
      body: await control.addMember(params.workspaceId ?? "", input.role),
    }),
  },
  {
    method: "PUT",
    pathTemplate: "/workspaces/{workspaceId}/credits",
    body: "credits",
    run: async (control, input: { balance: number }, params) => ({
      status: 200,
      body: await control.setCredits(params.workspaceId ?? "", input.balance),
    }),
  },
  {
    method: "POST",
    pathTemplate: "/clock",
    body: "clock",
    run: async (control, input: { advance_seconds: number }) => ({
      status: 200,
      body: await control.advanceClock(input.advance_seconds),
    }),
  },
  {
    method: "POST",
    pathTemplate: "/faults",
    body: "faults",
    run: async (control, input: Parameters<SimulatorControl["setFaults"]>[0]) => ({
      status: 200,
      body: await control.setFaults(input),
    }),
  },
  {
    method: "DELETE",
    pathTemplate: "/faults",
    body: "empty",
    run: async (control) => ({ status: 200, body: await control.clearFaults() }),
  },
  {
    method: "GET",
    pathTemplate: "/deliveries",
    run: async (control) => ({ status: 200, body: { data: await control.deliveries() } }),
  },
];

/** Runs a control call's action on `control`: `path` is the call's path below `/__mock` (or below a sandbox's). */
export type ControlDispatch = (
  control: SimulatorControl,
  request: ApiRequest,
  path: string,
) => Promise<ApiResponse>;

/**
 * Routes under `/__mock` that answer for themselves (the sandboxes, fleet/sandbox-routes.ts): called after the
 * Host and media-type checks, instead of the admin token's (they authorise their own calls), with the dispatcher.
 */
export interface ControlExtension {
  owns(path: string): boolean;
  answer(request: ApiRequest, dispatch: ControlDispatch): Promise<ApiResponse>;
}

/** The dispatcher of every control call; `operationIds` are the operations faults may target. */
export function controlDispatcher(operationIds: readonly string[]): ControlDispatch {
  const check = controlBodyChecker(operationIds);
  const table = routeTable(ACTIONS.map((action) => ({ ...action, value: action })));
  const bodyOf = async (request: ApiRequest, schema: ControlBody) => {
    const limits = { "application/json": policies.requestLimits.jsonBodyBytes };
    const read = await readBody(request, ["application/json"], limits, true);
    return check(schema, read.value ?? {});
  };
  return async (control, request, path) => {
    const found = table.find(request.method, path || "/");
    if (!found) throw routeNotFound(request.method, request.path);
    const action = found.value;
    const input = action.body ? await bodyOf(request, action.body) : undefined;
    const result = await action.run(control, input as never, found.params);
    return jsonAnswer(result.status, result.body, {});
  };
}

/** Builds the control API; `operationIds` are the operations faults may target. */
export function controlRoutes(
  control: SimulatorControl,
  adminToken: string | undefined,
  operationIds: readonly string[],
  hosts: HostCheck,
  onError?: (error: unknown) => void,
  extension?: ControlExtension,
) {
  const dispatch = controlDispatcher(operationIds);

  const answer = async (request: ApiRequest): Promise<ApiResponse> => {
    const host = request.header("host");
    if (!hosts.allows(host)) {
      throw forbidden(
        `The control API does not answer to Host ${JSON.stringify(host)}; start the simulator with --allowed-host to add it.`,
      );
    }
    const own = extension?.owns(request.path);
    if (!own && adminToken && request.header("x-mock-admin-token") !== adminToken) throw adminTokenRequired();
    const mediaType = (request.header("content-type") ?? "").split(";")[0]?.trim().toLowerCase();
    if (request.method !== "GET" && request.method !== "HEAD" && mediaType !== "application/json") {
      throw unsupportedMediaType(["application/json"]);
    }
    if (own && extension) return extension.answer(request, dispatch);
    return dispatch(control, request, request.path.slice(PREFIX.length));
  };

  return {
    /** Whether `path` is the control API's. */
    owns: (path: string) => path === PREFIX || path.startsWith(`${PREFIX}/`),
    /** The answer to a control call, errors in the envelope without rate-limit or CORS headers. */
    answer: (request: ApiRequest): Promise<ApiResponse> =>
      answer(request).catch((error: unknown) => errorAnswer(error, {}, { onError })),
  };
}
