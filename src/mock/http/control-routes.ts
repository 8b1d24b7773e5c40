/**
 * `/__mock`: the control API over HTTP (not part of the Masko API; see docs/simulator.md, including its threat
 * model). Safe by default: no CORS (a web page cannot read its answers), state-changing calls need
 * `Content-Type: application/json` (a page cannot send that without a preflight nobody answers), every number is
 * range-checked, and with `adminToken` every call must carry `X-Mock-Admin-Token`.
 */
import { Hono } from "hono";
import type { SimulatorControl } from "../control.js";
import { MaskoError, unsupportedMediaType } from "../masko-error.js";
import type { Role } from "../rules/api-keys.js";
import type { WorkspaceRecord } from "../store/records.js";
import { type ControlBody, controlBodyChecker } from "./control-bodies.js";
import { readBody } from "./read-body.js";

/** Builds the control routes; `operationIds` are the operations faults may target. */
export function controlRoutes(
  control: SimulatorControl,
  adminToken: string | undefined,
  operationIds: readonly string[],
): Hono {
  const check = controlBodyChecker(operationIds);
  const body = async <T>(request: Request, schema: ControlBody): Promise<T> => {
    const read = await readBody(request, ["application/json"], {}, true);
    return check<T>(schema, read.value ?? {});
  };
  const app = new Hono();
  app.use("*", async (c, next) => {
    if (adminToken && c.req.header("x-mock-admin-token") !== adminToken) {
      throw new MaskoError(401, "unauthorized", "Missing or wrong X-Mock-Admin-Token.");
    }
    const mediaType = (c.req.header("content-type") ?? "").split(";")[0]?.trim().toLowerCase();
    if (c.req.method !== "GET" && c.req.method !== "HEAD" && mediaType !== "application/json") {
      throw unsupportedMediaType(["application/json"]);
    }
    await next();
  });
  app.get("/health", (c) => c.json({ simulator: true }, 200));
  app.post("/reset", async (c) => {
    await body(c.req.raw, "empty");
    await control.reset();
    return c.body(null, 204);
  });
  app.post("/workspaces", async (c) => {
    const input = await body<{ type: WorkspaceRecord["type"]; credits?: number; role?: Role }>(
      c.req.raw,
      "workspace",
    );
    return c.json(await control.createWorkspace({ ...input, credits: input.credits ?? 0 }), 201);
  });
  app.post("/workspaces/:workspaceId/members", async (c) => {
    const input = await body<{ role: Role }>(c.req.raw, "member");
    return c.json(await control.addMember(c.req.param("workspaceId"), input.role), 201);
  });
  app.put("/workspaces/:workspaceId/credits", async (c) => {
    const input = await body<{ balance: number }>(c.req.raw, "credits");
    return c.json(await control.setCredits(c.req.param("workspaceId"), input.balance), 200);
  });
  app.post("/clock", async (c) => {
    const input = await body<{ advance_seconds: number }>(c.req.raw, "clock");
    return c.json(await control.advanceClock(input.advance_seconds), 200);
  });
  app.post("/faults", async (c) => {
    const input = await body<Parameters<SimulatorControl["setFaults"]>[0]>(c.req.raw, "faults");
    return c.json(await control.setFaults(input), 200);
  });
  app.delete("/faults", async (c) => {
    await body(c.req.raw, "empty");
    return c.json(await control.clearFaults(), 200);
  });
  app.get("/deliveries", async (c) => c.json({ data: await control.deliveries() }, 200));
  return app;
}
