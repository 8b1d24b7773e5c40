/** The simulator's clock: real time plus an offset that the control API can advance. */

/** A clock that can be moved forward (never back). */
export interface SimulatorClock {
  /** Milliseconds since the epoch, simulated. */
  now(): number;
  /** Moves simulated time forward by `seconds` (shared clocks write the offset to the store). */
  advance(seconds: number): void | Promise<void>;
  /** Returns to real time. */
  reset(): void | Promise<void>;
}

/** A clock that follows `realNow` (Date.now by default) shifted by whatever has been advanced. */
export function createClock(realNow: () => number = Date.now): SimulatorClock {
  let offsetMs = 0;
  return {
    now: () => realNow() + offsetMs,
    advance(seconds) {
      offsetMs += seconds * 1000;
    },
    reset() {
      offsetMs = 0;
    },
  };
}
