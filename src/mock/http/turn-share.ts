/**
 * A share of each event-loop turn for work that anybody can ask for without a key (the asset route): at most
 * `perTurn` pieces start in one turn, the rest wait for the next turns, served round-robin by client address.
 * Whatever else arrives in a turn (another tenant's API call) then waits behind at most `perTurn` of them, however
 * many connections one client opens; an idle server starts each at once.
 */

import { RoundRobin } from "../primitives/round-robin.js";

type Release = () => void;

const nextTurn: (run: () => void) => void =
  typeof setImmediate === "function" ? (run) => setImmediate(run) : (run) => setTimeout(run, 0);

export function createTurnShare(perTurn: number) {
  const waiting = new RoundRobin<Release>();
  let started = 0;
  let turnScheduled = false;

  const newTurn = () => {
    turnScheduled = false;
    started = 0;
    for (let next = waiting.take(); next; next = started < perTurn ? waiting.take() : undefined) {
      started++;
      next();
    }
    if (started > 0 || !waiting.empty) scheduleTurn();
  };
  const scheduleTurn = () => {
    if (turnScheduled) return;
    turnScheduled = true;
    nextTurn(newTurn);
  };

  return {
    /** Undefined when `address` may start now, else a promise resolved when its turn comes. */
    wait(address: string): Promise<void> | undefined {
      scheduleTurn();
      if (started < perTurn && waiting.empty) {
        started++;
        return undefined;
      }
      return new Promise<void>((resolve) => waiting.push(address, resolve));
    },
  };
}
