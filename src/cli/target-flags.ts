/**
 * What `masko-contract test` and `parity` check before anything runs: flag values (a base URL with its scheme, a
 * key of the Masko format, a known profile, numbers that are numbers — exit 2 naming the flag), then the target
 * itself (reachable, and the key accepted), each refusal one line saying what is wrong.
 */
import { policies } from "../policy/policies.js";

/** A flag value or a target the command cannot run with; the CLI prints its message and exits 2. */
export class UsageError extends Error {}

/** `value` as an absolute http(s) URL without a trailing slash. */
export function checkUrl(flag: string, value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {}
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:") || !url.host) {
    throw new UsageError(
      `--${flag} must be an absolute http:// or https:// URL such as http://127.0.0.1:4010, not ${JSON.stringify(value)}`,
    );
  }
  return value.replace(/\/+$/, "");
}

/** `value` as a Masko API key (`masko_` and 64 lowercase hex characters). */
export function checkKey(flag: string, value: string): string {
  if (!policies.keyPolicy.pattern.test(value)) {
    const shown = value.length > 12 ? `${value.slice(0, 12)}…` : value;
    throw new UsageError(
      `--${flag} is not a Masko API key (masko_ followed by 64 lowercase hex characters): ${JSON.stringify(shown)}`,
    );
  }
  return value;
}

/** `value` as a whole number ≥ `min`. */
export function checkWholeNumber(flag: string, value: string, min = 0): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isInteger(n) || n < min) {
    throw new UsageError(`--${flag} must be a whole number >= ${min}, not ${JSON.stringify(value)}`);
  }
  return n;
}

/** `value` as one of `choices`. */
export function checkChoice<T extends string>(flag: string, value: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(value)) {
    throw new UsageError(`--${flag} must be one of ${choices.join(", ")}, not ${JSON.stringify(value)}`);
  }
  return value as T;
}

/** Why a fetch failed, in a word or two (ECONNREFUSED, ENOTFOUND, a timeout). */
function cause(error: unknown): string {
  const c = (error as { cause?: { code?: string; message?: string } }).cause;
  return c?.code ?? c?.message ?? (error as Error).message;
}

/**
 * Checks that `baseUrl` answers and accepts `apiKey` (`GET /v1/credits`): throws one line when it cannot be reached
 * or refuses the key. A 429 passes (the run paces itself); so does any other answer (the checks report it).
 */
export async function checkTarget(baseUrl: string, apiKey: string, timeoutMs = 15_000): Promise<void> {
  let response: Response;
  try {
    response = await fetch(`${baseUrl}/v1/credits`, {
      headers: { authorization: `Bearer ${apiKey}` },
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw new UsageError(`cannot reach ${baseUrl} (${cause(error)}): is the server running there?`);
  }
  const text = await response.text();
  if (response.status === 401 || response.status === 403) {
    let detail = text.slice(0, 200);
    try {
      const body = JSON.parse(text) as { error?: { code?: string; message?: string } | string };
      detail = typeof body.error === "string" ? body.error : `${body.error?.code}: ${body.error?.message}`;
    } catch {}
    throw new UsageError(
      `${baseUrl} refuses the API key (${response.status} ${detail}); pass a key of that server with --api-key`,
    );
  }
}
