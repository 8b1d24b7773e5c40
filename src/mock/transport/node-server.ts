/**
 * Serves a simulator over node:http, on a loopback address by default. The fast path: each request becomes the
 * pipeline's plain record (no fetch `Request`), and each answer is written with one `writeHead` and one `end`, so
 * headers and body leave in one write, together with the other answers of its event-loop turn (coalesced-writer.ts).
 */
import { createServer, type IncomingMessage, type ServerResponse, STATUS_CODES } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { networkInterfaces } from "node:os";
import { type ApiRequest, joinChunks, normalisedPath } from "../http/exchange.js";
import { payloadTooLarge } from "../primitives/masko-error.js";
import type { Simulator } from "../simulator.js";
import { coalescedWriter } from "./coalesced-writer.js";
import { selfTargetCheck } from "./self-target.js";

/** A listening simulator. */
export interface SimulatorServer {
  readonly url: string;
  /** How many connections are open now (a test waits on it instead of sleeping). */
  connections(): Promise<number>;
  close(): Promise<void>;
}

/**
 * Reads a request body up to `limit` bytes. Past the limit it rejects with 413 at once and discards the rest, and
 * the connection is closed after the answer (`Connection: close`) rather than kept for a client still sending.
 */
function readBody(req: IncomingMessage, res: ServerResponse, limit: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size <= limit) return void chunks.push(chunk);
      req.off("data", onData).off("end", onEnd).off("error", reject);
      res.shouldKeepAlive = false;
      req.resume();
      reject(payloadTooLarge(limit));
    };
    const onEnd = () => resolve(joinChunks(chunks, size));
    req.on("data", onData).once("end", onEnd).once("error", reject);
  });
}

/**
 * The pipeline's record of a node:http request: one object a request, its methods shared on the prototype (the body
 * reader and the abort signal are made only when a stage asks for them).
 */
class NodeRequest implements ApiRequest {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly #req: IncomingMessage;
  readonly #res: ServerResponse;
  #controller: AbortController | undefined = undefined;
  #body: ApiRequest["body"] | undefined = undefined;

  constructor(req: IncomingMessage, res: ServerResponse) {
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    this.method = req.method ?? "GET";
    this.path = normalisedPath(q < 0 ? url : url.slice(0, q));
    this.query = q < 0 ? "" : url.slice(q + 1);
    this.#req = req;
    this.#res = res;
  }

  get address(): string | undefined {
    return this.#req.socket.remoteAddress;
  }

  header(name: string): string | undefined {
    const value = this.#req.headers[name];
    return Array.isArray(value) ? value.join(", ") : value;
  }

  get body(): ApiRequest["body"] {
    if (!this.#body) {
      const req = this.#req;
      const res = this.#res;
      const headers = req.headers;
      this.#body = {
        present:
          (headers["content-length"] !== undefined && headers["content-length"] !== "0") ||
          headers["transfer-encoding"] !== undefined,
        read: (limit) => readBody(req, res, limit),
      };
    }
    return this.#body;
  }

  signal(): AbortSignal {
    if (!this.#controller) {
      const made = new AbortController();
      this.#controller = made;
      const res = this.#res;
      if (res.closed && !res.writableFinished) made.abort();
      else res.once("close", () => res.writableFinished || made.abort());
    }
    return this.#controller.signal;
  }
}

/** The pipeline's record of a node:http request. */
export function fromNode(req: IncomingMessage, res: ServerResponse): ApiRequest {
  return new NodeRequest(req, res);
}

/** Listens on `host:port` (port 0 picks a free one) and resolves once it accepts connections. */
export function listen(
  simulator: Simulator,
  options: { host?: string; port?: number } = {},
): Promise<SimulatorServer> {
  const host = options.host ?? "127.0.0.1";
  const writer = coalescedWriter();
  const server = createServer((req, res) => {
    simulator.answer(fromNode(req, res)).then(
      (answer) => writer.write(res, answer),
      () => res.destroy(),
    );
  });
  // Requests node:http refuses before any handler runs (oversized headers, unknown methods, bad request lines)
  // still get the API's envelope and rate-limit headers, not a bare "400 Bad Request".
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Socket) => {
    if (!socket.writable || error.code === "ECONNRESET") {
      socket.destroy();
      return;
    }
    simulator.malformedRequest(socket.remoteAddress, error.code === "HPE_HEADER_OVERFLOW").then(
      ({ status, headers, body = "" }) => {
        const head = Object.entries({ ...headers, Connection: "close" })
          .map(([name, value]) => `${name}: ${value}`)
          .join("\r\n");
        socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? "Bad Request"}\r\n${head}\r\n\r\n${body}`);
      },
      () => socket.destroy(),
    );
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 4010, host, () => {
      const info = server.address() as AddressInfo;
      const shownHost = info.family === "IPv6" ? `[${info.address}]` : info.address;
      simulator.services.webhooks.refuseSelf(selfTargetCheck(info.address, info.port));
      // The control API answers to the bound address (on a wildcard bind, every interface's) and loopback names.
      const wildcard = info.address === "0.0.0.0" || info.address === "::";
      const interfaces = Object.values(networkInterfaces()).flatMap((list) =>
        (list ?? []).map((i) => i.address),
      );
      simulator.listeningOn([
        info.address,
        ...(wildcard ? interfaces : []),
        ...(host === info.address ? [] : [host]),
      ]);
      // Asset URLs point here unless a base was configured; a wildcard bind is reached on loopback.
      const reachable = wildcard ? "127.0.0.1" : shownHost;
      simulator.services.assets.serveFrom(`http://${reachable}:${info.port}`);
      resolve({
        url: `http://${shownHost}:${info.port}`,
        connections: () =>
          new Promise<number>((done, fail) =>
            server.getConnections((error, count) => (error ? fail(error) : done(count))),
          ),
        close: () =>
          new Promise<void>((done) => {
            simulator.close();
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
