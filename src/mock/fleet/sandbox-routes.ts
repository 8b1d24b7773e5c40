/**
 * `/__mock/sandboxes`: creating sandboxes, and every control call of one sandbox under
 * `/__mock/sandboxes/{sandbox_id}/…`, authorised by its `X-Mock-Sandbox-Token` (or the fleet's admin token).
 * Listing every sandbox needs the admin token when one is set. A token that does not control the sandbox named is
 * answered exactly as an unknown sandbox (404), so ids cannot be probed; the path is normalised before it is read
 * (exchange.ts), so `..` segments name the sandbox they resolve to, whose token is then required.
 */
import { policies } from "../../policy/policies.js";
import { controlBodyChecker } from "../http/control-bodies.js";
import type { ControlDispatch, ControlExtension } from "../http/control-routes.js";
import { type ApiRequest, type ApiResponse, jsonAnswer } from "../http/exchange.js";
import { readBody } from "../http/read-body.js";
import {
  adminTokenRequired,
  methodNotAllowed,
  sandboxNotFound,
  sandboxTokenRequired,
} from "../primitives/masko-error.js";
import { sandboxView } from "../rules/sandboxes.js";
import type { Fleet, OpenSandbox } from "./fleet.js";

const BASE = "/__mock/sandboxes";

/** The sandbox routes of `fleet`; `adminToken` (when set) lists sandboxes and controls any of them. */
export function sandboxRoutes(fleet: Fleet, adminToken: string | undefined): ControlExtension {
  const check = controlBodyChecker([]);
  const isAdmin = (request: ApiRequest) =>
    adminToken !== undefined && request.header("x-mock-admin-token") === adminToken;

  const create = async (request: ApiRequest): Promise<ApiResponse> => {
    const read = await readBody(
      request,
      ["application/json"],
      { "application/json": policies.requestLimits.jsonBodyBytes },
      true,
    );
    const input = check<{ ttl_seconds?: number }>("sandbox", read.value ?? {});
    const created = await fleet.create(input.ttl_seconds);
    const body = { ...sandboxView(created.record), token: created.token, api_key: created.apiKey };
    return jsonAnswer(201, body, {});
  };

  /** The sandbox a call names, when the call may control it. */
  const authorise = async (request: ApiRequest, id: string): Promise<OpenSandbox> => {
    const token = request.header("x-mock-sandbox-token");
    if (isAdmin(request)) return (await fleet.get(id)) ?? Promise.reject(sandboxNotFound());
    if (token === undefined) throw sandboxTokenRequired();
    return (await fleet.authorized(id, token)) ?? Promise.reject(sandboxNotFound());
  };

  const answer = async (request: ApiRequest, dispatch: ControlDispatch): Promise<ApiResponse> => {
    const rest = request.path.slice(BASE.length);
    if (rest === "" || rest === "/") {
      if (request.method === "POST") return create(request);
      if (request.method !== "GET" && request.method !== "HEAD") {
        throw methodNotAllowed(request.method, ["GET", "POST"]);
      }
      if (adminToken !== undefined && !isAdmin(request)) throw adminTokenRequired();
      return jsonAnswer(200, { data: (await fleet.list()).map(sandboxView) }, {});
    }
    const slash = rest.indexOf("/", 1);
    const id = slash === -1 ? rest.slice(1) : rest.slice(1, slash);
    const sub = slash === -1 ? "" : rest.slice(slash);
    const sandbox = await authorise(request, id);
    if (sub === "" || sub === "/") {
      if (request.method === "DELETE") {
        await fleet.remove(id);
        return jsonAnswer(204, undefined, {});
      }
      if (request.method !== "GET" && request.method !== "HEAD") {
        throw methodNotAllowed(request.method, ["GET", "DELETE"]);
      }
      return jsonAnswer(200, sandboxView(sandbox.record), {});
    }
    return dispatch(sandbox.tenant.control, request, sub);
  };

  return {
    owns: (path) => path === BASE || path.startsWith(`${BASE}/`),
    answer,
  };
}
