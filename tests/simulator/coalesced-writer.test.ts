/**
 * The Node adapter writes the answers of one event-loop turn together: none leaves before the turn's reads are done,
 * each reaches its own client, and one that node:http refuses to write costs only its own connection.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createSimulator } from "../../src/mock/simulator.js";
import { coalescedWriter } from "../../src/mock/transport/coalesced-writer.js";
import { listen } from "../../src/mock/transport/node-server.js";
import { testStore } from "./harness.js";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** A node:http server answering `/{name}` with `name` through one coalesced writer (`/bad` with a header node:http refuses). */
async function echoServer(sentAtOnce: boolean[]): Promise<string> {
  const writer = coalescedWriter();
  const server: Server = createServer((req, res) => {
    const name = (req.url ?? "/").slice(1);
    const headers: Record<string, string> =
      name === "bad" ? { "X-Bad": "a\nb" } : { "Content-Type": "text/plain" };
    writer.write(res, { status: 200, headers, body: name });
    sentAtOnce.push(res.headersSent);
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  closers.push(() => new Promise((done) => server.close(() => done())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("answers written once per event-loop turn", () => {
  it("writes nothing before the turn ends, then each answer to its own client; a refused one costs only itself", async () => {
    const sentAtOnce: boolean[] = [];
    const base = await echoServer(sentAtOnce);
    const names = Array.from({ length: 20 }, (_, i) => `n${i}`);
    const [bad, ...answers] = await Promise.allSettled([
      fetch(`${base}/bad`).then((r) => r.text()),
      ...names.map((name) => fetch(`${base}/${name}`).then((r) => r.text())),
    ]);
    expect(bad?.status).toBe("rejected");
    expect(answers.map((a) => (a.status === "fulfilled" ? a.value : a.reason))).toEqual(names);
    expect(sentAtOnce).toHaveLength(names.length + 1);
    expect(sentAtOnce.every((sent) => !sent)).toBe(true);
  });

  it("gives each of 40 keys calling at once its own workspace over real sockets", async () => {
    const store = testStore();
    const simulator = await createSimulator(store ? { store } : {});
    const server = await listen(simulator, { host: "127.0.0.1", port: 0 });
    closers.push(() => server.close());
    const workspaces = await Promise.all(
      Array.from({ length: 40 }, () => simulator.control.createWorkspace({ type: "personal", credits: 1 })),
    );
    const seen = await Promise.all(
      workspaces.map((ws) =>
        fetch(`${server.url}/v1/credits`, { headers: { authorization: `Bearer ${ws.api_key}` } })
          .then((r) => r.json())
          .then((body) => body.data.workspace_id),
      ),
    );
    expect(seen).toEqual(workspaces.map((ws) => ws.workspace_id));
  });
});
