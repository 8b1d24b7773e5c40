/** The API-key rules: format, generation, hashing, display hint and who may create keys. */

import type { KeyPolicy } from "../../policy/policies.js";
import { randomHex, sha256Hex } from "../primitives/platform.js";

/** Roles a user holds in a workspace. */
export type Role = "owner" | "admin" | "member";

/** A new random key in the policy's format (`masko_` + hex of `randomBytes` CSPRNG bytes). */
export function generateApiKey(policy: KeyPolicy): string {
  return `${policy.prefix}${randomHex(policy.randomBytes)}`;
}

/** The SHA-256 (hex) the store keeps instead of the key. */
export function hashApiKey(key: string): string | Promise<string> {
  return sha256Hex(key);
}

/** `masko_…` plus the key's last four characters, for lists. */
export function displayHint(key: string, policy: KeyPolicy): string {
  // Joined rather than concatenated: a flat string, not a tree of pieces kept with every stored key.
  return [policy.prefix, key.slice(-4)].join("…");
}

/** Whether a bearer token is shaped like a key (checked before any lookup). */
export function isWellFormedKey(token: string, policy: KeyPolicy): boolean {
  return policy.pattern.test(token);
}

/** Whether a user with `role` may create or revoke keys in a workspace of `workspaceType`. */
export function mayManageKeys(
  role: Role,
  workspaceType: "personal" | "organization",
  policy: KeyPolicy,
): boolean {
  return workspaceType === "personal" || policy.organizationKeyCreatorRoles.includes(role);
}

/** An API key as stored: its SHA-256, never the key. */
export interface ApiKeyRecord {
  id: string;
  hash: string;
  name: string;
  display_hint: string;
  workspace_id: string;
  user_id: string;
  created_at: string;
  revoked_at: string | null;
}

/** The stored form of a new key `raw`: its SHA-256 and display hint, never the key itself. */
export async function apiKeyRecord(
  raw: string,
  fields: { id: string; name: string; workspaceId: string; userId: string; createdAt: string },
  policy: KeyPolicy,
): Promise<ApiKeyRecord> {
  return {
    id: fields.id,
    hash: await hashApiKey(raw),
    name: fields.name,
    display_hint: displayHint(raw, policy),
    workspace_id: fields.workspaceId,
    user_id: fields.userId,
    created_at: fields.createdAt,
    revoked_at: null,
  };
}
