/**
 * `masko-contract test --keys N`: N − 1 more keys of the target's workspace, created through its own API for one
 * paced run so the run spreads its requests over N minute windows, and revoked at the end — after a failure and on
 * Ctrl-C too. It always leaves one active-key slot free (a check creates a key of its own) and says so when the
 * workspace has fewer slots than asked.
 */
import { abortableSleep, createRetryingFetch } from "../client/retrying-fetch.js";
import { policies } from "../policy/policies.js";

/** A created key: its id (to revoke it) and the raw key (to use it). */
interface PoolKey {
  readonly id: string;
  readonly key: string;
}

const auth = (key: string) => ({ authorization: `Bearer ${key}`, "content-type": "application/json" });

/** The typed client's fetch: a 429 waited out as it asks (up to 65 s, four attempts); revoking must work late. */
const retrying = createRetryingFetch(
  (request) => fetch(request),
  // No waiting before sending: the last answer may be another key's.
  { maxAttempts: 4, maxWaitMs: 65_000, paceBeforeSending: false },
  { now: Date.now, sleep: abortableSleep },
  () => {},
);
const patient = (url: string, init: RequestInit) => retrying(new Request(url, init));

/** Creates up to `extra` keys beside `key` at `baseUrl`; returns them and a revoke-all that runs once. */
export async function createKeyPool(
  baseUrl: string,
  key: string,
  extra: number,
  log: (line: string) => void,
) {
  const listed = await patient(`${baseUrl}/v1/api-keys`, { headers: auth(key) });
  const active = listed.ok ? (((await listed.json()) as { data?: unknown[] }).data?.length ?? 0) : 0;
  const room = Math.max(0, policies.keyPolicy.maxActiveKeysPerWorkspace - active - 1);
  const wanted = Math.min(extra, room);
  if (wanted < extra) {
    log(
      `keys: the workspace has ${active} active keys; creating ${wanted} more, not ${extra} (one slot stays free)`,
    );
  }
  const pool: PoolKey[] = [];
  for (let i = 0; i < wanted; i++) {
    const created = await patient(`${baseUrl}/v1/api-keys`, {
      method: "POST",
      headers: auth(key),
      body: JSON.stringify({ name: `masko-contract test run (${i + 2} of ${wanted + 1})` }),
    });
    if (created.status !== 201) {
      log(`keys: the target answered ${created.status} to creating a key; the run uses ${pool.length + 1}`);
      break;
    }
    const { data } = (await created.json()) as { data: { id: string; key: string } };
    pool.push({ id: data.id, key: data.key });
  }
  let revoked: Promise<void> | undefined;
  const revokeAll = () => {
    revoked ??= (async () => {
      for (const k of pool) {
        // Each key revokes itself: the run's own key may have spent its window by now.
        const answer = await patient(`${baseUrl}/v1/api-keys/${k.id}`, {
          method: "DELETE",
          headers: auth(k.key),
        });
        if (answer.status !== 204 && answer.status !== 404)
          log(`keys: revoking a run key answered ${answer.status}`);
      }
      if (pool.length > 0)
        log(`keys: revoked the ${pool.length} key${pool.length === 1 ? "" : "s"} this run created`);
    })();
    return revoked;
  };
  return { keys: pool.map((k) => k.key), revokeAll };
}
