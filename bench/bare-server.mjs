// The baseline: a bare node:http server answering GET /v1/credits with the simulator's body and headers
// (credits-body.json, credits-headers.json: WireMock's stub answers the same).
// `--coalesce` writes the answers of one event-loop turn together, as the simulator's Node adapter does
// (src/mock/coalesced-writer.ts): the same technique on the bare server, for comparison.
import { readFileSync } from "node:fs";
import { createServer } from "node:http";

const body = JSON.stringify(
  JSON.parse(readFileSync(new URL("./credits-body.json", import.meta.url), "utf8")),
);
const headers = {
  ...JSON.parse(readFileSync(new URL("./credits-headers.json", import.meta.url), "utf8")),
  "content-length": Buffer.byteLength(body),
};
const port = Number(process.argv[2] ?? 4020);
const coalesce = process.argv.includes("--coalesce");

function answer(res) {
  res.writeHead(200, headers);
  res.end(body);
}

let queued = [];
function flush() {
  const turn = queued;
  queued = [];
  for (const res of turn) answer(res);
}

createServer((_req, res) => {
  if (!coalesce) answer(res);
  else if (queued.push(res) === 1) setImmediate(flush);
}).listen(port, "127.0.0.1");
