// The servers of `npm run bench:pipeline`, run by plain node on the compiled simulator (as `npm run mock` runs it):
// the same simulator behind three answers, each on its own loopback port; prints { urls, key } as one JSON line.
import { readFileSync } from "node:fs";
import { listen } from "../dist/src/mock/node-server.js";
import { createSimulator } from "../dist/src/mock/simulator.js";

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
};
const urls = {};
for (const [name, answer] of Object.entries(variants)) {
  urls[name] = (await listen({ ...simulator, answer }, { port: 0 })).url;
}
process.stdout.write(`${JSON.stringify({ urls, key: simulator.demo.api_key })}\n`);
