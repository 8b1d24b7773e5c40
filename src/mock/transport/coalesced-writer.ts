/**
 * The Node adapter's writes, once per event-loop turn: each answer is queued when it is ready, and the turn's answers
 * are written together once its reads are done (`setImmediate`), each with one `writeHead` and one `end`. Written
 * one by one, every answer woke the client on its own; written together, a client busy with many connections wakes
 * once for all of them, which saves more kernel work than the wait costs (bench/RESULTS.md). An answer waits at
 * most for the others of its turn; an idle server's single answer goes out at once.
 */
import type { ServerResponse } from "node:http";
import type { ApiResponse } from "../http/exchange.js";

export function coalescedWriter() {
  let queued: { res: ServerResponse; answer: ApiResponse }[] = [];
  const flush = () => {
    const turn = queued;
    queued = [];
    for (const { res, answer } of turn) {
      try {
        res.writeHead(answer.status, answer.headers);
        res.end(answer.body);
      } catch {
        res.destroy(); // an answer node:http refuses to write must not cost the others of its turn
      }
    }
  };
  return {
    /** Queues `answer` for `res`; it is written after this turn's reads. */
    write(res: ServerResponse, answer: ApiResponse): void {
      if (queued.push({ res, answer }) === 1) setImmediate(flush);
    },
  };
}
