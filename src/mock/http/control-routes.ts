/** `/__mock`: the control API over HTTP (not part of the Masko API; see docs/simulator.md). */
import { Hono } from "hono";
import type { SimulatorControl } from "../control.js";
import type { Role } from "../rules/api-keys.js";
import { badRequest, MaskoError } from "./masko-error.js";
import { readBody } from "./read-body.js";

const ROLES: readonly Role[] = ["owner", "admin", "member"];

async function json(request: Request): Promise<Record<string, unknown>> {
  if (request.headers.get("content-length") === "0" || request.body === null) return {};
  const { value } = await readBody(request, ["application/json"], {});
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw badRequest("must be an object", "body");
  return value as Record<string, unknown>;
}

function integer(
  body: Record<string, unknown>,
  field: string,
  min: number,
  required: boolean,
): number | undefined {
  const value = body[field];
  if (value === undefined && !required) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
    throw badRequest(`must be an integer >= ${min}`, field);
  }
  return value;
}

function role(body: Record<string, unknown>, required: boolean): Role | undefined {
  if (body.role === undefined && !required) return undefined;
  if (!ROLES.includes(body.role as Role)) throw badRequest(`must be one of ${ROLES.join(", ")}`, "role");
  return body.role as Role;
}

/** Builds the control routes; when `adminToken` is set every call must send it in `X-Mock-Admin-Token`. */
export function controlRoutes(control: SimulatorControl, adminToken: string | undefined): Hono {
  const app = new Hono();
  app.use("*", async (c, next) => {
    if (adminToken && c.req.header("x-mock-admin-token") !== adminToken) {
      throw new MaskoError(401, "unauthorized", "Missing or wrong X-Mock-Admin-Token.");
    }
    await next();
  });
  app.get("/health", (c) => c.json({ simulator: true }, 200));
  app.post("/reset", async (c) => {
    await control.reset();
    return c.body(null, 204);
  });
  app.post("/workspaces", async (c) => {
    const body = await json(c.req.raw);
    if (body.type !== "personal" && body.type !== "organization") {
      throw badRequest("must be personal or organization", "type");
    }
    const credits = integer(body, "credits", 0, false) ?? 0;
    return c.json(await control.createWorkspace({ type: body.type, credits, role: role(body, false) }), 201);
  });
  app.post("/workspaces/:workspaceId/members", async (c) => {
    const body = await json(c.req.raw);
    return c.json(await control.addMember(c.req.param("workspaceId"), role(body, true) as Role), 201);
  });
  app.put("/workspaces/:workspaceId/credits", async (c) => {
    const body = await json(c.req.raw);
    const balance = integer(body, "balance", 0, true) as number;
    return c.json(await control.setCredits(c.req.param("workspaceId"), balance), 200);
  });
  app.post("/clock", async (c) => {
    const body = await json(c.req.raw);
    return c.json(await control.advanceClock(integer(body, "advance_seconds", 0, true) as number), 200);
  });
  app.post("/faults", async (c) => {
    const body = await json(c.req.raw);
    const failOperations = body.fail_operations;
    if (failOperations !== undefined) {
      if (typeof failOperations !== "object" || failOperations === null || Array.isArray(failOperations)) {
        throw badRequest("must map operationIds to counts", "fail_operations");
      }
      for (const [op] of Object.entries(failOperations))
        integer(failOperations as Record<string, unknown>, op, 0, true);
    }
    return c.json(
      control.setFaults({
        ...(body.latency_ms !== undefined
          ? { latency_ms: integer(body, "latency_ms", 0, true) as number }
          : {}),
        ...(body.fail_next_jobs !== undefined
          ? { fail_next_jobs: integer(body, "fail_next_jobs", 0, true) as number }
          : {}),
        ...(failOperations !== undefined
          ? { fail_operations: failOperations as Record<string, number> }
          : {}),
      }),
      200,
    );
  });
  app.delete("/faults", (c) => c.json(control.clearFaults(), 200));
  app.get("/deliveries", (c) => c.json({ data: control.deliveries() }, 200));
  return app;
}
