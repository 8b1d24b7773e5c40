/**
 * Runtime primitives the simulator core needs, working both in Node and in browsers (the core also runs inside
 * MSW handlers): SHA-256 and HMAC, random bytes, byte length, sleeping. Node's crypto is used when present (it is
 * synchronous and several times faster on the hot path); elsewhere Web Crypto.
 */
const nodeCrypto =
  typeof process !== "undefined" && process.versions?.node ? await import("node:crypto") : undefined;
const encoder = new TextEncoder();

function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Lowercase hex SHA-256 of a UTF-8 string (synchronous under Node). */
export function sha256Hex(text: string): string | Promise<string> {
  // Node ≥ 20.12 hashes in one call (about twice as fast as createHash for a key).
  if (nodeCrypto?.hash) return nodeCrypto.hash("sha256", text, "hex");
  if (nodeCrypto) return nodeCrypto.createHash("sha256").update(text).digest("hex");
  return crypto.subtle.digest("SHA-256", encoder.encode(text)).then((d) => toHex(new Uint8Array(d)));
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
 * A random UUID v4, as one flat string. `crypto.randomUUID()` under Node concatenates 20 pieces, and V8 keeps such
 * a string as a tree of 19 small strings (about 600 bytes) for as long as it is stored; ids are stored by the
 * hundred thousand, and `join` makes them flat (about 60 bytes).
 */
export const randomId = (): string => crypto.randomUUID().split("-").join("-");

/** UTF-8 length of a string. */
export function byteLength(text: string): number {
  return typeof Buffer !== "undefined" ? Buffer.byteLength(text) : encoder.encode(text).byteLength;
}

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
