/** A scripted fetch for unit tests: answers in order and records every request it receives. */
export interface ScriptedFetch {
  fetch: (request: Request) => Promise<Response>;
  requests: Request[];
}

/** JSON response with the rate-limit headers a Masko server always sends. */
export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: {
      "content-type": "application/json",
      "x-ratelimit-remaining": "59",
      "x-ratelimit-reset": "1774692060",
      ...headers,
    },
  });
}

/** Returns a fetch that answers with `responses` in order (the last one repeats). */
export function scriptedFetch(...responses: Array<() => Response>): ScriptedFetch {
  const requests: Request[] = [];
  return {
    requests,
    fetch: async (request) => {
      requests.push(request);
      const next = responses[Math.min(requests.length - 1, responses.length - 1)];
      if (!next) throw new Error("scriptedFetch needs at least one response");
      return next();
    },
  };
}

/** A fake clock whose sleep advances time instead of waiting. */
export function fakeTiming(startMs = 1_774_692_000_000) {
  let now = startMs;
  const sleeps: number[] = [];
  return {
    sleeps,
    timing: {
      now: () => now,
      sleep: async (ms: number) => {
        sleeps.push(ms);
        now += ms;
      },
    },
    advance: (ms: number) => {
      now += ms;
    },
  };
}

/** A syntactically valid API key. */
export const VALID_KEY = `masko_${"ab12".repeat(16)}`;
