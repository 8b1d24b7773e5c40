// The baseline: a bare node:http server answering GET /v1/credits with the simulator's exact body and headers.
import { createServer } from "node:http";

const body = JSON.stringify({
  data: { balance: 100, workspace_id: "5b2c7c43-3a1e-4d8e-9f4a-2c6d8e0f1a2b", workspace_type: "personal" },
});
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
