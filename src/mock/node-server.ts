/** Serves a simulator core over node:http (via @hono/node-server) on a loopback address by default. */
import { STATUS_CODES } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { networkInterfaces } from "node:os";
import { serve } from "@hono/node-server";
import type { Simulator } from "./simulator.js";

/** A listening simulator. */
export interface SimulatorServer {
  readonly url: string;
  close(): Promise<void>;
}

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

/** Whether `url` points at this server: its port on a loopback name, its bound address, or any local address. */
function isOwnAddress(url: URL, bound: AddressInfo): boolean {
  const port = Number(url.port || (url.protocol === "https:" ? 443 : 80));
  if (port !== bound.port) return false;
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (LOOPBACK.has(url.hostname) || LOOPBACK.has(host) || host.startsWith("127.") || host === bound.address) {
    return true;
  }
  const wildcard = bound.address === "0.0.0.0" || bound.address === "::";
  const local = Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address));
  return wildcard && local.includes(host);
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
        simulator.services.webhooks.refuseSelf((url) => isOwnAddress(url, info));
        resolve({
          url: `http://${shownHost}:${info.port}`,
          close: () =>
            new Promise<void>((done) => {
              simulator.close();
              server.close(() => done());
              (server as { closeAllConnections?: () => void }).closeAllConnections?.();
            }),
        });
      },
    );
    server.once("error", reject);
    // Requests node:http refuses before any handler runs (oversized headers, unknown methods, bad request lines)
    // still get the API's envelope and rate-limit headers, not a bare "400 Bad Request".
    server.on("clientError", (error: NodeJS.ErrnoException, socket: Socket) => {
      if (!socket.writable || (error as { code?: string }).code === "ECONNRESET") {
        socket.destroy();
        return;
      }
      const headersTooLarge = error.code === "HPE_HEADER_OVERFLOW";
      simulator.malformedRequest(socket.remoteAddress, headersTooLarge).then(
        ({ status, headers, body }) => {
          const head = Object.entries({
            ...headers,
            "Content-Length": String(Buffer.byteLength(body)),
            Connection: "close",
          })
            .map(([name, value]) => `${name}: ${value}`)
            .join("\r\n");
          const reason = STATUS_CODES[status] ?? "Bad Request";
          socket.end(`HTTP/1.1 ${status} ${reason}\r\n${head}\r\n\r\n${body}`);
        },
        () => socket.destroy(),
      );
    });
  });
}
