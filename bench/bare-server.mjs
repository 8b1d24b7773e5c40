// The baseline: a bare node:http server answering GET /v1/credits with the simulator's body and headers
// (credits-body.json, credits-headers.json: WireMock's stub answers the same).
// `--coalesce` writes its answers with the simulator's own writer (src/mock/transport/coalesced-writer.ts, compiled), the
// answers of one event-loop turn together: the same technique on the bare server, for comparison.
import { readFileSync } from "node:fs";
import { createServer } from "node:http";

const body = JSON.stringify(
  JSON.parse(readFileSync(new URL("./credits-body.json", import.meta.url), "utf8")),
);
const answer = {
  status: 200,
  headers: {
    ...JSON.parse(readFileSync(new URL("./credits-headers.json", import.meta.url), "utf8")),
    "content-length": String(Buffer.byteLength(body)),
  },
  body,
};
const port = Number(process.argv[2] ?? 4020);

const writer = process.argv.includes("--coalesce")
  ? (await import("../dist/src/mock/transport/coalesced-writer.js")).coalescedWriter()
  : {
      write(res, { status, headers, body }) {
        res.writeHead(status, headers);
        res.end(body);
      },
    };

createServer((_req, res) => writer.write(res, answer)).listen(port, "127.0.0.1");
