/**
 * The sandbox rules: what a sandbox id and token look like, how long an idle sandbox lives and when it has expired.
 * A sandbox is an isolated Masko inside one simulator fleet (docs/sandboxes.md); the default sandbox — what
 * `npm run mock` has always been — has no id, no token and never expires.
 */
import { randomHex, sha256Hex } from "../primitives/platform.js";

/** The documented idle time-to-live of a sandbox: the default and the most a caller may ask for. */
export const SANDBOX_TTL = { defaultSeconds: 3600, maxSeconds: 7 * 24 * 3600, minSeconds: 1 } as const;

/** `sb_` and 24 hex digits (96 random bits): ids are not secrets, but cannot be guessed either. */
const SANDBOX_ID = /^sb_[0-9a-f]{24}$/;
/** `msb_` and 64 hex digits (256 random bits): a sandbox's control token. */
const SANDBOX_TOKEN = /^msb_[0-9a-f]{64}$/;

/** A sandbox as stored: its token only as a SHA-256, its idle TTL and when it expires (real time, ms). */
export interface SandboxRecord {
  id: string;
  tokenHash: string;
  /** Its demo key's SHA-256 and display hint: a reset seeds the same key again, on any instance. */
  demoKeyHash: string;
  demoKeyHint: string;
  createdAtMs: number;
  ttlSeconds: number;
  expiresAtMs: number;
}

/** A new sandbox id. */
export const newSandboxId = (): string => `sb_${randomHex(12)}`;
/** A new sandbox token (given to the creator once; only its hash is kept). */
export const newSandboxToken = (): string => `msb_${randomHex(32)}`;

/** Whether `id` has the shape of a sandbox id (anything else is not looked up). */
export const isSandboxId = (id: string): boolean => SANDBOX_ID.test(id);
/** Whether `token` has the shape of a sandbox token. */
export const isSandboxToken = (token: string): boolean => SANDBOX_TOKEN.test(token);

/** The SHA-256 kept instead of a token. */
export const hashSandboxToken = (token: string): string | Promise<string> => sha256Hex(token);

/** The record of a sandbox created at `nowMs` that lives `ttlSeconds` after its last use. */
export function sandboxRecord(
  fields: { id: string; tokenHash: string; demoKey: { hash: string; hint: string } },
  ttlSeconds: number,
  nowMs: number,
): SandboxRecord {
  return {
    id: fields.id,
    tokenHash: fields.tokenHash,
    demoKeyHash: fields.demoKey.hash,
    demoKeyHint: fields.demoKey.hint,
    createdAtMs: nowMs,
    ttlSeconds,
    expiresAtMs: nowMs + ttlSeconds * 1000,
  };
}

/** The expiry after a use at `nowMs`: the idle TTL counts from the last use. */
export const touchedExpiry = (record: SandboxRecord, nowMs: number): number =>
  nowMs + record.ttlSeconds * 1000;

/**
 * Whether a use at `nowMs` needs the stored expiry written again: only once a tenth of the TTL (at most a minute)
 * has passed since it was last written, so a busy sandbox is not one write per request.
 */
export function touchIsDue(record: SandboxRecord, nowMs: number): boolean {
  const slack = Math.min(60_000, record.ttlSeconds * 100);
  return touchedExpiry(record, nowMs) - record.expiresAtMs >= slack;
}

/** Whether the sandbox has expired at `nowMs`. */
export const hasExpired = (record: SandboxRecord, nowMs: number): boolean => nowMs >= record.expiresAtMs;

/** The answer to `POST /__mock/sandboxes` and `GET /__mock/sandboxes/{id}`, as the control API shows a record. */
export function sandboxView(record: SandboxRecord) {
  return {
    sandbox_id: record.id,
    created_at: new Date(record.createdAtMs).toISOString(),
    expires_at: new Date(record.expiresAtMs).toISOString(),
    ttl_seconds: record.ttlSeconds,
  };
}
