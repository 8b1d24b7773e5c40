// The baseline: a bare node:http server answering GET /v1/credits with the simulator's body and headers.
import { readFileSync } from "node:fs";
import { createServer } from "node:http";

const body = JSON.stringify(
  JSON.parse(readFileSync(new URL("./credits-body.json", import.meta.url), "utf8")),
);
const port = Number(process.argv[2] ?? 4020);
createServer((_req, res) => {
  res.writeHead(200, {
    "content-type": "application/json",
    "x-ratelimit-remaining": "59",
    "x-ratelimit-reset": "1774692060",
    "access-control-allow-origin": "*",
    "content-length": Buffer.byteLength(body),
  });
  res.end(body);
}).listen(port, "127.0.0.1");
