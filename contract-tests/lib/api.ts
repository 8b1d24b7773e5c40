/**
 * The one way contract tests call the server: every answer is checked against the spec (declared status,
 * required headers and their types, content type, body schema) and against Prism's verdict when Prism sits in
 * front as a referee; every (operation, status) seen is recorded for the coverage matrix.
 */
import { appendFileSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { expect } from "vitest";
import { type Answer, type RequestOptions, readAnswer, requestInit } from "../../src/contract/answer.js";
import { specValidator } from "../../src/contract/bundled-spec.js";
import { controlClient, sandboxClient } from "../../src/contract/control-client.js";
import { paced } from "./pacer.js";
import { target } from "./target.js";

export type { Answer };

/** Options of one call (the key defaults to the target's key). */
export interface CallOptions extends RequestOptions {
  /** Skip the spec check (for deliberately undeclared answers such as 405). */
  unchecked?: boolean;
  /** Keep the run's own key even when `--keys` gave it a pool (checks that compare consecutive answers). */
  pin?: boolean;
}

// Where the coverage matrix's hits go: set by the test command; the working folder's reports/ otherwise.
const hitsDir = process.env.MASKO_CONTRACT_HITS_DIR ?? resolve("reports/coverage-hits");
mkdirSync(hitsDir, { recursive: true });
const hitsFile = join(hitsDir, `${process.pid}.jsonl`);

/** Calls the target and checks the answer against the contract. */
export async function call(method: string, path: string, options: CallOptions = {}): Promise<Answer> {
  const response = await fetch(`${target.baseUrl}${path}`, requestInit(method, options, target.apiKey));
  const answer = await readAnswer(response);
  const validator = specValidator();
  const match = validator.match(method, path);
  if (match)
    appendFileSync(
      hitsFile,
      `${JSON.stringify({ operationId: match.operationId, status: answer.status })}\n`,
    );
  // Prism as referee: a response that breaks the contract comes back as 500 (--errors) or with `sl-violations`
  // naming it. Violations Prism finds in the *request* (a deliberately missing key, say) are not the server's.
  const violations = JSON.parse(response.headers.get("sl-violations") ?? "[]") as Array<{
    location?: string[];
  }>;
  const inResponse = violations.filter((v) => v.location?.[0] === "response");
  expect(inResponse, `${method} ${path}: Prism finds the response in breach of the spec`).toEqual([]);
  if (!options.unchecked && match) {
    expect(
      validator.validateResponse(method, path, answer),
      `${method} ${path} → ${answer.status} honours the spec`,
    ).toEqual([]);
  }
  return answer;
}

/**
 * `call`, paced to the target's rate limits (lib/pacer.ts): it waits for a spent window's reset before sending and
 * waits out any 429, so checks that share one key's limits with everything else using it wait rather than fail.
 */
export function callPolitely(method: string, path: string, options: CallOptions = {}): Promise<Answer> {
  const key = options.key === undefined ? target.apiKey : options.key;
  const pooled = !options.pin && key === target.apiKey;
  return paced(key, (chosen) => call(method, path, { ...options, key: chosen }), pooled);
}

/** Calls the simulator's control API (only where `target.hasControl`); a refused call fails the check. */
export function control<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  const client = target.sandbox
    ? sandboxClient(target.controlUrl, target.sandbox)
    : controlClient(target.controlUrl, target.adminToken);
  return client.call<T>(method, path, body);
}

/** A fresh workspace and its key, via the control API. */
export async function newWorkspace(
  type: "personal" | "organization" = "personal",
  credits = 100,
  role?: "owner" | "admin" | "member",
): Promise<{ id: string; key: string }> {
  const created = await control<{ workspace_id: string; api_key: string }>("POST", "/workspaces", {
    type,
    credits,
    ...(role ? { role } : {}),
  });
  return { id: created.workspace_id, key: created.api_key };
}

/** A project and a collection in the key's workspace. */
export async function newCollection(key: string): Promise<{ projectId: string; collectionId: string }> {
  const project = await call("POST", "/v1/projects", { key, body: { name: "Contract project" } });
  expect(project.status).toBe(201);
  const collection = await call("POST", "/v1/collections", {
    key,
    body: { project_id: project.body.data.id, name: "Contract fox", description: "A friendly fox" },
  });
  expect(collection.status).toBe(201);
  return { projectId: project.body.data.id, collectionId: collection.body.data.id };
}

/** Advances the simulator's clock. */
export const advanceClock = (seconds: number) => control("POST", "/clock", { advance_seconds: seconds });
