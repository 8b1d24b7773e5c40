/**
 * Runtime primitives the simulator core needs, working both in Node and in browsers (the core also runs inside
 * MSW handlers): SHA-256 and HMAC, random bytes, byte length, sleeping. Node's crypto is used when present (it is
 * synchronous and several times faster on the hot path); elsewhere Web Crypto. It is taken with
 * `process.getBuiltinModule` (Node ≥ 20.16), not a top-level `await import`, so `require()` of the package works.
 */
type NodeCrypto = typeof import("node:crypto");
const nodeCrypto: NodeCrypto | undefined =
  typeof process !== "undefined" && typeof process.getBuiltinModule === "function"
    ? (process.getBuiltinModule("node:crypto") as NodeCrypto)
    : undefined;
const encoder = new TextEncoder();

function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Lowercase hex SHA-256 of a UTF-8 string or of bytes (synchronous under Node). */
export function sha256Hex(input: string | Uint8Array): string | Promise<string> {
  // Node ≥ 20.12 hashes in one call (about twice as fast as createHash for a key).
  if (nodeCrypto?.hash) return nodeCrypto.hash("sha256", input, "hex");
  if (nodeCrypto) return nodeCrypto.createHash("sha256").update(input).digest("hex");
  const bytes = typeof input === "string" ? encoder.encode(input) : input;
  return crypto.subtle
    .digest("SHA-256", bytes as Uint8Array<ArrayBuffer>)
    .then((d) => toHex(new Uint8Array(d)));
}

/** Lowercase hex HMAC-SHA256 of `body` under `secret`. */
export async function hmacSha256Hex(secret: string, body: string): Promise<string> {
  if (nodeCrypto) return nodeCrypto.createHmac("sha256", secret).update(body).digest("hex");
  const key = await crypto.subtle.importKey(
    "raw",
    encoder.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  return toHex(new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(body))));
}

/** `bytes` cryptographically random bytes, as lowercase hex. */
export function randomHex(bytes: number): string {
  return toHex(crypto.getRandomValues(new Uint8Array(bytes)));
}

/**
 * A random UUID v4, copied into one plain string: Node builds `crypto.randomUUID()` from 20 pieces and the engine
 * keeps those pieces as long as the id is stored (about 600 bytes an id, measured; about 60 once copied). Ids are
 * stored by the hundred thousand.
 */
export const randomId = (): string => crypto.randomUUID().split("-").join("-");

/** UTF-8 length of a string. */
export function byteLength(text: string): number {
  return typeof Buffer !== "undefined" ? Buffer.byteLength(text) : encoder.encode(text).byteLength;
}

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The bytes of a base64 string. */
export function fromBase64(text: string): Uint8Array {
  if (typeof Buffer !== "undefined") {
    const buffer = Buffer.from(text, "base64");
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  }
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}
