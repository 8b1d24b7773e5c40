/** `createMaskoClient`: the typed Masko API client (openapi-fetch with auth, 429 back-off and typed errors). */
import createClient, { type Client } from "openapi-fetch";
import type { components, paths } from "../generated/masko-api.js";
import { policies } from "../policy/policies.js";
import { errorFromResponse } from "./masko-api-error.js";
import type { RateLimitState, RateLimitWait } from "./rate-limit-state.js";
import { abortableSleep, createRetryingFetch, type RetryOptions, type Timing } from "./retrying-fetch.js";
import { type WaitForJobOptions, waitForJob } from "./wait-for-job.js";

/** Options of `createMaskoClient`. */
export interface MaskoClientOptions {
  /** `masko_` followed by 64 lowercase hex characters; a malformed key is refused before any request. */
  apiKey: string;
  /** Defaults to the production host. Paths already start with `/v1`. */
  baseUrl?: string;
  /** A fetch implementation (tests inject one; defaults to the global fetch). */
  fetch?: (request: Request) => Promise<Response>;
  /** 429 handling; `false` turns retries off. */
  retry?: RetryOptions | false;
  /** Clock and timer used for back-off and job waiting (tests inject fakes). */
  timing?: Partial<Timing>;
  /** Called before every wait the client makes for the rate limit: how long, why, for which request. */
  onWait?: (wait: RateLimitWait) => void;
  /** A debug log line per wait: `true` writes to `console.debug`, a function receives the lines. */
  debug?: boolean | ((line: string) => void);
}

/** The openapi-fetch client plus what this toolkit adds on top. */
export interface MaskoClient extends Client<paths> {
  /** The rate-limit headers of the most recent response, or undefined before the first one. */
  readonly rateLimit: RateLimitState | undefined;
  /** Resolves with the job once it is completed or failed; long-polls with `wait=true`, else polls. */
  waitForJob(jobId: string, options?: WaitForJobOptions): Promise<components["schemas"]["Job"]>;
}

/** A wait's reason in words (the debug log). */
const describeWait = (wait: RateLimitWait) =>
  wait.reason === "rate_limited"
    ? `429 rate limited, retry ${wait.attempt + 1}`
    : "the rate-limit window is spent until its reset";

/** The production API host. */
export const DEFAULT_BASE_URL = "https://api.masko.ai";

/** Creates a typed client; every non-2xx answer rejects with a `MaskoApiError`. */
export function createMaskoClient(options: MaskoClientOptions): MaskoClient {
  if (!policies.keyPolicy.pattern.test(options.apiKey)) {
    throw new TypeError(`apiKey must match ${policies.keyPolicy.pattern.source}`);
  }
  const timing: Timing = {
    now: options.timing?.now ?? Date.now,
    sleep: options.timing?.sleep ?? abortableSleep,
  };
  let rateLimit: RateLimitState | undefined;
  const baseFetch = options.fetch ?? ((request: Request) => globalThis.fetch(request));
  const debug = options.debug === true ? (line: string) => console.debug(line) : options.debug || undefined;
  const onWait = (wait: RateLimitWait) => {
    debug?.(`masko: waiting ${Math.ceil(wait.ms / 1000)} s (${describeWait(wait)}) before ${wait.request}`);
    options.onWait?.(wait);
  };
  const fetch = createRetryingFetch(
    baseFetch,
    options.retry ?? {},
    timing,
    (state) => {
      rateLimit = state;
    },
    onWait,
  );
  const client = createClient<paths>({
    baseUrl: options.baseUrl ?? DEFAULT_BASE_URL,
    fetch,
    headers: { Authorization: `Bearer ${options.apiKey}` },
  });
  client.use({
    async onResponse({ response }) {
      if (!response.ok) throw await errorFromResponse(response, rateLimit);
      return undefined;
    },
  });
  const masko = Object.assign(client, {
    waitForJob: (jobId: string, waitOptions?: WaitForJobOptions) =>
      waitForJob(client, jobId, waitOptions ?? {}, timing),
  });
  Object.defineProperty(masko, "rateLimit", { get: () => rateLimit, enumerable: true });
  return masko as MaskoClient;
}
