/** Serves a simulator core over node:http (via @hono/node-server) on a loopback address by default. */
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import type { Simulator } from "./simulator.js";

/** A listening simulator. */
export interface SimulatorServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Listens on `host:port` (port 0 picks a free one) and resolves once it accepts connections. */
export function listen(
  simulator: Simulator,
  options: { host?: string; port?: number } = {},
): Promise<SimulatorServer> {
  const host = options.host ?? "127.0.0.1";
  return new Promise((resolve, reject) => {
    const server = serve(
      { fetch: simulator.fetch, hostname: host, port: options.port ?? 4010 },
      (info: AddressInfo) => {
        const shownHost = info.family === "IPv6" ? `[${info.address}]` : info.address;
        resolve({
          url: `http://${shownHost}:${info.port}`,
          close: () =>
            new Promise<void>((done) => {
              server.close(() => done());
              (server as { closeAllConnections?: () => void }).closeAllConnections?.();
            }),
        });
      },
    );
    server.once("error", reject);
  });
}
