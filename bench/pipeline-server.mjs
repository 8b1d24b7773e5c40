// The servers of `npm run bench:pipeline`, run by plain node on the compiled simulator (as `npm run mock` runs it):
// the same simulator behind three answers, each on its own loopback port; prints { urls, key } as one JSON line.
import { readFileSync } from "node:fs";
import { Session } from "node:inspector";
import { createSimulator } from "../dist/src/mock/simulator.js";
import { listen } from "../dist/src/mock/transport/node-server.js";

// The body every benchmark server answers (bench/bare-server.mjs and the WireMock stub read it too).
const body = JSON.stringify(
  JSON.parse(readFileSync(new URL("./credits-body.json", import.meta.url), "utf8")),
);
const constant = () => ({
  status: 200,
  headers: {
    "Access-Control-Allow-Origin": "*",
    "X-RateLimit-Remaining": "59",
    "X-RateLimit-Reset": "1774692060",
    "Content-Type": "application/json",
    "Content-Length": String(body.length),
  },
  body,
});

const simulator = await createSimulator({ rateLimitScale: 1_000_000 });

const authorization = `Bearer ${simulator.demo.api_key}`;
/** One request record, answered over and over by the in-process loops. */
const record = {
  method: "GET",
  path: "/v1/credits",
  query: "",
  header: (name) => (name === "authorization" ? authorization : undefined),
  address: "127.0.0.1",
  body: { present: false, read: async () => new Uint8Array() },
  signal: () => new AbortController().signal,
};

/** The pipeline's own cost in a tight in-process loop (µs a request). */
async function tightLoopMicros(rounds = 50_000) {
  for (let i = 0; i < 5_000; i++) await simulator.answer(record);
  const started = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) await simulator.answer(record);
  return Number(process.hrtime.bigint() - started) / 1000 / rounds;
}

/** Bytes `loop` allocates (garbage included: V8's sampling heap profiler keeps what the collectors freed). */
async function allocatedBytes(loop) {
  const session = new Session();
  session.connect();
  const post = (method, params) =>
    new Promise((resolve, reject) => session.post(method, params, (e, r) => (e ? reject(e) : resolve(r))));
  await post("HeapProfiler.enable");
  const sampling = {
    samplingInterval: 64,
    includeObjectsCollectedByMinorGC: true,
    includeObjectsCollectedByMajorGC: true,
  };
  await post("HeapProfiler.startSampling", sampling);
  await loop();
  const { profile } = await post("HeapProfiler.stopSampling");
  session.disconnect();
  let total = 0;
  const walk = (node) => {
    total += node.selfSize;
    node.children.forEach(walk);
  };
  walk(profile.head);
  return total;
}

/** What the pipeline allocates an answer in the same loop, less what the loop itself allocates around a constant. */
async function tightLoopBytes(rounds = 50_000) {
  const answered = await allocatedBytes(async () => {
    for (let i = 0; i < rounds; i++) await simulator.answer(record);
  });
  const looped = await allocatedBytes(async () => {
    for (let i = 0; i < rounds; i++) await (async () => body)();
  });
  return Math.max(0, answered - looped) / rounds;
}
const inProcessMicros = await tightLoopMicros();
const inProcessBytes = await tightLoopBytes();

/** Short-lived objects of about `bytes` bytes in all (40-byte records), kept just long enough not to be optimised away. */
const sink = [];
function garbage(bytes) {
  for (let i = 0; i < bytes / 40; i++) sink[i & 3] = { a: i, b: bytes, c: sink };
}
/** Keeps the CPU busy for `micros` µs: plain work of the pipeline's in-process length, with no data of its own. */
function busy(micros) {
  const end = process.hrtime.bigint() + BigInt(Math.round(micros * 1000));
  while (process.hrtime.bigint() < end);
}
const variants = {
  // The adapter and node:http alone (the authorization header is read, as the pipeline does).
  constant: async (request) => {
    request.header("authorization");
    return constant();
  },
  // The whole pipeline runs, then the same constant is sent.
  "pipeline+constant": async (request) => {
    await simulator.answer(request);
    return constant();
  },
  simulator: simulator.answer,
  // The adapter's constant after as much short-lived garbage as the pipeline makes: what that much garbage costs
  // under HTTP load on this machine (its own allocation work included).
  "garbage+constant": async (request) => {
    request.header("authorization");
    garbage(inProcessBytes);
    return constant();
  },
  // The adapter's constant after a busy loop as long as the pipeline takes in process: what that much CPU costs
  // under HTTP load on this machine, whatever the code.
  "busy loop+constant": async (request) => {
    request.header("authorization");
    busy(inProcessMicros);
    return constant();
  },
};
const urls = {};
for (const [name, answer] of Object.entries(variants)) {
  urls[name] = (await listen({ ...simulator, answer }, { port: 0 })).url;
}
process.stdout.write(
  `${JSON.stringify({ urls, key: simulator.demo.api_key, inProcessMicros, inProcessBytes })}\n`,
);
