/**
 * Runs due work (jobs to finish, webhooks to deliver) without anybody polling the API: at the times the instance
 * itself scheduled, right after the clock moves, and — on a store shared by several instances — every `pollMs`,
 * so an instance finishes what another one accepted (even after that one died). What is due is read from the
 * store; finishing and claiming are atomic there, so each piece of work happens once.
 */

/** The due-work runner of one simulator instance. */
export class Scheduler {
  private running: Promise<void> | undefined;
  private again = false;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private readonly poll: ReturnType<typeof setInterval> | undefined;

  /** `tick` does the work; `pollMs` (shared stores) also runs it on an interval. */
  constructor(
    private readonly tick: () => Promise<void>,
    pollMs?: number,
  ) {
    if (pollMs) {
      this.poll = setInterval(() => void this.runNow(), pollMs);
      (this.poll as { unref?: () => void }).unref?.();
    }
  }

  /** Runs due work in `delayMs` real milliseconds (timers never keep the process alive). */
  soon(delayMs: number): void {
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        void this.runNow();
      },
      Math.max(0, delayMs),
    );
    (timer as { unref?: () => void }).unref?.();
    this.timers.add(timer);
  }

  /** Runs due work now; a call during a run makes one more run after it. Never rejects. */
  runNow(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        try {
          await this.tick();
        } catch {
          // A store outage: the next timer or poll tries again.
        }
      } while (this.again);
    })().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Stops every timer and the poll. */
  stop(): void {
    if (this.poll) clearInterval(this.poll);
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
