/**
 * Stage 3, route: which spec operation a request is for, and its path parameters; 405 (with `Allow`) for a known
 * path under another method, 404 for anything else. The table is built from the spec at start-up, so an operation
 * without a handler stops the simulator from starting.
 */
import { RegExpRouter } from "hono/router/reg-exp-router";
import type { SpecValidator } from "../../contract/spec-validator.js";
import type { Eventually } from "../primitives/eventually.js";
import { methodNotAllowed, routeNotFound } from "../primitives/masko-error.js";
import type { OperationResult } from "../services.js";
import type { ApiRequest } from "./exchange.js";
import { compileRequestCheck, type RequestCheck } from "./validate.js";

/** One operation's place in the table: its handler and its compiled request check. */
export interface Route {
  readonly operationId: string;
  /** The operation's handler, which the handle stage calls with input the validate stage checked. */
  readonly handler: (input: never) => Eventually<OperationResult>;
  readonly check: RequestCheck;
}

/** A route found for a request, with its (decoded) path parameters. */
export interface RouteMatch {
  readonly route: Route;
  readonly params: Record<string, string>;
}

function decode(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** A method/path table over `{param}` templates (Hono's RegExpRouter, one regular expression for all paths). */
export function routeTable<T>(entries: Iterable<{ method: string; pathTemplate: string; value: T }>) {
  const router = new RegExpRouter<T>();
  const methods = new Set<string>();
  for (const { method, pathTemplate, value } of entries) {
    router.add(method.toUpperCase(), pathTemplate.replace(/\{([^}]+)\}/g, ":$1"), value);
    methods.add(method.toUpperCase());
  }
  const find = (method: string, path: string): { value: T; params: Record<string, string> } | undefined => {
    const [matches, stash] = router.match(method === "HEAD" ? "GET" : method, path);
    const first = matches[0];
    if (!first) return undefined;
    const [value, indexes] = first;
    const params: Record<string, string> = {};
    for (const name in indexes) {
      const raw = stash ? stash[indexes[name] as unknown as number] : (indexes[name] as unknown as string);
      if (raw !== undefined) params[name] = decode(raw);
    }
    return { value, params };
  };
  /** The methods `path` answers, for 405's `Allow`. */
  const allowed = (path: string) => [...methods].filter((m) => find(m, path) !== undefined);
  return { find, allowed };
}

/**
 * The router of `validator`'s operations to `handlers` without `withheld`, made once and shared: every tenant of a
 * simulator (the default sandbox and each sandbox) routes alike, and the table with its compiled request checks is
 * most of what a tenant would otherwise cost.
 */
const routers = new WeakMap<SpecValidator, Map<string, ReturnType<typeof createRouter>>>();
export function sharedRouter(
  validator: SpecValidator,
  handlers: Readonly<Record<string, Route["handler"]>>,
  withheld: ReadonlySet<string>,
): ReturnType<typeof createRouter> {
  const byWithheld = routers.get(validator) ?? new Map<string, ReturnType<typeof createRouter>>();
  routers.set(validator, byWithheld);
  const key = [...withheld].sort().join(",");
  const router = byWithheld.get(key) ?? createRouter(validator, handlers, withheld);
  byWithheld.set(key, router);
  return router;
}

/** The router of the Masko API: every spec operation to its handler. */
export function createRouter(
  validator: SpecValidator,
  handlers: Readonly<Record<string, Route["handler"]>>,
  /** Operations this simulator does not serve (their routes answer 404, as unknown ones). */
  withheld: ReadonlySet<string> = new Set(),
) {
  const table = routeTable<Route>(
    validator
      .operations()
      .filter((op) => !withheld.has(op.operationId))
      .map((op) => {
        const handler = handlers[op.operationId];
        if (!handler) throw new Error(`No simulator handler for operation ${op.operationId}`);
        return {
          ...op,
          value: { operationId: op.operationId, handler, check: compileRequestCheck(validator, op) },
        };
      }),
  );
  return (request: ApiRequest): RouteMatch => {
    const found = table.find(request.method, request.path);
    if (found) return { route: found.value, params: found.params };
    const allowed = table.allowed(request.path);
    if (allowed.length > 0) {
      throw methodNotAllowed(request.method, allowed);
    }
    throw routeNotFound(request.method, request.path);
  };
}
